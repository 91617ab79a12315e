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
    /// Keys whose stored value could not be read (written by another version or by hand): they
    /// show their default here, and saving the settings replaces the stored value. Read-only:
    /// ignored when settings are saved.
    pub unreadable: Vec<String>,
}

/// The one [`SiteSettings`] field that is a report, not a stored setting.
const UNREADABLE: &str = "unreadable";

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
            unreadable: Vec::new(),
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
        self.attendance.validate()
    }
}

/// How a clock time is rounded before minutes are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Both ends to the nearest step.
    Nearest,
    /// Clock-in up, clock-out down: never pays unworked minutes.
    InUpOutDown,
    /// Clock-in down, clock-out up: in the employee's favour.
    InDownOutUp,
}

/// Once a day's worked time reaches `after_minutes`, at least `deduct_minutes` of break are taken off
/// (gaps between sessions count as break taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BreakRule {
    /// Worked minutes in a day from which the rule applies (at most 24 hours).
    pub after_minutes: u32,
    /// Minimum break, in minutes, once the rule applies (no more than `after_minutes`).
    pub deduct_minutes: u32,
}

/// A site's attendance rules, used by every timesheet of its employees. The defaults are
/// `frontdesk-docs`' standard rules, so sites that never set them keep their old figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AttendanceRules {
    /// Rounding step in minutes (0 or 1: none); must divide an hour.
    pub rounding_minutes: u32,
    /// Which way clock-in and clock-out times are rounded to the step.
    pub rounding: RoundingMode,
    /// Break rules (at most 10); by default 30 minutes after 6 hours, 45 after 9.
    pub breaks: Vec<BreakRule>,
    /// Worked minutes per day above which minutes are overtime (`None`: no daily overtime).
    pub daily_overtime_after_minutes: Option<u32>,
    /// Worked minutes per week, not already daily overtime, above which minutes are overtime.
    pub weekly_overtime_after_minutes: Option<u32>,
    /// Local time (HH:MM) at which a session without a clock-out is closed (flagged); `None` counts
    /// nothing for it.
    pub auto_close_time: Option<String>,
    /// A clock-in with no clock-out within this many hours is missing its clock-out (1 to 48).
    pub max_session_hours: u32,
    /// A second scan of the same direction within this many minutes is ignored (0 to 60).
    pub duplicate_window_minutes: u32,
}

impl Default for AttendanceRules {
    fn default() -> Self {
        Self {
            rounding_minutes: 0,
            rounding: RoundingMode::Nearest,
            breaks: vec![
                BreakRule {
                    after_minutes: 6 * 60,
                    deduct_minutes: 30,
                },
                BreakRule {
                    after_minutes: 9 * 60,
                    deduct_minutes: 45,
                },
            ],
            daily_overtime_after_minutes: Some(8 * 60),
            weekly_overtime_after_minutes: Some(40 * 60),
            auto_close_time: Some("23:59".into()),
            max_session_hours: 16,
            duplicate_window_minutes: 2,
        }
    }
}

impl AttendanceRules {
    fn validate(&self) -> Result<()> {
        const DAY: u32 = 24 * 60;
        if self.rounding_minutes > 1 && 60 % self.rounding_minutes != 0 {
            return Err(Error::validation(
                "attendance.rounding_minutes",
                "must divide an hour (e.g. 5, 6, 10, 15, 30)",
            ));
        }
        if self.rounding_minutes > 60 {
            return Err(Error::validation(
                "attendance.rounding_minutes",
                "must be at most 60",
            ));
        }
        if self.breaks.len() > 10
            || self
                .breaks
                .iter()
                .any(|b| b.after_minutes > DAY || b.deduct_minutes > b.after_minutes)
        {
            return Err(Error::validation(
                "attendance.breaks",
                "each break must come within a day and be shorter than the time worked before it",
            ));
        }
        if self.daily_overtime_after_minutes.is_some_and(|m| m > DAY) {
            return Err(Error::validation(
                "attendance.daily_overtime_after_minutes",
                "must be at most 24 hours",
            ));
        }
        if self
            .weekly_overtime_after_minutes
            .is_some_and(|m| m > 7 * DAY)
        {
            return Err(Error::validation(
                "attendance.weekly_overtime_after_minutes",
                "must be at most a week",
            ));
        }
        self.auto_close()?;
        if !(1..=48).contains(&self.max_session_hours) {
            return Err(Error::validation(
                "attendance.max_session_hours",
                "must be 1 to 48 hours",
            ));
        }
        if self.duplicate_window_minutes > 60 {
            return Err(Error::validation(
                "attendance.duplicate_window_minutes",
                "must be 0 to 60 minutes",
            ));
        }
        Ok(())
    }

    fn auto_close(&self) -> Result<Option<chrono::NaiveTime>> {
        self.auto_close_time
            .as_deref()
            .map(|t| {
                chrono::NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
                    Error::validation("attendance.auto_close_time", "use HH:MM, e.g. 23:59")
                })
            })
            .transpose()
    }

    /// The rules engine's form of these settings, in the site's time zone.
    pub fn to_rules(&self, tz: chrono_tz::Tz) -> Result<frontdesk_docs::timesheet::Rules> {
        use frontdesk_docs::timesheet as ts;
        self.validate()?;
        Ok(ts::Rules {
            tz,
            rounding_minutes: self.rounding_minutes,
            rounding: match self.rounding {
                RoundingMode::Nearest => ts::Rounding::Nearest,
                RoundingMode::InUpOutDown => ts::Rounding::InUpOutDown,
                RoundingMode::InDownOutUp => ts::Rounding::InDownOutUp,
            },
            breaks: self
                .breaks
                .iter()
                .map(|b| ts::BreakRule {
                    after_minutes: b.after_minutes,
                    deduct_minutes: b.deduct_minutes,
                })
                .collect(),
            daily_overtime_after: self.daily_overtime_after_minutes,
            weekly_overtime_after: self.weekly_overtime_after_minutes,
            week_starts: chrono::Weekday::Mon,
            auto_close_at: self.auto_close()?,
            max_session_hours: self.max_session_hours,
            duplicate_window_minutes: self.duplicate_window_minutes,
        })
    }
}

fn scope(site: Uuid) -> String {
    site.simple().to_string()
}

/// A site's stored settings over the defaults, decoded key by key: one unreadable value falls
/// back to its default (and is named in `unreadable`) instead of resetting every setting.
async fn stored(conn: &mut SqliteConnection, site_id: Uuid) -> Result<SiteSettings> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE scope = ? ORDER BY key")
            .bind(scope(site_id))
            .fetch_all(&mut *conn)
            .await?;
    let internal = |e: serde_json::Error| Error::Internal(e.to_string());
    let serde_json::Value::Object(mut merged) =
        serde_json::to_value(SiteSettings::default()).map_err(internal)?
    else {
        return Err(Error::Internal("settings are not an object".into()));
    };
    merged.remove(UNREADABLE);
    let mut unreadable = Vec::new();
    for (key, value) in rows {
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
    /// unreadable), in one transaction that holds the write lock from its first read.
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
        let (serde_json::Value::Object(old_map), serde_json::Value::Object(new_map)) = (
            serde_json::to_value(&old).map_err(|e| Error::Internal(e.to_string()))?,
            serde_json::to_value(&new).map_err(|e| Error::Internal(e.to_string()))?,
        ) else {
            return Err(Error::Internal("settings are not an object".into()));
        };
        let mut changed = Vec::new();
        for (key, value) in &new_map {
            if key == UNREADABLE
                || (old_map.get(key) == Some(value) && !old.unreadable.contains(key))
            {
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
        Ok(new)
    }
}
