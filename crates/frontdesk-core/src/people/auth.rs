//! Who is acting, and what they may do. Roles are enforced here, in the core, so every client (the
//! window, the kiosk, the CLI) gets the same answer.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result, Rule};

/// A staff account's role.
// Stored in `staff_accounts.role` under its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including staff accounts, settings, exports and erasure.
    Admin,
    /// Runs the desk: visitors, employees and enrolment, invites, reprints, evacuation list.
    FrontDesk,
    /// Reads the visit log and exports timesheets and reports.
    Manager,
}

impl Role {
    /// Every role: admin, front desk, manager.
    pub const ALL: [Role; 3] = [Role::Admin, Role::FrontDesk, Role::Manager];

    /// What a staff member with this role may do, in [`Permission::ALL`] order.
    pub fn permissions(self) -> Vec<Permission> {
        let kind = ActorKind::Staff(self);
        Permission::ALL
            .into_iter()
            .filter(|p| p.allowed(&kind))
            .collect()
    }

    /// The snake_case name the role is stored and serialised under (`admin`, `front_desk`,
    /// `manager`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::FrontDesk => "front_desk",
            Role::Manager => "manager",
        }
    }

    /// A role as typed by a person (the CLI), aliases accepted.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "front_desk" | "front-desk" | "frontdesk" => Some(Role::FrontDesk),
            "manager" => Some(Role::Manager),
            _ => None,
        }
    }
}

/// Things an actor may be allowed to do. Sent to clients in [`crate::AppStatus`] so they show only
/// what the signed-in account may use, without a copy of the role table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Create and list staff accounts. Admin only.
    ManageStaff,
    /// Create sites. Admin only.
    ManageSites,
    /// Change a site's settings. Admin only.
    ManageSettings,
    /// Add, edit and import employees and enrol their faces. Admin and front desk.
    ManageEmployees,
    /// Sign visitors in and out and print their badges. Admin, front desk and the kiosk.
    SignVisitors,
    /// Read visits, visitors, employees and attendance. Admin, front desk and manager.
    ViewVisits,
    /// Invite visitors ahead of their visit and cancel invitations. Admin and front desk.
    ManageInvites,
    /// Clock employees in and out (including by face). Admin, front desk and the kiosk.
    RecordAttendance,
    /// Correct and approve timesheets (together with [`Permission::ExportTimesheets`]). Admin and
    /// manager.
    CorrectAttendance,
    /// Export timesheets and read their corrections and approvals. Admin and manager.
    ExportTimesheets,
    /// Erase personal data such as an employee's enrolled faces. Admin only.
    EraseData,
    /// Read the audit log. Admin only.
    ViewAudit,
}

impl Permission {
    /// Every permission, in declaration order (the order permission lists are sent in).
    pub const ALL: [Permission; 12] = [
        Permission::ManageStaff,
        Permission::ManageSites,
        Permission::ManageSettings,
        Permission::ManageEmployees,
        Permission::SignVisitors,
        Permission::ViewVisits,
        Permission::ManageInvites,
        Permission::RecordAttendance,
        Permission::CorrectAttendance,
        Permission::ExportTimesheets,
        Permission::EraseData,
        Permission::ViewAudit,
    ];

    fn describe(self) -> &'static str {
        match self {
            Permission::ManageStaff => "manage staff accounts",
            Permission::ManageSites => "manage sites",
            Permission::ManageSettings => "change settings",
            Permission::ManageEmployees => "manage employees",
            Permission::SignVisitors => "sign visitors in or out",
            Permission::ViewVisits => "view visits",
            Permission::ManageInvites => "invite visitors",
            Permission::RecordAttendance => "record attendance",
            Permission::CorrectAttendance => "correct attendance",
            Permission::ExportTimesheets => "export timesheets",
            Permission::EraseData => "erase personal data",
            Permission::ViewAudit => "view the audit log",
        }
    }

    fn allowed(self, kind: &ActorKind) -> bool {
        use Permission::*;
        match kind {
            ActorKind::System => true,
            ActorKind::Kiosk => matches!(self, SignVisitors | RecordAttendance),
            ActorKind::Staff(Role::Admin) => true,
            ActorKind::Staff(Role::FrontDesk) => matches!(
                self,
                ManageEmployees | SignVisitors | ViewVisits | ManageInvites | RecordAttendance
            ),
            ActorKind::Staff(Role::Manager) => {
                matches!(self, ViewVisits | ExportTimesheets | CorrectAttendance)
            }
        }
    }
}

