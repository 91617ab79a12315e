//! Face enrolment and identification for the clock-in camera. The face engine (models, quality
//! gates, matching) lives in `frontdesk-vision`; here its results meet the database: embeddings
//! are stored in SQLite with the employee's consent, and the search index is a cache rebuilt
//! (or reloaded) from them the first time a face is needed.

pub mod calibration;
pub mod review;
pub mod walkup;

use std::sync::{Arc, RwLock};

use frontdesk_vision::enrol::{EnrolmentInput, EnrolmentMode, ImageRejection};
use frontdesk_vision::{
    Descriptor, EMBEDDER_MODEL_ID, EnrolmentPolicy, EnrolmentWarning, FaceEngine, FaceIndex,
    FrameAnalysis, Identification, IndexConfig, VERIFY_THRESHOLD,
};
use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::attendance::AttendanceSource;
use crate::attendance::clock::ClockResult;
use crate::error::{Error, Result, Rule};
use crate::people::auth::{Actor, Permission};
use crate::site::settings::AntiSpoofMode;
use crate::{Frontdesk, audit, new_id, now_ms};

/// Most images one enrolment request may carry, and the largest of them.
const MAX_IMAGES: usize = 10;
const MAX_IMAGE_BYTES: usize = 25 * 1024 * 1024;

/// The loaded models, the gallery of enrolled employees and, apart from it, the faces of visitors
/// who asked to be recognised on return (see [`crate::visits::visitor_faces`]).
pub struct FaceService {
    pub(crate) engine: FaceEngine,
    /// The presentation-attack check for the clock-in camera.
    pub(crate) antispoof: frontdesk_vision::AntiSpoof,
    index: RwLock<FaceIndex>,
    /// What the employee gallery in the database looked like when `index` was last loaded
    /// (count and largest rowid), to notice enrolments made by another process (the CLI).
    stamp: std::sync::Mutex<(i64, i64)>,
    pub(crate) visitors: RwLock<FaceIndex>,
}

/// What became of an enrolment request.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EnrolmentReport {
    /// False when too few good images were given: nothing was stored.
    pub stored: bool,
    /// How many images passed the quality gates.
    pub accepted: u32,
    /// The images that did not, with why.
    pub rejected: Vec<ImageProblem>,
    /// E.g. "image 2 looks like Ann Smith, who is already enrolled".
    pub warnings: Vec<String>,
}

/// One enrolment image that was not used.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImageProblem {
    /// 0-based position of the image in the request.
    pub image: u32,
    /// What to do differently, in plain words ("move closer", "too dark").
    pub reason: String,
}

/// The answer at the clock-in camera. Never the nearest person by force.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaceResult {
    /// An enrolled, consenting employee, close enough under the identification threshold.
    Match {
        /// Who it is.
        employee_id: Uuid,
        /// Their display name, for the greeting.
        name: String,
        /// Descriptor distance to their gallery (smaller is closer).
        distance: f32,
    },
    /// A face, but nobody enrolled close enough: never clocks anyone.
    Unknown,
    /// At the clock-in camera: the face looks like a photo or a screen held to the camera, so
    /// nobody is clocked (with the site's anti-spoof check on `block`) and staff review it.
    PossibleSpoof {
        /// The live score (0 to 1) the check gave, below the site's threshold.
        live: f32,
    },
    /// No usable face: the instruction to show ("move closer", "too dark", ...).
    Rejected {
        /// The instruction, in plain words.
        reason: String,
    },
}

fn sniff_mime(bytes: &[u8]) -> &'static str {
    match bytes {
        [0xFF, 0xD8, ..] => "image/jpeg",
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "image/webp",
        [b'B', b'M', ..] => "image/bmp",
        _ => "application/octet-stream",
    }
}

