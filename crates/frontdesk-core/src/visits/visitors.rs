//! Visitors: the people who come to a site. Returning visitors are recognised by email or phone;
//! staff search them by the start of a name word, email or phone number.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::time::from_ms;
use crate::{Frontdesk, new_id, now_ms, text};

/// A visitor as staff see them in search results ([`Frontdesk::search_visitors`]).
#[derive(Debug, Clone, Serialize, TS)]
pub struct VisitorSummary {
    /// Visitor id.
    pub id: Uuid,
    /// The visitor's name.
    pub name: String,
    /// Their company, if given.
    pub company: Option<String>,
    /// Their email address, if given.
    pub email: Option<String>,
    /// Their phone number, if given.
    pub phone: Option<String>,
    /// When they last signed in (UTC); `None` if no visit is recorded.
    pub last_visit_at: Option<DateTime<Utc>>,
}

/// What a kiosk may show a returning visitor who typed their own email or phone: enough to confirm
/// it is them ("Is this you?"), nothing more: each word of the name and company shows only its
/// first letter, so typing someone else's email reveals next to nothing.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReturningVisitor {
    /// Visitor id, to pass back as `SignInRequest::visitor_id` (with an empty name, so the stored
    /// details are used).
    pub id: Uuid,
    /// The name, masked: `Ada Lovelace` → `A•• L•••••••`.
    pub name: String,
    /// The company, masked the same way, if given.
    pub company: Option<String>,
    /// They signed the site's current agreement at an earlier visit, so the kiosk may skip it.
    pub agreement_signed: bool,
    /// A photo from an earlier visit is kept (not expired): the sign-in uses it, so the kiosk may
    /// skip the photo step.
    pub has_photo: bool,
}

/// A visitor's details as entered at sign-in. For a returning visitor, a missing email or phone
/// keeps the stored one.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct VisitorDetails {
    /// Full name; required, up to 300 characters.
    pub name: String,
    /// Company, up to 200 characters.
    pub company: Option<String>,
    /// Email address; checked for form, and used to recognise a returning visitor.
    pub email: Option<String>,
    /// Phone number; checked for form, and used to recognise a returning visitor when there is no
    /// email match.
    pub phone: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct ValidVisitor {
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub(crate) fn validate(d: &VisitorDetails) -> Result<ValidVisitor> {
    Ok(ValidVisitor {
        name: text::required("name", &d.name, 300)?,
        company: text::optional("company", d.company.as_deref(), 200)?,
        email: text::email("email", d.email.as_deref())?,
        phone: text::phone("phone", d.phone.as_deref())?,
    })
}

/// A visitor's stored details, as a sign-in would enter them; [`Error::NotFound`] for a visitor of
/// another organisation or one whose details were erased.
pub(crate) async fn stored_details(
    pool: &sqlx::SqlitePool,
    org: Uuid,
    id: Uuid,
) -> Result<VisitorDetails> {
    let row = sqlx::query(
        "SELECT name, company FROM visitors WHERE id = ? AND organisation_id = ? AND erased_at IS NULL",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound { entity: "visitor" })?;
    Ok(VisitorDetails {
        name: row.try_get("name")?,
        company: row.try_get("company")?,
        email: None,
        phone: None,
    })
}

/// Search terms for a visitor: every folded name word, the folded full name, the email and the
/// phone's digits.
pub(crate) fn terms(v: &ValidVisitor) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let name = text::fold(&v.name);
    out.extend(words(&name));
    // "O'Brien" is found by "obrien" as well as by "brien".
    for w in name.split_whitespace() {
        out.insert(w.chars().filter(|c| c.is_alphanumeric()).collect());
    }
    out.insert(name.split_whitespace().collect::<Vec<_>>().join(" "));
    if let Some(e) = &v.email {
        out.insert(e.to_lowercase());
    }
    if let Some(p) = &v.phone {
        // The digits as typed, plus a national form (no trunk 0, no country code) so that
        // "07700 900123" and "+44 7700 900123" both answer a search for "7700 900".
        let d = text::digits(p);
        if let Some(national) = d.strip_prefix('0') {
            out.insert(national.to_string());
        } else if d.len() > 10 {
            out.insert(d[d.len() - 10..].to_string());
        }
        out.insert(d);
    }
    out.retain(|t| !t.is_empty());
    out
}

