//! Visits: signing visitors in and out, and the visit log.

pub mod auto_sign_out;
pub mod invites;
pub mod onsite;
mod sign_in;
pub mod visitor_faces;
pub mod visitors;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::time::{day_range_ms, from_ms};
use crate::visits::visitors::VisitorDetails;
use crate::{Frontdesk, audit, now_ms, store};

/// Where a visit is in its life.
// Stored in `visits.status` under the same snake_case names it has in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum VisitStatus {
    /// Booked in advance; the visitor has not arrived yet.
    Expected,
    /// The visitor is signed in and on site.
    CheckedIn,
    /// The visitor has signed out.
    CheckedOut,
    /// The expected visit was called off.
    Cancelled,
}

impl VisitStatus {
    /// The status as people read it in the CLI and in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Expected => "expected",
            VisitStatus::CheckedIn => "checked_in",
            VisitStatus::CheckedOut => "checked_out",
            VisitStatus::Cancelled => "cancelled",
        }
    }
}

/// How a visitor left.
// Stored in `visits.signed_out_by` under its snake_case name, as in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum SignOutMethod {
    /// The visitor signed out at the kiosk.
    Kiosk,
    /// Staff signed them out at the desk.
    Desk,
    /// The QR code on their badge was scanned.
    BadgeQr,
    /// The kiosk recognised their face.
    Face,
    /// Signed out automatically by the system, not by a person.
    Auto,
}

/// A visitor signing in, from the kiosk or the desk; see [`Frontdesk::sign_in_visitor`].
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct SignInRequest {
    /// Defaults to this PC's site.
    pub site_id: Option<Uuid>,
    /// A returning visitor picked from search or recognised at the kiosk.
    pub visitor_id: Option<Uuid>,
    /// The visitor's name and contact details, as entered (they update a returning visitor's).
    pub visitor: VisitorDetails,
    /// The employee they are visiting, if any; must be a current employee of the organisation.
    pub host_employee_id: Option<Uuid>,
    /// Reason for the visit (up to 300 characters).
    pub purpose: Option<String>,
    /// Badge band, e.g. visitor, contractor, delivery, interview.
    pub visitor_type: Option<String>,
    /// Free-text notes for staff (up to 2,000 characters).
    pub notes: Option<String>,
    /// Version of the agreement the visitor signed, with the signature strokes as an SVG path.
    pub agreement_version: Option<String>,
    /// The signature strokes as an SVG path (at most 256 KiB); `None` if nothing was signed.
    pub signature_svg: Option<String>,
    /// The visitor agrees to their details being kept for faster sign-in next time.
    pub remember_me: bool,
    /// The photo the kiosk took ([`Frontdesk::kiosk_take_photo`]); `None` for no photo. A site
    /// whose `kiosk_photo` is required refuses a kiosk sign-in without one.
    pub photo_id: Option<Uuid>,
}

/// One visit: a visitor at a site, from expected or signed in to signed out.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Visit {
    /// Visit id (UUID v7).
    pub id: Uuid,
    /// The site visited.
    pub site_id: Uuid,
    /// The visitor record this visit belongs to.
    pub visitor_id: Uuid,
    /// The visitor's name as given at this visit.
    pub visitor_name: String,
    /// The visitor's company as given at this visit, if any.
    pub company: Option<String>,
    /// The employee visited; `None` if no host was named.
    pub host_employee_id: Option<Uuid>,
    /// The host's name; `None` if no host was named.
    pub host_name: Option<String>,
    /// Reason for the visit, if given.
    pub purpose: Option<String>,
    /// Badge band in lower case, e.g. `visitor` (the default), `contractor`, `delivery`.
    pub visitor_type: String,
    /// Where the visit is in its life.
    pub status: VisitStatus,
    /// When the visitor is expected (UTC); `None` for walk-ins.
    pub expected_at: Option<DateTime<Utc>>,
    /// When the visitor signed in (UTC); `None` until they do.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// When the visitor signed out (UTC); `None` while on site.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Badge number, `V` and four digits counting up per site and local day (e.g. `V0001`); `None`
    /// until signed in.
    pub badge_number: Option<String>,
    /// Where the visit was recorded: `kiosk` or `desk` for sign-ins.
    pub source: String,
    /// A photo was taken at sign-in and has not expired ([`Frontdesk::visit_photo`]).
    pub has_photo: bool,
}

/// Filter for [`Frontdesk::visits`].
#[derive(Debug, Clone, Deserialize, TS)]
pub struct VisitQuery {
    /// The site; `None` for this PC's site.
    pub site_id: Option<Uuid>,
    /// The local calendar day at the site.
    pub date: NaiveDate,
    /// Only visits in this status; `None` for all.
    pub status: Option<VisitStatus>,
}

pub(crate) const SELECT_VISIT: &str =
    "SELECT v.id, v.site_id, v.visitor_id, v.visitor_name, v.visitor_company AS company,
        v.host_employee_id, e.name AS host_name, v.purpose, v.visitor_type, v.status, v.expected_at,
        v.checked_in_at, v.checked_out_at, v.badge_number, v.source,
        v.photo_id IS NOT NULL AS has_photo
    FROM visits v LEFT JOIN employees e ON e.id = v.host_employee_id";

/// A row of [`SELECT_VISIT`]; times are stored as UTC milliseconds.
#[derive(sqlx::FromRow)]
pub(crate) struct VisitRow {
    id: Uuid,
    site_id: Uuid,
    visitor_id: Uuid,
    visitor_name: String,
    company: Option<String>,
    host_employee_id: Option<Uuid>,
    host_name: Option<String>,
    purpose: Option<String>,
    visitor_type: String,
    status: VisitStatus,
    expected_at: Option<i64>,
    checked_in_at: Option<i64>,
    checked_out_at: Option<i64>,
    badge_number: Option<String>,
    source: String,
    has_photo: bool,
}

