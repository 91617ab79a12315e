//! `frontdesk`: the command line over the same core API as the desktop window.
//!
//! Staff commands sign in as `--user` (or `FRONTDESK_USER`) with the password from
//! `FRONTDESK_PASSWORD` or, on a terminal, a prompt.

mod documents;
mod exports;
mod invites;
mod output;
mod settings;
mod staff;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use frontdesk_core::audit::AuditQuery;
use frontdesk_core::people::employees::EmployeeQuery;
use frontdesk_core::site::InitRequest;
use frontdesk_core::store::paths;
use frontdesk_core::visits::visitor_faces::VisitorFaceResult;
use frontdesk_core::visits::visitors::VisitorDetails;
use frontdesk_core::visits::{SignInRequest, SignOutMethod, VisitQuery, VisitStatus};
use frontdesk_core::{Actor, Frontdesk};

#[derive(Parser)]
#[command(
    name = "frontdesk",
    version,
    about = "Frontdesk reception: visitors, employees, attendance"
)]
struct Cli {
    /// Data directory (default: the OS app-data directory, or FRONTDESK_DATA_DIR).
    #[arg(long, global = true, env = "FRONTDESK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Staff username for commands that need one.
    #[arg(
        long,
        short,
        global = true,
        env = "FRONTDESK_USER",
        default_value = "admin"
    )]
    user: String,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database with one site and the first admin account.
    Init {
        #[arg(long)]
        organisation: String,
        #[arg(long)]
        site: String,
        /// IANA time zone of the site, e.g. Europe/London.
        #[arg(long)]
        time_zone: String,
        #[arg(long, default_value = "admin")]
        admin_username: String,
        #[arg(long, default_value = "Administrator")]
        admin_name: String,
    },
    /// Create a demo database (one site, employees, visitors on site).
    Demo,
    /// The employee directory.
    Employees {
        #[command(subcommand)]
        cmd: EmployeesCommand,
    },
    /// Sign a visitor in or out.
    Visit {
        #[command(subcommand)]
        cmd: VisitCommand,
    },
    /// The visit log of one day at this PC's site.
    Visits {
        /// Local date at the site (default: today).
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long, value_parser = parse_status)]
        status: Option<VisitStatus>,
    },
    /// Everyone on site now: visitors signed in and employees clocked in.
    Onsite,
    /// Search visitors by name, email or phone prefix.
    Visitors { query: String },
    /// Documents: badges, timesheets, reports, the evacuation list; printing.
    Docs {
        #[command(subcommand)]
        cmd: documents::DocsCommand,
    },
    /// Scheduled exports (e.g. every Monday, last week's timesheets into a folder).
    Exports {
        #[command(subcommand)]
        cmd: exports::ExportsCommand,
    },
    /// Make the scheduled exports that are due (for a system timer on PCs where the window is not
    /// kept open; the window does this every minute itself). No sign-in: runs use each schedule's
    /// owner's permissions.
    RunDueExports,
    /// This PC's site settings: show them, or change one (administrators).
    Settings {
        #[command(subcommand)]
        cmd: settings::SettingsCommand,
    },
    /// Staff accounts: list, create, change role, disable/enable, reset password, kiosk PIN
    /// (administrators); `staff passwd` changes your own password.
    Staff {
        #[command(subcommand)]
        cmd: staff::StaffCommand,
    },
    /// Invitations: register a visitor ahead of time; they scan the QR code at the kiosk.
    Invite {
        #[command(subcommand)]
        cmd: invites::InviteCommand,
    },
    /// Sign out visitors still signed in from before their site's end-of-day time (for a system
    /// timer on PCs where the window is not kept open; the window does this every minute itself).
    AutoSignOut,
    /// Timesheet corrections and approvals (managers and admins).
    Timesheet {
        #[command(subcommand)]
        cmd: documents::TimesheetCommand,
    },
    /// Enrol an employee's face from 3-5 photos (re-enrolment replaces; needs their consent).
    Enrol {
        /// Employee code.
        #[arg(long)]
        employee: String,
        #[arg(required = true)]
        photos: Vec<PathBuf>,
    },
    /// Clock in or out by face: identify the person in a photo or camera frame and record IN/OUT.
    Clock { photo: PathBuf },
    /// Measure the identification threshold on the enrolled gallery and suggest one for a
    /// false-accept rate (administrators).
    FaceCalibration {
        /// Share of pairs of different people the camera may confuse, e.g. 0.001.
        #[arg(long, default_value_t = 0.001)]
        target_far: f64,
    },
    /// Returning visitors by face, as the kiosk does it (only with the visitor's consent).
    VisitorFace {
        #[command(subcommand)]
        cmd: VisitorFaceCommand,
    },
    /// The audit log, newest first; `audit verify` checks that nobody rewrote it.
    #[command(args_conflicts_with_subcommands = true)]
    Audit {
        #[command(subcommand)]
        cmd: Option<AuditCommand>,
        /// Only actions starting with this, e.g. `visit.`.
        #[arg(long)]
        action: Option<String>,
        /// Only actions by someone whose name contains this.
        #[arg(long)]
        actor: Option<String>,
        /// First day (site-local), inclusive.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last day (site-local), inclusive.
        #[arg(long)]
        to: Option<NaiveDate>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Save every matching row as CSV in the exports folder instead (the export is audited).
        #[arg(long)]
        export: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every PC's chain of audit rows and report the first broken link (an edited,
    /// inserted or deleted row); exits with an error when one is found.
    Verify,
}

