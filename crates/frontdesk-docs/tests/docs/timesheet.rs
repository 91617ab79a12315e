//! Timesheet documents: a realistic month with corrections, DST and flags, read back from PDF/CSV/XLSX.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use frontdesk_docs::timesheet::{
    EmployeeTimesheet, render_department_summary_pdf, render_timesheets_pdf,
};
use frontdesk_docs::{render_timesheet_csv, render_timesheet_pdf, render_timesheet_xlsx};
use frontdesk_rules::timesheet::{
    Approval, AttendanceEvent, Correction, CorrectionAction, compute_timesheet,
};
use frontdesk_rules::{ClockDirection, Period, Rules};

use crate::util::{check_pdf, pdf_pages, pdf_text, render_png, snapshot};

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
    BERLIN
        .with_ymd_and_hms(y, m, d, hh, mm, 0)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn ev(id: &str, t: DateTime<Utc>, direction: ClockDirection) -> AttendanceEvent {
    AttendanceEvent {
        id: id.into(),
        at: t,
        direction,
    }
}

/// October 2026 (DST ends on the 25th) for one employee: regular weekdays 08:00–16:30, variations
/// seeded by `seed`, a forgotten clock-out on the 7th (corrected), a double scan, a night shift across the
/// DST change, and events delivered in reverse order.
pub fn october(seed: u32) -> (Vec<AttendanceEvent>, Vec<Correction>) {
    let mut events = Vec::new();
    let start = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
    for day in start.iter_days().take(31) {
        use chrono::Datelike;
        let (y, m, d) = (day.year(), day.month(), day.day());
        if matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) && d != 24 {
            continue;
        }
        let jitter = (seed.wrapping_mul(31).wrapping_add(d * 7)) % 9;
        let id = |k: &str| format!("{seed}-{d}-{k}");
        match d {
            7 => events.push(ev(&id("in"), at(y, m, d, 8, 0), ClockDirection::In)),
            24 => {
                // Saturday night shift into the DST change: 22:00 → 06:00 local is 9 real hours.
                events.push(ev(&id("in"), at(y, m, 24, 22, 0), ClockDirection::In));
                events.push(ev(&id("out"), at(y, m, 25, 6, 0), ClockDirection::Out));
            }
            _ => {
                events.push(ev(&id("in"), at(y, m, d, 8, jitter), ClockDirection::In));
                if d == 12 {
                    events.push(ev(
                        &id("dup"),
                        at(y, m, d, 8, jitter + 1),
                        ClockDirection::In,
                    ));
                }
                events.push(ev(
                    &id("lunch-out"),
                    at(y, m, d, 12, 0),
                    ClockDirection::Out,
                ));
                events.push(ev(&id("lunch-in"), at(y, m, d, 12, 40), ClockDirection::In));
                events.push(ev(
                    &id("out"),
                    at(y, m, d, 16, 30 + jitter),
                    ClockDirection::Out,
                ));
            }
        }
    }
    events.reverse();
    let corrections = vec![Correction {
        action: CorrectionAction::Add {
            event: ev(
                &format!("{seed}-fix-7"),
                at(2026, 10, 7, 17, 0),
                ClockDirection::Out,
            ),
        },
        reason: "Forgot to clock out; confirmed with team lead".into(),
        by: "Maria Manager".into(),
        at: at(2026, 10, 8, 9, 15),
    }];
    (events, corrections)
}

pub fn rules() -> Rules {
    let mut r = Rules::standard(BERLIN);
    r.rounding_minutes = 5;
    r.auto_close_at = None;
    r
}

pub fn now() -> DateTime<Utc> {
    at(2026, 11, 21, 9, 0)
}

pub fn october_period() -> Period {
    Period {
        start: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default(),
        end: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default(),
    }
}

pub fn employee(seed: u32, name: &str, approval: Option<Approval>) -> EmployeeTimesheet {
    let (events, corrections) = october(seed);
    let ts = compute_timesheet(
        &events,
        &corrections,
        &rules(),
        october_period(),
        approval,
        now(),
    );
    let ts = ts.unwrap_or_else(|e| panic!("computing {name}: {e}"));
    EmployeeTimesheet {
        site_name: "Frontdesk HQ Berlin".into(),
        employee_name: name.into(),
        employee_code: Some(format!("E-{seed:04}")),
        department: Some("Engineering".into()),
        timesheet: ts,
    }
}

#[test]
fn monthly_timesheet_pdf_reads_back_with_totals_corrections_and_approval() {
    let approval = Approval {
        approver: "Maria Manager".into(),
        at: at(2026, 11, 2, 10, 0),
    };
    let e = employee(1, "Zoë Ångström", Some(approval));
    let t = &e.timesheet;
    let day7 = &t.days[6];
    assert_eq!(
        day7.original.as_ref().map(|o| o.worked_minutes),
        Some(0),
        "the 7th had no clock-out"
    );
    assert_eq!(
        day7.worked_minutes,
        9 * 60 - 45,
        "08:00–17:00 is 9 h: minus the 45 min break"
    );
    assert_eq!(
        t.days[23].worked_minutes,
        9 * 60 - 45,
        "9 real hours across the DST change, 45 min break after 9 h"
    );

    let rendered = render_timesheet_pdf(&e).unwrap_or_else(|err| panic!("{err}"));
    assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
    let path = check_pdf("timesheet_october", &rendered.bytes);
    let text = pdf_text(&path);
    for needle in [
        "Timesheet",
        "Frontdesk HQ Berlin",
        "Zoë Ångström",
        "E-0001 · Engineering",
        "1 Oct 2026 – 31 Oct 2026",
        "Wed 07 Oct",
        "8:15 (was 0:00)",
        "confirmed with team lead",
        "Maria Manager",
        "double scan",
        "clock change",
        "Approver",
        "Signature",
        "locked",
    ] {
        assert!(text.contains(needle), "timesheet shows '{needle}':\n{text}");
    }
    assert!(
        text.contains(&format!("Worked {}", hm(t.totals.worked_minutes)))
            || text.contains(&hm(t.totals.worked_minutes)),
        "period total is printed"
    );
    snapshot("timesheet_october", &text);
    crate::util::visual_snapshot("timesheet_october", &path);
    for png in render_png(&path, 80) {
        assert!(png.exists());
    }
}

