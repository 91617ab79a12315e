//! Timesheet corrections and period approvals. A correction never rewrites a clock event: it is a row
//! saying what changed (added, removed or moved event), why, who and when, and timesheets apply the
//! corrections on top of the events. Approving an employee's period locks it: later corrections that
//! touch one of its days are refused. Managers and admins correct and approve; both are audited.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, Row, SqliteConnection};
use ts_rs::TS;
use uuid::Uuid;

use crate::attendance::Direction;
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::time::{from_ms, to_ms};
use crate::{Frontdesk, audit, new_id, now_ms, text};
use frontdesk_rules::timesheet as ts;

/// The rules engine's types that timesheets hand to clients, used as they are.
pub use frontdesk_rules::Rules;
pub use frontdesk_rules::timesheet::{DaySummary, Flag, Session, Timesheet, Totals, WeekSummary};

/// What a timesheet correction does to the clock events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Add a missing clock event (e.g. a forgotten clock-out).
    Add,
    /// Remove a wrong clock event (e.g. a false face match).
    Remove,
    /// Move a clock event to another time.
    Move,
}

/// A correction to one employee's clock events, made by a manager or an administrator.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CorrectionRequest {
    /// Whose timesheet.
    pub employee_id: Uuid,
    /// Add, remove or move an event.
    pub kind: CorrectionKind,
    /// Remove, move: the clock event.
    pub event_id: Option<Uuid>,
    /// Add, move: the corrected time.
    pub at: Option<DateTime<Utc>>,
    /// Add: IN or OUT.
    pub direction: Option<Direction>,
    /// Why; required.
    pub reason: String,
}

/// A period of one employee's timesheet to approve (site-local days, inclusive).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ApprovalRequest {
    /// Whose timesheet.
    pub employee_id: Uuid,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    pub to: NaiveDate,
}

/// A stored correction: the original and the corrected values, the reason, who and when.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TimesheetCorrection {
    /// Correction id (UUID v7).
    pub id: Uuid,
    /// Whose timesheet.
    pub employee_id: Uuid,
    /// Add, remove or move.
    pub kind: CorrectionKind,
    /// The clock event removed or moved (`None` for an added one).
    pub event_id: Option<Uuid>,
    /// The event's time before the correction (`None` for an added one).
    pub original_at: Option<DateTime<Utc>>,
    /// The event's direction before the correction (`None` for an added one).
    pub original_direction: Option<Direction>,
    /// The time after the correction (`None` for a removal).
    pub corrected_at: Option<DateTime<Utc>>,
    /// The direction after the correction (`None` for a removal).
    pub direction: Option<Direction>,
    /// Why, as the corrector gave it.
    pub reason: String,
    /// Display name of the staff member who made it.
    pub corrected_by: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// An approved (locked) period of one employee's timesheet.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TimesheetApproval {
    /// Approval id (UUID v7).
    pub id: Uuid,
    /// Whose timesheet.
    pub employee_id: Uuid,
    /// First day of the locked period (site-local).
    pub period_start: NaiveDate,
    /// Last day of the locked period (inclusive).
    pub period_end: NaiveDate,
    /// Display name of the approving manager or administrator.
    pub approver: String,
    /// When it was approved.
    pub approved_at: DateTime<Utc>,
    /// Worked minutes in the period as approved.
    pub worked_minutes: i64,
    /// Of those, overtime minutes as approved.
    pub overtime_minutes: i64,
}

/// A `timesheet_corrections` row as stored (times in UTC milliseconds).
#[derive(sqlx::FromRow)]
struct CorrectionRow {
    id: Uuid,
    employee_id: Uuid,
    kind: CorrectionKind,
    event_id: Option<Uuid>,
    original_at: Option<i64>,
    original_direction: Option<Direction>,
    corrected_at: Option<i64>,
    direction: Option<Direction>,
    reason: String,
    created_by_name: String,
    created_at: i64,
}

fn correction_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<TimesheetCorrection> {
    let c = CorrectionRow::from_row(r)?;
    Ok(TimesheetCorrection {
        id: c.id,
        employee_id: c.employee_id,
        kind: c.kind,
        event_id: c.event_id,
        original_at: c.original_at.map(from_ms),
        original_direction: c.original_direction,
        corrected_at: c.corrected_at.map(from_ms),
        direction: c.direction,
        reason: c.reason,
        corrected_by: c.created_by_name,
        created_at: from_ms(c.created_at),
    })
}

