//! Scheduled runs survive a crash at any step and never run twice: the window and the
//! `run-due-exports` timer are two processes on one database, and either may die mid-run.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use frontdesk_core::documents::exports::{
    Every, ExportFormat, ExportKind, ExportRun, PeriodChoice, RunStatus, ScheduleSpec,
};
use frontdesk_core::{Actor, Frontdesk, Role};

use crate::fixtures::{Env, env, file_names};

/// The child process's data directory and the time it runs at (RFC 3339).
const CHILD_DIR: &str = "FRONTDESK_TEST_EXPORT_CHILD_DIR";
const CHILD_NOW: &str = "FRONTDESK_TEST_EXPORT_CHILD_NOW";
/// Read by the core's scheduled-export runner: abort right after this step.
const ABORT_AFTER: &str = "FRONTDESK_EXPORT_ABORT_AFTER";

fn daily_visit_log(folder: &Path) -> ScheduleSpec {
    ScheduleSpec {
        name: "Visit log".into(),
        site_id: None,
        kind: ExportKind::VisitLog,
        format: ExportFormat::Csv,
        department: None,
        every: Every::Daily,
        weekday: None,
        month_day: None,
        at: "06:00".into(),
        period: PeriodChoice::PreviousDay,
        days: None,
        folder: Some(folder.display().to_string()),
        enabled: true,
    }
}

/// A manager's daily schedule into a fresh folder, and its first due time.
async fn scheduled(env: &Env) -> (Actor, PathBuf, DateTime<Utc>) {
    let manager = env.staff("mia", Role::Manager).await;
    let folder = env._dir.path().join("out");
    let s = env
        .api
        .save_export_schedule(&manager, None, daily_visit_log(&folder))
        .await
        .expect("save schedule");
    (manager, folder, s.next_run_at.expect("next run"))
}

/// What must hold after any mix of crashes and reruns up to `now`: every due period exactly once,
/// in order from the first due time, each done run's file present and audited once, nothing left
/// due, and no temporary file left behind.
async fn assert_each_period_once(
    env: &Env,
    manager: &Actor,
    folder: &Path,
    first_due: DateTime<Utc>,
    now: DateTime<Utc>,
    why: &str,
) -> Vec<ExportRun> {
    let schedule = env
        .api
        .export_schedules(manager)
        .await
        .expect("schedules")
        .pop()
        .expect("one schedule");
    let mut runs = env
        .api
        .export_runs(manager, schedule.id)
        .await
        .expect("runs");
    runs.reverse();
    assert!(
        runs.len() >= 3,
        "{why}: three days of runs were due: {runs:?}"
    );
    assert_eq!(
        runs[0].due_at, first_due,
        "{why}: no period skipped at the start"
    );
    for pair in runs.windows(2) {
        assert_eq!(
            pair[1].period_start,
            pair[0].period_start + Duration::days(1),
            "{why}: consecutive periods, none skipped or repeated"
        );
    }
    assert!(
        runs.iter().all(|r| r.status == RunStatus::Done),
        "{why}: {runs:?}"
    );
    assert!(
        schedule.next_run_at.is_some_and(|t| t > now),
        "{why}: nothing left due"
    );
    let files = file_names(folder);
    assert!(
        files.iter().all(|f| !f.ends_with(".partial")),
        "{why}: no temporary file left: {files:?}"
    );
    assert!(
        files.iter().all(|f| !f.contains(" (")),
        "{why}: no second copy of a period's file: {files:?}"
    );
    assert_eq!(
        files.len(),
        runs.len(),
        "{why}: one file per run: {files:?}"
    );
    for r in &runs {
        let path = r.path.as_deref().expect("done runs name their file");
        assert!(Path::new(path).is_file(), "{why}: {path} exists");
    }
    let audit = env.audit_with_prefix("export.scheduled").await;
    let mut audited: Vec<String> = audit
        .iter()
        .filter_map(|a| {
            a.details
                .get("file")
                .and_then(|f| f.as_str())
                .map(String::from)
        })
        .collect();
    audited.sort();
    assert_eq!(
        audited, files,
        "{why}: every file audited once, no audit without its file"
    );
    runs
}

#[tokio::test]
async fn two_runners_on_one_schedule_write_each_period_once() {
    let env = env().await;
    let (manager, folder, first_due) = scheduled(&env).await;
    // A second process on the same data directory: its own pool, the same PC.
    let other = Frontdesk::open(env._dir.path()).await.expect("second open");
    assert_eq!(other.device_id(), env.api.device_id());
    let now = first_due + Duration::days(3);
    let (a, b) = tokio::join!(env.api.run_due_exports(now), other.run_due_exports(now));
    let (a, b) = (a.expect("runner a"), b.expect("runner b"));
    assert!(!a.is_empty() || !b.is_empty(), "someone made the runs");
    let runs = assert_each_period_once(&env, &manager, &folder, first_due, now, "concurrent").await;
    assert_eq!(
        a.len() + b.len(),
        runs.len(),
        "each run made by one runner only"
    );
}

/// Not a test of its own: the child process the crash test starts, which runs the due exports of
/// the data directory it is given (and is aborted at a step by `FRONTDESK_EXPORT_ABORT_AFTER`).
/// Started without its variables, it has nothing to do.
#[tokio::test]
async fn export_child_process() {
    let (Ok(dir), Ok(now)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_NOW)) else {
        return;
    };
    let now = DateTime::parse_from_rfc3339(&now)
        .expect("child time")
        .with_timezone(&Utc);
    let api = Frontdesk::open(dir).await.expect("child open");
    api.run_due_exports(now).await.expect("child run");
}

#[tokio::test]
async fn a_run_killed_at_any_step_is_finished_once_by_the_next() {
    for step in ["lease", "partial", "linked", "done"] {
        let env = env().await;
        let (manager, folder, first_due) = scheduled(&env).await;
        let now = first_due + Duration::days(2) + Duration::hours(1);
        let status = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "export_runs::export_child_process",
                "--exact",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, env._dir.path())
            .env(CHILD_NOW, now.to_rfc3339())
            .env(ABORT_AFTER, step)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("start child");
        assert!(!status.success(), "the child was killed after {step}");
        // The dead runner's lease expires; a later run takes it over and finishes the work.
        let later = now + Duration::hours(1);
        env.api.run_due_exports(later).await.expect("rerun");
        assert_each_period_once(
            &env,
            &manager,
            &folder,
            first_due,
            later,
            &format!("killed after {step}"),
        )
        .await;
    }
}

#[tokio::test]
async fn the_timer_process_and_the_window_at_once_write_each_period_once() {
    let env = env().await;
    let (manager, folder, first_due) = scheduled(&env).await;
    let now = first_due + Duration::days(3);
    // The timer's `run-due-exports` in its own process, while the window runs the same schedule.
    let mut timer = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "export_runs::export_child_process",
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, env._dir.path())
        .env(CHILD_NOW, now.to_rfc3339())
        .env_remove(ABORT_AFTER)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start timer process");
    let mine = env.api.run_due_exports(now).await.expect("window run");
    let status = tokio::task::spawn_blocking(move || timer.wait())
        .await
        .expect("wait task")
        .expect("timer process");
    assert!(status.success(), "the timer process ran cleanly");
    let runs =
        assert_each_period_once(&env, &manager, &folder, first_due, now, "two processes").await;
    assert!(mine.len() <= runs.len());
}
