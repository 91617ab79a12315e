//! The employee directory.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result, Rule};
use crate::people::auth::{Actor, Permission};
use crate::{Frontdesk, audit, new_id, now_ms, store, text};

/// An employee of the organisation, as the directory lists them.
#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct Employee {
    /// Employee id (UUID v7).
    pub id: Uuid,
    /// The organisation's own employee code (e.g. the payroll number), unique in the organisation.
    pub code: String,
    /// Full name, as shown and sorted in the directory.
    pub name: String,
    /// Work email address, if known.
    pub email: Option<String>,
    /// Phone number as entered, if known.
    pub phone: Option<String>,
    /// Department, if known; timesheet exports can be limited to one.
    pub department: Option<String>,
    /// Job title, if known.
    pub title: Option<String>,
    /// The manager's employee id; `None` when no manager is set.
    pub manager_id: Option<Uuid>,
    /// The manager's name; `None` when no manager is set.
    pub manager_name: Option<String>,
    /// The site the employee works at; `None` when not tied to one (then this PC's site counts).
    pub site_id: Option<Uuid>,
    /// Inactive employees are listed only on request, are not offered as hosts and cannot clock
    /// in; their history is kept.
    pub active: bool,
    /// Whether the employee consented to face recognition; faces can be enrolled only with it.
    pub face_consent: bool,
    /// How many face images are enrolled (0: the camera cannot recognise them).
    pub face_images: u32,
}

/// Fields of an employee as entered in a form or a CSV row.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct EmployeeInput {
    /// Employee code: required, at most 64 characters, unique in the organisation.
    pub code: String,
    /// Full name: required, at most 300 characters.
    pub name: String,
    /// Must be a valid email address; `None` or blank clears it.
    pub email: Option<String>,
    /// Digits with `+ - ( ) .` and spaces, 5 to 17 digits; `None` or blank clears it.
    pub phone: Option<String>,
    /// At most 200 characters; `None` or blank clears it.
    pub department: Option<String>,
    /// Job title, at most 200 characters; `None` or blank clears it.
    pub title: Option<String>,
    /// The manager's employee code.
    pub manager_code: Option<String>,
    /// The employee's site; `None` means no site for a new employee and keeps the stored one on
    /// an update.
    pub site_id: Option<Uuid>,
    /// `None`: active for a new employee, unchanged on an update.
    pub active: Option<bool>,
    /// Consent to face recognition; `None`: no consent for a new employee, unchanged on an update.
    /// Withdrawing it does not erase enrolled faces (see [`Frontdesk::erase_employee_faces`]).
    pub face_consent: Option<bool>,
}

/// Filters for [`Frontdesk::employees`]; every field may be left out.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct EmployeeQuery {
    /// Matches the start of any word of the name, the code or the email.
    pub search: Option<String>,
    /// Also list inactive employees (default: active ones only).
    pub include_inactive: bool,
    /// Most employees returned; default 500, clamped to 1–10,000.
    pub limit: Option<u32>,
}

/// A host as the kiosk shows it: no contact details on the lobby screen.
#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct HostSummary {
    /// Employee id of the host.
    pub id: Uuid,
    /// The host's full name.
    pub name: String,
    /// The host's department, if known.
    pub department: Option<String>,
}

/// An employee that passed validation.
#[derive(Debug, Clone)]
pub(crate) struct ValidEmployee {
    pub code: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager_code: Option<String>,
    pub site_id: Option<Uuid>,
    /// `None` keeps the stored value (a CSV without the column, or with an empty cell: a yes/no
    /// cannot be blank).
    pub active: Option<bool>,
    pub face_consent: Option<bool>,
    /// Stored fields an update leaves as they are.
    pub kept: Kept,
}

/// The optional text fields an update does not touch: a CSV file without their column leaves them
/// as they were (a present but empty cell clears them). A form sends every field, so keeps none.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Kept {
    pub email: bool,
    pub phone: bool,
    pub department: bool,
    pub title: bool,
    pub manager: bool,
}

