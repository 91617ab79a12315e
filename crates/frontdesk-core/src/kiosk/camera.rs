//! The kiosk's live camera: a capture thread keeps the newest frame (as a JPEG the window can show)
//! and an analysis thread runs face detection with the quality gates ("Move closer") and QR decoding
//! on the newest frame it has not seen, so capture never waits for analysis and the window never
//! waits for either. The source is the webcam (nokhwa), or a replay of recorded frames when
//! `FRONTDESK_CAMERA_REPLAY` names a folder or an image: the same code path for demos and tests.
//! Nobody polling for 30 seconds stops the camera (its light goes off).

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use frontdesk_vision::source::{FrameSource, ReplaySource};
use frontdesk_vision::{FaceEngine, Rejection};
use image::RgbImage;
use serde::Serialize;
use ts_rs::TS;

use crate::Frontdesk;
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::visits::visitor_faces::VisitorFaceResult;

/// Environment variable naming a folder of frames (or one image) to replay instead of a webcam.
pub const REPLAY_ENV: &str = "FRONTDESK_CAMERA_REPLAY";
/// Frames are scaled so their long side is at most this many pixels before they are shown.
const PREVIEW_LONG_SIDE: u32 = 640;
/// An analysis this many frames older than the newest frame (a second of video) still places the
/// face in it: a person in front of the kiosk barely moves in that time.
const RECENT_ANALYSIS: u64 = 30;
/// The camera stops when nobody asked for a frame for this long.
const IDLE_STOP: Duration = Duration::from_secs(30);

/// Where the face is in a frame, as fractions of its width and height (0 to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct FaceBox {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// What the person in front of the camera should do; each has a catalogue key in the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CameraHint {
    /// No face seen: look at the camera.
    LookAtCamera,
    /// Several faces of similar size.
    OnePerson,
    /// The face is too small.
    MoveCloser,
    /// The face runs off the edge.
    MoveToCentre,
    /// The picture is blurred.
    HoldStill,
    /// Head turned or tilted too far.
    FaceTheCamera,
    /// Too dark.
    TooDark,
    /// Too bright.
    TooBright,
    /// The face passes every gate: a photo can be taken.
    Ready,
}

impl From<Rejection> for CameraHint {
    fn from(r: Rejection) -> Self {
        match r {
            Rejection::NoFace => CameraHint::LookAtCamera,
            Rejection::SeveralFaces => CameraHint::OnePerson,
            Rejection::TooSmall => CameraHint::MoveCloser,
            Rejection::CutOff => CameraHint::MoveToCentre,
            Rejection::Blurry => CameraHint::HoldStill,
            Rejection::NotFacingCamera => CameraHint::FaceTheCamera,
            Rejection::TooDark => CameraHint::TooDark,
            Rejection::TooBright => CameraHint::TooBright,
        }
    }
}

/// Whether the camera runs.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CameraStatus {
    /// Opening the camera.
    Starting,
    /// Frames are coming.
    Live {
        /// Which camera or replay, for the operator.
        source: String,
    },
    /// No camera, or it is busy or refused: the kiosk goes on without a photo.
    Unavailable {
        /// Why, in plain English (for staff; the kiosk shows its own words).
        reason: String,
    },
}

/// One frame for the window, with what analysis last found.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CameraFrame {
    /// Position in the stream; ask for frames after it.
    pub index: u64,
    /// The frame as a `data:image/jpeg;base64,…` URL.
    pub jpeg: String,
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// The face the kiosk would use, from the newest analysed frame.
    pub face: Option<FaceBox>,
    /// What the person should do, from the newest analysed frame; `None` until one is analysed.
    pub hint: Option<CameraHint>,
    /// A QR code's text seen in the newest analysed frame.
    pub qr: Option<String>,
    /// Index of the frame that analysis result belongs to.
    pub analysed: Option<u64>,
}

/// The camera's status and the newest frame after the one the window already has.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CameraView {
    /// Whether the camera runs.
    pub status: CameraStatus,
    /// A newer frame, if there is one.
    pub frame: Option<CameraFrame>,
}

#[derive(Default)]
struct Analysis {
    index: u64,
    face: Option<FaceBox>,
    hint: Option<CameraHint>,
    qr: Option<String>,
}

struct Shared {
    status: CameraStatus,
    running: bool,
    /// The newest frame: index, image (for analysis) and JPEG bytes (for the window and faces).
    frame: Option<(u64, Arc<RgbImage>, Arc<Vec<u8>>)>,
    analysis: Option<Analysis>,
    last_poll: Instant,
}

