//! Exports saved as files: on demand (the window's Reports screen, `frontdesk export`) and on a
//! timetable (scheduled exports, e.g. every Monday at 06:00 last week's timesheets into the payroll
//! folder).
//!
//! A schedule belongs to the PC it was made on and runs with its owner's permissions as they are at
//! run time: an owner who loses the role or the account stops their schedules (the run fails with a
//! message saying so). Runs missed while the PC was off are caught up oldest first; a failed run (a
//! folder on a share that is offline, a full disk) is retried with a growing delay and never skipped.
//! Files are written under a temporary name and renamed, so a folder watched by payroll never sees a
//! half-written file, and an existing file is never overwritten.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::documents::{LogFormat, TimesheetFormat, docs};
use crate::error::{Error, Result};
use crate::people::auth::{Actor, ActorKind, Permission, Role};
use crate::people::employees::EmployeeQuery;
use crate::time::{from_ms, to_ms};
use crate::{Frontdesk, audit, new_id, now_ms, text};

/// Runs caught up per schedule in one call; the rest follow on the next.
const CATCH_UP_PER_CALL: usize = 12;
/// Longest wait before retrying a failed run.
const MAX_RETRY_MINUTES: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Timesheets,
    VisitLog,
    DailyReport,
}

impl ExportKind {
    fn as_str(self) -> &'static str {
        match self {
            ExportKind::Timesheets => "timesheets",
            ExportKind::VisitLog => "visit_log",
            ExportKind::DailyReport => "daily_report",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "timesheets" => ExportKind::Timesheets,
            "visit_log" => ExportKind::VisitLog,
            "daily_report" => ExportKind::DailyReport,
            other => return Err(Error::Internal(format!("unknown export kind {other}"))),
        })
    }

    fn file_stem(self) -> &'static str {
        match self {
            ExportKind::Timesheets => "timesheets",
            ExportKind::VisitLog => "visit-log",
            ExportKind::DailyReport => "daily-report",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Pdf,
    Csv,
    Xlsx,
}

impl ExportFormat {
    fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "pdf" => ExportFormat::Pdf,
            "csv" => ExportFormat::Csv,
            "xlsx" => ExportFormat::Xlsx,
            other => return Err(Error::Internal(format!("unknown export format {other}"))),
        })
    }
}

/// Refuses the kind/format pairs that do not exist (the daily report is a PDF; the visit log PDF or
/// CSV).
fn check_format(kind: ExportKind, format: ExportFormat) -> Result<()> {
    match (kind, format) {
        (ExportKind::Timesheets, _)
        | (ExportKind::VisitLog, ExportFormat::Pdf | ExportFormat::Csv)
        | (ExportKind::DailyReport, ExportFormat::Pdf) => Ok(()),
        (ExportKind::VisitLog, _) => Err(Error::validation(
            "format",
            "the visit log is available as PDF or CSV",
        )),
        (ExportKind::DailyReport, _) => Err(Error::validation(
            "format",
            "the daily report is available as PDF",
        )),
    }
}

/// A document to export now.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportRequest {
    pub kind: ExportKind,
    pub format: ExportFormat,
    /// Default: this PC's site.
    #[serde(default)]
    pub site_id: Option<Uuid>,
    /// First day (site-local). A daily report covers this day only.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Timesheets: only this department.
    #[serde(default)]
    pub department: Option<String>,
    /// Timesheets: only these employees (default: every active employee of the site).
    #[serde(default)]
    pub employee_ids: Vec<Uuid>,
}

/// A document rendered for export, with the name it is saved under.
struct Export {
    rendered: docs::Rendered,
    file_name: String,
    employees: usize,
}

/// How often a schedule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    Daily,
    Weekly,
    Monthly,
}

/// Which days a run exports, relative to the day it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PeriodChoice {
    PreviousDay,
    /// The last complete Monday–Sunday week.
    PreviousWeek,
    PreviousMonth,
    /// The `days` days before the run.
    LastDays,
}

