//! Staff accounts administered by an administrator, and the console session every window command
//! re-checks: role changes apply at once, disabling or a password reset ends the session, lock and
//! unlock and logout are audited.

use frontdesk_core::people::staff::NewStaffAccount;
use frontdesk_core::people::staff_admin::{LockReason, StaffUpdate};
use frontdesk_core::{Error, ErrorCode, Permission, Role, Rule};

use crate::fixtures::{ADMIN_PASSWORD, Env, env};

fn update(name: &str, role: Role, active: bool) -> StaffUpdate {
    StaffUpdate {
        display_name: name.into(),
        email: None,
        role,
        active,
    }
}

#[tokio::test]
async fn a_role_change_applies_to_the_open_session_at_once_and_is_audited() {
    let env = env().await;
    let desk = env.staff_session("dana", Role::FrontDesk).await;
    assert!(!desk.actor.can(Permission::ExportTimesheets));
    let changed = env
        .api
        .update_staff_account(
            &env.admin.actor,
            desk.account.id,
            update("Dana Desk", Role::Manager, true),
        )
        .await
        .expect("change role");
    assert_eq!(changed.role, Role::Manager);
    assert_eq!(changed.display_name, "Dana Desk");
    let resumed = env
        .api
        .resume_session(&desk)
        .await
        .expect("still signed in");
    assert!(
        resumed.actor.can(Permission::ExportTimesheets),
        "the next command runs with the new role"
    );
    assert!(
        !resumed.actor.can(Permission::SignVisitors),
        "and without the old one's permissions"
    );
    assert_eq!(resumed.actor.name(), "Dana Desk");
    let audit = env.audit_with_prefix("staff.").await;
    let role_change = audit
        .iter()
        .find(|e| e.action == "staff.role_change")
        .expect("role change audited");
    assert_eq!(role_change.details["from"], "front_desk");
    assert_eq!(role_change.details["to"], "manager");
    assert_eq!(role_change.details["username"], "dana");
    assert!(
        audit.iter().any(|e| e.action == "staff.update"),
        "the new display name is its own entry"
    );
}

#[tokio::test]
async fn disabling_ends_the_session_and_refuses_the_next_login() {
    let env = env().await;
    let desk = env.staff_session("dana", Role::FrontDesk).await;
    env.api
        .update_staff_account(
            &env.admin.actor,
            desk.account.id,
            update("dana user", Role::FrontDesk, false),
        )
        .await
        .expect("disable");
    let err = env.api.resume_session(&desk).await.expect_err("ended");
    assert!(matches!(err, Error::SessionEnded), "{err}");
    assert_eq!(err.code(), ErrorCode::Unauthenticated);
    let err = env
        .api
        .login("dana", &Env::staff_password("dana"))
        .await
        .expect_err("disabled accounts cannot sign in");
    assert!(matches!(err, Error::BadCredentials), "{err}");
    assert_eq!(env.audit_with_prefix("staff.disable").await.len(), 1);

    env.api
        .update_staff_account(
            &env.admin.actor,
            desk.account.id,
            update("dana user", Role::FrontDesk, true),
        )
        .await
        .expect("enable again");
    let again = env
        .api
        .login("dana", &Env::staff_password("dana"))
        .await
        .expect("enabled accounts sign in");
    assert!(
        matches!(
            env.api.resume_session(&desk).await,
            Err(Error::SessionEnded)
        ),
        "the session from before the disable stays ended"
    );
    env.api
        .resume_session(&again)
        .await
        .expect("the new one works");
}

