//! Invitations: staff register a visitor ahead of time; the visitor shows the invitation's QR code
//! at the kiosk and is signed in with the details staff entered. A token is random (128 bits),
//! single-use, and valid from an hour before the visit's window until the window closes.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result, Rule};
use crate::people::auth::{Actor, Permission};
use crate::time::{check_date, from_ms, local_instant, to_ms};
use crate::visits::visitors::{self, VisitorDetails};
use crate::visits::{SignInRequest, Visit};
use crate::{Frontdesk, audit, new_id, now_ms, store, text};

/// What an invitation's QR code holds before its token.
pub const INVITE_QR_PREFIX: &str = "frontdesk:invite:";

/// How early before its window an invitation may be used.
const EARLY_MINUTES: i64 = 60;

/// A visitor invited ahead of their visit; see [`Frontdesk::create_invite`].
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct NewInvite {
    /// Defaults to this PC's site.
    pub site_id: Option<Uuid>,
    /// The visitor's name and contact details.
    pub visitor: VisitorDetails,
    /// The employee they will visit, if any; must be a current employee.
    pub host_employee_id: Option<Uuid>,
    /// Reason for the visit (up to 300 characters).
    pub purpose: Option<String>,
    /// The local day of the visit at the site.
    pub date: Option<NaiveDate>,
    /// Start of the expected window, local time; `None` for the start of the day.
    pub from: Option<NaiveTime>,
    /// End of the window, local time; `None` for the end of the day. After it, the invitation
    /// expires.
    pub until: Option<NaiveTime>,
}

/// Where an invitation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InviteStatus {
    /// Can be used (now or when its window opens).
    Pending,
    /// The visitor signed in with it.
    Used,
    /// Staff cancelled it.
    Cancelled,
    /// Its window closed unused.
    Expired,
}

/// An invitation as staff see it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Invite {
    /// Invitation id.
    pub id: Uuid,
    /// The site the visitor is invited to.
    pub site_id: Uuid,
    /// The visitor's name.
    pub visitor_name: String,
    /// The visitor's company, if given.
    pub company: Option<String>,
    /// The visitor's email, if given (where a later version sends the invitation).
    pub email: Option<String>,
    /// The visitor's phone, if given.
    pub phone: Option<String>,
    /// The host, if any.
    pub host_employee_id: Option<Uuid>,
    /// The host's name, if any.
    pub host_name: Option<String>,
    /// Reason for the visit, if given.
    pub purpose: Option<String>,
    /// From when the kiosk accepts it (UTC): an hour before the window opens.
    pub valid_from: DateTime<Utc>,
    /// Until when the kiosk accepts it (UTC): the end of the window.
    pub valid_until: DateTime<Utc>,
    /// Pending, used, cancelled or expired (as of the moment it was read).
    pub status: InviteStatus,
    /// What the QR code holds: [`INVITE_QR_PREFIX`] and the token.
    pub qr_payload: String,
    /// The QR code as an SVG document, to show, print or send.
    pub qr_svg: String,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
}

impl Invite {
    /// The QR code as a PNG image (8 pixels a module), to attach to an email or show on a phone.
    pub fn qr_png(&self) -> Result<Vec<u8>> {
        frontdesk_docs::qr_png(&self.qr_payload, 8).map_err(|e| Error::Internal(e.to_string()))
    }
}

/// What the kiosk shows a visitor who showed an invitation's QR code: their own invitation.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InviteWelcome {
    /// Invitation id.
    pub id: Uuid,
    /// The visitor's name as staff entered it.
    pub visitor_name: String,
    /// The visitor's company, if given.
    pub company: Option<String>,
    /// The host's name, if any.
    pub host_name: Option<String>,
    /// The visitor signed the site's current agreement at an earlier visit.
    pub agreement_signed: bool,
}

/// A visitor signing in with an invitation at the kiosk; see [`Frontdesk::redeem_invite`].
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct RedeemInvite {
    /// The QR code's text (or the bare token).
    pub qr: String,
    /// Version of the agreement the visitor signed now.
    pub agreement_version: Option<String>,
    /// The signature strokes as an SVG path.
    pub signature_svg: Option<String>,
    /// The visitor agrees to their details being kept for faster sign-in next time.
    pub remember_me: bool,
    /// The photo the kiosk took ([`Frontdesk::kiosk_take_photo`]), if any.
    #[serde(default)]
    pub photo_id: Option<Uuid>,
}

/// Why an invitation cannot be used; each has its own catalogue key so the kiosk says it plainly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteProblem {
    /// No invitation has this code.
    Unknown,
    /// Its window has not opened yet (more than an hour early).
    TooEarly,
    /// Its window has closed.
    Expired,
    /// Staff cancelled it.
    Cancelled,
    /// Someone already signed in with it.
    Used,
}

fn token() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The token inside a QR code's text (or the text itself when it is a bare token).
fn token_of(qr: &str) -> Option<&str> {
    let t = qr.trim();
    let t = t.strip_prefix(INVITE_QR_PREFIX).unwrap_or(t);
    (t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())).then_some(t)
}

