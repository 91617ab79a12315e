//! Employees clocking themselves: by face at the camera ([`Frontdesk::clock_by_face`]) or by their
//! employee code and PIN ([`Frontdesk::clock_by_pin`]). These are the only ways to record a face or
//! PIN event: the source and confidence come from the path itself, never from the caller, and the
//! time is always now. A repeat within the site's `duplicate_window_minutes` is ignored (the
//! earlier event is returned, marked repeated) rather than flipping IN to OUT. Staff set PINs;
//! wrong PINs lock the employee's PIN for a while, doubling each time, and every try is audited.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::attendance::{AttendanceEvent, AttendanceSource};
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission, check_pin, hash_secret, verify_secret};
use crate::time::{from_ms, local_hhmm};
use crate::{Frontdesk, audit, now_ms, store};

/// How long after clocking the kiosk offers "Not you? Undo".
pub const UNDO_WITHIN_MS: i64 = 60_000;
/// Wrong PINs in a row before the employee's PIN is locked.
const PIN_ATTEMPTS: u32 = 5;
/// The first lockout; each further one doubles, up to [`MAX_LOCKOUT_MS`].
const FIRST_LOCKOUT_MS: i64 = 5 * 60 * 1000;
const MAX_LOCKOUT_MS: i64 = 4 * 60 * 60 * 1000;

/// What an employee's clocking did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ClockResult {
    /// The event recorded, or for a repeat the earlier one it repeated.
    pub event: AttendanceEvent,
    /// A repeat within the site's duplicate window: nothing new was recorded.
    pub repeated: bool,
}

/// Wrong PINs per employee (in memory): failures in a row, lockouts so far, locked until.
#[derive(Default)]
pub(crate) struct EmployeePins {
    failures: Mutex<HashMap<Uuid, (u32, u32, i64)>>,
}

impl EmployeePins {
    fn locked_until(&self, employee: Uuid, now: i64) -> Option<i64> {
        let f = self.failures.lock().ok()?;
        f.get(&employee)
            .map(|(_, _, until)| *until)
            .filter(|until| *until > now)
    }

    /// Counts a wrong PIN; `Some(until)` when this one locks the PIN.
    fn failed(&self, employee: Uuid, now: i64) -> Option<i64> {
        let mut f = self.failures.lock().ok()?;
        let entry = f.entry(employee).or_insert((0, 0, 0));
        entry.0 += 1;
        if entry.0 < PIN_ATTEMPTS {
            return None;
        }
        let lockout = FIRST_LOCKOUT_MS
            .saturating_mul(1 << entry.1.min(10))
            .min(MAX_LOCKOUT_MS);
        *entry = (0, entry.1 + 1, now + lockout);
        Some(entry.2)
    }

    fn succeeded(&self, employee: Uuid) {
        if let Ok(mut f) = self.failures.lock() {
            f.remove(&employee);
        }
    }
}