#[tokio::test]
async fn administrators_cannot_lock_themselves_or_everyone_out() {
    let env = env().await;
    let me = env.admin.account.id;
    let err = env
        .api
        .update_staff_account(&env.admin.actor, me, update("Ada", Role::Manager, true))
        .await
        .expect_err("not my own role");
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    let err = env
        .api
        .update_staff_account(&env.admin.actor, me, update("Ada", Role::Admin, false))
        .await
        .expect_err("not my own account");
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    // Renaming oneself is fine.
    env.api
        .update_staff_account(&env.admin.actor, me, update("Ada A.", Role::Admin, true))
        .await
        .expect("rename self");

    // A second administrator may demote the first, but not when that leaves none.
    let other = env.staff_session("bea", Role::Admin).await;
    env.api
        .update_staff_account(&other.actor, me, update("Ada A.", Role::FrontDesk, true))
        .await
        .expect("another admin remains");
    // Windows resume the session before each command: Ada's next one runs as front desk.
    let ada = env.api.resume_session(&env.admin).await.expect("resumed");
    assert!(!ada.actor.can(Permission::ManageStaff));
    let err = env
        .api
        .update_staff_account(
            &ada.actor,
            other.account.id,
            update("bea", Role::Manager, true),
        )
        .await
        .expect_err("Ada is front desk now: she may not manage staff");
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");

    let bob = env.staff_session("bob", Role::FrontDesk).await;
    let err = env
        .api
        .update_staff_account(
            &bob.actor,
            other.account.id,
            update("x", Role::Admin, false),
        )
        .await
        .expect_err("front desk cannot manage staff");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let err = env
        .api
        .update_staff_account(
            &other.actor,
            uuid::Uuid::now_v7(),
            update("x", Role::Admin, true),
        )
        .await
        .expect_err("unknown id");
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn the_last_active_administrator_stays_one() {
    let env = env().await;
    let bea = env.staff_session("bea", Role::Admin).await;
    // Bea disables Ada: Bea is now the only active admin.
    env.api
        .update_staff_account(
            &bea.actor,
            env.admin.account.id,
            update("Ada", Role::Admin, false),
        )
        .await
        .expect("disable Ada");
    let carl = env.staff_session_by(&bea, "carl", Role::Admin).await;
    // Carl demotes Bea: fine, Carl remains. Then nobody may demote Carl (the last one) — he
    // cannot himself, and nobody else is an admin.
    env.api
        .update_staff_account(
            &carl.actor,
            bea.account.id,
            update("bea", Role::Manager, true),
        )
        .await
        .expect("demote Bea");
    let err = env
        .api
        .update_staff_account(
            &carl.actor,
            carl.account.id,
            update("c", Role::Manager, true),
        )
        .await
        .expect_err("last admin");
    assert_eq!(err.code(), ErrorCode::Conflict);
}

impl Env {
    async fn staff_session_by(
        &self,
        admin: &frontdesk_core::people::staff::Session,
        username: &str,
        role: Role,
    ) -> frontdesk_core::people::staff::Session {
        let password = Env::staff_password(username);
        self.api
            .create_staff_account(
                &admin.actor,
                NewStaffAccount {
                    username: username.into(),
                    display_name: username.into(),
                    email: None,
                    role,
                    password: password.clone(),
                    kiosk_pin: None,
                },
            )
            .await
            .expect("create");
        self.api.login(username, &password).await.expect("login")
    }
}

#[tokio::test]
async fn a_password_reset_ends_sessions_lifts_the_lockout_and_follows_the_rules() {
    let env = env().await;
    let desk = env.staff_session("dana", Role::FrontDesk).await;
    for _ in 0..5 {
        let _ = env.api.login("dana", "not her password").await;
    }
    let err = env
        .api
        .login("dana", &Env::staff_password("dana"))
        .await
        .expect_err("locked after five failures");
    assert!(matches!(err, Error::Locked(_)), "{err}");

    let weak = env
        .api
        .reset_staff_password(&env.admin.actor, desk.account.id, "dana-2026!".into())
        .await
        .expect_err("holds the username");
    assert!(
        matches!(weak, Error::Validation { rule: Rule::PasswordWeak, ref field, .. } if field == "password"),
        "{weak}"
    );
    env.api
        .reset_staff_password(&env.admin.actor, desk.account.id, "maple syrup 7".into())
        .await
        .expect("reset");
    assert!(matches!(
        env.api.resume_session(&desk).await,
        Err(Error::SessionEnded)
    ));
    env.api
        .login("dana", "maple syrup 7")
        .await
        .expect("the new password works and the lock is lifted");
    let reset = env.audit_with_prefix("staff.password_reset").await;
    assert_eq!(reset.len(), 1);
    assert!(
        !reset[0].details.to_string().contains("maple"),
        "the password is never audited"
    );
}

#[tokio::test]
async fn changing_ones_own_password_keeps_this_session_and_checks_the_current_one() {
    let env = env().await;
    let desk = env.staff_session("dana", Role::FrontDesk).await;
    let other_window = env
        .api
        .login("dana", &Env::staff_password("dana"))
        .await
        .expect("second sign-in");
    let err = env
        .api
        .change_password(&desk, "wrong", "tulip garden 3".into())
        .await
        .expect_err("wrong current password");
    assert!(
        matches!(err, Error::Validation { ref field, .. } if field == "current_password"),
        "{err}"
    );
    let err = env
        .api
        .change_password(&desk, &Env::staff_password("dana"), "12345678".into())
        .await
        .expect_err("common password");
    assert!(matches!(
        err,
        Error::Validation {
            rule: Rule::PasswordWeak,
            ..
        }
    ));
    let changed = env
        .api
        .change_password(&desk, &Env::staff_password("dana"), "tulip garden 3".into())
        .await
        .expect("changed");
    env.api
        .resume_session(&changed)
        .await
        .expect("this window stays signed in");
    assert!(
        matches!(
            env.api.resume_session(&other_window).await,
            Err(Error::SessionEnded)
        ),
        "other sessions end"
    );
    env.api
        .login("dana", "tulip garden 3")
        .await
        .expect("new password");
    assert_eq!(env.audit_with_prefix("auth.password_change").await.len(), 1);
}

#[tokio::test]
async fn lock_unlock_and_logout_are_audited_and_unlock_needs_the_same_users_password() {
    let env = env().await;
    let desk = env.staff_session("dana", Role::FrontDesk).await;
    env.api
        .lock_session(&desk, LockReason::Idle)
        .await
        .expect("lock");
    let err = env
        .api
        .unlock_session(&desk, ADMIN_PASSWORD)
        .await
        .expect_err("another user's password does not unlock Dana's console");
    assert!(matches!(err, Error::BadCredentials), "{err}");
    let unlocked = env
        .api
        .unlock_session(&desk, &Env::staff_password("dana"))
        .await
        .expect("unlock");
    assert_eq!(unlocked.account.id, desk.account.id);
    env.api.logout(&unlocked).await.expect("logout");
    let auth = env.audit_with_prefix("auth.").await;
    let actions: Vec<&str> = auth
        .iter()
        .filter(|e| e.entity_id == Some(desk.account.id))
        .map(|e| e.action.as_str())
        .collect();
    // Newest first.
    assert_eq!(
        actions,
        [
            "auth.logout",
            "auth.unlock",
            "auth.login_failed",
            "auth.lock",
            "auth.login"
        ]
    );
    let lock = auth.iter().find(|e| e.action == "auth.lock").expect("lock");
    assert_eq!(lock.details["reason"], "idle");
}

#[tokio::test]
async fn kiosk_pins_are_set_and_cleared_by_administrators() {
    let env = env().await;
    let desk = env.staff_session("dana", Role::FrontDesk).await;
    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let err = env
        .api
        .set_staff_kiosk_pin(&env.admin.actor, desk.account.id, Some("12a4".into()))
        .await
        .expect_err("digits only");
    assert!(matches!(
        err,
        Error::Validation {
            rule: Rule::Pin,
            ..
        }
    ));
    let with_pin = env
        .api
        .set_staff_kiosk_pin(&env.admin.actor, desk.account.id, Some("482913".into()))
        .await
        .expect("set");
    assert!(with_pin.has_kiosk_pin);
    assert_eq!(
        env.api
            .kiosk_unlock(&kiosk, "482913")
            .await
            .expect("the PIN leaves the kiosk"),
        "dana user"
    );
    let cleared = env
        .api
        .set_staff_kiosk_pin(&env.admin.actor, desk.account.id, None)
        .await
        .expect("clear");
    assert!(!cleared.has_kiosk_pin);
    assert!(env.api.kiosk_unlock(&kiosk, "482913").await.is_err());
    let err = env
        .api
        .set_staff_kiosk_pin(&desk.actor, desk.account.id, Some("1111".into()))
        .await
        .expect_err("front desk does not set PINs");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let audit = env.audit_with_prefix("staff.kiosk_pin").await;
    assert_eq!(audit.len(), 2);
    assert!(
        !audit
            .iter()
            .any(|e| e.details.to_string().contains("482913"))
    );
}

#[tokio::test]
async fn a_failed_sign_in_with_an_unknown_name_is_recorded_as_anonymous() {
    let env = env().await;
    let err = env
        .api
        .login("my-password-typed-here", "whatever")
        .await
        .expect_err("nobody has that name");
    assert!(matches!(err, Error::BadCredentials));
    let failed = env.audit_with_prefix("auth.login_failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].actor_name, "Unknown user");
    assert_eq!(failed[0].actor_kind, "system");
    assert!(
        !failed[0].details.to_string().contains("my-password"),
        "what was typed is not kept"
    );
}
