//! On-demand exports: what to export ([`ExportRequest`]), rendering it with its file name, and
//! saving it (audited) in the data directory's exports folder.

use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use super::{ExportFormat, ExportKind, check_format, permission_for};
use crate::documents::docs;
use crate::documents::files::{self, SavedDocument};
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use crate::time::to_ms;
use crate::{Frontdesk, audit, text};

/// A document to export now.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportRequest {
    /// Which document to export; decides the permission needed.
    pub kind: ExportKind,
    /// File format; refused with a validation error where the kind does not exist in it.
    pub format: ExportFormat,
    /// Default: this PC's site.
    #[serde(default)]
    pub site_id: Option<Uuid>,
    /// First day (site-local). A daily report covers this day only.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Timesheets: only this department.
    #[serde(default)]
    pub department: Option<String>,
    /// Timesheets: only these employees (default: every active employee of the site).
    #[serde(default)]
    pub employee_ids: Vec<Uuid>,
}

/// A document rendered for export, with the name it is saved under.
pub(crate) struct Export {
    pub(crate) rendered: docs::Rendered,
    pub(crate) file_name: String,
    employees: usize,
    /// What staff should know about the export beyond the renderer's warnings (e.g. that it holds
    /// more people than the directory lists).
    notes: Vec<String>,
}

impl Export {
    /// The renderer's warnings and the export's notes, as staff read them.
    pub(crate) fn warnings(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .rendered
            .warnings
            .iter()
            .map(crate::documents::warning_text)
            .collect();
        all.extend(self.notes.iter().cloned());
        all
    }
}

/// One employee a site's timesheet export covers.
struct RosterEntry {
    id: Uuid,
    active: bool,
}