impl From<VisitRow> for Visit {
    fn from(r: VisitRow) -> Self {
        Visit {
            id: r.id,
            site_id: r.site_id,
            visitor_id: r.visitor_id,
            visitor_name: r.visitor_name,
            company: r.company,
            host_employee_id: r.host_employee_id,
            host_name: r.host_name,
            purpose: r.purpose,
            visitor_type: r.visitor_type,
            status: r.status,
            expected_at: r.expected_at.map(from_ms),
            checked_in_at: r.checked_in_at.map(from_ms),
            checked_out_at: r.checked_out_at.map(from_ms),
            badge_number: r.badge_number,
            source: r.source,
            has_photo: r.has_photo,
        }
    }
}

impl Frontdesk {
    /// Signs a visit out, recording `method` and the time, and audits it (`visit.sign_out`). Needs
    /// the sign-visitors permission; [`Error::NotFound`] if the visit is not in the actor's
    /// organisation, [`Error::Conflict`] if it is not signed in.
    pub async fn sign_out_visit(
        &self,
        actor: &Actor,
        visit_id: Uuid,
        method: SignOutMethod,
    ) -> Result<Visit> {
        actor.require(Permission::SignVisitors)?;
        let now = now_ms();
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let row = sqlx::query(
            "SELECT v.status, v.checked_out_at, v.visitor_name AS name FROM visits v
             JOIN sites s ON s.id = v.site_id WHERE v.id = ? AND s.organisation_id = ?",
        )
        .bind(visit_id)
        .bind(actor.organisation_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound { entity: "visit" })?;
        let status = row.try_get::<VisitStatus, _>("status")?;
        let name: String = row.try_get("name")?;
        match status {
            VisitStatus::CheckedIn => {}
            VisitStatus::CheckedOut => {
                let at = row
                    .try_get::<Option<i64>, _>("checked_out_at")?
                    .map(|t| from_ms(t).format(" at %H:%M UTC").to_string())
                    .unwrap_or_default();
                return Err(Error::Conflict(format!(
                    "{name} is not signed in: they already signed out{at}"
                )));
            }
            VisitStatus::Expected => {
                return Err(Error::Conflict(format!(
                    "{name} is not signed in: they are expected but have not arrived"
                )));
            }
            VisitStatus::Cancelled => {
                return Err(Error::Conflict(format!(
                    "{name} is not signed in: the visit was cancelled"
                )));
            }
        }
        sqlx::query(
            "UPDATE visits SET status = 'checked_out', checked_out_at = ?, signed_out_by = ?, updated_at = ?
             WHERE id = ? AND status = 'checked_in'",
        )
        .bind(now)
        .bind(method)
        .bind(now)
        .bind(visit_id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "visit.sign_out",
            "visit",
            Some(visit_id),
            serde_json::json!({ "method": method }),
        )
        .await?;
        tx.commit().await?;
        self.visit_unchecked(visit_id).await
    }

    /// One visit by id. Needs the view-visits permission; [`Error::NotFound`] if it does not exist
    /// or belongs to another organisation.
    pub async fn visit(&self, actor: &Actor, id: Uuid) -> Result<Visit> {
        actor.require(Permission::ViewVisits)?;
        self.visit_in_org(actor, id).await
    }

    /// One visit of the actor's organisation, without a permission check: for callers that checked
    /// their own (the kiosk prints the badge of the visit it just signed in).
    pub(crate) async fn visit_in_org(&self, actor: &Actor, id: Uuid) -> Result<Visit> {
        let v = self.visit_unchecked(id).await?;
        self.site(actor, v.site_id).await?; // same organisation
        Ok(v)
    }

    pub(crate) async fn visit_unchecked(&self, id: Uuid) -> Result<Visit> {
        let row = sqlx::query_as::<_, VisitRow>(sqlx::AssertSqlSafe(format!(
            "{SELECT_VISIT} WHERE v.id = ?"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound { entity: "visit" })?;
        Ok(row.into())
    }

    /// A site's visits on one local day, in order of arrival (or expected arrival).
    pub async fn visits(&self, actor: &Actor, q: VisitQuery) -> Result<Vec<Visit>> {
        self.visits_between(actor, q.site_id, q.date, q.date, q.status)
            .await
    }

    /// A site's visits on the local days `from..=to`, in order of arrival (or expected arrival),
    /// in one query.
    pub async fn visits_between(
        &self,
        actor: &Actor,
        site_id: Option<Uuid>,
        from: NaiveDate,
        to: NaiveDate,
        status: Option<VisitStatus>,
    ) -> Result<Vec<Visit>> {
        actor.require(Permission::ViewVisits)?;
        let (from_field, to_field) = if from == to {
            ("date", "date")
        } else {
            ("from", "to")
        };
        crate::time::check_date(from_field, from)?;
        crate::time::check_date(to_field, to)?;
        let site = match site_id {
            Some(id) => self.site(actor, id).await?,
            None => self.home_site(actor).await?,
        };
        let tz = site.time_zone;
        let (start, _) = day_range_ms(tz, from);
        let (_, end) = day_range_ms(tz, to);
        let rows = sqlx::query_as::<_, VisitRow>(sqlx::AssertSqlSafe(format!(
            "{SELECT_VISIT} WHERE v.site_id = ?1 AND v.starts_at >= ?2 AND v.starts_at < ?3
               AND (?4 IS NULL OR v.status = ?4)
             ORDER BY v.starts_at"
        )))
        .bind(site.id)
        .bind(start)
        .bind(end)
        .bind(status)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Visit::from).collect())
    }
}
