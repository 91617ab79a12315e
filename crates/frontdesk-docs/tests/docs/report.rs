//! Visitor reports: daily report with histogram, visit log (PDF/CSV), evacuation list.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use frontdesk_docs::{
    DailyReportData, EvacuationData, EvacuationPerson, PersonKind, VisitLogData, VisitRow, Warning,
    daily_stats, render_daily_report, render_evacuation_list, render_visit_log_csv,
    render_visit_log_pdf,
};
use frontdesk_rules::Period;

use crate::util::{check_pdf, ink_ratio, pdf_text, photo_jpeg, render_png, snapshot};

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    BERLIN
        .with_ymd_and_hms(2026, 11, d, h, m, 0)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn visits() -> Vec<VisitRow> {
    let companies = [
        "Acme Widgets Ltd",
        "Müller & Söhne GmbH",
        "株式会社サンプル",
        "Globex",
        "Initech",
    ];
    let purposes = ["Meeting", "Delivery", "Interview", "Maintenance"];
    let names = [
        "Zoë Ångström",
        "Αλέξανδρος Π.",
        "Дмитрий Ш.",
        "محمد علي",
        "שרה לוי",
        "王小明",
        "김민준",
        "Ann Lee",
    ];
    (0..40u32)
        .map(|i| {
            let hour = [8, 9, 9, 10, 10, 10, 11, 13, 14, 14, 15, 16][(i % 12) as usize];
            let tin = at(20, hour, (i * 7) % 60);
            VisitRow {
                visitor_name: names[(i % 8) as usize].to_string(),
                company: Some(companies[(i % 5) as usize].to_string()),
                purpose: Some(purposes[(i % 4) as usize].to_string()),
                host_name: Some("Rakesh Kumar".into()),
                signed_in_at: tin,
                signed_out_at: (i % 6 != 0).then(|| tin + Duration::minutes(30 + i64::from(i) * 5)),
                badge_number: Some(format!("V-{:04}", 1000 + i)),
            }
        })
        .collect()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
}