fn hm(m: i64) -> String {
    format!("{}:{:02}", m / 60, m % 60)
}

#[test]
fn csv_and_xlsx_carry_the_same_minutes() {
    let staff = vec![
        employee(1, "Zoë Ångström", None),
        employee(2, "=cmd|'/C calc'!A0", None),
    ];
    let csv = render_timesheet_csv(&staff).unwrap_or_else(|e| panic!("{e}"));
    let mut reader = csv::Reader::from_reader(csv.bytes.as_slice());
    let headers = reader.headers().cloned().unwrap_or_else(|e| panic!("{e}"));
    let worked_col = headers
        .iter()
        .position(|h| h == "worked_minutes")
        .unwrap_or_else(|| panic!("worked_minutes column"));
    let name_col = headers
        .iter()
        .position(|h| h == "employee")
        .unwrap_or_else(|| panic!("employee column"));
    let mut sums = std::collections::BTreeMap::<String, i64>::new();
    let mut rows = 0;
    for rec in reader.records() {
        let rec = rec.unwrap_or_else(|e| panic!("{e}"));
        rows += 1;
        let minutes: i64 = rec
            .get(worked_col)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("integer minutes in {rec:?}"));
        *sums
            .entry(rec.get(name_col).unwrap_or_default().to_string())
            .or_default() += minutes;
    }
    assert_eq!(rows, 62, "one row per employee and day");
    assert_eq!(
        sums.get("Zoë Ångström").copied(),
        Some(staff[0].timesheet.totals.worked_minutes),
        "CSV days sum to the total"
    );
    assert!(
        sums.contains_key("'=cmd|'/C calc'!A0"),
        "formula-looking names are neutralised: {:?}",
        sums.keys()
    );

    let xlsx = render_timesheet_xlsx(&staff).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        xlsx.bytes.starts_with(b"PK\x03\x04"),
        "XLSX is a zip container"
    );
    let has = |name: &str| xlsx.bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(
        has("xl/worksheets/sheet1.xml") && has("xl/worksheets/sheet2.xml"),
        "Summary and Days sheets"
    );
    let path = crate::util::shots_dir().join("timesheets.xlsx");
    std::fs::write(&path, &xlsx.bytes).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn combined_and_department_pdfs() {
    let staff: Vec<EmployeeTimesheet> = (1..=3)
        .map(|i| employee(i, &format!("Employee {i}"), None))
        .collect();
    let combined = render_timesheets_pdf(&staff).unwrap_or_else(|e| panic!("{e}"));
    let path = check_pdf("timesheets_combined", &combined.bytes);
    assert!(pdf_pages(&path) >= 3, "each employee starts a page");
    let text = pdf_text(&path);
    for i in 1..=3 {
        assert!(
            text.contains(&format!("Employee {i}")),
            "employee {i} present"
        );
    }
    let summary = render_department_summary_pdf("Frontdesk HQ Berlin", "Engineering", &staff)
        .unwrap_or_else(|e| panic!("{e}"));
    let path = check_pdf("timesheet_department", &summary.bytes);
    let text = pdf_text(&path);
    let total: i64 = staff
        .iter()
        .map(|e| e.timesheet.totals.worked_minutes)
        .sum();
    assert!(
        text.contains("Total (3 employees)") && text.contains(&hm(total)),
        "department total {}:\n{text}",
        hm(total)
    );
    render_png(&path, 80);
}

#[test]
fn empty_employee_and_bad_periods() {
    let ts = compute_timesheet(&[], &[], &rules(), october_period(), None, now())
        .unwrap_or_else(|e| panic!("{e}"));
    let e = EmployeeTimesheet {
        site_name: "S".into(),
        employee_name: "No Events".into(),
        employee_code: None,
        department: None,
        timesheet: ts,
    };
    let r = render_timesheet_pdf(&e).unwrap_or_else(|err| panic!("{err}"));
    let path = check_pdf("timesheet_empty", &r.bytes);
    let text = pdf_text(&path);
    assert!(
        text.contains("No Events") && text.contains("0:00"),
        "an empty month renders with zero totals:\n{text}"
    );
    let zero = Period {
        start: october_period().end,
        end: october_period().start,
    };
    let err = compute_timesheet(&[], &[], &rules(), zero, None, now());
    assert!(
        err.as_ref().is_err_and(|e| e.to_string().contains("empty")),
        "0-day period: {err:?}"
    );
    let long = Period {
        start: october_period().start,
        end: october_period().start + Duration::days(399),
    };
    let err = compute_timesheet(&[], &[], &rules(), long, None, now());
    assert!(
        err.as_ref()
            .is_err_and(|e| e.to_string().contains("400 days")),
        "400-day period: {err:?}"
    );
    assert!(
        render_timesheets_pdf(&[]).is_err(),
        "nothing to render is an error"
    );
    let _ = NaiveTime::MIN;
}
