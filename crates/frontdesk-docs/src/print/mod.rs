//! Printing through the operating system: list printers, submit a PDF with the right media size, and
//! follow the job to an outcome (done, failed, printer offline).
//!
//! Calls block (they run commands or talk IPP); the core runs them on a blocking thread and reports
//! progress to the UI, so the window never freezes. [`wait_for_job`] polls until an outcome or a timeout.
//!
//! - [`Cups`] (Linux, macOS): submission with `lp`, printers and job states over IPP from the CUPS
//!   scheduler (its local socket or `host:port`).
//! - [`WindowsSpooler`] (Windows): PowerShell's print-management cmdlets. It compiles everywhere so
//!   its command building and output parsing are unit-tested here, but it has not run against a real
//!   Windows spooler.

mod cups;
pub(crate) mod ipp;
mod windows;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use cups::Cups;
pub use windows::WindowsSpooler;

use crate::Result;

/// A print queue as the OS reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterInfo {
    pub name: String,
    pub description: String,
    pub is_default: bool,
    pub state: PrinterState,
    /// Why the printer is in this state, as the OS says it (for the staff console).
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Idle,
    Printing,
    /// Stopped, paused, disconnected, or refusing jobs.
    Offline,
}

/// What to print and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintOptions {
    /// Media name as the print system knows it, e.g. `Custom.100x62mm` or `A6`
    /// (see [`crate::badge::BadgeSize::cups_media`]).
    pub media: Option<String>,
    pub copies: u32,
    /// Job title shown in queues.
    pub title: String,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            media: None,
            copies: 1,
            title: "Frontdesk".into(),
        }
    }
}

/// A submitted job.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JobId {
    pub printer: String,
    pub id: u32,
}

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "message", rename_all = "snake_case")]
pub enum JobState {
    Pending,
    Printing,
    Done,
    Failed(String),
    /// The job waits because the printer is stopped or unreachable.
    Offline(String),
}

impl JobState {
    /// Whether polling can stop.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed(_) | JobState::Offline(_)
        )
    }
}

/// A print system: CUPS or the Windows spooler (or a fake in tests of callers).
pub trait PrintSystem: Send + Sync {
    fn list_printers(&self) -> Result<Vec<PrinterInfo>>;
    /// Submits a PDF; returns as soon as the job is queued.
    fn submit(&self, printer: &str, pdf: &[u8], options: &PrintOptions) -> Result<JobId>;
    fn job_state(&self, job: &JobId) -> Result<JobState>;
    /// Best effort: removes the job from the queue.
    fn cancel(&self, job: &JobId) -> Result<()>;
}

/// The print system of this OS.
pub fn system() -> Box<dyn PrintSystem> {
    #[cfg(windows)]
    {
        Box::new(WindowsSpooler::default())
    }
    #[cfg(not(windows))]
    {
        Box::new(Cups::default())
    }
}

/// Polls a job until it is done, failed or waiting on an offline printer, or `timeout` passes (then the
/// last seen state is returned, e.g. `Pending`). Blocking: run it off the UI thread.
pub fn wait_for_job(
    sys: &dyn PrintSystem,
    job: &JobId,
    timeout: Duration,
    poll: Duration,
) -> Result<JobState> {
    let start = Instant::now();
    loop {
        let state = sys.job_state(job)?;
        if state.is_final() || start.elapsed() >= timeout {
            return Ok(state);
        }
        std::thread::sleep(poll);
    }
}

/// What to do when staff print a badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ReprintDecision {
    /// First print of this badge: go ahead.
    Print,
    /// Printed before: ask staff to confirm (a second badge may be lost or misused).
    Warn { previous_prints: u32 },
}

/// Reprint guard: the core persists how often each badge was printed and asks before printing again.
/// `confirmed` is the staff's answer to the warning.
pub fn reprint_decision(previous_prints: u32, confirmed: bool) -> ReprintDecision {
    if previous_prints == 0 || confirmed {
        ReprintDecision::Print
    } else {
        ReprintDecision::Warn { previous_prints }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprint_guard_warns_until_confirmed() {
        assert_eq!(reprint_decision(0, false), ReprintDecision::Print);
        assert_eq!(
            reprint_decision(1, false),
            ReprintDecision::Warn { previous_prints: 1 }
        );
        assert_eq!(reprint_decision(3, true), ReprintDecision::Print);
    }

    struct Scripted(std::sync::Mutex<Vec<JobState>>);

    impl PrintSystem for Scripted {
        fn list_printers(&self) -> Result<Vec<PrinterInfo>> {
            Ok(Vec::new())
        }
        fn submit(&self, printer: &str, _: &[u8], _: &PrintOptions) -> Result<JobId> {
            Ok(JobId {
                printer: printer.into(),
                id: 1,
            })
        }
        fn job_state(&self, _: &JobId) -> Result<JobState> {
            let mut states = self
                .0
                .lock()
                .map_err(|_| crate::Error::Print("poisoned".into()))?;
            Ok(if states.len() > 1 {
                states.remove(0)
            } else {
                states.first().cloned().unwrap_or(JobState::Pending)
            })
        }
        fn cancel(&self, _: &JobId) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn waiting_stops_at_an_outcome_or_timeout() {
        let sys = Scripted(std::sync::Mutex::new(vec![
            JobState::Pending,
            JobState::Printing,
            JobState::Done,
        ]));
        let job = JobId {
            printer: "p".into(),
            id: 1,
        };
        let r = wait_for_job(&sys, &job, Duration::from_secs(5), Duration::from_millis(1));
        assert_eq!(r.ok(), Some(JobState::Done));
        let stuck = Scripted(std::sync::Mutex::new(vec![JobState::Pending]));
        let r = wait_for_job(
            &stuck,
            &job,
            Duration::from_millis(30),
            Duration::from_millis(5),
        );
        assert_eq!(
            r.ok(),
            Some(JobState::Pending),
            "timeout returns the last state"
        );
    }
}