/// The kiosk camera of this PC: started by the first request for a frame.
pub(crate) struct CameraHub {
    shared: Arc<Mutex<Shared>>,
    /// Frames to replay instead of the webcam.
    replay: Option<PathBuf>,
}

impl CameraHub {
    /// The webcam, or the replay named by [`REPLAY_ENV`].
    pub(crate) fn from_env() -> Self {
        Self::new(std::env::var_os(REPLAY_ENV).map(PathBuf::from))
    }

    pub(crate) fn new(replay: Option<PathBuf>) -> Self {
        Self {
            replay,
            shared: Arc::new(Mutex::new(Shared {
                status: CameraStatus::Starting,
                running: false,
                frame: None,
                analysis: None,
                last_poll: Instant::now(),
            })),
        }
    }
}

fn open_source(
    replay: Option<&PathBuf>,
    camera: Option<String>,
) -> std::result::Result<Box<dyn FrameSource>, String> {
    use frontdesk_vision::source::{CameraConfig, CameraSelector, CameraSource};
    if let Some(path) = replay {
        return ReplaySource::open(path)
            .map(|s| Box::new(s.looping(true)) as Box<dyn FrameSource>)
            .map_err(|e| format!("replay {}: {e}", path.display()));
    }
    let config = CameraConfig {
        camera: camera.map_or(CameraSelector::Index(0), CameraSelector::Name),
        ..Default::default()
    };
    CameraSource::open(&config)
        .map(|s| Box::new(s) as Box<dyn FrameSource>)
        .map_err(|e| e.to_string())
}

fn preview(image: RgbImage) -> RgbImage {
    let long = image.width().max(image.height());
    if long <= PREVIEW_LONG_SIDE {
        return image;
    }
    let scale = PREVIEW_LONG_SIDE as f32 / long as f32;
    let w = ((image.width() as f32 * scale).round() as u32).max(1);
    let h = ((image.height() as f32 * scale).round() as u32).max(1);
    image::imageops::resize(&image, w, h, image::imageops::FilterType::Triangle)
}

pub(crate) fn jpeg(image: &RgbImage) -> Option<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(image)
        .ok()?;
    Some(out.into_inner())
}

pub(crate) fn data_url(jpeg: &[u8]) -> String {
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg)
    )
}

