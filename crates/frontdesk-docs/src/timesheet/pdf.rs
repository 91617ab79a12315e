//! Timesheet PDFs: per employee, several employees in one file, the department summary.

use frontdesk_rules::timesheet::{DaySummary, Flag, Timesheet};

use super::*;
use crate::duration::hm;
use crate::fonts::Weight;
use crate::pdf::{Align, Colour};
use crate::table::{A4, Cell, Column, FlowDoc, Row};
use crate::{Error, Rendered, Result};

const EDITED_FILL: Colour = Colour {
    r: 255,
    g: 244,
    b: 204,
};
const WEEKEND_FILL: Colour = Colour {
    r: 244,
    g: 246,
    b: 249,
};
const WARN: Colour = Colour {
    r: 176,
    g: 60,
    b: 0,
};

fn day_columns() -> [Column; 8] {
    [
        Column {
            title: "Date",
            width: 21.0,
            align: Align::Left,
        },
        Column {
            title: "First in",
            width: 14.0,
            align: Align::Centre,
        },
        Column {
            title: "Last out",
            width: 14.0,
            align: Align::Centre,
        },
        Column {
            title: "Sessions",
            width: 44.0,
            align: Align::Left,
        },
        Column {
            title: "Breaks",
            width: 14.0,
            align: Align::Right,
        },
        Column {
            title: "Worked",
            width: 24.0,
            align: Align::Right,
        },
        Column {
            title: "Overtime",
            width: 16.0,
            align: Align::Right,
        },
        Column {
            title: "Flags",
            width: 35.0,
            align: Align::Left,
        },
    ]
}