fn rejection_text(r: &ImageRejection) -> String {
    match r {
        ImageRejection::Unreadable(m) => format!("unreadable image: {m}"),
        ImageRejection::Quality(q) => q.message().to_string(),
        ImageRejection::NearDuplicate { .. } => "almost the same as another image".into(),
        ImageRejection::Surplus => "not needed: enough better images".into(),
    }
}

/// Index entries from rows of `rowid, owner_id, vector` (an unreadable vector is skipped, logged).
pub(crate) fn index_entries(
    rows: Vec<sqlx::sqlite::SqliteRow>,
) -> Result<Vec<(i64, Uuid, frontdesk_vision::Embedding)>> {
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let vector: Vec<u8> = r.try_get("vector")?;
        match frontdesk_vision::Embedding::from_le_bytes(&vector) {
            Ok(e) => entries.push((r.try_get::<i64, _>("rowid")?, r.try_get("owner_id")?, e)),
            Err(e) => tracing::warn!("skipping unreadable stored embedding: {e}"),
        }
    }
    Ok(entries)
}

fn blocking_error(e: tokio::task::JoinError) -> Error {
    Error::Internal(format!("face engine task failed: {e}"))
}

/// Photos a window uploads (base64, or `data:…;base64,` URLs), decoded for
/// [`Frontdesk::enrol_employee_faces`]; text that is not base64 is a validation error on `images`.
pub fn decode_uploads(images: &[String]) -> Result<Vec<Vec<u8>>> {
    use base64::Engine as _;
    images
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let body = match text.split_once(";base64,") {
                Some((_, b)) => b,
                None => text.as_str(),
            };
            base64::engine::general_purpose::STANDARD
                .decode(body.trim())
                .map_err(|_| {
                    Error::validation("images", format!("image {i} is not a readable upload"))
                })
        })
        .collect()
}

/// Days a review event keeps its snapshot of the face (then retention clears it).
pub const REVIEW_SNAPSHOT_DAYS: u32 = 30;

/// A review event to open: `kind` is unknown_face, low_confidence or possible_spoof;
/// `employee_id` whom the face resembled; `snapshot` a JPEG crop of the face.
pub(crate) struct Review {
    pub(crate) kind: &'static str,
    pub(crate) employee_id: Option<Uuid>,
    pub(crate) distance: Option<f32>,
    pub(crate) note: Option<String>,
    pub(crate) snapshot: Option<Vec<u8>>,
}

impl Review {
    pub(crate) fn new(
        kind: &'static str,
        employee_id: Option<Uuid>,
        distance: Option<f32>,
        note: Option<String>,
    ) -> Self {
        Self {
            kind,
            employee_id,
            distance,
            note,
            snapshot: None,
        }
    }

    pub(crate) fn with_snapshot(mut self, snapshot: Option<Vec<u8>>) -> Self {
        self.snapshot = snapshot;
        self
    }
}

/// What [`observe`] found in an image.
pub(crate) struct Observed {
    pub(crate) embedding: frontdesk_vision::Embedding,
    /// The face's quality score.
    pub(crate) quality: f32,
    /// The anti-spoof live score of the same face, when asked for.
    pub(crate) live: Option<f32>,
}

/// A face descriptor from an image, or the kiosk message saying why there is none.
/// `descriptor`: [`Descriptor::MirrorAveraged`] for images that go into a gallery,
/// [`Descriptor::Single`] for a probe. With `liveness`, the anti-spoof check runs on the same
/// decoded frame and face (the clock-in camera), so nothing is decoded or detected twice.
pub(crate) async fn observe(
    service: std::sync::Arc<FaceService>,
    image: Vec<u8>,
    descriptor: Descriptor,
    liveness: bool,
) -> Result<std::result::Result<Observed, String>> {
    if image.len() > MAX_IMAGE_BYTES {
        return Err(Error::invalid_because(
            "image",
            Rule::TooLarge,
            "the image is larger than 25 MB",
        ));
    }
    tokio::task::spawn_blocking(move || {
        let frame = match frontdesk_vision::image_io::decode(&image) {
            Ok(f) => f,
            Err(e) => return Err(format!("unreadable image: {e}")),
        };
        match service.engine.observe_with(&frame, descriptor) {
            Ok(FrameAnalysis::Accepted(obs)) => {
                let live = match liveness {
                    true => match service.antispoof.check(&frame, &obs.face.bbox) {
                        Ok(l) => Some(l.live),
                        Err(e) => return Err(format!("unreadable image: {e}")),
                    },
                    false => None,
                };
                Ok(Observed {
                    embedding: obs.embedding,
                    quality: obs.quality.score,
                    live,
                })
            }
            Ok(FrameAnalysis::Rejected { reason, .. }) => Err(reason.message().to_string()),
            Err(e) => Err(format!("unreadable image: {e}")),
        }
    })
    .await
    .map_err(blocking_error)
}

