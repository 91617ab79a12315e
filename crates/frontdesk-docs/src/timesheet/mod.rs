//! Timesheets: attendance rules applied to clock events, manual corrections, approval locking, and the
//! timesheet documents (PDF, CSV, XLSX).
//!
//! All figures are integer minutes. Sessions are measured in real elapsed time (UTC), so a night that
//! loses or gains an hour at a DST change is paid as worked; days are the site's local calendar days.

pub(crate) mod export;
mod rules;

pub use export::{
    EmployeeTimesheet, render_department_summary_pdf, render_timesheet_csv, render_timesheet_pdf,
    render_timesheet_xlsx, render_timesheets_pdf,
};
pub(crate) use rules::hm as rules_hm;
pub use rules::{
    Approval, AttendanceEvent, BreakRule, ClockDirection, Correction, CorrectionAction, DaySummary,
    Flag, Period, Rounding, Rules, Session, Timesheet, Totals, WeekSummary, compute_timesheet,
    ensure_editable,
};