/// Checks every field and returns all problems, so a CSV row or a form reports them at once.
pub(crate) fn validate(input: &EmployeeInput) -> std::result::Result<ValidEmployee, Vec<Error>> {
    let mut errors = Vec::new();
    let mut ok = |r: Result<Option<String>>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let code = ok(text::required("code", &input.code, 64).map(Some));
    let name = ok(text::required("name", &input.name, 300).map(Some));
    let email = ok(text::email("email", input.email.as_deref()));
    let phone = ok(text::phone("phone", input.phone.as_deref()));
    let department = ok(text::optional(
        "department",
        input.department.as_deref(),
        200,
    ));
    let title = ok(text::optional("title", input.title.as_deref(), 200));
    let manager_code = ok(text::optional(
        "manager_code",
        input.manager_code.as_deref(),
        64,
    ));
    if let (Some(c), Some(m)) = (&code, &manager_code)
        && c == m
    {
        errors.push(Error::validation(
            "manager_code",
            "an employee cannot manage themselves",
        ));
    }
    match (code, name) {
        (Some(code), Some(name)) if errors.is_empty() => Ok(ValidEmployee {
            code,
            name,
            email,
            phone,
            department,
            title,
            manager_code,
            site_id: input.site_id,
            active: input.active,
            face_consent: input.face_consent,
            kept: Kept::default(),
        }),
        _ => Err(errors),
    }
}

/// A visit's host must be a current employee of the organisation: a validation error on
/// `host_employee_id` otherwise.
pub(crate) async fn check_host(conn: &mut SqliteConnection, org: Uuid, host: Uuid) -> Result<()> {
    let active: Option<i64> =
        sqlx::query_scalar("SELECT active FROM employees WHERE id = ? AND organisation_id = ?")
            .bind(host)
            .bind(org)
            .fetch_optional(&mut *conn)
            .await?;
    match active {
        None => Err(Error::invalid("host_employee_id", Rule::NoSuchEmployee)),
        Some(0) => Err(Error::invalid("host_employee_id", Rule::EmployeeLeft)),
        Some(_) => Ok(()),
    }
}

pub(crate) enum Upserted {
    Created(Uuid),
    /// Updated; with the face templates erased because the employee no longer consents or left.
    Updated(Uuid, u64),
}

/// Deletes the face images and templates of an employee who is not both active and consenting
/// (consent withdrawn, or they left), in the caller's transaction; returns the templates removed.
/// The gallery is rebuilt from the database before the next identification (its stamp changes).
pub(crate) async fn drop_faces_without_consent(
    conn: &mut SqliteConnection,
    id: Uuid,
) -> Result<u64> {
    let allowed: Option<bool> =
        sqlx::query_scalar("SELECT active = 1 AND face_consent = 1 FROM employees WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if allowed != Some(false) {
        return Ok(0);
    }
    let removed =
        sqlx::query("DELETE FROM face_embeddings WHERE owner_kind = 'employee' AND owner_id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    sqlx::query("DELETE FROM face_images WHERE owner_kind = 'employee' AND owner_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(removed)
}

/// Inserts or, when the code exists in the organisation, updates. The manager must already exist.
pub(crate) async fn upsert(
    conn: &mut SqliteConnection,
    org: Uuid,
    e: &ValidEmployee,
) -> Result<Upserted> {
    let manager_id = match &e.manager_code {
        None => None,
        Some(code) => Some(id_by_code(conn, org, code).await?.ok_or_else(|| {
            Error::validation("manager_code", format!("no employee has code {code:?}"))
        })?),
    };
    let now = now_ms();
    if let Some(id) = id_by_code(conn, org, &e.code).await? {
        sqlx::query(
            "UPDATE employees SET name = ?1,
                email = CASE WHEN ?13 THEN email ELSE ?2 END,
                phone = CASE WHEN ?14 THEN phone ELSE ?3 END,
                department = CASE WHEN ?15 THEN department ELSE ?4 END,
                title = CASE WHEN ?16 THEN title ELSE ?5 END,
                manager_id = CASE WHEN ?6 THEN manager_id ELSE ?7 END,
                site_id = COALESCE(?8, site_id), active = COALESCE(?9, active),
                face_consent = COALESCE(?10, face_consent),
                face_consent_at = CASE COALESCE(?10, face_consent) WHEN 1 THEN COALESCE(face_consent_at, ?11) ELSE NULL END,
                updated_at = ?11
             WHERE id = ?12",
        )
        .bind(&e.name)
        .bind(&e.email)
        .bind(&e.phone)
        .bind(&e.department)
        .bind(&e.title)
        .bind(e.kept.manager)
        .bind(manager_id)
        .bind(e.site_id)
        .bind(e.active)
        .bind(e.face_consent)
        .bind(now)
        .bind(id)
        .bind(e.kept.email)
        .bind(e.kept.phone)
        .bind(e.kept.department)
        .bind(e.kept.title)
        .execute(&mut *conn)
        .await?;
        let dropped = drop_faces_without_consent(conn, id).await?;
        return Ok(Upserted::Updated(id, dropped));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO employees (id, organisation_id, site_id, code, name, email, phone, department, title,
            manager_id, active, face_consent, face_consent_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(org)
    .bind(e.site_id)
    .bind(&e.code)
    .bind(&e.name)
    .bind(&e.email)
    .bind(&e.phone)
    .bind(&e.department)
    .bind(&e.title)
    .bind(manager_id)
    .bind(e.active.unwrap_or(true))
    .bind(e.face_consent.unwrap_or(false))
    .bind((e.face_consent == Some(true)).then_some(now))
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Upserted::Created(id))
}

pub(crate) async fn id_by_code(
    conn: &mut SqliteConnection,
    org: Uuid,
    code: &str,
) -> Result<Option<Uuid>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM employees WHERE organisation_id = ? AND code = ?")
            .bind(org)
            .bind(code)
            .fetch_optional(conn)
            .await?,
    )
}

