//! What the kiosk relies on: the agreement rule, returning visitors, invitations, auto sign-out.

use chrono::{Duration, NaiveTime};
use frontdesk_core::visits::invites::{InviteStatus, NewInvite, RedeemInvite};
use frontdesk_core::visits::visitors::VisitorDetails;
use frontdesk_core::visits::{SignInRequest, SignOutMethod, VisitStatus};
use frontdesk_core::{Error, ErrorKey};

use crate::fixtures::env;

const SIGNATURE: &str = "M10 10 L40 25 Q60 40 80 12";

fn details(name: &str, email: &str) -> VisitorDetails {
    VisitorDetails {
        name: name.into(),
        company: Some("Globex Corporation".into()),
        email: Some(email.into()),
        phone: None,
    }
}

fn signed(name: &str, email: &str) -> SignInRequest {
    SignInRequest {
        visitor: details(name, email),
        agreement_version: Some("1".into()),
        signature_svg: Some(SIGNATURE.into()),
        remember_me: true,
        ..Default::default()
    }
}

/// "Is this you?" → yes: a returning visitor signs in by id with nothing typed or signed.
fn confirmed(visitor_id: uuid::Uuid) -> SignInRequest {
    SignInRequest {
        visitor_id: Some(visitor_id),
        ..Default::default()
    }
}

fn key(e: &Error) -> ErrorKey {
    e.to_api().key
}

#[tokio::test]
async fn the_kiosk_needs_a_signature_of_the_current_agreement() {
    let env = env().await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let mut unsigned = signed("Una Signed", "una@example.com");
    unsigned.signature_svg = None;
    let err = env
        .api
        .sign_in_visitor(&kiosk, unsigned)
        .await
        .expect_err("no signature");
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "signature_svg"),
        "{err}"
    );
    assert_eq!(key(&err), ErrorKey::Required);

    let mut stale = signed("Una Signed", "una@example.com");
    stale.agreement_version = Some("0".into());
    let err = env
        .api
        .sign_in_visitor(&kiosk, stale)
        .await
        .expect_err("old version");
    assert_eq!(key(&err), ErrorKey::AgreementChanged);

    let mut hostile = signed("Una Signed", "una@example.com");
    hostile.signature_svg = Some("M0 0\"/><script>alert(1)</script>".into());
    assert!(
        env.api.sign_in_visitor(&kiosk, hostile).await.is_err(),
        "only path data is kept as a signature"
    );

    let visit = env
        .api
        .sign_in_visitor(&kiosk, signed("Una Signed", "una@example.com"))
        .await
        .expect("signed");
    assert_eq!(visit.source, "kiosk");
    let audit = env.audit_with_prefix("visit.sign_in").await;
    assert_eq!(audit[0].details["agreement_version"], "1");

    // Staff at the desk may sign a walk-in in without a drawn signature.
    let mut desk = signed("Walk In", "walk@example.com");
    desk.signature_svg = None;
    desk.agreement_version = None;
    env.api
        .sign_in_visitor(&env.admin.actor, desk)
        .await
        .expect("desk sign-in needs no signature");
}

