//! The visit log for a date range, as PDF and CSV.

use chrono_tz::Tz;
use frontdesk_rules::Period;
use serde::{Deserialize, Serialize};

use super::*;
use crate::duration::hm;
use crate::fonts::Weight;
use crate::pdf::{Align, Colour};
use crate::table::{A4_LANDSCAPE, Cell, Column, FlowDoc, Row};
use crate::text::csv_safe;
use crate::{Error, Rendered, Result};

/// Input of the visit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitLogData {
    pub site_name: String,
    pub tz: Tz,
    pub period: Period,
    pub visits: Vec<VisitRow>,
}

fn in_period(v: &VisitRow, tz: Tz, p: Period) -> bool {
    p.contains(v.signed_in_at.with_timezone(&tz).date_naive())
}

fn sorted_visits(data: &VisitLogData) -> Result<Vec<&VisitRow>> {
    data.period.validate()?;
    let mut v: Vec<&VisitRow> = data
        .visits
        .iter()
        .filter(|v| in_period(v, data.tz, data.period))
        .collect();
    v.sort_by_key(|v| v.signed_in_at);
    Ok(v)
}

fn duration_text(v: &VisitRow) -> String {
    v.signed_out_at
        .map(|o| hm((o - v.signed_in_at).num_minutes().max(0)))
        .unwrap_or_default()
}

/// The visit log for a date range as PDF (A4 landscape).
pub fn render_visit_log_pdf(data: &VisitLogData) -> Result<Rendered> {
    let visits = sorted_visits(data)?;
    let p = data.period;
    let range = format!(
        "{} – {}",
        p.start.format("%-d %b %Y"),
        p.end.format("%-d %b %Y")
    );
    let mut doc = FlowDoc::new("Visit log", A4_LANDSCAPE, &format!("Visit log · {range}"));
    title_block(
        &mut doc,
        "Visit log",
        &format!("{} · {range} · {} visits", data.site_name, visits.len()),
    );
    let cols = [
        Column {
            title: "Date",
            width: 22.0,
            align: Align::Left,
        },
        Column {
            title: "In",
            width: 13.0,
            align: Align::Centre,
        },
        Column {
            title: "Out",
            width: 13.0,
            align: Align::Centre,
        },
        Column {
            title: "Duration",
            width: 16.0,
            align: Align::Right,
        },
        Column {
            title: "Visitor",
            width: 52.0,
            align: Align::Left,
        },
        Column {
            title: "Company",
            width: 45.0,
            align: Align::Left,
        },
        Column {
            title: "Purpose",
            width: 40.0,
            align: Align::Left,
        },
        Column {
            title: "Host",
            width: 45.0,
            align: Align::Left,
        },
        Column {
            title: "Badge",
            width: 23.0,
            align: Align::Left,
        },
    ];
    let tz = data.tz;
    let rows = visits.iter().map(|v| {
        let tin = v.signed_in_at.with_timezone(&tz);
        Row {
            cells: vec![
                Cell::new(tin.format("%a %d %b").to_string()),
                Cell::new(tin.format("%H:%M").to_string()),
                Cell::new(
                    v.signed_out_at
                        .map(|o| o.with_timezone(&tz).format("%H:%M").to_string())
                        .unwrap_or_else(|| "on site".into()),
                ),
                Cell::new(duration_text(v)),
                Cell::bold(v.visitor_name.clone()),
                Cell::new(v.company.clone().unwrap_or_default()),
                Cell::new(v.purpose.clone().unwrap_or_default()),
                Cell::new(v.host_name.clone().unwrap_or_default()),
                Cell::new(v.badge_number.clone().unwrap_or_default()),
            ],
            fill: None,
        }
    });
    doc.table(&cols, rows.collect::<Vec<_>>());
    if visits.is_empty() {
        doc.gap(3.0);
        doc.para(
            "No visits in this period.",
            Weight::Regular,
            10.0,
            Colour::GREY,
        );
    }
    doc.finish()
}

/// The visit log as CSV (site-local times, ISO 8601 with offset).
pub fn render_visit_log_csv(data: &VisitLogData) -> Result<Rendered> {
    let visits = sorted_visits(data)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Csv(e.to_string());
    w.write_record([
        "signed_in_at",
        "signed_out_at",
        "duration_minutes",
        "visitor",
        "company",
        "purpose",
        "host",
        "badge",
    ])
    .map_err(err)?;
    for v in visits {
        w.write_record([
            v.signed_in_at.with_timezone(&data.tz).to_rfc3339(),
            v.signed_out_at
                .map(|o| o.with_timezone(&data.tz).to_rfc3339())
                .unwrap_or_default(),
            v.signed_out_at
                .map(|o| (o - v.signed_in_at).num_minutes().max(0).to_string())
                .unwrap_or_default(),
            csv_safe(&v.visitor_name),
            csv_safe(v.company.as_deref().unwrap_or("")),
            csv_safe(v.purpose.as_deref().unwrap_or("")),
            csv_safe(v.host_name.as_deref().unwrap_or("")),
            csv_safe(v.badge_number.as_deref().unwrap_or("")),
        ])
        .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Csv(e.to_string()))?;
    Ok(Rendered {
        bytes,
        warnings: Vec::new(),
    })
}
