//! Typed settings per site. The database stores one JSON value per key; this module owns the keys,
//! their types and their defaults. Values are decoded key by key: a missing value takes its default, and
//! an unreadable one takes its default and is reported in `SiteSettings::unreadable` (and the log).

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::{Frontdesk, audit, now_ms, store};

/// The attendance settings are the rules crate's own type (defaults and validation live there).
pub use frontdesk_rules::{AttendanceRules, BreakRule, Rounding};

/// All settings of one site, each with its default when not stored; see [`Frontdesk::settings`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SiteSettings {
    /// Local time (HH:MM) at which visitors still signed in are signed out automatically.
    pub auto_sign_out_time: Option<String>,
    /// Visitor photos are deleted this many days after they are taken.
    pub visitor_photo_retention_days: u32,
    /// Visits and visitor details older than this are anonymised.
    pub visit_retention_days: u32,
    /// Whether visitors must accept the agreement when signing in (default `true`). Stored for
    /// clients to act on; sign-in itself does not check it.
    pub require_agreement: bool,
    /// Version label of `agreement_text` (default `1`); clients send it as
    /// `SignInRequest::agreement_version` so each visit records which text was accepted.
    pub agreement_version: String,
    /// The agreement shown to visitors, as plain text (at most 20,000 bytes).
    pub agreement_text: String,
    /// Badge stock: brother_ql_62x100, brother_ql_62x29, dymo_54x101, cr80 or a6.
    pub badge_preset: String,
    /// The print queue badges go to (as the OS names it); `None` until staff choose one.
    pub badge_printer: Option<String>,
    /// How clock events become worked minutes on timesheets.
    pub attendance: AttendanceRules,
    /// The kiosk returns to its welcome screen after this many idle seconds.
    pub kiosk_idle_seconds: u32,
    /// The staff console locks after this many seconds without a key press or a click (30 to
    /// 28,800; default 600); its user's password unlocks it.
    pub console_lock_seconds: u32,
    /// Which visitor details the kiosk asks for, and which it requires (the name always is).
    pub kiosk_fields: KioskFields,
    /// Whether the kiosk takes the visitor's photo (for the badge and the on-site list):
    /// `hidden` never, `optional` when a camera works (the default), `required` always (a kiosk
    /// without a working camera then sends visitors to reception).
    pub kiosk_photo: FieldRule,
    /// Whether the kiosk shows its on-screen keyboard under a text field that has focus (default
    /// `true`, for touchscreens without a keyboard).
    pub kiosk_keyboard: bool,
    /// The camera the kiosk uses, as part of its name (see [`Frontdesk::cameras`]); `None` for the
    /// first one the system lists.
    pub camera: Option<String>,
    /// The anti-spoof check at the clock-in camera: `off`, `warn` (clock, and send the frame's
    /// attempt to review as a possible spoof) or `block` (the default: nobody is clocked).
    pub anti_spoof: AntiSpoofMode,
    /// A face whose live score (0 to 1) is below this is judged a photo or a screen (calibrated on
    /// this pipeline: see the vision crate's README).
    pub anti_spoof_threshold: f32,
    /// Languages the kiosk offers on its welcome screen, as BCP 47 tags (first is the default):
    /// `en`, `fr`, `ar` have catalogues.
    pub kiosk_languages: Vec<String>,
    /// Keys whose stored value could not be read (written by another version or by hand): they
    /// show their default here, and saving the settings replaces the stored value. Read-only:
    /// ignored when settings are saved.
    pub unreadable: Vec<String>,
    /// When any of these settings was last saved (UTC milliseconds; 0 if never). Send it back
    /// unchanged with [`Frontdesk::update_settings`]: a setting saved after it is refused rather
    /// than overwritten by this older copy.
    pub revision: i64,
}

/// Whether the kiosk shows a visitor detail and whether it must be filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    /// Not asked for.
    Hidden,
    /// Asked for; may be left empty.
    Optional,
    /// Asked for and required.
    Required,
}

/// The kiosk's visitor details beyond the name; see [`SiteSettings::kiosk_fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KioskFields {
    /// The visitor's company.
    pub company: FieldRule,
    /// The visitor's email (also how a returning visitor is found).
    pub email: FieldRule,
    /// The visitor's phone number.
    pub phone: FieldRule,
}

impl Default for KioskFields {
    fn default() -> Self {
        Self {
            company: FieldRule::Optional,
            email: FieldRule::Optional,
            phone: FieldRule::Optional,
        }
    }
}

