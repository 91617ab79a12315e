//! Timesheet documents of timesheets computed by `frontdesk-rules`, with the corrections and approval
//! they carry: [`pdf`] (per employee, combined, department summary), [`csv`] and [`xlsx`].

mod csv;
mod pdf;
mod xlsx;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use frontdesk_rules::timesheet::{CorrectionAction, DaySummary, Flag, Timesheet};
use serde::Serialize;

pub use csv::render_timesheet_csv;
pub use pdf::{render_department_summary_pdf, render_timesheet_pdf, render_timesheets_pdf};
pub use xlsx::render_timesheet_xlsx;

/// A computed timesheet with who and where it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmployeeTimesheet {
    pub site_name: String,
    pub employee_name: String,
    /// Payroll number or badge id.
    pub employee_code: Option<String>,
    pub department: Option<String>,
    pub timesheet: Timesheet,
}

fn time(t: Option<DateTime<Utc>>, day: NaiveDate, tz: Tz) -> String {
    match t {
        None => String::new(),
        Some(t) => {
            let local = t.with_timezone(&tz);
            let days_later = (local.date_naive() - day).num_days();
            if days_later > 0 {
                format!("{}+{days_later}", local.format("%H:%M"))
            } else {
                local.format("%H:%M").to_string()
            }
        }
    }
}

fn sessions_text(day: &DaySummary, tz: Tz) -> String {
    day.sessions
        .iter()
        .map(|s| {
            let start = time(Some(s.start), day.date, tz);
            match s.end {
                Some(_) => format!("{start}–{}", time(s.end, day.date, tz)),
                None => format!("{start}–?"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn flags_text(flags: &std::collections::BTreeSet<Flag>) -> String {
    flags
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn period_text(t: &Timesheet) -> String {
    format!(
        "{} – {}",
        t.period.start.format("%-d %b %Y"),
        t.period.end.format("%-d %b %Y")
    )
}

fn describe(action: &CorrectionAction, tz: Tz) -> String {
    let at = |t: &DateTime<Utc>| t.with_timezone(&tz).format("%d %b %H:%M").to_string();
    match action {
        CorrectionAction::Add { event } => {
            let dir = match event.direction {
                frontdesk_rules::ClockDirection::In => "clock-in",
                frontdesk_rules::ClockDirection::Out => "clock-out",
            };
            format!("added {dir} at {}", at(&event.at))
        }
        CorrectionAction::Remove { event_id } => format!("removed event {event_id}"),
        CorrectionAction::Move { event_id, to } => format!("moved event {event_id} to {}", at(to)),
    }
}
