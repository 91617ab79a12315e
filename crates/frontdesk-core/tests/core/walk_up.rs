//! Walk-up clock-in at the kiosk camera, on replayed real photos through the camera's own path:
//! an enrolled employee is greeted and clocked once several frames agree, a repeat is not
//! recorded again, a stranger clocks nobody and lands in review once, and a photo-like frame
//! clocks nobody. Needs the shared development photos; skips without them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use frontdesk_core::Actor;
use frontdesk_core::Frontdesk;
use frontdesk_core::faces::walkup::WalkUp;
use frontdesk_core::people::employees::EmployeeInput;

use crate::fixtures::{Env, env};

fn jolie() -> Option<PathBuf> {
    crate::fixtures::shared_path("datasets/faces-dev/deepface/Angelina_Jolie")
}

async fn enrol_jolie(env: &Env, root: &Path) {
    let a = &env.admin.actor;
    let e = env.employee("AJ", "Angelina Jolie").await;
    env.api
        .update_employee(
            a,
            e.id,
            EmployeeInput {
                code: "AJ".into(),
                name: "Angelina Jolie".into(),
                face_consent: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("consent");
    let read = |n: &str| std::fs::read(root.join(n)).expect("photo");
    let report = env
        .api
        .enrol_employee_faces(
            a,
            e.id,
            vec![read("img1.jpg"), read("img2.jpg"), read("img4.jpg")],
        )
        .await
        .expect("enrol");
    assert!(report.stored, "{report:?}");
}

/// Asks the camera until it answers something other than waiting or looking (at most 60 s).
async fn settle(api: &Frontdesk, kiosk: &Actor) -> (WalkUp, u32) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut looked = 0;
    loop {
        let answer = api.kiosk_walk_up(kiosk).await.expect("walk-up");
        match answer {
            WalkUp::Waiting | WalkUp::Looking if Instant::now() < deadline => {
                looked += u32::from(matches!(answer, WalkUp::Looking));
            }
            other => return (other, looked),
        }
    }
}

async fn reviews(env: &Env, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM review_events WHERE kind = ?")
        .bind(kind)
        .fetch_one(env.api.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn an_enrolled_employee_is_clocked_once_frames_agree_and_a_repeat_is_not_doubled() {
    let Some(root) = jolie() else { return };
    let env = env().await;
    enrol_jolie(&env, &root).await;
    let api = env.api.clone().with_camera_replay(root.join("img11.jpg"));
    let kiosk = api.kiosk_actor().await.expect("kiosk");

    let (answer, looked) = settle(&api, &kiosk).await;
    let WalkUp::Clocked { clock, latency_ms } = answer else {
        panic!("expected a clocking, got {answer:?}");
    };
    println!("walk-up decided after {looked} looking frames, {latency_ms} ms from the first face");
    assert_eq!(clock.event.employee_name, "Angelina Jolie");
    assert_eq!(clock.event.direction.as_str(), "IN");
    assert!(!clock.repeated);
    assert!(looked >= 2, "one frame alone never decides a walk-up");

    // She is still at the camera: the next decision is the same clocking, not a second one.
    let (again, _) = settle(&api, &kiosk).await;
    let WalkUp::Clocked { clock: repeat, .. } = again else {
        panic!("expected the repeat, got {again:?}");
    };
    assert!(repeat.repeated, "a repeat within the window is ignored");
    assert_eq!(repeat.event.id, clock.event.id);
    let events: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM attendance_events WHERE source = 'face'")
            .fetch_one(api.pool())
            .await
            .expect("count");
    assert_eq!(events, 1);
}

#[tokio::test]
async fn a_stranger_clocks_nobody_and_is_reviewed_once() {
    let (Some(root), Some(stranger)) = (
        jolie(),
        crate::fixtures::shared_path("datasets/faces-dev/deepface/Mark_Zuckerberg/img13.jpg"),
    ) else {
        return;
    };
    let env = env().await;
    enrol_jolie(&env, &root).await;
    let api = env.api.clone().with_camera_replay(&stranger);
    let kiosk = api.kiosk_actor().await.expect("kiosk");
    let (answer, _) = settle(&api, &kiosk).await;
    assert!(matches!(answer, WalkUp::NotRecognised), "{answer:?}");
    // More frames of the same walk-up: still nobody, and no second review.
    for _ in 0..5 {
        let later = api.kiosk_walk_up(&kiosk).await.expect("walk-up");
        assert!(matches!(later, WalkUp::NotRecognised), "{later:?}");
    }
    let unknown = reviews(&env, "unknown_face").await + reviews(&env, "low_confidence").await;
    assert_eq!(unknown, 1);

    // Staff see who it was: a fresh JPEG crop of the face, kept 30 days.
    let shot: Option<Vec<u8>> = sqlx::query_scalar("SELECT snapshot FROM review_events")
        .fetch_one(api.pool())
        .await
        .expect("snapshot");
    let shot = shot.expect("the review keeps a snapshot");
    let image = image::load_from_memory(&shot).expect("a JPEG");
    assert!(image.height() > image.width(), "a portrait crop");
    assert!(!shot.windows(4).any(|w| w == b"Exif"));
    // The queue staff see holds it, with the same snapshot.
    let queue = api
        .review_queue(&env.admin.actor, false)
        .await
        .expect("queue");
    assert_eq!(queue.len(), 1);
    assert!(queue[0].has_snapshot);
    let url = api
        .review_snapshot(&env.admin.actor, queue[0].id)
        .await
        .expect("snapshot");
    assert!(url.starts_with("data:image/jpeg;base64,"));
    let in_29_days = chrono::Utc::now() + chrono::Duration::days(29);
    api.expire_photos(in_29_days).await.expect("retention");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(snapshot) FROM review_events")
        .fetch_one(api.pool())
        .await
        .expect("count");
    assert_eq!(kept, 1, "not yet due");
    let in_31_days = chrono::Utc::now() + chrono::Duration::days(31);
    assert_eq!(api.expire_photos(in_31_days).await.expect("retention"), 1);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(snapshot) FROM review_events")
        .fetch_one(api.pool())
        .await
        .expect("count");
    assert_eq!(kept, 0, "cleared after 30 days; the review itself stays");
    let queue = api
        .review_queue(&env.admin.actor, false)
        .await
        .expect("queue");
    assert!(
        !queue[0].has_snapshot,
        "the queue says the snapshot is gone"
    );
    assert!(
        api.review_snapshot(&env.admin.actor, queue[0].id)
            .await
            .is_err()
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.review_snapshots'",
    )
    .fetch_one(api.pool())
    .await
    .expect("audit");
    assert_eq!(audited, 1);
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attendance_events")
        .fetch_one(api.pool())
        .await
        .expect("count");
    assert_eq!(events, 0);
}

#[tokio::test]
async fn a_photo_like_face_at_the_camera_clocks_nobody() {
    let Some(root) = jolie() else { return };
    let env = env().await;
    enrol_jolie(&env, &root).await;
    // img5 scores 0.13 live (a flat, printed-looking photo of her).
    let api = env.api.clone().with_camera_replay(root.join("img5.jpg"));
    let kiosk = api.kiosk_actor().await.expect("kiosk");
    let (answer, _) = settle(&api, &kiosk).await;
    assert!(
        matches!(answer, WalkUp::PossibleSpoof { live } if live < 0.3),
        "{answer:?}"
    );
    assert_eq!(reviews(&env, "possible_spoof").await, 1);
    // Still held to the camera: still refused, and not reviewed again.
    for _ in 0..4 {
        let later = api.kiosk_walk_up(&kiosk).await.expect("walk-up");
        assert!(matches!(later, WalkUp::PossibleSpoof { .. }), "{later:?}");
    }
    assert_eq!(reviews(&env, "possible_spoof").await, 1);
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attendance_events")
        .fetch_one(api.pool())
        .await
        .expect("count");
    assert_eq!(events, 0);
}

#[tokio::test]
async fn a_photo_held_up_after_a_stranger_is_still_refused() {
    let (Some(root), Some(stranger)) = (
        jolie(),
        crate::fixtures::shared_path("datasets/antispoof-samples/image_T1.jpg"),
    ) else {
        return;
    };
    let env = env().await;
    enrol_jolie(&env, &root).await;
    let dir = tempfile::tempdir().expect("camera folder");
    std::fs::copy(&stranger, dir.path().join("face.jpg")).expect("copy");
    let api = env.api.clone().with_camera_replay(dir.path());
    let kiosk = api.kiosk_actor().await.expect("kiosk");
    let (answer, _) = settle(&api, &kiosk).await;
    assert!(matches!(answer, WalkUp::NotRecognised), "{answer:?}");
    // Without a gap, her printed-looking photo replaces the stranger in front of the camera.
    std::fs::copy(root.join("img5.jpg"), dir.path().join("printed.jpg")).expect("copy");
    std::fs::remove_file(dir.path().join("face.jpg")).expect("remove");
    let deadline = Instant::now() + Duration::from_secs(60);
    let last = loop {
        let answer = api.kiosk_walk_up(&kiosk).await.expect("walk-up");
        if !matches!(
            answer,
            WalkUp::NotRecognised | WalkUp::Looking | WalkUp::Waiting
        ) || Instant::now() > deadline
        {
            break answer;
        }
    };
    assert!(matches!(last, WalkUp::PossibleSpoof { .. }), "{last:?}");
}
