//! Documents: badges, timesheets, visitor reports and the evacuation list. Core data, read through the
//! facade's own queries (so roles apply), is handed to `frontdesk-docs`, which renders the bytes.
//!
//! Rendering is CPU work of a few milliseconds per page; exports of many employees run on a blocking
//! thread so the async runtime (and the window) stays responsive. Badge printing with its persisted
//! print log and reprint guard is in [`crate::documents::badge_prints`]; corrections and approvals that
//! timesheets apply are in [`crate::attendance::timesheets`]; the rules come from the site's settings.

pub mod badge_prints;
pub mod exports;
pub(crate) mod files;
pub mod printing;
mod timesheet_export;

use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use frontdesk_docs as docs;
pub use frontdesk_docs::badge::BadgeSize;
pub use frontdesk_docs::timesheet::EmployeeTimesheet;
pub use frontdesk_docs::{Rendered, Warning};

use crate::people::employees::Employee;
use crate::visits::{Visit, VisitQuery};
use crate::{Actor, Error, Frontdesk, Permission, Result};

pub(crate) fn docs_error(e: docs::Error) -> Error {
    match e {
        docs::Error::InvalidInput(m) => Error::validation("document", m),
        docs::Error::Locked(m) => Error::Conflict(m),
        other => Error::Internal(other.to_string()),
    }
}

/// The file formats of documents and exports; which ones a document exists in is checked per kind
/// (the visit log is PDF or CSV, the daily report PDF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(rename_all = "lowercase")]
pub enum ExportFormat {
    /// PDF document (`pdf`).
    Pdf,
    /// Comma-separated values (`csv`).
    Csv,
    /// Excel workbook (`xlsx`).
    Xlsx,
}

impl ExportFormat {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// Band colours by visitor type; anything else is a neutral blue.
fn band_colour(visitor_type: &str) -> docs::Colour {
    match visitor_type.to_ascii_lowercase().as_str() {
        "contractor" => docs::Colour {
            r: 230,
            g: 126,
            b: 0,
        },
        "vip" => docs::Colour {
            r: 120,
            g: 40,
            b: 160,
        },
        "delivery" => docs::Colour {
            r: 0,
            g: 140,
            b: 90,
        },
        _ => docs::Colour {
            r: 0,
            g: 102,
            b: 204,
        },
    }
}

/// The badge stock named by a site's `badge_preset` setting.
pub fn badge_size(preset: &str) -> Result<BadgeSize> {
    Ok(match preset {
        "brother_ql_62x100" => BadgeSize::BrotherQl62x100,
        "brother_ql_62x29" => BadgeSize::BrotherQl62x29,
        "dymo_54x101" => BadgeSize::Dymo54x101,
        "cr80" => BadgeSize::Cr80,
        "a6" => BadgeSize::A6,
        _ => {
            return Err(Error::validation(
                "badge_preset",
                "use brother_ql_62x100, brother_ql_62x29, dymo_54x101, cr80 or a6",
            ));
        }
    })
}

pub use files::SavedDocument;

pub(crate) fn warning_text(w: &Warning) -> String {
    match w {
        Warning::UncoveredCharacters { field, chars } => format!(
            "{field}: no font has {}; printed as ?",
            chars.iter().collect::<String>()
        ),
        Warning::Truncated { field } => format!("{field}: text cut to fit"),
        Warning::PhotoUnusable { reason } => format!("photo not used: {reason}"),
    }
}

fn visit_row(v: &Visit) -> Option<docs::VisitRow> {
    Some(docs::VisitRow {
        visitor_name: v.visitor_name.clone(),
        company: v.company.clone(),
        purpose: v.purpose.clone(),
        host_name: v.host_name.clone(),
        signed_in_at: v.checked_in_at?,
        signed_out_at: v.checked_out_at,
        badge_number: v.badge_number.clone(),
    })
}

impl Frontdesk {
    /// The badge of a visit as a one-page PDF on `size` stock. The QR code (`frontdesk:visit:<id>`)
    /// signs the visitor out at the kiosk; the badge is valid until the end of the local day. Needs
    /// the permission to view visits or to sign visitors in (the kiosk prints its own badges).
    pub async fn badge_pdf(
        &self,
        actor: &Actor,
        visit_id: Uuid,
        size: BadgeSize,
    ) -> Result<Rendered> {
        if !actor.can(Permission::SignVisitors) {
            actor.require(Permission::ViewVisits)?;
        }
        let visit = self.visit_in_org(actor, visit_id).await?;
        let site = self.site(actor, visit.site_id).await?;
        let tz = site.time_zone;
        let from = visit
            .checked_in_at
            .or(visit.expected_at)
            .unwrap_or_else(Utc::now);
        let day = from.with_timezone(&tz).date_naive();
        let photo = {
            let mut conn = self.pool.acquire().await?;
            crate::kiosk::photo::of_visit(&mut conn, visit.id).await?
        };
        let until = day
            .succ_opt()
            .map(|next| crate::time::start_of_day(tz, next) - Duration::minutes(1))
            .unwrap_or(from);
        let data = docs::BadgeData {
            visitor_name: visit.visitor_name.clone(),
            company: visit.company.clone(),
            host_name: visit.host_name.clone(),
            photo,
            valid_from: from,
            valid_until: until.max(from),
            tz,
            site_name: site.name.clone(),
            logo: None,
            band_label: visit.visitor_type.clone(),
            band_colour: band_colour(&visit.visitor_type),
            qr_payload: format!("{}{}", crate::kiosk::VISIT_QR_PREFIX, visit.id),
            badge_number: visit.badge_number.clone(),
            size,
            labels: Default::default(),
        };
        docs::render_badge(&data).map_err(docs_error)
    }