#[derive(Subcommand)]
enum VisitorFaceCommand {
    /// Remember a visitor's face from a photo or frame (stores the descriptor, not the photo).
    Remember {
        visitor_id: uuid::Uuid,
        photo: PathBuf,
        /// The visitor agreed to be recognised next time (required).
        #[arg(long)]
        visitor_consents: bool,
    },
    /// Is the face in this photo a returning visitor?
    Recognise { photo: PathBuf },
    /// Forget a visitor's face and consent.
    Forget { visitor_id: uuid::Uuid },
}

#[derive(Subcommand)]
enum EmployeesCommand {
    /// Import or update employees from a CSV file (header with at least code and name).
    Import { file: PathBuf },
    /// List employees.
    List {
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// Set an employee's clock-in PIN (4-8 digits) from FRONTDESK_EMPLOYEE_PIN or a prompt;
    /// `--remove` takes it away.
    SetPin {
        /// Employee code.
        code: String,
        #[arg(long)]
        remove: bool,
    },
    /// Clock an employee in or out with their code and PIN (as the kiosk's PIN pad does), the PIN
    /// from FRONTDESK_EMPLOYEE_PIN or a prompt.
    ClockPin { code: String },
}

/// A visitor's details, their host and purpose, as `visit sign-in` and `invite create` take them.
#[derive(clap::Args)]
pub(crate) struct VisitorArgs {
    #[arg(long)]
    name: String,
    #[arg(long)]
    company: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    /// Host: the employee's code or the start of their name.
    #[arg(long)]
    host: Option<String>,
    #[arg(long)]
    purpose: Option<String>,
}

impl VisitorArgs {
    /// The visitor's details, the host's employee id and the purpose.
    pub(crate) async fn resolve(
        self,
        api: &Frontdesk,
        actor: &Actor,
    ) -> anyhow::Result<(VisitorDetails, Option<uuid::Uuid>, Option<String>)> {
        let host = match self.host {
            None => None,
            Some(h) => Some(resolve_host(api, actor, &h).await?),
        };
        let details = VisitorDetails {
            name: self.name,
            company: self.company,
            email: self.email,
            phone: self.phone,
        };
        Ok((details, host, self.purpose))
    }
}

#[derive(Subcommand)]
enum VisitCommand {
    /// Sign a visitor in and print the visit (with its id and badge number).
    SignIn {
        #[command(flatten)]
        visitor: VisitorArgs,
    },
    /// Sign a visit out by its id.
    SignOut { visit_id: uuid::Uuid },
}

fn parse_status(s: &str) -> Result<VisitStatus, String> {
    serde_json::from_value(serde_json::Value::String(s.replace('-', "_")))
        .map_err(|_| "expected, checked_in, checked_out or cancelled".to_string())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FRONTDESK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Core errors carry a user-facing message; anything else gets its context chain.
            match e.downcast_ref::<frontdesk_core::Error>() {
                Some(core) => eprintln!("error: {}", core.to_api().message),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn password(prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("FRONTDESK_PASSWORD") {
        return Ok(p);
    }
    rpassword::prompt_password(prompt)
        .context("no FRONTDESK_PASSWORD set and no terminal to ask for a password")
}

/// An employee PIN from FRONTDESK_EMPLOYEE_PIN or, on a terminal, a prompt.
fn employee_pin(prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("FRONTDESK_EMPLOYEE_PIN") {
        return Ok(p);
    }
    rpassword::prompt_password(prompt)
        .context("no FRONTDESK_EMPLOYEE_PIN set and no terminal to ask for the PIN")
}

async fn login(api: &Frontdesk, user: &str) -> anyhow::Result<Actor> {
    Ok(login_session(api, user).await?.actor)
}

async fn login_session(
    api: &Frontdesk,
    user: &str,
) -> anyhow::Result<frontdesk_core::people::staff::Session> {
    let pw = password(&format!("Password for {user}: "))?;
    Ok(api.login(user, &pw).await?)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command;
    let dir = match cli.data_dir {
        Some(d) => d,
        None => paths::default_data_dir()
            .ok_or_else(|| anyhow!("no home directory; pass --data-dir"))?,
    };
    let api = Frontdesk::open(&dir)
        .await
        .with_context(|| format!("opening the database in {}", dir.display()))?;
    let out = output::Output { json: cli.json };
    match command {
        Command::Init {
            organisation,
            site,
            time_zone,
            admin_username,
            admin_name,
        } => {
            let pw = password(&format!("New password for {admin_username}: "))?;
            let r = api
                .init(InitRequest {
                    organisation,
                    site_name: site,
                    time_zone,
                    admin_username,
                    admin_display_name: admin_name,
                    admin_password: pw,
                })
                .await?;
            out.message(&r, &format!("Set up {} in {}", r.site.name, dir.display()));
        }
        Command::Demo => {
            api.seed_demo().await?;
            out.message(
                &serde_json::json!({ "username": frontdesk_core::demo::DEMO_USERNAME }),
                &format!(
                    "Demo database created in {}; sign in as {} / {}",
                    dir.display(),
                    frontdesk_core::demo::DEMO_USERNAME,
                    frontdesk_core::demo::DEMO_PASSWORD
                ),
            );
        }
        Command::Employees { cmd } => {
            let actor = login(&api, &cli.user).await?;
            match cmd {
                EmployeesCommand::Import { file } => {
                    let bytes = std::fs::read(&file)
                        .with_context(|| format!("reading {}", file.display()))?;
                    let report = api.import_employees_csv(&actor, &bytes).await?;
                    out.import_report(&report);
                }
                EmployeesCommand::SetPin { code, remove } => {
                    let employee = api.employee_by_code(&actor, &code).await?;
                    let pin = match remove {
                        true => None,
                        false => Some(employee_pin(&format!("New PIN for {code}: "))?),
                    };
                    api.set_employee_pin(&actor, employee.id, pin.as_deref())
                        .await?;
                    out.message(
                        &serde_json::json!({ "code": code, "pin_set": !remove }),
                        "PIN saved",
                    );
                }
                EmployeesCommand::ClockPin { code } => {
                    let kiosk = api.kiosk_actor().await?;
                    let pin = employee_pin(&format!("PIN for {code}: "))?;
                    let clocked = api.clock_by_pin(&kiosk, &code, &pin).await?;
                    let e = &clocked.event;
                    let repeat = if clocked.repeated {
                        " (a repeat: not recorded again)"
                    } else {
                        ""
                    };
                    out.message(
                        &clocked,
                        &format!(
                            "{} {} at {}{repeat}",
                            e.employee_name,
                            e.direction.as_str(),
                            e.at.format("%H:%M UTC")
                        ),
                    );
                }
                EmployeesCommand::List { search, all } => {
                    let list = api
                        .employees(
                            &actor,
                            EmployeeQuery {
                                search,
                                include_inactive: all,
                                limit: None,
                            },
                        )
                        .await?;
                    out.employees(&list);
                }
            }
        }
        Command::Visit { cmd } => {
            let actor = login(&api, &cli.user).await?;
            match cmd {
                VisitCommand::SignIn { visitor } => {
                    let (visitor, host_employee_id, purpose) =
                        visitor.resolve(&api, &actor).await?;
                    let visit = api
                        .sign_in_visitor(
                            &actor,
                            SignInRequest {
                                visitor,
                                host_employee_id,
                                purpose,
                                ..Default::default()
                            },
                        )
                        .await?;
                    out.visit(&visit, "Signed in");
                }
                VisitCommand::SignOut { visit_id } => {
                    let visit = api
                        .sign_out_visit(&actor, visit_id, SignOutMethod::Desk)
                        .await?;
                    out.visit(&visit, "Signed out");
                }
            }
        }
        Command::Visits { date, status } => {
            let actor = login(&api, &cli.user).await?;
            let site = api.home_site(&actor).await?;
            let tz = site.time_zone;
            let date = date.unwrap_or_else(|| frontdesk_core::time::today_in(tz));
            let visits = api
                .visits(
                    &actor,
                    VisitQuery {
                        site_id: Some(site.id),
                        date,
                        status,
                    },
                )
                .await?;
            out.visits(&visits, tz);
        }
        Command::Onsite => {
            let actor = login(&api, &cli.user).await?;
            let now = api.on_site(&actor, None).await?;
            out.on_site(&now);
        }
        Command::Visitors { query } => {
            let actor = login(&api, &cli.user).await?;
            let list = api.search_visitors(&actor, &query).await?;
            out.visitors(&list);
        }
        Command::Docs { cmd } => {
            let actor = login(&api, &cli.user).await?;
            documents::run(&api, &actor, cmd, &out).await?;
        }
        Command::Exports { cmd } => {
            let actor = login(&api, &cli.user).await?;
            exports::run(&api, &actor, cmd, &out).await?;
        }
        Command::RunDueExports => exports::run_due(&api, &out).await?,
        Command::Settings { cmd } => {
            let actor = login(&api, &cli.user).await?;
            settings::run(&api, &actor, cmd, &out).await?;
        }
        Command::Staff { cmd } => {
            let session = login_session(&api, &cli.user).await?;
            staff::run(&api, &session, cmd, &out).await?;
        }
        Command::Invite { cmd } => {
            let actor = login(&api, &cli.user).await?;
            invites::run(&api, &actor, cmd, &out).await?;
        }
        Command::AutoSignOut => {
            let done = api.auto_sign_out(chrono::Utc::now()).await?;
            let n: u32 = done.iter().map(|d| d.signed_out).sum();
            out.message(
                &done,
                &format!("Signed out {n} visitors still signed in at the end of the day"),
            );
        }
        Command::Timesheet { cmd } => {
            let actor = login(&api, &cli.user).await?;
            documents::run_timesheet(&api, &actor, cmd, &out).await?;
        }
        Command::Enrol { employee, photos } => {
            let actor = login(&api, &cli.user).await?;
            let id = api.employee_by_code(&actor, &employee).await?.id;
            let mut images = Vec::new();
            for p in &photos {
                images.push(std::fs::read(p).with_context(|| format!("reading {}", p.display()))?);
            }
            let report = api.enrol_employee_faces(&actor, id, images).await?;
            out.enrolment(&report, &photos);
            if !report.stored {
                anyhow::bail!("not enrolled: too few usable photos");
            }
        }
        Command::FaceCalibration { target_far } => {
            let actor = login(&api, &cli.user).await?;
            let c = api.face_calibration(&actor, target_far).await?;
            out.message(&c, &c.summary);
        }
        Command::Clock { photo } => {
            let actor = api.kiosk_actor().await?;
            let bytes =
                std::fs::read(&photo).with_context(|| format!("reading {}", photo.display()))?;
            let (result, clocked) = api.clock_by_face(&actor, bytes).await?;
            out.clock(&result, clocked.as_ref());
        }
        Command::VisitorFace { cmd } => {
            let actor = api.kiosk_actor().await?;
            let read =
                |p: &PathBuf| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
            match cmd {
                VisitorFaceCommand::Remember {
                    visitor_id,
                    photo,
                    visitor_consents,
                } => {
                    api.remember_visitor_face(&actor, visitor_id, read(&photo)?, visitor_consents)
                        .await?;
                    out.message(
                        &serde_json::json!({ "remembered": visitor_id }),
                        "Face remembered",
                    );
                }
                VisitorFaceCommand::Recognise { photo } => {
                    let r = api.recognise_visitor(&actor, read(&photo)?).await?;
                    let text = match &r {
                        VisitorFaceResult::Match { visitor, distance } => format!(
                            "Welcome back {} ({}) distance {distance:.3} visitor {}",
                            visitor.name,
                            visitor.company.as_deref().unwrap_or("-"),
                            visitor.id
                        ),
                        VisitorFaceResult::Unknown => "Unknown".into(),
                        VisitorFaceResult::Rejected { reason } => {
                            format!("No usable face: {reason}")
                        }
                    };
                    out.message(&r, &text);
                }
                VisitorFaceCommand::Forget { visitor_id } => {
                    let n = api.forget_visitor_face(&actor, visitor_id).await?;
                    out.message(
                        &serde_json::json!({ "removed": n }),
                        &format!("Forgotten ({n} face descriptors removed)"),
                    );
                }
            }
        }
        Command::Audit {
            cmd: Some(AuditCommand::Verify),
            ..
        } => {
            let actor = login(&api, &cli.user).await?;
            let report = api.verify_audit(&actor).await?;
            match &report.broken {
                None => out.message(
                    &report,
                    &format!(
                        "The audit log is intact: {} rows in {} chain(s)",
                        report.rows, report.chains
                    ),
                ),
                Some(b) => {
                    if out.json {
                        out.message(&report, "");
                    }
                    return Err(anyhow!(
                        "the audit log was tampered with: row {} of device {} {}{}",
                        b.chain_seq,
                        b.device_id
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "(none)".into()),
                        b.problem,
                        b.id.map(|i| format!(" (row id {i})")).unwrap_or_default()
                    ));
                }
            }
        }
        Command::Audit {
            cmd: None,
            action,
            actor: name,
            from,
            to,
            limit,
            export,
        } => {
            let actor = login(&api, &cli.user).await?;
            let query = AuditQuery {
                action_prefix: action,
                actor: name,
                from,
                to,
                limit: Some(limit),
                ..Default::default()
            };
            if export {
                let saved = api.save_audit_export(&actor, query).await?;
                out.message(&saved, &format!("Saved {}", saved.path));
            } else {
                out.audit(&api.audit(&actor, query).await?);
            }
        }
    }
    api.close().await;
    Ok(())
}

/// An employee code, else a unique name prefix.
async fn resolve_host(api: &Frontdesk, actor: &Actor, host: &str) -> anyhow::Result<uuid::Uuid> {
    let by_code = api
        .employees(
            actor,
            EmployeeQuery {
                search: Some(host.into()),
                include_inactive: false,
                limit: Some(50),
            },
        )
        .await?;
    if let Some(e) = by_code.iter().find(|e| e.code == host) {
        return Ok(e.id);
    }
    let hosts = api.search_hosts(actor, host).await?;
    match hosts.as_slice() {
        [one] => Ok(one.id),
        [] => Err(anyhow!("no active employee matches host {host:?}")),
        many => Err(anyhow!(
            "host {host:?} is ambiguous: {}",
            many.iter()
                .map(|h| h.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
