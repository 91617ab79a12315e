//! Document benchmarks, printed as figures (`cargo bench -p frontdesk-docs`).
//!
//! - a badge PDF with photo and QR (target < 50 ms);
//! - a month of timesheets for 500 employees, one PDF per employee and one combined PDF (target < 2 s);
//! - CSV and XLSX for the same 500 employees;
//! - resident memory while the per-employee export runs (should stay flat as employees grow).

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use frontdesk_docs::badge::{BadgeLabels, BadgeSize};
use frontdesk_docs::timesheet::{EmployeeTimesheet, render_timesheets_pdf};
use frontdesk_docs::{
    BadgeData, Colour, render_badge, render_timesheet_csv, render_timesheet_pdf,
    render_timesheet_xlsx,
};
use frontdesk_rules::timesheet::{AttendanceEvent, compute_timesheet};
use frontdesk_rules::{ClockDirection, Period, Rules};

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
    BERLIN
        .with_ymd_and_hms(y, m, d, hh, mm, 0)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(600, 800, |x, y| {
        image::Rgb([(x / 3) as u8, (y / 4) as u8, 160])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    if image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .is_err()
    {
        return Vec::new();
    }
    out.into_inner()
}

fn badge(photo: &[u8], i: usize) -> BadgeData {
    BadgeData {
        visitor_name: format!("Zoë Müller-Łukasiewicz {i}"),
        company: Some("Acme Widgets Ltd".into()),
        host_name: Some("Rakesh Kumar".into()),
        photo: Some(photo.to_vec()),
        valid_from: at(2026, 11, 21, 9, 0),
        valid_until: at(2026, 11, 21, 18, 0),
        tz: BERLIN,
        site_name: "Frontdesk HQ Berlin".into(),
        logo: None,
        band_label: "Visitor".into(),
        band_colour: Colour {
            r: 0,
            g: 102,
            b: 204,
        },
        qr_payload: format!("frontdesk:visit:0192f3a4-5b6c-7d8e-9f00-{i:012}:signout"),
        badge_number: Some(format!("V-{i}")),
        size: BadgeSize::BrotherQl62x100,
        labels: BadgeLabels::default(),
    }
}

/// A month (October 2026, with the DST change) of weekday attendance with lunch breaks.
fn month_events(seed: u32) -> Vec<AttendanceEvent> {
    let mut events = Vec::new();
    let start = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
    for day in start.iter_days().take(31) {
        use chrono::Datelike;
        if matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            continue;
        }
        let d = day.day();
        let j = (seed.wrapping_mul(17).wrapping_add(d * 7)) % 20;
        for (k, (h, m, dir)) in [
            (8, j, ClockDirection::In),
            (12, j % 5, ClockDirection::Out),
            (12, 40 + j % 10, ClockDirection::In),
            (16, 30 + j, ClockDirection::Out),
        ]
        .into_iter()
        .enumerate()
        {
            events.push(AttendanceEvent {
                id: format!("{seed}-{d}-{k}"),
                at: at(2026, 10, d, h, m),
                direction: dir,
            });
        }
    }
    events
}

