//! Face enrolment and identification through the core API, on real photos with the real models.
//! Needs the shared development photos (`../shared` beside the repository, or FRONTDESK_SHARED);
//! skips with a note without them.

use std::path::PathBuf;

use frontdesk_core::faces::FaceResult;
use frontdesk_core::people::employees::EmployeeInput;
use frontdesk_core::{ErrorCode, Role};

use crate::fixtures::env;

fn faces_dev() -> Option<PathBuf> {
    let root = std::env::var_os("FRONTDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join("datasets/faces-dev/lfw");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: no shared face photos at {}", dir.display());
        None
    }
}

fn photo(dir: &std::path::Path, person: &str, n: u32) -> Vec<u8> {
    std::fs::read(dir.join(person).join(format!("{person}_{n:04}.jpg"))).expect("photo")
}

#[tokio::test]
async fn enrol_identify_clock_and_erase() {
    let Some(lfw) = faces_dev() else { return };
    let env = env().await;
    let a = &env.admin.actor;
    let george = env.employee("GC", "George Clooney").await;
    let images: Vec<Vec<u8>> = (1..=4).map(|n| photo(&lfw, "George_Clooney", n)).collect();

    let err = env
        .api
        .enrol_employee_faces(a, george.id, images.clone())
        .await
        .expect_err("no consent yet");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("consent"), "{err}");

    env.api
        .update_employee(
            a,
            george.id,
            EmployeeInput {
                code: "GC".into(),
                name: "George Clooney".into(),
                face_consent: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("consent");
    let mut with_junk = images.clone();
    with_junk.push(b"not an image".to_vec());
    let report = env
        .api
        .enrol_employee_faces(a, george.id, with_junk)
        .await
        .expect("enrol");
    assert!(report.stored, "{report:?}");
    assert!(report.accepted >= 3, "{report:?}");
    assert!(
        report
            .rejected
            .iter()
            .any(|r| r.image == 4 && r.reason.contains("unreadable")),
        "{report:?}"
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM face_embeddings WHERE owner_id = ?")
        .bind(george.id)
        .fetch_one(env.api.pool())
        .await
        .expect("count");
    assert_eq!(
        stored,
        i64::from(report.accepted),
        "embeddings live in SQLite"
    );

    // An enrolled photo is George; a stranger is Unknown (never the nearest person by force).
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    match env
        .api
        .identify_face(&kiosk, images[0].clone())
        .await
        .expect("identify")
    {
        FaceResult::Match {
            employee_id,
            distance,
            ..
        } => {
            assert_eq!(employee_id, george.id);
            // The gallery holds the mirror-averaged descriptor and the probe is a single
            // pass, so the same photo is near (about 0.12 apart) but not at distance 0.
            assert!(distance < 0.2, "same photo: {distance}");
        }
        other => panic!("expected George, got {other:?}"),
    }
    let stranger = std::fs::read(lfw.join("AJ_Cook/AJ_Cook_0001.jpg")).expect("photo");
    assert!(matches!(
        env.api
            .identify_face(&kiosk, stranger)
            .await
            .expect("identify"),
        FaceResult::Unknown
    ));
    let reviews: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM review_events WHERE kind = 'unknown_face'")
            .fetch_one(env.api.pool())
            .await
            .expect("count");
    assert_eq!(reviews, 1, "unknown faces go to the review queue");
    assert!(matches!(
        env.api
            .identify_face(&kiosk, b"garbage".to_vec())
            .await
            .expect("no panic"),
        FaceResult::Rejected { .. }
    ));

    let (result, clocked) = env
        .api
        .clock_by_face(&kiosk, images[0].clone())
        .await
        .expect("clock");
    assert!(matches!(result, FaceResult::Match { .. }), "{result:?}");
    let clocked = clocked.expect("clocked");
    assert!(!clocked.repeated);
    let event = clocked.event;
    assert_eq!(
        event.source,
        frontdesk_core::attendance::AttendanceSource::Face
    );
    assert_eq!(event.employee_id, george.id);
    assert!(event.confidence.is_some_and(|c| c > 0.0));

    let desk = env.staff("desk", Role::FrontDesk).await;
    assert_eq!(
        env.api
            .erase_employee_faces(&desk, george.id)
            .await
            .expect_err("admin only")
            .code(),
        ErrorCode::Forbidden
    );
    let removed = env
        .api
        .erase_employee_faces(a, george.id)
        .await
        .expect("erase");
    assert_eq!(i64::from(removed), stored);
    assert!(
        matches!(
            env.api
                .identify_face(&kiosk, images[0].clone())
                .await
                .expect("identify"),
            FaceResult::Unknown
        ),
        "erasure takes effect at once"
    );
}

#[tokio::test]
async fn returning_visitors_are_recognised_only_with_consent_and_forgotten_at_once() {
    use frontdesk_core::visits::SignInRequest;
    use frontdesk_core::visits::visitor_faces::VisitorFaceResult;
    use frontdesk_core::visits::visitors::VisitorDetails;

    let Some(lfw) = faces_dev() else { return };
    let env = env().await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let visit = env
        .api
        .sign_in_visitor(
            &kiosk,
            SignInRequest {
                visitor: VisitorDetails {
                    name: "George Visitor".into(),
                    company: Some("Globex".into()),
                    email: Some("george@example.com".into()),
                    phone: None,
                },
                remember_me: true,
                agreement_version: Some("1".into()),
                signature_svg: Some("M1 1 L20 20".into()),
                ..Default::default()
            },
        )
        .await
        .expect("sign in");
    let george = visit.visitor_id;

    let err = env
        .api
        .remember_visitor_face(&kiosk, george, photo(&lfw, "George_Clooney", 1), false)
        .await
        .expect_err("no consent, nothing stored");
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(matches!(
        env.api
            .recognise_visitor(&kiosk, photo(&lfw, "George_Clooney", 1))
            .await
            .expect("recognise"),
        VisitorFaceResult::Unknown
    ));
    let err = env
        .api
        .remember_visitor_face(&kiosk, george, b"not an image".to_vec(), true)
        .await
        .expect_err("unreadable image");
    assert_eq!(err.code(), ErrorCode::Validation);

    // A face too small for the kiosk gates is refused with the instruction to show.
    let err = env
        .api
        .remember_visitor_face(&kiosk, george, photo(&lfw, "George_Clooney", 2), true)
        .await
        .expect_err("too small");
    assert!(err.to_string().contains("Move closer"), "{err}");

    for n in [1, 4, 5, 6] {
        env.api
            .remember_visitor_face(&kiosk, george, photo(&lfw, "George_Clooney", n), true)
            .await
            .expect("remember");
    }
    let kept: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM face_embeddings WHERE owner_kind = 'visitor' AND owner_id = ?",
    )
    .bind(george)
    .fetch_one(env.api.pool())
    .await
    .expect("count");
    assert_eq!(kept, 3, "the newest three descriptors are kept");
    let images: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM face_images")
        .fetch_one(env.api.pool())
        .await
        .expect("count");
    assert_eq!(images, 0, "visitor photos are never stored for recognition");

    // The face is recognised; only the masked name and company come back to the lobby screen.
    match env
        .api
        .recognise_visitor(&kiosk, photo(&lfw, "George_Clooney", 6))
        .await
        .expect("recognise")
    {
        VisitorFaceResult::Match { visitor, distance } => {
            assert_eq!(visitor.id, george);
            assert_eq!(visitor.name, "G••••• V••••••");
            assert_eq!(visitor.company.as_deref(), Some("G•••••"));
            assert!(
                visitor.agreement_signed,
                "signed version 1 at the first visit"
            );
            assert!(
                distance < 0.2,
                "mirror-averaged gallery, single-pass probe: {distance}"
            );
        }
        other => panic!("expected George, got {other:?}"),
    }
    // Photo 1 is no longer stored (the three newer ones replaced it), yet it is still George.
    match env
        .api
        .recognise_visitor(&kiosk, photo(&lfw, "George_Clooney", 1))
        .await
        .expect("recognise")
    {
        VisitorFaceResult::Match { visitor, distance } => {
            assert_eq!(visitor.id, george);
            assert!(distance > 0.1 && distance < 0.45, "{distance}");
        }
        other => panic!("expected George from another photo, got {other:?}"),
    }
    let stranger = std::fs::read(lfw.join("AJ_Cook/AJ_Cook_0001.jpg")).expect("photo");
    assert!(matches!(
        env.api
            .recognise_visitor(&kiosk, stranger)
            .await
            .expect("recognise"),
        VisitorFaceResult::Unknown
    ));
    // Visitors' faces are a separate gallery: a visitor never clocks in as an employee.
    assert!(matches!(
        env.api
            .identify_face(&kiosk, photo(&lfw, "George_Clooney", 3))
            .await
            .expect("identify"),
        FaceResult::Unknown
    ));

    let removed = env
        .api
        .forget_visitor_face(&kiosk, george)
        .await
        .expect("forget");
    assert_eq!(removed, 3);
    assert!(matches!(
        env.api
            .recognise_visitor(&kiosk, photo(&lfw, "George_Clooney", 6))
            .await
            .expect("recognise"),
        VisitorFaceResult::Unknown
    ));
    let consent: Option<i64> =
        sqlx::query_scalar("SELECT face_consent_at FROM visitors WHERE id = ?")
            .bind(george)
            .fetch_one(env.api.pool())
            .await
            .expect("visitor");
    assert_eq!(consent, None, "consent withdrawn with the faces");
}
