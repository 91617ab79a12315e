//! The audit log: who did what, to which record, from which PC. Rows are written inside the same
//! transaction as the change they describe, so a change without its audit row cannot exist.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::documents::{SavedDocument, docs_error, files};
use crate::error::Result;
use crate::people::auth::{Actor, Permission};
use crate::time::{check_date, from_ms, start_of_day, to_ms};
use crate::{Frontdesk, new_id, now_ms};

/// The `prev_hash` of a device's first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields a row's hash covers, in a fixed order.
struct Sealed<'a> {
    chain_seq: i64,
    id: Uuid,
    at: i64,
    actor_kind: &'a str,
    actor_id: Option<Uuid>,
    actor_name: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<Uuid>,
    details: &'a str,
    device_id: Option<Uuid>,
}

/// SHA-256 (hex) over the previous hash and the row's fields, each length-prefixed so no two
/// different rows hash the same text.
fn row_hash(prev: &str, r: &Sealed<'_>) -> String {
    use sha2::{Digest, Sha256};
    let uuid = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    let fields = [
        prev.to_string(),
        r.chain_seq.to_string(),
        r.id.to_string(),
        r.at.to_string(),
        r.actor_kind.to_string(),
        uuid(r.actor_id),
        r.actor_name.to_string(),
        r.action.to_string(),
        r.entity.to_string(),
        uuid(r.entity_id),
        r.details.to_string(),
        uuid(r.device_id),
    ];
    let mut h = Sha256::new();
    for f in &fields {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The last link of `device`'s chain: its sequence number and hash (`0` and [`GENESIS`] before
/// the first row).
async fn chain_tip(conn: &mut SqliteConnection, device: Option<Uuid>) -> Result<(i64, String)> {
    let tip: Option<(i64, String)> = sqlx::query_as(
        "SELECT chain_seq, hash FROM audit_log
         WHERE device_id IS ? AND chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1",
    )
    .bind(device)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(tip.unwrap_or((0, GENESIS.to_string())))
}

/// Appends one audit row, chained to the last row of this PC's chain. Call inside a write
/// (`BEGIN IMMEDIATE`) transaction, so two writers cannot take the same place in the chain.
/// `details` must never hold secrets (passwords, PINs, tokens).
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<Uuid>,
    details: serde_json::Value,
) -> Result<()> {
    let device = Some(actor.device_id);
    let (tip, prev) = chain_tip(conn, device).await?;
    let details = details.to_string();
    let row = Sealed {
        chain_seq: tip + 1,
        id: new_id(),
        at: now_ms(),
        actor_kind: actor.kind_str(),
        actor_id: actor.id,
        actor_name: &actor.name,
        action,
        entity,
        entity_id,
        details: &details,
        device_id: device,
    };
    let hash = row_hash(&prev, &row);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_kind, actor_id, actor_name, action, entity, entity_id, details,
            device_id, chain_seq, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(row.id)
    .bind(row.at)
    .bind(row.actor_kind)
    .bind(row.actor_id)
    .bind(row.actor_name)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(&details)
    .bind(device)
    .bind(row.chain_seq)
    .bind(&prev)
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(())
}

/// [`record`] in a write transaction of its own, for actions that change nothing else (a lock, a
/// logout, an export, a failed sign-in).
pub(crate) async fn record_alone(
    pool: &sqlx::SqlitePool,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<Uuid>,
    details: serde_json::Value,
) -> Result<()> {
    let mut tx = crate::store::db::begin_immediate(pool).await?;
    record(&mut tx, actor, action, entity, entity_id, details).await?;
    tx.commit().await?;
    Ok(())
}

/// A stored row with what its hash covers.
#[derive(sqlx::FromRow)]
struct ChainRow {
    id: Uuid,
    at: i64,
    actor_kind: String,
    actor_id: Option<Uuid>,
    actor_name: String,
    action: String,
    entity: String,
    entity_id: Option<Uuid>,
    details: String,
    device_id: Option<Uuid>,
    chain_seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl ChainRow {
    fn sealed(&self, chain_seq: i64) -> Sealed<'_> {
        Sealed {
            chain_seq,
            id: self.id,
            at: self.at,
            actor_kind: &self.actor_kind,
            actor_id: self.actor_id,
            actor_name: &self.actor_name,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id,
            details: &self.details,
            device_id: self.device_id,
        }
    }
}

const CHAIN_COLUMNS: &str =
    "id, at, actor_kind, actor_id, actor_name, action, entity, entity_id, details,
    device_id, chain_seq, prev_hash, hash";

/// Seals rows written before the chain existed (oldest first, per device), once, at open.
pub(crate) async fn seal_unchained(pool: &sqlx::SqlitePool) -> Result<u64> {
    // Every start asks; only a database from before the chain has anything to seal, so the usual
    // answer comes from an empty partial index without taking the write lock.
    let unsealed: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM audit_log WHERE hash IS NULL)")
            .fetch_one(pool)
            .await?;
    if !unsealed {
        return Ok(0);
    }
    let mut tx = crate::store::db::begin_immediate(pool).await?;
    let rows = sqlx::query_as::<_, ChainRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {CHAIN_COLUMNS} FROM audit_log WHERE hash IS NULL ORDER BY at, id"
    )))
    .fetch_all(&mut *tx)
    .await?;
    let mut tips: std::collections::HashMap<Option<Uuid>, (i64, String)> = Default::default();
    for r in &rows {
        let (tip, prev) = match tips.get(&r.device_id) {
            Some(t) => t.clone(),
            None => chain_tip(&mut tx, r.device_id).await?,
        };
        let hash = row_hash(&prev, &r.sealed(tip + 1));
        sqlx::query("UPDATE audit_log SET chain_seq = ?, prev_hash = ?, hash = ? WHERE id = ?")
            .bind(tip + 1)
            .bind(&prev)
            .bind(&hash)
            .bind(r.id)
            .execute(&mut *tx)
            .await?;
        tips.insert(r.device_id, (tip + 1, hash));
    }
    tx.commit().await?;
    Ok(rows.len() as u64)
}

