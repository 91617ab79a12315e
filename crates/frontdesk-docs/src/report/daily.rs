//! The daily visitor report: totals, by company, by purpose, hourly histogram.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::*;
use crate::duration::hm;
use crate::fonts::Weight;
use crate::pdf::{Align, Colour};
use crate::table::{A4, Cell, Column, FlowDoc, Row};
use crate::{Rendered, Result};

/// Input of the daily visitor report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyReportData {
    pub site_name: String,
    pub tz: Tz,
    pub date: NaiveDate,
    pub visits: Vec<VisitRow>,
}

/// Figures of the daily report, computed from visits signed in on the (local) date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyStats {
    pub total: usize,
    pub still_on_site: usize,
    pub signed_out: usize,
    /// Average visit length of signed-out visits, in minutes.
    pub average_minutes: Option<i64>,
    /// Counts by company and by purpose, largest first ("Unknown" for blanks).
    pub by_company: Vec<(String, usize)>,
    pub by_purpose: Vec<(String, usize)>,
    /// Sign-ins per local hour, 0–23.
    pub hourly: [usize; 24],
}

fn count_by<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Vec<(String, usize)> {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for v in values {
        let key = v
            .map(crate::text::sanitize)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "Unknown".into());
        *m.entry(key).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Computes the daily figures (visits whose sign-in falls on `date` in the site's zone).
pub fn daily_stats(data: &DailyReportData) -> DailyStats {
    let tz = data.tz;
    let visits: Vec<&VisitRow> = data
        .visits
        .iter()
        .filter(|v| v.signed_in_at.with_timezone(&tz).date_naive() == data.date)
        .collect();
    let mut hourly = [0usize; 24];
    for v in &visits {
        let h = v.signed_in_at.with_timezone(&tz).hour() as usize;
        if let Some(slot) = hourly.get_mut(h) {
            *slot += 1;
        }
    }
    let durations: Vec<i64> = visits
        .iter()
        .filter_map(|v| {
            v.signed_out_at
                .map(|o| (o - v.signed_in_at).num_minutes().max(0))
        })
        .collect();
    DailyStats {
        total: visits.len(),
        still_on_site: visits.iter().filter(|v| v.signed_out_at.is_none()).count(),
        signed_out: durations.len(),
        average_minutes: (!durations.is_empty())
            .then(|| durations.iter().sum::<i64>() / durations.len() as i64),
        by_company: count_by(visits.iter().map(|v| v.company.as_deref())),
        by_purpose: count_by(visits.iter().map(|v| v.purpose.as_deref())),
        hourly,
    }
}

/// Draws the hourly histogram as bars with counts and hour labels.
fn histogram(doc: &mut FlowDoc, hourly: &[usize; 24]) {
    let (x0, w) = (doc.margin, doc.content_w());
    let chart_h = 50.0;
    doc.ensure(chart_h + 20.0);
    doc.text_box(
        "Sign-ins by hour",
        Weight::Bold,
        (x0, doc.y, w, 6.0),
        1,
        (11.0, 7.0),
        Align::Left,
        Colour::BLACK,
        "title",
    );
    doc.y += 8.0;
    // Show 06–20 h at least, widened to any hour with visits.
    let first = hourly.iter().position(|&c| c > 0).unwrap_or(6).min(6);
    let last = hourly.iter().rposition(|&c| c > 0).unwrap_or(20).max(20);
    let hours = last - first + 1;
    let max = hourly.iter().copied().max().unwrap_or(0).max(1);
    // Axis steps: 1, 2, 5, 10... so at most ~5 grid lines.
    let step = [1usize, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
        .into_iter()
        .find(|s| max / s <= 5)
        .unwrap_or(max);
    let top = step * max.div_ceil(step);
    let axis_w = 8.0;
    let (cx, cy, cw) = (x0 + axis_w, doc.y, w - axis_w);
    let slot = cw / hours as f32;
    for tick in (0..=top).step_by(step) {
        let ty = cy + chart_h - chart_h * tick as f32 / top as f32;
        doc.canvas.line(cx, ty, cx + cw, ty, Colour::LIGHT, 0.4);
        doc.text_box(
            &tick.to_string(),
            Weight::Regular,
            (x0, ty - 1.6, axis_w - 1.5, 3.2),
            1,
            (7.0, 5.0),
            Align::Right,
            Colour::GREY,
            "axis",
        );
    }
    for (i, h) in (first..=last).enumerate() {
        let count = hourly.get(h).copied().unwrap_or(0);
        let bx = cx + slot * i as f32 + slot * 0.15;
        let bh = chart_h * count as f32 / top as f32;
        if count > 0 {
            doc.canvas
                .fill(bx, cy + chart_h - bh, slot * 0.7, bh, ACCENT);
            doc.text_box(
                &count.to_string(),
                Weight::Bold,
                (bx - 1.0, cy + chart_h - bh - 3.6, slot * 0.7 + 2.0, 3.4),
                1,
                (7.0, 4.5),
                Align::Centre,
                Colour::BLACK,
                "histogram",
            );
        }
        doc.text_box(
            &format!("{h:02}"),
            Weight::Regular,
            (bx - 1.0, cy + chart_h + 1.0, slot * 0.7 + 2.0, 3.4),
            1,
            (7.0, 4.5),
            Align::Centre,
            Colour::GREY,
            "axis",
        );
    }
    doc.canvas
        .line(cx, cy + chart_h, cx + cw, cy + chart_h, Colour::BLACK, 0.6);
    doc.y += chart_h + 7.0;
}

fn count_table(doc: &mut FlowDoc, title: &'static str, rows: &[(String, usize)], total: usize) {
    let cols = [
        Column {
            title,
            width: 110.0,
            align: Align::Left,
        },
        Column {
            title: "Visits",
            width: 30.0,
            align: Align::Right,
        },
        Column {
            title: "Share",
            width: 30.0,
            align: Align::Right,
        },
    ];
    let shown = 15;
    let mut list: Vec<Row> = rows
        .iter()
        .take(shown)
        .map(|(k, n)| Row {
            cells: vec![
                Cell::new(k.clone()),
                Cell::new(n.to_string()),
                Cell::new(format!("{}%", n * 100 / total.max(1))),
            ],
            fill: None,
        })
        .collect();
    if rows.len() > shown {
        let rest: usize = rows.iter().skip(shown).map(|r| r.1).sum();
        list.push(Row {
            cells: vec![
                Cell::new(format!("{} others", rows.len() - shown)),
                Cell::new(rest.to_string()),
                Cell::new(format!("{}%", rest * 100 / total.max(1))),
            ],
            fill: None,
        });
    }
    doc.table(&cols, list);
    doc.gap(4.0);
}

/// The daily visitor report as PDF.
pub fn render_daily_report(data: &DailyReportData) -> Result<Rendered> {
    let stats = daily_stats(data);
    let day = data.date.format("%A %-d %B %Y").to_string();
    let mut doc = FlowDoc::new(
        "Daily visitor report",
        A4,
        &format!("Daily visitor report · {day}"),
    );
    title_block(
        &mut doc,
        "Daily visitor report",
        &format!("{} · {day}", data.site_name),
    );
    let (x, w) = (doc.margin, doc.content_w());
    let avg = stats.average_minutes.map_or_else(|| "–".to_string(), hm);
    let tiles = [
        ("Visitors", stats.total.to_string()),
        ("Still on site", stats.still_on_site.to_string()),
        ("Signed out", stats.signed_out.to_string()),
        ("Average visit", avg),
    ];
    let tile_w = w / tiles.len() as f32;
    for (i, (label, value)) in tiles.iter().enumerate() {
        let tx = x + tile_w * i as f32;
        doc.canvas.fill(
            tx + 1.0,
            doc.y,
            tile_w - 2.0,
            18.0,
            Colour {
                r: 238,
                g: 243,
                b: 250,
            },
        );
        doc.text_box(
            value,
            Weight::Bold,
            (tx + 3.0, doc.y + 2.0, tile_w - 6.0, 9.0),
            1,
            (20.0, 8.0),
            Align::Left,
            ACCENT,
            "totals",
        );
        doc.text_box(
            label,
            Weight::Regular,
            (tx + 3.0, doc.y + 12.0, tile_w - 6.0, 4.5),
            1,
            (8.5, 6.0),
            Align::Left,
            Colour::GREY,
            "totals",
        );
    }
    doc.y += 24.0;
    histogram(&mut doc, &stats.hourly);
    if stats.total == 0 {
        doc.para(
            "No visitors signed in on this day.",
            Weight::Regular,
            10.0,
            Colour::GREY,
        );
    } else {
        count_table(&mut doc, "Company", &stats.by_company, stats.total);
        count_table(&mut doc, "Purpose", &stats.by_purpose, stats.total);
    }
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn visit(
        name: &str,
        company: Option<&str>,
        purpose: Option<&str>,
        h: u32,
        out: Option<u32>,
    ) -> VisitRow {
        let at = |hh: u32| {
            chrono_tz::Europe::Berlin
                .with_ymd_and_hms(2026, 11, 20, hh, 15, 0)
                .single()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        VisitRow {
            visitor_name: name.into(),
            company: company.map(str::to_string),
            purpose: purpose.map(str::to_string),
            host_name: None,
            signed_in_at: at(h),
            signed_out_at: out.map(at),
            badge_number: None,
        }
    }

    #[test]
    fn daily_stats_count_by_local_hour_company_and_purpose() {
        let data = DailyReportData {
            site_name: "S".into(),
            tz: chrono_tz::Europe::Berlin,
            date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
            visits: vec![
                visit("A", Some("Acme"), Some("Meeting"), 9, Some(11)),
                visit("B", Some("Acme"), None, 9, None),
                visit("C", Some(" "), Some("Delivery"), 14, Some(15)),
                // 00:15 local on the 20th is still the 20th (23:15 UTC on the 19th).
                visit("D", None, Some("Meeting"), 0, None),
            ],
        };
        let s = daily_stats(&data);
        assert_eq!(s.total, 4);
        assert_eq!(s.still_on_site, 2);
        assert_eq!(s.average_minutes, Some(90), "(120 + 60) / 2");
        assert_eq!(s.hourly[9], 2);
        assert_eq!(s.hourly[0], 1, "local hour, not UTC");
        assert_eq!(s.by_company[0], ("Acme".to_string(), 2));
        assert!(
            s.by_company.contains(&("Unknown".to_string(), 2)),
            "blank and missing are Unknown"
        );
        assert_eq!(s.by_purpose[0], ("Meeting".to_string(), 2));
    }
}
