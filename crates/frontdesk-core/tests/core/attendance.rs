use frontdesk_core::attendance::{AttendanceRequest, AttendanceSource, Direction};
use frontdesk_core::{Error, ErrorCode};

use crate::fixtures::env;

fn req(employee_id: uuid::Uuid) -> AttendanceRequest {
    AttendanceRequest {
        employee_id,
        direction: None,
        source: AttendanceSource::Face,
        confidence: Some(0.93),
        at: None,
        note: None,
    }
}

#[tokio::test]
async fn clock_in_toggles_and_shows_on_site() {
    let env = env().await;
    let a = &env.admin.actor;
    let e = env.employee("42", "Eve Employee").await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let first = env
        .api
        .record_attendance(&kiosk, req(e.id))
        .await
        .expect("in");
    assert_eq!(first.direction, Direction::In);
    let onsite = env.api.on_site(a, None).await.expect("on site");
    assert_eq!(onsite.employees.len(), 1);
    assert_eq!(onsite.employees[0].name, "Eve Employee");

    let mut dup = req(e.id);
    dup.direction = Some(Direction::In);
    let err = env
        .api
        .record_attendance(&kiosk, dup)
        .await
        .expect_err("double IN");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("already clocked in"), "{err}");

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let out = env
        .api
        .record_attendance(&kiosk, req(e.id))
        .await
        .expect("out");
    assert_eq!(out.direction, Direction::Out);
    assert!(
        env.api
            .on_site(a, None)
            .await
            .expect("on site")
            .employees
            .is_empty()
    );

    let day = env
        .api
        .attendance(
            a,
            e.id,
            first.at - chrono::Duration::hours(1),
            out.at + chrono::Duration::hours(1),
        )
        .await
        .expect("events");
    assert_eq!(day.len(), 2);
}

#[tokio::test]
async fn manual_back_dating_needs_staff_and_a_reason() {
    let env = env().await;
    let a = &env.admin.actor;
    let e = env.employee("7", "Manny Manual").await;
    let mut r = req(e.id);
    r.source = AttendanceSource::Manual;
    r.at = Some(chrono::Utc::now() - chrono::Duration::hours(3));
    let err = env
        .api
        .record_attendance(a, r.clone())
        .await
        .expect_err("no reason");
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "note"));
    r.note = Some("forgot to clock in".into());
    env.api
        .record_attendance(a, r.clone())
        .await
        .expect("with a reason");
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let err = env
        .api
        .record_attendance(&kiosk, r)
        .await
        .expect_err("kiosk manual");
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "source"));
}