impl Frontdesk {
    /// The face engine and gallery, loaded on first use (models from the binary, embeddings
    /// from SQLite, the HNSW graph from the cache folder when it is still valid).
    pub async fn face_service(&self) -> Result<Arc<FaceService>> {
        self.faces
            .get_or_try_init(|| async {
                let visitors = self.visitor_face_entries().await?;
                let stamp = self.gallery_stamp().await?;
                let entries = self.employee_face_entries().await?;
                let cache = self.data_dir.cache_dir().join("face-index");
                let service = tokio::task::spawn_blocking(move || -> Result<FaceService> {
                    let engine = FaceEngine::with_defaults()
                        .map_err(|e| Error::Internal(format!("loading face models: {e}")))?;
                    let (index, _) = FaceIndex::open(entries, IndexConfig::default(), &cache)
                        .map_err(|e| Error::Internal(format!("opening the face index: {e}")))?;
                    let antispoof =
                        frontdesk_vision::AntiSpoof::load(&frontdesk_vision::ModelSource::Embedded)
                            .map_err(|e| {
                                Error::Internal(format!("loading anti-spoof models: {e}"))
                            })?;
                    Ok(FaceService {
                        engine,
                        antispoof,
                        stamp: std::sync::Mutex::new(stamp),
                        index: RwLock::new(index),
                        visitors: RwLock::new(FaceIndex::build(visitors, IndexConfig::default())),
                    })
                })
                .await
                .map_err(blocking_error)??;
                Ok(Arc::new(service))
            })
            .await
            .cloned()
    }

    /// The employees' stored embeddings for this model, as index entries.
    async fn employee_face_entries(&self) -> Result<Vec<(i64, Uuid, frontdesk_vision::Embedding)>> {
        let rows = sqlx::query(
            "SELECT f.rowid, f.owner_id, f.vector FROM face_embeddings f
             JOIN employees e ON e.id = f.owner_id
             WHERE f.owner_kind = 'employee' AND f.model_id = ? AND e.active = 1 AND e.face_consent = 1",
        )
        .bind(EMBEDDER_MODEL_ID)
        .fetch_all(&self.pool)
        .await?;
        index_entries(rows)
    }

    async fn gallery_stamp(&self) -> Result<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM face_embeddings WHERE owner_kind = 'employee'",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// The face service with the employee gallery as the database holds it now: enrolments and
    /// erasures made by another process (the CLI, a second window's process) are picked up
    /// before the next identification. One small query when nothing changed.
    pub(crate) async fn fresh_face_service(&self) -> Result<Arc<FaceService>> {
        let service = self.face_service().await?;
        let stamp = self.gallery_stamp().await?;
        let known = service.stamp.lock().map(|s| *s).unwrap_or((-1, -1));
        if stamp != known {
            let entries = self.employee_face_entries().await?;
            let rebuilt = tokio::task::spawn_blocking(move || {
                FaceIndex::build(entries, IndexConfig::default())
            })
            .await
            .map_err(blocking_error)?;
            if let (Ok(mut index), Ok(mut s)) = (service.index.write(), service.stamp.lock()) {
                *index = rebuilt;
                *s = stamp;
            }
        }
        Ok(service)
    }

