//! Timesheet exports started by hand: the client names employees by code (or none, for everyone
//! active) and gets one document; the core picks the employees and audits the export.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::documents::{ExportFormat, Rendered};
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::{Frontdesk, audit};

impl Frontdesk {
    /// Timesheets of the active employees with these codes (all active employees when none are
    /// given) for `from..=to` in one document, for exports a client starts by hand. Audited as
    /// `timesheet.export` with the employees, the period and the format.
    pub async fn export_timesheets(
        &self,
        actor: &Actor,
        codes: &[String],
        from: NaiveDate,
        to: NaiveDate,
        format: ExportFormat,
    ) -> Result<Rendered> {
        actor.require(Permission::ExportTimesheets)?;
        let ids: Vec<Uuid> = if codes.is_empty() {
            sqlx::query_scalar(
                "SELECT id FROM employees WHERE organisation_id = ? AND active = 1
                 ORDER BY name COLLATE NOCASE, id",
            )
            .bind(actor.organisation_id)
            .fetch_all(&self.pool)
            .await?
        } else {
            let mut ids = Vec::with_capacity(codes.len());
            for code in codes {
                let e = self.employee_by_code(actor, code).await?;
                if !e.active {
                    return Err(Error::validation(
                        "employees",
                        format!("{} is not an active employee", e.code),
                    ));
                }
                ids.push(e.id);
            }
            ids
        };
        let rendered = self.timesheet_export(actor, &ids, from, to, format).await?;
        let mut tx = crate::store::db::begin_immediate(&self.pool).await?;
        audit::record(
            &mut tx,
            actor,
            "timesheet.export",
            "organisation",
            Some(actor.organisation_id),
            serde_json::json!({
                "employees": ids, "from": from.to_string(), "to": to.to_string(), "format": format.as_str(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(rendered)
    }
}
