//! Signing a visitor in, at the kiosk, at the desk or with an invitation: the agreement rule, the
//! day's badge number and the visit row, in one transaction.

use uuid::Uuid;

use crate::error::{Error, Result, Rule};
use crate::kiosk::photo;
use crate::people::auth::{Actor, ActorKind, Permission};
use crate::people::employees;
use crate::time::from_ms;
use crate::visits::invites::InviteProblem;
use crate::visits::{SignInRequest, Visit, visitors};
use crate::{Frontdesk, audit, new_id, now_ms, store, text};

/// Most bytes a signature's SVG path may have.
const MAX_SIGNATURE_BYTES: usize = 256 * 1024;

fn visitor_type(field: &str, v: Option<&str>) -> Result<String> {
    let t = text::optional(field, v, 40)?.unwrap_or_else(|| "visitor".into());
    Ok(t.to_lowercase())
}

/// The signature's SVG path, or `None` when nothing was drawn. Only path data is accepted (move,
/// line and curve commands with numbers), so nothing executable reaches a page that shows it.
fn signature(svg: Option<&str>) -> Result<Option<String>> {
    let Some(path) = svg.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if path.len() > MAX_SIGNATURE_BYTES {
        return Err(Error::invalid("signature_svg", Rule::TooLarge));
    }
    let path_data = |c: char| {
        c.is_ascii_digit()
            || matches!(c, 'M' | 'L' | 'Q' | 'C' | 'Z' | 'm' | 'l' | 'q' | 'c' | 'z')
            || matches!(c, ' ' | ',' | '.' | '-' | '\n')
    };
    if !path.chars().all(path_data) || !path.chars().any(|c| c.is_ascii_digit()) {
        return Err(Error::validation(
            "signature_svg",
            "is not a signature (SVG path data expected)",
        ));
    }
    Ok(Some(path.to_string()))
}

/// The site's kiosk fields applied to what a visitor typed: hidden ones are dropped, required ones
/// must be there (unless a returning visitor gave them before).
fn kiosk_fields(
    details: &mut visitors::ValidVisitor,
    rules: crate::site::settings::KioskFields,
    returning: bool,
) -> Result<()> {
    use crate::site::settings::FieldRule;
    for (name, rule, value) in [
        ("company", rules.company, &mut details.company),
        ("email", rules.email, &mut details.email),
        ("phone", rules.phone, &mut details.phone),
    ] {
        match rule {
            FieldRule::Hidden => *value = None,
            FieldRule::Required if value.is_none() && !returning => {
                return Err(Error::invalid(format!("visitor.{name}"), Rule::Required));
            }
            _ => {}
        }
    }
    Ok(())
}

impl Frontdesk {
    /// Signs a visitor in: finds or creates the visitor, records the visit as checked in with the
    /// day's next badge number, and audits it, all in one transaction.
    ///
    /// A returning visitor (`visitor_id`) who leaves the name empty keeps their stored details, so
    /// the kiosk never has to show them. At the kiosk, a site that requires its agreement needs a
    /// signature of the current version, unless the visitor signed that version at an earlier visit;
    /// a version other than the current one is refused on field `agreement_version`
    /// ([`Rule::AgreementChanged`]) so the kiosk shows the new text.
    pub async fn sign_in_visitor(&self, actor: &Actor, req: SignInRequest) -> Result<Visit> {
        self.sign_in(actor, req, None).await
    }