    /// Enrols (or re-enrols, replacing the old images) an employee's face from 3–5 good photos
    /// or camera frames. Requires the employee's recorded consent.
    pub async fn enrol_employee_faces(
        &self,
        actor: &Actor,
        employee_id: Uuid,
        images: Vec<Vec<u8>>,
    ) -> Result<EnrolmentReport> {
        actor.require(Permission::ManageEmployees)?;
        if images.is_empty() || images.len() > MAX_IMAGES {
            return Err(Error::validation(
                "images",
                format!("give 3 to {MAX_IMAGES} images"),
            ));
        }
        if let Some(i) = images.iter().position(|b| b.len() > MAX_IMAGE_BYTES) {
            return Err(Error::invalid_because(
                "images",
                Rule::TooLarge,
                format!("image {i} is larger than 25 MB"),
            ));
        }
        let row = sqlx::query(
            "SELECT name, active, face_consent FROM employees WHERE id = ? AND organisation_id = ?",
        )
        .bind(employee_id)
        .bind(actor.organisation_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound { entity: "employee" })?;
        let name: String = row.try_get("name")?;
        if !row.try_get::<bool, _>("face_consent")? {
            return Err(Error::Conflict(format!(
                "{name} has not consented to face recognition; record their consent first"
            )));
        }
        if !row.try_get::<bool, _>("active")? {
            return Err(Error::Conflict(format!("{name} is no longer active")));
        }
        let service = self.face_service().await?;
        let inputs: Vec<EnrolmentInput> =
            images.iter().cloned().map(EnrolmentInput::Bytes).collect();
        let svc = service.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let index = svc
                .index
                .read()
                .map_err(|_| Error::Internal("face index lock poisoned".into()))?;
            Ok::<_, Error>(frontdesk_vision::enrol::enrol(
                &svc.engine,
                employee_id,
                &inputs,
                &index,
                EnrolmentMode::Replace,
                &EnrolmentPolicy::default(),
            ))
        })
        .await
        .map_err(blocking_error)??;

        let mut warnings = Vec::new();
        for w in &outcome.warnings {
            match w {
                EnrolmentWarning::DuplicateIdentity {
                    image,
                    other_person,
                    distance,
                } => {
                    let other: Option<String> =
                        sqlx::query_scalar("SELECT name FROM employees WHERE id = ?")
                            .bind(other_person)
                            .fetch_optional(&self.pool)
                            .await?;
                    warnings.push(format!(
                        "image {image} looks like {}, who is already enrolled (distance {distance:.2}); check before relying on it",
                        other.unwrap_or_else(|| "another person".into())
                    ));
                }
                EnrolmentWarning::NotEnoughImages { accepted, required } => warnings.push(format!(
                    "only {accepted} usable image(s); at least {required} are needed"
                )),
            }
        }
        let rejected: Vec<ImageProblem> = outcome
            .rejected
            .iter()
            .map(|(i, r)| ImageProblem {
                image: *i as u32,
                reason: rejection_text(r),
            })
            .collect();
        if !outcome.is_complete() {
            return Ok(EnrolmentReport {
                stored: false,
                accepted: 0,
                rejected,
                warnings,
            });
        }

        let now = now_ms();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM face_embeddings WHERE owner_kind = 'employee' AND owner_id = ?")
            .bind(employee_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM face_images WHERE owner_kind = 'employee' AND owner_id = ?")
            .bind(employee_id)
            .execute(&mut *tx)
            .await?;
        let mut entries = Vec::new();
        for a in &outcome.accepted {
            let bytes = images.get(a.image).cloned().unwrap_or_default();
            let image_id = new_id();
            sqlx::query(
                "INSERT INTO face_images (id, owner_kind, owner_id, mime, bytes, quality, created_by, created_at)
                 VALUES (?, 'employee', ?, ?, ?, ?, ?, ?)",
            )
            .bind(image_id)
            .bind(employee_id)
            .bind(sniff_mime(&bytes))
            .bind(&bytes)
            .bind(a.observation.quality.score)
            .bind(actor.staff_id())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let e = &a.observation.embedding;
            let rowid: i64 = sqlx::query_scalar(
                "INSERT INTO face_embeddings (id, owner_kind, owner_id, face_image_id, model_id, dims, vector, quality, created_at)
                 VALUES (?, 'employee', ?, ?, ?, ?, ?, ?, ?) RETURNING rowid",
            )
            .bind(new_id())
            .bind(employee_id)
            .bind(image_id)
            .bind(EMBEDDER_MODEL_ID)
            .bind(e.as_slice().len() as i64)
            .bind(e.to_le_bytes())
            .bind(a.observation.quality.score)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            entries.push((rowid, e.clone()));
        }
        audit::record(
            &mut tx,
            actor,
            "face.enrol",
            "employee",
            Some(employee_id),
            serde_json::json!({ "images": entries.len(), "rejected": rejected.len(), "warnings": warnings.len() }),
        )
        .await?;
        tx.commit().await?;
        if let Ok(mut index) = service.index.write() {
            index.replace_person(employee_id, &entries);
        }
        Ok(EnrolmentReport {
            stored: true,
            accepted: entries.len() as u32,
            rejected,
            warnings,
        })
    }

    /// Takes an employee out of the live gallery (their templates are already deleted).
    pub(crate) fn forget_face_in_index(&self, employee_id: Uuid) {
        if let Some(service) = self.faces.get()
            && let Ok(mut index) = service.index.write()
        {
            index.remove_person(employee_id);
        }
    }

    /// Removes an employee's face images, embeddings and index entries (consent withdrawn or
    /// erasure request). Takes effect at once.
    pub async fn erase_employee_faces(&self, actor: &Actor, employee_id: Uuid) -> Result<u32> {
        actor.require(Permission::EraseData)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let removed = sqlx::query(
            "DELETE FROM face_embeddings WHERE owner_kind = 'employee' AND owner_id = ?",
        )
        .bind(employee_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM face_images WHERE owner_kind = 'employee' AND owner_id = ?")
            .bind(employee_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE employees SET face_consent = 0, face_consent_at = NULL, updated_at = ? WHERE id = ?")
            .bind(now_ms())
            .bind(employee_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "face.erase",
            "employee",
            Some(employee_id),
            serde_json::json!({ "embeddings": removed }),
        )
        .await?;
        tx.commit().await?;
        self.forget_face_in_index(employee_id);
        Ok(removed as u32)
    }

    /// Who is in this camera frame or photo? Unknown faces open a review event.
    pub async fn identify_face(&self, actor: &Actor, image: Vec<u8>) -> Result<FaceResult> {
        Ok(self.identify(actor, image, false).await?.0)
    }

    /// [`Frontdesk::identify_face`], with the anti-spoof live score of the face when `liveness`.
    async fn identify(
        &self,
        actor: &Actor,
        image: Vec<u8>,
        liveness: bool,
    ) -> Result<(FaceResult, Option<f32>)> {
        actor.require(Permission::RecordAttendance)?;
        let service = self.fresh_face_service().await?;
        let (answer, live) =
            match observe(service.clone(), image, Descriptor::Single, liveness).await? {
                Ok(o) => (
                    Ok(service
                        .index
                        .read()
                        .map_err(|_| Error::Internal("face index lock poisoned".into()))?
                        .identify(&o.embedding)),
                    o.live,
                ),
                Err(reason) => (Err(reason), None),
            };
        let result = match answer {
            Err(reason) => FaceResult::Rejected { reason },
            Ok(Identification::Match(m)) => {
                let name: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM employees WHERE id = ? AND organisation_id = ? AND active = 1",
                )
                .bind(m.person)
                .bind(actor.organisation_id)
                .fetch_optional(&self.pool)
                .await?;
                match name {
                    Some(name) => FaceResult::Match {
                        employee_id: m.person,
                        name,
                        distance: m.distance,
                    },
                    None => FaceResult::Unknown,
                }
            }
            Ok(Identification::Unknown { nearest }) => {
                self.open_review(
                    actor,
                    Review::new("unknown_face", None, nearest.map(|n| n.distance), None),
                )
                .await?;
                FaceResult::Unknown
            }
            Ok(Identification::Uncertain { nearest, ratio }) => {
                // Close to someone, but no closer than to others: staff see who it resembled.
                let note = format!("resembles an enrolled employee (ratio {ratio:.2})");
                self.open_review(
                    actor,
                    Review::new(
                        "low_confidence",
                        Some(nearest.person),
                        Some(nearest.distance),
                        Some(note),
                    ),
                )
                .await?;
                FaceResult::Unknown
            }
        };
        Ok((result, live))
    }

    /// Opens a review event at the actor's site; its snapshot, if any, is cleared after
    /// [`REVIEW_SNAPSHOT_DAYS`] by retention ([`Frontdesk::expire_photos`]).
    pub(crate) async fn open_review(&self, actor: &Actor, review: Review) -> Result<()> {
        let site = self.site_and_tz(actor, None).await?.0;
        let now = now_ms();
        let expires = review
            .snapshot
            .as_ref()
            .map(|_| now + i64::from(REVIEW_SNAPSHOT_DAYS) * 86_400_000);
        sqlx::query(
            "INSERT INTO review_events (id, site_id, kind, employee_id, distance, note, device_id,
                 snapshot, snapshot_expires_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(new_id())
        .bind(site)
        .bind(review.kind)
        .bind(review.employee_id)
        .bind(review.distance)
        .bind(review.note)
        .bind(self.device_id)
        .bind(review.snapshot)
        .bind(expires)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Clock-in camera: identify the face and record IN/OUT (toggle) for the match, as a face
    /// event with its confidence ([`crate::attendance::clock`]; a repeat within the site's
    /// duplicate window is not recorded again). With the site's anti-spoof check on, a face whose
    /// live score is under `anti_spoof_threshold` opens a `possible_spoof` review; on `block` it
    /// clocks nobody ([`FaceResult::PossibleSpoof`]).
    pub async fn clock_by_face(
        &self,
        actor: &Actor,
        image: Vec<u8>,
    ) -> Result<(FaceResult, Option<ClockResult>)> {
        actor.require(Permission::RecordAttendance)?;
        let (site_id, _) = self.site_and_tz(actor, None).await?;
        let settings = self.settings(actor, site_id).await?;
        let (result, live) = self
            .identify(actor, image, settings.anti_spoof != AntiSpoofMode::Off)
            .await?;
        let FaceResult::Match {
            employee_id,
            distance,
            ..
        } = &result
        else {
            return Ok((result, None));
        };
        if let Some(score) = live.filter(|s| *s < settings.anti_spoof_threshold) {
            self.open_review(
                actor,
                Review::new(
                    "possible_spoof",
                    Some(*employee_id),
                    Some(*distance),
                    Some(format!("live score {score:.2}")),
                ),
            )
            .await?;
            tracing::warn!(employee = %employee_id, live = score, "possible spoof at the clock-in camera");
            if settings.anti_spoof == AntiSpoofMode::Block {
                return Ok((FaceResult::PossibleSpoof { live: score }, None));
            }
        }
        let confidence = (1.0 - distance / VERIFY_THRESHOLD).clamp(0.0, 1.0);
        let clocked = self
            .clock(
                actor,
                *employee_id,
                AttendanceSource::Face,
                Some(confidence),
            )
            .await?;
        Ok((result, Some(clocked)))
    }
}
