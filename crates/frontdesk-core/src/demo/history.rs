//! The demo database's past month, so every screen, report and export shows real content on first
//! launch: visitors on weekdays (busier mid-morning and early afternoon, some returning, deliveries
//! short, the odd one signed out automatically at the end of the day), employees clocking in and
//! out (the odd missing OUT, the odd long day), a face waiting in review and an invitation for
//! tomorrow. Deterministic: the same database every time.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::error::Result;
use crate::people::auth::Actor;
use crate::time::{local_instant, to_ms, today_in};
use crate::visits::invites::NewInvite;
use crate::visits::visitors::{ValidVisitor, VisitorDetails, upsert};
use crate::{Frontdesk, audit, new_id, store};

/// Weekdays of history before today.
const DAYS: i64 = 30;

const PEOPLE: &[(&str, &str)] = &[
    ("Olivia Brown", "Northwind Traders"),
    ("Mateo Rossi", "Contoso Ltd"),
    ("Aisha Khan", "Fabrikam"),
    ("Lukas Schmidt", "Tailspin Toys"),
    ("Sofia Martins", "Wide World Importers"),
    ("Kenji Sato", "Litware"),
    ("Chloé Bernard", "Adventure Works"),
    ("Daniel Okoro", "Proseware"),
    ("Hannah Levy", "Woodgrove Bank"),
    ("Ivan Petrov", "Fourth Coffee"),
    ("Mia Andersson", "Blue Yonder Airlines"),
    ("Omar Haddad", "Coho Winery"),
    ("Yuki Tanaka", "Lucerne Publishing"),
    ("Sean Murphy", "Alpine Ski House"),
    ("Ana Costa", "Margie's Travel"),
    ("Ravi Iyer", "Trey Research"),
    ("Emma Wilson", "Northwind Traders"),
    ("Pierre Laurent", "Fabrikam"),
    ("Zainab Bello", "Contoso Ltd"),
    ("Jakub Nowak", "Litware"),
];

const PURPOSES: &[(&str, &str, u32, u32)] = &[
    // purpose, badge band, shortest and longest stay in minutes
    ("Meeting", "visitor", 30, 150),
    ("Interview", "visitor", 45, 90),
    ("Quarterly review", "visitor", 60, 180),
    ("Delivery", "delivery", 5, 15),
    ("Maintenance", "contractor", 60, 240),
    ("Contractor induction", "contractor", 90, 180),
];

/// A small deterministic generator (xorshift64*), enough for demo data.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `lo..=hi`.
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }
    fn chance(&mut self, percent: u32) -> bool {
        self.between(1, 100) <= percent
    }
}

fn at(tz: Tz, day: NaiveDate, minutes: u32) -> i64 {
    let time = NaiveTime::from_hms_opt(minutes / 60 % 24, minutes % 60, 0).unwrap_or_default();
    to_ms(local_instant(tz, day.and_time(time)))
}

