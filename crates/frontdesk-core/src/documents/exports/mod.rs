//! Exports saved as files: on demand (the window's Reports screen, `frontdesk export`;
//! [`request`]) and on a timetable (scheduled exports, e.g. every Monday at 06:00 last week's
//! timesheets into the payroll folder; [`schedule`] stores them, [`runner`] runs them).
//!
//! A schedule belongs to the PC it was made on and runs with its owner's permissions as they are at
//! run time: an owner who loses the role or the account stops their schedules (the run fails with a
//! message saying so). Runs missed while the PC was off are caught up oldest first; a failed run (a
//! folder on a share that is offline, a full disk) is retried with a growing delay and never skipped.
//! Files are written atomically ([`crate::documents::files`]), so a folder watched by payroll never
//! sees a half-written file, and an existing file is never overwritten.

pub mod request;
pub mod runner;
pub mod schedule;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::documents::ExportFormat;
use crate::error::{Error, Result};
use crate::people::auth::Permission;
pub use request::ExportRequest;
pub use schedule::{Every, ExportRun, ExportSchedule, PeriodChoice, RunStatus, ScheduleSpec};

/// The documents that can be exported, on demand or on a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum ExportKind {
    /// Employees' timesheets for a period, in any format; needs the export-timesheets permission.
    Timesheets,
    /// The site's visits over a period, as PDF or CSV; needs the view-visits permission.
    VisitLog,
    /// One day's visitor report, as PDF only; needs the view-visits permission.
    DailyReport,
}

impl ExportKind {
    pub(crate) fn file_stem(self) -> &'static str {
        match self {
            ExportKind::Timesheets => "timesheets",
            ExportKind::VisitLog => "visit-log",
            ExportKind::DailyReport => "daily-report",
        }
    }
}

/// Refuses the kind/format pairs that do not exist (the daily report is a PDF; the visit log PDF or
/// CSV).
pub(crate) fn check_format(kind: ExportKind, format: ExportFormat) -> Result<()> {
    match (kind, format) {
        (ExportKind::Timesheets, _)
        | (ExportKind::VisitLog, ExportFormat::Pdf | ExportFormat::Csv)
        | (ExportKind::DailyReport, ExportFormat::Pdf) => Ok(()),
        (ExportKind::VisitLog, _) => Err(Error::validation(
            "format",
            "the visit log is available as PDF or CSV",
        )),
        (ExportKind::DailyReport, _) => Err(Error::validation(
            "format",
            "the daily report is available as PDF",
        )),
    }
}

/// The permission exporting `kind` needs.
pub(crate) fn permission_for(kind: ExportKind) -> Permission {
    match kind {
        ExportKind::Timesheets => Permission::ExportTimesheets,
        ExportKind::VisitLog | ExportKind::DailyReport => Permission::ViewVisits,
    }
}
