//! A demo database, for trying Frontdesk without setting anything up: one site, a directory of
//! employees, a few visitors on site and some clocked-in staff today, and a month of history
//! ([`history`]) so every screen and report has something to show.

mod history;

use crate::Frontdesk;
use crate::attendance::{AttendanceSource, Direction};
use crate::error::Result;
use crate::people::employees::EmployeeInput;
use crate::site::InitRequest;
use crate::visits::visitors::VisitorDetails;
use crate::visits::{SignInRequest, SignOutMethod};

/// Username of the demo database's administrator.
pub const DEMO_USERNAME: &str = "admin";
/// Demo databases only; a real set-up chooses its own password at `init`.
pub const DEMO_PASSWORD: &str = "frontdesk-demo";

const EMPLOYEES: &[(&str, &str, &str, &str)] = &[
    ("1001", "Amelia Hart", "Reception", "Office Manager"),
    ("1002", "Björn Lindqvist", "Engineering", "Engineering Lead"),
    ("1003", "Chiara Russo", "Engineering", "Developer"),
    ("1004", "Dmitri Volkov", "Engineering", "Developer"),
    ("1005", "Emeka Okafor", "Sales", "Account Executive"),
    ("1006", "Fatima Al-Sayed", "Sales", "Sales Director"),
    ("1007", "Grace Kim", "Finance", "Accountant"),
    ("1008", "Hiroshi Tanaka", "Operations", "Facilities"),
    ("1009", "Isabel García", "People", "HR Partner"),
    ("1010", "Jonas Weber", "Operations", "Security"),
];

const VISITORS: &[(&str, &str, &str, usize)] = &[
    ("Priya Shah", "Northwind Traders", "Quarterly review", 5),
    ("Tom O'Neill", "Contoso Ltd", "Interview", 8),
    ("Léa Dubois", "Fabrikam", "Delivery", 7),
    ("Noah Cohen", "Tailspin Toys", "Contractor induction", 1),
];

impl Frontdesk {
    /// Sets up a demo database; fails if the database is already set up.
    pub async fn seed_demo(&self) -> Result<()> {
        self.init(InitRequest {
            organisation: "Demo Company".into(),
            site_name: "Head Office".into(),
            time_zone: "Europe/London".into(),
            admin_username: DEMO_USERNAME.into(),
            admin_display_name: "Demo Admin".into(),
            admin_password: DEMO_PASSWORD.into(),
        })
        .await?;
        let admin = self.login(DEMO_USERNAME, DEMO_PASSWORD).await?.actor;
        let mut ids = Vec::new();
        for (code, name, dept, title) in EMPLOYEES {
            let first = name
                .split_whitespace()
                .next()
                .unwrap_or(name)
                .to_lowercase();
            let e = self
                .create_employee(
                    &admin,
                    EmployeeInput {
                        code: (*code).into(),
                        name: (*name).into(),
                        email: Some(format!("{}@demo.example", crate::text::fold(&first))),
                        department: Some((*dept).into()),
                        title: Some((*title).into()),
                        manager_code: (*code != "1001").then(|| "1001".into()),
                        ..Default::default()
                    },
                )
                .await?;
            ids.push(e.id);
        }
        let site = self.home_site(&admin).await?;
        self.seed_demo_history(&admin, site.id, site.time_zone, &ids)
            .await?;
        for (i, id) in ids.iter().enumerate().take(6) {
            // As the clock-in station records them: face events with their confidence, PIN events.
            let (source, confidence) = match i % 2 {
                0 => (AttendanceSource::Face, Some(0.9)),
                _ => (AttendanceSource::Pin, None),
            };
            self.record_event(
                &admin,
                *id,
                Some(Direction::In),
                source,
                confidence,
                None,
                None,
            )
            .await?;
        }
        for (name, company, purpose, host) in VISITORS {
            self.sign_in_visitor(
                &admin,
                SignInRequest {
                    visitor: VisitorDetails {
                        name: (*name).into(),
                        company: Some((*company).into()),
                        ..Default::default()
                    },
                    host_employee_id: ids.get(*host).copied(),
                    purpose: Some((*purpose).into()),
                    ..Default::default()
                },
            )
            .await?;
        }
        let left = self
            .sign_in_visitor(
                &admin,
                SignInRequest {
                    visitor: VisitorDetails {
                        name: "Marta Nowak".into(),
                        company: Some("Wide World Importers".into()),
                        ..Default::default()
                    },
                    host_employee_id: ids.first().copied(),
                    purpose: Some("Meeting".into()),
                    ..Default::default()
                },
            )
            .await?;
        self.sign_out_visit(&admin, left.id, SignOutMethod::Desk)
            .await?;
        Ok(())
    }
}
