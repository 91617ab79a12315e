//! The visitor's photo at the kiosk. The kiosk takes it from the live camera, as a head-and-
//! shoulders crop around the detected face, re-encoded as a fresh JPEG (no metadata). It waits in
//! memory until the sign-in that uses it commits; a photo nobody signs in with is gone after 15
//! minutes or when the app stops. A stored photo expires after the site's
//! `visitor_photo_retention_days`; [`Frontdesk::expire_photos`] deletes it and unlinks its visits.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use image::RgbImage;
use serde::Serialize;
use sqlx::SqliteConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::kiosk::camera::{FaceBox, data_url, jpeg};
use crate::people::auth::{Actor, ActorKind, Permission};
use crate::time::to_ms;
use crate::{Frontdesk, audit, new_id, now_ms, store};

/// A photo waits this long for the sign-in that uses it.
const PENDING_FOR: Duration = Duration::from_secs(15 * 60);
/// Most photos waiting at once (a kiosk takes one per visitor; retakes replace nothing).
const MAX_PENDING: usize = 16;
/// Stored photos are at most this many pixels tall (the badge prints them about 30 mm high).
const PHOTO_HEIGHT: u32 = 480;

/// A photo just taken, for the visitor to keep or retake.
#[derive(Debug, Clone, Serialize, TS)]
pub struct KioskPhoto {
    /// Send it as `photo_id` with the sign-in; valid for 15 minutes.
    pub id: Uuid,
    /// The photo as a `data:image/jpeg;base64,…` URL.
    pub jpeg: String,
    /// A face was found and the photo is cropped around it.
    pub face_found: bool,
}

/// A photo waiting for its sign-in: its id, when it was taken and its JPEG bytes.
type Waiting = (Uuid, Instant, Arc<Vec<u8>>);

/// Photos taken and not yet used by a sign-in.
#[derive(Default)]
pub(crate) struct PendingPhotos {
    taken: Mutex<Vec<Waiting>>,
}

impl PendingPhotos {
    fn put(&self, bytes: Vec<u8>) -> Uuid {
        let id = new_id();
        if let Ok(mut taken) = self.taken.lock() {
            taken.retain(|(_, at, _)| at.elapsed() < PENDING_FOR);
            if taken.len() >= MAX_PENDING {
                taken.remove(0);
            }
            taken.push((id, Instant::now(), Arc::new(bytes)));
        }
        id
    }

    /// The photo `id`, if it is still waiting.
    pub(crate) fn get(&self, id: Uuid) -> Option<Arc<Vec<u8>>> {
        let taken = self.taken.lock().ok()?;
        taken
            .iter()
            .find(|(i, at, _)| *i == id && at.elapsed() < PENDING_FOR)
            .map(|(_, _, b)| b.clone())
    }

    /// Forgets `id` (its sign-in committed).
    pub(crate) fn remove(&self, id: Uuid) {
        if let Ok(mut taken) = self.taken.lock() {
            taken.retain(|(i, _, _)| *i != id);
        }
    }
}

/// A 3:4 head-and-shoulders crop around `face` (fractions of the frame), or the frame's centre
/// when no face was found, scaled to at most [`PHOTO_HEIGHT`] pixels tall.
pub(crate) fn portrait(image: &RgbImage, face: Option<FaceBox>) -> RgbImage {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let (cx, cy, crop_h) = match face {
        // The face fills about half the photo's height, a little above its middle.
        Some(f) => (
            (f.x + f.width / 2.0) * w,
            (f.y + f.height * 0.55) * h,
            f.height * h * 2.2,
        ),
        None => (w / 2.0, h / 2.0, h),
    };
    let crop_h = crop_h.min(h).min(w * 4.0 / 3.0).max(8.0);
    let crop_w = crop_h * 3.0 / 4.0;
    let x = (cx - crop_w / 2.0).clamp(0.0, (w - crop_w).max(0.0));
    let y = (cy - crop_h / 2.0).clamp(0.0, (h - crop_h).max(0.0));
    let cropped =
        image::imageops::crop_imm(image, x as u32, y as u32, crop_w as u32, crop_h as u32)
            .to_image();
    if cropped.height() <= PHOTO_HEIGHT {
        return cropped;
    }
    let scale = PHOTO_HEIGHT as f32 / cropped.height() as f32;
    let nw = ((cropped.width() as f32 * scale).round() as u32).max(1);
    image::imageops::resize(
        &cropped,
        nw,
        PHOTO_HEIGHT,
        image::imageops::FilterType::Triangle,
    )
}

