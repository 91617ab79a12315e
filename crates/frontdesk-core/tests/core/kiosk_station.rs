//! The kiosk's own API: one-step sign-in with badge and host notification, QR codes shown to it,
//! sign-out by name, the staff PIN that leaves kiosk mode.

use std::sync::Arc;

use frontdesk_core::documents::badge_prints::PrintOutcome;
use frontdesk_core::documents::printing::FolderPrinter;
use frontdesk_core::kiosk::ScanResult;
use frontdesk_core::people::employees::EmployeeInput;
use frontdesk_core::people::staff::NewStaffAccount;
use frontdesk_core::site::settings::FieldRule;
use frontdesk_core::visits::visitors::VisitorDetails;
use frontdesk_core::visits::{SignInRequest, VisitStatus};
use frontdesk_core::{Error, ErrorKey, Role};

use crate::fixtures::env;

fn signed(name: &str) -> SignInRequest {
    SignInRequest {
        visitor: VisitorDetails {
            name: name.into(),
            company: Some("Globex".into()),
            ..Default::default()
        },
        agreement_version: Some("1".into()),
        signature_svg: Some("M1 1 L30 30".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_kiosk_sign_in_prints_the_badge_and_queues_the_host_notification() {
    let env = env().await;
    let printers = tempfile::tempdir().expect("printer dir");
    std::fs::create_dir(printers.path().join("lobby")).expect("queue");
    let api = env
        .api
        .clone()
        .with_print_system(Arc::new(FolderPrinter::new(printers.path())));
    let admin = &env.admin.actor;
    let site = api.home_site(admin).await.expect("site").id;
    let mut s = api.settings(admin, site).await.expect("settings");
    s.badge_printer = Some("lobby".into());
    api.update_settings(admin, site, s).await.expect("printer");
    let host = api
        .create_employee(
            admin,
            EmployeeInput {
                code: "E1".into(),
                name: "Hana Host".into(),
                email: Some("hana@example.com".into()),
                ..Default::default()
            },
        )
        .await
        .expect("host");
    let kiosk = api.kiosk_actor().await.expect("kiosk");
    let mut req = signed("Vic Visitor");
    req.host_employee_id = Some(host.id);
    let done = api.kiosk_sign_in(&kiosk, req).await.expect("kiosk sign-in");
    assert_eq!(done.visit.status, VisitStatus::CheckedIn);
    assert!(done.host_notified);
    assert!(
        matches!(done.badge, Some(PrintOutcome::Done | PrintOutcome::Pending)),
        "{:?}",
        done.badge
    );
    let pdfs = std::fs::read_dir(printers.path().join("lobby"))
        .expect("queue")
        .count();
    assert_eq!(pdfs, 1, "one badge reached the printer");
    let pending: (String, String) =
        sqlx::query_as("SELECT channel, status FROM host_notifications WHERE visit_id = ?")
            .bind(done.visit.id)
            .fetch_one(api.pool())
            .await
            .expect("notification row");
    assert_eq!(pending, ("email".into(), "pending".into()));
}

#[tokio::test]
async fn required_and_hidden_kiosk_fields_follow_the_site_setting() {
    let env = env().await;
    let admin = &env.admin.actor;
    let site = env.api.home_site(admin).await.expect("site").id;
    let mut s = env.api.settings(admin, site).await.expect("settings");
    s.kiosk_fields.email = FieldRule::Required;
    s.kiosk_fields.company = FieldRule::Hidden;
    env.api
        .update_settings(admin, site, s)
        .await
        .expect("fields");
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let err = env
        .api
        .kiosk_sign_in(&kiosk, signed("No Email"))
        .await
        .expect_err("email required");
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "visitor.email"),
        "{err}"
    );
    let mut ok = signed("Has Email");
    ok.visitor.email = Some("has@example.com".into());
    let done = env.api.kiosk_sign_in(&kiosk, ok).await.expect("with email");
    assert_eq!(done.visit.company, None, "a hidden field is not kept");
    assert_eq!(done.badge, None, "no badge printer is set");
}

#[tokio::test]
async fn a_badge_qr_signs_out_and_name_search_shows_only_masked_names() {
    let env = env().await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let visit = env
        .api
        .kiosk_sign_in(&kiosk, signed("Oscar Outgoing"))
        .await
        .expect("in")
        .visit;
    let found = env
        .api
        .kiosk_find_signed_in(&kiosk, "osc")
        .await
        .expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "O•••• O•••••••");
    assert!(
        env.api
            .kiosk_find_signed_in(&kiosk, "o")
            .await
            .expect("short")
            .is_empty()
    );

    match env
        .api
        .kiosk_scan(&kiosk, &format!("frontdesk:visit:{}", visit.id))
        .await
        .expect("scan badge")
    {
        ScanResult::SignedOut { first_name, .. } => assert_eq!(first_name, "Oscar"),
        other => panic!("expected a sign-out, got {other:?}"),
    }
    let after = env
        .api
        .visit(&env.admin.actor, visit.id)
        .await
        .expect("visit");
    assert_eq!(after.status, VisitStatus::CheckedOut);
    assert!(
        env.api
            .kiosk_scan(&kiosk, &format!("frontdesk:visit:{}", visit.id))
            .await
            .is_err(),
        "a second scan is a clear error, not a second sign-out"
    );
    let err = env
        .api
        .kiosk_scan(&kiosk, "frontdesk:visit:not-a-uuid")
        .await
        .expect_err("junk");
    assert_eq!(err.to_api().key, ErrorKey::InviteUnknown);
}

#[tokio::test]
async fn only_a_staff_pin_unlocks_the_kiosk_and_guessing_locks_it() {
    let env = env().await;
    env.api
        .create_staff_account(
            &env.admin.actor,
            NewStaffAccount {
                username: "desk".into(),
                display_name: "Dee Desk".into(),
                email: None,
                role: Role::FrontDesk,
                password: "kettle-morning-9".into(),
                kiosk_pin: Some("2468".into()),
            },
        )
        .await
        .expect("staff");
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    assert_eq!(
        env.api
            .kiosk_unlock(&kiosk, "2468")
            .await
            .expect("right PIN"),
        "Dee Desk"
    );
    assert!(
        env.api
            .kiosk_unlock(&env.admin.actor, "2468")
            .await
            .is_err(),
        "only the kiosk asks for a PIN"
    );
    for _ in 0..5 {
        let err = env
            .api
            .kiosk_unlock(&kiosk, "0000")
            .await
            .expect_err("wrong");
        assert!(matches!(err, Error::BadCredentials), "{err}");
    }
    let err = env
        .api
        .kiosk_unlock(&kiosk, "2468")
        .await
        .expect_err("locked after five wrong PINs");
    assert!(matches!(err, Error::Locked(_)), "{err}");
    assert_eq!(env.audit_with_prefix("kiosk.unlock_failed").await.len(), 5);
    assert_eq!(env.audit_with_prefix("kiosk.unlock").await.len(), 6);
}
