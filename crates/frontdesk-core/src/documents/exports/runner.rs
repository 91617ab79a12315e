//! Running due schedules, safely against crashes and a second runner (the window and the
//! `run-due-exports` timer are two processes on one database).
//!
//! A run goes in steps, each recorded before the next: (1) take the schedule's lease
//! (`export_leases`, `BEGIN IMMEDIATE`); (2) write the file under a temporary `.partial` name and
//! flush it and its folder to disk; (3) link it into place under a free name, recorded first; (4)
//! mark the run done and audit it in one transaction, then remove the `.partial`. A runner that
//! dies leaves its lease to expire; the next runner takes it over and finishes the recorded run
//! (a linked file is recognised, not written twice), and sweeps `.partial` files nobody holds.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::request::{Export, ExportRequest};
use super::schedule::{ExportRun, RunStatus, SELECT_SCHEDULE, StoredSchedule, schedule_from_row};
use crate::documents::files;
use crate::error::{Error, Result};
use crate::people::auth::{Actor, ActorKind, Role};
use crate::time::{from_ms, to_ms};
use crate::{Frontdesk, audit, new_id, now_ms};

/// Runs caught up per schedule in one call; the rest follow on the next.
const CATCH_UP_PER_CALL: usize = 12;
/// Longest wait before retrying a failed run.
const MAX_RETRY_MINUTES: i64 = 60;
/// How long a lease holds without being renewed (renewed at every run); a runner that has not
/// renewed it for this long is taken to be dead.
const LEASE_MS: i64 = 10 * 60_000;

/// Test hook: `FRONTDESK_EXPORT_ABORT_AFTER=lease|partial|linked|done` kills the process right
/// after that step, as a power cut would (the crash tests in `tests/core/export_runs.rs`).
fn abort_after(step: &str) {
    if std::env::var("FRONTDESK_EXPORT_ABORT_AFTER").is_ok_and(|s| s == step) {
        std::process::abort();
    }
}

/// The time a runner call works at: the caller's `now`, moved on by the time spent since.
struct Clock {
    now: DateTime<Utc>,
    started: Instant,
}

impl Clock {
    fn ms(&self) -> i64 {
        to_ms(self.now) + i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX / 2)
    }
}

/// What a lease row records of the run in progress.
struct LeaseProgress {
    due_at: Option<i64>,
    partial: Option<PathBuf>,
    file: Option<PathBuf>,
    message: Option<String>,
}

/// One due run being made: when it fell due, the days it covers, and which attempt this is.
struct Due {
    at: DateTime<Utc>,
    period: frontdesk_rules::Period,
    attempt: i64,
}

/// A run's outcome: its file and warnings, or why it failed (as staff read it).
type Outcome = std::result::Result<(PathBuf, Option<String>), String>;

impl Frontdesk {
    /// The actor a schedule runs as: its owner with their role now, if the account is active.
    async fn schedule_owner(&self, owner_id: Uuid) -> Result<std::result::Result<Actor, String>> {
        let row = sqlx::query(
            "SELECT organisation_id, display_name, role, active FROM staff_accounts WHERE id = ?",
        )
        .bind(owner_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(Err("the schedule's owner no longer exists".into()));
        };
        if !row.try_get::<bool, _>("active")? {
            return Ok(Err(
                "the schedule's owner account is disabled; save the schedule again to take it over"
                    .into(),
            ));
        }
        let role_name: String = row.try_get("role")?;
        let Some(role) = Role::parse(&role_name) else {
            return Ok(Err(format!("the owner's role {role_name:?} is unknown")));
        };
        let name: String = row.try_get("display_name")?;
        Ok(Ok(Actor {
            kind: ActorKind::Staff(role),
            id: Some(owner_id),
            name: format!("{name} (scheduled export)"),
            organisation_id: row.try_get("organisation_id")?,
            device_id: self.device_id,
        }))
    }