/// What a schedule exports, when and where; the fields of the schedule form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScheduleSpec {
    pub name: String,
    /// Default: this PC's site.
    #[serde(default)]
    pub site_id: Option<Uuid>,
    pub kind: ExportKind,
    pub format: ExportFormat,
    /// Timesheets: only this department.
    #[serde(default)]
    pub department: Option<String>,
    pub every: Every,
    /// Weekly: ISO weekday, 1 = Monday … 7 = Sunday.
    #[serde(default)]
    pub weekday: Option<u8>,
    /// Monthly: day of the month, 1–28.
    #[serde(default)]
    pub month_day: Option<u8>,
    /// Site-local time of day, `HH:MM`.
    pub at: String,
    pub period: PeriodChoice,
    /// `last_days`: how many days.
    #[serde(default)]
    pub days: Option<u32>,
    /// An absolute folder path; default: the data directory's `exports/scheduled` folder.
    #[serde(default)]
    pub folder: Option<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Done,
    Failed,
}

/// One due run of a schedule.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportRun {
    pub schedule_id: Uuid,
    pub schedule_name: String,
    pub due_at: DateTime<Utc>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub status: RunStatus,
    /// Done: the file written.
    pub path: Option<String>,
    /// Failed: why. Done: what the document could not show (e.g. uncovered characters).
    pub message: Option<String>,
    pub attempts: u32,
    /// Failed: the next try is not before this.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub finished_at: DateTime<Utc>,
}

/// A stored schedule as the window lists it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportSchedule {
    pub id: Uuid,
    pub spec: ScheduleSpec,
    /// The staff member whose permissions the runs use.
    pub owner_name: String,
    /// Where the files go (the default folder resolved).
    pub folder_path: String,
    pub next_run_at: Option<DateTime<Utc>>,
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
    fn validated(&self) -> Result<ScheduleSpec> {
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

    fn to_docs(&self, tz: chrono_tz::Tz) -> Result<docs::schedule::ExportSchedule> {
        let bad = |field: &str| Error::validation(field, "invalid schedule");
        let frequency = match self.every {
            Every::Daily => docs::schedule::Frequency::Daily,
            Every::Weekly => docs::schedule::Frequency::Weekly {
                weekday: self
                    .weekday
                    .and_then(weekday_from_iso)
                    .ok_or(bad("weekday"))?,
            },
            Every::Monthly => docs::schedule::Frequency::Monthly {
                day: u32::from(self.month_day.ok_or(bad("month_day"))?),
            },
        };
        let period = match self.period {
            PeriodChoice::PreviousDay => docs::schedule::PeriodRule::PreviousDay,
            PeriodChoice::PreviousWeek => docs::schedule::PeriodRule::PreviousWeek,
            PeriodChoice::PreviousMonth => docs::schedule::PeriodRule::PreviousMonth,
            PeriodChoice::LastDays => docs::schedule::PeriodRule::LastDays {
                days: self.days.ok_or(bad("days"))?,
            },
        };
        Ok(docs::schedule::ExportSchedule {
            frequency,
            at: NaiveTime::parse_from_str(&self.at, "%H:%M").map_err(|_| bad("at"))?,
            tz,
            period,
            week_starts: Weekday::Mon,
        })
    }
}

/// The permission exporting `kind` needs.
fn permission_for(kind: ExportKind) -> Permission {
    match kind {
        ExportKind::Timesheets => Permission::ExportTimesheets,
        ExportKind::VisitLog | ExportKind::DailyReport => Permission::ViewVisits,
    }
}