fn employees(n: usize) -> Vec<EmployeeTimesheet> {
    let rules = Rules::standard(BERLIN);
    let period = Period {
        start: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default(),
        end: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default(),
    };
    let now = at(2026, 11, 21, 9, 0);
    (0..n)
        .filter_map(|i| {
            let ts =
                compute_timesheet(&month_events(i as u32), &[], &rules, period, None, now).ok()?;
            Some(EmployeeTimesheet {
                site_name: "Frontdesk HQ Berlin".into(),
                employee_name: format!("Employee Ångström {i:03}"),
                employee_code: Some(format!("E-{i:04}")),
                department: Some("Engineering".into()),
                timesheet: ts,
            })
        })
        .collect()
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() {
    println!("frontdesk-docs benchmarks (release build, one thread)");

    // Badges.
    let photo = photo();
    let warm = render_badge(&badge(&photo, 0));
    let size = warm.as_ref().map(|r| r.bytes.len()).unwrap_or(0);
    let mut times = Vec::new();
    for i in 0..40 {
        let t = Instant::now();
        let r = render_badge(&badge(&photo, i));
        times.push(t.elapsed());
        black_box(r.is_ok());
    }
    println!(
        "badge PDF (62x100 mm, 600x800 JPEG photo, QR): median {:.1} ms, max {:.1} ms, {} KiB  [target < 50 ms]",
        median(times.clone()).as_secs_f64() * 1e3,
        times
            .iter()
            .max()
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3,
        size / 1024
    );

    // A phone-camera-sized photo (noise JPEG, does not compress) is decoded and downscaled per badge.
    let big = {
        let side = 4000u32;
        let mut seed = 0x2545_F491u32;
        let img = image::RgbImage::from_fn(side, side, |_, _| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        let _ = image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Jpeg);
        out.into_inner()
    };
    let t = Instant::now();
    let r = render_badge(&badge(&big, 1));
    println!(
        "badge PDF with a {:.1} MB 4000x4000 photo: {:.0} ms, {} KiB",
        big.len() as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1e3,
        r.map(|r| r.bytes.len()).unwrap_or(0) / 1024
    );

    // Timesheets: compute.
    let t = Instant::now();
    let staff = employees(500);
    let compute = t.elapsed();
    println!(
        "timesheet rules, 500 employees x 31 days: {:.0} ms",
        compute.as_secs_f64() * 1e3
    );

    // One PDF per employee; memory sampled as the count grows.
    let rss_before = rss_kib("VmRSS:");
    let t = Instant::now();
    let mut bytes = 0usize;
    let mut samples = Vec::new();
    for (i, e) in staff.iter().enumerate() {
        let r = render_timesheet_pdf(e);
        bytes += r.map(|r| r.bytes.len()).unwrap_or(0);
        if (i + 1) % 100 == 0 {
            samples.push((i + 1, rss_kib("VmRSS:")));
        }
    }
    let per_file = t.elapsed();
    println!(
        "timesheet PDFs, one per employee, 500 employees: {:.2} s total ({:.1} ms each, {} KiB each)  [target < 2 s]",
        per_file.as_secs_f64(),
        per_file.as_secs_f64() * 1e3 / 500.0,
        bytes / 500 / 1024
    );
    let growth: Vec<String> = samples
        .iter()
        .map(|(n, kib)| format!("{n}: {} MiB", kib / 1024))
        .collect();
    println!(
        "  resident memory while exporting (start {} MiB): {}",
        rss_before / 1024,
        growth.join(", ")
    );

    // One combined PDF.
    let t = Instant::now();
    let combined = render_timesheets_pdf(&staff);
    let combined_t = t.elapsed();
    println!(
        "timesheet PDF, 500 employees combined in one file: {:.2} s, {} KiB, peak RSS {} MiB",
        combined_t.as_secs_f64(),
        combined.map(|r| r.bytes.len()).unwrap_or(0) / 1024,
        rss_kib("VmHWM:") / 1024
    );

    let t = Instant::now();
    let csv = render_timesheet_csv(&staff)
        .map(|r| r.bytes.len())
        .unwrap_or(0);
    let csv_t = t.elapsed();
    let t = Instant::now();
    let xlsx = render_timesheet_xlsx(&staff)
        .map(|r| r.bytes.len())
        .unwrap_or(0);
    let xlsx_t = t.elapsed();
    println!(
        "timesheet CSV, 500 employees: {:.0} ms, {} KiB; XLSX: {:.0} ms, {} KiB",
        csv_t.as_secs_f64() * 1e3,
        csv / 1024,
        xlsx_t.as_secs_f64() * 1e3,
        xlsx / 1024
    );
}
