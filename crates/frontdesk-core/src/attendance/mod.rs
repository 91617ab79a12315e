//! Employee attendance: IN/OUT events from the clock-in camera, a PIN, or a staff member.

pub mod clock;
pub mod timesheets;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{Actor, ActorKind, Permission};
use crate::time::{from_ms, to_ms};
use crate::{Frontdesk, audit, new_id, now_ms, store, text};

/// Whether an attendance event clocks an employee in or out: the rules engine's type, stored in
/// `attendance_events.direction` as `IN` / `OUT`, as in JSON.
pub use frontdesk_rules::ClockDirection as Direction;

/// How an attendance event was recorded.
// Stored in `attendance_events.source` under its snake_case name, as in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum AttendanceSource {
    /// Recognised by the clock-in camera ([`Frontdesk::clock_by_face`]), with a match confidence.
    Face,
    /// Employee code and PIN at the kiosk ([`Frontdesk::clock_by_pin`]).
    Pin,
    /// Entered by hand by a staff member ([`Frontdesk::record_attendance`]); may be back-dated
    /// with a note.
    Manual,
}

/// A manual attendance entry by staff, recorded with [`Frontdesk::record_attendance`]. Face and
/// PIN events are not recorded this way: only their own paths can say how they were made.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AttendanceRequest {
    /// The employee clocking; must be active and in the actor's organisation.
    pub employee_id: Uuid,
    /// `None` toggles: IN when the employee's last event is OUT (or there is none), else OUT.
    pub direction: Option<Direction>,
    /// A past time for the entry (with a note); defaults to now.
    pub at: Option<DateTime<Utc>>,
    /// Why the entry was made (at most 500 characters); required when `at` is given.
    pub note: Option<String>,
}

/// A recorded IN or OUT of an employee.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AttendanceEvent {
    /// Attendance event id (UUID v7).
    pub id: Uuid,
    /// The employee who clocked.
    pub employee_id: Uuid,
    /// The employee's current name.
    pub employee_name: String,
    /// In or out.
    pub direction: Direction,
    /// When it happened (UTC): the time recorded, or the back-dated time of a manual entry.
    pub at: DateTime<Utc>,
    /// How it was recorded.
    pub source: AttendanceSource,
    /// Face-match confidence in [0, 1] for face events; `None` otherwise.
    pub confidence: Option<f32>,
}

/// A row of the attendance query: the time in UTC milliseconds.
#[derive(sqlx::FromRow)]
struct EventRow {
    id: Uuid,
    employee_id: Uuid,
    employee_name: String,
    direction: Direction,
    at: i64,
    source: AttendanceSource,
    confidence: Option<f32>,
}

impl From<EventRow> for AttendanceEvent {
    fn from(r: EventRow) -> Self {
        AttendanceEvent {
            id: r.id,
            employee_id: r.employee_id,
            employee_name: r.employee_name,
            direction: r.direction,
            at: from_ms(r.at),
            source: r.source,
            confidence: r.confidence,
        }
    }
}

