//! Timesheets as CSV: one row per employee and day.

use frontdesk_rules::timesheet::DaySummary;

use super::*;
use crate::duration::hm;
use crate::text::csv_safe;
use crate::{Error, Rendered, Result};

pub(super) const DAY_HEADERS: [&str; 16] = [
    "employee_code",
    "employee",
    "department",
    "date",
    "first_in",
    "last_out",
    "sessions",
    "break_minutes",
    "worked_minutes",
    "worked_hm",
    "overtime_minutes",
    "flags",
    "edited",
    "original_worked_minutes",
    "correction_reasons",
    "approved_by",
];

pub(super) fn day_record(e: &EmployeeTimesheet, day: &DaySummary) -> [String; 16] {
    let t = &e.timesheet;
    [
        csv_safe(e.employee_code.as_deref().unwrap_or("")),
        csv_safe(&e.employee_name),
        csv_safe(e.department.as_deref().unwrap_or("")),
        day.date.to_string(),
        time(day.first_in, day.date, t.tz),
        time(day.last_out, day.date, t.tz),
        sessions_text(day, t.tz).replace('–', "-"),
        (day.break_taken_minutes + day.break_deducted_minutes).to_string(),
        day.worked_minutes.to_string(),
        hm(day.worked_minutes),
        day.daily_overtime_minutes.to_string(),
        flags_text(&day.flags),
        if day.original.is_some() {
            "yes".into()
        } else {
            String::new()
        },
        day.original
            .as_ref()
            .map(|o| o.worked_minutes.to_string())
            .unwrap_or_default(),
        csv_safe(
            &day.corrections
                .iter()
                .map(|c| format!("{} ({})", c.reason, c.by))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        csv_safe(
            t.approval
                .as_ref()
                .map(|a| a.approver.as_str())
                .unwrap_or(""),
        ),
    ]
}

/// Timesheets as CSV: one row per employee and day (minutes as integers), UTF-8.
pub fn render_timesheet_csv(employees: &[EmployeeTimesheet]) -> Result<Rendered> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(DAY_HEADERS)
        .map_err(|e| Error::Csv(e.to_string()))?;
    for e in employees {
        for day in &e.timesheet.days {
            w.write_record(day_record(e, day))
                .map_err(|e| Error::Csv(e.to_string()))?;
        }
    }
    let bytes = w.into_inner().map_err(|e| Error::Csv(e.to_string()))?;
    Ok(Rendered {
        bytes,
        warnings: Vec::new(),
    })
}