fn employee_pages(doc: &mut FlowDoc, e: &EmployeeTimesheet) {
    let t = &e.timesheet;
    let tz = t.tz;
    let (x, w) = (doc.margin, doc.content_w());
    doc.set_footer(&format!(
        "Timesheet · {} · {}",
        e.employee_name,
        period_text(t)
    ));
    // Header: title and site left, employee and period right.
    doc.text_box(
        "Timesheet",
        Weight::Bold,
        (x, doc.y, w * 0.5, 9.0),
        1,
        (18.0, 10.0),
        Align::Left,
        Colour::BLACK,
        "title",
    );
    doc.text_box(
        &e.site_name,
        Weight::Regular,
        (x, doc.y + 9.0, w * 0.5, 6.0),
        1,
        (10.0, 6.0),
        Align::Left,
        Colour::GREY,
        "site_name",
    );
    doc.text_box(
        &e.employee_name,
        Weight::Bold,
        (x + w * 0.45, doc.y, w * 0.55, 8.0),
        1,
        (14.0, 7.0),
        Align::Right,
        Colour::BLACK,
        "employee_name",
    );
    let who = [e.employee_code.as_deref(), e.department.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    doc.text_box(
        &who,
        Weight::Regular,
        (x + w * 0.45, doc.y + 8.0, w * 0.55, 5.0),
        1,
        (9.0, 6.0),
        Align::Right,
        Colour::GREY,
        "department",
    );
    doc.text_box(
        &format!("Period {} ({})", period_text(t), tz.name()),
        Weight::Regular,
        (x + w * 0.3, doc.y + 13.0, w * 0.7, 5.0),
        1,
        (9.0, 6.0),
        Align::Right,
        Colour::BLACK,
        "period",
    );
    doc.y += 21.0;

    let cols = day_columns();
    let mut rows = Vec::with_capacity(t.days.len() + t.weeks.len());
    let mut week_iter = t.weeks.iter().peekable();
    for (i, day) in t.days.iter().enumerate() {
        let edited = day.original.as_ref();
        let worked = match edited {
            Some(o) if o.worked_minutes != day.worked_minutes => {
                format!("{} (was {})", hm(day.worked_minutes), hm(o.worked_minutes))
            }
            _ if day.worked_minutes == 0 && day.sessions.is_empty() => String::new(),
            _ => hm(day.worked_minutes),
        };
        let weekend = matches!(day.date.format("%a").to_string().as_str(), "Sat" | "Sun");
        let fill = if edited.is_some() {
            Some(EDITED_FILL)
        } else if weekend {
            Some(WEEKEND_FILL)
        } else {
            None
        };
        let breaks = day.break_taken_minutes + day.break_deducted_minutes;
        let flagged = day.flags.iter().any(|f| !matches!(f, Flag::BreakDeducted));
        rows.push(Row {
            cells: vec![
                Cell::new(day.date.format("%a %d %b").to_string()),
                Cell::new(time(day.first_in, day.date, tz)),
                Cell::new(time(day.last_out, day.date, tz)),
                Cell::new(sessions_text(day, tz)),
                Cell::new(if breaks > 0 {
                    hm(breaks)
                } else {
                    String::new()
                }),
                Cell::bold(worked),
                Cell::new(if day.daily_overtime_minutes > 0 {
                    hm(day.daily_overtime_minutes)
                } else {
                    String::new()
                }),
                Cell::new(flags_text(&day.flags)).colour(if flagged { WARN } else { Colour::GREY }),
            ],
            fill,
        });
        // Week subtotal after the week's last day in the period.
        let next_week = t.days.get(i + 1).map(|n| n.date);
        if let Some(week) = week_iter.peek()
            && next_week.is_none_or(|n| (n - week.start).num_days() >= 7)
        {
            let weekly = if week.weekly_overtime_minutes > 0 {
                format!("+{} weekly", hm(week.weekly_overtime_minutes))
            } else {
                String::new()
            };
            rows.push(Row {
                cells: vec![
                    Cell::bold(format!("Week of {}", week.start.format("%d %b"))),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::bold(hm(week.worked_minutes)),
                    Cell::bold(hm(
                        week.daily_overtime_minutes + week.weekly_overtime_minutes
                    )),
                    Cell::new(weekly),
                ],
                fill: Some(Colour {
                    r: 232,
                    g: 236,
                    b: 242,
                }),
            });
            week_iter.next();
        }
    }
    doc.table(&cols, rows);

    // Period totals.
    doc.gap(3.0);
    doc.ensure(22.0);
    let tot = &t.totals;
    let items = [
        ("Worked", hm(tot.worked_minutes)),
        (
            "Overtime",
            format!(
                "{} (daily {}, weekly {})",
                hm(tot.overtime_minutes),
                hm(tot.daily_overtime_minutes),
                hm(tot.weekly_overtime_minutes)
            ),
        ),
        ("Breaks", hm(tot.break_minutes)),
        ("Days worked", tot.days_worked.to_string()),
        ("Days flagged", tot.flagged_days.to_string()),
    ];
    doc.text_box(
        "Period totals",
        Weight::Bold,
        (x, doc.y, w, 6.0),
        1,
        (11.0, 7.0),
        Align::Left,
        Colour::BLACK,
        "title",
    );
    doc.y += 6.5;
    for (label, value) in items {
        doc.text_box(
            label,
            Weight::Regular,
            (x, doc.y, 35.0, 4.5),
            1,
            (9.0, 6.0),
            Align::Left,
            Colour::GREY,
            "totals",
        );
        doc.text_box(
            &value,
            Weight::Bold,
            (x + 35.0, doc.y, w - 35.0, 4.5),
            1,
            (9.0, 6.0),
            Align::Left,
            Colour::BLACK,
            "totals",
        );
        doc.y += 4.8;
    }

    // Corrections: original vs corrected, with reason and author.
    let edited: Vec<&DaySummary> = t
        .days
        .iter()
        .filter(|d| !d.corrections.is_empty())
        .collect();
    if !edited.is_empty() {
        doc.gap(3.0);
        doc.ensure(16.0);
        doc.text_box(
            "Corrections",
            Weight::Bold,
            (x, doc.y, w, 6.0),
            1,
            (11.0, 7.0),
            Align::Left,
            Colour::BLACK,
            "title",
        );
        doc.y += 6.5;
        let cols = [
            Column {
                title: "Date",
                width: 21.0,
                align: Align::Left,
            },
            Column {
                title: "Original",
                width: 38.0,
                align: Align::Left,
            },
            Column {
                title: "Corrected",
                width: 38.0,
                align: Align::Left,
            },
            Column {
                title: "Change, reason",
                width: 52.0,
                align: Align::Left,
            },
            Column {
                title: "By",
                width: 33.0,
                align: Align::Left,
            },
        ];
        let mut rows = Vec::new();
        for day in edited {
            let orig = day.original.as_deref();
            let summary = |d: &DaySummary| {
                format!(
                    "{} = {}",
                    if d.sessions.is_empty() {
                        "no sessions".to_string()
                    } else {
                        sessions_text(d, tz)
                    },
                    hm(d.worked_minutes)
                )
            };
            for c in &day.corrections {
                rows.push(Row {
                    cells: vec![
                        Cell::new(day.date.format("%a %d %b").to_string()),
                        Cell::new(orig.map(summary).unwrap_or_default()),
                        Cell::bold(summary(day)),
                        Cell::new(format!("{}: {}", describe(&c.action, tz), c.reason)),
                        Cell::new(format!(
                            "{}, {}",
                            c.by,
                            c.at.with_timezone(&tz).format("%d %b %H:%M")
                        )),
                    ],
                    fill: Some(EDITED_FILL),
                });
            }
        }
        doc.table(&cols, rows);
    }

    approval_block(doc, t);
}

fn approval_block(doc: &mut FlowDoc, t: &Timesheet) {
    let (x, w) = (doc.margin, doc.content_w());
    doc.gap(5.0);
    doc.ensure(30.0);
    doc.text_box(
        "Approval",
        Weight::Bold,
        (x, doc.y, w, 6.0),
        1,
        (11.0, 7.0),
        Align::Left,
        Colour::BLACK,
        "title",
    );
    doc.y += 7.0;
    let col = w / 3.0;
    let (name, when) = match &t.approval {
        Some(a) => (
            a.approver.clone(),
            a.at.with_timezone(&t.tz)
                .format("%d %b %Y %H:%M")
                .to_string(),
        ),
        None => (String::new(), String::new()),
    };
    let line_y = doc.y + 8.0;
    for (i, (label, value)) in [
        ("Approver", name),
        ("Date and time", when),
        ("Signature", String::new()),
    ]
    .into_iter()
    .enumerate()
    {
        let cx = x + col * i as f32;
        doc.text_box(
            &value,
            Weight::Bold,
            (cx, doc.y + 2.0, col - 6.0, 5.5),
            1,
            (10.0, 6.0),
            Align::Left,
            Colour::BLACK,
            "approval",
        );
        doc.canvas
            .line(cx, line_y, cx + col - 6.0, line_y, Colour::BLACK, 0.6);
        doc.text_box(
            label,
            Weight::Regular,
            (cx, line_y + 1.0, col - 6.0, 4.0),
            1,
            (8.0, 6.0),
            Align::Left,
            Colour::GREY,
            "approval",
        );
    }
    doc.y = line_y + 6.0;
    if t.approval.is_some() {
        doc.text_box(
            "Approved — this period is locked; further corrections are refused.",
            Weight::Regular,
            (x, doc.y, w, 5.0),
            1,
            (8.0, 6.0),
            Align::Left,
            Colour::GREY,
            "approval",
        );
        doc.y += 5.0;
    }
}

/// One employee's timesheet as a PDF.
pub fn render_timesheet_pdf(e: &EmployeeTimesheet) -> Result<Rendered> {
    render_timesheets_pdf(std::slice::from_ref(e))
}

/// Several employees' timesheets in one PDF, each starting on a new page.
pub fn render_timesheets_pdf(employees: &[EmployeeTimesheet]) -> Result<Rendered> {
    if employees.is_empty() {
        return Err(Error::InvalidInput("no timesheets to render".into()));
    }
    let mut doc = FlowDoc::new("Timesheet", A4, "Timesheet");
    for (i, e) in employees.iter().enumerate() {
        if i > 0 {
            doc.footer_now();
            doc.new_page();
        }
        employee_pages(&mut doc, e);
    }
    doc.finish()
}

/// A department's period on one page per ~45 employees: totals per employee and for the department.
pub fn render_department_summary_pdf(
    site_name: &str,
    department: &str,
    employees: &[EmployeeTimesheet],
) -> Result<Rendered> {
    let first = employees
        .first()
        .ok_or_else(|| Error::InvalidInput("no timesheets to summarise".into()))?;
    let t0 = &first.timesheet;
    let mut doc = FlowDoc::new(
        "Department timesheet summary",
        A4,
        &format!("{department} · {}", period_text(t0)),
    );
    let (x, w) = (doc.margin, doc.content_w());
    doc.text_box(
        &format!("Timesheet summary — {department}"),
        Weight::Bold,
        (x, doc.y, w, 9.0),
        1,
        (16.0, 9.0),
        Align::Left,
        Colour::BLACK,
        "title",
    );
    doc.y += 9.5;
    doc.text_box(
        &format!("{site_name} · {}", period_text(t0)),
        Weight::Regular,
        (x, doc.y, w, 6.0),
        1,
        (10.0, 6.0),
        Align::Left,
        Colour::GREY,
        "site_name",
    );
    doc.y += 8.0;
    let cols = [
        Column {
            title: "Employee",
            width: 56.0,
            align: Align::Left,
        },
        Column {
            title: "Code",
            width: 22.0,
            align: Align::Left,
        },
        Column {
            title: "Days",
            width: 14.0,
            align: Align::Right,
        },
        Column {
            title: "Worked",
            width: 20.0,
            align: Align::Right,
        },
        Column {
            title: "Overtime",
            width: 20.0,
            align: Align::Right,
        },
        Column {
            title: "Breaks",
            width: 18.0,
            align: Align::Right,
        },
        Column {
            title: "Flagged",
            width: 16.0,
            align: Align::Right,
        },
        Column {
            title: "Approved",
            width: 16.0,
            align: Align::Centre,
        },
    ];
    let mut sum = frontdesk_rules::timesheet::Totals::default();
    let rows: Vec<Row> = employees
        .iter()
        .map(|e| {
            let t = &e.timesheet.totals;
            sum.worked_minutes += t.worked_minutes;
            sum.overtime_minutes += t.overtime_minutes;
            sum.break_minutes += t.break_minutes;
            sum.days_worked += t.days_worked;
            sum.flagged_days += t.flagged_days;
            Row {
                cells: vec![
                    Cell::new(e.employee_name.clone()),
                    Cell::new(e.employee_code.clone().unwrap_or_default()),
                    Cell::new(t.days_worked.to_string()),
                    Cell::bold(hm(t.worked_minutes)),
                    Cell::new(hm(t.overtime_minutes)),
                    Cell::new(hm(t.break_minutes)),
                    Cell::new(t.flagged_days.to_string()).colour(if t.flagged_days > 0 {
                        WARN
                    } else {
                        Colour::BLACK
                    }),
                    Cell::new(if e.timesheet.approval.is_some() {
                        "yes"
                    } else {
                        "no"
                    }),
                ],
                fill: None,
            }
        })
        .collect();
    doc.table(&cols, rows);
    doc.table(
        &cols,
        [Row {
            cells: vec![
                Cell::bold(format!("Total ({} employees)", employees.len())),
                Cell::new(""),
                Cell::bold(sum.days_worked.to_string()),
                Cell::bold(hm(sum.worked_minutes)),
                Cell::bold(hm(sum.overtime_minutes)),
                Cell::bold(hm(sum.break_minutes)),
                Cell::bold(sum.flagged_days.to_string()),
                Cell::new(""),
            ],
            fill: Some(Colour {
                r: 232,
                g: 236,
                b: 242,
            }),
        }],
    );
    doc.finish()
}
