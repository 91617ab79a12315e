//! Walk-up clock-in: the kiosk camera's frames, one after another, until several agree on one
//! enrolled employee ([`frontdesk_vision::Agreement`]). The window asks in a loop while its
//! clock-in screen shows; each answer is about the newest frame it has not seen. The anti-spoof
//! check runs on every frame of the walk-up and is judged on the agreeing frames together.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use frontdesk_vision::{Agreement, Descriptor, Evidence, FrameAnalysis, Identification};
use serde::Serialize;
use ts_rs::TS;

use super::Review;
use crate::Frontdesk;
use crate::attendance::AttendanceSource;
use crate::attendance::clock::ClockResult;
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::site::settings::AntiSpoofMode;

/// Frames with a face but nobody agreed before the walk-up counts as "not recognised".
const NOT_RECOGNISED_AFTER: u32 = 8;
/// How many more frames a walk-up judged a photo or a screen stays refused while a face stays in
/// view (counted in frames, so a loaded PC holds as long, not shorter).
const SPOOF_HOLD: u32 = 15;
/// A window that did not ask for this long closed its clock-in screen: the next request starts a
/// new walk-up.
const NEW_WALK_UP_AFTER: Duration = Duration::from_secs(3);
/// A walk-up ends when no usable face was seen for this long.
const GONE_AFTER: Duration = Duration::from_millis(1_500);

/// What the clock-in camera sees now.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WalkUp {
    /// Nobody usable in front of the camera.
    Waiting,
    /// A face, not yet recognised: frames are being compared.
    Looking,
    /// Recognised and clocked (or, within the site's repeat window, the earlier clocking).
    Clocked {
        /// What was recorded.
        clock: ClockResult,
        /// From the first frame with this face to the decision, in milliseconds.
        latency_ms: u32,
    },
    /// Several frames and nobody recognised (sent to review once): the employee uses their PIN.
    NotRecognised,
    /// The face looks like a photo or a screen held to the camera: nobody was clocked.
    PossibleSpoof {
        /// The mean live score of the agreeing frames (0 to 1).
        live: f32,
    },
    /// No camera: the employee uses their PIN.
    NoCamera,
}

/// One walk-up in front of this kiosk's camera.
#[derive(Default)]
pub(crate) struct WalkUps {
    track: Mutex<Track>,
}

#[derive(Default)]
struct Track {
    agreement: Agreement,
    /// The newest camera frame analysed.
    seen: u64,
    first_face: Option<Instant>,
    last_face: Option<Instant>,
    frames: u32,
    /// Live scores of the frames in the walk-up, newest last.
    lives: Vec<f32>,
    reported: bool,
    /// This walk-up was judged a photo or a screen (frames still to refuse, and its live score):
    /// it stays refused, without another review, for [`SPOOF_HOLD`] more frames or until the face
    /// leaves.
    spoofed: Option<(u32, f32)>,
    /// When the window last asked: a window that stopped asking for a while starts a new walk-up.
    last_call: Option<Instant>,
}

impl Track {
    fn reset(&mut self) {
        let seen = self.seen;
        *self = Track::default();
        self.seen = seen;
    }
}

/// Where a walk-up stands after one more frame.
enum Step {
    /// Frames do not agree yet; `report` the walk-up to review now (once), `reported` already.
    Undecided { report: bool, reported: bool },
    /// Already refused as a possible spoof, with this live score.
    Refused { live: f32 },
    /// Agreed on one person: the mean live score of the agreeing frames, and the time taken.
    Agreed {
        agreed: frontdesk_vision::Match,
        live: Option<f32>,
        latency_ms: u32,
    },
}

impl WalkUps {
    /// Adds one analysed frame (`index` in the camera's stream) to the walk-up.
    fn note(&self, index: u64, outcome: &FrameOutcome) -> Result<Step> {
        let mut track = self
            .track
            .lock()
            .map_err(|_| Error::Internal("walk-up state lost".into()))?;
        track.seen = track.seen.max(index);
        let now = Instant::now();
        let first = *track.first_face.get_or_insert(now);
        track.last_face = Some(now);
        track.frames += 1;
        if let Some(live) = outcome.live {
            track.lives.push(live);
        }
        if let Some((left, live)) = track.spoofed {
            track.spoofed = (left > 1).then_some((left - 1, live));
            return Ok(Step::Refused { live });
        }
        let Some(agreed) = track.agreement.push(&outcome.identification) else {
            let report = track.frames >= NOT_RECOGNISED_AFTER && !track.reported;
            track.reported |= report;
            return Ok(Step::Undecided {
                report,
                reported: track.reported,
            });
        };
        let recent = &track.lives[track.lives.len().saturating_sub(Agreement::DEFAULT_NEED)..];
        let live = (!recent.is_empty()).then(|| recent.iter().sum::<f32>() / recent.len() as f32);
        let latency_ms = now.duration_since(first).as_millis() as u32;
        track.reset();
        Ok(Step::Agreed {
            agreed,
            live,
            latency_ms,
        })
    }
}

