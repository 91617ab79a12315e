//! Organisations and sites, and first-run initialisation.

pub mod settings;
pub(crate) mod status;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::people::auth::{
    Actor, ActorKind, Permission, Role, check_password_strength, hash_secret,
};
use crate::{Frontdesk, audit, new_id, now_ms, store, text, time};

/// A site of the organisation: one building or reception.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Site {
    /// Site id (UUID v7).
    pub id: Uuid,
    /// The site's name, up to 200 characters.
    pub name: String,
    /// Parsed once, when the site is read; sent to clients as its IANA name.
    #[ts(type = "string")]
    pub time_zone: chrono_tz::Tz,
    /// Postal address, if given (up to 500 characters).
    pub address: Option<String>,
}

/// First-run set-up, for [`Frontdesk::init`].
#[derive(Debug, Clone, Deserialize, TS)]
pub struct InitRequest {
    /// The organisation's name; required, up to 200 characters.
    pub organisation: String,
    /// The first site's name; required, up to 200 characters.
    pub site_name: String,
    /// The first site's IANA time zone, e.g. `Europe/London`.
    pub time_zone: String,
    /// The first admin's username: up to 64 letters, digits and `. _ - @`.
    pub admin_username: String,
    /// The first admin's name as shown in the app and the audit log; up to 200 characters.
    pub admin_display_name: String,
    /// The first admin's password; must pass the password-strength check.
    pub admin_password: String,
}

/// What [`Frontdesk::init`] created.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InitResponse {
    /// The new organisation's id.
    pub organisation_id: Uuid,
    /// The first site, to which this PC is registered.
    pub site: Site,
    /// The first admin's staff-account id.
    pub admin_id: Uuid,
}

/// A site to add, for [`Frontdesk::create_site`].
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewSite {
    /// The site's name; required, up to 200 characters.
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub time_zone: String,
    /// Postal address, up to 500 characters.
    pub address: Option<String>,
}