/// Stores the waiting photo `photo_id` as `visitor_id`'s, expiring after the site's retention,
/// and returns its id for the visit; a validation error on `photo_id` when it is no longer waiting.
pub(crate) async fn store_pending(
    conn: &mut SqliteConnection,
    pending: &PendingPhotos,
    photo_id: Uuid,
    visitor_id: Uuid,
    retention_days: u32,
) -> Result<Uuid> {
    let Some(bytes) = pending.get(photo_id) else {
        return Err(Error::validation(
            "photo_id",
            "the photo is no longer available; take it again",
        ));
    };
    let now = now_ms();
    let expires = now + i64::from(retention_days) * 86_400_000;
    sqlx::query(
        "INSERT INTO photos (id, owner_kind, owner_id, mime, bytes, taken_at, expires_at)
         VALUES (?, 'visitor', ?, 'image/jpeg', ?, ?, ?)",
    )
    .bind(photo_id)
    .bind(visitor_id)
    .bind(bytes.as_slice())
    .bind(now)
    .bind(expires)
    .execute(&mut *conn)
    .await?;
    Ok(photo_id)
}

/// The newest kept (unexpired) photo of a visitor, for a returning visitor's sign-in.
pub(crate) async fn latest_of_visitor(
    conn: &mut SqliteConnection,
    visitor_id: Uuid,
) -> Result<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM photos WHERE owner_kind = 'visitor' AND owner_id = ?
            AND (expires_at IS NULL OR expires_at > ?)
         ORDER BY taken_at DESC LIMIT 1",
    )
    .bind(visitor_id)
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?)
}

/// The photo of a visit, if it has one (it may have expired).
pub(crate) async fn of_visit(
    conn: &mut SqliteConnection,
    visit_id: Uuid,
) -> Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar(
        "SELECT p.bytes FROM visits v JOIN photos p ON p.id = v.photo_id WHERE v.id = ?",
    )
    .bind(visit_id)
    .fetch_optional(&mut *conn)
    .await?)
}

