//! Export schedules: the form ([`ScheduleSpec`]), its checks and its meaning as a
//! `frontdesk-docs` schedule, and the schedules stored for this PC.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use super::{ExportFormat, ExportKind, check_format, permission_for};
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::time::from_ms;
use crate::{Frontdesk, audit, new_id, now_ms, text};

/// How often a schedule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// Every day at the schedule's time.
    Daily,
    /// Once a week, on the schedule's `weekday`.
    Weekly,
    /// Once a month, on the schedule's `month_day` (1–28).
    Monthly,
}

/// Which days a run exports, relative to the day it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PeriodChoice {
    /// The day before the run (site-local); the only period a daily report may use.
    PreviousDay,
    /// The last complete Monday–Sunday week.
    PreviousWeek,
    /// The calendar month before the run's month.
    PreviousMonth,
    /// The `days` days before the run.
    LastDays,
}

/// What a schedule exports, when and where; the fields of the schedule form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScheduleSpec {
    /// Name shown in the schedule list; required, at most 100 characters (trimmed).
    pub name: String,
    /// Default: this PC's site.
    #[serde(default)]
    pub site_id: Option<Uuid>,
    /// What to export; the owner needs its permission (see [`ExportKind`]).
    pub kind: ExportKind,
    /// File format; must exist for `kind` (the visit log is PDF or CSV, the daily report PDF).
    pub format: ExportFormat,
    /// Timesheets: only this department.
    #[serde(default)]
    pub department: Option<String>,
    /// How often it runs; weekly needs `weekday`, monthly `month_day`.
    pub every: Every,
    /// Weekly: ISO weekday, 1 = Monday … 7 = Sunday.
    #[serde(default)]
    pub weekday: Option<u8>,
    /// Monthly: day of the month, 1–28.
    #[serde(default)]
    pub month_day: Option<u8>,
    /// Site-local time of day, `HH:MM`.
    pub at: String,
    /// Which days each run exports; `last_days` needs `days` (1–366).
    pub period: PeriodChoice,
    /// `last_days`: how many days.
    #[serde(default)]
    pub days: Option<u32>,
    /// An absolute folder path; default: the data directory's `exports/scheduled` folder.
    #[serde(default)]
    pub folder: Option<String>,
    /// Whether the schedule runs; a disabled one is kept but has no next run.
    pub enabled: bool,
}

/// A stored schedule as the window lists it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportSchedule {
    /// Schedule id (UUID v7).
    pub id: Uuid,
    /// The schedule's form as saved (cleaned), with `site_id` always set.
    pub spec: ScheduleSpec,
    /// The staff member whose permissions the runs use.
    pub owner_name: String,
    /// Where the files go (the default folder resolved).
    pub folder_path: String,
    /// When the next run is due (UTC); `None` when the schedule is disabled or has no next run.
    pub next_run_at: Option<DateTime<Utc>>,
    /// The most recently finished run; `None` if it has not run yet.
    pub last_run: Option<ExportRun>,
}

fn weekday_from_iso(n: u8) -> Option<Weekday> {
    Some(match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        7 => Weekday::Sun,
        _ => return None,
    })
}

fn every_str(e: Every) -> &'static str {
    match e {
        Every::Daily => "daily",
        Every::Weekly => "weekly",
        Every::Monthly => "monthly",
    }
}

fn period_str(p: PeriodChoice) -> &'static str {
    match p {
        PeriodChoice::PreviousDay => "previous_day",
        PeriodChoice::PreviousWeek => "previous_week",
        PeriodChoice::PreviousMonth => "previous_month",
        PeriodChoice::LastDays => "last_days",
    }
}

