use frontdesk_core::audit::AuditQuery;
use frontdesk_core::people::employees::EmployeeInput;
use frontdesk_core::people::staff::NewStaffAccount;
use frontdesk_core::{Error, ErrorCode, Frontdesk, Role};

use crate::fixtures::{ADMIN_PASSWORD, env};

#[tokio::test]
async fn front_desk_cannot_manage_staff_or_read_audit() {
    let env = env().await;
    let desk = env.staff("desk", Role::FrontDesk).await;
    let err = env
        .api
        .create_staff_account(
            &desk,
            NewStaffAccount {
                username: "sneaky".into(),
                display_name: "Sneaky".into(),
                email: None,
                role: Role::Admin,
                password: "blue-harbour-77".into(),
                kiosk_pin: None,
            },
        )
        .await
        .expect_err("front desk must not create accounts");
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    assert!(
        err.to_string().contains("front desk"),
        "names the role: {err}"
    );
    assert!(env.api.audit(&desk, AuditQuery::default()).await.is_err());
}

#[tokio::test]
async fn manager_cannot_edit_employees_but_kiosk_cannot_read_the_log() {
    let env = env().await;
    let manager = env.staff("boss", Role::Manager).await;
    let err = env
        .api
        .create_employee(
            &manager,
            EmployeeInput {
                code: "E1".into(),
                name: "Someone".into(),
                ..Default::default()
            },
        )
        .await
        .expect_err("managers do not edit the directory");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let today = chrono::Utc::now().date_naive();
    let err = env
        .api
        .visits(
            &kiosk,
            frontdesk_core::visits::VisitQuery {
                site_id: None,
                date: today,
                status: None,
            },
        )
        .await
        .expect_err("the lobby screen must not list visits");
    assert_eq!(err.code(), ErrorCode::Forbidden);
}

#[tokio::test]
async fn wrong_password_fails_and_locks_after_five_tries() {
    let env = env().await;
    for _ in 0..5 {
        let e = env
            .api
            .login("admin", "nope-nope")
            .await
            .expect_err("wrong password");
        assert!(matches!(e, Error::BadCredentials), "{e}");
    }
    let e = env
        .api
        .login("admin", ADMIN_PASSWORD)
        .await
        .expect_err("locked even with the right password");
    assert!(matches!(e, Error::Locked(_)), "{e}");
    let e = env
        .api
        .login("nobody", "whatever1")
        .await
        .expect_err("unknown user");
    assert!(matches!(e, Error::BadCredentials));
    let failures = env.audit_with_prefix("auth.login_failed").await;
    let on_admin = failures
        .iter()
        .filter(|f| f.actor_name == "Ada Admin")
        .count();
    let anonymous = failures
        .iter()
        .filter(|f| f.actor_name == "Unknown user")
        .count();
    assert_eq!(on_admin, 5, "each failure on a real account is audited");
    assert_eq!(
        anonymous, 1,
        "and a failure with an unknown name, anonymously"
    );
}

#[tokio::test]
async fn secrets_never_reach_the_database_or_audit_log() {
    let env = env().await;
    let db = std::fs::read(env.api.data_dir().database()).expect("db file");
    let needle = ADMIN_PASSWORD.as_bytes();
    assert!(
        !db.windows(needle.len()).any(|w| w == needle),
        "the admin password must be stored only as a hash"
    );
    let log = env
        .api
        .audit(&env.admin.actor, AuditQuery::default())
        .await
        .expect("audit");
    let text = serde_json::to_string(&log).expect("json");
    assert!(!text.contains(ADMIN_PASSWORD));
}

#[tokio::test]
async fn init_twice_is_refused_and_reopen_keeps_data() {
    let env = env().await;
    let again = env
        .api
        .init(frontdesk_core::site::InitRequest {
            organisation: "Other".into(),
            site_name: "Other".into(),
            time_zone: "UTC".into(),
            admin_username: "x".into(),
            admin_display_name: "X".into(),
            admin_password: "blue-harbour-77".into(),
        })
        .await
        .expect_err("already set up");
    assert_eq!(again.code(), ErrorCode::Conflict);
    let device = env.api.device_id();
    let dir = env.api.data_dir().root().to_owned();
    env.api.close().await;
    let reopened = Frontdesk::open(&dir).await.expect("reopen");
    assert_eq!(reopened.device_id(), device, "the PC keeps its device id");
    assert!(reopened.login("admin", ADMIN_PASSWORD).await.is_ok());
}

#[tokio::test]
async fn bad_time_zone_names_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let api = Frontdesk::open(dir.path()).await.expect("open");
    let err = api
        .init(frontdesk_core::site::InitRequest {
            organisation: "Acme".into(),
            site_name: "HQ".into(),
            time_zone: "London".into(),
            admin_username: "admin".into(),
            admin_display_name: "Admin".into(),
            admin_password: "blue-harbour-77".into(),
        })
        .await
        .expect_err("not an IANA zone");
    assert!(
        matches!(err, Error::Validation { ref field, .. } if field == "time_zone"),
        "{err}"
    );
    assert!(
        !api.is_initialised().await.expect("query"),
        "nothing half-written"
    );
}
