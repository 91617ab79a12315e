//! Attendance: employees clock by PIN (and by face, in faces.rs); staff record manual entries. The
//! source and confidence of an event come from the path that recorded it, never from the caller.

use frontdesk_core::attendance::{AttendanceRequest, AttendanceSource, Direction};
use frontdesk_core::{Error, ErrorCode};

use crate::fixtures::env;

const PIN: &str = "4821";

fn manual(employee_id: uuid::Uuid) -> AttendanceRequest {
    AttendanceRequest {
        employee_id,
        direction: None,
        at: None,
        note: None,
    }
}

async fn no_duplicate_window(env: &crate::fixtures::Env) {
    let a = &env.admin.actor;
    let site = env.api.home_site(a).await.expect("site").id;
    let mut s = env.api.settings(a, site).await.expect("settings");
    s.attendance.duplicate_window_minutes = 0;
    env.api.update_settings(a, site, s).await.expect("save");
}

/// A fresh database without the repeat window, and an employee with the test PIN.
async fn with_pin_employee(
    code: &str,
    name: &str,
) -> (
    crate::fixtures::Env,
    frontdesk_core::people::employees::Employee,
) {
    let env = env().await;
    no_duplicate_window(&env).await;
    let e = env.employee(code, name).await;
    env.api
        .set_employee_pin(&env.admin.actor, e.id, Some(PIN))
        .await
        .expect("pin");
    (env, e)
}

#[tokio::test]
async fn an_employee_clocks_in_and_out_with_code_and_pin_and_shows_on_site() {
    let (env, e) = with_pin_employee("42", "Eve Employee").await;
    let a = &env.admin.actor;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let first = env.api.clock_by_pin(&kiosk, "42", PIN).await.expect("in");
    assert!(!first.repeated);
    assert_eq!(first.event.direction, Direction::In);
    assert_eq!(first.event.source, AttendanceSource::Pin);
    assert_eq!(first.event.confidence, None);
    let onsite = env.api.on_site(a, None).await.expect("on site");
    assert_eq!(onsite.employees.len(), 1);
    assert_eq!(onsite.employees[0].name, "Eve Employee");

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let out = env.api.clock_by_pin(&kiosk, "42", PIN).await.expect("out");
    assert_eq!(out.event.direction, Direction::Out);
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
            first.event.at - chrono::Duration::hours(1),
            out.event.at + chrono::Duration::hours(1),
        )
        .await
        .expect("events");
    assert_eq!(day.len(), 2);
    let audit = env.audit_with_prefix("employee.pin").await;
    assert_eq!(audit.len(), 1);
    assert!(
        !audit[0].details.to_string().contains(PIN),
        "the PIN is never in the audit trail"
    );
}

#[tokio::test]
async fn not_you_undoes_a_fresh_clocking_only() {
    let env = env().await;
    let e = env.employee("5", "Una Undo").await;
    env.api
        .set_employee_pin(&env.admin.actor, e.id, Some(PIN))
        .await
        .expect("pin");
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let clocked = env.api.clock_by_pin(&kiosk, "5", PIN).await.expect("in");
    env.api
        .undo_clock(&kiosk, clocked.event.id)
        .await
        .expect("undo");
    let since = clocked.event.at - chrono::Duration::hours(1);
    let until = clocked.event.at + chrono::Duration::hours(1);
    let events = env
        .api
        .attendance(&env.admin.actor, e.id, since, until)
        .await
        .expect("events");
    assert!(events.is_empty(), "nothing recorded: {events:?}");
    assert_eq!(env.audit_with_prefix("attendance.undo").await.len(), 1);
    assert_eq!(
        env.api
            .undo_clock(&kiosk, clocked.event.id)
            .await
            .expect_err("gone")
            .code(),
        ErrorCode::NotFound
    );
    // A manual entry by staff is corrected on the timesheet, not undone at the kiosk.
    let manual_entry = env
        .api
        .record_attendance(&env.admin.actor, manual(e.id))
        .await
        .expect("manual");
    assert_eq!(
        env.api
            .undo_clock(&kiosk, manual_entry.id)
            .await
            .expect_err("manual")
            .code(),
        ErrorCode::Conflict
    );
}

