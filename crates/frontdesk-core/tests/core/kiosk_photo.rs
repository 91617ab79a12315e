//! The visitor's photo at the kiosk, from replayed camera frames of a real person: a fresh JPEG
//! cropped around the face, stored with the visit only when the sign-in commits, printed on the
//! badge, required when the site says so, and deleted when its retention runs out.

use base64::Engine as _;
use chrono::{Duration, Utc};
use frontdesk_core::visits::visitors::VisitorDetails;
use frontdesk_core::visits::{SignInRequest, SignOutMethod};
use frontdesk_core::{Actor, Frontdesk};
use frontdesk_core::{Error, Rule};
use frontdesk_docs::BadgeSize;

use crate::fixtures::{env, live_frame};

fn visitor(name: &str, photo_id: Option<uuid::Uuid>) -> SignInRequest {
    SignInRequest {
        visitor: VisitorDetails {
            name: name.into(),
            ..Default::default()
        },
        agreement_version: Some("1".into()),
        signature_svg: Some("M1 1 L5 5".into()),
        photo_id,
        ..Default::default()
    }
}

fn jpeg_of(data_url: &str) -> Vec<u8> {
    let b64 = data_url
        .strip_prefix("data:image/jpeg;base64,")
        .expect("a JPEG data URL");
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64")
}

async fn set_photo_rule(api: &Frontdesk, admin: &Actor, rule: &str, retention_days: u32) {
    let site = api.home_site(admin).await.expect("site").id;
    let mut s = api.settings(admin, site).await.expect("settings");
    s.kiosk_photo = serde_json::from_value(serde_json::json!(rule)).expect("rule");
    s.visitor_photo_retention_days = retention_days;
    api.update_settings(admin, site, s).await.expect("save");
}

