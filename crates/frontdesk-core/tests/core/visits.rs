use frontdesk_core::people::employees::EmployeeInput;
use frontdesk_core::visits::visitors::VisitorDetails;
use frontdesk_core::visits::{SignInRequest, SignOutMethod, VisitQuery, VisitStatus};
use frontdesk_core::{Error, ErrorCode, Role};

use crate::fixtures::env;

fn visitor(name: &str) -> SignInRequest {
    SignInRequest {
        visitor: VisitorDetails {
            name: name.into(),
            company: Some("Globex".into()),
            email: None,
            phone: None,
        },
        purpose: Some("Meeting".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn sign_in_shows_on_site_and_in_the_day_log_then_sign_out_removes_it() {
    let env = env().await;
    let desk = env.staff("desk", Role::FrontDesk).await;
    let host = env
        .api
        .create_employee(
            &desk,
            EmployeeInput {
                code: "E7".into(),
                name: "Harriet Host".into(),
                ..Default::default()
            },
        )
        .await
        .expect("host");
    let mut req = visitor("Vera Visitor");
    req.host_employee_id = Some(host.id);
    let visit = env.api.sign_in_visitor(&desk, req).await.expect("sign in");
    assert_eq!(visit.status, VisitStatus::CheckedIn);
    assert_eq!(visit.host_name.as_deref(), Some("Harriet Host"));
    assert_eq!(
        visit.badge_number.as_deref(),
        Some("V0001"),
        "first badge of the day"
    );
    assert_eq!(visit.source, "desk");

    let second = env
        .api
        .sign_in_visitor(&desk, visitor("Walt Walker"))
        .await
        .expect("second");
    assert_eq!(second.badge_number.as_deref(), Some("V0002"));

    let onsite = env.api.on_site(&desk, None).await.expect("on site");
    let names: Vec<_> = onsite
        .visitors
        .iter()
        .map(|v| v.visitor_name.as_str())
        .collect();
    assert_eq!(names, ["Vera Visitor", "Walt Walker"]);

    let site = env.api.home_site(&desk).await.expect("site");
    let today = frontdesk_core::time::today_in(site.time_zone);
    let log = env
        .api
        .visits(
            &desk,
            VisitQuery {
                site_id: None,
                date: today,
                status: None,
            },
        )
        .await
        .expect("log");
    assert_eq!(log.len(), 2);

    let out = env
        .api
        .sign_out_visit(&desk, visit.id, SignOutMethod::Desk)
        .await
        .expect("out");
    assert_eq!(out.status, VisitStatus::CheckedOut);
    assert!(out.checked_out_at >= out.checked_in_at);
    let onsite = env.api.on_site(&desk, None).await.expect("on site");
    assert_eq!(onsite.visitors.len(), 1, "Vera left");

    let trail = env.audit_with_prefix("visit.").await;
    assert_eq!(
        trail.len(),
        3,
        "two sign-ins and one sign-out, each audited"
    );
    assert!(trail.iter().all(|e| e.actor_name == "desk user"));
}

#[tokio::test]
async fn signing_out_twice_is_a_clear_error() {
    let env = env().await;
    let a = &env.admin.actor;
    let v = env
        .api
        .sign_in_visitor(a, visitor("Once Only"))
        .await
        .expect("in");
    env.api
        .sign_out_visit(a, v.id, SignOutMethod::Desk)
        .await
        .expect("out");
    let err = env
        .api
        .sign_out_visit(a, v.id, SignOutMethod::Desk)
        .await
        .expect_err("not signed in any more");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("not signed in"), "{err}");
    assert!(
        err.to_string().contains("Once Only"),
        "names the visitor: {err}"
    );
    let missing = env
        .api
        .sign_out_visit(a, uuid::Uuid::now_v7(), SignOutMethod::Desk)
        .await
        .expect_err("no such visit");
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn hostile_names_are_stored_verbatim() {
    let env = env().await;
    let a = &env.admin.actor;
    let long = "Ł".repeat(300);
    let names = [
        "<script>alert('x')</script>",
        "O'Brien \"The Quote\" & Sons",
        long.as_str(),
        "Zoë 🦀 Crab",
        "דוד כהן",
        "محمد علي",
        "'; DROP TABLE visits; --",
    ];
    for n in names {
        let v = env
            .api
            .sign_in_visitor(a, visitor(n))
            .await
            .expect("hostile but valid");
        assert_eq!(v.visitor_name, n);
        let back = env.api.visit(a, v.id).await.expect("read back");
        assert_eq!(back.visitor_name, n, "stored verbatim");
    }
    let onsite = env.api.on_site(a, None).await.expect("still works");
    assert_eq!(onsite.visitors.len(), names.len());
    let too_long = "x".repeat(301);
    let err = env
        .api
        .sign_in_visitor(a, visitor(&too_long))
        .await
        .expect_err("too long");
    assert!(
        matches!(err, Error::Validation { ref field, .. } if field == "visitor.name"),
        "{err}"
    );
}

#[tokio::test]
async fn validation_errors_name_the_field_and_write_nothing() {
    let env = env().await;
    let a = &env.admin.actor;
    let mut req = visitor("Mail Person");
    req.visitor.email = Some("not-an-email".into());
    let err = env
        .api
        .sign_in_visitor(a, req)
        .await
        .expect_err("bad email");
    assert!(
        matches!(err, Error::Validation { ref field, .. } if field == "visitor.email"),
        "{err}"
    );
    let err = env
        .api
        .sign_in_visitor(a, visitor("   "))
        .await
        .expect_err("blank name");
    assert!(
        matches!(err, Error::Validation { ref field, .. } if field == "visitor.name"),
        "{err}"
    );
    let mut req = visitor("Ghost Host");
    req.host_employee_id = Some(uuid::Uuid::now_v7());
    let err = env
        .api
        .sign_in_visitor(a, req)
        .await
        .expect_err("unknown host");
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "host_employee_id"));
    assert!(
        env.api
            .on_site(a, None)
            .await
            .expect("on site")
            .visitors
            .is_empty()
    );
    assert!(
        env.api
            .search_visitors(a, "ghost")
            .await
            .expect("search")
            .is_empty(),
        "no visitor row left behind"
    );
}

#[tokio::test]
async fn returning_visitors_are_recognised_and_searchable() {
    let env = env().await;
    let a = &env.admin.actor;
    let mut req = visitor("Zoë Ångström");
    req.visitor.email = Some("Zoe@Example.com".into());
    req.visitor.phone = Some("+44 7700 900123".into());
    req.remember_me = true;
    let first = env.api.sign_in_visitor(a, req).await.expect("first visit");
    env.api
        .sign_out_visit(a, first.id, SignOutMethod::Desk)
        .await
        .expect("out");

    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let found = env
        .api
        .find_returning_visitor(&kiosk, "zoe@example.com")
        .await
        .expect("lookup")
        .expect("recognised by email, case-insensitively");
    assert_eq!(found.id, first.visitor_id);

    let mut again = visitor("Zoë Ångström");
    again.visitor.phone = Some("07700 900123".into());
    again.visitor_id = Some(found.id);
    again.signature_svg = Some("M1 1 L9 9".into());
    let second = env
        .api
        .sign_in_visitor(&kiosk, again)
        .await
        .expect("second visit");
    assert_eq!(
        second.visitor_id, first.visitor_id,
        "same visitor, not a duplicate"
    );
    assert_eq!(second.source, "kiosk");

    for q in [
        "zoe",
        "ZOË",
        "ang",
        "zoe ang",
        "zoe@exa",
        "07700 900",
        "7700-900",
    ] {
        let hits = env.api.search_visitors(a, q).await.expect("search");
        assert_eq!(hits.len(), 1, "query {q:?} finds Zoë");
    }
    assert!(
        env.api
            .search_visitors(a, "zoe smith")
            .await
            .expect("search")
            .is_empty()
    );
    let err = env
        .api
        .sign_in_visitor(&kiosk, {
            let mut r = visitor("Zoë Ångström");
            r.visitor_id = Some(found.id);
            r
        })
        .await
        .expect_err("already signed in");
    assert_eq!(err.code(), ErrorCode::Conflict);
}

#[tokio::test]
async fn every_change_lands_in_the_sync_outbox() {
    let env = env().await;
    let a = &env.admin.actor;
    let count = |entity: &'static str| {
        let pool = env.api.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM change_log WHERE entity = ? AND synced_at IS NULL",
            )
            .bind(entity)
            .fetch_one(&pool)
            .await
            .expect("count")
        }
    };
    let visits_before = count("visit").await;
    let v = env
        .api
        .sign_in_visitor(a, visitor("Outbox Olly"))
        .await
        .expect("in");
    env.api
        .sign_out_visit(a, v.id, SignOutMethod::Desk)
        .await
        .expect("out");
    assert_eq!(
        count("visit").await - visits_before,
        2,
        "insert and update of the visit"
    );
    assert!(count("visitor").await >= 1);
    assert!(count("audit").await >= 3, "audit rows sync too");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(env.api.pool())
        .await
        .expect("pragma");
    assert_eq!(fk, 1, "foreign keys are enforced");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(env.api.pool())
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
}