impl Frontdesk {
    /// Writes the demo's past month (see the module docs) in one transaction, audited once as
    /// `demo.history` with its counts.
    pub(crate) async fn seed_demo_history(
        &self,
        admin: &Actor,
        site_id: Uuid,
        tz: Tz,
        employees: &[Uuid],
    ) -> Result<()> {
        let mut dice = Dice(0x5EED_F00D_D15C_0BA1);
        let today = today_in(tz);
        let days: Vec<NaiveDate> = (1..=DAYS * 7 / 5 + 2)
            .filter_map(|n| today.checked_sub_signed(Duration::days(n)))
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .take(DAYS as usize)
            .collect();
        let mut tx = store::db::begin_immediate(&self.pool).await?;
        let mut known: Vec<Option<Uuid>> = vec![None; PEOPLE.len()];
        let (mut visits, mut events) = (0u32, 0u32);
        for day in days.iter().rev() {
            // Visitors: 5 to 14 a day, Mondays and Fridays quieter.
            let busy = if matches!(day.weekday(), Weekday::Mon | Weekday::Fri) {
                9
            } else {
                14
            };
            let count = dice.between(5, busy);
            let mut arrivals: Vec<u32> = (0..count)
                .map(|_| {
                    // Mid-morning and early-afternoon peaks.
                    let peak = if dice.chance(55) {
                        9 * 60 + 30
                    } else {
                        13 * 60 + 45
                    };
                    peak + dice.between(0, 150) - 75
                })
                .collect();
            arrivals.sort_unstable();
            let mut came_today = vec![false; PEOPLE.len()];
            for (n, arrival) in arrivals.into_iter().enumerate() {
                // Nobody visits twice in a day: the next person not seen yet.
                let mut who = dice.between(0, PEOPLE.len() as u32 - 1) as usize;
                while came_today[who] {
                    who = (who + 1) % PEOPLE.len();
                }
                came_today[who] = true;
                let (name, company) = PEOPLE[who];
                let (purpose, band, shortest, longest) =
                    PURPOSES[dice.between(0, PURPOSES.len() as u32 - 1) as usize];
                let host = employees[dice.between(0, employees.len() as u32 - 1) as usize];
                let details = ValidVisitor {
                    name: name.into(),
                    company: Some(company.into()),
                    email: None,
                    phone: None,
                };
                let visitor =
                    upsert(&mut tx, admin.organisation_id, known[who], &details, true).await?;
                known[who] = Some(visitor);
                let signed_in = at(tz, *day, arrival);
                // One in twenty forgets to sign out: the end-of-day sign-out catches them.
                let (out, by) = if dice.chance(5) {
                    (at(tz, *day, 23 * 60), "auto")
                } else {
                    let stay = dice.between(shortest, longest);
                    (at(tz, *day, arrival + stay), "desk")
                };
                sqlx::query(
                    "INSERT INTO visits (id, site_id, visitor_id, visitor_name, visitor_company, host_employee_id,
                        purpose, visitor_type, checked_in_at, checked_out_at, starts_at, status, badge_number,
                        source, signed_out_by, device_id, created_by, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'checked_out', ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(new_id())
                .bind(site_id)
                .bind(visitor)
                .bind(name)
                .bind(company)
                .bind(host)
                .bind(purpose)
                .bind(band)
                .bind(signed_in)
                .bind(out)
                .bind(signed_in)
                .bind(format!("V{:04}", n + 1))
                .bind(if dice.chance(60) { "kiosk" } else { "desk" })
                .bind(by)
                .bind(self.device_id)
                .bind(admin.staff_id())
                .bind(signed_in)
                .bind(out)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE visitors SET last_visit_at = MAX(COALESCE(last_visit_at, 0), ?) WHERE id = ?")
                    .bind(signed_in)
                    .bind(visitor)
                    .execute(&mut *tx)
                    .await?;
                visits += 1;
            }
            // Employees: most days in around 08:30 and out after about 8 hours; the odd day off,
            // the odd missing OUT and the odd long day.
            for (i, employee) in employees.iter().enumerate() {
                if dice.chance(8) {
                    continue;
                }
                let start = 8 * 60 + dice.between(0, 75);
                let long = dice.chance(7);
                let hours = if long {
                    dice.between(10 * 60, 11 * 60 + 30)
                } else {
                    dice.between(7 * 60 + 30, 8 * 60 + 45)
                };
                let source = if i % 3 == 0 { "pin" } else { "face" };
                let punch =
                    |direction: &'static str, minutes: u32| (direction, at(tz, *day, minutes));
                let mut list = vec![punch("IN", start)];
                if !dice.chance(4) {
                    list.push(punch("OUT", start + hours));
                }
                for (direction, when) in list {
                    sqlx::query(
                        "INSERT INTO attendance_events (id, employee_id, site_id, direction, at, source, confidence,
                            device_id, created_at)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(new_id())
                    .bind(employee)
                    .bind(site_id)
                    .bind(direction)
                    .bind(when)
                    .bind(source)
                    .bind((source == "face").then_some(0.86_f64))
                    .bind(self.device_id)
                    .bind(when)
                    .execute(&mut *tx)
                    .await?;
                    events += 1;
                }
            }
        }
        // A face the clock-in camera did not know yesterday, waiting for the desk.
        let yesterday = days.first().copied().unwrap_or(today);
        sqlx::query(
            "INSERT INTO review_events (id, site_id, kind, distance, note, device_id, created_at)
             VALUES (?, ?, 'unknown_face', 0.74, 'demo: nobody enrolled looked like this', ?, ?)",
        )
        .bind(new_id())
        .bind(site_id)
        .bind(self.device_id)
        .bind(at(tz, yesterday, 8 * 60 + 52))
        .execute(&mut *tx)
        .await?;
        let details = serde_json::json!({ "visits": visits, "attendance_events": events, "days": days.len() });
        audit::record(
            &mut tx,
            admin,
            "demo.history",
            "site",
            Some(site_id),
            details,
        )
        .await?;
        tx.commit().await?;

        // An invitation for tomorrow morning, through the real path.
        let tomorrow = today.succ_opt().unwrap_or(today);
        self.create_invite(
            admin,
            NewInvite {
                site_id: Some(site_id),
                visitor: VisitorDetails {
                    name: "Kiri Walker".into(),
                    company: Some("Lucerne Publishing".into()),
                    email: Some("kiri.walker@lucerne.example".into()),
                    phone: None,
                },
                host_employee_id: employees.get(5).copied(),
                purpose: Some("Contract signing".into()),
                date: Some(tomorrow),
                from: NaiveTime::from_hms_opt(10, 0, 0),
                until: NaiveTime::from_hms_opt(11, 30, 0),
            },
        )
        .await?;
        Ok(())
    }
}
