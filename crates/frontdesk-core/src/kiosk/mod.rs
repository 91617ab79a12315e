//! The unattended kiosk's own API: what the lobby screen needs to run (its configuration), what a
//! QR code shown to the camera means, sign-out by one's own name, and the staff PIN that leaves
//! kiosk mode. Everything here acts as the kiosk ([`Frontdesk::kiosk_actor`]), whose permissions
//! are only signing visitors and recording attendance.

pub mod camera;
pub mod check_in;
pub mod photo;
pub mod speech;

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{Actor, ActorKind, Permission, verify_secret};
use crate::site::settings::{FieldRule, KioskFields};
use crate::time::from_ms;
use crate::visits::invites::InviteWelcome;
use crate::visits::{SignOutMethod, Visit};
use crate::{Frontdesk, audit, now_ms, store, text};

/// What a badge's QR code holds before the visit id.
pub const VISIT_QR_PREFIX: &str = "frontdesk:visit:";

/// Wrong staff PINs in a row before the kiosk stops checking PINs for a while.
const PIN_ATTEMPTS: u32 = 5;
/// How long the kiosk refuses PINs after too many wrong ones.
const PIN_LOCKOUT_MS: i64 = 5 * 60 * 1000;

/// Everything the lobby screen needs to run, from the site's settings.
#[derive(Debug, Clone, Serialize, TS)]
pub struct KioskConfig {
    /// The site's name, for the welcome screen.
    pub site_name: String,
    /// The site's IANA time zone: the kiosk shows times in it.
    pub time_zone: String,
    /// Languages offered, first is the default.
    pub languages: Vec<String>,
    /// Which details to ask for.
    pub fields: KioskFields,
    /// Whether to take the visitor's photo: hidden (never), optional (when the camera works),
    /// required.
    pub photo: FieldRule,
    /// Whether to show the on-screen keyboard.
    pub on_screen_keyboard: bool,
    /// Whether visitors must sign the agreement.
    pub require_agreement: bool,
    /// The agreement's text.
    pub agreement_text: String,
    /// Its version, sent back with the signature.
    pub agreement_version: String,
    /// Back to the welcome screen after this many idle seconds.
    pub idle_seconds: u32,
}

/// A visitor on site, as the kiosk may list them for signing out: masked name and badge only.
#[derive(Debug, Clone, Serialize, TS)]
pub struct KioskVisit {
    /// The visit to sign out.
    pub visit_id: Uuid,
    /// The visitor's name, masked (`A•• L•••••••`).
    pub name: String,
    /// Badge number, e.g. `V0003`.
    pub badge_number: Option<String>,
    /// When they signed in (UTC).
    pub since: Option<DateTime<Utc>>,
}

/// What a QR code shown to the kiosk camera was.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScanResult {
    /// An invitation that can be used now: greet the visitor and ask them to confirm.
    Invite {
        /// The invitation.
        invite: InviteWelcome,
        /// The QR text, to send back with [`Frontdesk::redeem_invite`].
        qr: String,
    },
    /// A badge: its visit was signed out.
    SignedOut {
        /// The visitor's first name, for the goodbye.
        first_name: String,
        /// The badge number.
        badge_number: Option<String>,
    },
}

/// This PC's wrong kiosk PINs in a row and when the last was typed, kept in memory: a restart
/// forgets them, which costs an attacker the restart (done by staff) and keeps the database free of
/// kiosk noise.
#[derive(Default)]
pub(crate) struct PinGuard {
    failures: Mutex<(u32, i64)>,
}

impl Frontdesk {
    /// The lobby screen's configuration for this PC's site.
    pub async fn kiosk_config(&self, actor: &Actor) -> Result<KioskConfig> {
        actor.require(Permission::SignVisitors)?;
        let site = self.home_site(actor).await?;
        let mut conn = self.pool.acquire().await?;
        let s = crate::site::settings::stored(&mut conn, site.id).await?;
        Ok(KioskConfig {
            site_name: site.name,
            time_zone: site.time_zone.name().to_string(),
            languages: s.kiosk_languages,
            fields: s.kiosk_fields,
            photo: s.kiosk_photo,
            on_screen_keyboard: s.kiosk_keyboard,
            require_agreement: s.require_agreement,
            agreement_text: s.agreement_text,
            agreement_version: s.agreement_version,
            idle_seconds: s.kiosk_idle_seconds,
        })
    }