const SELECT: &str =
    "SELECT e.id, e.code, e.name, e.email, e.phone, e.department, e.title, e.manager_id,
        m.name AS manager_name, e.site_id, e.active, e.face_consent,
        (SELECT COUNT(*) FROM face_embeddings f WHERE f.owner_kind = 'employee' AND f.owner_id = e.id)
            AS face_images
    FROM employees e LEFT JOIN employees m ON m.id = e.manager_id";

fn first_error(mut errors: Vec<Error>) -> Error {
    if errors.is_empty() {
        Error::Internal("validation failed without a reason".into())
    } else {
        errors.swap_remove(0)
    }
}

impl Frontdesk {
    /// Adds an employee (needs [`Permission::ManageEmployees`]; audited as `employee.create`).
    /// The first invalid field, a code already in use or an unknown manager code is a validation
    /// error naming the field.
    pub async fn create_employee(&self, actor: &Actor, input: EmployeeInput) -> Result<Employee> {
        actor.require(Permission::ManageEmployees)?;
        let valid = validate(&input).map_err(first_error)?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        if id_by_code(&mut tx, actor.organisation_id, &valid.code)
            .await?
            .is_some()
        {
            return Err(Error::validation(
                "code",
                format!("employee code {:?} is already in use", valid.code),
            ));
        }
        let (Upserted::Created(id) | Upserted::Updated(id, _)) =
            upsert(&mut tx, actor.organisation_id, &valid).await?;
        audit::record(
            &mut tx,
            actor,
            "employee.create",
            "employee",
            Some(id),
            serde_json::json!({ "code": valid.code }),
        )
        .await?;
        tx.commit().await?;
        self.employee(actor, id).await
    }