    /// The daily visitor report of a site (default: this PC's site) for a local date.
    pub async fn daily_report_pdf(
        &self,
        actor: &Actor,
        site_id: Option<Uuid>,
        date: NaiveDate,
    ) -> Result<Rendered> {
        let site = match site_id {
            Some(id) => self.site(actor, id).await?,
            None => self.home_site(actor).await?,
        };
        let tz = site.time_zone;
        let visits = self
            .visits(
                actor,
                VisitQuery {
                    site_id: Some(site.id),
                    date,
                    status: None,
                },
            )
            .await?;
        let data = docs::DailyReportData {
            site_name: site.name,
            tz,
            date,
            visits: visits.iter().filter_map(visit_row).collect(),
        };
        docs::render_daily_report(&data).map_err(docs_error)
    }

    /// The visit log for `from..=to` (at most 366 days) as PDF or CSV.
    pub async fn visit_log(
        &self,
        actor: &Actor,
        site_id: Option<Uuid>,
        from: NaiveDate,
        to: NaiveDate,
        format: ExportFormat,
    ) -> Result<Rendered> {
        let period = frontdesk_rules::Period {
            start: from,
            end: to,
        };
        period.validate()?;
        let site = match site_id {
            Some(id) => self.site(actor, id).await?,
            None => self.home_site(actor).await?,
        };
        let tz = site.time_zone;
        let rows = self
            .visits_between(actor, Some(site.id), from, to, None)
            .await?
            .iter()
            .filter_map(visit_row)
            .collect();
        let data = docs::VisitLogData {
            site_name: site.name,
            tz,
            period,
            visits: rows,
        };
        match format {
            ExportFormat::Pdf => docs::render_visit_log_pdf(&data),
            ExportFormat::Csv => docs::render_visit_log_csv(&data),
            ExportFormat::Xlsx => {
                return Err(Error::validation(
                    "format",
                    "the visit log is available as PDF or CSV",
                ));
            }
        }
        .map_err(docs_error)
    }

    /// Everyone on site now, grouped by area, ready to print in one click.
    pub async fn evacuation_list_pdf(
        &self,
        actor: &Actor,
        site_id: Option<Uuid>,
    ) -> Result<Rendered> {
        let now = self.on_site(actor, site_id).await?;
        let tz = now.site.time_zone;
        let mut people: Vec<docs::EvacuationPerson> = now
            .visitors
            .iter()
            .map(|v| docs::EvacuationPerson {
                name: v.visitor_name.clone(),
                kind: if v.visitor_type.eq_ignore_ascii_case("contractor") {
                    docs::PersonKind::Contractor
                } else {
                    docs::PersonKind::Visitor
                },
                organisation: v.company.clone(),
                host_name: v.host_name.clone(),
                phone: None,
                area: None,
                since: v.checked_in_at.unwrap_or_else(Utc::now),
                photo: None,
            })
            .collect();
        people.extend(now.employees.iter().map(|e| docs::EvacuationPerson {
            name: e.name.clone(),
            kind: docs::PersonKind::Employee,
            organisation: e.department.clone(),
            host_name: None,
            phone: e.phone.clone(),
            area: None,
            since: e.since,
            photo: None,
        }));
        let data = docs::EvacuationData {
            site_name: now.site.name.clone(),
            tz,
            generated_at: Utc::now(),
            people,
        };
        docs::render_evacuation_list(&data).map_err(docs_error)
    }

    /// The evacuation list saved as a PDF in the data directory's `exports` folder, named by the
    /// site-local time (`evacuation-YYYY-MM-DD-HHMMSS.pdf`), for the window to open or print.
    pub async fn save_evacuation_list(
        &self,
        actor: &Actor,
        site_id: Option<Uuid>,
    ) -> Result<SavedDocument> {
        let (_, tz) = self.site_and_tz(actor, site_id).await?;
        let rendered = self.evacuation_list_pdf(actor, site_id).await?;
        let stamp = Utc::now().with_timezone(&tz).format("%Y-%m-%d-%H%M%S");
        let bytes = u32::try_from(rendered.bytes.len()).unwrap_or(u32::MAX);
        // Like every export: written under a temporary name and linked into place, never over
        // another file (two lists in the same second get "(2)").
        let path = files::save_new_file(
            self.data_dir.exports_dir(),
            format!("evacuation-{stamp}.pdf"),
            rendered.bytes,
        )
        .await?;
        Ok(SavedDocument {
            path: path.display().to_string(),
            bytes,
            warnings: rendered.warnings.iter().map(warning_text).collect(),
        })
    }