/// A `timesheet_approvals` row as stored (days as ISO dates, times in UTC milliseconds).
#[derive(sqlx::FromRow)]
struct ApprovalRow {
    id: Uuid,
    employee_id: Uuid,
    period_start: NaiveDate,
    period_end: NaiveDate,
    approver_name: String,
    approved_at: i64,
    worked_minutes: i64,
    overtime_minutes: i64,
}

fn approval_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<TimesheetApproval> {
    let a = ApprovalRow::from_row(r)?;
    Ok(TimesheetApproval {
        id: a.id,
        employee_id: a.employee_id,
        period_start: a.period_start,
        period_end: a.period_end,
        approver: a.approver_name,
        approved_at: from_ms(a.approved_at),
        worked_minutes: a.worked_minutes,
        overtime_minutes: a.overtime_minutes,
    })
}

const SELECT_CORRECTION: &str =
    "SELECT id, employee_id, kind, event_id, original_at, original_direction,
        corrected_at, direction, reason, created_by_name, created_at
     FROM timesheet_corrections";

const SELECT_APPROVAL: &str =
    "SELECT id, employee_id, period_start, period_end, approver_name, approved_at,
        worked_minutes, overtime_minutes
     FROM timesheet_approvals";

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn locked_message(a: &TimesheetApproval) -> String {
    format!(
        "the timesheet for {} to {} was approved by {} on {}; approved periods are locked",
        a.period_start,
        a.period_end,
        a.approver,
        a.approved_at.format("%Y-%m-%d %H:%M UTC")
    )
}

/// The approval of `employee` covering local day `d`, if any.
async fn approval_on(
    conn: &mut SqliteConnection,
    employee: Uuid,
    d: NaiveDate,
) -> Result<Option<TimesheetApproval>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT_APPROVAL} WHERE employee_id = ?1 AND period_start <= ?2 AND period_end >= ?2 LIMIT 1"
    )))
    .bind(employee)
    .bind(day(d))
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(approval_from_row).transpose()
}

fn both_permissions(actor: &Actor) -> Result<()> {
    actor.require(Permission::ExportTimesheets)?;
    actor.require(Permission::CorrectAttendance)
}

impl Frontdesk {
    /// The site (and its time zone) whose rules apply to an employee: theirs, else this PC's.
    pub(crate) async fn employee_site(
        &self,
        actor: &Actor,
        employee_site: Option<Uuid>,
    ) -> Result<(crate::site::Site, Tz)> {
        let site = match employee_site {
            Some(id) => self.site(actor, id).await?,
            None => self.home_site(actor).await?,
        };
        let tz = site.time_zone;
        Ok((site, tz))
    }