/// Alphanumeric runs of already-folded text.
fn words(folded: &str) -> impl Iterator<Item = String> + '_ {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
}

/// Finds the visitor these details belong to (same email, else same phone) or creates one, and
/// refreshes their details and search terms.
pub(crate) async fn upsert(
    conn: &mut SqliteConnection,
    org: Uuid,
    known_id: Option<Uuid>,
    v: &ValidVisitor,
    consent: bool,
) -> Result<Uuid> {
    let now = now_ms();
    let existing = match known_id {
        Some(id) => Some(
            sqlx::query_scalar::<_, Uuid>(
                "SELECT id FROM visitors WHERE id = ? AND organisation_id = ? AND erased_at IS NULL",
            )
            .bind(id)
            .bind(org)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(Error::NotFound { entity: "visitor" })?,
        ),
        None => find_returning(conn, org, v.email.as_deref(), v.phone.as_deref()).await?,
    };
    let id = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE visitors SET name = ?, company = ?, email = COALESCE(?, email), phone = COALESCE(?, phone),
                    data_consent_at = CASE WHEN ? THEN COALESCE(data_consent_at, ?) ELSE data_consent_at END,
                    updated_at = ?
                 WHERE id = ?",
            )
            .bind(&v.name)
            .bind(&v.company)
            .bind(&v.email)
            .bind(&v.phone)
            .bind(consent)
            .bind(now)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM visitor_terms WHERE visitor_id = ?")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            id
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO visitors (id, organisation_id, name, company, email, phone, data_consent_at, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(org)
            .bind(&v.name)
            .bind(&v.company)
            .bind(&v.email)
            .bind(&v.phone)
            .bind(consent.then_some(now))
            .bind(now)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            id
        }
    };
    // Terms come from what is stored now: a returning visitor who left a field blank keeps the
    // email or phone they gave before.
    let stored = if existing.is_some() {
        let row = sqlx::query("SELECT name, company, email, phone FROM visitors WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        ValidVisitor {
            name: row.try_get("name")?,
            company: row.try_get("company")?,
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
        }
    } else {
        v.clone()
    };
    let mut insert: sqlx::QueryBuilder<sqlx::Sqlite> =
        sqlx::QueryBuilder::new("INSERT OR IGNORE INTO visitor_terms (term, visitor_id) ");
    insert.push_values(terms(&stored), |mut b, term| {
        b.push_bind(term).push_bind(id);
    });
    insert.build().execute(&mut *conn).await?;
    Ok(id)
}

pub(crate) async fn find_returning(
    conn: &mut SqliteConnection,
    org: Uuid,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Option<Uuid>> {
    let keys = [
        email.map(str::to_lowercase),
        phone.map(text::digits).filter(|d| d.len() >= 5),
    ];
    for key in keys.into_iter().flatten() {
        let id: Option<Uuid> = sqlx::query_scalar(
            "SELECT v.id FROM visitor_terms t JOIN visitors v ON v.id = t.visitor_id
             WHERE t.term = ? AND v.organisation_id = ? AND v.erased_at IS NULL
             ORDER BY v.updated_at DESC LIMIT 1",
        )
        .bind(key)
        .bind(org)
        .fetch_optional(&mut *conn)
        .await?;
        if id.is_some() {
            return Ok(id);
        }
    }
    Ok(None)
}

/// What the kiosk shows a returning visitor found by lookup or by face: masked details and whether
/// they signed `site_id`'s current agreement before.
pub(crate) async fn masked(
    conn: &mut SqliteConnection,
    site_id: Uuid,
    id: Uuid,
    name: &str,
    company: Option<&str>,
) -> Result<ReturningVisitor> {
    Ok(ReturningVisitor {
        id,
        name: text::mask(name),
        company: company.map(text::mask),
        agreement_signed: signed_current_agreement(conn, site_id, id).await?,
        has_photo: crate::kiosk::photo::latest_of_visitor(conn, id)
            .await?
            .is_some(),
    })
}

/// When the visitor last signed agreement `version` (with a signature), if they ever did.
pub(crate) async fn signed_agreement_at(
    conn: &mut SqliteConnection,
    visitor_id: Uuid,
    version: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MAX(agreement_signed_at) FROM visits
         WHERE visitor_id = ? AND agreement_version = ? AND signature_svg IS NOT NULL",
    )
    .bind(visitor_id)
    .bind(version)
    .fetch_one(&mut *conn)
    .await?)
}