/// What kind of party an [`Actor`] is; decides its permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// A signed-in staff member, with their account's role.
    Staff(Role),
    /// The unattended visitor kiosk or clock-in camera of this PC.
    Kiosk,
    /// Frontdesk itself (scheduled jobs such as auto sign-out).
    System,
}

/// The authenticated party behind a request. Only the core constructs one: staff by logging in,
/// kiosks and system jobs through the facade.
#[derive(Debug, Clone)]
pub struct Actor {
    pub(crate) kind: ActorKind,
    pub(crate) id: Option<Uuid>,
    pub(crate) name: String,
    pub(crate) organisation_id: Uuid,
    pub(crate) device_id: Uuid,
}

impl Actor {
    /// Frontdesk itself acting (a scheduled job, retention, an anonymous sign-in failure), named as
    /// the audit log shows it.
    pub(crate) fn system(name: impl Into<String>, organisation_id: Uuid, device_id: Uuid) -> Self {
        Actor {
            kind: ActorKind::System,
            id: None,
            name: name.into(),
            organisation_id,
            device_id,
        }
    }

    /// What kind of party this is (staff with their role, the kiosk or the system).
    pub fn kind(&self) -> &ActorKind {
        &self.kind
    }

    /// The staff account id for a signed-in staff member; `None` for the kiosk and the system.
    pub fn staff_id(&self) -> Option<Uuid> {
        match self.kind {
            ActorKind::Staff(_) => self.id,
            _ => None,
        }
    }

    /// Who this is as the audit log records it: a staff member's display name, `Kiosk`, or a
    /// description of the system job.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn kind_str(&self) -> &'static str {
        match self.kind {
            ActorKind::Staff(_) => "staff",
            ActorKind::Kiosk => "kiosk",
            ActorKind::System => "system",
        }
    }

    /// Whether this actor holds `permission` (no error; see [`Actor::require`]).
    pub fn can(&self, permission: Permission) -> bool {
        permission.allowed(&self.kind)
    }

    /// Everything this actor may do, in [`Permission::ALL`] order.
    pub fn permissions(&self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.can(*p))
            .collect()
    }

    /// `Ok` if this actor holds `permission`, else [`Error::Forbidden`] naming the role and the
    /// action refused.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.can(permission) {
            return Ok(());
        }
        let role = match &self.kind {
            ActorKind::Staff(r) => r.as_str().replace('_', " "),
            ActorKind::Kiosk => "kiosk".into(),
            ActorKind::System => "system".into(),
        };
        Err(Error::Forbidden {
            role,
            action: permission.describe(),
        })
    }
}

const MIN_PASSWORD_LEN: usize = 8;

/// Passwords people pick first, refused whatever their length (compared lower-cased).
const COMMON_PASSWORDS: [&str; 30] = [
    "password",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "1q2w3e4r",
    "1qaz2wsx",
    "zaq12wsx",
    "abc12345",
    "abcd1234",
    "iloveyou",
    "sunshine",
    "football",
    "baseball",
    "superman",
    "princess",
    "welcome1",
    "welcome123",
    "letmein1",
    "changeme",
    "administrator",
];

/// The password rules for every new password (first administrator, new accounts, resets and
/// changes): at least [`MIN_PASSWORD_LEN`] characters, not a common password, not containing the
/// username (3 characters or more) and not one character repeated.
pub(crate) fn check_password_strength(field: &str, password: &str, username: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::invalid(
            field,
            Rule::PasswordTooShort {
                min: MIN_PASSWORD_LEN,
            },
        ));
    }
    if password.len() > 1024 {
        return Err(Error::invalid(field, Rule::TooLong { max: 1024 }));
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    let repeated = chars.all(|c| Some(c) == first);
    if COMMON_PASSWORDS.contains(&lower.as_str())
        || (user.chars().count() >= 3 && lower.contains(&user))
        || repeated
    {
        return Err(Error::invalid(field, Rule::PasswordWeak));
    }
    Ok(())
}

