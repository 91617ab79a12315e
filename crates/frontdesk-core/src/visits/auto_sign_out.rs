//! Auto sign-out: visitors still signed in at a site's end-of-day time are signed out by Frontdesk,
//! so the on-site list and the evacuation list stay true when someone leaves without signing out.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::Result;
use crate::people::auth::Actor;
use crate::time::{from_ms, local_instant, to_ms};
use crate::visits::SignOutMethod;
use crate::{Frontdesk, audit, store};

/// Visits one auto sign-out pass closed at one site.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AutoSignOut {
    /// The site.
    pub site_id: Uuid,
    /// The end-of-day instant the visits were closed at (UTC).
    pub cutoff: DateTime<Utc>,
    /// How many visits were signed out.
    pub signed_out: u32,
}

/// The latest end-of-day instant at or before `now` for a local time `at` in `tz`.
fn last_cutoff(tz: chrono_tz::Tz, at: NaiveTime, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&tz).date_naive();
    let candidate = local_instant(tz, today.and_time(at));
    if candidate <= now {
        return candidate;
    }
    let yesterday = today.pred_opt().unwrap_or(today);
    local_instant(tz, yesterday.and_time(at))
}

impl Frontdesk {
    /// Signs out every visit still signed in from before its site's most recent end-of-day time
    /// (setting `auto_sign_out_time`; sites without one are skipped). Each visit is closed at that
    /// time with method [`SignOutMethod::Auto`] and audited as `visit.sign_out` by the system.
    /// Safe to run as often as wanted (the app runs it every minute, a system timer may too).
    pub async fn auto_sign_out(&self, now: DateTime<Utc>) -> Result<Vec<AutoSignOut>> {
        let sites = sqlx::query("SELECT id, organisation_id, time_zone FROM sites")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for site in sites {
            let site_id: Uuid = site.try_get("id")?;
            let Ok(tz) = site
                .try_get::<String, _>("time_zone")?
                .parse::<chrono_tz::Tz>()
            else {
                continue;
            };
            let mut conn = self.pool.acquire().await?;
            let settings = crate::site::settings::stored(&mut conn, site_id).await?;
            let Some(at) = settings
                .auto_sign_out_time
                .as_deref()
                .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
            else {
                continue;
            };
            let cutoff = last_cutoff(tz, at, now);
            let due: Vec<(Uuid, i64)> = sqlx::query_as(
                "SELECT id, checked_in_at FROM visits
                 WHERE site_id = ? AND status = 'checked_in' AND checked_in_at < ?",
            )
            .bind(site_id)
            .bind(to_ms(cutoff))
            .fetch_all(&mut *conn)
            .await?;
            drop(conn);
            if due.is_empty() {
                continue;
            }
            let mut tx = store::db::begin_immediate(&self.pool).await?;
            let mut signed_out = 0u32;
            let system = Actor::system(
                "Auto sign-out",
                site.try_get("organisation_id")?,
                self.device_id,
            );
            for (visit_id, checked_in_at) in &due {
                // The first end-of-day after the visit began: a visit left open for days closes
                // on its own evening, not tonight.
                let closes = last_cutoff(tz, at, from_ms(*checked_in_at) + Duration::days(1))
                    .max(from_ms(*checked_in_at))
                    .min(cutoff);
                let closed = sqlx::query(
                    "UPDATE visits SET status = 'checked_out', checked_out_at = ?1, signed_out_by = ?2,
                        updated_at = ?3
                     WHERE id = ?4 AND status = 'checked_in'",
                )
                .bind(to_ms(closes))
                .bind(SignOutMethod::Auto)
                .bind(to_ms(now))
                .bind(visit_id)
                .execute(&mut *tx)
                .await?;
                if closed.rows_affected() == 0 {
                    continue; // signed out by someone since it was read
                }
                signed_out += 1;
                audit::record(
                    &mut tx,
                    &system,
                    "visit.sign_out",
                    "visit",
                    Some(*visit_id),
                    serde_json::json!({ "method": SignOutMethod::Auto, "at": from_ms(to_ms(closes)) }),
                )
                .await?;
            }
            tx.commit().await?;
            out.push(AutoSignOut {
                site_id,
                cutoff,
                signed_out,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_cutoff_is_the_latest_end_of_day_not_after_now() {
        let tz: chrono_tz::Tz = "Europe/London".parse().expect("zone");
        let at = NaiveTime::from_hms_opt(23, 0, 0).expect("time");
        // 10:00 BST on 2 July: the cutoff is 1 July 23:00 BST = 22:00 UTC.
        let now = Utc
            .with_ymd_and_hms(2026, 7, 2, 9, 0, 0)
            .single()
            .expect("instant");
        assert_eq!(
            last_cutoff(tz, at, now),
            Utc.with_ymd_and_hms(2026, 7, 1, 22, 0, 0)
                .single()
                .expect("instant")
        );
        // 23:30 BST on 2 July: tonight's cutoff has passed.
        let late = Utc
            .with_ymd_and_hms(2026, 7, 2, 22, 30, 0)
            .single()
            .expect("instant");
        assert_eq!(
            last_cutoff(tz, at, late),
            Utc.with_ymd_and_hms(2026, 7, 2, 22, 0, 0)
                .single()
                .expect("instant")
        );
    }
}
