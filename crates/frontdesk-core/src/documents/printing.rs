//! Which print system the API prints through: the OS one (CUPS, the Windows spooler) by default, or a
//! [`FolderPrinter`] that writes each job as a PDF file into a folder, for PCs without a printer and
//! for tests of everything above the OS spooler. Printing a finished document and waiting for its
//! outcome is here too, for badges and the evacuation list alike.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use uuid::Uuid;

pub use frontdesk_docs::print::{
    JobId, JobState, PrintOptions, PrintSystem, PrinterInfo, PrinterState, system,
};

use frontdesk_docs::print::wait_for_job;
use frontdesk_docs::{Error as DocsError, Result as DocsResult};

use crate::audit;
use crate::documents::badge_prints::PrintOutcome;

/// How long a print waits for the print system to report an outcome.
pub(crate) const PRINT_TIMEOUT: Duration = Duration::from_secs(60);

/// Where a printed document ended, and what the print system said.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct DocumentPrint {
    /// The printer (queue) the job went to.
    pub printer: String,
    /// Printed, failed, offline (waiting in its queue) or still pending when we stopped waiting.
    pub outcome: PrintOutcome,
    /// What the print system said, when it said anything (e.g. why a job failed).
    pub message: Option<String>,
}

/// Environment variable naming a folder whose sub-folders act as printers (each job becomes a PDF
/// file there), instead of the OS print system: for PCs without a printer, and for tests.
pub const PRINT_DIR_ENV: &str = "FRONTDESK_PRINT_DIR";

/// The print system this process uses: a [`FolderPrinter`] when [`PRINT_DIR_ENV`] is set, else the
/// OS one.
pub fn configured() -> std::sync::Arc<dyn PrintSystem> {
    match std::env::var_os(PRINT_DIR_ENV).filter(|d| !d.is_empty()) {
        Some(dir) => std::sync::Arc::new(FolderPrinter::new(PathBuf::from(dir))),
        None => std::sync::Arc::from(system()),
    }
}

/// A print queue as the window lists it.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct Printer {
    /// Queue name, as given to [`crate::Frontdesk::print_badge`] or the badge printer setting.
    pub name: String,
    /// The print system's description of the queue (CUPS printer info, the Windows comment); may be
    /// empty.
    pub description: String,
    /// The OS's default printer.
    pub is_default: bool,
    /// Stopped, paused, disconnected or refusing jobs.
    pub offline: bool,
    /// What the print system says about the queue.
    pub message: String,
}

impl crate::Frontdesk {
    /// Sends `pdf` to `printer` and waits (on a blocking thread) up to [`PRINT_TIMEOUT`] for the
    /// print system's verdict. Never fails: a refused or lost job is a `Failed` outcome with why.
    pub(crate) async fn print_and_wait(
        &self,
        printer: &str,
        pdf: Vec<u8>,
        options: PrintOptions,
    ) -> (PrintOutcome, Option<String>) {
        let sys = self.printers.clone();
        let queue = printer.to_string();
        let state = tokio::task::spawn_blocking(move || {
            let job = sys.submit(&queue, &pdf, &options)?;
            wait_for_job(
                sys.as_ref(),
                &job,
                PRINT_TIMEOUT,
                Duration::from_millis(300),
            )
        })
        .await;
        match state {
            Ok(Ok(JobState::Done)) => (PrintOutcome::Done, None),
            Ok(Ok(JobState::Failed(m))) => (PrintOutcome::Failed, Some(m)),
            Ok(Ok(JobState::Offline(m))) => (PrintOutcome::Offline, Some(m)),
            Ok(Ok(JobState::Pending | JobState::Printing)) => (
                PrintOutcome::Pending,
                Some(format!(
                    "still printing after {} s",
                    PRINT_TIMEOUT.as_secs()
                )),
            ),
            Ok(Err(e)) => (PrintOutcome::Failed, Some(e.to_string())),
            Err(e) => {
                tracing::error!(error = %e, "print task");
                (PrintOutcome::Failed, Some("the print task stopped".into()))
            }
        }
    }

    /// Prints the evacuation list of a site (default: this PC's) on A4 at `printer`, in one step
    /// for the roll call. Audited twice, like badges: the attempt before the job is sent, and its
    /// outcome.
    pub async fn print_evacuation_list(
        &self,
        actor: &crate::Actor,
        site_id: Option<Uuid>,
        printer: &str,
    ) -> crate::Result<DocumentPrint> {
        let printer = crate::text::required("printer", printer, 200)?;
        let (site_id, _) = self.site_and_tz(actor, site_id).await?;
        let list = self.evacuation_list_pdf(actor, Some(site_id)).await?;
        let mut tx = crate::store::db::begin_immediate(&self.pool).await?;
        audit::record(
            &mut tx,
            actor,
            "evacuation.print",
            "site",
            Some(site_id),
            serde_json::json!({ "printer": printer }),
        )
        .await?;
        tx.commit().await?;
        let options = PrintOptions {
            media: Some("A4".into()),
            copies: 1,
            title: "evacuation list".into(),
        };
        let (outcome, message) = self.print_and_wait(&printer, list.bytes, options).await;
        let mut tx = crate::store::db::begin_immediate(&self.pool).await?;
        audit::record(
            &mut tx,
            actor,
            "evacuation.print_outcome",
            "site",
            Some(site_id),
            serde_json::json!({ "printer": printer, "outcome": outcome.as_str(), "message": message }),
        )
        .await?;
        tx.commit().await?;
        Ok(DocumentPrint {
            printer,
            outcome,
            message,
        })
    }