    /// Updates an employee; the code may change as long as it stays unique.
    pub async fn update_employee(
        &self,
        actor: &Actor,
        id: Uuid,
        input: EmployeeInput,
    ) -> Result<Employee> {
        actor.require(Permission::ManageEmployees)?;
        let valid = validate(&input).map_err(first_error)?;
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT code FROM employees WHERE id = ? AND organisation_id = ?")
                .bind(id)
                .bind(actor.organisation_id)
                .fetch_optional(&mut *tx)
                .await?;
        let current = current.ok_or(Error::NotFound { entity: "employee" })?;
        if current != valid.code {
            if id_by_code(&mut tx, actor.organisation_id, &valid.code)
                .await?
                .is_some()
            {
                return Err(Error::validation(
                    "code",
                    format!("employee code {:?} is already in use", valid.code),
                ));
            }
            sqlx::query("UPDATE employees SET code = ? WHERE id = ?")
                .bind(&valid.code)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let dropped = match upsert(&mut tx, actor.organisation_id, &valid).await? {
            Upserted::Updated(_, dropped) => dropped,
            Upserted::Created(_) => 0,
        };
        audit::record(
            &mut tx,
            actor,
            "employee.update",
            "employee",
            Some(id),
            serde_json::json!({ "code": valid.code, "previous_code": current }),
        )
        .await?;
        if dropped > 0 {
            // Withdrawn consent or a leaver: their face goes in the same transaction.
            let details =
                serde_json::json!({ "embeddings": dropped, "reason": "consent withdrawn or left" });
            audit::record(&mut tx, actor, "face.erase", "employee", Some(id), details).await?;
        }
        tx.commit().await?;
        if dropped > 0 {
            self.forget_face_in_index(id);
        }
        self.employee(actor, id).await
    }

    /// One employee of the actor's organisation (needs [`Permission::ViewVisits`]); not found
    /// otherwise.
    pub async fn employee(&self, actor: &Actor, id: Uuid) -> Result<Employee> {
        actor.require(Permission::ViewVisits)?;
        sqlx::query_as::<_, Employee>(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE e.id = ? AND e.organisation_id = ?"
        )))
        .bind(id)
        .bind(actor.organisation_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound { entity: "employee" })
    }

    /// An employee (active or not) by their code, ignoring case: one indexed lookup, so clients
    /// never page the directory to find a code.
    pub async fn employee_by_code(&self, actor: &Actor, code: &str) -> Result<Employee> {
        actor.require(Permission::ViewVisits)?;
        let code = crate::text::required("code", code, 100)?;
        sqlx::query_as::<_, Employee>(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE e.organisation_id = ? AND e.code = ? COLLATE NOCASE
             ORDER BY e.code = ? DESC LIMIT 1"
        )))
        .bind(actor.organisation_id)
        .bind(&code)
        .bind(&code)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound { entity: "employee" })
    }

    /// The organisation's employees by name, filtered by `q` (needs [`Permission::ViewVisits`]).
    pub async fn employees(&self, actor: &Actor, q: EmployeeQuery) -> Result<Vec<Employee>> {
        actor.require(Permission::ViewVisits)?;
        let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
        Ok(sqlx::query_as::<_, Employee>(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE e.organisation_id = ?1 AND (?2 OR e.active = 1)
               AND (?3 IS NULL OR e.name LIKE ?3 || '%' ESCAPE '\\' OR e.name LIKE '% ' || ?3 || '%' ESCAPE '\\'
                    OR e.code LIKE ?3 || '%' ESCAPE '\\' OR e.email LIKE ?3 || '%' ESCAPE '\\')
             ORDER BY e.name COLLATE NOCASE LIMIT ?4"
        )))
        .bind(actor.organisation_id)
        .bind(q.include_inactive)
        .bind(search.map(escape_like))
        .bind(i64::from(q.limit.unwrap_or(500).clamp(1, 10_000)))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Host lookup for the sign-in form and kiosk: active employees whose name starts with `query`.
    pub async fn search_hosts(&self, actor: &Actor, query: &str) -> Result<Vec<HostSummary>> {
        actor.require(Permission::SignVisitors)?;
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_as::<_, HostSummary>(
            "SELECT id, name, department FROM employees
             WHERE organisation_id = ?1 AND active = 1
               AND (name LIKE ?2 || '%' ESCAPE '\\' OR name LIKE '% ' || ?2 || '%' ESCAPE '\\')
             ORDER BY name COLLATE NOCASE LIMIT 20",
        )
        .bind(actor.organisation_id)
        .bind(escape_like(q))
        .fetch_all(&self.pool)
        .await?)
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