impl Frontdesk {
    /// Takes the visitor's photo from the kiosk camera's newest frame, cropped around the face the
    /// camera sees. It is kept (in memory) for 15 minutes for the sign-in that names it; a retake
    /// is just another photo. [`Error::Conflict`] when there is no camera.
    pub async fn kiosk_take_photo(&self, actor: &Actor) -> Result<KioskPhoto> {
        actor.require(Permission::SignVisitors)?;
        self.camera_snapshot(actor).await?;
        // The kiosk asks once the face is ready, so analysis is usually done; a first frame waits
        // (up to a second) for it, then the photo is the frame's centre.
        let deadline = Instant::now() + Duration::from_secs(1);
        let (image, face) = loop {
            match self.camera.newest() {
                Some((image, Some(face))) => break (image, face),
                Some((image, None)) if Instant::now() >= deadline => break (image, None),
                None if Instant::now() >= deadline => {
                    return Err(Error::Conflict("the camera sent no picture".into()));
                }
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        };
        let photo = portrait(&image, face);
        let bytes = jpeg(&photo).ok_or_else(|| Error::Internal("photo encoding".into()))?;
        let jpeg = data_url(&bytes);
        let id = self.photos.put(bytes);
        Ok(KioskPhoto {
            id,
            jpeg,
            face_found: face.is_some(),
        })
    }

    /// The photo taken when the visitor signed in, as a `data:image/jpeg;base64,…` URL; `None`
    /// when none was taken or it expired. Needs the view-visits permission.
    pub async fn visit_photo(&self, actor: &Actor, visit_id: Uuid) -> Result<Option<String>> {
        actor.require(Permission::ViewVisits)?;
        self.visit_in_org(actor, visit_id).await?;
        let mut conn = self.pool.acquire().await?;
        Ok(of_visit(&mut conn, visit_id).await?.map(|b| data_url(&b)))
    }

    /// Deletes every photo past its expiry (set from the site's `visitor_photo_retention_days` when
    /// it was taken) and unlinks it from its visits, in one transaction audited with the count
    /// (`retention.photos`, by the system), and clears review snapshots past theirs
    /// (`retention.review_snapshots`). Returns how many of both; safe to run often.
    pub async fn expire_photos(&self, now: DateTime<Utc>) -> Result<u64> {
        let now = to_ms(now);
        let snapshots = self.expire_review_snapshots(now).await?;
        // (`expires_at <= ?` skips photos without an expiry: NULL compares as unknown.)
        // Most minutes nothing has expired: find that out without taking the write lock.
        let any: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM photos WHERE expires_at <= ?1 LIMIT 1")
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
        if any.is_none() {
            return Ok(snapshots);
        }
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let by_org: Vec<(Option<Uuid>, i64)> = sqlx::query_as(
            "SELECT COALESCE(vr.organisation_id, e.organisation_id), COUNT(*)
             FROM photos p
             LEFT JOIN visitors vr ON p.owner_kind = 'visitor' AND vr.id = p.owner_id
             LEFT JOIN employees e ON p.owner_kind = 'employee' AND e.id = p.owner_id
             WHERE p.expires_at <= ?1 GROUP BY 1",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE visits SET photo_id = NULL, updated_at = ?1
             WHERE photo_id IN (SELECT id FROM photos WHERE expires_at <= ?1)",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let deleted = sqlx::query("DELETE FROM photos WHERE expires_at <= ?1")
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        for (organisation_id, count) in by_org {
            let Some(organisation_id) = organisation_id else {
                continue; // a photo whose owner is gone: deleted, with nobody to audit it for
            };
            self.audit_retention(
                &mut tx,
                organisation_id,
                "retention.photos",
                "photo",
                "deleted",
                count,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(deleted + snapshots)
    }

    /// One retention run's audit row for an organisation, by the system: `{what: count}`.
    async fn audit_retention(
        &self,
        tx: &mut SqliteConnection,
        organisation_id: Uuid,
        action: &str,
        entity: &str,
        what: &str,
        count: i64,
    ) -> Result<()> {
        let system = Actor::system("Retention", organisation_id, self.device_id);
        let mut detail = serde_json::Map::new();
        detail.insert(what.into(), count.into());
        audit::record(tx, &system, action, entity, None, detail.into()).await
    }

    /// Clears review snapshots past their expiry, audited per organisation
    /// (`retention.review_snapshots`); returns how many.
    async fn expire_review_snapshots(&self, now: i64) -> Result<u64> {
        let any: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM review_events WHERE snapshot_expires_at <= ?1 LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if any.is_none() {
            return Ok(0);
        }
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let by_org: Vec<(Uuid, i64)> = sqlx::query_as(
            "SELECT s.organisation_id, COUNT(*) FROM review_events r JOIN sites s ON s.id = r.site_id
             WHERE r.snapshot_expires_at <= ?1 GROUP BY 1",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let cleared = sqlx::query(
            "UPDATE review_events SET snapshot = NULL, snapshot_expires_at = NULL
             WHERE snapshot_expires_at <= ?1",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        for (organisation_id, count) in by_org {
            self.audit_retention(
                &mut tx,
                organisation_id,
                "retention.review_snapshots",
                "review_event",
                "cleared",
                count,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(cleared)
    }
}

/// A sign-in that used a waiting photo: the photo is now stored, so it stops waiting.
pub(crate) fn used(pending: &PendingPhotos, photo_id: Option<Uuid>) {
    if let Some(id) = photo_id {
        pending.remove(id);
    }
}

/// Whether the kiosk must have a photo for this sign-in (`kiosk_photo` is required).
pub(crate) fn required(actor: &Actor, rule: crate::site::settings::FieldRule) -> bool {
    matches!(actor.kind, ActorKind::Kiosk)
        && matches!(rule, crate::site::settings::FieldRule::Required)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn the_portrait_is_three_by_four_around_the_face_and_inside_the_frame() {
        let frame = RgbImage::from_pixel(640, 480, Rgb([10, 20, 30]));
        let face = FaceBox {
            x: 0.8,
            y: 0.1,
            width: 0.15,
            height: 0.2,
        };
        let p = portrait(&frame, Some(face));
        assert_eq!(p.height(), (0.2f32 * 480.0 * 2.2) as u32);
        let ratio = p.width() as f32 / p.height() as f32;
        assert!((ratio - 0.75).abs() < 0.01, "3:4, got {ratio}");
        let centred = portrait(&frame, None);
        assert_eq!((centred.width(), centred.height()), (360, 480));
    }

    #[test]
    fn a_photo_waits_until_used_and_no_longer() {
        let pending = PendingPhotos::default();
        let id = pending.put(vec![1, 2, 3]);
        assert_eq!(pending.get(id).as_deref(), Some(&vec![1, 2, 3]));
        used(&pending, Some(id));
        assert!(pending.get(id).is_none());
        let ids: Vec<Uuid> = (0..MAX_PENDING + 1)
            .map(|i| pending.put(vec![i as u8]))
            .collect();
        assert!(pending.get(ids[0]).is_none(), "the oldest makes room");
        assert!(pending.get(ids[MAX_PENDING]).is_some());
    }
}
