//! What a client needs to know at start-up: is the database set up, which site is this PC at.

use serde::Serialize;
use ts_rs::TS;

use crate::Frontdesk;
use crate::error::Result;
use crate::people::auth::{Actor, Permission};
use crate::people::staff::StaffAccount;
use crate::site::Site;

/// The start-up status returned by [`Frontdesk::status`].
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppStatus {
    /// Whether first-run set-up has been done; if not, the client shows set-up.
    pub initialised: bool,
    /// This PC's site; `None` before set-up.
    pub site: Option<Site>,
    /// True when the demo account exists with its published password (shown as a hint on the
    /// login screen of a demo database only).
    pub demo: bool,
    /// The signed-in staff member, filled in by the client shell.
    pub account: Option<StaffAccount>,
    /// What the signed-in account may do (empty when nobody is signed in). Clients show or hide
    /// features by these, never by a copy of the role table; the core still checks every call.
    pub permissions: Vec<Permission>,
    /// Seconds without a key press or click after which the console locks (the site's
    /// `console_lock_seconds`; 0 before set-up).
    pub console_lock_seconds: u32,
    /// The signed-in account's console is locked: the client shows the lock screen, and staff
    /// commands are refused until its user's password unlocks it.
    pub locked: bool,
}

impl AppStatus {
    /// The status as `actor`, signed in as `account`, sees it (`locked` when its console is).
    pub fn signed_in(self, actor: &Actor, account: StaffAccount, locked: bool) -> Self {
        Self {
            account: Some(account),
            permissions: actor.permissions(),
            locked,
            ..self
        }
    }
}

impl Frontdesk {
    /// The start-up status, read without signing in: whether the database is set up, this PC's
    /// site and whether it is a demo database. `account` and `permissions` are left empty.
    pub async fn status(&self) -> Result<AppStatus> {
        if !self.is_initialised().await? {
            return Ok(AppStatus {
                initialised: false,
                site: None,
                demo: false,
                account: None,
                permissions: Vec::new(),
                console_lock_seconds: 0,
                locked: false,
            });
        }
        let kiosk = self.kiosk_actor().await?;
        let site = self.home_site(&kiosk).await?;
        let settings = self.settings(&kiosk, site.id).await?;
        let demo: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE name = 'Demo Company'")
                .fetch_one(&self.pool)
                .await?;
        Ok(AppStatus {
            initialised: true,
            site: Some(site),
            demo: demo > 0,
            account: None,
            permissions: Vec::new(),
            console_lock_seconds: settings.console_lock_seconds,
            locked: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::auth::{ActorKind, Role};

    #[test]
    fn a_signed_in_status_lists_the_accounts_permissions() {
        let status = AppStatus {
            initialised: true,
            site: None,
            demo: false,
            account: None,
            permissions: Vec::new(),
            console_lock_seconds: 600,
            locked: false,
        };
        let actor = Actor {
            kind: ActorKind::Staff(Role::Manager),
            id: None,
            name: "Mia".into(),
            organisation_id: uuid::Uuid::nil(),
            device_id: uuid::Uuid::nil(),
        };
        let account = StaffAccount {
            id: uuid::Uuid::nil(),
            username: "mia".into(),
            display_name: "Mia".into(),
            email: None,
            role: Role::Manager,
            active: true,
            has_kiosk_pin: false,
            last_login_at: None,
        };
        let signed_in = status.signed_in(&actor, account, false);
        assert_eq!(
            signed_in.permissions,
            Role::Manager.permissions(),
            "the UI gets exactly the manager's permissions, from the core's table"
        );
        assert!(
            signed_in
                .permissions
                .contains(&Permission::ExportTimesheets)
        );
        assert!(!signed_in.permissions.contains(&Permission::ManageSettings));
        assert_eq!(
            signed_in.account.map(|a| a.username).as_deref(),
            Some("mia")
        );
    }
}