/// One frame's findings.
struct FrameOutcome {
    identification: Identification,
    live: Option<f32>,
    /// Where the face is, in the frame's pixels.
    face: frontdesk_vision::geometry::BBox,
}

impl Frontdesk {
    /// The clock-in camera's answer for its newest frame (waits up to 200 ms for one the last call
    /// did not see). Recognised employees are clocked as face events with their confidence; a
    /// walk-up nobody recognises opens one review event; with the site's anti-spoof check on
    /// `block`, agreeing frames judged a photo or a screen clock nobody.
    pub async fn kiosk_walk_up(&self, actor: &Actor) -> Result<WalkUp> {
        actor.require(Permission::RecordAttendance)?;
        let answer = self.walk_up_frame(actor).await;
        // The gap to the next request is measured from the end of this one.
        if let Ok(mut track) = self.walk_ups.track.lock() {
            track.last_call = Some(Instant::now());
        }
        answer
    }

    async fn walk_up_frame(&self, actor: &Actor) -> Result<WalkUp> {
        let view = self.kiosk_camera(actor, 0).await?;
        if let crate::kiosk::camera::CameraStatus::Unavailable { .. } = view.status {
            return Ok(WalkUp::NoCamera);
        }
        let seen = match self.walk_ups.track.lock() {
            Ok(mut track) => {
                // Nobody asked for a while (the clock-in screen was closed): a new walk-up.
                if track
                    .last_call
                    .is_some_and(|t| t.elapsed() > NEW_WALK_UP_AFTER)
                {
                    track.reset();
                }
                track.seen
            }
            Err(_) => 0,
        };
        let deadline = Instant::now() + Duration::from_millis(200);
        let frame = loop {
            match self.camera.newest_indexed() {
                Some((index, image)) if index > seen => break Some((index, image)),
                _ if Instant::now() >= deadline => break None,
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        };
        let Some((index, image)) = frame else {
            return Ok(self.walk_up_idle());
        };
        let (site_id, _) = self.site_and_tz(actor, None).await?;
        let settings = self.settings(actor, site_id).await?;
        let liveness = settings.anti_spoof != AntiSpoofMode::Off;
        let service = self.fresh_face_service().await?;
        let frame = image.clone();
        let outcome = tokio::task::spawn_blocking(move || analyse(&service, &image, liveness))
            .await
            .map_err(|e| Error::Internal(format!("face engine task failed: {e}")))??;

        let Some(outcome) = outcome else {
            if let Ok(mut track) = self.walk_ups.track.lock() {
                track.seen = track.seen.max(index);
            }
            return Ok(self.walk_up_idle());
        };
        let (agreed, live, latency_ms) = match self.walk_ups.note(index, &outcome)? {
            Step::Undecided { report, reported } => {
                if report {
                    let shot = snapshot(&frame, &outcome.face);
                    self.report_walk_up(actor, &outcome.identification, shot)
                        .await?;
                }
                return Ok(if reported {
                    WalkUp::NotRecognised
                } else {
                    WalkUp::Looking
                });
            }
            Step::Refused { live } => return Ok(WalkUp::PossibleSpoof { live }),
            Step::Agreed {
                agreed,
                live,
                latency_ms,
            } => (agreed, live, latency_ms),
        };

        if let Some(score) = live.filter(|s| *s < settings.anti_spoof_threshold) {
            let snapshot = snapshot(&frame, &outcome.face);
            self.open_review(
                actor,
                Review::new(
                    "possible_spoof",
                    Some(agreed.person),
                    Some(agreed.distance),
                    Some(format!("walk-up, live score {score:.2}")),
                )
                .with_snapshot(snapshot),
            )
            .await?;
            tracing::warn!(employee = %agreed.person, live = score, "possible spoof at the clock-in camera");
            if settings.anti_spoof == AntiSpoofMode::Block {
                if let Ok(mut track) = self.walk_ups.track.lock() {
                    track.spoofed = Some((SPOOF_HOLD, score));
                    track.last_face = Some(Instant::now());
                }
                return Ok(WalkUp::PossibleSpoof { live: score });
            }
        }
        let active: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM employees WHERE id = ? AND organisation_id = ? AND active = 1",
        )
        .bind(agreed.person)
        .bind(actor.organisation_id)
        .fetch_optional(&self.pool)
        .await?;
        if active.is_none() {
            return Ok(WalkUp::NotRecognised);
        }
        let confidence =
            (1.0 - agreed.distance / frontdesk_vision::VERIFY_THRESHOLD).clamp(0.0, 1.0);
        let clock = self
            .clock(
                actor,
                agreed.person,
                AttendanceSource::Face,
                Some(confidence),
            )
            .await?;
        Ok(WalkUp::Clocked { clock, latency_ms })
    }