    /// [`Frontdesk::sign_in_visitor`], redeeming `invite` in the same transaction when given: the
    /// visit links to it and the invite counts as used only if the sign-in commits.
    pub(crate) async fn sign_in(
        &self,
        actor: &Actor,
        mut req: SignInRequest,
        invite: Option<Uuid>,
    ) -> Result<Visit> {
        actor.require(Permission::SignVisitors)?;
        if let Some(id) = req.visitor_id
            && req.visitor.name.trim().is_empty()
        {
            req.visitor = visitors::stored_details(&self.pool, actor.organisation_id, id).await?;
        }
        let mut details = visitors::validate(&req.visitor).map_err(|e| e.within("visitor"))?;
        let purpose = text::optional("purpose", req.purpose.as_deref(), 300)?;
        let notes = text::optional("notes", req.notes.as_deref(), 2000)?;
        let kind = visitor_type("visitor_type", req.visitor_type.as_deref())?;
        let agreement_version =
            text::optional("agreement_version", req.agreement_version.as_deref(), 64)?;
        let signature = signature(req.signature_svg.as_deref())?;
        let (site_id, tz) = self.site_and_tz(actor, req.site_id).await?;
        let source = match (invite, &actor.kind) {
            (Some(_), _) => "invite",
            (None, ActorKind::Kiosk) => "kiosk",
            (None, _) => "desk",
        };
        let now = now_ms();

        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let settings = crate::site::settings::stored(&mut tx, site_id).await?;
        if agreement_version
            .as_ref()
            .is_some_and(|v| *v != settings.agreement_version)
        {
            return Err(Error::invalid("agreement_version", Rule::AgreementChanged));
        }
        if matches!(actor.kind, ActorKind::Kiosk) && invite.is_none() {
            kiosk_fields(
                &mut details,
                settings.kiosk_fields,
                req.visitor_id.is_some(),
            )?;
        }
        if let Some(invite) = invite {
            let used = sqlx::query(
                "UPDATE invites SET used_at = ?1, updated_at = ?1
                 WHERE id = ?2 AND used_at IS NULL AND cancelled_at IS NULL AND valid_until > ?1",
            )
            .bind(now)
            .bind(invite)
            .execute(&mut *tx)
            .await?;
            if used.rows_affected() != 1 {
                // Lost a race with another kiosk or a cancellation since it was checked.
                return Err(Error::Invite(InviteProblem::Used));
            }
        }
        if let Some(host) = req.host_employee_id {
            employees::check_host(&mut tx, actor.organisation_id, host).await?;
        }
        // A returning visitor without a new photo keeps the one from their last visit.
        let kept_photo = match (req.photo_id, req.visitor_id) {
            (None, Some(v)) => photo::latest_of_visitor(&mut tx, v).await?,
            _ => None,
        };
        if req.photo_id.is_none()
            && kept_photo.is_none()
            && photo::required(actor, settings.kiosk_photo)
        {
            return Err(Error::invalid("photo_id", Rule::Required));
        }
        let visitor_id = visitors::upsert(
            &mut tx,
            actor.organisation_id,
            req.visitor_id,
            &details,
            req.remember_me,
        )
        .await?;
        let already: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM visits WHERE visitor_id = ? AND site_id = ? AND status = 'checked_in' LIMIT 1",
        )
        .bind(visitor_id)
        .bind(site_id)
        .fetch_optional(&mut *tx)
        .await?;
        if already.is_some() {
            return Err(Error::Conflict(format!(
                "{} is already signed in; sign them out first",
                details.name
            )));
        }
        let day = from_ms(now).with_timezone(&tz).date_naive().to_string();
        let n: i64 = sqlx::query_scalar(
            "INSERT INTO badge_counters (site_id, day, last) VALUES (?, ?, 1)
             ON CONFLICT (site_id, day) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .bind(site_id)
        .bind(day)
        .fetch_one(&mut *tx)
        .await?;
        let badge = format!("V{n:04}");
        // Signed now, accepted now (a version given without a signature: ticked at the desk), or
        // signed at an earlier visit.
        let signed_earlier = match signature {
            Some(_) => None,
            None => {
                visitors::signed_agreement_at(&mut tx, visitor_id, &settings.agreement_version)
                    .await?
            }
        };
        let needs_signature = settings.require_agreement && matches!(actor.kind, ActorKind::Kiosk);
        if needs_signature && signature.is_none() && signed_earlier.is_none() {
            return Err(Error::invalid("signature_svg", Rule::Required));
        }
        let agreed_at = if signature.is_some() || agreement_version.is_some() {
            Some(now)
        } else {
            signed_earlier
        };
        let agreement_version = agreed_at.map(|_| settings.agreement_version.clone());
        let photo_id = match req.photo_id {
            Some(p) => Some(
                photo::store_pending(
                    &mut tx,
                    &self.photos,
                    p,
                    visitor_id,
                    settings.visitor_photo_retention_days,
                )
                .await?,
            ),
            None => kept_photo,
        };
        let id = new_id();
        sqlx::query(
            "INSERT INTO visits (id, site_id, visitor_id, visitor_name, visitor_company, host_employee_id, purpose,
                visitor_type, checked_in_at, starts_at, status, badge_number, notes, agreement_version,
                agreement_signed_at, signature_svg, source, device_id, created_by, created_at, updated_at,
                invite_id, photo_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'checked_in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(site_id)
        .bind(visitor_id)
        .bind(&details.name)
        .bind(&details.company)
        .bind(req.host_employee_id)
        .bind(&purpose)
        .bind(&kind)
        .bind(now)
        .bind(now)
        .bind(&badge)
        .bind(&notes)
        .bind(&agreement_version)
        .bind(agreed_at)
        .bind(&signature)
        .bind(source)
        .bind(self.device_id)
        .bind(actor.staff_id())
        .bind(now)
        .bind(now)
        .bind(invite)
        .bind(photo_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE visitors SET last_visit_at = ? WHERE id = ?")
            .bind(now)
            .bind(visitor_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "visit.sign_in",
            "visit",
            Some(id),
            serde_json::json!({
                "visitor_id": visitor_id, "badge": badge, "source": source,
                "agreement_version": agreement_version, "invite_id": invite,
                "photo": photo_id.is_some(),
            }),
        )
        .await?;
        tx.commit().await?;
        photo::used(&self.photos, req.photo_id);
        self.visit_unchecked(id).await
    }
}
