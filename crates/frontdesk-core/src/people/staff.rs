//! Staff accounts and logging in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{
    Actor, ActorKind, Permission, Role, check_password_strength, check_pin, hash_secret,
    verify_secret,
};
use crate::site::validate_username;
use crate::time::from_ms;
use crate::{Frontdesk, audit, new_id, now_ms, store, text};

/// Failed logins in a row before an account is locked for [`LOCKOUT_MS`].
const MAX_FAILED_LOGINS: i64 = 5;
const LOCKOUT_MS: i64 = 5 * 60 * 1000;

/// A staff account as the window lists it (no secrets).
#[derive(Debug, Clone, Serialize, TS)]
pub struct StaffAccount {
    /// Staff account id (UUID v7).
    pub id: Uuid,
    /// Login name, unique across the database.
    pub username: String,
    /// Name shown in the window and recorded in the audit log.
    pub display_name: String,
    /// Contact address, if one was given.
    pub email: Option<String>,
    /// What the account may do (see [`Role::permissions`]).
    pub role: Role,
    /// Only active accounts can log in.
    pub active: bool,
    /// Whether a kiosk PIN is set (the PIN itself is stored only as a hash).
    pub has_kiosk_pin: bool,
    /// The last successful login (UTC); `None` if the account has never logged in.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// The form for [`Frontdesk::create_staff_account`].
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewStaffAccount {
    /// Login name: at most 64 letters, digits and `. _ - @` (trimmed); must not be taken.
    pub username: String,
    /// Name shown in the window and the audit log; required, at most 200 characters.
    pub display_name: String,
    /// Optional contact address; must be a valid email address (blank counts as none).
    pub email: Option<String>,
    /// The new account's role.
    pub role: Role,
    /// Initial password: at least 8 characters; stored only as an argon2id hash.
    pub password: String,
    /// Optional kiosk PIN of 4 to 8 digits; stored only as an argon2id hash.
    pub kiosk_pin: Option<String>,
}

/// A logged-in staff member. A window keeps it and passes it to [`Frontdesk::resume_session`]
/// before each command, so a role changed meanwhile applies at once and a disabled account (or a
/// reset password) ends the session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The staff actor to pass to the facade's calls.
    pub actor: Actor,
    /// The account as it was when logging in (`last_login_at` is the previous login).
    pub account: StaffAccount,
    /// The account's `session_epoch` when it logged in.
    pub(crate) epoch: i64,
}

impl Frontdesk {
    /// Logs an active staff account in with its password, recording the login in the audit log.
    /// A wrong username or password is [`Error::BadCredentials`] (audited for a known account);
    /// five failures in a row lock the account for five minutes, refused with [`Error::Locked`].
    pub async fn login(&self, username: &str, password: &str) -> Result<Session> {
        self.authenticate(username, password, Some("auth.login"))
            .await
    }

    /// Checks `username`'s password with the lockout rules of [`Frontdesk::login`], and on success
    /// records `action` (`auth.login`, `auth.unlock`; `None` when the caller audits what follows)
    /// in the audit log.
    pub(crate) async fn authenticate(
        &self,
        username: &str,
        password: &str,
        action: Option<&str>,
    ) -> Result<Session> {
        let row = sqlx::query_as::<_, StaffRow>(
            "SELECT s.* FROM staff_accounts s JOIN organisations o ON o.id = s.organisation_id
             WHERE s.username = ? AND s.active = 1",
        )
        .bind(username.trim())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            // Same work as a real check, so timing does not reveal which usernames exist.
            let _ = verify_secret(password.to_string(), DUMMY_HASH.to_string()).await;
            self.audit_anonymous_login_failure().await?;
            return Err(Error::BadCredentials);
        };
        let now = now_ms();
        if let Some(until) = row.locked_until
            && until > now
        {
            return Err(locked_error(until));
        }
        let account = StaffAccount::from(&row);
        let actor = Actor {
            kind: ActorKind::Staff(account.role),
            id: Some(account.id),
            name: account.display_name.clone(),
            organisation_id: row.organisation_id,
            device_id: self.device_id,
        };
        // The slow hash check runs before the write lock is taken; the counter and the lock are
        // then read and changed in single statements under it, so parallel attempts (two
        // windows, the CLI) each count and a lock set meanwhile is honoured.
        let verified = verify_secret(password.to_string(), row.password_hash).await?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        if !verified {
            let lock_until = now + LOCKOUT_MS;
            let stored_until: Option<i64> = sqlx::query_scalar(
                "UPDATE staff_accounts SET
                    failed_logins = CASE WHEN failed_logins + 1 >= ?1 THEN 0 ELSE failed_logins + 1 END,
                    locked_until = CASE WHEN failed_logins + 1 >= ?1 THEN ?2 ELSE locked_until END
                 WHERE id = ?3 RETURNING locked_until",
            )
            .bind(MAX_FAILED_LOGINS)
            .bind(lock_until)
            .bind(account.id)
            .fetch_one(&mut *tx)
            .await?;
            let locked = stored_until == Some(lock_until);
            audit::record(
                &mut tx,
                &actor,
                "auth.login_failed",
                "staff_account",
                Some(account.id),
                serde_json::json!({ "locked": locked }),
            )
            .await?;
            tx.commit().await?;
            return Err(Error::BadCredentials);
        }
        let until: Option<i64> =
            sqlx::query_scalar("SELECT locked_until FROM staff_accounts WHERE id = ?")
                .bind(account.id)
                .fetch_one(&mut *tx)
                .await?;
        if let Some(until) = until.filter(|u| *u > now) {
            // Locked by a parallel attempt after this one started.
            return Err(locked_error(until));
        }
        sqlx::query(
            "UPDATE staff_accounts SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?",
        )
        .bind(now)
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
        if let Some(action) = action {
            let details = serde_json::json!({});
            audit::record(
                &mut tx,
                &actor,
                action,
                "staff_account",
                Some(account.id),
                details,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Session {
            actor,
            account,
            epoch: row.session_epoch,
        })
    }