#[tokio::test]
async fn a_returning_visitor_is_masked_only_with_consent_and_re_signs_a_new_agreement() {
    let env = env().await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let first = env
        .api
        .sign_in_visitor(&kiosk, signed("Ada Lovelace", "ada@example.com"))
        .await
        .expect("first visit");
    env.api
        .sign_out_visit(&kiosk, first.id, SignOutMethod::Kiosk)
        .await
        .expect("out");
    let mut private = signed("Paul Private", "paul@example.com");
    private.remember_me = false;
    env.api
        .sign_in_visitor(&kiosk, private)
        .await
        .expect("private visit");

    let found = env
        .api
        .find_returning_visitor(&kiosk, "ADA@example.com")
        .await
        .expect("lookup")
        .expect("remembered");
    assert_eq!(found.name, "A•• L•••••••", "masked, never the full name");
    assert_eq!(found.company.as_deref(), Some("G••••• C••••••••••"));
    assert!(found.agreement_signed);
    assert!(
        env.api
            .find_returning_visitor(&kiosk, "paul@example.com")
            .await
            .expect("lookup")
            .is_none(),
        "a visitor who did not ask to be remembered is not offered"
    );

    // "Is this you?" → yes: signs in with the stored details and the earlier signature.
    let again = env
        .api
        .sign_in_visitor(&kiosk, confirmed(found.id))
        .await
        .expect("returning sign-in without typing or signing");
    assert_eq!(again.visitor_name, "Ada Lovelace");
    assert_eq!(again.company.as_deref(), Some("Globex Corporation"));
    env.api
        .sign_out_visit(&kiosk, again.id, SignOutMethod::Kiosk)
        .await
        .expect("out");

    // A new agreement version: the earlier signature no longer counts.
    let site = env.api.home_site(&env.admin.actor).await.expect("site");
    let mut settings = env
        .api
        .settings(&env.admin.actor, site.id)
        .await
        .expect("settings");
    settings.agreement_version = "2".into();
    settings.agreement_text = "New rules: hard hats on the shop floor.".into();
    env.api
        .update_settings(&env.admin.actor, site.id, settings)
        .await
        .expect("new agreement");
    let found = env
        .api
        .find_returning_visitor(&kiosk, "ada@example.com")
        .await
        .expect("lookup")
        .expect("still remembered");
    assert!(!found.agreement_signed, "version 2 was never signed");
    let err = env
        .api
        .sign_in_visitor(&kiosk, confirmed(found.id))
        .await
        .expect_err("must sign version 2");
    assert_eq!(key(&err), ErrorKey::Required);
}

