//! `frontdesk docs …`: badges, timesheets, visitor reports, the evacuation list, and printing them.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::{Subcommand, ValueEnum};
use frontdesk_core::attendance::Direction;
use frontdesk_core::attendance::timesheets::{CorrectionKind, CorrectionRequest};
use frontdesk_core::documents::badge_prints::{BadgePrint, BadgePrintRequest, PrintOutcome};
use frontdesk_core::documents::{BadgeSize, ExportFormat, Rendered};
use frontdesk_core::{Actor, Frontdesk};

use crate::output::Output;

#[derive(Clone, Copy, ValueEnum)]
pub enum Stock {
    /// Brother QL 62 × 100 mm
    Ql62x100,
    /// Brother QL 62 × 29 mm
    Ql62x29,
    /// DYMO 54 × 101 mm
    Dymo54x101,
    /// CR80 card
    Cr80,
    A6,
}

impl Stock {
    fn size(self) -> BadgeSize {
        match self {
            Stock::Ql62x100 => BadgeSize::BrotherQl62x100,
            Stock::Ql62x29 => BadgeSize::BrotherQl62x29,
            Stock::Dymo54x101 => BadgeSize::Dymo54x101,
            Stock::Cr80 => BadgeSize::Cr80,
            Stock::A6 => BadgeSize::A6,
        }
    }

    /// The site setting's name for this stock.
    fn preset(self) -> &'static str {
        match self {
            Stock::Ql62x100 => "brother_ql_62x100",
            Stock::Ql62x29 => "brother_ql_62x29",
            Stock::Dymo54x101 => "dymo_54x101",
            Stock::Cr80 => "cr80",
            Stock::A6 => "a6",
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Pdf,
    Csv,
    Xlsx,
}

impl From<Format> for ExportFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Pdf => ExportFormat::Pdf,
            Format::Csv => ExportFormat::Csv,
            Format::Xlsx => ExportFormat::Xlsx,
        }
    }
}