/// Writes `bytes` as a new file in `dir` named `name` (or `name (2)`, … when taken), through a
/// temporary file renamed into place. Returns the path written.
fn write_new_file(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), format!(".{e}")),
        None => (name.to_string(), String::new()),
    };
    let tmp = dir.join(format!(".{stem}.{}.partial", new_id().simple()));
    std::fs::write(&tmp, bytes)?;
    for n in 1..1000 {
        let candidate = if n == 1 {
            dir.join(name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        // hard_link fails if the target exists, so two writers never take the same name.
        match std::fs::hard_link(&tmp, &candidate) {
            Ok(()) => {
                let _ = std::fs::remove_file(&tmp);
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                // Some file systems (FAT, some shares) have no hard links: fall back to rename
                // after checking the name is free.
                if candidate.exists() {
                    continue;
                }
                if std::fs::rename(&tmp, &candidate).is_ok() {
                    return Ok(candidate);
                }
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        }
    }
    let _ = std::fs::remove_file(&tmp);
    Err(std::io::Error::other(format!(
        "999 files named {name} already exist"
    )))
}

fn warnings_text(w: &[docs::Warning]) -> Option<String> {
    let all: Vec<String> = w.iter().map(crate::documents::warning_text).collect();
    (!all.is_empty()).then(|| all.join("; "))
}

fn run_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<ExportRun> {
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

const SELECT_RUN: &str =
    "SELECT r.schedule_id, s.name, r.due_at, r.period_start, r.period_end, r.status, r.path,
        r.message, r.attempts, r.next_attempt_at, r.finished_at
     FROM export_runs r JOIN export_schedules s ON s.id = r.schedule_id";

/// A stored schedule row.
struct StoredSchedule {
    id: Uuid,
    spec: ScheduleSpec,
    site_id: Uuid,
    owner_id: Uuid,
    owner_name: String,
    created_at: i64,
    last_run_at: Option<i64>,
}

fn schedule_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<StoredSchedule> {
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
            kind: ExportKind::parse(&r.try_get::<String, _>("kind")?)?,
            format: ExportFormat::parse(&r.try_get::<String, _>("format")?)?,
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

const SELECT_SCHEDULE: &str =
    "SELECT s.id, s.site_id, s.name, s.kind, s.format, s.department, s.every, s.weekday,
        s.month_day, s.at, s.period, s.days, s.folder, s.enabled, s.owner_id,
        a.display_name AS owner_name, s.created_at, s.last_run_at
     FROM export_schedules s JOIN staff_accounts a ON a.id = s.owner_id";

impl Frontdesk {
    /// Renders an export (roles apply: timesheets need the export permission, visit reports the
    /// visit permission) and names its file.
    async fn render_export(&self, actor: &Actor, req: &ExportRequest) -> Result<Export> {
        actor.require(permission_for(req.kind))?;
        check_format(req.kind, req.format)?;
        let period = docs::timesheet::Period {
            start: req.from,
            end: req.to,
        };
        period
            .validate()
            .map_err(|e| Error::validation("to", e.to_string()))?;
        let site = match req.site_id {
            Some(id) => self.site(actor, id).await?,
            None => self.home_site(actor).await?,
        };
        let ext = req.format.as_str();
        let stem = req.kind.file_stem();
        let (rendered, who, employees) = match req.kind {
            ExportKind::Timesheets => {
                let department = text::optional("department", req.department.as_deref(), 100)?;
                let home = self.home_site(actor).await?;
                let all = self
                    .employees(
                        actor,
                        EmployeeQuery {
                            search: None,
                            include_inactive: !req.employee_ids.is_empty(),
                            limit: None,
                        },
                    )
                    .await?;
                let chosen: Vec<_> = if req.employee_ids.is_empty() {
                    all.into_iter()
                        .filter(|e| e.site_id.unwrap_or(home.id) == site.id)
                        .filter(|e| {
                            department.as_deref().is_none_or(|d| {
                                e.department
                                    .as_deref()
                                    .is_some_and(|ed| text::fold(ed) == text::fold(d))
                            })
                        })
                        .collect()
                } else {
                    let mut chosen = Vec::with_capacity(req.employee_ids.len());
                    for id in &req.employee_ids {
                        chosen.push(
                            all.iter()
                                .find(|e| e.id == *id)
                                .cloned()
                                .ok_or(Error::NotFound { entity: "employee" })?,
                        );
                    }
                    chosen
                };
                if chosen.is_empty() {
                    return Err(Error::validation(
                        "department",
                        match &department {
                            Some(d) => format!("no active employee at {} in {d}", site.name),
                            None => format!("no active employee at {}", site.name),
                        },
                    ));
                }
                let who = match (&chosen[..], &department) {
                    ([one], _) if !req.employee_ids.is_empty() => one.name.clone(),
                    (_, Some(d)) => format!("{} {d}", site.name),
                    _ => site.name.clone(),
                };
                let ids: Vec<Uuid> = chosen.iter().map(|e| e.id).collect();
                let format = match req.format {
                    ExportFormat::Pdf => TimesheetFormat::Pdf,
                    ExportFormat::Csv => TimesheetFormat::Csv,
                    ExportFormat::Xlsx => TimesheetFormat::Xlsx,
                };
                let r = self
                    .timesheet_export(actor, &ids, req.from, req.to, format)
                    .await?;
                (r, who, ids.len())
            }
            ExportKind::VisitLog => {
                let format = match req.format {
                    ExportFormat::Csv => LogFormat::Csv,
                    _ => LogFormat::Pdf,
                };
                let r = self
                    .visit_log(actor, Some(site.id), req.from, req.to, format)
                    .await?;
                (r, site.name.clone(), 0)
            }
            ExportKind::DailyReport => {
                if req.from != req.to {
                    return Err(Error::validation(
                        "to",
                        "a daily report covers one day: choose the same first and last day",
                    ));
                }
                let r = self
                    .daily_report_pdf(actor, Some(site.id), req.from)
                    .await?;
                (r, site.name.clone(), 0)
            }
        };
        Ok(Export {
            rendered,
            file_name: docs::schedule::export_file_name(stem, period, &who, ext),
            employees,
        })
    }

    /// Renders an export and saves it in the data directory's exports folder (audited).
    pub async fn save_export(
        &self,
        actor: &Actor,
        req: ExportRequest,
    ) -> Result<crate::documents::SavedDocument> {
        let export = self.render_export(actor, &req).await?;
        let dir = self.data_dir.exports_dir();
        let path = write_file(dir, export.file_name, export.rendered.bytes.clone()).await?;
        let mut tx = self.pool.begin().await?;
        audit::record(
            &mut tx,
            actor,
            "export.save",
            "export",
            None,
            serde_json::json!({
                "kind": req.kind.as_str(), "format": req.format.as_str(),
                "from": req.from, "to": req.to, "employees": export.employees,
                "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(crate::documents::SavedDocument {
            path: path.display().to_string(),
            bytes: u32::try_from(export.rendered.bytes.len()).unwrap_or(u32::MAX),
            warnings: export
                .rendered
                .warnings
                .iter()
                .map(crate::documents::warning_text)
                .collect(),
        })
    }

    fn scheduled_dir(&self, folder: Option<&str>) -> PathBuf {
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
        let mut tx = self.pool.begin().await?;
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
        .bind(spec.kind.as_str())
        .bind(spec.format.as_str())
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
        let mut tx = self.pool.begin().await?;
        let kind: Option<String> =
            sqlx::query_scalar("SELECT kind FROM export_schedules WHERE id = ? AND device_id = ?")
                .bind(id)
                .bind(self.device_id)
                .fetch_optional(&mut *tx)
                .await?;
        let kind = kind.ok_or(Error::NotFound {
            entity: "export schedule",
        })?;
        actor.require(permission_for(ExportKind::parse(&kind)?))?;
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
        let kind: Option<String> =
            sqlx::query_scalar("SELECT kind FROM export_schedules WHERE id = ? AND device_id = ?")
                .bind(schedule_id)
                .bind(self.device_id)
                .fetch_optional(&self.pool)
                .await?;
        let kind = kind.ok_or(Error::NotFound {
            entity: "export schedule",
        })?;
        actor.require(permission_for(ExportKind::parse(&kind)?))?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_RUN} WHERE r.schedule_id = ? ORDER BY r.due_at DESC LIMIT 200"
        )))
        .bind(schedule_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(run_from_row).collect()
    }

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
    /// this every minute; `frontdesk export run-due` does the same from a system timer. Returns the
    /// runs made in this call.
    pub async fn run_due_exports(&self, now: DateTime<Utc>) -> Result<Vec<ExportRun>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_SCHEDULE} WHERE s.device_id = ? AND s.enabled = 1 ORDER BY s.created_at"
        )))
        .bind(self.device_id)
        .fetch_all(&self.pool)
        .await?;
        let mut made = Vec::new();
        for row in &rows {
            let s = schedule_from_row(row)?;
            if let Err(e) = self.run_schedule(&s, now, &mut made).await {
                // One broken schedule must not stop the others.
                tracing::error!(schedule = %s.id, error = %e, "scheduled export");
            }
        }
        Ok(made)
    }

    async fn run_schedule(
        &self,
        s: &StoredSchedule,
        now: DateTime<Utc>,
        made: &mut Vec<ExportRun>,
    ) -> Result<()> {
        let tz_name: String = sqlx::query_scalar("SELECT time_zone FROM sites WHERE id = ?")
            .bind(s.site_id)
            .fetch_one(&self.pool)
            .await?;
        let tz = crate::time::parse_tz("time_zone", &tz_name)?;
        let schedule = s.spec.to_docs(tz)?;
        let since = from_ms(s.last_run_at.unwrap_or(s.created_at));
        let due = schedule
            .due_runs(since, now, CATCH_UP_PER_CALL)
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
                    if next.is_some_and(|n| n > to_ms(now)) {
                        return Ok(());
                    }
                    r.try_get("attempts")?
                }
                None => 0,
            };
            let period = schedule
                .period_for_run(due_at)
                .map_err(|e| Error::Internal(e.to_string()))?;
            let outcome = self.export_for_schedule(s, period).await;
            let finished = now_ms();
            let (status, path, message, next_attempt) = match &outcome {
                Ok((path, warnings)) => ("done", Some(path.clone()), warnings.clone(), None),
                Err(why) => {
                    let minutes = (1_i64 << attempts.clamp(0, 6)).min(MAX_RETRY_MINUTES);
                    (
                        "failed",
                        None,
                        Some(why.clone()),
                        Some(to_ms(now) + minutes * 60_000),
                    )
                }
            };
            let mut tx = self.pool.begin().await?;
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
            .bind(attempts + 1)
            .bind(next_attempt)
            .bind(finished)
            .execute(&mut *tx)
            .await?;
            if outcome.is_ok() {
                sqlx::query("UPDATE export_schedules SET last_run_at = ? WHERE id = ?")
                    .bind(to_ms(due_at))
                    .bind(s.id)
                    .execute(&mut *tx)
                    .await?;
            }
            let system = Actor {
                kind: ActorKind::System,
                id: None,
                name: format!("Scheduled export of {}", s.owner_name),
                organisation_id: sqlx::query_scalar(
                    "SELECT organisation_id FROM sites WHERE id = ?",
                )
                .bind(s.site_id)
                .fetch_one(&mut *tx)
                .await?,
                device_id: self.device_id,
            };
            audit::record(
                &mut tx,
                &system,
                "export.scheduled",
                "export_schedule",
                Some(s.id),
                serde_json::json!({
                    "due_at": due_at, "from": period.start, "to": period.end, "status": status,
                    "file": path.as_deref().and_then(|p| Path::new(p).file_name()).map(|n| n.to_string_lossy().into_owned()),
                    "error": outcome.as_ref().err(), "attempt": attempts + 1,
                }),
            )
            .await?;
            tx.commit().await?;
            made.push(ExportRun {
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
                attempts: u32::try_from(attempts + 1).unwrap_or(u32::MAX),
                next_attempt_at: next_attempt.map(from_ms),
                finished_at: from_ms(finished),
            });
            if outcome.is_err() {
                // Later runs wait: files appear in order, and a broken folder is not hammered.
                return Ok(());
            }
        }
        Ok(())
    }

    /// One scheduled export: the file's path and its warnings, or why it failed (as staff read it).
    async fn export_for_schedule(
        &self,
        s: &StoredSchedule,
        period: docs::timesheet::Period,
    ) -> std::result::Result<(String, Option<String>), String> {
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
        let export = self
            .render_export(&owner, &req)
            .await
            .map_err(|e| e.to_string())?;
        let warnings = warnings_text(&export.rendered.warnings);
        let dir = self.scheduled_dir(s.spec.folder.as_deref());
        let path = write_file(dir, export.file_name, export.rendered.bytes)
            .await
            .map_err(|e| e.to_string())?;
        Ok((path.display().to_string(), warnings))
    }
}

/// Writes `bytes` as a new file named `name` in `dir` (see `write_new_file`), off the async
/// runtime.
pub(crate) async fn write_file(dir: PathBuf, name: String, bytes: Vec<u8>) -> Result<PathBuf> {
    let shown = dir.display().to_string();
    tokio::task::spawn_blocking(move || write_new_file(&dir, &name, &bytes))
        .await
        .map_err(|e| Error::Internal(format!("writing task: {e}")))?
        .map_err(|e| Error::io(format!("writing to {shown}"), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_files_never_overwrite() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let a = write_new_file(dir.path(), "t.pdf", b"one").unwrap_or_else(|e| panic!("{e}"));
        let b = write_new_file(dir.path(), "t.pdf", b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.file_name().and_then(|n| n.to_str()), Some("t.pdf"));
        assert_eq!(b.file_name().and_then(|n| n.to_str()), Some("t (2).pdf"));
        assert_eq!(std::fs::read(&a).unwrap_or_default(), b"one");
        assert_eq!(std::fs::read(&b).unwrap_or_default(), b"two");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "no temporary files left behind: {left:?}");
    }

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