fn invite_for(name: &str, date: chrono::NaiveDate) -> NewInvite {
    NewInvite {
        visitor: details(
            name,
            &format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        ),
        purpose: Some("Interview".into()),
        date: Some(date),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_invitation_signs_its_visitor_in_once() {
    let env = env().await;
    let admin = &env.admin.actor;
    let host = env.employee("E1", "Harriet Host").await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let today = frontdesk_core::time::today_in(chrono_tz::Europe::London);
    let mut req = invite_for("Ivy Invited", today);
    req.host_employee_id = Some(host.id);
    let invite = env.api.create_invite(admin, req).await.expect("invite");
    assert_eq!(invite.status, InviteStatus::Pending);
    assert!(invite.qr_payload.starts_with("frontdesk:invite:"));
    assert!(invite.qr_svg.starts_with("<svg"));
    let listed = env
        .api
        .invites(admin, None, today, today)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);

    let welcome = env
        .api
        .invite_welcome(&kiosk, &invite.qr_payload)
        .await
        .expect("welcome");
    assert_eq!(welcome.visitor_name, "Ivy Invited");
    assert_eq!(welcome.host_name.as_deref(), Some("Harriet Host"));

    let redeem = RedeemInvite {
        qr: invite.qr_payload.clone(),
        agreement_version: Some("1".into()),
        signature_svg: Some(SIGNATURE.into()),
        remember_me: false,
        photo_id: None,
    };
    let visit = env
        .api
        .redeem_invite(&kiosk, redeem.clone())
        .await
        .expect("redeem");
    assert_eq!(visit.status, VisitStatus::CheckedIn);
    assert_eq!(visit.source, "invite");
    assert_eq!(visit.host_name.as_deref(), Some("Harriet Host"));
    assert_eq!(visit.purpose.as_deref(), Some("Interview"));

    let err = env
        .api
        .redeem_invite(&kiosk, redeem)
        .await
        .expect_err("used once");
    assert_eq!(key(&err), ErrorKey::InviteUsed);
    assert_eq!(
        env.api.invite(admin, invite.id).await.expect("read").status,
        InviteStatus::Used
    );
    assert_eq!(env.audit_with_prefix("invite.create").await.len(), 1);
}

#[tokio::test]
async fn cancelled_early_unknown_and_past_invitations_get_their_own_message() {
    let env = env().await;
    let admin = &env.admin.actor;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let today = frontdesk_core::time::today_in(chrono_tz::Europe::London);

    let cancelled = env
        .api
        .create_invite(admin, invite_for("Carl Cancelled", today))
        .await
        .expect("invite");
    env.api
        .cancel_invite(admin, cancelled.id)
        .await
        .expect("cancel");
    let err = env
        .api
        .invite_welcome(&kiosk, &cancelled.qr_payload)
        .await
        .expect_err("cancelled");
    assert_eq!(key(&err), ErrorKey::InviteCancelled);
    assert!(
        env.api.cancel_invite(admin, cancelled.id).await.is_err(),
        "cancelling twice is a conflict"
    );
    assert_eq!(env.audit_with_prefix("invite.cancel").await.len(), 1);

    let later = env
        .api
        .create_invite(admin, invite_for("Lena Later", today + Duration::days(3)))
        .await
        .expect("invite");
    let err = env
        .api
        .invite_welcome(&kiosk, &later.qr_payload)
        .await
        .expect_err("too early");
    assert_eq!(key(&err), ErrorKey::InviteTooEarly);

    for junk in [
        "",
        "frontdesk:visit:123",
        "frontdesk:invite:00000000000000000000000000000000",
    ] {
        let err = env.api.invite_welcome(&kiosk, junk).await.expect_err(junk);
        assert_eq!(key(&err), ErrorKey::InviteUnknown, "{junk:?}");
    }

    let mut past = invite_for("Pat Past", today - Duration::days(1));
    past.until = Some(NaiveTime::from_hms_opt(10, 0, 0).expect("time"));
    let err = env.api.create_invite(admin, past).await.expect_err("past");
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "date"),
        "{err}"
    );

    let mut backwards = invite_for("Bo Backwards", today + Duration::days(1));
    backwards.from = NaiveTime::from_hms_opt(15, 0, 0);
    backwards.until = NaiveTime::from_hms_opt(9, 0, 0);
    let err = env
        .api
        .create_invite(admin, backwards)
        .await
        .expect_err("window");
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "until"),
        "{err}"
    );

    assert!(
        env.api
            .create_invite(&kiosk, invite_for("No Way", today))
            .await
            .is_err(),
        "the kiosk cannot invite"
    );
}

#[tokio::test]
async fn visitors_left_signed_in_are_signed_out_at_the_end_of_the_day() {
    let env = env().await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let visit = env
        .api
        .sign_in_visitor(&kiosk, signed("Lou Late", "lou@example.com"))
        .await
        .expect("signed in");
    let checked_in = visit.checked_in_at.expect("in");

    // Before the end of the day nothing happens.
    let none = env.api.auto_sign_out(checked_in).await.expect("early run");
    assert!(none.iter().all(|d| d.signed_out == 0), "{none:?}");

    // Two days later: closed at the evening of its own day (23:00 London), once.
    let later = checked_in + Duration::days(2);
    let done = env.api.auto_sign_out(later).await.expect("run");
    assert_eq!(done.iter().map(|d| d.signed_out).sum::<u32>(), 1);
    let out = env
        .api
        .visit(&env.admin.actor, visit.id)
        .await
        .expect("visit");
    assert_eq!(out.status, VisitStatus::CheckedOut);
    let closed = out.checked_out_at.expect("closed");
    assert!(
        closed > checked_in && closed - checked_in <= Duration::days(1),
        "{closed}"
    );
    assert_eq!(
        closed
            .with_timezone(&chrono_tz::Europe::London)
            .format("%H:%M")
            .to_string(),
        "23:00"
    );
    assert!(
        env.api
            .auto_sign_out(later)
            .await
            .expect("again")
            .is_empty(),
        "idempotent"
    );
    let audit = env.audit_with_prefix("visit.sign_out").await;
    assert_eq!(audit[0].details["method"], "auto");
}
