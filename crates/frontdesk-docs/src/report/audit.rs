//! The audit trail as CSV, for administrators and auditors (times at the site, with their offset).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::Rendered;
use crate::error::{Error, Result};
use crate::text::csv_safe;

/// One audit row as the export writes it.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    /// `staff`, `kiosk` or `system`.
    pub actor_kind: String,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// The action's details as JSON text.
    pub details: String,
    pub device_id: Option<String>,
}

/// The rows as CSV, in the order given (the core sends newest first). Every text cell is made
/// safe for spreadsheets: a name such as `=HYPERLINK(…)` stays text.
pub fn render_audit_csv(rows: &[AuditRow], tz: Tz) -> Result<Rendered> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Csv(e.to_string());
    w.write_record([
        "at",
        "actor_kind",
        "actor",
        "action",
        "entity",
        "entity_id",
        "details",
        "device",
    ])
    .map_err(err)?;
    for r in rows {
        w.write_record([
            r.at.with_timezone(&tz).to_rfc3339(),
            csv_safe(&r.actor_kind),
            csv_safe(&r.actor_name),
            csv_safe(&r.action),
            csv_safe(&r.entity),
            r.entity_id.clone().unwrap_or_default(),
            csv_safe(&r.details),
            r.device_id.clone().unwrap_or_default(),
        ])
        .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Csv(e.to_string()))?;
    Ok(Rendered {
        bytes,
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_text_and_times_are_local() {
        let at = DateTime::parse_from_rfc3339("2026-07-01T09:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let rows = [AuditRow {
            at,
            actor_kind: "staff".into(),
            actor_name: "=HYPERLINK(\"http://x\")".into(),
            action: "visit.sign_in".into(),
            entity: "visit".into(),
            entity_id: Some("0190".into()),
            details: r#"{"name":"Zoë, \"Q\""}"#.into(),
            device_id: None,
        }];
        let csv = String::from_utf8(
            render_audit_csv(&rows, chrono_tz::Europe::London)
                .expect("csv")
                .bytes,
        )
        .expect("utf8");
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("at,actor_kind,actor,action,entity,entity_id,details,device")
        );
        let row = lines.next().expect("row");
        assert!(row.starts_with("2026-07-01T10:30:00+01:00,staff,"), "{row}");
        assert!(row.contains("'=HYPERLINK"), "a formula is made text: {row}");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let rec = reader.records().next().expect("record").expect("parses");
        assert_eq!(
            &rec[6], r#"{"name":"Zoë, \"Q\""}"#,
            "details survive quoting"
        );
    }
}