    /// The print queues the OS knows (for choosing the badge printer).
    pub async fn printers(&self, actor: &crate::Actor) -> crate::Result<Vec<Printer>> {
        if !actor.can(crate::Permission::ManageSettings) {
            actor.require(crate::Permission::SignVisitors)?;
        }
        let sys = self.printers.clone();
        let list = tokio::task::spawn_blocking(move || sys.list_printers())
            .await
            .map_err(|e| crate::Error::Internal(format!("printer task: {e}")))?
            .map_err(|e| crate::Error::Conflict(format!("cannot list printers: {e}")))?;
        Ok(list
            .into_iter()
            .map(|p| Printer {
                offline: p.state == PrinterState::Offline,
                name: p.name,
                description: p.description,
                is_default: p.is_default,
                message: p.message,
            })
            .collect())
    }
}

/// A "print system" whose printers are the sub-folders of one folder: printing to `labels` writes
/// `labels/<n>.pdf`. A printer folder holding a file named `OFFLINE` behaves like an offline printer
/// (the job is kept but not done); a printer without a folder does not exist, so the job fails.
#[derive(Debug)]
pub struct FolderPrinter {
    root: PathBuf,
    next: AtomicU32,
}

/// The marker file that makes a [`FolderPrinter`] queue offline.
pub const OFFLINE_MARKER: &str = "OFFLINE";

impl FolderPrinter {
    /// A print system whose printers are the sub-folders of `root`; nothing is created or checked
    /// until a job is printed or the printers are listed.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            next: AtomicU32::new(1),
        }
    }

    fn queue(&self, name: &str) -> DocsResult<PathBuf> {
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !name.starts_with('.');
        let dir = self.root.join(name);
        if ok && dir.is_dir() {
            Ok(dir)
        } else {
            Err(DocsError::Print(format!("no printer named {name:?}")))
        }
    }

    fn offline(dir: &Path) -> bool {
        dir.join(OFFLINE_MARKER).exists()
    }
}

impl PrintSystem for FolderPrinter {
    fn list_printers(&self) -> DocsResult<Vec<PrinterInfo>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            if !entry.file_type()?.is_dir() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let offline = Self::offline(&entry.path());
            out.push(PrinterInfo {
                description: format!("folder {}", entry.path().display()),
                is_default: false,
                state: if offline {
                    PrinterState::Offline
                } else {
                    PrinterState::Idle
                },
                message: if offline {
                    "offline".into()
                } else {
                    String::new()
                },
                name,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn submit(&self, printer: &str, pdf: &[u8], _options: &PrintOptions) -> DocsResult<JobId> {
        let dir = self.queue(printer)?;
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        // Never overwrite an earlier job (ids restart with the process).
        let mut n = id;
        let mut path = dir.join(format!("{n}.pdf"));
        while path.exists() {
            n += 1;
            path = dir.join(format!("{n}.pdf"));
        }
        self.next.fetch_max(n + 1, Ordering::Relaxed);
        std::fs::write(&path, pdf)?;
        Ok(JobId {
            printer: printer.to_string(),
            id: n,
        })
    }

    fn job_state(&self, job: &JobId) -> DocsResult<JobState> {
        let dir = self.queue(&job.printer)?;
        Ok(if Self::offline(&dir) {
            JobState::Offline("the printer is offline".into())
        } else if dir.join(format!("{}.pdf", job.id)).exists() {
            JobState::Done
        } else {
            JobState::Failed("the job disappeared".into())
        })
    }

    fn cancel(&self, _job: &JobId) -> DocsResult<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_printer_outcomes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir(dir.path().join("desk")).unwrap_or_else(|e| panic!("{e}"));
        let p = FolderPrinter::new(dir.path());
        let job = p
            .submit("desk", b"%PDF-1.7", &PrintOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.job_state(&job).ok(), Some(JobState::Done));
        assert!(
            dir.path().join("desk/1.pdf").exists(),
            "job written as file"
        );
        assert!(
            p.submit("missing", b"x", &PrintOptions::default()).is_err(),
            "an unknown queue fails"
        );
        assert!(
            p.submit("../desk", b"x", &PrintOptions::default()).is_err(),
            "names cannot leave the folder"
        );
        std::fs::write(dir.path().join("desk").join(OFFLINE_MARKER), "")
            .unwrap_or_else(|e| panic!("{e}"));
        let job = p
            .submit("desk", b"%PDF-1.7", &PrintOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(p.job_state(&job), Ok(JobState::Offline(_))));
        let list = p.list_printers().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].state, PrinterState::Offline);
    }
}