/// What the clock-in camera does with a face the anti-spoof check judges a photo or a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AntiSpoofMode {
    /// No check.
    Off,
    /// Clock the employee, and send the attempt to review.
    Warn,
    /// Clock nobody, and send the attempt to review.
    Block,
}

/// The default live-score threshold of the anti-spoof check.
pub const DEFAULT_ANTI_SPOOF_THRESHOLD: f32 = 0.3;

/// Languages with a kiosk catalogue.
pub const KIOSK_LANGUAGES: [&str; 3] = ["en", "fr", "ar"];

/// The [`SiteSettings`] fields that describe the stored settings rather than being settings.
const UNREADABLE: &str = "unreadable";
const REVISION: &str = "revision";

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            auto_sign_out_time: Some("23:00".into()),
            visitor_photo_retention_days: 90,
            visit_retention_days: 730,
            require_agreement: true,
            agreement_version: "1".into(),
            agreement_text: "I agree to follow the site's safety and confidentiality rules.".into(),
            badge_preset: "brother_ql_62x100".into(),
            badge_printer: None,
            attendance: AttendanceRules::default(),
            kiosk_idle_seconds: 60,
            console_lock_seconds: 600,
            kiosk_fields: KioskFields::default(),
            kiosk_photo: FieldRule::Optional,
            kiosk_keyboard: true,
            anti_spoof: AntiSpoofMode::Block,
            anti_spoof_threshold: DEFAULT_ANTI_SPOOF_THRESHOLD,
            camera: None,
            kiosk_languages: KIOSK_LANGUAGES.iter().map(|l| (*l).to_string()).collect(),
            unreadable: Vec::new(),
            revision: 0,
        }
    }
}

impl SiteSettings {
    fn validate(&self) -> Result<()> {
        if let Some(t) = &self.auto_sign_out_time
            && chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err()
        {
            return Err(Error::validation(
                "auto_sign_out_time",
                "use HH:MM, e.g. 18:30",
            ));
        }
        if !(1..=3650).contains(&self.visitor_photo_retention_days) {
            return Err(Error::validation(
                "visitor_photo_retention_days",
                "must be 1 to 3650 days",
            ));
        }
        if !(1..=36500).contains(&self.visit_retention_days) {
            return Err(Error::validation(
                "visit_retention_days",
                "must be 1 to 36500 days",
            ));
        }
        if !(10..=3600).contains(&self.kiosk_idle_seconds) {
            return Err(Error::validation(
                "kiosk_idle_seconds",
                "must be 10 to 3600 seconds",
            ));
        }
        if !(30..=28_800).contains(&self.console_lock_seconds) {
            return Err(Error::validation(
                "console_lock_seconds",
                "must be 30 to 28800 seconds (8 hours)",
            ));
        }
        if self.kiosk_languages.is_empty()
            || self
                .kiosk_languages
                .iter()
                .any(|l| !KIOSK_LANGUAGES.contains(&l.as_str()))
        {
            return Err(Error::validation(
                "kiosk_languages",
                format!("choose one or more of {}", KIOSK_LANGUAGES.join(", ")),
            ));
        }
        if self.agreement_text.len() > 20_000 {
            return Err(Error::validation("agreement_text", "is too long"));
        }
        crate::documents::badge_size(&self.badge_preset)?;
        if let Some(p) = &self.badge_printer
            && (p.trim().is_empty() || p.len() > 200 || p.chars().any(char::is_control))
        {
            return Err(Error::validation(
                "badge_printer",
                "must be a printer name (1 to 200 characters)",
            ));
        }
        if !(0.0..=1.0).contains(&self.anti_spoof_threshold) {
            return Err(Error::validation(
                "anti_spoof_threshold",
                "must be between 0 and 1",
            ));
        }
        if let Some(c) = &self.camera
            && (c.trim().is_empty() || c.len() > 200 || c.chars().any(char::is_control))
        {
            return Err(Error::validation(
                "camera",
                "must be a camera name (1 to 200 characters)",
            ));
        }
        self.attendance.validate().map_err(attendance_error)
    }
}

/// A broken attendance rule names its field under `attendance.`, as the settings form does.
fn attendance_error(e: frontdesk_rules::Error) -> Error {
    match e {
        frontdesk_rules::Error::InvalidInput { field, message } => {
            Error::validation(format!("attendance.{field}"), message)
        }
        other => other.into(),
    }
}

fn scope(site: Uuid) -> String {
    site.simple().to_string()
}