    /// No new usable face: the walk-up ends once none was seen for a moment.
    fn walk_up_idle(&self) -> WalkUp {
        let Ok(mut track) = self.walk_ups.track.lock() else {
            return WalkUp::Waiting;
        };
        match track.last_face {
            Some(last) if last.elapsed() < GONE_AFTER => match track.spoofed {
                Some((_, live)) => WalkUp::PossibleSpoof { live },
                _ if track.reported => WalkUp::NotRecognised,
                _ => WalkUp::Looking,
            },
            Some(_) => {
                track.reset();
                WalkUp::Waiting
            }
            None => WalkUp::Waiting,
        }
    }

    /// A walk-up nobody was recognised in: one review event, `low_confidence` with the
    /// employee it resembled when the last frame was close to someone.
    async fn report_walk_up(
        &self,
        actor: &Actor,
        last: &Identification,
        snapshot: Option<Vec<u8>>,
    ) -> Result<()> {
        let review = match last {
            Identification::Uncertain { nearest, ratio } => Review::new(
                "low_confidence",
                Some(nearest.person),
                Some(nearest.distance),
                Some(format!(
                    "walk-up not recognised; resembles an enrolled employee (ratio {ratio:.2})"
                )),
            ),
            Identification::Unknown { nearest } => Review::new(
                "unknown_face",
                None,
                nearest.map(|n| n.distance),
                Some("walk-up not recognised".into()),
            ),
            // The frames named someone but never agreed.
            Identification::Match(m) => Review::new(
                "low_confidence",
                Some(m.person),
                Some(m.distance),
                Some("walk-up frames did not agree".into()),
            ),
        };
        self.open_review(actor, review.with_snapshot(snapshot))
            .await
    }
}

/// The review snapshot of a frame: the head-and-shoulders crop the kiosk photo uses, as a fresh
/// JPEG (no EXIF, nothing but the face's surroundings).
fn snapshot(image: &image::RgbImage, face: &frontdesk_vision::geometry::BBox) -> Option<Vec<u8>> {
    let (w, h) = (image.width().max(1) as f32, image.height().max(1) as f32);
    let area = crate::kiosk::camera::FaceBox {
        x: (face.x / w).clamp(0.0, 1.0),
        y: (face.y / h).clamp(0.0, 1.0),
        width: (face.width / w).clamp(0.0, 1.0),
        height: (face.height / h).clamp(0.0, 1.0),
    };
    crate::kiosk::camera::jpeg(&crate::kiosk::photo::portrait(image, Some(area)))
}

/// Detection, descriptor, anti-spoof score and a walk-up decision for one frame; `None` when
/// the frame has no usable face.
fn analyse(
    service: &Arc<super::FaceService>,
    image: &image::RgbImage,
    liveness: bool,
) -> Result<Option<FrameOutcome>> {
    let obs = match service.engine.observe_with(image, Descriptor::Single) {
        Ok(FrameAnalysis::Accepted(obs)) => obs,
        Ok(FrameAnalysis::Rejected { .. }) | Err(_) => return Ok(None),
    };
    let live = match liveness {
        true => service
            .antispoof
            .check(image, &obs.face.bbox)
            .ok()
            .map(|l| l.live),
        false => None,
    };
    let identification = service
        .index
        .read()
        .map_err(|_| Error::Internal("face index lock poisoned".into()))?
        .identify_with(&obs.embedding, Evidence::StreamFrame);
    Ok(Some(FrameOutcome {
        identification,
        live,
        face: obs.face.bbox,
    }))
}