    /// An employee's computed timesheet for `from..=to` with their site's attendance rules (settings),
    /// the stored corrections applied and the approval that covers the period, if any.
    pub async fn timesheet(
        &self,
        actor: &Actor,
        employee_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<docs::timesheet::EmployeeTimesheet> {
        actor.require(Permission::ExportTimesheets)?;
        let period = frontdesk_rules::Period {
            start: from,
            end: to,
        };
        period.validate()?;
        let employee: Employee = self.employee(actor, employee_id).await?;
        let (site, tz) = self.employee_site(actor, employee.site_id).await?;
        let rules = self
            .settings(actor, site.id)
            .await?
            .attendance
            .to_rules(tz)?;
        let (start, end) = crate::attendance::timesheets::event_window(tz, from, to);
        let mut events: Vec<frontdesk_rules::timesheet::AttendanceEvent> = self
            .attendance(actor, employee_id, start, end)
            .await?
            .into_iter()
            .map(|e| frontdesk_rules::timesheet::AttendanceEvent {
                id: e.id.to_string(),
                at: e.at,
                direction: e.direction,
            })
            .collect();
        let corrections = self
            .corrections_for_timesheet(employee_id, start, end, &mut events)
            .await?;
        // Corrections to days outside an approved period may be newer than its approval (they are
        // allowed); the lock itself is enforced when corrections are made.
        let mut ts = frontdesk_rules::timesheet::compute_timesheet(
            &events,
            &corrections,
            &rules,
            period,
            None,
            Utc::now(),
        )?;
        ts.approval = self.approval_covering(employee_id, from, to).await?;
        Ok(docs::timesheet::EmployeeTimesheet {
            site_name: site.name,
            employee_name: employee.name,
            employee_code: Some(employee.code),
            department: employee.department,
            timesheet: ts,
        })
    }

    /// Timesheets of several employees in one document (PDF: one employee per page run).
    pub async fn timesheet_export(
        &self,
        actor: &Actor,
        employee_ids: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
        format: ExportFormat,
    ) -> Result<Rendered> {
        let mut sheets = Vec::with_capacity(employee_ids.len());
        for id in employee_ids {
            sheets.push(self.timesheet(actor, *id, from, to).await?);
        }
        tokio::task::spawn_blocking(move || match format {
            ExportFormat::Pdf => docs::timesheet::render_timesheets_pdf(&sheets),
            ExportFormat::Csv => docs::render_timesheet_csv(&sheets),
            ExportFormat::Xlsx => docs::render_timesheet_xlsx(&sheets),
        })
        .await
        .map_err(|e| Error::Internal(format!("document task: {e}")))?
        .map_err(docs_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::employees::EmployeeQuery;

    async fn demo() -> (tempfile::TempDir, Frontdesk, Actor) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let api = Frontdesk::open(dir.path())
            .await
            .unwrap_or_else(|e| panic!("open: {e}"));
        api.seed_demo()
            .await
            .unwrap_or_else(|e| panic!("demo: {e}"));
        let actor = api
            .login(crate::demo::DEMO_USERNAME, crate::demo::DEMO_PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("login: {e}"))
            .actor;
        (dir, api, actor)
    }

    #[tokio::test]
    async fn documents_render_from_demo_data() {
        let (_dir, api, actor) = demo().await;
        let on_site = api
            .on_site(&actor, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let visit = on_site
            .visitors
            .first()
            .unwrap_or_else(|| panic!("the demo has visitors on site"));
        let badge = api
            .badge_pdf(&actor, visit.id, BadgeSize::BrotherQl62x100)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(badge.bytes.starts_with(b"%PDF-"), "badge is a PDF");

        let tz = on_site.site.time_zone;
        let today = crate::time::today_in(tz);
        let report = api
            .daily_report_pdf(&actor, None, today)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(report.bytes.starts_with(b"%PDF-"));
        let log = api
            .visit_log(&actor, None, today, today, ExportFormat::Csv)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let csv = String::from_utf8_lossy(&log.bytes);
        assert!(
            csv.contains(&visit.visitor_name),
            "the visit log lists the visitor on site"
        );
        let evac = api
            .evacuation_list_pdf(&actor, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(evac.bytes.starts_with(b"%PDF-"));

        let staff = api
            .employees(
                &actor,
                EmployeeQuery {
                    search: None,
                    include_inactive: false,
                    limit: Some(5),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<Uuid> = staff.iter().map(|e| e.id).collect();
        let xlsx = api
            .timesheet_export(
                &actor,
                &ids,
                today - Duration::days(6),
                today,
                ExportFormat::Xlsx,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(xlsx.bytes.starts_with(b"PK"), "XLSX is a zip");
        let too_long = api
            .visit_log(
                &actor,
                None,
                today - Duration::days(400),
                today,
                ExportFormat::Pdf,
            )
            .await;
        assert!(
            matches!(too_long, Err(Error::Validation { .. })),
            "a 400-day log is refused"
        );
    }
}