impl ScheduleSpec {
    /// Checks the form and returns it cleaned (trimmed name, department and folder).
    pub(crate) fn validated(&self) -> Result<ScheduleSpec> {
        let mut s = self.clone();
        s.name = text::required("name", &self.name, 100)?;
        s.department = text::optional("department", self.department.as_deref(), 100)?;
        check_format(s.kind, s.format)?;
        if s.department.is_some() && s.kind != ExportKind::Timesheets {
            return Err(Error::validation(
                "department",
                "only timesheets can be limited to a department",
            ));
        }
        if NaiveTime::parse_from_str(s.at.trim(), "%H:%M").is_err() {
            return Err(Error::validation("at", "use a time such as 06:00"));
        }
        s.at = s.at.trim().to_string();
        match s.every {
            Every::Weekly if s.weekday.and_then(weekday_from_iso).is_none() => {
                return Err(Error::validation(
                    "weekday",
                    "choose a day of the week (1 = Monday … 7 = Sunday)",
                ));
            }
            Every::Monthly if !s.month_day.is_some_and(|d| (1..=28).contains(&d)) => {
                return Err(Error::validation(
                    "month_day",
                    "choose a day from 1 to 28 (every month has it)",
                ));
            }
            _ => {}
        }
        if s.period == PeriodChoice::LastDays && !s.days.is_some_and(|d| (1..=366).contains(&d)) {
            return Err(Error::validation("days", "choose 1 to 366 days"));
        }
        if s.kind == ExportKind::DailyReport && s.period != PeriodChoice::PreviousDay {
            return Err(Error::validation(
                "period",
                "a daily report covers the previous day",
            ));
        }
        s.folder = text::optional("folder", self.folder.as_deref(), 1000)?;
        if let Some(f) = &s.folder
            && !Path::new(f).is_absolute()
        {
            return Err(Error::validation(
                "folder",
                "give the full path of the folder",
            ));
        }
        Ok(s)
    }

    pub(crate) fn to_docs(
        &self,
        tz: chrono_tz::Tz,
    ) -> Result<frontdesk_rules::schedule::ExportSchedule> {
        let bad = |field: &str| Error::validation(field, "invalid schedule");
        let frequency = match self.every {
            Every::Daily => frontdesk_rules::schedule::Frequency::Daily,
            Every::Weekly => frontdesk_rules::schedule::Frequency::Weekly {
                weekday: self
                    .weekday
                    .and_then(weekday_from_iso)
                    .ok_or(bad("weekday"))?,
            },
            Every::Monthly => frontdesk_rules::schedule::Frequency::Monthly {
                day: u32::from(self.month_day.ok_or(bad("month_day"))?),
            },
        };
        let period = match self.period {
            PeriodChoice::PreviousDay => frontdesk_rules::schedule::PeriodRule::PreviousDay,
            PeriodChoice::PreviousWeek => frontdesk_rules::schedule::PeriodRule::PreviousWeek,
            PeriodChoice::PreviousMonth => frontdesk_rules::schedule::PeriodRule::PreviousMonth,
            PeriodChoice::LastDays => frontdesk_rules::schedule::PeriodRule::LastDays {
                days: self.days.ok_or(bad("days"))?,
            },
        };
        Ok(frontdesk_rules::schedule::ExportSchedule {
            frequency,
            at: NaiveTime::parse_from_str(&self.at, "%H:%M").map_err(|_| bad("at"))?,
            tz,
            period,
            week_starts: Weekday::Mon,
        })
    }
}

/// A stored schedule row.
pub(crate) struct StoredSchedule {
    pub(crate) id: Uuid,
    pub(crate) spec: ScheduleSpec,
    pub(crate) site_id: Uuid,
    pub(crate) owner_id: Uuid,
    pub(crate) owner_name: String,
    pub(crate) created_at: i64,
    pub(crate) last_run_at: Option<i64>,
}

