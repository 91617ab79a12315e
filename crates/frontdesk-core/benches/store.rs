//! Ten years of a busy site, then the reads and writes the desk does all day.
//!
//! `cargo bench -p frontdesk-core --bench store` (release). Generates ~3.6 M visits, ~1 M visitors,
//! 2 k employees and ~5 M attendance events into a real SQLite file (kept in
//! `FRONTDESK_BENCH_DIR`, default `target/frontdesk-bench`, and reused on the next run), then
//! prints p50/p95 of: a day's visit list, on-site now, visitor prefix search and a sign-in commit.
//! Scale with `FRONTDESK_BENCH_SCALE` (1.0 = full size).

use std::time::{Duration, Instant};

use chrono::{Duration as Days, TimeZone, Utc};
use chrono_tz::Tz;
use frontdesk_core::Frontdesk;
use frontdesk_core::site::InitRequest;
use frontdesk_core::visits::visitors::VisitorDetails;
use frontdesk_core::visits::{SignInRequest, SignOutMethod, VisitQuery};
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

const SEED: u64 = 0x5eed_f00d;
const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Mohammed",
    "Fatima",
    "Wei",
    "Yan",
    "Aarav",
    "Priya",
    "Olga",
    "Ivan",
    "Sofia",
    "Lucas",
    "Zoë",
    "Łukasz",
    "Chloé",
    "Jürgen",
    "Ana",
    "João",
    "Hiroshi",
    "Yuki",
    "Noah",
    "Emma",
    "Liam",
    "Olivia",
    "Mateo",
    "Amara",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Kowalski",
    "Novak",
    "Müller",
    "Schmidt",
    "Dubois",
    "Rossi",
    "Tanaka",
    "Kim",
    "Chen",
    "Wang",
    "Singh",
    "Patel",
    "Okafor",
];
const COMPANIES: &[&str] = &[
    "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Acme", "Contoso",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// A UUID v7 for a past instant, so ids sort like the real ones would.
fn id_at(ms: i64, rng: &mut Rng) -> Uuid {
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&(ms as u64).to_be_bytes()[2..]);
    b[6..14].copy_from_slice(&rng.next().to_be_bytes());
    b[14..].copy_from_slice(&rng.next().to_be_bytes()[..2]);
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    Uuid::from_bytes(b)
}

fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn pct(mut xs: Vec<Duration>, p: f64) -> f64 {
    xs.sort();
    let i = ((xs.len() as f64 - 1.0) * p).round() as usize;
    xs[i].as_secs_f64() * 1000.0
}

fn report(name: &str, xs: Vec<Duration>, target_ms: f64) {
    let (p50, p95) = (pct(xs.clone(), 0.50), pct(xs, 0.95));
    let verdict = if p95 < target_ms { "ok" } else { "OVER TARGET" };
    println!(
        "{name:<28} p50 {p50:>8.3} ms   p95 {p95:>8.3} ms   (target p95 < {target_ms} ms: {verdict})"
    );
}