/// The visit log over many days is one query; it must return exactly the rows the per-day log
/// returns, day after day, across a DST change and local midnights.
#[tokio::test]
async fn multi_day_visit_log_matches_the_day_by_day_log() {
    use chrono::{NaiveDate, TimeZone, Utc};
    let env = env().await;
    let a = &env.admin.actor;
    // (visitor, UTC time the visit starts). The site is in Europe/London.
    let plan = [
        ("Before Range", Utc.with_ymd_and_hms(2026, 3, 26, 23, 59, 0)), // 26 Mar local (GMT)
        ("First Day", Utc.with_ymd_and_hms(2026, 3, 27, 0, 0, 0)),
        ("Spring Gap", Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0)), // 02:30 BST, after the gap
        ("Late Local", Utc.with_ymd_and_hms(2026, 3, 30, 22, 59, 0)), // 23:59 BST on the 30th
        (
            "After Midnight",
            Utc.with_ymd_and_hms(2026, 3, 30, 23, 0, 0),
        ), // 00:00 BST on the 31st
        ("After Range", Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0)),  // 01:00 BST on 1 Apr
    ];
    for (name, at) in plan {
        let at = at.single().expect("time");
        let v = env
            .api
            .sign_in_visitor(a, visitor(name))
            .await
            .expect("sign in");
        sqlx::query("UPDATE visits SET starts_at = ?, checked_in_at = ? WHERE id = ?")
            .bind(at.timestamp_millis())
            .bind(at.timestamp_millis())
            .bind(v.id)
            .execute(env.api.pool())
            .await
            .expect("back-date the visit");
    }
    let from = NaiveDate::from_ymd_opt(2026, 3, 27).expect("date");
    let to = NaiveDate::from_ymd_opt(2026, 3, 31).expect("date");
    let range = env
        .api
        .visits_between(a, None, from, to, None)
        .await
        .expect("range");
    let mut by_day = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        by_day.extend(
            env.api
                .visits(
                    a,
                    VisitQuery {
                        site_id: None,
                        date,
                        status: None,
                    },
                )
                .await
                .expect("day"),
        );
    }
    let names = |v: &[frontdesk_core::visits::Visit]| -> Vec<String> {
        v.iter().map(|v| v.visitor_name.clone()).collect()
    };
    assert_eq!(
        names(&range),
        ["First Day", "Spring Gap", "Late Local", "After Midnight"],
        "local days 27 to 31 March, in arrival order, nothing outside them"
    );
    assert_eq!(
        names(&range),
        names(&by_day),
        "one query returns the same rows as one query per day"
    );
    let ids = |v: &[frontdesk_core::visits::Visit]| -> Vec<uuid::Uuid> {
        v.iter().map(|v| v.id).collect()
    };
    assert_eq!(ids(&range), ids(&by_day));

    let log = env
        .api
        .visit_log(
            a,
            None,
            from,
            to,
            frontdesk_core::documents::ExportFormat::Csv,
        )
        .await
        .expect("visit log");
    let csv = String::from_utf8_lossy(&log.bytes);
    for name in names(&range) {
        assert!(csv.contains(&name), "{name} is in the exported log:\n{csv}");
    }
    for outside in ["Before Range", "After Range"] {
        assert!(!csv.contains(outside), "{outside} is outside the period");
    }
}

#[tokio::test]
async fn the_change_log_says_what_changed_since_a_point() {
    let env = crate::fixtures::env().await;
    let start = env.api.last_change().await.expect("last");
    assert_eq!(env.api.changes_since(start).await.expect("changes"), None);
    env.employee("E9", "Nina Newcomer").await;
    let change = env
        .api
        .changes_since(start)
        .await
        .expect("changes")
        .expect("an employee was added");
    assert!(change.seq > start);
    assert!(
        change.entities.contains(&"employee".to_string()),
        "{change:?}"
    );
    assert_eq!(
        env.api.changes_since(change.seq).await.expect("again"),
        None,
        "nothing after the point returned"
    );
}
