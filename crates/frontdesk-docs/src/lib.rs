//! Frontdesk documents: visitor badges, timesheets, visitor reports and the evacuation list, rendered to
//! PDF (printpdf, with bundled and subset Noto fonts), CSV and XLSX, and printed through the OS.
//!
//! The crate is pure: callers (the core API) pass plain structs in and get bytes or computed structs
//! back. It knows nothing of the database or the desktop shell.
//!
//! - [`badge`]: a badge PDF per visit on common label stock, with photo, QR code and adaptive layout.
//! - [`timesheet`]: attendance rules (pairing, rounding, breaks, overtime, DST-safe days), corrections,
//!   approval locking, and timesheet documents.
//! - [`report`]: the daily visitor report, the visit log and the evacuation list.
//! - [`schedule`]: when a scheduled export runs next and which period it covers.
//! - [`print`]: printers through CUPS (Linux, macOS) or the Windows spooler, job outcome, reprint guard.

pub mod badge;
mod error;
mod fonts;
mod pdf;
mod photo;
pub mod print;
pub mod report;
pub mod schedule;
mod table;
mod text;
pub mod timesheet;

pub use badge::{BadgeData, BadgeSize, render_badge};
pub use error::{Error, Result};
pub use fonts::{Weight, bundled_font_names};
pub use pdf::Colour;
pub use report::{
    DailyReportData, EvacuationData, EvacuationPerson, PersonKind, VisitLogData, VisitRow,
    daily_stats, render_daily_report, render_evacuation_list, render_visit_log_csv,
    render_visit_log_pdf,
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