/// Whether the visitor signed `site_id`'s current agreement at an earlier visit.
pub(crate) async fn signed_current_agreement(
    conn: &mut SqliteConnection,
    site_id: Uuid,
    visitor_id: Uuid,
) -> Result<bool> {
    let version = crate::site::settings::stored(conn, site_id)
        .await?
        .agreement_version;
    Ok(signed_agreement_at(conn, visitor_id, &version)
        .await?
        .is_some())
}

impl Frontdesk {
    /// Visitors whose name word, email or phone digits start with `query` (accents and case
    /// ignored), most recent first.
    pub async fn search_visitors(&self, actor: &Actor, query: &str) -> Result<Vec<VisitorSummary>> {
        actor.require(Permission::ViewVisits)?;
        let folded = text::fold(query.trim());
        let mut rest: Vec<String> = words(&folded).collect();
        // A phone query may be typed with spaces or dashes: search its digits.
        let digits = text::digits(&folded);
        let key = if folded.contains('@') {
            rest.clear();
            folded.clone()
        } else if digits.len() >= 3 && digits.len() * 2 >= folded.replace(' ', "").len() {
            rest.clear();
            digits
        } else if rest.is_empty() {
            return Ok(Vec::new());
        } else {
            rest.remove(0)
        };
        let rows = sqlx::query(
            "SELECT v.id, v.name, v.company, v.email, v.phone, v.last_visit_at
             FROM (SELECT DISTINCT visitor_id FROM visitor_terms WHERE term >= ?1 AND term < ?2 LIMIT 300) t
             JOIN visitors v ON v.id = t.visitor_id
             WHERE v.organisation_id = ?3 AND v.erased_at IS NULL",
        )
        .bind(&key)
        .bind(format!("{key}\u{10FFFF}"))
        .bind(actor.organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<VisitorSummary> = rows
            .iter()
            .map(|r| {
                Ok(VisitorSummary {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    company: r.try_get("company")?,
                    email: r.try_get("email")?,
                    phone: r.try_get("phone")?,
                    last_visit_at: r.try_get::<Option<i64>, _>("last_visit_at")?.map(from_ms),
                })
            })
            .collect::<Result<_>>()?;
        if !rest.is_empty() {
            out.retain(|v| {
                let name = text::fold(&v.name);
                rest.iter()
                    .all(|w| name.split_whitespace().any(|n| n.starts_with(w)))
            });
        }
        out.sort_by(|a, b| {
            b.last_visit_at
                .cmp(&a.last_visit_at)
                .then(a.name.cmp(&b.name))
        });
        out.truncate(50);
        Ok(out)
    }

    /// Kiosk lookup of a returning visitor by their own email or phone (exact match only). Only
    /// visitors who agreed to be remembered are found; their details come back masked.
    pub async fn find_returning_visitor(
        &self,
        actor: &Actor,
        email_or_phone: &str,
    ) -> Result<Option<ReturningVisitor>> {
        actor.require(Permission::SignVisitors)?;
        let (site_id, _) = self.site_and_tz(actor, None).await?;
        let s = email_or_phone.trim();
        let (email, phone) = if s.contains('@') {
            (Some(s), None)
        } else {
            (None, Some(s))
        };
        let mut conn = self.pool.acquire().await?;
        let Some(id) = find_returning(&mut conn, actor.organisation_id, email, phone).await? else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT name, company FROM visitors WHERE id = ? AND data_consent_at IS NOT NULL",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        masked(
            &mut conn,
            site_id,
            id,
            &row.try_get::<String, _>("name")?,
            row.try_get::<Option<String>, _>("company")?.as_deref(),
        )
        .await
        .map(Some)
    }
}
