//! Timesheets as an XLSX workbook.

use rust_xlsxwriter::{Format, Workbook};

use super::csv::{DAY_HEADERS, day_record};
use super::*;
use crate::text::csv_safe;
use crate::{Error, Rendered, Result};

/// Timesheets as an XLSX workbook: a "Summary" sheet (one row per employee) and a "Days" sheet.
pub fn render_timesheet_xlsx(employees: &[EmployeeTimesheet]) -> Result<Rendered> {
    let x = |e: rust_xlsxwriter::XlsxError| Error::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let edited = Format::new().set_background_color(0xFFF4CC);
    {
        let sheet = book.add_worksheet().set_name("Summary").map_err(x)?;
        let headers = [
            "employee_code",
            "employee",
            "department",
            "period_start",
            "period_end",
            "days_worked",
            "worked_minutes",
            "overtime_minutes",
            "break_minutes",
            "flagged_days",
            "approved_by",
        ];
        for (c, h) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(x)?;
        }
        for (r, e) in employees.iter().enumerate() {
            let r = r as u32 + 1;
            let t = &e.timesheet;
            sheet
                .write_string(r, 0, csv_safe(e.employee_code.as_deref().unwrap_or("")))
                .map_err(x)?;
            sheet
                .write_string(r, 1, csv_safe(&e.employee_name))
                .map_err(x)?;
            sheet
                .write_string(r, 2, csv_safe(e.department.as_deref().unwrap_or("")))
                .map_err(x)?;
            sheet
                .write_string(r, 3, t.period.start.to_string())
                .map_err(x)?;
            sheet
                .write_string(r, 4, t.period.end.to_string())
                .map_err(x)?;
            sheet
                .write_number(r, 5, f64::from(t.totals.days_worked))
                .map_err(x)?;
            sheet
                .write_number(r, 6, t.totals.worked_minutes as f64)
                .map_err(x)?;
            sheet
                .write_number(r, 7, t.totals.overtime_minutes as f64)
                .map_err(x)?;
            sheet
                .write_number(r, 8, t.totals.break_minutes as f64)
                .map_err(x)?;
            sheet
                .write_number(r, 9, f64::from(t.totals.flagged_days))
                .map_err(x)?;
            sheet
                .write_string(
                    r,
                    10,
                    csv_safe(
                        t.approval
                            .as_ref()
                            .map(|a| a.approver.as_str())
                            .unwrap_or(""),
                    ),
                )
                .map_err(x)?;
        }
        sheet.autofit();
    }
    {
        let sheet = book.add_worksheet().set_name("Days").map_err(x)?;
        for (c, h) in DAY_HEADERS.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(x)?;
        }
        let numeric = [7usize, 8, 10, 13];
        let mut r = 1u32;
        for e in employees {
            for day in &e.timesheet.days {
                for (c, v) in day_record(e, day).iter().enumerate() {
                    let fmt = day.original.is_some().then_some(&edited);
                    match (numeric.contains(&c), v.parse::<f64>(), fmt) {
                        (true, Ok(n), Some(f)) => sheet
                            .write_number_with_format(r, c as u16, n, f)
                            .map(|_| ()),
                        (true, Ok(n), None) => sheet.write_number(r, c as u16, n).map(|_| ()),
                        (_, _, Some(f)) => sheet
                            .write_string_with_format(r, c as u16, v, f)
                            .map(|_| ()),
                        (_, _, None) => sheet.write_string(r, c as u16, v).map(|_| ()),
                    }
                    .map_err(x)?;
                }
                r += 1;
            }
        }
        sheet.autofit();
    }
    let bytes = book.save_to_buffer().map_err(x)?;
    Ok(Rendered {
        bytes,
        warnings: Vec::new(),
    })
}