    /// Records a correction of an employee's clock events. Refused when a day it touches (the event's
    /// old or new local date) lies in an approved period.
    pub async fn correct_timesheet(
        &self,
        actor: &Actor,
        req: CorrectionRequest,
    ) -> Result<TimesheetCorrection> {
        both_permissions(actor)?;
        let reason = text::required("reason", &req.reason, 500)?;
        let employee = self.employee(actor, req.employee_id).await?;
        let (_, tz) = self.employee_site(actor, employee.site_id).await?;
        let now = now_ms();
        let new_at = match (req.kind, req.at) {
            (CorrectionKind::Remove, Some(_)) => {
                return Err(Error::validation("at", "a removal takes no time"));
            }
            (CorrectionKind::Remove, None) => None,
            (_, None) => return Err(Error::validation("at", "give the corrected time")),
            (_, Some(t)) if to_ms(t) > now + 60_000 => {
                return Err(Error::validation("at", "cannot be in the future"));
            }
            (_, Some(t)) => Some(to_ms(crate::time::check_instant("at", t)?)),
        };
        let add_direction = match (req.kind, req.direction) {
            (CorrectionKind::Add, None) => {
                return Err(Error::validation("direction", "give IN or OUT"));
            }
            (CorrectionKind::Add, Some(d)) => Some(d),
            (_, Some(_)) => {
                return Err(Error::validation(
                    "direction",
                    "only an added event takes a direction",
                ));
            }
            (_, None) => None,
        };
        let event_id = match (req.kind, req.event_id) {
            (CorrectionKind::Add, Some(_)) => {
                return Err(Error::validation(
                    "event_id",
                    "an added event has no existing event",
                ));
            }
            (CorrectionKind::Add, None) => None,
            (_, None) => {
                return Err(Error::validation(
                    "event_id",
                    "name the clock event to change",
                ));
            }
            (_, Some(id)) => Some(id),
        };

        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // Local days this correction touches, for the lock check.
        let mut touched: Vec<i64> = new_at.into_iter().collect();
        let mut original: Option<(i64, Direction)> = None;
        if let Some(event_id) = event_id {
            let row = sqlx::query(
                "SELECT at, direction FROM attendance_events WHERE id = ? AND employee_id = ?",
            )
            .bind(event_id)
            .bind(employee.id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::NotFound {
                entity: "clock event",
            })?;
            let at: i64 = row.try_get("at")?;
            let dir: Direction = row.try_get("direction")?;
            original = Some((at, dir));
            touched.push(at);
            let removed: Option<i64> = sqlx::query_scalar(
                "SELECT created_at FROM timesheet_corrections WHERE event_id = ? AND kind = 'remove' LIMIT 1",
            )
            .bind(event_id)
            .fetch_optional(&mut *tx)
            .await?;
            if removed.is_some() {
                return Err(Error::Conflict(
                    "this clock event was already removed".into(),
                ));
            }
            let moves: Vec<i64> = sqlx::query_scalar(
                "SELECT corrected_at FROM timesheet_corrections WHERE event_id = ? AND kind = 'move'",
            )
            .bind(event_id)
            .fetch_all(&mut *tx)
            .await?;
            touched.extend(moves);
        }
        for t in &touched {
            let d = from_ms(*t).with_timezone(&tz).date_naive();
            if let Some(a) = approval_on(&mut tx, employee.id, d).await? {
                return Err(Error::Conflict(locked_message(&a)));
            }
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO timesheet_corrections (id, employee_id, kind, event_id, original_at, original_direction,
                corrected_at, direction, reason, created_by, created_by_name, created_at, device_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(employee.id)
        .bind(req.kind)
        .bind(event_id)
        .bind(original.map(|(at, _)| at))
        .bind(original.map(|(_, d)| d))
        .bind(new_at)
        .bind(add_direction)
        .bind(&reason)
        .bind(actor.staff_id())
        .bind(&actor.name)
        .bind(now)
        .bind(self.device_id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "timesheet.correct",
            "employee",
            Some(employee.id),
            serde_json::json!({
                "correction_id": id, "kind": req.kind, "event_id": event_id,
                "original_at": original.map(|(at, _)| at), "corrected_at": new_at,
                "direction": add_direction, "reason": reason,
            }),
        )
        .await?;
        tx.commit().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_CORRECTION} WHERE id = ?"
        )))
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        correction_from_row(&row)
    }

    /// Approves (and so locks) an employee's timesheet for `from..=to`. Refused when the period
    /// overlaps one already approved.
    pub async fn approve_timesheet(
        &self,
        actor: &Actor,
        employee_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<TimesheetApproval> {
        both_permissions(actor)?;
        crate::time::check_date("from", from)?;
        crate::time::check_date("to", to)?;
        let sheet = self.timesheet(actor, employee_id, from, to).await?;
        let totals = &sheet.timesheet.totals;
        let now = now_ms();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let overlap = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_APPROVAL} WHERE employee_id = ? AND period_start <= ? AND period_end >= ? LIMIT 1"
        )))
        .bind(employee_id)
        .bind(day(to))
        .bind(day(from))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = overlap {
            let a = approval_from_row(&row)?;
            return Err(Error::Conflict(format!(
                "{} to {} overlaps a period already approved: {}",
                from,
                to,
                locked_message(&a)
            )));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO timesheet_approvals (id, employee_id, period_start, period_end, approved_by, approver_name,
                approved_at, worked_minutes, overtime_minutes, device_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(employee_id)
        .bind(day(from))
        .bind(day(to))
        .bind(actor.staff_id())
        .bind(&actor.name)
        .bind(now)
        .bind(totals.worked_minutes)
        .bind(totals.overtime_minutes)
        .bind(self.device_id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "timesheet.approve",
            "employee",
            Some(employee_id),
            serde_json::json!({
                "approval_id": id, "from": day(from), "to": day(to),
                "worked_minutes": totals.worked_minutes, "overtime_minutes": totals.overtime_minutes,
            }),
        )
        .await?;
        tx.commit().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_APPROVAL} WHERE id = ?"
        )))
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        approval_from_row(&row)
    }

    /// An employee's approved periods, oldest first.
    pub async fn timesheet_approvals(
        &self,
        actor: &Actor,
        employee_id: Uuid,
    ) -> Result<Vec<TimesheetApproval>> {
        actor.require(Permission::ExportTimesheets)?;
        self.employee(actor, employee_id).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_APPROVAL} WHERE employee_id = ? ORDER BY period_start"
        )))
        .bind(employee_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(approval_from_row).collect()
    }

    /// An employee's corrections whose old or new time lies in `from..=to` (site-local days),
    /// oldest first.
    pub async fn timesheet_corrections(
        &self,
        actor: &Actor,
        employee_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TimesheetCorrection>> {
        actor.require(Permission::ExportTimesheets)?;
        crate::time::check_date("from", from)?;
        crate::time::check_date("to", to)?;
        let employee = self.employee(actor, employee_id).await?;
        let (_, tz) = self.employee_site(actor, employee.site_id).await?;
        let start = crate::time::start_of_day(tz, from);
        let end = to
            .succ_opt()
            .map_or(start, |d| crate::time::start_of_day(tz, d));
        self.corrections_between(employee_id, start, end).await
    }

    async fn corrections_between(
        &self,
        employee_id: Uuid,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<TimesheetCorrection>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_CORRECTION} WHERE employee_id = ?1
               AND ((original_at >= ?2 AND original_at < ?3) OR (corrected_at >= ?2 AND corrected_at < ?3))
             ORDER BY created_at, id"
        )))
        .bind(employee_id)
        .bind(to_ms(start))
        .bind(to_ms(end))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(correction_from_row).collect()
    }

    /// The corrections (in the rules engine's form) that apply to `events` of an employee in
    /// `[start, end)`. Events a correction moves into the window from outside are added to `events`,
    /// with the other corrections of those events.
    pub(crate) async fn corrections_for_timesheet(
        &self,
        employee_id: Uuid,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        events: &mut Vec<ts::AttendanceEvent>,
    ) -> Result<Vec<ts::Correction>> {
        let mut stored = self.corrections_between(employee_id, start, end).await?;
        let missing: Vec<Uuid> = stored
            .iter()
            .filter_map(|c| c.event_id)
            .filter(|id| {
                let s = id.to_string();
                !events.iter().any(|e| e.id == s)
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for id in missing {
            let row = sqlx::query("SELECT at, direction FROM attendance_events WHERE id = ?")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
            events.push(ts::AttendanceEvent {
                id: id.to_string(),
                at: from_ms(row.try_get("at")?),
                direction: row.try_get::<Direction, _>("direction")?,
            });
            let more = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{SELECT_CORRECTION} WHERE event_id = ?"
            )))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            for r in &more {
                let c = correction_from_row(r)?;
                if !stored.iter().any(|s| s.id == c.id) {
                    stored.push(c);
                }
            }
        }
        stored.sort_by_key(|c| (c.created_at, c.id));
        stored
            .into_iter()
            .map(|c| {
                let action = match c.kind {
                    CorrectionKind::Add => ts::CorrectionAction::Add {
                        event: ts::AttendanceEvent {
                            id: c.id.to_string(),
                            at: c.corrected_at.ok_or_else(|| {
                                Error::Internal("added event without a time".into())
                            })?,
                            direction: c.direction.ok_or_else(|| {
                                Error::Internal("added event without a direction".into())
                            })?,
                        },
                    },
                    CorrectionKind::Remove => ts::CorrectionAction::Remove {
                        event_id: c.event_id.map(|id| id.to_string()).unwrap_or_default(),
                    },
                    CorrectionKind::Move => ts::CorrectionAction::Move {
                        event_id: c.event_id.map(|id| id.to_string()).unwrap_or_default(),
                        to: c
                            .corrected_at
                            .ok_or_else(|| Error::Internal("moved event without a time".into()))?,
                    },
                };
                Ok(ts::Correction {
                    action,
                    reason: c.reason,
                    by: c.corrected_by,
                    at: c.created_at,
                })
            })
            .collect()
    }

    /// The approval whose period covers all of `from..=to`, in the rules engine's form.
    pub(crate) async fn approval_covering(
        &self,
        employee_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<ts::Approval>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_APPROVAL} WHERE employee_id = ? AND period_start <= ? AND period_end >= ? LIMIT 1"
        )))
        .bind(employee_id)
        .bind(day(from))
        .bind(day(to))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .as_ref()
            .map(approval_from_row)
            .transpose()?
            .map(|a| ts::Approval {
                approver: a.approver,
                at: a.approved_at,
            }))
    }
}

/// One day of margin each side of a period: night shifts and zone offsets.
pub(crate) fn event_window(
    tz: Tz,
    from: NaiveDate,
    to: NaiveDate,
) -> (DateTime<Utc>, DateTime<Utc>) {
    // Saturating: dates at chrono's limits reach the callers' range checks instead of panicking.
    let day = Duration::days(1);
    let start = crate::time::start_of_day(tz, from);
    let start = start.checked_sub_signed(day).unwrap_or(start);
    let end = to
        .succ_opt()
        .map_or(start, |d| crate::time::start_of_day(tz, d));
    let end = end.checked_add_signed(day).unwrap_or(end);
    (start, end)
}
