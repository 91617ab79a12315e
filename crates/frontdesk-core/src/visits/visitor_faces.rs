//! Returning visitors recognised by face, only for visitors who asked for it. The kiosk asks "Remember
//! my face for next time?"; a yes stores face descriptors (never the photo) with the time of consent;
//! on the next visit the kiosk offers "Welcome back, <name>" for the visitor to confirm; "forget me"
//! removes the descriptors and the consent at once. Visitor faces live in their own gallery, apart
//! from employees', so a visitor can never clock an employee in and vice versa.

use frontdesk_vision::{Descriptor, EMBEDDER_MODEL_ID, Embedding, Identification};
use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::faces::{Observed, observe};
use crate::people::auth::{Actor, Permission};
use crate::visits::visitors::{self, ReturningVisitor};
use crate::{Frontdesk, audit, new_id, now_ms, store};

/// Descriptors kept per visitor: the newest few, so the gallery follows changes in looks.
const KEPT_PER_VISITOR: i64 = 3;

/// The kiosk's answer to "have we seen this visitor before?".
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitorFaceResult {
    /// Offer "Welcome back" with these details for the visitor to confirm; never sign them in unasked.
    Match {
        /// The recognised visitor (who still consents to face recognition).
        visitor: ReturningVisitor,
        /// Euclidean distance between the face and the stored descriptor; lower is closer.
        distance: f32,
    },
    /// A face was seen but matches no consenting visitor of the organisation.
    Unknown,
    /// No usable face: the instruction to show ("move closer", "too dark", ...).
    Rejected {
        /// The instruction for the visitor, in plain English.
        reason: String,
    },
}

impl Frontdesk {
    /// The stored visitor descriptors of visitors who still consent, for the gallery.
    pub(crate) async fn visitor_face_entries(&self) -> Result<Vec<(i64, Uuid, Embedding)>> {
        let rows = sqlx::query(
            "SELECT f.rowid, f.owner_id, f.vector FROM face_embeddings f
             JOIN visitors v ON v.id = f.owner_id
             WHERE f.owner_kind = 'visitor' AND f.model_id = ? AND v.face_consent_at IS NOT NULL
               AND v.erased_at IS NULL",
        )
        .bind(EMBEDDER_MODEL_ID)
        .fetch_all(&self.pool)
        .await?;
        crate::faces::index_entries(rows)
    }

    /// Remembers a visitor's face from a kiosk frame or photo, with their consent (`consent` is the
    /// visitor's explicit answer). Stores the descriptor only, never the image.
    pub async fn remember_visitor_face(
        &self,
        actor: &Actor,
        visitor_id: Uuid,
        image: Vec<u8>,
        consent: bool,
    ) -> Result<()> {
        actor.require(Permission::SignVisitors)?;
        if !consent {
            return Err(Error::validation(
                "consent",
                "the visitor has to agree to be recognised next time",
            ));
        }
        let known: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT erased_at FROM visitors WHERE id = ? AND organisation_id = ?",
        )
        .bind(visitor_id)
        .bind(actor.organisation_id)
        .fetch_optional(&self.pool)
        .await?;
        match known {
            None => return Err(Error::NotFound { entity: "visitor" }),
            Some(Some(_)) => {
                return Err(Error::Conflict("this visitor's details were erased".into()));
            }
            Some(None) => {}
        }
        let service = self.face_service().await?;
        let Observed {
            embedding, quality, ..
        } = observe(service.clone(), image, Descriptor::MirrorAveraged, false)
            .await?
            .map_err(|reason| Error::validation("image", reason))?;