/// The text of the first QR code found in `image`.
pub(crate) fn decode_qr(image: &RgbImage) -> Option<String> {
    let luma = image::imageops::grayscale(image);
    let mut prepared = rqrr::PreparedImage::prepare(luma);
    prepared
        .detect_grids()
        .into_iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// Face box and hint for one frame.
fn analyse_face(engine: &FaceEngine, image: &RgbImage) -> (Option<FaceBox>, CameraHint) {
    let (w, h) = (image.width().max(1) as f32, image.height().max(1) as f32);
    let faces = match engine.detect(image) {
        Ok(f) => f,
        Err(_) => return (None, CameraHint::LookAtCamera),
    };
    let quality = &engine.config().quality;
    let face = match frontdesk_vision::quality::dominant_face(
        &faces,
        image.width(),
        image.height(),
        quality,
    ) {
        Ok(Some(f)) => f,
        Ok(None) => return (None, CameraHint::LookAtCamera),
        Err(r) => return (None, r.into()),
    };
    let b = face.bbox;
    let area = FaceBox {
        x: (b.x / w).clamp(0.0, 1.0),
        y: (b.y / h).clamp(0.0, 1.0),
        width: (b.width / w).clamp(0.0, 1.0),
        height: (b.height / h).clamp(0.0, 1.0),
    };
    let hint = match engine.chip(image, face) {
        Ok(chip) => match frontdesk_vision::quality::assess(
            face,
            &chip,
            image.width(),
            image.height(),
            quality,
        ) {
            Ok(_) => CameraHint::Ready,
            Err((r, _)) => r.into(),
        },
        Err(_) => CameraHint::LookAtCamera,
    };
    (Some(area), hint)
}

impl CameraHub {
    /// Notes that the window asked for a frame; true when capture is already running.
    fn touch(&self) -> bool {
        let Ok(mut s) = self.shared.lock() else {
            return false;
        };
        s.last_poll = Instant::now();
        s.running
    }

    /// The newest frame and, once a frame that recent (within a second before it) has been analysed,
    /// the face found there: `Some(None)` means analysed and no face, `None` not analysed yet.
    pub(crate) fn newest(&self) -> Option<(Arc<RgbImage>, Option<Option<FaceBox>>)> {
        let s = self.shared.lock().ok()?;
        let (index, image, _) = s.frame.as_ref()?;
        let face = s
            .analysis
            .as_ref()
            .filter(|a| a.index + RECENT_ANALYSIS >= *index)
            .map(|a| a.face);
        Some((image.clone(), face))
    }

    /// The newest frame with its position in the stream.
    pub(crate) fn newest_indexed(&self) -> Option<(u64, Arc<RgbImage>)> {
        let s = self.shared.lock().ok()?;
        s.frame.as_ref().map(|(i, image, _)| (*i, image.clone()))
    }

    /// Starts capture (from `camera`, part of a camera's name; the first camera when `None`) and
    /// analysis unless they run.
    fn ensure_started(
        &self,
        engine: Option<Arc<crate::faces::FaceService>>,
        camera: Option<String>,
    ) {
        let Ok(mut s) = self.shared.lock() else {
            return;
        };
        s.last_poll = Instant::now();
        if s.running {
            return;
        }
        s.running = true;
        s.status = CameraStatus::Starting;
        s.frame = None;
        s.analysis = None;
        drop(s);
        let shared = self.shared.clone();
        let replay = self.replay.clone();
        std::thread::Builder::new()
            .name("kiosk-camera".into())
            .spawn(move || capture(shared, replay, camera))
            .ok();
        let shared = self.shared.clone();
        std::thread::Builder::new()
            .name("kiosk-camera-analysis".into())
            .spawn(move || analyse(shared, engine))
            .ok();
    }
}

fn stopped(shared: &Mutex<Shared>) -> bool {
    match shared.lock() {
        Ok(mut s) => {
            if s.last_poll.elapsed() > IDLE_STOP {
                s.running = false;
            }
            !s.running
        }
        Err(_) => true,
    }
}

fn capture(shared: Arc<Mutex<Shared>>, replay: Option<PathBuf>, camera: Option<String>) {
    let mut source = match open_source(replay.as_ref(), camera) {
        Ok(s) => s,
        Err(reason) => {
            tracing::warn!(%reason, "kiosk camera unavailable");
            if let Ok(mut s) = shared.lock() {
                s.status = CameraStatus::Unavailable { reason };
                s.running = false;
            }
            return;
        }
    };
    let describe = source.describe();
    let replay = replay.is_some();
    let mut index = 0u64;
    let mut failures = 0u32;
    while !stopped(&shared) {
        let started = Instant::now();
        match source.next_frame() {
            Ok(Some(frame)) => {
                failures = 0;
                let image = preview(frame.image);
                if let Some(jpeg) = jpeg(&image) {
                    index += 1;
                    if let Ok(mut s) = shared.lock() {
                        s.status = CameraStatus::Live {
                            source: describe.clone(),
                        };
                        s.frame = Some((index, Arc::new(image), Arc::new(jpeg)));
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                failures += 1;
                if failures > 30 {
                    if let Ok(mut s) = shared.lock() {
                        s.status = CameraStatus::Unavailable {
                            reason: e.to_string(),
                        };
                    }
                    break;
                }
            }
        }
        if replay {
            // A replay keeps the camera's pace (about 30 frames a second), not the disk's.
            std::thread::sleep(Duration::from_millis(33).saturating_sub(started.elapsed()));
        }
    }
    if let Ok(mut s) = shared.lock() {
        s.running = false;
    }
}

fn analyse(shared: Arc<Mutex<Shared>>, faces: Option<Arc<crate::faces::FaceService>>) {
    let mut seen = 0u64;
    while !stopped(&shared) {
        let newest = shared
            .lock()
            .ok()
            .and_then(|s| s.frame.as_ref().map(|(i, img, _)| (*i, img.clone())));
        let Some((index, image)) = newest.filter(|(i, _)| *i > seen) else {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        seen = index;
        let (face, hint) = match &faces {
            Some(f) => {
                let (b, h) = analyse_face(&f.engine, &image);
                (b, Some(h))
            }
            None => (None, None),
        };
        let qr = decode_qr(&image);
        if let Ok(mut s) = shared.lock() {
            s.analysis = Some(Analysis {
                index,
                face,
                hint,
                qr,
            });
        }
    }
}

impl Frontdesk {
    /// The same API with its kiosk camera replaying the frames in `path` (a folder or one image)
    /// instead of opening the webcam, as [`REPLAY_ENV`] does for the app.
    pub fn with_camera_replay(mut self, path: impl Into<PathBuf>) -> Self {
        self.camera = Arc::new(CameraHub::new(Some(path.into())));
        self
    }

    /// The kiosk camera's status and its newest frame after `after` (0 for any), starting the
    /// camera on first use. Waits up to 100 ms for a new frame, so a window asking in a loop gets
    /// every frame the camera delivers without busy polling. Without face models the frames still
    /// come, with QR codes but no face box.
    pub async fn kiosk_camera(&self, actor: &Actor, after: u64) -> Result<CameraView> {
        actor.require(Permission::SignVisitors)?;
        // The face models are fetched (loaded the first time) only when the camera starts, not on
        // every frame request.
        if !self.camera.touch() {
            let faces = match self.face_service().await {
                Ok(f) => Some(f),
                Err(e) => {
                    tracing::warn!(error = %e, "kiosk camera without face analysis");
                    None
                }
            };
            let (site_id, _) = self.site_and_tz(actor, None).await?;
            let camera = self.settings(actor, site_id).await?.camera;
            self.camera.ensure_started(faces, camera);
        }
        let deadline = Instant::now() + Duration::from_millis(100);
        loop {
            let view = self.camera_view(after);
            let live = matches!(
                view.status,
                CameraStatus::Starting | CameraStatus::Live { .. }
            );
            if view.frame.is_some() || !live || Instant::now() >= deadline {
                return Ok(view);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The camera's newest frame as JPEG bytes, starting the camera and waiting up to 5 s for a
    /// first frame; [`Error::Conflict`] when there is no camera.
    pub(crate) async fn camera_snapshot(&self, actor: &Actor) -> Result<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let view = self.kiosk_camera(actor, 0).await?;
            if let CameraStatus::Unavailable { .. } = view.status {
                return Err(Error::Conflict("the camera is not available".into()));
            }
            let newest = self
                .camera
                .shared
                .lock()
                .ok()
                .and_then(|s| s.frame.as_ref().map(|f| f.2.as_ref().clone()));
            match newest {
                Some(bytes) => return Ok(bytes),
                None if Instant::now() >= deadline => {
                    return Err(Error::Conflict("the camera sent no picture".into()));
                }
                None => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// "Have I been here before?" by face: the kiosk camera's newest frame against the visitors
    /// who agreed to be recognised ([`Frontdesk::recognise_visitor`]).
    pub async fn kiosk_recognise_face(&self, actor: &Actor) -> Result<VisitorFaceResult> {
        actor.require(Permission::SignVisitors)?;
        let image = self.camera_snapshot(actor).await?;
        self.recognise_visitor(actor, image).await
    }

    /// "Recognise my face next time", asked right after the visitor signed in: remembers the face
    /// in the camera's newest frame for `visitor_id` ([`Frontdesk::remember_visitor_face`], the
    /// descriptor only, never the image). The kiosk calls it only when the visitor ticked the box.
    pub async fn kiosk_remember_face(&self, actor: &Actor, visitor_id: uuid::Uuid) -> Result<()> {
        actor.require(Permission::SignVisitors)?;
        let image = self.camera_snapshot(actor).await?;
        self.remember_visitor_face(actor, visitor_id, image, true)
            .await
    }

    fn camera_view(&self, after: u64) -> CameraView {
        let Ok(s) = self.camera.shared.lock() else {
            return CameraView {
                status: CameraStatus::Unavailable {
                    reason: "camera state lost".into(),
                },
                frame: None,
            };
        };
        let frame = s
            .frame
            .as_ref()
            .filter(|(i, _, _)| *i > after)
            .map(|(i, img, jpeg)| {
                let a = s.analysis.as_ref();
                CameraFrame {
                    index: *i,
                    jpeg: data_url(jpeg),
                    width: img.width(),
                    height: img.height(),
                    face: a.and_then(|a| a.face),
                    hint: a.and_then(|a| a.hint),
                    qr: a.and_then(|a| a.qr.clone()),
                    analysed: a.map(|a| a.index),
                }
            });
        CameraView {
            status: s.status.clone(),
            frame,
        }
    }
}

/// A camera the system reports, for the site's camera setting.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CameraChoice {
    /// The camera's name: store it (or part of it) as the `camera` setting.
    pub name: String,
    /// What the system says about it (driver, bus).
    pub description: String,
}

impl Frontdesk {
    /// The cameras this PC has, for choosing the kiosk's (settings permission). An empty list on a
    /// PC without any; the camera in use restarts with the new choice when the kiosk next starts it.
    pub async fn cameras(&self, actor: &Actor) -> Result<Vec<CameraChoice>> {
        actor.require(Permission::ManageSettings)?;
        let found = tokio::task::spawn_blocking(frontdesk_vision::source::list_cameras)
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(found
            .unwrap_or_default()
            .into_iter()
            .map(|c| CameraChoice {
                name: c.name,
                description: c.description,
            })
            .collect())
    }
}
