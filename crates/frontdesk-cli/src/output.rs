//! Printing results as aligned text tables or, with `--json`, as JSON.

use chrono_tz::Tz;
use frontdesk_core::audit::AuditEntry;
use frontdesk_core::people::employees::Employee;
use frontdesk_core::people::import::ImportReport;
use frontdesk_core::people::staff::StaffAccount;
use frontdesk_core::visits::Visit;
use frontdesk_core::visits::invites::Invite;
use frontdesk_core::visits::onsite::OnSiteNow;
use frontdesk_core::visits::visitors::VisitorSummary;
use serde::Serialize;

pub struct Output {
    pub json: bool,
}

fn or_dash(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("-")
}

/// Terminal text must not carry control sequences from stored data.
fn safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

fn table(headers: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count().min(40));
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let c: String = safe(c).chars().take(40).collect();
                format!("{c:<w$}")
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    println!("{}", line(headers.iter().map(|h| h.to_string()).collect()));
    for r in rows {
        println!("{}", line(r));
    }
}

impl Output {
    fn json<T: Serialize>(&self, value: &T) -> bool {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("error: {e}"),
            }
        }
        self.json
    }

    pub fn message<T: Serialize>(&self, value: &T, text: &str) {
        if !self.json(value) {
            println!("{}", safe(text));
        }
    }

    /// One text line per item, or `empty` when there are none.
    pub fn list<T: Serialize>(&self, value: &T, lines: &str, empty: &str) {
        self.message(value, if lines.is_empty() { empty } else { lines });
    }

    pub fn import_report(&self, r: &ImportReport) {
        if self.json(r) {
            return;
        }
        println!(
            "{} created, {} updated, {} rejected",
            r.created,
            r.updated,
            r.rejected.len()
        );
        if !r.ignored_columns.is_empty() {
            println!("ignored columns: {}", safe(&r.ignored_columns.join(", ")));
        }
        for row in &r.rejected {
            for p in &row.problems {
                println!("line {}: {}: {}", row.line, p.field, safe(&p.message));
            }
        }
    }

    pub fn employees(&self, list: &[Employee]) {
        if self.json(&list) {
            return;
        }
        table(
            &["CODE", "NAME", "DEPARTMENT", "EMAIL", "ACTIVE"],
            list.iter()
                .map(|e| {
                    vec![
                        e.code.clone(),
                        e.name.clone(),
                        or_dash(&e.department).into(),
                        or_dash(&e.email).into(),
                        if e.active { "yes" } else { "no" }.into(),
                    ]
                })
                .collect(),
        );
    }

    pub fn staff(&self, list: &[StaffAccount]) {
        if self.json(&list) {
            return;
        }
        table(
            &[
                "USERNAME",
                "NAME",
                "ROLE",
                "ACTIVE",
                "KIOSK PIN",
                "LAST SIGN-IN",
            ],
            list.iter()
                .map(|a| {
                    vec![
                        a.username.clone(),
                        a.display_name.clone(),
                        a.role.as_str().replace('_', " "),
                        if a.active { "yes" } else { "no" }.into(),
                        if a.has_kiosk_pin { "set" } else { "-" }.into(),
                        a.last_login_at
                            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                            .unwrap_or_else(|| "never".into()),
                    ]
                })
                .collect(),
        );
    }

    pub fn visit(&self, v: &Visit, what: &str) {
        if !self.json(v) {
            println!(
                "{what}: {} ({}) badge {} visit {}",
                safe(&v.visitor_name),
                safe(or_dash(&v.company)),
                or_dash(&v.badge_number),
                v.id
            );
        }
    }

    pub fn visits(&self, list: &[Visit], tz: Tz) {
        if self.json(&list) {
            return;
        }
        let t = |d: Option<chrono::DateTime<chrono::Utc>>| {
            d.map(|d| d.with_timezone(&tz).format("%H:%M").to_string())
                .unwrap_or_else(|| "-".into())
        };
        table(
            &[
                "IN", "OUT", "BADGE", "VISITOR", "COMPANY", "HOST", "STATUS", "VISIT ID",
            ],
            list.iter()
                .map(|v| {
                    vec![
                        t(v.checked_in_at.or(v.expected_at)),
                        t(v.checked_out_at),
                        or_dash(&v.badge_number).into(),
                        v.visitor_name.clone(),
                        or_dash(&v.company).into(),
                        or_dash(&v.host_name).into(),
                        v.status.as_str().into(),
                        v.id.to_string(),
                    ]
                })
                .collect(),
        );
    }

    pub fn on_site(&self, now: &OnSiteNow) {
        if self.json(now) {
            return;
        }
        let tz: Tz = now.site.time_zone;
        println!(
            "{}: {} visitors, {} employees on site",
            safe(&now.site.name),
            now.visitors.len(),
            now.employees.len()
        );
        if !now.visitors.is_empty() {
            println!();
            self.visits(&now.visitors, tz);
        }
        if !now.employees.is_empty() {
            println!();
            table(
                &["SINCE", "EMPLOYEE", "DEPARTMENT"],
                now.employees
                    .iter()
                    .map(|e| {
                        vec![
                            e.since.with_timezone(&tz).format("%H:%M").to_string(),
                            e.name.clone(),
                            or_dash(&e.department).into(),
                        ]
                    })
                    .collect(),
            );
        }
    }

    pub fn visitors(&self, list: &[VisitorSummary]) {
        if self.json(&list) {
            return;
        }
        table(
            &["NAME", "COMPANY", "EMAIL", "PHONE", "LAST VISIT"],
            list.iter()
                .map(|v| {
                    vec![
                        v.name.clone(),
                        or_dash(&v.company).into(),
                        or_dash(&v.email).into(),
                        or_dash(&v.phone).into(),
                        v.last_visit_at
                            .map(|t| t.format("%Y-%m-%d").to_string())
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect(),
        );
    }

    /// Invitations with their window in the site's zone and the text of their QR code.
    pub fn invites(&self, list: &[Invite], tz: Tz) {
        if self.json(&list) {
            return;
        }
        let local =
            |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M");
        table(
            &[
                "ID",
                "VISITOR",
                "HOST",
                "VALID FROM",
                "UNTIL",
                "STATUS",
                "QR",
            ],
            list.iter()
                .map(|i| {
                    vec![
                        i.id.to_string(),
                        i.visitor_name.clone(),
                        or_dash(&i.host_name).into(),
                        local(i.valid_from).to_string(),
                        local(i.valid_until).to_string(),
                        format!("{:?}", i.status).to_lowercase(),
                        i.qr_payload.clone(),
                    ]
                })
                .collect(),
        );
    }

    pub fn audit(&self, list: &[AuditEntry]) {
        if self.json(&list) {
            return;
        }
        table(
            &["AT (UTC)", "ACTOR", "ACTION", "DETAILS"],
            list.iter()
                .map(|e| {
                    vec![
                        e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        e.actor_name.clone(),
                        e.action.clone(),
                        e.details.to_string(),
                    ]
                })
                .collect(),
        );
    }

    pub fn enrolment(
        &self,
        r: &frontdesk_core::faces::EnrolmentReport,
        photos: &[std::path::PathBuf],
    ) {
        if self.json(r) {
            return;
        }
        if r.stored {
            println!("Enrolled with {} photo(s)", r.accepted);
        }
        for p in &r.rejected {
            let name = photos
                .get(p.image as usize)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            println!("skipped {}: {}", safe(&name), safe(&p.reason));
        }
        for w in &r.warnings {
            println!("warning: {}", safe(w));
        }
    }

    pub fn clock(
        &self,
        result: &frontdesk_core::faces::FaceResult,
        clocked: Option<&frontdesk_core::attendance::clock::ClockResult>,
    ) {
        use frontdesk_core::faces::FaceResult;
        if self.json(&serde_json::json!({ "result": result, "clocked": clocked })) {
            return;
        }
        match (result, clocked) {
            (FaceResult::Match { name, .. }, Some(c)) => {
                let e = &c.event;
                let repeat = if c.repeated {
                    " (a repeat: not recorded again)"
                } else {
                    ""
                };
                println!(
                    "{} {} at {}{repeat}",
                    safe(name),
                    e.direction.as_str(),
                    e.at.format("%H:%M UTC")
                )
            }
            (FaceResult::Match { name, .. }, None) => println!("{}", safe(name)),
            (FaceResult::Unknown, _) => println!("Unknown face: not clocked (sent for review)"),
            (FaceResult::Rejected { reason }, _) => println!("No usable face: {}", safe(reason)),
            (FaceResult::PossibleSpoof { live }, _) => println!(
                "Looks like a photo or a screen (live score {live:.2}): not clocked (sent for review)"
            ),
        }
    }
}