impl Frontdesk {
    /// Everyone a site's payroll export must cover, by name: every employee of the site who is
    /// active or clocked during the period (someone who left mid-period is still paid for the days
    /// worked). No page limit: payroll must never lose people to a directory's page size.
    async fn payroll_roster(
        &self,
        actor: &Actor,
        site_id: Uuid,
        tz: chrono_tz::Tz,
        period: frontdesk_rules::Period,
        department: Option<&str>,
    ) -> Result<Vec<RosterEntry>> {
        actor.require(Permission::ExportTimesheets)?;
        let home = self.home_site(actor).await?;
        let start = crate::time::start_of_day(tz, period.start);
        let end = period
            .end
            .succ_opt()
            .map_or(start, |d| crate::time::start_of_day(tz, d));
        let rows = sqlx::query(
            "SELECT e.id, e.department, e.active FROM employees e
             WHERE e.organisation_id = ?1 AND COALESCE(e.site_id, ?2) = ?3
               AND (e.active = 1 OR EXISTS (SELECT 1 FROM attendance_events a
                    WHERE a.employee_id = e.id AND a.at >= ?4 AND a.at < ?5))
             ORDER BY e.name COLLATE NOCASE, e.code",
        )
        .bind(actor.organisation_id)
        .bind(home.id)
        .bind(site_id)
        .bind(to_ms(start))
        .bind(to_ms(end))
        .fetch_all(&self.pool)
        .await?;
        let wanted = department.map(text::fold);
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let dept: Option<String> = r.try_get("department")?;
            if let Some(w) = &wanted
                && dept.as_deref().map(text::fold).as_ref() != Some(w)
            {
                continue;
            }
            out.push(RosterEntry {
                id: r.try_get("id")?,
                active: r.try_get("active")?,
            });
        }
        Ok(out)
    }

    /// Renders an export (roles apply: timesheets need the export permission, visit reports the
    /// visit permission) and names its file.
    pub(crate) async fn render_export(&self, actor: &Actor, req: &ExportRequest) -> Result<Export> {
        actor.require(permission_for(req.kind))?;
        check_format(req.kind, req.format)?;
        let period = frontdesk_rules::Period {
            start: req.from,
            end: req.to,
        };
        period
            .validate()
            .map_err(|e| Error::validation("to", e.to_string()))?;
        let site = match req.site_id {
            Some(id) => self.site(actor, id).await?,
            None => self.home_site(actor).await?,
        };
        let ext = req.format.as_str();
        let stem = req.kind.file_stem();
        let mut notes = Vec::new();
        let (rendered, who, employees) = match req.kind {
            ExportKind::Timesheets => {
                let department = text::optional("department", req.department.as_deref(), 100)?;
                let (ids, who) = if req.employee_ids.is_empty() {
                    let tz = site.time_zone;
                    let roster = self
                        .payroll_roster(actor, site.id, tz, period, department.as_deref())
                        .await?;
                    if roster.is_empty() {
                        return Err(Error::validation(
                            "department",
                            match &department {
                                Some(d) => format!("no employee at {} in {d}", site.name),
                                None => format!("no employee at {}", site.name),
                            },
                        ));
                    }
                    let listed = roster.iter().filter(|e| e.active).count();
                    if listed != roster.len() {
                        notes.push(format!(
                            "{} employees exported; the directory lists {listed} active at {} ({} no longer active but with attendance in the period)",
                            roster.len(),
                            site.name,
                            roster.len() - listed
                        ));
                    }
                    let who = match &department {
                        Some(d) => format!("{} {d}", site.name),
                        None => site.name.clone(),
                    };
                    (roster.into_iter().map(|e| e.id).collect::<Vec<_>>(), who)
                } else {
                    let mut names = Vec::with_capacity(req.employee_ids.len());
                    for id in &req.employee_ids {
                        names.push(self.employee(actor, *id).await?.name);
                    }
                    let who = match &names[..] {
                        [one] => one.clone(),
                        _ => site.name.clone(),
                    };
                    (req.employee_ids.clone(), who)
                };
                let r = self
                    .timesheet_export(actor, &ids, req.from, req.to, req.format)
                    .await?;
                (r, who, ids.len())
            }
            ExportKind::VisitLog => {
                let r = self
                    .visit_log(actor, Some(site.id), req.from, req.to, req.format)
                    .await?;
                (r, site.name.clone(), 0)
            }
            ExportKind::DailyReport => {
                if req.from != req.to {
                    return Err(Error::validation(
                        "to",
                        "a daily report covers one day: choose the same first and last day",
                    ));
                }
                let r = self
                    .daily_report_pdf(actor, Some(site.id), req.from)
                    .await?;
                (r, site.name.clone(), 0)
            }
        };
        Ok(Export {
            rendered,
            file_name: frontdesk_rules::schedule::export_file_name(stem, period, &who, ext),
            employees,
            notes,
        })
    }

    /// Renders an export and saves it in the data directory's exports folder (audited).
    pub async fn save_export(&self, actor: &Actor, req: ExportRequest) -> Result<SavedDocument> {
        let export = self.render_export(actor, &req).await?;
        let dir = self.data_dir.exports_dir();
        let path =
            files::save_new_file(dir, export.file_name.clone(), export.rendered.bytes.clone())
                .await?;
        let audited = self.audit_saved_export(actor, &req, &export, &path).await;
        if audited.is_err() {
            // No file without its audit row.
            let _ = std::fs::remove_file(&path);
        }
        audited?;
        Ok(SavedDocument {
            path: path.display().to_string(),
            bytes: u32::try_from(export.rendered.bytes.len()).unwrap_or(u32::MAX),
            warnings: export.warnings(),
        })
    }

    async fn audit_saved_export(
        &self,
        actor: &Actor,
        req: &ExportRequest,
        export: &Export,
        path: &std::path::Path,
    ) -> Result<()> {
        let mut tx = crate::store::db::begin_immediate(&self.pool).await?;
        audit::record(
            &mut tx,
            actor,
            "export.save",
            "export",
            None,
            serde_json::json!({
                "kind": req.kind, "format": req.format,
                "from": req.from, "to": req.to, "employees": export.employees,
                "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
