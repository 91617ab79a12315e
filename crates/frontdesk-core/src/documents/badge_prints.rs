//! Printing visitor badges, with a print log per visit. The log makes the reprint guard hold across
//! restarts: a badge printed before (any outcome but failed) is printed again only when staff confirm.
//! Each print writes two audited rows: the attempt before the job is sent (so a crash mid-print still
//! counts it) and its outcome once the print system reports one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::documents::printing::PrintOptions;
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::time::from_ms;
use crate::visits::VisitStatus;
use crate::{Frontdesk, audit, documents, new_id, now_ms};

/// Where a badge print ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PrintOutcome {
    /// Sent, but the print system had not finished it when we stopped waiting.
    Pending,
    /// The print system reports the job as printed.
    Done,
    /// The job failed or could not be sent; failed prints do not count towards the reprint guard.
    Failed,
    /// The printer is stopped or unreachable; the job waits in its queue.
    Offline,
}

impl PrintOutcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PrintOutcome::Pending => "pending",
            PrintOutcome::Done => "done",
            PrintOutcome::Failed => "failed",
            PrintOutcome::Offline => "offline",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "pending" => PrintOutcome::Pending,
            "done" => PrintOutcome::Done,
            "failed" => PrintOutcome::Failed,
            "offline" => PrintOutcome::Offline,
            other => return Err(Error::Internal(format!("unknown print outcome {other}"))),
        })
    }
}

/// What to print with [`Frontdesk::print_badge`].
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct BadgePrintRequest {
    /// The visit whose badge is printed; it must still be signed in (not checked out or cancelled).
    pub visit_id: Uuid,
    /// Defaults to the site's badge printer (settings).
    pub printer: Option<String>,
    /// Staff's answer to the reprint warning: print although this badge was printed before.
    pub confirm_reprint: bool,
}

/// One entry of a visit's badge print log.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BadgePrint {
    /// Print log entry id (UUID v7).
    pub id: Uuid,
    /// The visit whose badge was printed.
    pub visit_id: Uuid,
    /// When the print was attempted (UTC), written before the job was sent.
    pub printed_at: DateTime<Utc>,
    /// The print queue the job was sent to.
    pub printer: String,
    /// The site's badge stock preset at the time of printing (see [`documents::badge_size`]).
    pub preset: String,
    /// Who printed it, as named at the time (a staff member's display name, or `Kiosk`).
    pub printed_by: String,
    /// Where the print ended; `pending` while being sent, or if still printing at the timeout.
    pub outcome: PrintOutcome,
    /// What the print system said, for failed, offline or pending prints.
    pub message: Option<String>,
    /// Printed after staff confirmed the reprint warning.
    pub reprint: bool,
}

fn print_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<BadgePrint> {
    Ok(BadgePrint {
        id: r.try_get("id")?,
        visit_id: r.try_get("visit_id")?,
        printed_at: from_ms(r.try_get("printed_at")?),
        printer: r.try_get("printer")?,
        preset: r.try_get("preset")?,
        printed_by: r.try_get("actor_name")?,
        outcome: PrintOutcome::parse(&r.try_get::<String, _>("outcome")?)?,
        message: r.try_get("message")?,
        reprint: r.try_get("reprint")?,
    })
}

const SELECT_PRINT: &str =
    "SELECT id, visit_id, printed_at, printer, preset, actor_name, outcome, message, reprint
     FROM badge_prints";

impl Frontdesk {
    /// Prints a visit's badge on the site's badge stock and printer (or `req.printer`) and waits for
    /// the outcome. A second print of the same badge is refused with a conflict unless
    /// `req.confirm_reprint` is set. A print that fails is logged and returned, not an error.
    pub async fn print_badge(&self, actor: &Actor, req: BadgePrintRequest) -> Result<BadgePrint> {
        actor.require(Permission::SignVisitors)?;
        let visit = self.visit_in_org(actor, req.visit_id).await?;
        if matches!(
            visit.status,
            VisitStatus::CheckedOut | VisitStatus::Cancelled
        ) {
            return Err(Error::Conflict(format!(
                "{} is no longer signed in; their badge cannot be printed",
                visit.visitor_name
            )));
        }
        let settings = self.settings(actor, visit.site_id).await?;
        let size = documents::badge_size(&settings.badge_preset)?;
        let printer = match req.printer.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => settings.badge_printer.clone().ok_or_else(|| {
                Error::validation(
                    "printer",
                    "no badge printer is set for this site; choose one in settings",
                )
            })?,
        };
        let badge = self.badge_pdf(actor, visit.id, size).await?;

        let id = new_id();
        let now = now_ms();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let previous: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM badge_prints WHERE visit_id = ? AND outcome <> 'failed'",
        )
        .bind(visit.id)
        .fetch_one(&mut *tx)
        .await?;
        let previous = u32::try_from(previous).unwrap_or(u32::MAX);
        if let documents::docs::print::ReprintDecision::Warn { previous_prints } =
            documents::docs::print::reprint_decision(previous, req.confirm_reprint)
        {
            return Err(Error::ReprintUnconfirmed {
                visitor: visit.visitor_name.clone(),
                previous: previous_prints,
            });
        }
        sqlx::query(
            "INSERT INTO badge_prints (id, visit_id, printed_at, printer, preset, printed_by, actor_name, outcome,
                reprint, device_id, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        )
        .bind(id)
        .bind(visit.id)
        .bind(now)
        .bind(&printer)
        .bind(&settings.badge_preset)
        .bind(actor.staff_id())
        .bind(&actor.name)
        .bind(previous > 0)
        .bind(self.device_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "badge.print",
            "visit",
            Some(visit.id),
            serde_json::json!({
                "print_id": id, "printer": printer, "preset": settings.badge_preset,
                "previous_prints": previous, "reprint": previous > 0,
            }),
        )
        .await?;
        tx.commit().await?;

        let options = PrintOptions {
            media: Some(size.cups_media()),
            copies: 1,
            title: format!("badge {}", visit.badge_number.as_deref().unwrap_or("")),
        };
        let (outcome, message) = self.print_and_wait(&printer, badge.bytes, options).await;

        let mut tx = crate::store::db::begin_immediate(&self.pool).await?;
        sqlx::query(
            "UPDATE badge_prints SET outcome = ?, message = ?, updated_at = ? WHERE id = ?",
        )
        .bind(outcome.as_str())
        .bind(&message)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "badge.print_outcome",
            "visit",
            Some(visit.id),
            serde_json::json!({ "print_id": id, "outcome": outcome.as_str(), "message": message }),
        )
        .await?;
        tx.commit().await?;
        self.badge_print(id).await
    }

    async fn badge_print(&self, id: Uuid) -> Result<BadgePrint> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_PRINT} WHERE id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NotFound {
                entity: "badge print",
            })?;
        print_from_row(&row)
    }

    /// A visit's badge prints, oldest first.
    pub async fn badge_prints(&self, actor: &Actor, visit_id: Uuid) -> Result<Vec<BadgePrint>> {
        self.visit(actor, visit_id).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_PRINT} WHERE visit_id = ? ORDER BY printed_at, id"
        )))
        .bind(visit_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(print_from_row).collect()
    }
}
