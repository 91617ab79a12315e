//! Who is on site now: visitors signed in and employees clocked in. The same list feeds the console
//! and the evacuation roll call.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::Result;
use crate::people::auth::{Actor, Permission};
use crate::site::Site;
use crate::time::from_ms;
use crate::visits::{SELECT_VISIT, Visit, VisitRow};
use crate::{Frontdesk, now_ms};

/// An IN older than this without an OUT is treated as a forgotten clock-out, not presence.
pub const PRESENCE_WINDOW_HOURS: i64 = 16;

/// An employee whose latest clock event at the site, within [`PRESENCE_WINDOW_HOURS`], is an IN.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PresentEmployee {
    /// Employee id.
    pub id: Uuid,
    /// The employee's name.
    pub name: String,
    /// Their department, if recorded.
    pub department: Option<String>,
    /// Their phone number, if recorded (for the roll call).
    pub phone: Option<String>,
    /// When they clocked in (UTC).
    pub since: DateTime<Utc>,
}

/// Everyone on a site now, as returned by [`Frontdesk::on_site`].
#[derive(Debug, Clone, Serialize, TS)]
pub struct OnSiteNow {
    /// The site the list is for.
    pub site: Site,
    /// Visits currently signed in, earliest sign-in first.
    pub visitors: Vec<Visit>,
    /// Employees clocked in, by name (case ignored).
    pub employees: Vec<PresentEmployee>,
}

impl Frontdesk {
    /// Who is on the site now (`None`: this PC's site): signed-in visitors and clocked-in
    /// employees. Needs the view-visits permission; [`Error::NotFound`](crate::Error::NotFound)
    /// if the site is not in the actor's organisation.
    pub async fn on_site(&self, actor: &Actor, site_id: Option<Uuid>) -> Result<OnSiteNow> {
        actor.require(Permission::ViewVisits)?;
        let site = match site_id {
            Some(id) => self.site(actor, id).await?,
            None => self.home_site(actor).await?,
        };
        let visitors: Vec<Visit> = sqlx::query_as::<_, VisitRow>(sqlx::AssertSqlSafe(format!(
            "{SELECT_VISIT} WHERE v.site_id = ? AND v.status = 'checked_in' ORDER BY v.checked_in_at"
        )))
        .bind(site.id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(Visit::from)
        .collect();

        // Latest event per employee inside the presence window, kept when it is an IN at this site.
        let since = now_ms() - PRESENCE_WINDOW_HOURS * 3_600_000;
        let rows = sqlx::query(
            "SELECT e.id, e.name, e.department, e.phone, a.at, a.direction, a.site_id
             FROM (SELECT employee_id, MAX(at) AS at FROM attendance_events WHERE site_id = ?2 AND at >= ?1 GROUP BY employee_id) last
             JOIN attendance_events a ON a.employee_id = last.employee_id AND a.at = last.at
             JOIN employees e ON e.id = a.employee_id
             WHERE a.direction = 'IN' AND a.site_id = ?2 AND e.organisation_id = ?3
             ORDER BY e.name COLLATE NOCASE",
        )
        .bind(since)
        .bind(site.id)
        .bind(actor.organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let employees = rows
            .iter()
            .map(|r| {
                Ok(PresentEmployee {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    department: r.try_get("department")?,
                    phone: r.try_get("phone")?,
                    since: from_ms(r.try_get("at")?),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(OnSiteNow {
            site,
            visitors,
            employees,
        })
    }
}
