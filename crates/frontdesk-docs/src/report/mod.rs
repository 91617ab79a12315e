//! Visitor reports: the daily report (totals, by company, by purpose, hourly histogram chart), the visit
//! log for a date range (PDF and CSV), the evacuation list (everyone on site now, grouped by area) and
//! the audit trail (CSV).
//!
//! All inputs are plain rows the core already holds locally, so every report works offline.
//!
//! One file per document: [`daily`], [`visit_log`], [`evacuation`], [`audit`].

mod audit;
mod daily;
mod evacuation;
mod visit_log;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fonts::Weight;
use crate::pdf::{Align, Colour};
use crate::table::FlowDoc;

pub use audit::{AuditRow, render_audit_csv};
pub use daily::{DailyReportData, DailyStats, daily_stats, render_daily_report};
pub use evacuation::{EvacuationData, EvacuationPerson, PersonKind, render_evacuation_list};
pub use visit_log::{VisitLogData, render_visit_log_csv, render_visit_log_pdf};

/// One visit as the visit log stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRow {
    pub visitor_name: String,
    pub company: Option<String>,
    pub purpose: Option<String>,
    pub host_name: Option<String>,
    pub signed_in_at: DateTime<Utc>,
    /// `None` while the visitor is still on site.
    pub signed_out_at: Option<DateTime<Utc>>,
    pub badge_number: Option<String>,
}

const ACCENT: Colour = Colour {
    r: 0,
    g: 102,
    b: 204,
};

fn title_block(doc: &mut FlowDoc, title: &str, subtitle: &str) {
    let (x, w) = (doc.margin, doc.content_w());
    doc.text_box(
        title,
        Weight::Bold,
        (x, doc.y, w, 9.0),
        1,
        (18.0, 10.0),
        Align::Left,
        Colour::BLACK,
        "title",
    );
    doc.y += 9.5;
    doc.text_box(
        subtitle,
        Weight::Regular,
        (x, doc.y, w, 6.0),
        1,
        (10.0, 6.0),
        Align::Left,
        Colour::GREY,
        "site_name",
    );
    doc.y += 8.0;
}
