//! Edge input must give a validation error or a sensible answer, never a panic or a silent reset:
//! dates at chrono's limits and an unreadable device-id file.

use chrono::{DateTime, NaiveDate, Utc};
use frontdesk_core::attendance::Direction;
use frontdesk_core::attendance::timesheets::{CorrectionKind, CorrectionRequest};
use frontdesk_core::visits::VisitQuery;
use frontdesk_core::{Error, Frontdesk};

use crate::fixtures::env;

fn is_validation(r: &Result<impl std::fmt::Debug, Error>, field: &str) -> bool {
    matches!(r, Err(Error::Validation { field: f, .. }) if f == field)
}

#[tokio::test]
async fn dates_at_chronos_limits_are_refused_not_panicked_on() {
    let env = env().await;
    let a = &env.admin.actor;
    let e = env.employee("E1", "Eli").await;
    for d in [NaiveDate::MIN, NaiveDate::MAX] {
        let r = env.api.approve_timesheet(a, e.id, d, d).await;
        assert!(is_validation(&r, "from"), "approving {d}: {r:?}");
        let r = env.api.timesheet_corrections(a, e.id, d, d).await;
        assert!(is_validation(&r, "from"), "corrections on {d}: {r:?}");
        let r = env.api.timesheet(a, e.id, d, d).await;
        assert!(r.is_err(), "a timesheet on {d} is refused: {r:?}");
        let r = env
            .api
            .visits(
                a,
                VisitQuery {
                    site_id: None,
                    date: d,
                    status: None,
                },
            )
            .await;
        assert!(is_validation(&r, "date"), "visits on {d}: {r:?}");
    }
    for at in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
        let r = env
            .api
            .correct_timesheet(
                a,
                CorrectionRequest {
                    employee_id: e.id,
                    kind: CorrectionKind::Add,
                    event_id: None,
                    at: Some(at),
                    direction: Some(Direction::In),
                    reason: "testing the limits".into(),
                },
            )
            .await;
        assert!(is_validation(&r, "at"), "a correction at {at}: {r:?}");
    }
}

#[tokio::test]
async fn a_corrupt_device_id_file_is_recovered_from_the_database() {
    let env = env().await;
    let id = env.api.device_id();
    let file = env.api.data_dir().device_id_file();
    std::fs::write(&file, b"\0\0garbage").expect("corrupt the file");
    let reopened = Frontdesk::open(env._dir.path()).await.expect("reopen");
    assert_eq!(
        reopened.device_id(),
        id,
        "this PC already has an id in the database; it must not get a new one"
    );
    let on_disk = std::fs::read_to_string(&file).expect("file rewritten");
    assert_eq!(on_disk.trim(), id.to_string(), "the file is repaired");
    reopened.close().await;

    std::fs::remove_file(&file).expect("delete the file");
    let reopened = Frontdesk::open(env._dir.path()).await.expect("reopen");
    assert_eq!(reopened.device_id(), id, "a deleted file is recovered too");
    let leftovers: Vec<_> = std::fs::read_dir(env._dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("device-id") && n != "device-id")
        .collect();
    assert!(leftovers.is_empty(), "no temp files left: {leftovers:?}");
}

#[tokio::test]
async fn a_corrupt_device_id_file_without_a_record_is_an_error_not_a_new_identity() {
    let env = env().await;
    let file = env.api.data_dir().device_id_file();
    sqlx::query("DELETE FROM this_device")
        .execute(env.api.pool())
        .await
        .expect("forget the record, as on a database from before it existed");
    std::fs::write(&file, b"not-a-uuid").expect("corrupt the file");
    let err = Frontdesk::open(env._dir.path())
        .await
        .err()
        .expect("a set-up database must not silently get a new device id");
    assert!(
        err.to_string().contains("device id file"),
        "the error names the file: {err}"
    );
    assert_eq!(
        std::fs::read(&file).expect("file"),
        b"not-a-uuid",
        "the file is left for the administrator to restore"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_database_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("shared-pc");
    std::fs::create_dir_all(&data).expect("dir");
    // A folder someone made world-readable is tightened on open.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let api = frontdesk_core::Frontdesk::open(&data).await.expect("open");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("frontdesk.db")), 0o600);
    if data.join("frontdesk.db-wal").exists() {
        assert_eq!(mode(&data.join("frontdesk.db-wal")), 0o600);
    }
    api.close().await;
}