/// What [`Frontdesk::verify_audit`] found.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditVerification {
    /// Rows checked.
    pub rows: u64,
    /// Device chains checked.
    pub chains: u32,
    /// The first broken link, if any (per device chain, in chain order).
    pub broken: Option<BrokenLink>,
}

/// Where a chain breaks, and how.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BrokenLink {
    /// The chain's device.
    pub device_id: Option<Uuid>,
    /// The place in the chain that does not hold.
    pub chain_seq: i64,
    /// The row at that place, if there is one (a deleted row leaves none).
    pub id: Option<Uuid>,
    /// What is wrong, in plain words.
    pub problem: String,
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
    /// Only rows on or after this day at the actor's home site (local midnight).
    pub from: Option<NaiveDate>,
    /// Only rows on or before this day at the actor's home site (inclusive).
    pub to: Option<NaiveDate>,
    /// Only rows whose actor's name contains this (any case), e.g. `dana`.
    pub actor: Option<String>,
    /// Newest first; at most 1000 ([`Frontdesk::audit`]).
    pub limit: Option<u32>,
    /// Rows to skip, for the next page.
    pub offset: Option<u32>,
}

/// Rows at most in one audit export.
const EXPORT_MAX_ROWS: u32 = 200_000;

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
    /// Checks every device's chain of audit rows: places without gaps, each row's `prev_hash`
    /// the hash of the row before, each hash matching the row's fields. Reports the first broken
    /// link (an edited, inserted, reordered or deleted row). Needs the view-audit permission.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<AuditVerification> {
        actor.require(Permission::ViewAudit)?;
        let rows = sqlx::query_as::<_, ChainRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY device_id, chain_seq"
        )))
        .fetch_all(&self.pool)
        .await?;
        let mut chains = 0u32;
        let mut current: Option<(Option<Uuid>, i64, String)> = None;
        for r in &rows {
            let (seq, prev) = match &current {
                Some((device, seq, hash)) if *device == r.device_id => (*seq, hash.clone()),
                _ => {
                    chains += 1;
                    (0, GENESIS.to_string())
                }
            };
            let broken = |chain_seq: i64, id: Option<Uuid>, problem: &str| BrokenLink {
                device_id: r.device_id,
                chain_seq,
                id,
                problem: problem.to_string(),
            };
            let found = match (r.chain_seq, &r.prev_hash, &r.hash) {
                (Some(s), _, _) if s > seq + 1 => {
                    Some(broken(seq + 1, None, "a row is missing (deleted)"))
                }
                (Some(s), Some(p), Some(h)) if s == seq + 1 => {
                    if *p != prev {
                        Some(broken(s, Some(r.id), "does not follow the row before it"))
                    } else if row_hash(p, &r.sealed(s)) != *h {
                        Some(broken(s, Some(r.id), "was changed after it was written"))
                    } else {
                        None
                    }
                }
                _ => Some(broken(
                    seq + 1,
                    Some(r.id),
                    "is not sealed or is out of place",
                )),
            };
            if let Some(b) = found {
                return Ok(AuditVerification {
                    rows: rows.len() as u64,
                    chains,
                    broken: Some(b),
                });
            }
            current = Some((r.device_id, seq + 1, r.hash.clone().unwrap_or_default()));
        }
        Ok(AuditVerification {
            rows: rows.len() as u64,
            chains,
            broken: None,
        })
    }

    /// Audit rows matching `q`, newest first (200 unless `limit` says otherwise). Needs the
    /// view-audit permission.
    pub async fn audit(&self, actor: &Actor, q: AuditQuery) -> Result<Vec<AuditEntry>> {
        actor.require(Permission::ViewAudit)?;
        let limit = q.limit.unwrap_or(200).clamp(1, 1000);
        Ok(self
            .audit_rows(actor, &q, limit)
            .await?
            .into_iter()
            .map(AuditEntry::from)
            .collect())
    }

    /// The audit rows matching `q` (its `limit` and `offset` ignored; at most 200,000, newest
    /// first) saved as CSV in the exports folder (`audit-YYYY-MM-DD-HHMMSS.csv`, site-local
    /// times). Needs the view-audit permission; the export itself is audited (`audit.export`,
    /// with its filters and row count).
    pub async fn save_audit_export(&self, actor: &Actor, q: AuditQuery) -> Result<SavedDocument> {
        actor.require(Permission::ViewAudit)?;
        let tz = self.home_site(actor).await?.time_zone;
        let q = AuditQuery { offset: None, ..q };
        let rows = self.audit_rows(actor, &q, EXPORT_MAX_ROWS).await?;
        let count = rows.len();
        let rows: Vec<frontdesk_docs::AuditRow> = rows
            .into_iter()
            .map(|r| frontdesk_docs::AuditRow {
                at: from_ms(r.at),
                actor_kind: r.actor_kind,
                actor_name: r.actor_name,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id.map(|u| u.to_string()),
                details: r.details,
                device_id: r.device_id.map(|u| u.to_string()),
            })
            .collect();
        let rendered = frontdesk_docs::render_audit_csv(&rows, tz).map_err(docs_error)?;
        let bytes = u32::try_from(rendered.bytes.len()).unwrap_or(u32::MAX);
        let stamp = Utc::now().with_timezone(&tz).format("%Y-%m-%d-%H%M%S");
        let path = files::save_new_file(
            self.data_dir.exports_dir(),
            format!("audit-{stamp}.csv"),
            rendered.bytes,
        )
        .await?;
        let details = serde_json::json!({
            "rows": count,
            "action_prefix": q.action_prefix,
            "actor": q.actor,
            "since": q.since,
            "until": q.until,
            "from": q.from,
            "to": q.to,
            "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
        });
        record_alone(
            &self.pool,
            actor,
            "audit.export",
            "audit_log",
            None,
            details,
        )
        .await?;
        Ok(SavedDocument {
            path: path.display().to_string(),
            bytes,
            warnings: if count as u32 == EXPORT_MAX_ROWS {
                vec![format!(
                    "only the newest {EXPORT_MAX_ROWS} rows; narrow the dates for the rest"
                )]
            } else {
                Vec::new()
            },
        })
    }

    async fn audit_rows(&self, actor: &Actor, q: &AuditQuery, limit: u32) -> Result<Vec<AuditRow>> {
        let mut since = q.since.map(to_ms);
        let mut until = q.until.map(to_ms);
        if q.from.is_some() || q.to.is_some() {
            let tz = self.home_site(actor).await?.time_zone;
            if let Some(from) = q.from {
                let from = to_ms(start_of_day(tz, check_date("from", from)?));
                since = Some(since.map_or(from, |s| s.max(from)));
            }
            if let Some(to) = q.to {
                let next = check_date("to", to)?.succ_opt().unwrap_or(to);
                let end = to_ms(start_of_day(tz, next));
                until = Some(until.map_or(end, |u| u.min(end)));
            }
        }
        let prefix_hi = q.action_prefix.as_ref().map(|p| format!("{p}\u{10FFFF}"));
        let name = q
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_lowercase);
        Ok(sqlx::query_as::<_, AuditRow>(
            "SELECT id, at, actor_kind, actor_name, action, entity, entity_id, details, device_id
             FROM audit_log
             WHERE (?1 IS NULL OR (action >= ?1 AND action < ?2))
               AND (?3 IS NULL OR entity_id = ?3)
               AND (?4 IS NULL OR at >= ?4)
               AND (?5 IS NULL OR at < ?5)
               AND (?6 IS NULL OR instr(lower(actor_name), ?6) > 0)
             ORDER BY at DESC, id DESC
             LIMIT ?7 OFFSET ?8",
        )
        .bind(&q.action_prefix)
        .bind(prefix_hi)
        .bind(q.entity_id)
        .bind(since)
        .bind(until)
        .bind(name)
        .bind(i64::from(limit))
        .bind(i64::from(q.offset.unwrap_or(0)))
        .fetch_all(&self.pool)
        .await?)
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