impl Frontdesk {
    /// Sets (or with `None` removes) an employee's clock-in PIN: 4 to 8 digits, stored as an
    /// argon2id hash. Needs the manage-employees permission; audited as `employee.pin_set` or
    /// `employee.pin_removed`, without the PIN.
    pub async fn set_employee_pin(
        &self,
        actor: &Actor,
        employee_id: Uuid,
        pin: Option<&str>,
    ) -> Result<()> {
        actor.require(Permission::ManageEmployees)?;
        let hash = match pin {
            Some(p) => {
                check_pin("pin", p)?;
                Some(hash_secret(p.to_string()).await?)
            }
            None => None,
        };
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE employees SET pin_hash = ?, updated_at = ? WHERE id = ? AND organisation_id = ?",
        )
        .bind(&hash)
        .bind(now_ms())
        .bind(employee_id)
        .bind(actor.organisation_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound { entity: "employee" });
        }
        let action = match hash {
            Some(_) => "employee.pin_set",
            None => "employee.pin_removed",
        };
        audit::record(
            &mut tx,
            actor,
            action,
            "employee",
            Some(employee_id),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.employee_pins.succeeded(employee_id);
        Ok(())
    }

    /// Clocks an employee IN or OUT (from their last event) by employee code and PIN, for people
    /// without face consent or when the camera does not know them. A wrong code, a wrong PIN and
    /// an employee without a PIN all get the same [`Error::BadCredentials`]; five wrong PINs in a
    /// row lock that employee's PIN ([`Error::Locked`]) for 5 minutes, then 10, 20… up to 4 hours.
    /// Audited: `attendance.in`/`attendance.out`, `attendance.pin_failed`, `attendance.pin_locked`.
    pub async fn clock_by_pin(&self, actor: &Actor, code: &str, pin: &str) -> Result<ClockResult> {
        actor.require(Permission::RecordAttendance)?;
        let now = now_ms();
        let tz = self.home_site(actor).await?.time_zone;
        let code = code.trim();
        let found = if code.is_empty() || code.len() > 64 {
            None
        } else {
            sqlx::query(
                "SELECT id, pin_hash FROM employees
                 WHERE organisation_id = ? AND code = ? AND active = 1",
            )
            .bind(actor.organisation_id)
            .bind(code)
            .fetch_optional(&self.pool)
            .await?
        };
        let Some(row) = found else {
            // Same answer as a wrong PIN: codes are not to be guessed from the kiosk.
            let mut tx = store::db::begin_immediate(&self.pool).await?;
            audit::record(
                &mut tx,
                actor,
                "attendance.pin_failed",
                "device",
                Some(self.device_id),
                serde_json::json!({ "reason": "unknown code" }),
            )
            .await?;
            tx.commit().await?;
            return Err(Error::BadCredentials);
        };
        let employee_id: Uuid = row.try_get("id")?;
        if let Some(until) = self.employee_pins.locked_until(employee_id, now) {
            return Err(Error::Locked(local_hhmm(tz, until)));
        }
        let hash: Option<String> = row.try_get("pin_hash")?;
        let right = match (hash, check_pin("pin", pin)) {
            (Some(h), Ok(())) => verify_secret(pin.to_string(), h).await?,
            _ => false,
        };
        if !right {
            let locked = self.employee_pins.failed(employee_id, now);
            let mut tx = store::db::begin_immediate(&self.pool).await?;
            audit::record(
                &mut tx,
                actor,
                if locked.is_some() {
                    "attendance.pin_locked"
                } else {
                    "attendance.pin_failed"
                },
                "employee",
                Some(employee_id),
                serde_json::json!({ "locked_until": locked.map(from_ms) }),
            )
            .await?;
            tx.commit().await?;
            return Err(match locked {
                Some(until) => Error::Locked(local_hhmm(tz, until)),
                None => Error::BadCredentials,
            });
        }
        self.employee_pins.succeeded(employee_id);
        self.clock(actor, employee_id, AttendanceSource::Pin, None)
            .await
    }

    /// "Not you? Undo": takes back a face or PIN event this PC recorded less than a minute ago
    /// (audited as `attendance.undo`). Older events, manual ones and other PCs' are corrected on
    /// the timesheet instead ([`Error::Conflict`]); an unknown id is [`Error::NotFound`].
    pub async fn undo_clock(&self, actor: &Actor, event_id: Uuid) -> Result<()> {
        actor.require(Permission::RecordAttendance)?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let row = sqlx::query(
            "SELECT a.employee_id, a.direction, a.source, a.device_id, a.created_at
             FROM attendance_events a JOIN employees e ON e.id = a.employee_id
             WHERE a.id = ? AND e.organisation_id = ?",
        )
        .bind(event_id)
        .bind(actor.organisation_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound {
            entity: "attendance event",
        })?;
        let source: AttendanceSource = row.try_get("source")?;
        let device: Option<Uuid> = row.try_get("device_id")?;
        let created: i64 = row.try_get("created_at")?;
        let undoable = source != AttendanceSource::Manual
            && device == Some(self.device_id)
            && now_ms() - created <= UNDO_WITHIN_MS;
        if !undoable {
            return Err(Error::Conflict(
                "this clocking can no longer be undone here; staff can correct the timesheet"
                    .into(),
            ));
        }
        sqlx::query("DELETE FROM attendance_events WHERE id = ?")
            .bind(event_id)
            .execute(&mut *tx)
            .await?;
        let employee_id: Uuid = row.try_get("employee_id")?;
        let direction: crate::attendance::Direction = row.try_get("direction")?;
        audit::record(
            &mut tx,
            actor,
            "attendance.undo",
            "attendance_event",
            Some(event_id),
            serde_json::json!({ "employee_id": employee_id, "direction": direction, "source": source }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a face or PIN event for `employee_id` now, or returns the last event unchanged when
    /// it is within the site's duplicate window.
    pub(crate) async fn clock(
        &self,
        actor: &Actor,
        employee_id: Uuid,
        source: AttendanceSource,
        confidence: Option<f32>,
    ) -> Result<ClockResult> {
        let site = self.home_site(actor).await?;
        let window_ms = {
            let mut conn = self.pool.acquire().await?;
            let rules = crate::site::settings::stored(&mut conn, site.id)
                .await?
                .attendance;
            i64::from(rules.duplicate_window_minutes) * 60_000
        };
        if window_ms > 0 {
            let last: Option<Uuid> = sqlx::query_scalar(
                "SELECT id FROM attendance_events WHERE employee_id = ? AND at > ? AND at <= ?
                 ORDER BY at DESC LIMIT 1",
            )
            .bind(employee_id)
            .bind(now_ms() - window_ms)
            .bind(now_ms())
            .fetch_optional(&self.pool)
            .await?;
            if let Some(id) = last {
                return Ok(ClockResult {
                    event: self.attendance_event(id).await?,
                    repeated: true,
                });
            }
        }
        let event = self
            .record_event(actor, employee_id, None, source, confidence, None, None)
            .await?;
        Ok(ClockResult {
            event,
            repeated: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_pins_lock_and_each_lockout_doubles() {
        let pins = EmployeePins::default();
        let e = Uuid::nil();
        for _ in 0..4 {
            assert_eq!(pins.failed(e, 0), None);
        }
        assert_eq!(pins.failed(e, 0), Some(FIRST_LOCKOUT_MS));
        assert_eq!(pins.locked_until(e, 1), Some(FIRST_LOCKOUT_MS));
        assert_eq!(pins.locked_until(e, FIRST_LOCKOUT_MS), None, "over");
        for _ in 0..4 {
            pins.failed(e, FIRST_LOCKOUT_MS);
        }
        assert_eq!(
            pins.failed(e, FIRST_LOCKOUT_MS),
            Some(FIRST_LOCKOUT_MS + 2 * FIRST_LOCKOUT_MS)
        );
        pins.succeeded(e);
        assert_eq!(pins.locked_until(e, FIRST_LOCKOUT_MS + 1), None);
    }
}
