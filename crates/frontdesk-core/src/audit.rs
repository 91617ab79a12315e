//! The audit log: who did what, to which record, from which PC. Rows are written inside the same
//! transaction as the change they describe, so a change without its audit row cannot exist.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::Result;
use crate::people::auth::{Actor, Permission};
use crate::time::{from_ms, to_ms};
use crate::{Frontdesk, new_id, now_ms};

/// Appends one audit row. `details` must never hold secrets (passwords, PINs, tokens).
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<Uuid>,
    details: serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_kind, actor_id, actor_name, action, entity, entity_id, details, device_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(new_id())
    .bind(now_ms())
    .bind(actor.kind_str())
    .bind(actor.id)
    .bind(&actor.name)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(details.to_string())
    .bind(actor.device_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Filter for [`Frontdesk::audit`]; a filter left `None` matches every row.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct AuditQuery {
    /// Only actions starting with this, e.g. `visit.` or `employee.import`.
    pub action_prefix: Option<String>,
    /// Only rows about this record.
    pub entity_id: Option<Uuid>,
    /// Only rows at or after this time (UTC).
    pub since: Option<DateTime<Utc>>,
    /// Only rows before this time (UTC; exclusive).
    pub until: Option<DateTime<Utc>>,
    /// Newest first; at most 1000.
    pub limit: Option<u32>,
}

/// One row of the audit log.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditEntry {
    /// Audit row id (UUID v7).
    pub id: Uuid,
    /// When the action happened (UTC).
    pub at: DateTime<Utc>,
    /// Who acted: `staff`, `kiosk` or `system`.
    pub actor_kind: String,
    /// The actor's name at the time.
    pub actor_name: String,
    /// What was done, dotted, e.g. `visit.sign_in`.
    pub action: String,
    /// Kind of record acted on, e.g. `visit`.
    pub entity: String,
    /// The record acted on; `None` for actions not about one record.
    pub entity_id: Option<Uuid>,
    /// Action-specific detail as a JSON object (never secrets); `null` if the stored JSON is
    /// unreadable.
    #[ts(type = "Record<string, unknown>")]
    pub details: serde_json::Value,
    /// The PC the action came from; `None` if the actor carried no device id.
    pub device_id: Option<Uuid>,
}

impl Frontdesk {
    /// Audit rows matching `q`, newest first (200 unless `limit` says otherwise). Needs the
    /// view-audit permission.
    pub async fn audit(&self, actor: &Actor, q: AuditQuery) -> Result<Vec<AuditEntry>> {
        actor.require(Permission::ViewAudit)?;
        let limit = q.limit.unwrap_or(200).clamp(1, 1000);
        let prefix_hi = q.action_prefix.as_ref().map(|p| format!("{p}\u{10FFFF}"));
        let rows = sqlx::query_as::<_, AuditRow>(
            "SELECT id, at, actor_kind, actor_name, action, entity, entity_id, details, device_id
             FROM audit_log
             WHERE (?1 IS NULL OR (action >= ?1 AND action < ?2))
               AND (?3 IS NULL OR entity_id = ?3)
               AND (?4 IS NULL OR at >= ?4)
               AND (?5 IS NULL OR at < ?5)
             ORDER BY at DESC, id DESC
             LIMIT ?6",
        )
        .bind(&q.action_prefix)
        .bind(prefix_hi)
        .bind(q.entity_id)
        .bind(q.since.map(to_ms))
        .bind(q.until.map(to_ms))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }
}

/// An `audit_log` row as stored: the time in UTC milliseconds, the details as JSON text.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    at: i64,
    actor_kind: String,
    actor_name: String,
    action: String,
    entity: String,
    entity_id: Option<Uuid>,
    details: String,
    device_id: Option<Uuid>,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            id: r.id,
            at: from_ms(r.at),
            actor_kind: r.actor_kind,
            actor_name: r.actor_name,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            // The trail stays readable even if one row's details are not valid JSON.
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            device_id: r.device_id,
        }
    }
}
