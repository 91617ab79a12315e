//! Administering staff accounts (role, disable, password reset, kiosk PIN) and the console session
//! (re-checked before every command, locked when idle, ended at logout).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{
    Actor, ActorKind, Permission, Role, check_password_strength, check_pin, hash_secret,
};
use crate::people::staff::{Session, StaffAccount, StaffRow};
use crate::{Frontdesk, audit, now_ms, store, text};

/// The editable part of a staff account, for [`Frontdesk::update_staff_account`]. The username
/// never changes (it is what the audit trail and people remember).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct StaffUpdate {
    /// Name shown in the window and the audit log; required, at most 200 characters.
    pub display_name: String,
    /// Contact address; blank or `None` for none.
    pub email: Option<String>,
    /// What the account may do. An administrator cannot take the role from themselves.
    pub role: Role,
    /// Only active accounts can sign in; disabling ends the account's sessions at once. An
    /// administrator cannot disable themselves, and the last active administrator stays one.
    pub active: bool,
}

/// Why a console was locked, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// Nobody used the console for the site's `console_lock_seconds`.
    Idle,
    /// Its user locked it (the Lock button).
    Manual,
}

impl Frontdesk {
    /// Changes a staff account's name, email, role or whether it is active (needs
    /// [`Permission::ManageStaff`]). Each change is audited on its own: `staff.update` (name,
    /// email), `staff.role_change`, `staff.disable`, `staff.enable`. Refused with
    /// [`Error::Conflict`] when administrators would demote or disable themselves, or when no
    /// active administrator would be left.
    pub async fn update_staff_account(
        &self,
        actor: &Actor,
        id: Uuid,
        update: StaffUpdate,
    ) -> Result<StaffAccount> {
        actor.require(Permission::ManageStaff)?;
        let display = text::required("display_name", &update.display_name, 200)?;
        let email = text::email("email", update.email.as_deref())?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let old = staff_row(&mut tx, actor, id).await?;
        let demoted =
            old.role == Role::Admin && old.active && !(update.role == Role::Admin && update.active);
        if demoted && actor.staff_id() == Some(id) {
            return Err(Error::Conflict(
                "you cannot remove your own administrator role or disable your own account; ask another administrator"
                    .into(),
            ));
        }
        if demoted {
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM staff_accounts
                 WHERE organisation_id = ? AND role = 'admin' AND active = 1 AND id <> ?",
            )
            .bind(actor.organisation_id)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if others == 0 {
                return Err(Error::Conflict(
                    "this is the last active administrator; make another account an administrator first"
                        .into(),
                ));
            }
        }
        sqlx::query(
            "UPDATE staff_accounts SET display_name = ?, email = ?, role = ?, active = ?,
                session_epoch = session_epoch + ?, updated_at = ? WHERE id = ?",
        )
        .bind(&display)
        .bind(&email)
        .bind(update.role)
        .bind(update.active)
        .bind(i64::from(old.active && !update.active))
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut changes = Vec::new();
        if old.display_name != display || old.email != email {
            changes.push((
                "staff.update",
                serde_json::json!({
                    "display_name": old.display_name != display,
                    "email": old.email != email,
                }),
            ));
        }
        if old.role != update.role {
            changes.push((
                "staff.role_change",
                serde_json::json!({ "from": old.role.as_str(), "to": update.role.as_str() }),
            ));
        }
        if old.active != update.active {
            let action = if update.active {
                "staff.enable"
            } else {
                "staff.disable"
            };
            changes.push((action, serde_json::json!({})));
        }
        for (action, details) in changes {
            let details = with_username(details, &old.username);
            audit::record(&mut tx, actor, action, "staff_account", Some(id), details).await?;
        }
        let row = staff_row(&mut tx, actor, id).await?;
        tx.commit().await?;
        Ok(StaffAccount::from(&row))
    }

    /// Sets a new password for a staff account (needs [`Permission::ManageStaff`]; audited as
    /// `staff.password_reset`, never with the password). The password rules apply; the account's
    /// lockout is lifted and its open sessions end.
    pub async fn reset_staff_password(
        &self,
        actor: &Actor,
        id: Uuid,
        password: String,
    ) -> Result<()> {
        actor.require(Permission::ManageStaff)?;
        let username = {
            let mut conn = self.pool.acquire().await?;
            staff_row(&mut conn, actor, id).await?.username
        };
        check_password_strength("password", &password, &username)?;
        let hash = hash_secret(password).await?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        staff_row(&mut tx, actor, id).await?;
        sqlx::query(
            "UPDATE staff_accounts SET password_hash = ?, failed_logins = 0, locked_until = NULL,
                session_epoch = session_epoch + 1, updated_at = ? WHERE id = ?",
        )
        .bind(hash)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let details = with_username(serde_json::json!({}), &username);
        audit::record(
            &mut tx,
            actor,
            "staff.password_reset",
            "staff_account",
            Some(id),
            details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets (4 to 8 digits) or, with `None`, clears the PIN a staff member types to leave the
    /// kiosk (needs [`Permission::ManageStaff`]; audited as `staff.kiosk_pin_set` or
    /// `staff.kiosk_pin_cleared`). Stored only as an argon2id hash.
    pub async fn set_staff_kiosk_pin(
        &self,
        actor: &Actor,
        id: Uuid,
        pin: Option<String>,
    ) -> Result<StaffAccount> {
        actor.require(Permission::ManageStaff)?;
        if let Some(p) = &pin {
            check_pin("kiosk_pin", p)?;
        }
        let hash = match pin {
            Some(p) => Some(hash_secret(p).await?),
            None => None,
        };
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let old = staff_row(&mut tx, actor, id).await?;
        sqlx::query("UPDATE staff_accounts SET kiosk_pin_hash = ?, updated_at = ? WHERE id = ?")
            .bind(&hash)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let action = if hash.is_some() {
            "staff.kiosk_pin_set"
        } else {
            "staff.kiosk_pin_cleared"
        };
        let details = with_username(serde_json::json!({}), &old.username);
        audit::record(&mut tx, actor, action, "staff_account", Some(id), details).await?;
        let row = staff_row(&mut tx, actor, id).await?;
        tx.commit().await?;
        Ok(StaffAccount::from(&row))
    }

    /// The session as the account now stands, for a window to call before each command: the
    /// role and name as stored now, or [`Error::SessionEnded`] when the account was disabled or
    /// its password reset since the session began.
    pub async fn resume_session(&self, session: &Session) -> Result<Session> {
        let row = sqlx::query_as::<_, StaffRow>("SELECT * FROM staff_accounts WHERE id = ?")
            .bind(session.account.id)
            .fetch_optional(&self.pool)
            .await?
            .filter(|r| r.active && r.session_epoch == session.epoch)
            .ok_or(Error::SessionEnded)?;
        let mut account = StaffAccount::from(&row);
        account.last_login_at = session.account.last_login_at;
        let mut actor = session.actor.clone();
        actor.kind = ActorKind::Staff(row.role);
        actor.name = row.display_name;
        Ok(Session {
            actor,
            account,
            epoch: row.session_epoch,
        })
    }

    /// Records that a console was locked (`auth.lock`, with the reason); the window then refuses
    /// staff commands until [`Frontdesk::unlock_session`].
    pub async fn lock_session(&self, session: &Session, reason: LockReason) -> Result<()> {
        let details = serde_json::json!({ "reason": reason });
        let id = Some(session.account.id);
        audit::record_alone(
            &self.pool,
            &session.actor,
            "auth.lock",
            "staff_account",
            id,
            details,
        )
        .await
    }

    /// Unlocks a locked console with its user's password (the login's lockout rules apply;
    /// audited as `auth.unlock`). Returns the session as the account now stands.
    pub async fn unlock_session(&self, session: &Session, password: &str) -> Result<Session> {
        let unlocked = self
            .authenticate(&session.account.username, password, Some("auth.unlock"))
            .await?;
        if unlocked.account.id != session.account.id {
            return Err(Error::BadCredentials);
        }
        Ok(unlocked)
    }

    /// Records the end of a session (`auth.logout`).
    pub async fn logout(&self, session: &Session) -> Result<()> {
        let id = Some(session.account.id);
        let details = serde_json::json!({});
        audit::record_alone(
            &self.pool,
            &session.actor,
            "auth.logout",
            "staff_account",
            id,
            details,
        )
        .await
    }

    /// A signed-in staff member changes their own password: the current one must be right (a
    /// wrong one counts towards the lockout) and the new one must follow the password rules.
    /// Audited as `auth.password_change`. Other sessions of the account end; the returned one
    /// continues this window's.
    pub async fn change_password(
        &self,
        session: &Session,
        current: &str,
        new: String,
    ) -> Result<Session> {
        let username = session.account.username.clone();
        check_password_strength("new_password", &new, &username)?;
        if new == current {
            return Err(Error::validation(
                "new_password",
                "must differ from the current password",
            ));
        }
        let checked = self
            .authenticate(&username, current, None)
            .await
            .map_err(|e| match e {
                Error::BadCredentials => Error::validation("current_password", "is not right"),
                other => other,
            })?;
        let hash = hash_secret(new).await?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        sqlx::query(
            "UPDATE staff_accounts SET password_hash = ?, session_epoch = session_epoch + 1,
                updated_at = ? WHERE id = ? AND active = 1",
        )
        .bind(hash)
        .bind(now_ms())
        .bind(checked.account.id)
        .execute(&mut *tx)
        .await?;
        let id = Some(checked.account.id);
        let details = serde_json::json!({});
        audit::record(
            &mut tx,
            &checked.actor,
            "auth.password_change",
            "staff_account",
            id,
            details,
        )
        .await?;
        tx.commit().await?;
        Ok(Session {
            epoch: checked.epoch + 1,
            ..checked
        })
    }
}

/// The staff account `id` in the actor's organisation, or [`Error::NotFound`].
async fn staff_row(conn: &mut sqlx::SqliteConnection, actor: &Actor, id: Uuid) -> Result<StaffRow> {
    sqlx::query_as::<_, StaffRow>(
        "SELECT * FROM staff_accounts WHERE id = ? AND organisation_id = ?",
    )
    .bind(id)
    .bind(actor.organisation_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound {
        entity: "staff account",
    })
}

fn with_username(mut details: serde_json::Value, username: &str) -> serde_json::Value {
    if let Some(map) = details.as_object_mut() {
        map.insert("username".into(), username.into());
    }
    details
}
