//! The kiosk camera on replayed frames (the code path the webcam feeds): frames reach the window,
//! QR codes in them are read, and a real face gets its box and a hint.

use std::path::Path;
use std::time::{Duration, Instant};

use frontdesk_core::Frontdesk;
use frontdesk_core::kiosk::camera::{CameraFrame, CameraStatus};
use frontdesk_core::visits::SignInRequest;
use frontdesk_core::visits::visitor_faces::VisitorFaceResult;
use frontdesk_core::visits::visitors::VisitorDetails;

use crate::fixtures::{env, live_frame};

/// A QR code of `text` as a PNG: 8-pixel modules, a 4-module quiet zone, on a grey wall.
fn qr_png(text: &str, path: &Path) {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("qr");
    let n = code.width() as u32;
    let colours = code.to_colors();
    let (module, quiet, pad) = (8u32, 4u32, 80u32);
    let side = (n + 2 * quiet) * module;
    let mut img =
        image::RgbImage::from_pixel(side + 2 * pad, side + 2 * pad, image::Rgb([150, 150, 150]));
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / module, y / module);
            let dark = mx >= quiet
                && my >= quiet
                && mx < n + quiet
                && my < n + quiet
                && colours[((my - quiet) * n + (mx - quiet)) as usize] == qrcode::Color::Dark;
            let v = if dark { 0 } else { 255 };
            img.put_pixel(x + pad, y + pad, image::Rgb([v, v, v]));
        }
    }
    img.save(path).expect("write png");
}

/// Frames from the kiosk camera until `done` says enough (or 60 s pass).
async fn frames_until(api: &Frontdesk, done: impl Fn(&CameraFrame) -> bool) -> Vec<CameraFrame> {
    let kiosk = api.kiosk_actor().await.expect("kiosk");
    let start = Instant::now();
    let mut after = 0;
    let mut seen = Vec::new();
    while start.elapsed() < Duration::from_secs(60) {
        let view = api.kiosk_camera(&kiosk, after).await.expect("camera");
        assert!(
            !matches!(view.status, CameraStatus::Unavailable { .. }),
            "{:?}",
            view.status
        );
        if let Some(f) = view.frame {
            after = f.index;
            let stop = done(&f);
            seen.push(f);
            if stop {
                break;
            }
        }
    }
    seen
}

#[tokio::test]
async fn a_qr_code_held_to_the_camera_is_read_from_the_frames() {
    let env = env().await;
    let dir = tempfile::tempdir().expect("frames");
    let payload = "frontdesk:invite:0123456789abcdef0123456789abcdef";
    qr_png(payload, &dir.path().join("frame-001.png"));
    let api = env.api.clone().with_camera_replay(dir.path());
    let frames = frames_until(&api, |f| f.qr.is_some()).await;
    let last = frames.last().expect("frames arrive");
    assert_eq!(last.qr.as_deref(), Some(payload));
    assert!(last.jpeg.starts_with("data:image/jpeg;base64,"));
    assert!(last.width > 0 && last.width <= 640, "{}", last.width);
    assert!(
        frames.windows(2).all(|w| w[1].index > w[0].index),
        "each answer is a newer frame"
    );
}

#[tokio::test]
async fn a_face_in_the_replayed_frames_gets_its_box_and_a_hint() {
    let Some(photo) = live_frame() else { return };
    let env = env().await;
    let api = env.api.clone().with_camera_replay(&photo);
    let frames = frames_until(&api, |f| f.face.is_some()).await;
    let last = frames.last().expect("frames arrive");
    let face = last.face.expect("a face is framed");
    assert!(face.width > 0.05 && face.x + face.width <= 1.0, "{face:?}");
    assert!(last.hint.is_some(), "a hint comes with the box");
    assert_eq!(last.qr, None);
}

#[tokio::test]
async fn a_missing_camera_is_reported_not_fatal() {
    let env = env().await;
    let api = env
        .api
        .clone()
        .with_camera_replay("/nonexistent/frontdesk-frames");
    let kiosk = api.kiosk_actor().await.expect("kiosk");
    let start = Instant::now();
    loop {
        let view = api
            .kiosk_camera(&kiosk, 0)
            .await
            .expect("the call itself succeeds");
        if let CameraStatus::Unavailable { reason } = view.status {
            assert!(reason.contains("replay"), "{reason}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "reported quickly"
        );
    }
}

#[tokio::test]
async fn a_visitor_who_asks_is_remembered_and_recognised_from_the_camera() {
    let Some(photo) = live_frame() else { return };
    let env = env().await;
    let api = env.api.clone().with_camera_replay(&photo);
    let kiosk = api.kiosk_actor().await.expect("kiosk");
    assert!(
        matches!(
            api.kiosk_recognise_face(&kiosk).await.expect("recognise"),
            VisitorFaceResult::Unknown
        ),
        "nobody is remembered yet"
    );
    let visit = api
        .kiosk_sign_in(
            &kiosk,
            SignInRequest {
                visitor: VisitorDetails {
                    name: "Fay Face".into(),
                    ..Default::default()
                },
                agreement_version: Some("1".into()),
                signature_svg: Some("M1 1 L5 5".into()),
                ..Default::default()
            },
        )
        .await
        .expect("sign in")
        .visit;
    api.kiosk_remember_face(&kiosk, visit.visitor_id)
        .await
        .expect("remember from the camera");
    match api.kiosk_recognise_face(&kiosk).await.expect("recognise") {
        VisitorFaceResult::Match { visitor, .. } => {
            assert_eq!(visitor.id, visit.visitor_id);
            assert_eq!(visitor.name, "F•• F•••", "masked");
        }
        other => panic!("expected Fay, got {other:?}"),
    }
}