pub(crate) fn schedule_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<StoredSchedule> {
    let every = match r.try_get::<String, _>("every")?.as_str() {
        "weekly" => Every::Weekly,
        "monthly" => Every::Monthly,
        _ => Every::Daily,
    };
    let period = match r.try_get::<String, _>("period")?.as_str() {
        "previous_week" => PeriodChoice::PreviousWeek,
        "previous_month" => PeriodChoice::PreviousMonth,
        "last_days" => PeriodChoice::LastDays,
        _ => PeriodChoice::PreviousDay,
    };
    let site_id: Uuid = r.try_get("site_id")?;
    Ok(StoredSchedule {
        id: r.try_get("id")?,
        spec: ScheduleSpec {
            name: r.try_get("name")?,
            site_id: Some(site_id),
            kind: r.try_get("kind")?,
            format: r.try_get("format")?,
            department: r.try_get("department")?,
            every,
            weekday: r
                .try_get::<Option<i64>, _>("weekday")?
                .and_then(|d| u8::try_from(d).ok()),
            month_day: r
                .try_get::<Option<i64>, _>("month_day")?
                .and_then(|d| u8::try_from(d).ok()),
            at: r.try_get("at")?,
            period,
            days: r
                .try_get::<Option<i64>, _>("days")?
                .and_then(|d| u32::try_from(d).ok()),
            folder: r.try_get("folder")?,
            enabled: r.try_get("enabled")?,
        },
        site_id,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        created_at: r.try_get("created_at")?,
        last_run_at: r.try_get("last_run_at")?,
    })
}

pub(crate) const SELECT_SCHEDULE: &str =
    "SELECT s.id, s.site_id, s.name, s.kind, s.format, s.department, s.every, s.weekday,
        s.month_day, s.at, s.period, s.days, s.folder, s.enabled, s.owner_id,
        a.display_name AS owner_name, s.created_at, s.last_run_at
     FROM export_schedules s JOIN staff_accounts a ON a.id = s.owner_id";

/// How a scheduled run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// The file was written.
    Done,
    /// No file was written; the run is retried later (see `next_attempt_at`).
    Failed,
}

/// One due run of a schedule.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportRun {
    /// The schedule this run belongs to.
    pub schedule_id: Uuid,
    /// The schedule's current name.
    pub schedule_name: String,
    /// When the run was due by the timetable (UTC); a caught-up run is due earlier than it ran.
    pub due_at: DateTime<Utc>,
    /// First day exported (site-local).
    pub period_start: NaiveDate,
    /// Last day exported, inclusive.
    pub period_end: NaiveDate,
    /// Whether the latest attempt wrote the file.
    pub status: RunStatus,
    /// Done: the file written.
    pub path: Option<String>,
    /// Failed: why. Done: what the document could not show (e.g. uncovered characters).
    pub message: Option<String>,
    /// How many times this due run has been tried, counting the latest attempt.
    pub attempts: u32,
    /// Failed: the next try is not before this.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the latest attempt finished (UTC).
    pub finished_at: DateTime<Utc>,
}

pub(crate) fn run_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<ExportRun> {
    let day = |col: &str| -> Result<NaiveDate> {
        let s: String = r.try_get(col)?;
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|e| Error::Internal(format!("stored {col} {s:?}: {e}")))
    };
    Ok(ExportRun {
        schedule_id: r.try_get("schedule_id")?,
        schedule_name: r.try_get("name")?,
        due_at: from_ms(r.try_get("due_at")?),
        period_start: day("period_start")?,
        period_end: day("period_end")?,
        status: match r.try_get::<String, _>("status")?.as_str() {
            "done" => RunStatus::Done,
            _ => RunStatus::Failed,
        },
        path: r.try_get("path")?,
        message: r.try_get("message")?,
        attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: r.try_get::<Option<i64>, _>("next_attempt_at")?.map(from_ms),
        finished_at: from_ms(r.try_get("finished_at")?),
    })
}

pub(crate) const SELECT_RUN: &str =
    "SELECT r.schedule_id, s.name, r.due_at, r.period_start, r.period_end, r.status, r.path,
        r.message, r.attempts, r.next_attempt_at, r.finished_at
     FROM export_runs r JOIN export_schedules s ON s.id = r.schedule_id";