impl Frontdesk {
    /// Records a manual IN or OUT for an employee, by staff (needs
    /// [`Permission::RecordAttendance`]; audited as `attendance.in` / `attendance.out`). The kiosk
    /// cannot: employees there clock by face or PIN. A back-dated time in the future or without a
    /// note is a validation error; an inactive employee is a conflict.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        req: AttendanceRequest,
    ) -> Result<AttendanceEvent> {
        actor.require(Permission::RecordAttendance)?;
        if !matches!(actor.kind, ActorKind::Staff(_)) {
            return Err(Error::Forbidden {
                role: actor.kind_str().into(),
                action: "record attendance by hand (employees clock by face or PIN)",
            });
        }
        self.record_event(
            actor,
            req.employee_id,
            req.direction,
            AttendanceSource::Manual,
            None,
            req.at,
            req.note,
        )
        .await
    }

    /// Records an event of `source`: face and PIN events only now (their paths call this), manual
    /// ones possibly back-dated with a note. The same direction twice in a row is a conflict except
    /// for manual entries.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record_event(
        &self,
        actor: &Actor,
        employee_id: Uuid,
        direction: Option<Direction>,
        source: AttendanceSource,
        confidence: Option<f32>,
        at: Option<DateTime<Utc>>,
        note: Option<String>,
    ) -> Result<AttendanceEvent> {
        actor.require(Permission::RecordAttendance)?;
        let now = now_ms();
        let note = text::optional("note", note.as_deref(), 500)?;
        if at.is_some() && source != AttendanceSource::Manual {
            return Err(Error::validation(
                "at",
                "only manual entries may be back-dated",
            ));
        }
        let back_dated = at.is_some();
        let at = match at {
            None => now,
            Some(t) => {
                let t = to_ms(crate::time::check_instant("at", t)?);
                if t > now + 60_000 {
                    return Err(Error::validation("at", "cannot be in the future"));
                }
                if note.is_none() {
                    return Err(Error::validation(
                        "note",
                        "a back-dated entry needs a reason",
                    ));
                }
                t
            }
        };
        if let Some(c) = confidence
            && !(0.0..=1.0).contains(&c)
        {
            return Err(Error::validation("confidence", "must be between 0 and 1"));
        }
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let emp = sqlx::query(
            "SELECT name, active, site_id FROM employees WHERE id = ? AND organisation_id = ?",
        )
        .bind(employee_id)
        .bind(actor.organisation_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound { entity: "employee" })?;
        let name: String = emp.try_get("name")?;
        if !emp.try_get::<bool, _>("active")? {
            return Err(Error::Conflict(format!("{name} is no longer active")));
        }
        let last = sqlx::query(
            "SELECT direction, at FROM attendance_events WHERE employee_id = ? AND at <= ? ORDER BY at DESC LIMIT 1",
        )
        .bind(employee_id)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let last = match last {
            Some(r) => Some((
                r.try_get::<Direction, _>("direction")?,
                r.try_get::<i64, _>("at")?,
            )),
            None => None,
        };
        let site_id: Option<Uuid> = match emp.try_get::<Option<Uuid>, _>("site_id")? {
            Some(s) => Some(s),
            None => sqlx::query_scalar("SELECT site_id FROM devices WHERE id = ?")
                .bind(self.device_id)
                .fetch_optional(&mut *tx)
                .await?
                .flatten(),
        };
        // An IN older than the site's longest session was never closed (a forgotten OUT, left for
        // the timesheet to flag): the next walk-up starts a new day with IN, not a "goodbye".
        let max_session_ms = match site_id {
            Some(site) => {
                let rules = crate::site::settings::stored(&mut tx, site)
                    .await?
                    .attendance;
                i64::from(rules.max_session_hours) * 3_600_000
            }
            None => 16 * 3_600_000,
        };
        let last = last.filter(|(d, t)| !(*d == Direction::In && at - t > max_session_ms));
        let direction = match (direction, last) {
            (Some(d), _) => d,
            (None, Some((Direction::In, _))) => Direction::Out,
            (None, _) => Direction::In,
        };
        if let Some((d, t)) = last
            && d == direction
            && source != AttendanceSource::Manual
        {
            let when = from_ms(t).format("%H:%M UTC");
            let what = if d == Direction::In {
                "clocked in"
            } else {
                "clocked out"
            };
            return Err(Error::Conflict(format!("{name} already {what} at {when}")));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO attendance_events (id, employee_id, site_id, direction, at, source, confidence, device_id, created_by, note, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(employee_id)
        .bind(site_id)
        .bind(direction)
        .bind(at)
        .bind(source)
        .bind(confidence)
        .bind(self.device_id)
        .bind(actor.staff_id())
        .bind(&note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            &format!("attendance.{}", direction.as_str().to_lowercase()),
            "attendance_event",
            Some(id),
            serde_json::json!({ "employee_id": employee_id, "source": source, "back_dated": back_dated }),
        )
        .await?;
        tx.commit().await?;
        Ok(AttendanceEvent {
            id,
            employee_id,
            employee_name: name,
            direction,
            at: from_ms(at),
            source,
            confidence,
        })
    }

    /// One recorded event by id.
    pub(crate) async fn attendance_event(&self, id: Uuid) -> Result<AttendanceEvent> {
        let row = sqlx::query_as::<_, EventRow>(
            "SELECT a.id, a.employee_id, e.name AS employee_name, a.direction, a.at, a.source, a.confidence
             FROM attendance_events a JOIN employees e ON e.id = a.employee_id WHERE a.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound { entity: "attendance event" })?;
        Ok(row.into())
    }

    /// An employee's events in `[from, to)`, oldest first.
    pub async fn attendance(
        &self,
        actor: &Actor,
        employee_id: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AttendanceEvent>> {
        actor.require(Permission::ViewVisits)?;
        crate::time::check_instant("from", from)?;
        crate::time::check_instant("to", to)?;
        let rows = sqlx::query_as::<_, EventRow>(
            "SELECT a.id, a.employee_id, e.name AS employee_name, a.direction, a.at, a.source, a.confidence
             FROM attendance_events a JOIN employees e ON e.id = a.employee_id
             WHERE a.employee_id = ? AND e.organisation_id = ? AND a.at >= ? AND a.at < ? ORDER BY a.at",
        )
        .bind(employee_id)
        .bind(actor.organisation_id)
        .bind(to_ms(from))
        .bind(to_ms(to))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(AttendanceEvent::from).collect())
    }
}
