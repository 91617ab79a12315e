//! `frontdesk docs …`: badges, timesheets, visitor reports, the evacuation list, and printing them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use frontdesk_core::documents::docs::print::{self, JobState, PrintOptions};
use frontdesk_core::documents::{BadgeSize, LogFormat, Rendered, TimesheetFormat};
use frontdesk_core::employees::EmployeeQuery;
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
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Pdf,
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
pub enum DocsCommand {
    /// List the OS printers.
    Printers,
    /// A visit's badge as PDF; `--print` sends it to a printer and waits for the outcome.
    Badge {
        visit_id: uuid::Uuid,
        #[arg(long, value_enum, default_value = "ql62x100")]
        stock: Stock,
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Printer name (see `frontdesk docs printers`).
        #[arg(long)]
        print: Option<String>,
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

async fn print_pdf(
    out: &Output,
    printer: String,
    pdf: Vec<u8>,
    media: Option<String>,
    title: String,
) -> anyhow::Result<()> {
    let state = tokio::task::spawn_blocking(move || {
        let sys = print::system();
        let job = sys.submit(
            &printer,
            &pdf,
            &PrintOptions {
                media,
                copies: 1,
                title,
            },
        )?;
        print::wait_for_job(
            sys.as_ref(),
            &job,
            Duration::from_secs(60),
            Duration::from_millis(300),
        )
    })
    .await
    .context("print task")??;
    match &state {
        JobState::Done => out.message(&state, "Printed"),
        JobState::Pending | JobState::Printing => out.message(&state, "Still printing after 60 s"),
        JobState::Failed(why) => return Err(anyhow!("printing failed: {why}")),
        JobState::Offline(why) => return Err(anyhow!("printer offline: {why}")),
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
            let printers = tokio::task::spawn_blocking(|| print::system().list_printers())
                .await
                .context("print task")??;
            let text = printers
                .iter()
                .map(|p| {
                    format!(
                        "{}{}  {:?}  {}",
                        p.name,
                        if p.is_default { " (default)" } else { "" },
                        p.state,
                        p.message
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.message(
                &printers,
                if text.is_empty() {
                    "No printers"
                } else {
                    &text
                },
            );
        }
        DocsCommand::Badge {
            visit_id,
            stock,
            output,
            print,
        } => {
            let size = stock.size();
            let badge = api.badge_pdf(actor, visit_id, size).await?;
            if let Some(path) = &output {
                save(out, &badge, path, "Badge")?;
            }
            match print {
                Some(printer) => {
                    print_pdf(
                        out,
                        printer,
                        badge.bytes,
                        Some(size.cups_media()),
                        format!("badge {visit_id}"),
                    )
                    .await?
                }
                None if output.is_none() => {
                    return Err(anyhow!("give --output FILE and/or --print PRINTER"));
                }
                None => {}
            }
        }
        DocsCommand::DailyReport { date, output } => {
            let site = api.home_site(actor).await?;
            let tz = frontdesk_core::time::parse_tz("time_zone", &site.time_zone)?;
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
            let format = match format {
                Format::Pdf => LogFormat::Pdf,
                Format::Csv => LogFormat::Csv,
                Format::Xlsx => return Err(anyhow!("the visit log is available as pdf or csv")),
            };
            let r = api.visit_log(actor, None, from, to, format).await?;
            save(out, &r, &output, "Visit log")?;
        }
        DocsCommand::Evacuation { output, print } => {
            let r = api.evacuation_list_pdf(actor, None).await?;
            if let Some(path) = &output {
                save(out, &r, path, "Evacuation list")?;
            }
            match print {
                Some(printer) => {
                    print_pdf(
                        out,
                        printer,
                        r.bytes,
                        Some("A4".into()),
                        "evacuation list".into(),
                    )
                    .await?
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
            let all = api
                .employees(
                    actor,
                    EmployeeQuery {
                        search: None,
                        include_inactive: false,
                        limit: None,
                    },
                )
                .await?;
            let ids: Vec<uuid::Uuid> = if employees.is_empty() {
                all.iter().map(|e| e.id).collect()
            } else {
                employees
                    .iter()
                    .map(|code| {
                        all.iter()
                            .find(|e| e.code.eq_ignore_ascii_case(code))
                            .map(|e| e.id)
                            .ok_or_else(|| anyhow!("no active employee with code {code}"))
                    })
                    .collect::<anyhow::Result<_>>()?
            };
            let format = match format {
                Format::Pdf => TimesheetFormat::Pdf,
                Format::Csv => TimesheetFormat::Csv,
                Format::Xlsx => TimesheetFormat::Xlsx,
            };
            let r = api.timesheet_export(actor, &ids, from, to, format).await?;
            save(out, &r, &output, "Timesheets")?;
        }
    }
    Ok(())
}