#[test]
fn daily_report_with_histogram() {
    let data = DailyReportData {
        site_name: "Frontdesk HQ Berlin".into(),
        tz: BERLIN,
        date: day(),
        visits: visits(),
    };
    let stats = daily_stats(&data);
    assert_eq!(stats.total, 40);
    assert_eq!(
        stats.hourly.iter().sum::<usize>(),
        40,
        "every visit in one hour bucket"
    );
    let r = render_daily_report(&data).unwrap_or_else(|e| panic!("{e}"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let path = check_pdf("daily_report", &r.bytes);
    let text = pdf_text(&path);
    for needle in [
        "Daily visitor report",
        "Friday 20 November 2026",
        "Visitors",
        "Still on site",
        "Sign-ins by hour",
        "Müller & Söhne GmbH",
        "株式会社サンプル",
        "Interview",
    ] {
        assert!(text.contains(needle), "report shows '{needle}':\n{text}");
    }
    assert!(
        text.contains(&stats.still_on_site.to_string()),
        "on-site count printed"
    );
    snapshot("daily_report", &text);
    crate::util::visual_snapshot("daily_report", &path);
    let png = render_png(&path, 60);
    // The chart area (upper middle of the page) carries drawn bars, not only text.
    assert!(
        ink_ratio(&png[0], (0.12, 0.2, 0.9, 0.36)) > 0.08,
        "histogram bars are drawn"
    );
}

#[test]
fn empty_day_report() {
    let data = DailyReportData {
        site_name: "Quiet Site".into(),
        tz: BERLIN,
        date: day(),
        visits: Vec::new(),
    };
    let r = render_daily_report(&data).unwrap_or_else(|e| panic!("{e}"));
    let text = pdf_text(&check_pdf("daily_report_empty", &r.bytes));
    assert!(
        text.contains("No visitors signed in on this day."),
        "{text}"
    );
}

#[test]
fn visit_log_pdf_and_csv() {
    let mut v = visits();
    v.push(VisitRow {
        visitor_name: "=HYPERLINK(\"http://x\")\u{0}".into(),
        company: Some("<script>alert(1)</script>".into()),
        purpose: None,
        host_name: None,
        signed_in_at: at(21, 9, 0),
        signed_out_at: None,
        badge_number: None,
    });
    // Outside the period: excluded.
    v.push(VisitRow {
        visitor_name: "Too Early".into(),
        ..v[0].clone()
    });
    if let Some(last) = v.last_mut() {
        last.signed_in_at = at(1, 9, 0);
    }
    let period = Period {
        start: day(),
        end: day() + Duration::days(1),
    };
    let data = VisitLogData {
        site_name: "Frontdesk HQ Berlin".into(),
        tz: BERLIN,
        period,
        visits: v,
    };
    let r = render_visit_log_pdf(&data).unwrap_or_else(|e| panic!("{e}"));
    let path = check_pdf("visit_log", &r.bytes);
    let text = pdf_text(&path);
    assert!(text.contains("41 visits"), "count in the header:\n{text}");
    assert!(
        text.contains("<script>alert(1)</script>") && text.contains("on site"),
        "{text}"
    );
    assert!(
        !text.contains("Too Early"),
        "visits outside the period are left out"
    );
    render_png(&path, 60);

    let csv = render_visit_log_csv(&data).unwrap_or_else(|e| panic!("{e}"));
    let mut reader = csv::Reader::from_reader(csv.bytes.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(|r| r.ok()).collect();
    assert_eq!(rows.len(), 41);
    assert!(
        rows.iter()
            .any(|r| r.get(3) == Some("'=HYPERLINK(\"http://x\")")),
        "formula neutralised, control removed"
    );
    assert!(
        rows.iter().any(|r| r.get(3) == Some("محمد علي")),
        "Unicode names intact"
    );
    assert!(
        rows.iter()
            .all(|r| r.get(0).is_some_and(|t| t.ends_with("+01:00"))),
        "site-local times with offset"
    );

    let bad = VisitLogData {
        period: Period {
            start: day(),
            end: day() + Duration::days(399),
        },
        ..data
    };
    assert!(
        render_visit_log_pdf(&bad).is_err() && render_visit_log_csv(&bad).is_err(),
        "400-day log refused"
    );
}

#[test]
fn evacuation_list_groups_by_area_with_photos() {
    let person = |name: &str, kind, area: Option<&str>, photo: Option<Vec<u8>>| EvacuationPerson {
        name: name.into(),
        kind,
        organisation: Some(if kind == PersonKind::Employee {
            "Engineering".into()
        } else {
            "Acme Widgets Ltd".into()
        }),
        host_name: (kind != PersonKind::Employee).then(|| "Rakesh Kumar".into()),
        phone: Some("+49 30 1234567".into()),
        area: area.map(str::to_string),
        since: at(20, 8, 45),
        photo,
    };
    let mut people = vec![
        person(
            "Zoë Ångström",
            PersonKind::Visitor,
            Some("Building A · Floor 2"),
            Some(photo_jpeg(120, 160)),
        ),
        person(
            "Дмитрий Шостакович",
            PersonKind::Employee,
            Some("Building A · Floor 2"),
            Some(photo_jpeg(300, 300)),
        ),
        person("שרה לוי", PersonKind::Contractor, Some("Warehouse"), None),
        person(
            "Broken Photo",
            PersonKind::Visitor,
            None,
            Some(b"\xFF\xD8garbage".to_vec()),
        ),
    ];
    for i in 0..30 {
        people.push(person(
            &format!("Employee {i:02}"),
            PersonKind::Employee,
            Some("Warehouse"),
            Some(photo_jpeg(90, 120)),
        ));
    }
    let data = EvacuationData {
        site_name: "Frontdesk HQ Berlin".into(),
        tz: BERLIN,
        generated_at: at(20, 11, 5),
        people,
    };
    let r = render_evacuation_list(&data).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.warnings.iter().any(
            |w| matches!(w, Warning::PhotoUnusable { reason } if reason.contains("Broken Photo"))
        ),
        "{:?}",
        r.warnings
    );
    let path = check_pdf("evacuation_list", &r.bytes);
    crate::util::visual_snapshot("evacuation_list", &path);
    let text = pdf_text(&path);
    for needle in [
        "EVACUATION LIST",
        "34 on site",
        "Building A · Floor 2 — 2",
        "Warehouse — 31",
        "Area not recorded — 1",
        "Host: Rakesh Kumar",
        "Phone: +49 30 1234567",
        "Zoë Ångström",
        "Дмитрий Шостакович",
        "Warehouse (continued)",
    ] {
        assert!(
            text.contains(needle),
            "evacuation list shows '{needle}':\n{text}"
        );
    }
    let (a, w, n) = (
        text.find("Building A").unwrap_or(usize::MAX),
        text.find("Warehouse —").unwrap_or(0),
        text.find("Area not recorded —").unwrap_or(0),
    );
    assert!(a < w && w < n, "areas sorted, unrecorded last");
    for png in render_png(&path, 60) {
        assert!(png.exists());
    }
    let empty = EvacuationData {
        people: Vec::new(),
        ..data
    };
    let r = render_evacuation_list(&empty).unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf_text(&check_pdf("evacuation_empty", &r.bytes)).contains("Nobody is signed in"));
}