#[derive(Subcommand)]
pub enum DocsCommand {
    /// List the OS printers.
    Printers,
    /// A visit's badge as PDF; `--print` prints it on the site's badge stock and waits for the outcome.
    /// A badge printed before is printed again only with `--reprint`.
    Badge {
        visit_id: uuid::Uuid,
        /// Stock of the PDF written with --output (default: the site's badge preset).
        #[arg(long, value_enum)]
        stock: Option<Stock>,
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print it: on the site's badge printer, or on the printer named here (see `docs printers`).
        #[arg(long, num_args = 0..=1, default_missing_value = "")]
        print: Option<String>,
        /// Print although this badge was printed before.
        #[arg(long, requires = "print")]
        reprint: bool,
    },
    /// A visit's badge print log.
    BadgePrints { visit_id: uuid::Uuid },
    /// Choose this site's badge printer (and stock).
    UsePrinter {
        printer: String,
        #[arg(long, value_enum)]
        stock: Option<Stock>,
    },
    /// The daily visitor report (PDF).
    DailyReport {
        /// Local date at the site (default: today).
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// The visit log for a date range (PDF or CSV).
    VisitLog {
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
        #[arg(long, value_enum, default_value = "pdf")]
        format: Format,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Everyone on site now, grouped by area (PDF); `--print` prints it at once.
    Evacuation {
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(long)]
        print: Option<String>,
    },
    /// Timesheets for a period (PDF, CSV or XLSX); all active employees unless codes are given.
    Timesheet {
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
        /// Employee codes (repeatable).
        #[arg(long = "employee")]
        employees: Vec<String>,
        #[arg(long, value_enum, default_value = "pdf")]
        format: Format,
        #[arg(long, short)]
        output: PathBuf,
    },
}

fn save(out: &Output, rendered: &Rendered, path: &Path, what: &str) -> anyhow::Result<()> {
    std::fs::write(path, &rendered.bytes).with_context(|| format!("writing {}", path.display()))?;
    for w in &rendered.warnings {
        eprintln!("warning: {}", serde_json::to_string(w).unwrap_or_default());
    }
    out.message(
        &serde_json::json!({ "file": path, "bytes": rendered.bytes.len(), "warnings": rendered.warnings }),
        &format!("{what} written to {} ({} KiB)", path.display(), rendered.bytes.len().div_ceil(1024)),
    );
    Ok(())
}

fn print_outcome(out: &Output, p: &BadgePrint) -> anyhow::Result<()> {
    outcome_message(out, p, &p.printer, p.outcome, p.message.as_deref())
}

fn outcome_message(
    out: &Output,
    json: &impl serde::Serialize,
    printer: &str,
    outcome: PrintOutcome,
    message: Option<&str>,
) -> anyhow::Result<()> {
    let why = message.unwrap_or("no reason given");
    match outcome {
        PrintOutcome::Done => out.message(json, &format!("Printed on {printer}")),
        PrintOutcome::Pending => out.message(json, &format!("Sent to {printer}; {why}")),
        PrintOutcome::Failed => return Err(anyhow!("printing failed: {why}")),
        PrintOutcome::Offline => return Err(anyhow!("printer offline: {why}")),
    }
    Ok(())
}

pub async fn run(
    api: &Frontdesk,
    actor: &Actor,
    cmd: DocsCommand,
    out: &Output,
) -> anyhow::Result<()> {
    match cmd {
        DocsCommand::Printers => {
            let printers = api.printers(actor).await?;
            let text = printers
                .iter()
                .map(|p| {
                    format!(
                        "{}{}  {}  {}",
                        p.name,
                        if p.is_default { " (default)" } else { "" },
                        if p.offline { "offline" } else { "ready" },
                        p.message
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.list(&printers, &text, "No printers");
        }
        DocsCommand::Badge {
            visit_id,
            stock,
            output,
            print,
            reprint,
        } => {
            if output.is_none() && print.is_none() {
                return Err(anyhow!("give --output FILE and/or --print [PRINTER]"));
            }
            if let Some(path) = &output {
                let size = match stock {
                    Some(s) => s.size(),
                    None => {
                        let visit = api.visit(actor, visit_id).await?;
                        let preset = api.settings(actor, visit.site_id).await?.badge_preset;
                        frontdesk_core::documents::badge_size(&preset)?
                    }
                };
                let badge = api.badge_pdf(actor, visit_id, size).await?;
                save(out, &badge, path, "Badge")?;
            }
            if let Some(printer) = print {
                let p = api
                    .print_badge(
                        actor,
                        BadgePrintRequest {
                            visit_id,
                            printer: Some(printer).filter(|p| !p.trim().is_empty()),
                            confirm_reprint: reprint,
                        },
                    )
                    .await
                    .map_err(|e| match e {
                        e @ frontdesk_core::Error::ReprintUnconfirmed { .. } => {
                            anyhow!("{e} (add --reprint)")
                        }
                        other => other.into(),
                    })?;
                print_outcome(out, &p)?;
            }
        }
        DocsCommand::BadgePrints { visit_id } => {
            let log = api.badge_prints(actor, visit_id).await?;
            let text = log
                .iter()
                .map(|p| {
                    format!(
                        "{}  {}  {:?}  {}{}{}",
                        p.printed_at.format("%Y-%m-%d %H:%M:%S UTC"),
                        p.printer,
                        p.outcome,
                        p.printed_by,
                        if p.reprint { "  (reprint)" } else { "" },
                        p.message
                            .as_deref()
                            .map(|m| format!("  {m}"))
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.list(&log, &text, "Never printed");
        }
        DocsCommand::UsePrinter { printer, stock } => {
            let site = api.home_site(actor).await?;
            let mut settings = api.settings(actor, site.id).await?;
            settings.badge_printer = Some(printer);
            if let Some(s) = stock {
                settings.badge_preset = s.preset().to_string();
            }
            let saved = api.update_settings(actor, site.id, settings).await?;
            out.message(
                &saved,
                &format!(
                    "Badges at {} print on {} ({})",
                    site.name,
                    saved.badge_printer.as_deref().unwrap_or("-"),
                    saved.badge_preset
                ),
            );
        }
        DocsCommand::DailyReport { date, output } => {
            let site = api.home_site(actor).await?;
            let tz = site.time_zone;
            let date = date.unwrap_or_else(|| frontdesk_core::time::today_in(tz));
            let r = api.daily_report_pdf(actor, Some(site.id), date).await?;
            save(out, &r, &output, "Daily report")?;
        }
        DocsCommand::VisitLog {
            from,
            to,
            format,
            output,
        } => {
            // The core says which formats the visit log exists in.
            let r = api.visit_log(actor, None, from, to, format.into()).await?;
            save(out, &r, &output, "Visit log")?;
        }
        DocsCommand::Evacuation { output, print } => {
            let r = api.evacuation_list_pdf(actor, None).await?;
            if let Some(path) = &output {
                save(out, &r, path, "Evacuation list")?;
            }
            match print {
                Some(printer) => {
                    let p = api.print_evacuation_list(actor, None, &printer).await?;
                    outcome_message(out, &p, &p.printer, p.outcome, p.message.as_deref())?;
                }
                None if output.is_none() => {
                    return Err(anyhow!("give --output FILE and/or --print PRINTER"));
                }
                None => {}
            }
        }
        DocsCommand::Timesheet {
            from,
            to,
            employees,
            format,
            output,
        } => {
            let r = api
                .export_timesheets(actor, &employees, from, to, format.into())
                .await?;
            save(out, &r, &output, "Timesheets")?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Dir {
    In,
    Out,
}

#[derive(Subcommand)]
pub enum TimesheetCommand {
    /// An employee's clock events (with their ids, for corrections).
    Events {
        /// Employee code.
        #[arg(long)]
        employee: String,
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
    },
    /// Correct an employee's clock events: add a missing one, remove or move a wrong one. Times are
    /// site-local `YYYY-MM-DD HH:MM` (or RFC 3339 with an offset).
    #[command(group(clap::ArgGroup::new("change").required(true).args(["add", "remove", "move_event"])))]
    Correct {
        #[arg(long)]
        employee: String,
        /// Add a missing IN or OUT at --at.
        #[arg(long, value_enum, requires = "at")]
        add: Option<Dir>,
        /// Remove this event (id from `timesheet events`).
        #[arg(long)]
        remove: Option<uuid::Uuid>,
        /// Move this event to --at.
        #[arg(long = "move", requires = "at")]
        move_event: Option<uuid::Uuid>,
        #[arg(long)]
        at: Option<String>,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
    /// Corrections made to an employee's events in a period.
    Corrections {
        #[arg(long)]
        employee: String,
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
    },
    /// Approve an employee's timesheet for a period; the period is then locked.
    Approve {
        #[arg(long)]
        employee: String,
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
    },
    /// An employee's approved periods.
    Approvals {
        #[arg(long)]
        employee: String,
    },
}

/// A time given as RFC 3339, or as `YYYY-MM-DD HH:MM` on the site's clock.
fn parse_time(s: &str, tz: chrono_tz::Tz) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M"))
        .map_err(|_| anyhow!("time {s:?}: use YYYY-MM-DD HH:MM (site time)"))?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| anyhow!("{s} does not exist on the site's clock (DST change)"))
}

pub async fn run_timesheet(
    api: &Frontdesk,
    actor: &Actor,
    cmd: TimesheetCommand,
    out: &Output,
) -> anyhow::Result<()> {
    let site = api.home_site(actor).await?;
    let tz = site.time_zone;
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    match cmd {
        TimesheetCommand::Events { employee, from, to } => {
            let e = api.employee_by_code(actor, &employee).await?;
            let start = frontdesk_core::time::start_of_day(tz, from);
            let end = frontdesk_core::time::start_of_day(tz, to.succ_opt().unwrap_or(to));
            let events = api.attendance(actor, e.id, start, end).await?;
            let text = events
                .iter()
                .map(|ev| {
                    format!(
                        "{}  {}  {:<3}  {:?}",
                        ev.id,
                        local(ev.at),
                        ev.direction.as_str(),
                        ev.source
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.list(&events, &text, "No clock events");
        }
        TimesheetCommand::Correct {
            employee,
            add,
            remove,
            move_event,
            at,
            reason,
        } => {
            let e = api.employee_by_code(actor, &employee).await?;
            let at = at.as_deref().map(|s| parse_time(s, tz)).transpose()?;
            let (kind, event_id, direction) = match (add, remove, move_event) {
                (Some(d), None, None) => (
                    CorrectionKind::Add,
                    None,
                    Some(match d {
                        Dir::In => Direction::In,
                        Dir::Out => Direction::Out,
                    }),
                ),
                (None, Some(id), None) => (CorrectionKind::Remove, Some(id), None),
                (None, None, Some(id)) => (CorrectionKind::Move, Some(id), None),
                _ => return Err(anyhow!("give one of --add, --remove or --move")),
            };
            let c = api
                .correct_timesheet(
                    actor,
                    CorrectionRequest {
                        employee_id: e.id,
                        kind,
                        event_id,
                        at: if kind == CorrectionKind::Remove {
                            None
                        } else {
                            at
                        },
                        direction,
                        reason,
                    },
                )
                .await?;
            out.message(
                &c,
                &format!("Corrected {}'s clock events ({:?})", e.name, c.kind),
            );
        }
        TimesheetCommand::Corrections { employee, from, to } => {
            let e = api.employee_by_code(actor, &employee).await?;
            let list = api.timesheet_corrections(actor, e.id, from, to).await?;
            let text = list
                .iter()
                .map(|c| {
                    format!(
                        "{}  {:?}  {} -> {}  by {}: {}",
                        local(c.created_at),
                        c.kind,
                        c.original_at.map(local).unwrap_or_else(|| "-".into()),
                        c.corrected_at.map(local).unwrap_or_else(|| "-".into()),
                        c.corrected_by,
                        c.reason
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.list(&list, &text, "No corrections");
        }
        TimesheetCommand::Approve { employee, from, to } => {
            let e = api.employee_by_code(actor, &employee).await?;
            let a = api.approve_timesheet(actor, e.id, from, to).await?;
            out.message(
                &a,
                &format!(
                    "Approved {}'s timesheet for {} to {}: {}:{:02} worked, {}:{:02} overtime",
                    e.name,
                    a.period_start,
                    a.period_end,
                    a.worked_minutes / 60,
                    a.worked_minutes % 60,
                    a.overtime_minutes / 60,
                    a.overtime_minutes % 60
                ),
            );
        }
        TimesheetCommand::Approvals { employee } => {
            let e = api.employee_by_code(actor, &employee).await?;
            let list = api.timesheet_approvals(actor, e.id).await?;
            let text = list
                .iter()
                .map(|a| {
                    format!(
                        "{} to {}  approved by {} at {}",
                        a.period_start,
                        a.period_end,
                        a.approver,
                        local(a.approved_at)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.list(&list, &text, "No approved periods");
        }
    }
    Ok(())
}