impl Frontdesk {
    pub(crate) fn scheduled_dir(&self, folder: Option<&str>) -> PathBuf {
        match folder {
            Some(f) => PathBuf::from(f),
            None => self.data_dir.exports_dir().join("scheduled"),
        }
    }

    /// Creates (`id` None) or replaces a schedule on this PC. The caller becomes its owner: runs use
    /// their permissions, which must cover the export now.
    pub async fn save_export_schedule(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        spec: ScheduleSpec,
    ) -> Result<ExportSchedule> {
        let owner = actor.staff_id().ok_or(Error::Forbidden {
            role: "kiosk".into(),
            action: "schedule exports",
        })?;
        let spec = spec.validated()?;
        actor.require(permission_for(spec.kind))?;
        let site = match spec.site_id {
            Some(s) => self.site(actor, s).await?,
            None => self.home_site(actor).await?,
        };
        let tz = site.time_zone;
        spec.to_docs(tz)?;
        // A folder that cannot be written is refused now rather than failing every run.
        let dir = self.scheduled_dir(spec.folder.as_deref());
        let probe = dir.clone();
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&probe)?;
            let test = probe.join(format!(".frontdesk-write-test-{}", new_id().simple()));
            std::fs::write(&test, b"")?;
            std::fs::remove_file(&test)
        })
        .await
        .map_err(|e| Error::Internal(format!("folder check: {e}")))?
        .map_err(|e| {
            Error::validation("folder", format!("cannot write to {}: {e}", dir.display()))
        })?;

        let now = now_ms();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id = match id {
            Some(id) => {
                let mine: Option<i64> = sqlx::query_scalar(
                    "SELECT 1 FROM export_schedules WHERE id = ? AND device_id = ?",
                )
                .bind(id)
                .bind(self.device_id)
                .fetch_optional(&mut *tx)
                .await?;
                mine.ok_or(Error::NotFound {
                    entity: "export schedule",
                })?;
                id
            }
            None => new_id(),
        };
        // One statement for new and edited schedules; an edit keeps `created_at` and `last_run_at`.
        sqlx::query(
            "INSERT INTO export_schedules (id, site_id, device_id, name, kind, format, department, every,
                weekday, month_day, at, period, days, folder, enabled, owner_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)
             ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, name = excluded.name,
                kind = excluded.kind, format = excluded.format, department = excluded.department,
                every = excluded.every, weekday = excluded.weekday, month_day = excluded.month_day,
                at = excluded.at, period = excluded.period, days = excluded.days, folder = excluded.folder,
                enabled = excluded.enabled, owner_id = excluded.owner_id, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(site.id)
        .bind(self.device_id)
        .bind(&spec.name)
        .bind(spec.kind)
        .bind(spec.format)
        .bind(&spec.department)
        .bind(every_str(spec.every))
        .bind(spec.weekday.map(i64::from))
        .bind(spec.month_day.map(i64::from))
        .bind(&spec.at)
        .bind(period_str(spec.period))
        .bind(spec.days.map(i64::from))
        .bind(&spec.folder)
        .bind(spec.enabled)
        .bind(owner)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "export_schedule.save",
            "export_schedule",
            Some(id),
            serde_json::to_value(&spec).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        self.export_schedules(actor)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(Error::NotFound {
                entity: "export schedule",
            })
    }

    /// Deletes a schedule of this PC and its run history (files already written stay).
    pub async fn delete_export_schedule(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let kind: Option<ExportKind> =
            sqlx::query_scalar("SELECT kind FROM export_schedules WHERE id = ? AND device_id = ?")
                .bind(id)
                .bind(self.device_id)
                .fetch_optional(&mut *tx)
                .await?;
        let kind = kind.ok_or(Error::NotFound {
            entity: "export schedule",
        })?;
        actor.require(permission_for(kind))?;
        sqlx::query("DELETE FROM export_schedules WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "export_schedule.delete",
            "export_schedule",
            Some(id),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// This PC's schedules the actor may see (timesheet schedules need the export permission), with
    /// the next run and the newest run's outcome.
    pub async fn export_schedules(&self, actor: &Actor) -> Result<Vec<ExportSchedule>> {
        if !actor.can(Permission::ViewVisits) && !actor.can(Permission::ExportTimesheets) {
            actor.require(Permission::ExportTimesheets)?;
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_SCHEDULE} WHERE s.device_id = ? ORDER BY s.name, s.created_at"
        )))
        .bind(self.device_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let s = schedule_from_row(row)?;
            if !actor.can(permission_for(s.spec.kind)) {
                continue;
            }
            let site = self.site(actor, s.site_id).await?;
            let tz = site.time_zone;
            let since = from_ms(s.last_run_at.unwrap_or(s.created_at));
            let next_run_at = if s.spec.enabled {
                s.spec
                    .to_docs(tz)
                    .ok()
                    .and_then(|d| d.next_run_after(since).ok())
            } else {
                None
            };
            let last_run = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{SELECT_RUN} WHERE r.schedule_id = ? ORDER BY r.finished_at DESC LIMIT 1"
            )))
            .bind(s.id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(run_from_row)
            .transpose()?;
            out.push(ExportSchedule {
                id: s.id,
                folder_path: self
                    .scheduled_dir(s.spec.folder.as_deref())
                    .display()
                    .to_string(),
                owner_name: s.owner_name,
                spec: s.spec,
                next_run_at,
                last_run,
            });
        }
        Ok(out)
    }

    /// A schedule's runs, newest first.
    pub async fn export_runs(&self, actor: &Actor, schedule_id: Uuid) -> Result<Vec<ExportRun>> {
        let kind: Option<ExportKind> =
            sqlx::query_scalar("SELECT kind FROM export_schedules WHERE id = ? AND device_id = ?")
                .bind(schedule_id)
                .bind(self.device_id)
                .fetch_optional(&self.pool)
                .await?;
        let kind = kind.ok_or(Error::NotFound {
            entity: "export schedule",
        })?;
        actor.require(permission_for(kind))?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_RUN} WHERE r.schedule_id = ? ORDER BY r.due_at DESC LIMIT 200"
        )))
        .bind(schedule_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(run_from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_forms_name_the_wrong_field() {
        let ok = ScheduleSpec {
            name: "Payroll".into(),
            site_id: None,
            kind: ExportKind::Timesheets,
            format: ExportFormat::Xlsx,
            department: None,
            every: Every::Weekly,
            weekday: Some(1),
            month_day: None,
            at: "06:00".into(),
            period: PeriodChoice::PreviousWeek,
            days: None,
            folder: None,
            enabled: true,
        };
        assert!(ok.validated().is_ok());
        let field = |s: ScheduleSpec| match s.validated() {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        };
        assert_eq!(
            field(ScheduleSpec {
                weekday: Some(8),
                ..ok.clone()
            }),
            "weekday"
        );
        assert_eq!(
            field(ScheduleSpec {
                at: "25:00".into(),
                ..ok.clone()
            }),
            "at"
        );
        assert_eq!(
            field(ScheduleSpec {
                kind: ExportKind::VisitLog,
                ..ok.clone()
            }),
            "format"
        );
        assert_eq!(
            field(ScheduleSpec {
                folder: Some("relative/dir".into()),
                ..ok.clone()
            }),
            "folder"
        );
        assert_eq!(
            field(ScheduleSpec {
                period: PeriodChoice::LastDays,
                days: Some(0),
                ..ok.clone()
            }),
            "days"
        );
        assert_eq!(
            field(ScheduleSpec {
                name: "  ".into(),
                ..ok
            }),
            "name"
        );
    }
}