    /// Runs every export of this PC's schedules that fell due by `now` (catching up runs missed while
    /// the PC was off, oldest first) and retries failed runs whose delay has passed. The window calls
    /// this every minute; `frontdesk exports run-due` does the same from a system timer; a schedule
    /// another runner is making now is left to it. Returns the runs made in this call.
    pub async fn run_due_exports(&self, now: DateTime<Utc>) -> Result<Vec<ExportRun>> {
        let clock = Clock {
            now,
            started: Instant::now(),
        };
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM export_schedules WHERE device_id = ? AND enabled = 1 ORDER BY created_at",
        )
        .bind(self.device_id)
        .fetch_all(&self.pool)
        .await?;
        let mut made = Vec::new();
        for id in ids {
            let holder = new_id();
            let leased = match self.take_lease(id, holder, &clock).await {
                Ok(leased) => leased,
                Err(e) => {
                    tracing::error!(schedule = %id, error = %e, "export lease");
                    continue;
                }
            };
            if !leased {
                continue;
            }
            abort_after("lease");
            if let Err(e) = self.run_schedule(id, holder, &clock, &mut made).await {
                // One broken schedule must not stop the others.
                tracing::error!(schedule = %id, error = %e, "scheduled export");
            }
            if let Err(e) =
                sqlx::query("DELETE FROM export_leases WHERE schedule_id = ? AND holder = ?")
                    .bind(id)
                    .bind(holder)
                    .execute(&self.pool)
                    .await
            {
                tracing::error!(schedule = %id, error = %e, "releasing export lease");
            }
        }
        Ok(made)
    }

    /// Takes the schedule's lease unless a live runner holds it; an expired lease is taken over
    /// with the progress it records.
    async fn take_lease(&self, schedule_id: Uuid, holder: Uuid, clock: &Clock) -> Result<bool> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let expires: Option<i64> =
            sqlx::query_scalar("SELECT expires_at FROM export_leases WHERE schedule_id = ?")
                .bind(schedule_id)
                .fetch_optional(&mut *tx)
                .await?;
        if expires.is_some_and(|t| t > clock.ms()) {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO export_leases (schedule_id, holder, expires_at) VALUES (?, ?, ?)
             ON CONFLICT (schedule_id) DO UPDATE SET holder = excluded.holder,
                expires_at = excluded.expires_at",
        )
        .bind(schedule_id)
        .bind(holder)
        .bind(clock.ms() + LEASE_MS)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Renews the lease and records the run's progress; fails if another runner took it over.
    async fn record_lease(
        &self,
        schedule_id: Uuid,
        holder: Uuid,
        clock: &Clock,
        p: &LeaseProgress,
    ) -> Result<()> {
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        let done = sqlx::query(
            "UPDATE export_leases SET expires_at = ?, due_at = ?, partial_path = ?, file_path = ?,
                message = ?
             WHERE schedule_id = ? AND holder = ?",
        )
        .bind(clock.ms() + LEASE_MS)
        .bind(p.due_at)
        .bind(path(&p.partial))
        .bind(path(&p.file))
        .bind(&p.message)
        .bind(schedule_id)
        .bind(holder)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::Conflict(
                "another runner took this schedule over".into(),
            ));
        }
        Ok(())
    }

    async fn lease_progress(&self, schedule_id: Uuid) -> Result<LeaseProgress> {
        let row = sqlx::query(
            "SELECT due_at, partial_path, file_path, message FROM export_leases WHERE schedule_id = ?",
        )
        .bind(schedule_id)
        .fetch_one(&self.pool)
        .await?;
        let path = |col: &str| -> Result<Option<PathBuf>> {
            Ok(row.try_get::<Option<String>, _>(col)?.map(PathBuf::from))
        };
        Ok(LeaseProgress {
            due_at: row.try_get("due_at")?,
            partial: path("partial_path")?,
            file: path("file_path")?,
            message: row.try_get("message")?,
        })
    }

    /// Removes this schedule's `.partial` files in `dir` that its lease does not record (left by a
    /// runner that died after finishing, or before recording them). Only the lease holder writes
    /// a schedule's partials, so any other is stale.
    async fn sweep_partials(&self, schedule_id: Uuid, dir: PathBuf) -> Result<()> {
        let tag = schedule_id.simple().to_string();
        let listed = {
            let dir = dir.clone();
            files::blocking(format!("reading {}", dir.display()), move || {
                let mut found = Vec::new();
                match std::fs::read_dir(&dir) {
                    Ok(entries) => {
                        for e in entries.flatten() {
                            if e.file_name()
                                .to_str()
                                .is_some_and(|n| files::is_partial(n) && n.contains(&tag))
                            {
                                found.push(e.path());
                            }
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                Ok(found)
            })
            .await?
        };
        if listed.is_empty() {
            return Ok(());
        }
        let held: Vec<Option<String>> =
            sqlx::query_scalar("SELECT partial_path FROM export_leases WHERE schedule_id = ?")
                .bind(schedule_id)
                .fetch_all(&self.pool)
                .await?;
        for stale in listed {
            let shown = stale.display().to_string();
            if !held.iter().flatten().any(|h| *h == shown) {
                tracing::info!(file = %shown, "removing a stale partial export");
                let _ = std::fs::remove_file(&stale);
            }
        }
        Ok(())
    }

    async fn run_schedule(
        &self,
        id: Uuid,
        holder: Uuid,
        clock: &Clock,
        made: &mut Vec<ExportRun>,
    ) -> Result<()> {
        // Read under the lease: another runner may just have finished runs.
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_SCHEDULE} WHERE s.id = ? AND s.enabled = 1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(()) };
        let s = schedule_from_row(&row)?;
        let dir = self.scheduled_dir(s.spec.folder.as_deref());
        if let Err(e) = self.sweep_partials(s.id, dir.clone()).await {
            // An unreadable folder fails the run itself below, with a message staff see.
            tracing::warn!(schedule = %s.id, error = %e, "sweeping partial exports");
        }
        let tz = self.site_time_zone(s.site_id).await?;
        let schedule = s.spec.to_docs(tz)?;
        let since = from_ms(s.last_run_at.unwrap_or(s.created_at));
        let due = schedule
            .due_runs(since, clock.now, CATCH_UP_PER_CALL)
            .map_err(|e| Error::Internal(e.to_string()))?;
        for due_at in due {
            let previous = sqlx::query(
                "SELECT attempts, next_attempt_at FROM export_runs WHERE schedule_id = ? AND due_at = ?",
            )
            .bind(s.id)
            .bind(to_ms(due_at))
            .fetch_optional(&self.pool)
            .await?;
            let attempts: i64 = match &previous {
                Some(r) => {
                    let next: Option<i64> = r.try_get("next_attempt_at")?;
                    if next.is_some_and(|n| n > to_ms(clock.now)) {
                        return Ok(());
                    }
                    r.try_get("attempts")?
                }
                None => 0,
            };
            let period = schedule
                .period_for_run(due_at)
                .map_err(|e| Error::Internal(e.to_string()))?;
            let outcome = self
                .make_run(&s, holder, clock, &dir, to_ms(due_at), period)
                .await?;
            let run = self
                .finish_run(
                    &s,
                    holder,
                    clock,
                    &Due {
                        at: due_at,
                        period,
                        attempt: attempts + 1,
                    },
                    &outcome,
                )
                .await?;
            made.push(run);
            if outcome.is_err() {
                // Later runs wait: files appear in order, and a broken folder is not hammered.
                return Ok(());
            }
        }
        Ok(())
    }

    /// Makes one run's file, finishing what a dead runner recorded for the same run. Err(why) is a
    /// failed run; Err from the store stops the schedule for this call.
    async fn make_run(
        &self,
        s: &StoredSchedule,
        holder: Uuid,
        clock: &Clock,
        dir: &Path,
        due_at: i64,
        period: frontdesk_rules::Period,
    ) -> Result<Outcome> {
        let left = self.lease_progress(s.id).await?;
        let mut progress = match left {
            LeaseProgress {
                due_at: Some(d),
                partial: Some(partial),
                file,
                message,
            } if d == due_at => {
                let (p, f) = (partial.clone(), file.clone());
                let state = files::blocking("checking a partial export".into(), move || {
                    Ok((p.exists(), f.as_ref().is_some_and(|f| f.exists())))
                })
                .await?;
                match (state, &file) {
                    // Linked (or renamed where there are no hard links) before the runner died.
                    ((true, true), Some(f)) if files::same_file(&partial, f) => {
                        return Ok(Ok((f.clone(), message)));
                    }
                    ((false, true), Some(f)) => return Ok(Ok((f.clone(), message))),
                    ((true, _), _) => LeaseProgress {
                        due_at: Some(d),
                        partial: Some(partial),
                        file: None,
                        message,
                    },
                    _ => LeaseProgress {
                        due_at: Some(due_at),
                        partial: None,
                        file: None,
                        message: None,
                    },
                }
            }
            _ => LeaseProgress {
                due_at: Some(due_at),
                partial: None,
                file: None,
                message: None,
            },
        };
        let name = if let Some(partial) = &progress.partial {
            // `.{name}.{token}.partial`: the name it was written for.
            partial
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix('.'))
                .and_then(|n| n.strip_suffix(".partial"))
                .and_then(|n| n.rsplit_once('.'))
                .map(|(name, _)| name.to_string())
                .ok_or_else(|| Error::Internal("unreadable partial export name".into()))?
        } else {
            let export = match self.render_for_schedule(s, period).await {
                Ok(e) => e,
                Err(why) => return Ok(Err(why)),
            };
            let all = export.warnings();
            progress.message = (!all.is_empty()).then(|| all.join("; "));
            // Written and flushed before it is recorded, so a recorded partial is complete.
            let token = format!("{}-{}", s.id.simple(), new_id().simple());
            let partial_name = files::partial_name(&export.file_name, &token);
            let (d, bytes) = (dir.to_path_buf(), export.rendered.bytes);
            let written = files::blocking(format!("writing to {}", dir.display()), move || {
                files::write_partial(&d, &partial_name, &bytes)
            })
            .await;
            match written {
                Ok(partial) => progress.partial = Some(partial),
                Err(e) => return Ok(Err(e.to_string())),
            }
            self.record_lease(s.id, holder, clock, &progress).await?;
            abort_after("partial");
            export.file_name
        };
        let partial = progress.partial.clone().unwrap_or_default();
        for n in 1..=999 {
            let target = files::candidate(dir, &name, n);
            progress.file = Some(target.clone());
            self.record_lease(s.id, holder, clock, &progress).await?;
            let (p, t) = (partial.clone(), target.clone());
            match files::blocking(format!("writing to {}", dir.display()), move || {
                files::place(&p, &t)
            })
            .await
            {
                Ok(true) => {
                    abort_after("linked");
                    return Ok(Ok((target, progress.message)));
                }
                Ok(false) => continue,
                Err(e) => return Ok(Err(e.to_string())),
            }
        }
        Ok(Err(format!("999 files named {name} already exist")))
    }

    /// Records a run's outcome, clears the lease's progress and audits, in one transaction; then
    /// removes the run's `.partial`.
    async fn finish_run(
        &self,
        s: &StoredSchedule,
        holder: Uuid,
        clock: &Clock,
        due: &Due,
        outcome: &Outcome,
    ) -> Result<ExportRun> {
        let (due_at, period, attempt) = (due.at, due.period, due.attempt);
        let now = now_ms();
        let (status, path, message, next_attempt) = match outcome {
            Ok((path, warnings)) => (
                "done",
                Some(path.display().to_string()),
                warnings.clone(),
                None,
            ),
            Err(why) => {
                let minutes = (1_i64 << (attempt - 1).clamp(0, 6)).min(MAX_RETRY_MINUTES);
                (
                    "failed",
                    None,
                    Some(why.clone()),
                    Some(clock.ms() + minutes * 60_000),
                )
            }
        };
        let partial = self.lease_progress(s.id).await?.partial;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let cleared = sqlx::query(
            "UPDATE export_leases SET due_at = NULL, partial_path = NULL, file_path = NULL,
                message = NULL
             WHERE schedule_id = ? AND holder = ?",
        )
        .bind(s.id)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
        if cleared.rows_affected() == 0 {
            return Err(Error::Conflict(
                "another runner took this schedule over".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO export_runs (id, schedule_id, due_at, period_start, period_end, status, path, message,
                attempts, next_attempt_at, finished_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (schedule_id, due_at) DO UPDATE SET status = excluded.status, path = excluded.path,
                message = excluded.message, attempts = excluded.attempts,
                next_attempt_at = excluded.next_attempt_at, finished_at = excluded.finished_at",
        )
        .bind(new_id())
        .bind(s.id)
        .bind(to_ms(due_at))
        .bind(period.start.to_string())
        .bind(period.end.to_string())
        .bind(status)
        .bind(&path)
        .bind(&message)
        .bind(attempt)
        .bind(next_attempt)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if outcome.is_ok() {
            sqlx::query("UPDATE export_schedules SET last_run_at = ? WHERE id = ?")
                .bind(to_ms(due_at))
                .bind(s.id)
                .execute(&mut *tx)
                .await?;
        }
        let organisation_id = sqlx::query_scalar("SELECT organisation_id FROM sites WHERE id = ?")
            .bind(s.site_id)
            .fetch_one(&mut *tx)
            .await?;
        let system = Actor::system(
            format!("Scheduled export of {}", s.owner_name),
            organisation_id,
            self.device_id,
        );
        audit::record(
            &mut tx,
            &system,
            "export.scheduled",
            "export_schedule",
            Some(s.id),
            serde_json::json!({
                "due_at": due_at, "from": period.start, "to": period.end, "status": status,
                "file": path.as_deref().and_then(|p| Path::new(p).file_name()).map(|n| n.to_string_lossy().into_owned()),
                "error": outcome.as_ref().err(), "attempt": attempt,
            }),
        )
        .await?;
        tx.commit().await?;
        abort_after("done");
        if let Some(partial) = partial {
            // Swept by the next run if this fails.
            let _ = std::fs::remove_file(partial);
        }
        Ok(ExportRun {
            schedule_id: s.id,
            schedule_name: s.spec.name.clone(),
            due_at,
            period_start: period.start,
            period_end: period.end,
            status: if outcome.is_ok() {
                RunStatus::Done
            } else {
                RunStatus::Failed
            },
            path,
            message,
            attempts: u32::try_from(attempt).unwrap_or(u32::MAX),
            next_attempt_at: next_attempt.map(from_ms),
            finished_at: from_ms(now),
        })
    }

    /// Renders one scheduled export with its owner's permissions now, or says why not.
    async fn render_for_schedule(
        &self,
        s: &StoredSchedule,
        period: frontdesk_rules::Period,
    ) -> std::result::Result<Export, String> {
        let owner = match self.schedule_owner(s.owner_id).await {
            Ok(Ok(a)) => a,
            Ok(Err(why)) => return Err(why),
            Err(e) => return Err(e.to_string()),
        };
        let req = ExportRequest {
            kind: s.spec.kind,
            format: s.spec.format,
            site_id: Some(s.site_id),
            from: period.start,
            to: period.end,
            department: s.spec.department.clone(),
            employee_ids: Vec::new(),
        };
        self.render_export(&owner, &req)
            .await
            .map_err(|e| e.to_string())
    }
}