pub(crate) fn check_pin(field: &str, pin: &str) -> Result<()> {
    if !(4..=8).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(field, Rule::Pin));
    }
    Ok(())
}

/// Hashes a secret with argon2id off the async threads (it is deliberately slow).
pub(crate) async fn hash_secret(secret: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
}

pub(crate) async fn verify_secret(secret: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| Error::Internal(format!("stored hash unreadable: {e}")))?;
        Ok(Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(kind: ActorKind) -> Actor {
        Actor {
            kind,
            id: None,
            name: "t".into(),
            organisation_id: Uuid::nil(),
            device_id: Uuid::nil(),
        }
    }

    #[test]
    fn front_desk_cannot_manage_staff_export_or_erase() {
        let desk = actor(ActorKind::Staff(Role::FrontDesk));
        for p in [
            Permission::ManageStaff,
            Permission::ExportTimesheets,
            Permission::EraseData,
        ] {
            assert!(!desk.can(p), "front desk must not {p:?}");
            assert!(matches!(desk.require(p), Err(Error::Forbidden { .. })));
        }
        assert!(desk.can(Permission::SignVisitors));
    }

    #[test]
    fn kiosk_only_signs_visitors_and_records_attendance() {
        let kiosk = actor(ActorKind::Kiosk);
        assert!(kiosk.can(Permission::SignVisitors));
        assert!(kiosk.can(Permission::RecordAttendance));
        assert!(
            !kiosk.can(Permission::ViewVisits),
            "the lobby screen must not list visits"
        );
        assert!(!kiosk.can(Permission::ManageEmployees));
    }

    #[test]
    fn manager_exports_but_does_not_sign_visitors() {
        let m = actor(ActorKind::Staff(Role::Manager));
        assert!(m.can(Permission::ExportTimesheets));
        assert!(!m.can(Permission::SignVisitors));
        assert!(!m.can(Permission::ManageStaff));
    }

    #[test]
    fn permissions_list_exactly_what_can_allows() {
        for kind in [
            ActorKind::Staff(Role::Admin),
            ActorKind::Staff(Role::FrontDesk),
            ActorKind::Staff(Role::Manager),
            ActorKind::Kiosk,
        ] {
            let a = actor(kind.clone());
            let listed = a.permissions();
            for p in Permission::ALL {
                assert_eq!(
                    listed.contains(&p),
                    a.can(p),
                    "{kind:?}: the list the UI gets must agree with the check the core makes for {p:?}"
                );
            }
        }
        for role in Role::ALL {
            assert_eq!(
                role.permissions(),
                actor(ActorKind::Staff(role)).permissions(),
                "the table written for the UI's mock host is the one the core checks"
            );
        }
        assert_eq!(
            actor(ActorKind::Staff(Role::Admin)).permissions().len(),
            Permission::ALL.len(),
            "an administrator may do everything, so ALL must list every permission"
        );
    }

    #[test]
    fn weak_passwords_are_refused_with_their_rule() {
        let rule = |pw: &str| match check_password_strength("password", pw, "dana.desk") {
            Ok(()) => None,
            Err(Error::Validation { rule, .. }) => Some(rule),
            Err(e) => panic!("{e}"),
        };
        assert_eq!(rule("short"), Some(Rule::PasswordTooShort { min: 8 }));
        assert_eq!(
            rule("Password123"),
            Some(Rule::PasswordWeak),
            "common, any case"
        );
        assert_eq!(
            rule("my-dana.desk-pw"),
            Some(Rule::PasswordWeak),
            "holds the username"
        );
        assert_eq!(
            rule("zzzzzzzzzz"),
            Some(Rule::PasswordWeak),
            "one character"
        );
        assert_eq!(rule("river otter lamp"), None);
        assert_eq!(
            check_password_strength("password", "a b c d e f", "ab").ok(),
            Some(()),
            "a username under 3 characters is not looked for"
        );
    }

    #[tokio::test]
    async fn hashes_verify_only_the_right_secret() {
        let h = hash_secret("correct horse".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$"), "argon2id PHC string, got {h}");
        assert!(
            verify_secret("correct horse".into(), h.clone())
                .await
                .expect("verify")
        );
        assert!(
            !verify_secret("wrong horse".into(), h)
                .await
                .expect("verify")
        );
    }
}
