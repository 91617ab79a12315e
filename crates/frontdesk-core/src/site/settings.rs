//! Typed settings per site. The database stores one JSON value per key; this module owns the keys,
//! their types and their defaults, so a missing or unreadable value falls back to its default.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::{Frontdesk, audit, now_ms};

/// The attendance settings are the rules crate's own type (defaults and validation live there).
pub use frontdesk_rules::{AttendanceRules, BreakRule, Rounding};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SiteSettings {
    /// Local time (HH:MM) at which visitors still signed in are signed out automatically.
    pub auto_sign_out_time: Option<String>,
    /// Visitor photos are deleted this many days after they are taken.
    pub visitor_photo_retention_days: u32,
    /// Visits and visitor details older than this are anonymised.
    pub visit_retention_days: u32,
    pub require_agreement: bool,
    pub agreement_version: String,
    pub agreement_text: String,
    /// Badge stock: brother_ql_62x100, brother_ql_62x29, dymo_54x101, cr80 or a6.
    pub badge_preset: String,
    /// The print queue badges go to (as the OS names it); `None` until staff choose one.
    pub badge_printer: Option<String>,
    /// How clock events become worked minutes on timesheets.
    pub attendance: AttendanceRules,
    /// The kiosk returns to its welcome screen after this many idle seconds.
    pub kiosk_idle_seconds: u32,
}

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

impl Frontdesk {
    pub async fn settings(&self, actor: &Actor, site_id: Uuid) -> Result<SiteSettings> {
        self.site(actor, site_id).await?;
        let rows = sqlx::query("SELECT key, value FROM settings WHERE scope = ?")
            .bind(scope(site_id))
            .fetch_all(&self.pool)
            .await?;
        let mut merged = serde_json::to_value(SiteSettings::default())
            .map_err(|e| Error::Internal(e.to_string()))?;
        if let Some(obj) = merged.as_object_mut() {
            for r in rows {
                let key: String = r.try_get("key")?;
                let value: String = r.try_get("value")?;
                if obj.contains_key(&key)
                    && let Ok(v) = serde_json::from_str(&value)
                {
                    obj.insert(key, v);
                }
            }
        }
        Ok(serde_json::from_value(merged).unwrap_or_default())
    }

    pub async fn update_settings(
        &self,
        actor: &Actor,
        site_id: Uuid,
        new: SiteSettings,
    ) -> Result<SiteSettings> {
        actor.require(Permission::ManageSettings)?;
        new.validate()?;
        let old = self.settings(actor, site_id).await?;
        let (serde_json::Value::Object(old_map), serde_json::Value::Object(new_map)) = (
            serde_json::to_value(&old).map_err(|e| Error::Internal(e.to_string()))?,
            serde_json::to_value(&new).map_err(|e| Error::Internal(e.to_string()))?,
        ) else {
            return Err(Error::Internal("settings are not an object".into()));
        };
        let mut tx = self.pool.begin().await?;
        let mut changed = Vec::new();
        for (key, value) in &new_map {
            if old_map.get(key) == Some(value) {
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
                serde_json::json!({ "changed": changed }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(new)
    }
}
