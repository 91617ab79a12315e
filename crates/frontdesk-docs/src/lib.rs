//! Frontdesk documents: visitor badges, timesheets, visitor reports and the evacuation list, rendered to
//! PDF (printpdf, with bundled and subset Noto fonts), CSV and XLSX, and printed through the OS.
//!
//! Callers (the core API) pass plain structs in and get bytes back. Business rules (timesheet figures,
//! periods, schedules) are not decided here: they come from `frontdesk-rules`, whose results are this
//! crate's input. It knows nothing of the database or the desktop shell.
//!
//! Rendering and printing are separate halves:
//! - rendering, pure: [`badge`] (a badge PDF per visit on common label stock, with photo, QR code and
//!   adaptive layout), [`timesheet`] (timesheet PDF, CSV and XLSX, department summary) and [`report`]
//!   (the daily visitor report, the visit log and the evacuation list);
//! - [`print`], the only part that talks to the OS: printers through CUPS (Linux, macOS) or the Windows
//!   spooler, job outcome, reprint guard.

pub mod badge;
mod duration;
mod error;
mod fonts;
mod pdf;
mod photo;
pub mod print;
pub mod qr;
pub mod report;
mod table;
mod text;
pub mod timesheet;

pub use badge::{BadgeData, BadgeSize, render_badge};
pub use error::{Error, Result};
pub use fonts::{Weight, bundled_font_names};
pub use pdf::Colour;
pub use qr::{qr_png, qr_svg};
pub use report::{
    AuditRow, DailyReportData, EvacuationData, EvacuationPerson, PersonKind, VisitLogData,
    VisitRow, daily_stats, render_audit_csv, render_daily_report, render_evacuation_list,
    render_visit_log_csv, render_visit_log_pdf,
};
pub use text::sanitize;
pub use timesheet::{render_timesheet_csv, render_timesheet_pdf, render_timesheet_xlsx};

/// A rendered document and what the caller should tell the user about it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub warnings: Vec<Warning>,
}

/// Something a document could not show as asked; the document is still usable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// Characters no bundled font can draw; each was printed as `?`.
    UncoveredCharacters { field: String, chars: Vec<char> },
    /// Text too long even at the smallest size; it was cut with an ellipsis.
    Truncated { field: String },
    /// The photo could not be used (missing, unreadable); the badge shows a placeholder.
    PhotoUnusable { reason: String },
}