    /// A sign-in with a username nobody has (or a disabled one), recorded as anonymous: the name
    /// typed is not kept (people type passwords into the wrong field).
    async fn audit_anonymous_login_failure(&self) -> Result<()> {
        let org: Option<Uuid> =
            sqlx::query_scalar("SELECT id FROM organisations ORDER BY created_at LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        let Some(organisation_id) = org else {
            return Ok(());
        };
        let anonymous = Actor::system("Unknown user", organisation_id, self.device_id);
        let details = serde_json::json!({ "reason": "unknown or disabled username" });
        audit::record_alone(
            &self.pool,
            &anonymous,
            "auth.login_failed",
            "staff_account",
            None,
            details,
        )
        .await
    }

    /// The actor for this PC's unattended kiosk (visitor sign-in, clock-in camera).
    pub async fn kiosk_actor(&self) -> Result<Actor> {
        let org: Uuid =
            sqlx::query_scalar("SELECT id FROM organisations ORDER BY created_at LIMIT 1")
                .fetch_optional(&self.pool)
                .await?
                .ok_or(Error::Conflict("Frontdesk is not set up yet".into()))?;
        Ok(Actor {
            kind: ActorKind::Kiosk,
            id: None,
            name: "Kiosk".into(),
            organisation_id: org,
            device_id: self.device_id,
        })
    }

    /// Creates a staff account (needs [`Permission::ManageStaff`]; audited as `staff.create`).
    /// Invalid fields or a username already taken are validation errors naming the field.
    pub async fn create_staff_account(
        &self,
        actor: &Actor,
        req: NewStaffAccount,
    ) -> Result<StaffAccount> {
        actor.require(Permission::ManageStaff)?;
        let username = validate_username("username", &req.username)?;
        let display = text::required("display_name", &req.display_name, 200)?;
        let email = text::email("email", req.email.as_deref())?;
        check_password_strength("password", &req.password, &username)?;
        if let Some(pin) = &req.kiosk_pin {
            check_pin("kiosk_pin", pin)?;
        }
        let hash = hash_secret(req.password).await?;
        let pin_hash = match req.kiosk_pin {
            Some(p) => Some(hash_secret(p).await?),
            None => None,
        };
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let taken: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM staff_accounts WHERE username = ?")
                .bind(&username)
                .fetch_one(&mut *tx)
                .await?;
        if taken > 0 {
            return Err(Error::validation(
                "username",
                format!("{username:?} is already taken"),
            ));
        }
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO staff_accounts (id, organisation_id, username, display_name, email, role, password_hash, kiosk_pin_hash, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(actor.organisation_id)
        .bind(&username)
        .bind(&display)
        .bind(&email)
        .bind(req.role)
        .bind(hash)
        .bind(&pin_hash)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "staff.create",
            "staff_account",
            Some(id),
            serde_json::json!({ "username": username, "role": req.role.as_str() }),
        )
        .await?;
        tx.commit().await?;
        Ok(StaffAccount {
            id,
            username,
            display_name: display,
            email,
            role: req.role,
            active: true,
            has_kiosk_pin: pin_hash.is_some(),
            last_login_at: None,
        })
    }

    /// The organisation's staff accounts, inactive ones included, by username (needs
    /// [`Permission::ManageStaff`]).
    pub async fn staff_accounts(&self, actor: &Actor) -> Result<Vec<StaffAccount>> {
        actor.require(Permission::ManageStaff)?;
        let rows = sqlx::query_as::<_, StaffRow>(
            "SELECT * FROM staff_accounts WHERE organisation_id = ? ORDER BY username",
        )
        .bind(actor.organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(StaffAccount::from).collect())
    }
}

fn locked_error(until_ms: i64) -> Error {
    Error::Locked(from_ms(until_ms).format("%H:%M UTC").to_string())
}

/// A `staff_accounts` row as stored (secrets included: it never leaves the `people` module).
#[derive(sqlx::FromRow)]
pub(super) struct StaffRow {
    pub(super) id: Uuid,
    pub(super) organisation_id: Uuid,
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) email: Option<String>,
    pub(super) role: Role,
    pub(super) active: bool,
    pub(super) password_hash: String,
    pub(super) kiosk_pin_hash: Option<String>,
    pub(super) locked_until: Option<i64>,
    pub(super) last_login_at: Option<i64>,
    pub(super) session_epoch: i64,
}

impl From<&StaffRow> for StaffAccount {
    fn from(r: &StaffRow) -> Self {
        StaffAccount {
            id: r.id,
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            email: r.email.clone(),
            role: r.role,
            active: r.active,
            has_kiosk_pin: r.kiosk_pin_hash.is_some(),
            last_login_at: r.last_login_at.map(from_ms),
        }
    }
}

/// A valid argon2id hash of a random string, verified against when a username does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0O3Tk4b0xI1n8GBXT/nkCBqC0Kd8YqVQ8TuF6nFq0bA";