/// A site's stored settings over the defaults, decoded key by key: one unreadable value falls
/// back to its default (and is named in `unreadable`) instead of resetting every setting.
pub(crate) async fn stored(conn: &mut SqliteConnection, site_id: Uuid) -> Result<SiteSettings> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT key, value, updated_at FROM settings WHERE scope = ? ORDER BY key")
            .bind(scope(site_id))
            .fetch_all(&mut *conn)
            .await?;
    let revision = rows.iter().map(|r| r.2).max().unwrap_or(0);
    let internal = |e: serde_json::Error| Error::Internal(e.to_string());
    let serde_json::Value::Object(mut merged) =
        serde_json::to_value(SiteSettings::default()).map_err(internal)?
    else {
        return Err(Error::Internal("settings are not an object".into()));
    };
    merged.remove(UNREADABLE);
    merged.remove(REVISION);
    let mut unreadable = Vec::new();
    for (key, value, _) in rows {
        if !merged.contains_key(&key) {
            continue; // a key this version does not know
        }
        // `merged` always decodes, so a trial that fails is this key's fault.
        let mut trial = merged.clone();
        let decoded = serde_json::from_str::<serde_json::Value>(&value).and_then(|v| {
            trial.insert(key.clone(), v);
            serde_json::from_value::<SiteSettings>(serde_json::Value::Object(trial.clone()))
        });
        match decoded {
            Ok(_) => merged = trial,
            Err(e) => {
                tracing::warn!(site = %site_id, key, error = %e, "stored setting unreadable; using its default");
                unreadable.push(key);
            }
        }
    }
    let mut settings: SiteSettings =
        serde_json::from_value(serde_json::Value::Object(merged)).map_err(internal)?;
    settings.unreadable = unreadable;
    settings.revision = revision;
    Ok(settings)
}

impl Frontdesk {
    /// The site's settings, defaults filled in and unreadable keys listed. No permission is needed;
    /// [`Error::NotFound`] if the site is not in the actor's organisation.
    pub async fn settings(&self, actor: &Actor, site_id: Uuid) -> Result<SiteSettings> {
        self.site(actor, site_id).await?;
        let mut conn = self.pool.acquire().await?;
        stored(&mut conn, site_id).await
    }

    /// Saves every setting that differs from the stored one (and any stored value that was
    /// unreadable), in one transaction that holds the write lock from its first read. A setting
    /// saved (by anyone) after `new.revision` is never overwritten by a form opened before it:
    /// [`Error::Conflict`] names such settings and nothing is saved. Returns the settings as now
    /// stored, with their new revision.
    pub async fn update_settings(
        &self,
        actor: &Actor,
        site_id: Uuid,
        mut new: SiteSettings,
    ) -> Result<SiteSettings> {
        actor.require(Permission::ManageSettings)?;
        new.validate()?;
        new.unreadable.clear();
        self.site(actor, site_id).await?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let old = stored(&mut tx, site_id).await?;
        let newer: Vec<String> =
            sqlx::query_scalar("SELECT key FROM settings WHERE scope = ? AND updated_at > ?")
                .bind(scope(site_id))
                .bind(new.revision)
                .fetch_all(&mut *tx)
                .await?;
        let (serde_json::Value::Object(old_map), serde_json::Value::Object(new_map)) = (
            serde_json::to_value(&old).map_err(|e| Error::Internal(e.to_string()))?,
            serde_json::to_value(&new).map_err(|e| Error::Internal(e.to_string()))?,
        ) else {
            return Err(Error::Internal("settings are not an object".into()));
        };
        let mut changed = Vec::new();
        let mut clashes = Vec::new();
        for (key, value) in &new_map {
            if key == UNREADABLE
                || key == REVISION
                || (old_map.get(key) == Some(value) && !old.unreadable.contains(key))
            {
                continue;
            }
            if newer.contains(key) {
                clashes.push(key.clone());
                continue;
            }
            sqlx::query(
                "INSERT INTO settings (scope, key, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by,
                    updated_at = excluded.updated_at",
            )
            .bind(scope(site_id))
            .bind(key)
            .bind(value.to_string())
            .bind(actor.staff_id())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            changed.push(key.clone());
        }
        if !clashes.is_empty() {
            return Err(Error::Conflict(format!(
                "someone else changed {} since you opened the settings; reload them and try again",
                clashes.join(", ")
            )));
        }
        if !changed.is_empty() {
            audit::record(
                &mut tx,
                actor,
                "settings.update",
                "site",
                Some(site_id),
                serde_json::json!({ "changed": changed, "repaired": old.unreadable }),
            )
            .await?;
        }
        tx.commit().await?;
        self.settings(actor, site_id).await
    }
}