const SELECT_INVITE: &str = "SELECT i.id, i.site_id, i.visitor_id, i.visitor_name, i.company, i.visitor_email,
        i.visitor_phone, i.host_employee_id, e.name AS host_name, i.purpose, i.token, i.valid_from,
        i.valid_until, i.used_at, i.cancelled_at, i.created_at
    FROM invites i JOIN sites s ON s.id = i.site_id LEFT JOIN employees e ON e.id = i.host_employee_id";

fn status(used: Option<i64>, cancelled: Option<i64>, until: i64, now: i64) -> InviteStatus {
    match (used, cancelled) {
        (Some(_), _) => InviteStatus::Used,
        (None, Some(_)) => InviteStatus::Cancelled,
        (None, None) if until <= now => InviteStatus::Expired,
        (None, None) => InviteStatus::Pending,
    }
}

fn invite_from(r: &sqlx::sqlite::SqliteRow, now: i64) -> Result<Invite> {
    let until: i64 = r.try_get("valid_until")?;
    let qr_payload = format!("{INVITE_QR_PREFIX}{}", r.try_get::<String, _>("token")?);
    let qr_svg = frontdesk_docs::qr_svg(&qr_payload).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Invite {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        visitor_name: r.try_get("visitor_name")?,
        company: r.try_get("company")?,
        email: r.try_get("visitor_email")?,
        phone: r.try_get("visitor_phone")?,
        host_employee_id: r.try_get("host_employee_id")?,
        host_name: r.try_get("host_name")?,
        purpose: r.try_get("purpose")?,
        valid_from: from_ms(r.try_get("valid_from")?),
        valid_until: from_ms(until),
        status: status(
            r.try_get("used_at")?,
            r.try_get("cancelled_at")?,
            until,
            now,
        ),
        qr_payload,
        qr_svg,
        created_at: from_ms(r.try_get("created_at")?),
    })
}

