use frontdesk_core::audit::{AuditEntry, AuditQuery};
use frontdesk_core::people::employees::{Employee, EmployeeInput};
use frontdesk_core::people::staff::{NewStaffAccount, Session};
use frontdesk_core::site::InitRequest;
use frontdesk_core::{Actor, Frontdesk, Role};

/// The names of the files in `dir`, sorted (empty when the folder does not exist).
pub fn file_names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

pub const ADMIN_PASSWORD: &str = "amber-lantern-42";

pub struct Env {
    pub _dir: tempfile::TempDir,
    pub api: Frontdesk,
    pub admin: Session,
}

/// A fresh database in a temp dir with one site (Europe/London) and one admin.
pub async fn env() -> Env {
    let dir = tempfile::tempdir().expect("temp dir");
    let api = Frontdesk::open(dir.path()).await.expect("open database");
    api.init(InitRequest {
        organisation: "Acme Ltd".into(),
        site_name: "London HQ".into(),
        time_zone: "Europe/London".into(),
        admin_username: "admin".into(),
        admin_display_name: "Ada Admin".into(),
        admin_password: ADMIN_PASSWORD.into(),
    })
    .await
    .expect("init");
    let admin = api
        .login("admin", ADMIN_PASSWORD)
        .await
        .expect("admin login");
    Env {
        _dir: dir,
        api,
        admin,
    }
}

impl Env {
    /// The audit trail's entries whose action starts with `prefix`, as the admin sees them.
    pub async fn audit_with_prefix(&self, prefix: &str) -> Vec<AuditEntry> {
        self.api
            .audit(
                &self.admin.actor,
                AuditQuery {
                    action_prefix: Some(prefix.into()),
                    ..Default::default()
                },
            )
            .await
            .expect("audit")
    }

    /// An employee at the home site with only a code and a name, created by the admin.
    pub async fn employee(&self, code: &str, name: &str) -> Employee {
        self.api
            .create_employee(
                &self.admin.actor,
                EmployeeInput {
                    code: code.into(),
                    name: name.into(),
                    ..Default::default()
                },
            )
            .await
            .expect("create employee")
    }

    pub async fn staff(&self, username: &str, role: Role) -> Actor {
        self.staff_session(username, role).await.actor
    }

    /// The password [`Env::staff_session`] gives `username`.
    pub fn staff_password(username: &str) -> String {
        format!("river otter {}", username.len())
    }

    /// A new staff account with `role`, created by the admin, signed in.
    pub async fn staff_session(&self, username: &str, role: Role) -> Session {
        let password = Self::staff_password(username);
        self.api
            .create_staff_account(
                &self.admin.actor,
                NewStaffAccount {
                    username: username.into(),
                    display_name: format!("{username} user"),
                    email: None,
                    role,
                    password: password.clone(),
                    kiosk_pin: None,
                },
            )
            .await
            .expect("create staff");
        self.api.login(username, &password).await.expect("login")
    }
}

/// `rel` inside the shared test data (`../shared` beside the repository, or FRONTDESK_SHARED) if it
/// is there; `None`, with a note saying the test skips, without it.
pub fn shared_path(rel: &str) -> Option<std::path::PathBuf> {
    let root = std::env::var_os("FRONTDESK_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        });
    let path = root.join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: no shared test data at {}", path.display());
        None
    }
}

/// A real camera frame of a person, from the shared test data.
pub fn live_frame() -> Option<std::path::PathBuf> {
    shared_path("datasets/antispoof-samples/image_T1.jpg")
}