    /// Visitors signed in at this PC's site whose name has a word starting with `query` (at least
    /// two letters), masked, for "sign out by name". At most 10.
    pub async fn kiosk_find_signed_in(
        &self,
        actor: &Actor,
        query: &str,
    ) -> Result<Vec<KioskVisit>> {
        actor.require(Permission::SignVisitors)?;
        let q = text::fold(query.trim());
        if q.chars().count() < 2 {
            return Ok(Vec::new());
        }
        let (site_id, _) = self.site_and_tz(actor, None).await?;
        let rows = sqlx::query(
            "SELECT id, visitor_name, badge_number, checked_in_at FROM visits
             WHERE site_id = ? AND status = 'checked_in' ORDER BY checked_in_at DESC",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        let words: Vec<&str> = q.split_whitespace().collect();
        let mut out = Vec::new();
        for r in rows {
            let name: String = r.try_get("visitor_name")?;
            let folded = text::fold(&name);
            let matches = words
                .iter()
                .all(|w| folded.split_whitespace().any(|n| n.starts_with(w)));
            if matches {
                out.push(KioskVisit {
                    visit_id: r.try_get("id")?,
                    name: text::mask(&name),
                    badge_number: r.try_get("badge_number")?,
                    since: r.try_get::<Option<i64>, _>("checked_in_at")?.map(from_ms),
                });
            }
            if out.len() == 10 {
                break;
            }
        }
        Ok(out)
    }

    /// Reads a QR code shown to the kiosk: a badge signs its visit out (method
    /// [`SignOutMethod::BadgeQr`]); an invitation is checked and returned for the visitor to
    /// confirm. Anything else is [`Error::Invite`] with [`InviteProblem::Unknown`](crate::visits::invites::InviteProblem::Unknown).
    pub async fn kiosk_scan(&self, actor: &Actor, qr: &str) -> Result<ScanResult> {
        actor.require(Permission::SignVisitors)?;
        let qr = qr.trim();
        if let Some(id) = qr.strip_prefix(VISIT_QR_PREFIX) {
            let id = Uuid::parse_str(id)
                .map_err(|_| Error::Invite(crate::visits::invites::InviteProblem::Unknown))?;
            let visit: Visit = self
                .sign_out_visit(actor, id, SignOutMethod::BadgeQr)
                .await?;
            return Ok(ScanResult::SignedOut {
                first_name: visit
                    .visitor_name
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                badge_number: visit.badge_number,
            });
        }
        let invite = self.invite_welcome(actor, qr).await?;
        Ok(ScanResult::Invite {
            invite,
            qr: qr.to_string(),
        })
    }

    /// Checks a staff member's kiosk PIN, to leave kiosk mode. Audited either way (`kiosk.unlock`,
    /// `kiosk.unlock_failed`); after 5 wrong PINs in a row the kiosk refuses PINs for 5 minutes
    /// ([`Error::Locked`]). Returns the staff member's display name.
    pub async fn kiosk_unlock(&self, actor: &Actor, pin: &str) -> Result<String> {
        if !matches!(actor.kind, ActorKind::Kiosk) {
            return Err(Error::Forbidden {
                role: "staff".into(),
                action: "unlock the kiosk (only the kiosk screen asks for a PIN)",
            });
        }
        let now = now_ms();
        if let Some(until) = self.pin_locked_until(now) {
            let tz = self.home_site(actor).await?.time_zone;
            return Err(Error::Locked(crate::time::local_hhmm(tz, until)));
        }
        let rows = sqlx::query(
            "SELECT id, display_name, kiosk_pin_hash FROM staff_accounts
             WHERE organisation_id = ? AND active = 1 AND kiosk_pin_hash IS NOT NULL",
        )
        .bind(actor.organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut who = None;
        for r in rows {
            let hash: String = r.try_get("kiosk_pin_hash")?;
            if verify_secret(pin.to_string(), hash).await? {
                who = Some((
                    r.try_get::<Uuid, _>("id")?,
                    r.try_get::<String, _>("display_name")?,
                ));
                break;
            }
        }
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let result = match &who {
            Some((id, name)) => {
                self.pin_reset();
                audit::record(
                    &mut tx,
                    actor,
                    "kiosk.unlock",
                    "staff_account",
                    Some(*id),
                    serde_json::json!({}),
                )
                .await?;
                Ok(name.clone())
            }
            None => {
                let locked = self.pin_failed(now);
                audit::record(
                    &mut tx,
                    actor,
                    "kiosk.unlock_failed",
                    "device",
                    Some(self.device_id),
                    serde_json::json!({ "locked": locked }),
                )
                .await?;
                Err(Error::BadCredentials)
            }
        };
        tx.commit().await?;
        result
    }

    fn pin_locked_until(&self, now: i64) -> Option<i64> {
        let (count, at) = *self.pins.failures.lock().ok()?;
        (count >= PIN_ATTEMPTS && now < at + PIN_LOCKOUT_MS).then_some(at + PIN_LOCKOUT_MS)
    }

    /// Counts a wrong PIN; true when this one locks the kiosk.
    fn pin_failed(&self, now: i64) -> bool {
        let Ok(mut f) = self.pins.failures.lock() else {
            return false;
        };
        if f.0 >= PIN_ATTEMPTS {
            f.0 = 0; // the lockout had passed
        }
        *f = (f.0 + 1, now);
        f.0 >= PIN_ATTEMPTS
    }

    fn pin_reset(&self) {
        if let Ok(mut f) = self.pins.failures.lock() {
            *f = (0, 0);
        }
    }
}