        let now = now_ms();
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        // Checked again under the write lock: the visitor may have been erased while the face
        // was being read.
        let consented = sqlx::query(
            "UPDATE visitors SET face_consent_at = COALESCE(face_consent_at, ?), updated_at = ?
             WHERE id = ? AND erased_at IS NULL",
        )
        .bind(now)
        .bind(now)
        .bind(visitor_id)
        .execute(&mut *tx)
        .await?;
        if consented.rows_affected() == 0 {
            return Err(Error::Conflict("this visitor's details were erased".into()));
        }
        let rowid: i64 = sqlx::query_scalar(
            "INSERT INTO face_embeddings (id, owner_kind, owner_id, face_image_id, model_id, dims, vector, quality, created_at)
             VALUES (?, 'visitor', ?, NULL, ?, ?, ?, ?, ?) RETURNING rowid",
        )
        .bind(new_id())
        .bind(visitor_id)
        .bind(EMBEDDER_MODEL_ID)
        .bind(embedding.as_slice().len() as i64)
        .bind(embedding.to_le_bytes())
        .bind(quality)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let dropped: Vec<i64> = sqlx::query_scalar(
            "DELETE FROM face_embeddings WHERE owner_kind = 'visitor' AND owner_id = ? AND rowid NOT IN
               (SELECT rowid FROM face_embeddings WHERE owner_kind = 'visitor' AND owner_id = ?
                ORDER BY created_at DESC, rowid DESC LIMIT ?)
             RETURNING rowid",
        )
        .bind(visitor_id)
        .bind(visitor_id)
        .bind(KEPT_PER_VISITOR)
        .fetch_all(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "visitor.face_remember",
            "visitor",
            Some(visitor_id),
            serde_json::json!({ "kept": KEPT_PER_VISITOR }),
        )
        .await?;
        tx.commit().await?;
        let mut index = service
            .visitors
            .write()
            .map_err(|_| Error::Internal("visitor face index lock poisoned".into()))?;
        for id in dropped {
            index.remove(id);
        }
        index.add(rowid, visitor_id, &embedding);
        Ok(())
    }

    /// Has this visitor been here before and asked to be recognised? Only name and company are
    /// returned: the kiosk is in a public lobby.
    pub async fn recognise_visitor(
        &self,
        actor: &Actor,
        image: Vec<u8>,
    ) -> Result<VisitorFaceResult> {
        actor.require(Permission::SignVisitors)?;
        let service = self.face_service().await?;
        let embedding = match observe(service.clone(), image, Descriptor::Single, false).await? {
            Ok(o) => o.embedding,
            Err(reason) => return Ok(VisitorFaceResult::Rejected { reason }),
        };
        let answer = service
            .visitors
            .read()
            .map_err(|_| Error::Internal("visitor face index lock poisoned".into()))?
            .identify(&embedding);
        let Identification::Match(m) = answer else {
            return Ok(VisitorFaceResult::Unknown);
        };
        let row = sqlx::query(
            "SELECT name, company FROM visitors WHERE id = ? AND organisation_id = ?
               AND face_consent_at IS NOT NULL AND erased_at IS NULL",
        )
        .bind(m.person)
        .bind(actor.organisation_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(VisitorFaceResult::Unknown);
        };
        let (site_id, _) = self.site_and_tz(actor, None).await?;
        let mut conn = self.pool.acquire().await?;
        let visitor = visitors::masked(
            &mut conn,
            site_id,
            m.person,
            &r.try_get::<String, _>("name")?,
            r.try_get::<Option<String>, _>("company")?.as_deref(),
        )
        .await?;
        Ok(VisitorFaceResult::Match {
            visitor,
            distance: m.distance,
        })
    }

    /// "Forget my face": removes the visitor's descriptors and consent at once. Returns how many
    /// descriptors were removed.
    pub async fn forget_visitor_face(&self, actor: &Actor, visitor_id: Uuid) -> Result<u32> {
        actor.require(Permission::SignVisitors)?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let found = sqlx::query(
            "UPDATE visitors SET face_consent_at = NULL, updated_at = ? WHERE id = ? AND organisation_id = ?",
        )
        .bind(now_ms())
        .bind(visitor_id)
        .bind(actor.organisation_id)
        .execute(&mut *tx)
        .await?;
        if found.rows_affected() == 0 {
            return Err(Error::NotFound { entity: "visitor" });
        }
        let removed = sqlx::query(
            "DELETE FROM face_embeddings WHERE owner_kind = 'visitor' AND owner_id = ?",
        )
        .bind(visitor_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        audit::record(
            &mut tx,
            actor,
            "visitor.face_forget",
            "visitor",
            Some(visitor_id),
            serde_json::json!({ "removed": removed }),
        )
        .await?;
        tx.commit().await?;
        if let Some(service) = self.faces.get()
            && let Ok(mut index) = service.visitors.write()
        {
            index.remove_person(visitor_id);
        }
        Ok(u32::try_from(removed).unwrap_or(u32::MAX))
    }
}
