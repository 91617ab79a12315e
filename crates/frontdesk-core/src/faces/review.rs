//! The review queue: faces the clock-in camera did not accept (unknown, low confidence, possible
//! spoof) wait here with their snapshot until staff say who it was or dismiss them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::kiosk::camera::data_url;
use crate::people::auth::{Actor, Permission};
use crate::time::from_ms;
use crate::{Frontdesk, audit, now_ms, store, text};

/// Why a face is waiting for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum ReviewKind {
    /// Nobody enrolled was close enough.
    UnknownFace,
    /// Close to someone, but not clearly them (the cohort ratio refused it).
    LowConfidence,
    /// The anti-spoof check judged the face a photo or a screen.
    PossibleSpoof,
    /// A watch-list match.
    WatchlistHit,
}

/// Where a review item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Waiting for staff.
    Open,
    /// Staff said who it was.
    Resolved,
    /// Staff dismissed it (nobody to follow up).
    Dismissed,
}

/// One face in the review queue.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReviewItem {
    /// Review event id (UUID v7).
    pub id: Uuid,
    /// Why it is here.
    pub kind: ReviewKind,
    /// Open, resolved or dismissed.
    pub status: ReviewStatus,
    /// When the camera saw the face (UTC).
    pub created_at: DateTime<Utc>,
    /// Whom the face resembled (or, once resolved, who staff said it was).
    pub employee_id: Option<Uuid>,
    /// That employee's name.
    pub employee_name: Option<String>,
    /// The face distance to that employee (0 same, higher different), if measured.
    pub distance: Option<f32>,
    /// What the camera or staff noted.
    pub note: Option<String>,
    /// Whether the face's snapshot is still kept (retention clears it after 30 days).
    pub has_snapshot: bool,
    /// Who resolved or dismissed it, and when.
    pub resolved_by: Option<String>,
    /// When it was resolved or dismissed (UTC).
    pub resolved_at: Option<DateTime<Utc>>,
}

/// What staff decide about a review item ([`Frontdesk::resolve_review`]).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReviewDecision {
    /// It was this employee (nothing is clocked: correct the timesheet if they meant to clock).
    Assign {
        /// The employee it was.
        employee_id: Uuid,
        /// Optional words for the trail, at most 500 characters.
        note: Option<String>,
    },
    /// Nothing to follow up (a passer-by, a test).
    Dismiss {
        /// Optional words for the trail, at most 500 characters.
        note: Option<String>,
    },
}

impl Frontdesk {
    /// The review queue at the actor's home site, newest first: open items, or with `all` the
    /// resolved and dismissed ones too (at most 500). Needs [`Permission::ManageEmployees`].
    pub async fn review_queue(&self, actor: &Actor, all: bool) -> Result<Vec<ReviewItem>> {
        actor.require(Permission::ManageEmployees)?;
        let site = self.site_and_tz(actor, None).await?.0;
        review_items(&self.pool, site, all, None).await
    }

    /// The snapshot of a review item's face as a `data:image/jpeg;base64,…` URL, while retention
    /// keeps it (needs [`Permission::ManageEmployees`]; [`Error::NotFound`] once cleared).
    pub async fn review_snapshot(&self, actor: &Actor, id: Uuid) -> Result<String> {
        actor.require(Permission::ManageEmployees)?;
        let site = self.site_and_tz(actor, None).await?.0;
        sqlx::query_scalar::<_, Option<Vec<u8>>>(
            "SELECT snapshot FROM review_events WHERE id = ? AND site_id = ?",
        )
        .bind(id)
        .bind(site)
        .fetch_optional(&self.pool)
        .await?
        .flatten()
        .map(|jpeg| data_url(&jpeg))
        .ok_or(Error::NotFound { entity: "snapshot" })
    }

    /// Resolves an open review item: assigned to the employee it was, or dismissed. Audited as
    /// `review.assign` or `review.dismiss`; an item already decided is [`Error::Conflict`].
    pub async fn resolve_review(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: ReviewDecision,
    ) -> Result<ReviewItem> {
        actor.require(Permission::ManageEmployees)?;
        let site = self.site_and_tz(actor, None).await?.0;
        let (status, employee, note, action) = match &decision {
            ReviewDecision::Assign { employee_id, note } => (
                ReviewStatus::Resolved,
                Some(*employee_id),
                note,
                "review.assign",
            ),
            ReviewDecision::Dismiss { note } => {
                (ReviewStatus::Dismissed, None, note, "review.dismiss")
            }
        };
        let note = text::optional("note", note.as_deref(), 500)?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        if let Some(e) = employee {
            let known: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM employees WHERE id = ? AND organisation_id = ?",
            )
            .bind(e)
            .bind(actor.organisation_id)
            .fetch_one(&mut *tx)
            .await?;
            if known == 0 {
                return Err(Error::invalid("employee_id", crate::Rule::NoSuchEmployee));
            }
        }
        let current: Option<ReviewStatus> =
            sqlx::query_scalar("SELECT status FROM review_events WHERE id = ? AND site_id = ?")
                .bind(id)
                .bind(site)
                .fetch_optional(&mut *tx)
                .await?;
        match current {
            None => {
                return Err(Error::NotFound {
                    entity: "review item",
                });
            }
            Some(ReviewStatus::Open) => {}
            Some(_) => {
                return Err(Error::Conflict(
                    "this review item was already decided".into(),
                ));
            }
        }
        sqlx::query(
            "UPDATE review_events SET status = ?, employee_id = COALESCE(?, employee_id),
                note = COALESCE(?, note), resolved_by = ?, resolved_at = ? WHERE id = ?",
        )
        .bind(status)
        .bind(employee)
        .bind(&note)
        .bind(actor.staff_id())
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let details = serde_json::json!({ "employee_id": employee, "note": note.is_some() });
        audit::record(&mut tx, actor, action, "review_event", Some(id), details).await?;
        tx.commit().await?;
        review_items(&self.pool, site, true, Some(id))
            .await?
            .pop()
            .ok_or(Error::NotFound {
                entity: "review item",
            })
    }
}

/// The site's review items, newest first (at most 500): open ones, or all with `all`; only `id`
/// when given.
async fn review_items(
    pool: &sqlx::SqlitePool,
    site: Uuid,
    all: bool,
    id: Option<Uuid>,
) -> Result<Vec<ReviewItem>> {
    let rows = sqlx::query(
        "SELECT r.id, r.kind, r.status, r.created_at, r.employee_id, e.name AS employee_name,
                r.distance, r.note, r.snapshot IS NOT NULL AS has_snapshot,
                s.display_name AS resolved_by, r.resolved_at
         FROM review_events r
         LEFT JOIN employees e ON e.id = r.employee_id
         LEFT JOIN staff_accounts s ON s.id = r.resolved_by
         WHERE r.site_id = ? AND (? OR r.status = 'open') AND (? IS NULL OR r.id = ?)
         ORDER BY r.created_at DESC, r.id DESC LIMIT 500",
    )
    .bind(site)
    .bind(all)
    .bind(id)
    .bind(id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReviewItem {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                status: r.try_get("status")?,
                created_at: from_ms(r.try_get("created_at")?),
                employee_id: r.try_get("employee_id")?,
                employee_name: r.try_get("employee_name")?,
                distance: r.try_get::<Option<f64>, _>("distance")?.map(|d| d as f32),
                note: r.try_get("note")?,
                has_snapshot: r.try_get("has_snapshot")?,
                resolved_by: r.try_get("resolved_by")?,
                resolved_at: r.try_get::<Option<i64>, _>("resolved_at")?.map(from_ms),
            })
        })
        .collect()
}