impl Frontdesk {
    /// Invites a visitor (needs [`Permission::ManageInvites`]; audited as `invite.create`). The
    /// window must end after it starts and not lie in the past.
    pub async fn create_invite(&self, actor: &Actor, req: NewInvite) -> Result<Invite> {
        actor.require(Permission::ManageInvites)?;
        let details = visitors::validate(&req.visitor).map_err(|e| e.within("visitor"))?;
        let purpose = text::optional("purpose", req.purpose.as_deref(), 300)?;
        let date = check_date(
            "date",
            req.date.ok_or(Error::invalid("date", Rule::Required))?,
        )?;
        let (site_id, tz) = self.site_and_tz(actor, req.site_id).await?;
        let start = local_instant(tz, date.and_time(req.from.unwrap_or(NaiveTime::MIN)));
        let end = match req.until {
            Some(t) => local_instant(tz, date.and_time(t)),
            None => crate::time::start_of_day(tz, date.succ_opt().unwrap_or(date)),
        };
        if end <= start {
            return Err(Error::validation("until", "must be after the start time"));
        }
        let now = now_ms();
        if to_ms(end) <= now {
            return Err(Error::validation("date", "this time is already past"));
        }
        let valid_from = to_ms(start - Duration::minutes(EARLY_MINUTES));
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        if let Some(host) = req.host_employee_id {
            crate::people::employees::check_host(&mut tx, actor.organisation_id, host).await?;
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO invites (id, site_id, host_employee_id, visitor_name, visitor_email, visitor_phone,
                company, purpose, token, valid_from, valid_until, created_by, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(site_id)
        .bind(req.host_employee_id)
        .bind(&details.name)
        .bind(&details.email)
        .bind(&details.phone)
        .bind(&details.company)
        .bind(&purpose)
        .bind(token())
        .bind(valid_from)
        .bind(to_ms(end))
        .bind(actor.staff_id())
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "invite.create",
            "invite",
            Some(id),
            serde_json::json!({ "host_employee_id": req.host_employee_id, "date": date }),
        )
        .await?;
        tx.commit().await?;
        self.invite(actor, id).await
    }

    /// One invitation (needs [`Permission::ManageInvites`]).
    pub async fn invite(&self, actor: &Actor, id: Uuid) -> Result<Invite> {
        actor.require(Permission::ManageInvites)?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_INVITE} WHERE i.id = ? AND s.organisation_id = ?"
        )))
        .bind(id)
        .bind(actor.organisation_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound { entity: "invite" })?;
        invite_from(&row, now_ms())
    }

    /// The site's invitations whose window touches the local days `from..=to`, earliest first
    /// (needs [`Permission::ManageInvites`]).
    pub async fn invites(
        &self,
        actor: &Actor,
        site_id: Option<Uuid>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Invite>> {
        actor.require(Permission::ManageInvites)?;
        check_date("from", from)?;
        check_date("to", to)?;
        let (site_id, tz) = self.site_and_tz(actor, site_id).await?;
        let (start, _) = crate::time::day_range_ms(tz, from);
        let (_, end) = crate::time::day_range_ms(tz, to);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_INVITE} WHERE i.site_id = ? AND i.valid_until > ? AND i.valid_from < ?
             ORDER BY i.valid_from, i.visitor_name"
        )))
        .bind(site_id)
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        let now = now_ms();
        rows.iter().map(|r| invite_from(r, now)).collect()
    }

    /// Cancels a pending invitation (audited as `invite.cancel`); [`Error::Conflict`] if it was
    /// used or cancelled already.
    pub async fn cancel_invite(&self, actor: &Actor, id: Uuid) -> Result<Invite> {
        actor.require(Permission::ManageInvites)?;
        let invite = self.invite(actor, id).await?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE invites SET cancelled_at = ?1, updated_at = ?1
             WHERE id = ?2 AND used_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(Error::Conflict(format!(
                "the invitation for {} was already used or cancelled",
                invite.visitor_name
            )));
        }
        audit::record(
            &mut tx,
            actor,
            "invite.cancel",
            "invite",
            Some(id),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.invite(actor, id).await
    }

    /// The pending invitation a QR code names, checked for use now.
    async fn usable_invite(&self, actor: &Actor, qr: &str) -> Result<Invite> {
        let token = token_of(qr).ok_or(Error::Invite(InviteProblem::Unknown))?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_INVITE} WHERE i.token = ? AND s.organisation_id = ?"
        )))
        .bind(token.to_ascii_lowercase())
        .bind(actor.organisation_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::Invite(InviteProblem::Unknown))?;
        let now = now_ms();
        let invite = invite_from(&row, now)?;
        match invite.status {
            InviteStatus::Used => Err(Error::Invite(InviteProblem::Used)),
            InviteStatus::Cancelled => Err(Error::Invite(InviteProblem::Cancelled)),
            InviteStatus::Expired => Err(Error::Invite(InviteProblem::Expired)),
            InviteStatus::Pending if to_ms(invite.valid_from) > now => {
                Err(Error::Invite(InviteProblem::TooEarly))
            }
            InviteStatus::Pending => Ok(invite),
        }
    }

    /// The kiosk's greeting for an invitation's QR code (needs [`Permission::SignVisitors`]);
    /// [`Error::Invite`] says why it cannot be used.
    pub async fn invite_welcome(&self, actor: &Actor, qr: &str) -> Result<InviteWelcome> {
        actor.require(Permission::SignVisitors)?;
        let invite = self.usable_invite(actor, qr).await?;
        let mut conn = self.pool.acquire().await?;
        // The visitor record the invitation's email or phone already belongs to, if any.
        let known = visitors::find_returning(
            &mut conn,
            actor.organisation_id,
            invite.email.as_deref(),
            invite.phone.as_deref(),
        )
        .await?;
        let agreement_signed = match known {
            Some(id) => visitors::signed_current_agreement(&mut conn, invite.site_id, id).await?,
            None => false,
        };
        Ok(InviteWelcome {
            id: invite.id,
            visitor_name: invite.visitor_name,
            company: invite.company,
            host_name: invite.host_name,
            agreement_signed,
        })
    }

    /// Signs the invited visitor in with the details staff entered (needs
    /// [`Permission::SignVisitors`]); the invitation is used only if the sign-in commits, so a
    /// second scan of the same code is refused ([`InviteProblem::Used`]).
    pub async fn redeem_invite(&self, actor: &Actor, req: RedeemInvite) -> Result<Visit> {
        actor.require(Permission::SignVisitors)?;
        let invite = self.usable_invite(actor, &req.qr).await?;
        let sign_in = SignInRequest {
            site_id: Some(invite.site_id),
            visitor_id: None,
            visitor: VisitorDetails {
                name: invite.visitor_name,
                company: invite.company,
                email: invite.email,
                phone: invite.phone,
            },
            host_employee_id: invite.host_employee_id,
            purpose: invite.purpose,
            visitor_type: None,
            notes: None,
            agreement_version: req.agreement_version,
            signature_svg: req.signature_svg,
            remember_me: req.remember_me,
            photo_id: req.photo_id,
        };
        self.sign_in(actor, sign_in, Some(invite.id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_read_back_from_the_qr_text() {
        let a = token();
        assert_eq!(a.len(), 32);
        assert_ne!(a, token(), "two tokens differ");
        let qr = format!("{INVITE_QR_PREFIX}{a}");
        assert_eq!(token_of(&qr), Some(a.as_str()));
        assert_eq!(token_of(&a), Some(a.as_str()), "a bare token is accepted");
        assert_eq!(token_of("frontdesk:visit:123"), None);
        assert_eq!(token_of("frontdesk:invite:zz"), None);
    }

    #[test]
    fn status_follows_use_cancellation_and_time() {
        assert_eq!(status(Some(1), None, 10, 5), InviteStatus::Used);
        assert_eq!(status(None, Some(1), 10, 5), InviteStatus::Cancelled);
        assert_eq!(status(None, None, 10, 10), InviteStatus::Expired);
        assert_eq!(status(None, None, 10, 5), InviteStatus::Pending);
    }
}