impl Frontdesk {
    /// Whether first-run set-up ([`Frontdesk::init`]) has been done, i.e. an organisation exists.
    pub async fn is_initialised(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// First run: one organisation, its first site and the first admin account.
    pub async fn init(&self, req: InitRequest) -> Result<InitResponse> {
        let organisation = text::required("organisation", &req.organisation, 200)?;
        let site_name = text::required("site_name", &req.site_name, 200)?;
        let time_zone = time::parse_tz("time_zone", &req.time_zone)?;
        let username = validate_username("admin_username", &req.admin_username)?;
        let display = text::required("admin_display_name", &req.admin_display_name, 200)?;
        check_password_strength("admin_password", &req.admin_password, &req.admin_username)?;
        let hash = hash_secret(req.admin_password).await?;

        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(&mut *tx)
            .await?;
        if existing > 0 {
            return Err(Error::Conflict(
                "this database is already set up; sign in instead".into(),
            ));
        }
        let now = now_ms();
        let org_id = new_id();
        sqlx::query(
            "INSERT INTO organisations (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(org_id)
        .bind(&organisation)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let site = Site {
            id: new_id(),
            name: site_name,
            time_zone,
            address: None,
        };
        insert_site(&mut tx, org_id, &site).await?;
        sqlx::query(
            "INSERT INTO devices (id, site_id, name, kind, created_at) VALUES (?, ?, ?, 'desk', ?)",
        )
        .bind(self.device_id)
        .bind(site.id)
        .bind("Reception PC")
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let admin_id = new_id();
        sqlx::query(
            "INSERT INTO staff_accounts (id, organisation_id, username, display_name, role, password_hash, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'admin', ?, ?, ?)",
        )
        .bind(admin_id)
        .bind(org_id)
        .bind(&username)
        .bind(&display)
        .bind(hash)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let actor = Actor {
            kind: ActorKind::Staff(Role::Admin),
            id: Some(admin_id),
            name: display,
            organisation_id: org_id,
            device_id: self.device_id,
        };
        audit::record(
            &mut tx,
            &actor,
            "setup.init",
            "organisation",
            Some(org_id),
            serde_json::json!({ "organisation": organisation, "site": site.name, "admin": username }),
        )
        .await?;
        tx.commit().await?;
        Ok(InitResponse {
            organisation_id: org_id,
            site,
            admin_id,
        })
    }

    /// All sites of the actor's organisation, by name. No permission is needed.
    pub async fn sites(&self, actor: &Actor) -> Result<Vec<Site>> {
        let rows = sqlx::query_as::<_, SiteRow>(
            "SELECT id, name, time_zone, address FROM sites WHERE organisation_id = ? ORDER BY name",
        )
        .bind(actor.organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Site::try_from).collect()
    }

    /// One site of the actor's organisation; [`Error::NotFound`] if it does not exist or belongs to
    /// another organisation. No permission is needed.
    pub async fn site(&self, actor: &Actor, id: Uuid) -> Result<Site> {
        sqlx::query_as::<_, SiteRow>(
            "SELECT id, name, time_zone, address FROM sites WHERE id = ? AND organisation_id = ?",
        )
        .bind(id)
        .bind(actor.organisation_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound { entity: "site" })?
        .try_into()
    }

    /// The site this PC belongs to (the first site when the PC is not registered to one).
    pub async fn home_site(&self, actor: &Actor) -> Result<Site> {
        let id: Option<Uuid> = sqlx::query_scalar(
            "SELECT COALESCE((SELECT site_id FROM devices WHERE id = ?1),
                             (SELECT id FROM sites WHERE organisation_id = ?2 ORDER BY created_at LIMIT 1))",
        )
        .bind(self.device_id)
        .bind(actor.organisation_id)
        .fetch_one(&self.pool)
        .await?;
        self.site(actor, id.ok_or(Error::NotFound { entity: "site" })?)
            .await
    }

    /// Adds a site to the actor's organisation and audits it (`site.create`). Needs the
    /// manage-sites permission; [`Error::Validation`] for a bad name, time zone or address.
    pub async fn create_site(&self, actor: &Actor, req: NewSite) -> Result<Site> {
        actor.require(Permission::ManageSites)?;
        let site = Site {
            id: new_id(),
            name: text::required("name", &req.name, 200)?,
            time_zone: time::parse_tz("time_zone", &req.time_zone)?,
            address: text::optional("address", req.address.as_deref(), 500)?,
        };
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        insert_site(&mut tx, actor.organisation_id, &site).await?;
        audit::record(
            &mut tx,
            actor,
            "site.create",
            "site",
            Some(site.id),
            serde_json::json!({ "name": site.name, "time_zone": site.time_zone.name() }),
        )
        .await?;
        tx.commit().await?;
        Ok(site)
    }

    /// A site's time zone by id, for work that runs without an actor (scheduled exports).
    pub(crate) async fn site_time_zone(&self, site_id: Uuid) -> Result<chrono_tz::Tz> {
        let name: String = sqlx::query_scalar("SELECT time_zone FROM sites WHERE id = ?")
            .bind(site_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NotFound { entity: "site" })?;
        time::parse_tz("time_zone", &name)
    }

    /// The requested site (default: this PC's) with its time zone, in one query.
    pub(crate) async fn site_and_tz(
        &self,
        actor: &Actor,
        site_id: Option<Uuid>,
    ) -> Result<(Uuid, chrono_tz::Tz)> {
        let row = sqlx::query(
            "SELECT id, time_zone FROM sites WHERE organisation_id = ?1
               AND id = COALESCE(?2, (SELECT site_id FROM devices WHERE id = ?3),
                                 (SELECT id FROM sites WHERE organisation_id = ?1 ORDER BY created_at LIMIT 1))",
        )
        .bind(actor.organisation_id)
        .bind(site_id)
        .bind(self.device_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound { entity: "site" })?;
        Ok((
            row.try_get("id")?,
            stored_tz(&row.try_get::<String, _>("time_zone")?)?,
        ))
    }
}

async fn insert_site(tx: &mut sqlx::SqliteConnection, org_id: Uuid, site: &Site) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sites (id, organisation_id, name, time_zone, address, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(site.id)
    .bind(org_id)
    .bind(&site.name)
    .bind(site.time_zone.name())
    .bind(&site.address)
    .bind(now)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// A `sites` row as stored; its zone name becomes a [`chrono_tz::Tz`] once, here.
#[derive(sqlx::FromRow)]
struct SiteRow {
    id: Uuid,
    name: String,
    time_zone: String,
    address: Option<String>,
}

impl TryFrom<SiteRow> for Site {
    type Error = Error;

    fn try_from(r: SiteRow) -> Result<Self> {
        Ok(Site {
            id: r.id,
            name: r.name,
            time_zone: stored_tz(&r.time_zone)?,
            address: r.address,
        })
    }
}

/// A stored zone name was checked when it was written; one that no longer parses (a zone this
/// build's tz database lacks) is an internal error, not the client's.
fn stored_tz(name: &str) -> Result<chrono_tz::Tz> {
    name.parse()
        .map_err(|_| Error::Internal(format!("stored time zone {name:?} is unknown")))
}

pub(crate) fn validate_username(field: &str, s: &str) -> Result<String> {
    let u = text::required(field, s, 64)?;
    if !u
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(Error::validation(
            field,
            "may contain only letters, digits and . _ - @",
        ));
    }
    Ok(u)
}
