//! Frontdesk core: the domain, its storage in SQLite and the one API facade, [`Frontdesk`], that the
//! desktop window, the `frontdesk` CLI and the tests all call.
//!
//! Every method takes the [`Actor`] making the request; roles are checked here and every staff
//! mutation writes its audit row in the same transaction as the change itself.

//!
//! # Where things live
//!
//! The crate is grouped by domain; each folder's `mod.rs` opens with what it holds.
//!
//! | folder | holds | facade methods (examples) |
//! | --- | --- | --- |
//! | [`site`] | organisation, site, settings, start-up status | `init`, `status`, `site_settings`, `update_site_settings` |
//! | [`people`] | employees, CSV import, staff accounts, roles and sign-in | `employees`, `import_employees_csv`, `login`, `create_staff` |
//! | [`visits`] | visits, visitors, returning-visitor faces, who is on site | `sign_in_visitor`, `sign_out_visit`, `visits`, `on_site`, `search_visitors` |
//! | [`attendance`] | IN/OUT events, timesheet corrections and approvals | `record_attendance`, `correct_timesheet`, `approve_timesheet` |
//! | [`faces`] | enrolment, identification, the face index cache | `enrol_face`, `identify_face`, `clock_by_face` |
//! | [`documents`] | badges, timesheets, reports, evacuation list, exports, printing | `badge_pdf`, `print_badge`, `save_export`, `run_due_exports` |
//! | [`store`] | the SQLite pool, migrations, the data directory and this PC's device id | `device_id` |
//! | [`audit`] | the audit trail every staff action writes | `audit` |
//!
//! Cross-cutting helpers sit at the top level: `error` (one error type and its IPC form),
//! [`time`] (UTC storage, site-local days), `text` (normalisation), [`bindings`] (TypeScript export)
//! and [`demo`] (the demo database).

pub mod attendance;
pub mod audit;
pub mod bindings;
pub mod demo;
pub mod documents;
mod error;
pub mod faces;
pub mod people;
pub mod site;
pub mod store;
mod text;
pub mod time;
pub mod visits;

use std::path::Path;
use std::sync::Arc;

use sqlx::SqlitePool;
use uuid::Uuid;

pub use error::{ApiError, Error, ErrorCode, Result};
pub use people::auth::{Actor, ActorKind, Permission, Role};
pub use site::status::AppStatus;
pub use store::paths::DataDir;

/// The core API. Cheap to clone; all clones share one connection pool.
#[derive(Clone)]
pub struct Frontdesk {
    pool: SqlitePool,
    device_id: Uuid,
    data_dir: DataDir,
    printers: Arc<dyn documents::printing::PrintSystem>,
    /// Face models and gallery, loaded the first time a face is enrolled or identified.
    faces: Arc<tokio::sync::OnceCell<Arc<faces::FaceService>>>,
}

impl Frontdesk {
    /// Opens (creating if needed) the database in `data_dir` and brings its schema up to date.
    pub async fn open(data_dir: impl AsRef<Path>) -> Result<Self> {
        let data_dir = DataDir::new(data_dir.as_ref());
        let pool = store::db::open(&data_dir.database()).await?;
        let device_id = store::device::load_or_create(&data_dir, &pool).await?;
        Ok(Self {
            pool,
            device_id,
            data_dir,
            printers: documents::printing::configured(),
            faces: Arc::default(),
        })
    }

    /// The same API printing through `printers` instead of the OS print system (a
    /// [`documents::printing::FolderPrinter`], or a fake in tests).
    pub fn with_print_system(
        mut self,
        printers: Arc<dyn documents::printing::PrintSystem>,
    ) -> Self {
        self.printers = printers;
        self
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// This PC's id, recorded on visits, attendance and audit rows.
    pub fn device_id(&self) -> Uuid {
        self.device_id
    }

    /// Direct pool access for benchmarks and tests that load data in bulk.
    #[doc(hidden)]
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

pub(crate) fn new_id() -> Uuid {
    Uuid::now_v7()
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
