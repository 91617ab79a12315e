//! `frontdesk exports …`: scheduled exports (list, add, remove, run history) and `run-due`, which a
//! system timer can call on a PC where the window is not kept open.

use chrono::Utc;
use clap::{Subcommand, ValueEnum};
use frontdesk_core::documents::exports::{
    Every, ExportFormat, ExportKind, ExportRun, PeriodChoice, RunStatus, ScheduleSpec,
};
use frontdesk_core::{Actor, Frontdesk};

use crate::documents::Format;
use crate::output::Output;

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    Timesheets,
    VisitLog,
    DailyReport,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Period {
    PreviousDay,
    PreviousWeek,
    PreviousMonth,
    LastDays,
}

#[derive(Subcommand)]
pub enum ExportsCommand {
    /// This PC's export schedules with their next run and last outcome.
    List,
    /// Add a schedule, e.g. `--name Payroll --kind timesheets --format xlsx --every weekly
    /// --weekday 1 --at 06:00 --period previous-week`. Runs with your permissions.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long, value_enum, default_value = "pdf")]
        format: Format,
        /// Timesheets: only this department.
        #[arg(long)]
        department: Option<String>,
        #[arg(long, value_enum)]
        every: Frequency,
        /// Weekly: 1 = Monday … 7 = Sunday.
        #[arg(long)]
        weekday: Option<u8>,
        /// Monthly: 1–28.
        #[arg(long)]
        month_day: Option<u8>,
        /// Site-local time, HH:MM.
        #[arg(long, default_value = "06:00")]
        at: String,
        #[arg(long, value_enum)]
        period: Period,
        /// For `--period last-days`.
        #[arg(long)]
        days: Option<u32>,
        /// Absolute folder path (default: the data directory's exports/scheduled).
        #[arg(long)]
        folder: Option<String>,
    },
    /// Delete a schedule (files already written stay).
    Remove { id: uuid::Uuid },
    /// A schedule's runs, newest first.
    Runs { id: uuid::Uuid },
}

fn run_line(r: &ExportRun) -> String {
    let what = match r.status {
        RunStatus::Done => format!("done  {}", r.path.as_deref().unwrap_or("-")),
        RunStatus::Failed => format!(
            "FAILED (attempt {}): {}",
            r.attempts,
            r.message.as_deref().unwrap_or("no reason given")
        ),
    };
    format!(
        "{}  {} {}..{}  {what}",
        r.due_at.format("%Y-%m-%d %H:%M UTC"),
        r.schedule_name,
        r.period_start,
        r.period_end
    )
}

/// Runs every due export of this PC's schedules; fails (exit code 1) when a run failed.
pub async fn run_due(api: &Frontdesk, out: &Output) -> anyhow::Result<()> {
    let runs = api.run_due_exports(Utc::now()).await?;
    let text = runs.iter().map(run_line).collect::<Vec<_>>().join("\n");
    out.list(&runs, &text, "No exports due");
    if runs.iter().any(|r| r.status == RunStatus::Failed) {
        anyhow::bail!("a scheduled export failed; it will be retried");
    }
    Ok(())
}

pub async fn run(
    api: &Frontdesk,
    actor: &Actor,
    cmd: ExportsCommand,
    out: &Output,
) -> anyhow::Result<()> {
    match cmd {
        ExportsCommand::List => {
            let list = api.export_schedules(actor).await?;
            let text = list
                .iter()
                .map(|s| {
                    format!(
                        "{}  {}  next {}  last {}  -> {}",
                        s.id,
                        s.spec.name,
                        s.next_run_at
                            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                            .unwrap_or_else(|| "-".into()),
                        s.last_run
                            .as_ref()
                            .map(|r| match r.status {
                                RunStatus::Done => "done",
                                RunStatus::Failed => "FAILED",
                            })
                            .unwrap_or("never"),
                        s.folder_path
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.list(&list, &text, "No export schedules");
        }
        ExportsCommand::Add {
            name,
            kind,
            format,
            department,
            every,
            weekday,
            month_day,
            at,
            period,
            days,
            folder,
        } => {
            let spec = ScheduleSpec {
                name,
                site_id: None,
                kind: match kind {
                    Kind::Timesheets => ExportKind::Timesheets,
                    Kind::VisitLog => ExportKind::VisitLog,
                    Kind::DailyReport => ExportKind::DailyReport,
                },
                format: ExportFormat::from(format),
                department,
                every: match every {
                    Frequency::Daily => Every::Daily,
                    Frequency::Weekly => Every::Weekly,
                    Frequency::Monthly => Every::Monthly,
                },
                weekday,
                month_day,
                at,
                period: match period {
                    Period::PreviousDay => PeriodChoice::PreviousDay,
                    Period::PreviousWeek => PeriodChoice::PreviousWeek,
                    Period::PreviousMonth => PeriodChoice::PreviousMonth,
                    Period::LastDays => PeriodChoice::LastDays,
                },
                days,
                folder,
                enabled: true,
            };
            let s = api.save_export_schedule(actor, None, spec).await?;
            out.message(
                &s,
                &format!(
                    "Scheduled {} ({}); first run {}; files go to {}",
                    s.spec.name,
                    s.id,
                    s.next_run_at
                        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_else(|| "-".into()),
                    s.folder_path
                ),
            );
        }
        ExportsCommand::Remove { id } => {
            api.delete_export_schedule(actor, id).await?;
            out.message(&serde_json::json!({ "deleted": id }), "Schedule deleted");
        }
        ExportsCommand::Runs { id } => {
            let runs = api.export_runs(actor, id).await?;
            let text = runs.iter().map(run_line).collect::<Vec<_>>().join("\n");
            out.list(&runs, &text, "No runs yet");
        }
    }
    Ok(())
}