#[tokio::test]
async fn the_photo_is_a_fresh_face_crop_kept_with_the_visit_and_printed_on_the_badge() {
    let Some(frame) = live_frame() else { return };
    let env = env().await;
    let api = env.api.clone().with_camera_replay(&frame);
    let kiosk = api.kiosk_actor().await.expect("kiosk");

    // As the kiosk does: the photo is taken once the camera sees the face.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut after = 0;
    while std::time::Instant::now() < deadline {
        let view = api.kiosk_camera(&kiosk, after).await.expect("camera");
        match view.frame {
            Some(f) if f.face.is_some() => break,
            Some(f) => after = f.index,
            None => {}
        }
    }
    let photo = api.kiosk_take_photo(&kiosk).await.expect("photo");
    let bytes = jpeg_of(&photo.jpeg);
    let image = image::load_from_memory(&bytes).expect("a JPEG");
    assert!(photo.face_found, "the sample frame shows a face");
    let ratio = image.width() as f32 / image.height() as f32;
    assert!((ratio - 0.75).abs() < 0.02, "3:4 portrait, got {ratio}");
    assert!(
        !bytes.windows(4).any(|w| w == b"Exif"),
        "re-encoded, no camera metadata"
    );

    let visit = api
        .kiosk_sign_in(&kiosk, visitor("Pat Photo", Some(photo.id)))
        .await
        .expect("sign in")
        .visit;
    assert!(visit.has_photo);
    let stored = api
        .visit_photo(&env.admin.actor, visit.id)
        .await
        .expect("photo")
        .expect("kept with the visit");
    assert_eq!(jpeg_of(&stored), bytes, "the photo the visitor kept");

    let badge = api
        .badge_pdf(&kiosk, visit.id, BadgeSize::BrotherQl62x100)
        .await
        .expect("badge");
    assert!(badge.warnings.is_empty(), "{:?}", badge.warnings);
    let without = api
        .kiosk_sign_in(&kiosk, visitor("Nora Nophoto", None))
        .await
        .expect("sign in without a photo")
        .visit;
    assert!(!without.has_photo);
    let plain = api
        .badge_pdf(&kiosk, without.id, BadgeSize::BrotherQl62x100)
        .await
        .expect("badge");
    let images = |pdf: &[u8]| {
        pdf.windows(13).filter(|w| w == b"/Subtype /Ima").count()
            + pdf.windows(12).filter(|w| w == b"/Subtype/Ima").count()
    };
    assert!(
        images(&badge.bytes) > images(&plain.bytes),
        "the photo is drawn on the badge"
    );

    // Next time, a returning visitor keeps that photo without a new one.
    api.sign_out_visit(&kiosk, visit.id, SignOutMethod::Kiosk)
        .await
        .expect("sign out");
    let again = api
        .kiosk_sign_in(
            &kiosk,
            SignInRequest {
                visitor_id: Some(visit.visitor_id),
                ..visitor("", None)
            },
        )
        .await
        .expect("returning sign-in")
        .visit;
    assert!(again.has_photo, "the kept photo is used");
    assert_eq!(
        api.visit_photo(&env.admin.actor, again.id)
            .await
            .expect("photo"),
        Some(stored)
    );

    // Used once: the same photo cannot be attached to another visit.
    let again = api
        .kiosk_sign_in(&kiosk, visitor("Sam Second", Some(photo.id)))
        .await
        .expect_err("the photo was used");
    assert!(
        matches!(&again, Error::Validation { field, .. } if field == "photo_id"),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_site_that_requires_a_photo_refuses_a_kiosk_sign_in_without_one() {
    let env = env().await;
    set_photo_rule(&env.api, &env.admin.actor, "required", 90).await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let err = env
        .api
        .kiosk_sign_in(&kiosk, visitor("No Camera", None))
        .await
        .expect_err("photo required");
    assert!(
        matches!(&err, Error::Validation { field, rule: Rule::Required, .. } if field == "photo_id"),
        "{err:?}"
    );
    // Staff at the desk may still sign the visitor in.
    env.api
        .sign_in_visitor(&env.admin.actor, visitor("No Camera", None))
        .await
        .expect("the desk is not bound by the kiosk's rule");
}

#[tokio::test]
async fn photos_are_deleted_when_their_retention_runs_out() {
    let Some(frame) = live_frame() else { return };
    let env = env().await;
    set_photo_rule(&env.api, &env.admin.actor, "optional", 1).await;
    let api = env.api.clone().with_camera_replay(&frame);
    let kiosk = api.kiosk_actor().await.expect("kiosk");
    let photo = api.kiosk_take_photo(&kiosk).await.expect("photo");
    let visit = api
        .kiosk_sign_in(&kiosk, visitor("Rita Retention", Some(photo.id)))
        .await
        .expect("sign in")
        .visit;

    assert_eq!(
        api.expire_photos(Utc::now()).await.expect("run"),
        0,
        "not yet"
    );
    let later = Utc::now() + Duration::days(2);
    assert_eq!(api.expire_photos(later).await.expect("run"), 1);
    assert_eq!(api.expire_photos(later).await.expect("run again"), 0);
    assert_eq!(
        api.visit_photo(&env.admin.actor, visit.id)
            .await
            .expect("photo"),
        None
    );
    let audit = env.audit_with_prefix("retention.photos").await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].details["deleted"], 1);
}

#[tokio::test]
async fn read_aloud_reaches_the_os_speech_service_or_says_it_is_missing() {
    use frontdesk_core::kiosk::speech::SpeechStatus;
    let env = env().await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let first = env
        .api
        .kiosk_speak(&kiosk, "Your details. Please type your name.", "en")
        .await
        .expect("an answer");
    // scripts/test.sh sets this after proving the machine speaks (a null audio sink and Speech
    // Dispatcher); elsewhere a missing or mute service must still answer, plainly and quickly.
    let must_speak = std::env::var_os("FRONTDESK_EXPECT_SPEECH").is_some();
    match (&first, must_speak) {
        (SpeechStatus::Speaking, _) => {}
        (SpeechStatus::Unavailable { reason }, false) => {
            eprintln!("no speech service on this machine: {reason}");
            assert!(!reason.is_empty());
        }
        (SpeechStatus::Unavailable { reason }, true) => {
            panic!("this machine speaks, but the kiosk was refused: {reason}")
        }
    }
    // The next step interrupts the first, in another language; hostile text is only text.
    let second = env
        .api
        .kiosk_speak(&kiosk, "Vos coordonnées <script>\u{7}", "fr-CA")
        .await
        .expect("an answer");
    assert_eq!(
        std::mem::discriminant(&second),
        std::mem::discriminant(&first)
    );
    let empty = env.api.kiosk_speak(&kiosk, " \u{7} ", "en").await;
    assert!(
        matches!(&empty, Err(Error::Validation { field, .. }) if field == "text"),
        "{empty:?}"
    );
}