#[tokio::test]
async fn a_repeat_within_the_duplicate_window_is_ignored_not_flipped() {
    let env = env().await;
    let e = env.employee("9", "Rita Repeat").await;
    env.api
        .set_employee_pin(&env.admin.actor, e.id, Some(PIN))
        .await
        .expect("pin");
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let first = env.api.clock_by_pin(&kiosk, "9", PIN).await.expect("in");
    let again = env.api.clock_by_pin(&kiosk, "9", PIN).await.expect("again");
    assert!(again.repeated, "a second tap within 2 minutes");
    assert_eq!(again.event.id, first.event.id);
    assert_eq!(again.event.direction, Direction::In, "not turned into OUT");
}

#[tokio::test]
async fn wrong_codes_and_pins_get_one_answer_and_five_lock_the_pin() {
    let env = env().await;
    let e = env.employee("77", "Lou Locked").await;
    env.employee("78", "Nia Nopin").await;
    env.api
        .set_employee_pin(&env.admin.actor, e.id, Some(PIN))
        .await
        .expect("pin");
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    for (code, pin) in [("nope", PIN), ("78", PIN), ("77", "12")] {
        let err = env
            .api
            .clock_by_pin(&kiosk, code, pin)
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::BadCredentials), "{code}: {err:?}");
    }
    for _ in 0..3 {
        env.api
            .clock_by_pin(&kiosk, "77", "0000")
            .await
            .expect_err("wrong");
    }
    let locked = env
        .api
        .clock_by_pin(&kiosk, "77", "0000")
        .await
        .expect_err("fifth");
    // Until when, as the site's local time (the kiosk shows it to the employee).
    assert!(
        matches!(&locked, Error::Locked(t) if t.len() == 5 && t.as_bytes()[2] == b':'),
        "{locked:?}"
    );
    let still = env
        .api
        .clock_by_pin(&kiosk, "77", PIN)
        .await
        .expect_err("even the right PIN waits");
    assert!(matches!(still, Error::Locked(_)), "{still:?}");
    assert_eq!(
        env.audit_with_prefix("attendance.pin_locked").await.len(),
        1
    );
    assert_eq!(
        env.audit_with_prefix("attendance.pin_failed").await.len(),
        6
    );

    // Staff setting a new PIN lifts the lock.
    env.api
        .set_employee_pin(&env.admin.actor, e.id, Some("9753"))
        .await
        .expect("new pin");
    env.api
        .clock_by_pin(&kiosk, "77", "9753")
        .await
        .expect("clocked");
    assert!(
        env.api
            .set_employee_pin(&env.admin.actor, e.id, Some("12ab"))
            .await
            .is_err(),
        "digits only"
    );
}

#[tokio::test]
async fn manual_entries_are_staff_only_and_back_dating_needs_a_reason() {
    let env = env().await;
    let a = &env.admin.actor;
    let e = env.employee("7", "Manny Manual").await;
    let mut r = manual(e.id);
    r.at = Some(chrono::Utc::now() - chrono::Duration::hours(3));
    let err = env
        .api
        .record_attendance(a, r.clone())
        .await
        .expect_err("no reason");
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "note"));
    r.note = Some("forgot to clock in".into());
    let event = env
        .api
        .record_attendance(a, r.clone())
        .await
        .expect("with a reason");
    assert_eq!(event.source, AttendanceSource::Manual);
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let err = env
        .api
        .record_attendance(&kiosk, manual(e.id))
        .await
        .expect_err("the kiosk records only face and PIN events");
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err:?}");
}

#[tokio::test]
async fn a_forgotten_out_yesterday_does_not_turn_this_mornings_walk_up_into_a_goodbye() {
    let (env, e) = with_pin_employee("43", "Fay Forgetful").await;
    // Yesterday's IN, 20 hours ago, never closed (the site's longest session is 16 hours).
    let yesterday = chrono::Utc::now().timestamp_millis() - 20 * 3_600_000;
    sqlx::query(
        "INSERT INTO attendance_events (id, employee_id, direction, at, source, created_at)
         VALUES (?, ?, 'IN', ?, 'pin', ?)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(e.id)
    .bind(yesterday)
    .bind(yesterday)
    .execute(env.api.pool())
    .await
    .expect("old IN");
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let morning = env
        .api
        .clock_by_pin(&kiosk, "43", PIN)
        .await
        .expect("clock");
    assert_eq!(
        morning.event.direction,
        Direction::In,
        "a new day starts with IN; the open session is the timesheet's to flag"
    );
    let evening = env
        .api
        .clock_by_pin(&kiosk, "43", PIN)
        .await
        .expect("clock");
    assert_eq!(
        evening.event.direction,
        Direction::Out,
        "a recent IN still toggles to OUT"
    );
}