async fn bulk<F>(
    api: &Frontdesk,
    table_cols: &str,
    rows: usize,
    per_stmt: usize,
    mut push: F,
) -> anyhow::Result<()>
where
    F: FnMut(usize, &mut sqlx::query_builder::Separated<'_, Sqlite, &'static str>),
{
    let mut tx = api.pool().begin().await?;
    let mut done = 0;
    while done < rows {
        let n = per_stmt.min(rows - done);
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!("INSERT INTO {table_cols} "));
        qb.push_values(done..done + n, |mut b, i| push(i, &mut b));
        qb.build().execute(&mut *tx).await?;
        done += n;
        if done % 500_000 < n {
            tx.commit().await?;
            tx = api.pool().begin().await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let scale: f64 = std::env::var("FRONTDESK_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let days = (3650.0 * scale).max(30.0) as i64;
    let visits_per_day = 986usize;
    let n_employees = 2000usize;
    let events_per_day = 1370usize; // ~5 M over ten years
    let n_visitors = (1_000_000.0 * scale).max(10_000.0) as usize;
    let dir = std::env::var("FRONTDESK_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/frontdesk-bench")
        });
    let dir = dir.join(format!("scale-{scale}"));
    let fresh = !dir.join("frontdesk.db").exists();
    std::fs::create_dir_all(&dir)?;
    println!("seed {SEED:#x}; database {}", dir.display());
    let api = Frontdesk::open(&dir).await?;
    let tz: Tz = "Europe/London"
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let first_day = today - Days::days(days);
    if fresh {
        let t0 = Instant::now();
        api.init(InitRequest {
            organisation: "Bench Org".into(),
            site_name: "Busy Site".into(),
            time_zone: tz.name().into(),
            admin_username: "admin".into(),
            admin_display_name: "Admin".into(),
            admin_password: "bench-password".into(),
        })
        .await?;
        let org: Uuid = sqlx::query_scalar("SELECT id FROM organisations")
            .fetch_one(api.pool())
            .await?;
        let site: Uuid = sqlx::query_scalar("SELECT id FROM sites")
            .fetch_one(api.pool())
            .await?;
        let mut rng = Rng(SEED);
        let now_ms = Utc::now().timestamp_millis();
        let start_ms = tz
            .from_local_datetime(&first_day.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map_or(0, |t| t.timestamp_millis());

        let employees: Vec<Uuid> = (0..n_employees)
            .map(|_| id_at(start_ms, &mut rng))
            .collect();
        let names: Vec<String> = (0..n_employees)
            .map(|_| format!("{} {}", rng.pick(FIRST), rng.pick(LAST)))
            .collect();
        bulk(
            &api,
            "employees (id, organisation_id, site_id, code, name, active, created_at, updated_at)",
            n_employees,
            500,
            |i, b| {
                b.push_bind(employees[i])
                    .push_bind(org)
                    .push_bind(site)
                    .push_bind(format!("E{i:05}"))
                    .push_bind(names[i].clone())
                    .push_bind(1)
                    .push_bind(start_ms)
                    .push_bind(start_ms);
            },
        )
        .await?;

        let visitors: Vec<Uuid> = (0..n_visitors).map(|_| id_at(start_ms, &mut rng)).collect();
        let vnames: Vec<(String, String)> = (0..n_visitors)
            .map(|i| {
                (
                    format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                    format!("v{i}@{}.example", rng.pick(COMPANIES).to_lowercase()),
                )
            })
            .collect();
        bulk(
            &api,
            "visitors (id, organisation_id, name, company, email, created_at, updated_at)",
            n_visitors,
            1000,
            |i, b| {
                b.push_bind(visitors[i])
                    .push_bind(org)
                    .push_bind(vnames[i].0.clone())
                    .push_bind(COMPANIES[i % COMPANIES.len()])
                    .push_bind(vnames[i].1.clone())
                    .push_bind(start_ms)
                    .push_bind(start_ms);
            },
        )
        .await?;
        let mut terms = Vec::with_capacity(n_visitors * 4);
        for (i, (name, email)) in vnames.iter().enumerate() {
            let f = fold(name);
            for w in f
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                terms.push((w.to_string(), i));
            }
            terms.push((f.clone(), i));
            terms.push((email.clone(), i));
        }
        terms.sort();
        terms.dedup();
        bulk(
            &api,
            "visitor_terms (term, visitor_id)",
            terms.len(),
            2000,
            |i, b| {
                b.push_bind(terms[i].0.clone())
                    .push_bind(visitors[terms[i].1]);
            },
        )
        .await?;
        drop(terms);
        println!(
            "generated directory and {n_visitors} visitors in {:.1} s",
            t0.elapsed().as_secs_f64()
        );

        let total_visits = days as usize * visits_per_day;
        let mut day_rng = Rng(SEED ^ 1);
        bulk(&api, "visits (id, site_id, visitor_id, visitor_name, visitor_company, host_employee_id, purpose, visitor_type, checked_in_at, checked_out_at, starts_at, status, badge_number, source, created_at, updated_at)", total_visits, 800, |i, b| {
            let day = (i / visits_per_day) as i64;
            let minute = 7 * 60 + day_rng.below(11 * 60) as i64;
            let t_in = start_ms + day * 86_400_000 + minute * 60_000;
            let t_out = t_in + (20 + day_rng.below(240) as i64) * 60_000;
            let (status, out) = if t_out > now_ms { ("checked_in", None) } else { ("checked_out", Some(t_out)) };
            let rid = id_at(t_in, &mut day_rng);
            let who = day_rng.below(n_visitors as u64) as usize;
            b.push_bind(rid)
                .push_bind(site)
                .push_bind(visitors[who])
                .push_bind(vnames[who].0.clone())
                .push_bind(COMPANIES[who % COMPANIES.len()])
                .push_bind(employees[day_rng.below(n_employees as u64) as usize])
                .push_bind("Meeting")
                .push_bind("visitor")
                .push_bind(t_in)
                .push_bind(out)
                .push_bind(t_in)
                .push_bind(status)
                .push_bind(format!("V{:04}", i % visits_per_day + 1))
                .push_bind("desk")
                .push_bind(t_in)
                .push_bind(t_in);
        })
        .await?;
        println!(
            "generated {total_visits} visits after {:.1} s",
            t0.elapsed().as_secs_f64()
        );

        let total_events = days as usize * events_per_day;
        let mut ev_rng = Rng(SEED ^ 2);
        bulk(&api, "attendance_events (id, employee_id, site_id, direction, at, source, confidence, created_at)", total_events, 800, |i, b| {
            let day = (i / events_per_day) as i64;
            let k = i % events_per_day;
            let emp = (k / 2 + (day as usize * 7)) % n_employees;
            let (dir, minute) = if k.is_multiple_of(2) { ("IN", 8 * 60 + ev_rng.below(90) as i64) } else { ("OUT", 16 * 60 + ev_rng.below(150) as i64) };
            let at = (start_ms + day * 86_400_000 + minute * 60_000).min(now_ms - 1000);
            b.push_bind(id_at(at, &mut ev_rng)).push_bind(employees[emp]).push_bind(site).push_bind(dir).push_bind(at).push_bind("face").push_bind(0.9_f32).push_bind(at);
        })
        .await?;
        sqlx::query("UPDATE change_log SET synced_at = at WHERE synced_at IS NULL")
            .execute(api.pool())
            .await?;
        sqlx::query("PRAGMA optimize").execute(api.pool()).await?;
        sqlx::query("ANALYZE").execute(api.pool()).await?;
        println!(
            "generated {total_events} attendance events; total {:.1} s",
            t0.elapsed().as_secs_f64()
        );
    }
    let counts: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM visits), (SELECT COUNT(*) FROM visitors), (SELECT COUNT(*) FROM employees), (SELECT COUNT(*) FROM attendance_events)",
    )
    .fetch_one(api.pool())
    .await?;
    println!(
        "rows: {} visits, {} visitors, {} employees, {} attendance events",
        counts.0, counts.1, counts.2, counts.3
    );
    let size = std::fs::metadata(dir.join("frontdesk.db"))?.len();
    println!("database file {:.2} GiB", size as f64 / (1u64 << 30) as f64);

    let admin = api.login("admin", "bench-password").await?.actor;
    let iters = 300;
    let mut rng = Rng(SEED ^ 3);

    let mut xs = Vec::new();
    let mut rows = 0;
    for _ in 0..iters {
        let d = first_day + Days::days(rng.below(days as u64) as i64);
        let t = Instant::now();
        rows += api
            .visits(
                &admin,
                VisitQuery {
                    site_id: None,
                    date: d,
                    status: None,
                },
            )
            .await?
            .len();
        xs.push(t.elapsed());
    }
    println!("(a day's list averages {} visits)", rows / iters);
    report("day's visit list", xs, 20.0);

    let mut xs = Vec::new();
    for _ in 0..iters {
        let t = Instant::now();
        let now = api.on_site(&admin, None).await?;
        xs.push(t.elapsed());
        std::hint::black_box(now.visitors.len() + now.employees.len());
    }
    report("on-site now", xs, 20.0);

    let mut xs = Vec::new();
    let mut hits = 0;
    for i in 0..iters {
        let name = fold(if i % 2 == 0 {
            rng.pick(FIRST)
        } else {
            rng.pick(LAST)
        });
        let len = 3 + (i % 3);
        let q: String = name.chars().take(len).collect();
        let t = Instant::now();
        hits += api.search_visitors(&admin, &q).await?.len();
        xs.push(t.elapsed());
    }
    println!("(a search returns {} visitors on average)", hits / iters);
    report("visitor prefix search", xs, 20.0);

    let mut xs = Vec::new();
    let mut ids = Vec::new();
    for i in 0..iters {
        let req = SignInRequest {
            visitor: VisitorDetails {
                name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                company: Some("Bench Ltd".into()),
                email: Some(format!("bench{i}-{}@bench.example", rng.next() % 1_000_000)),
                phone: None,
            },
            purpose: Some("Benchmark".into()),
            ..Default::default()
        };
        let t = Instant::now();
        let v = api.sign_in_visitor(&admin, req).await?;
        xs.push(t.elapsed());
        ids.push(v.id);
    }
    report("sign-in commit", xs, 5.0);
    for id in ids {
        api.sign_out_visit(&admin, id, SignOutMethod::Desk).await?;
    }
    api.close().await;
    Ok(())
}
