//! The audit log viewer's queries (who, which days, pages) and its CSV export, which is audited.

use frontdesk_core::audit::AuditQuery;
use frontdesk_core::{ErrorCode, Role};

use crate::fixtures::env;

#[tokio::test]
async fn the_trail_filters_by_actor_and_day_and_pages() {
    let env = env().await;
    let desk = env.staff("dana", Role::FrontDesk).await;
    for code in ["E1", "E2", "E3"] {
        env.api
            .create_employee(
                &desk,
                frontdesk_core::people::employees::EmployeeInput {
                    code: code.into(),
                    name: format!("Person {code}"),
                    ..Default::default()
                },
            )
            .await
            .expect("employee");
    }
    let q = |actor: Option<&str>| AuditQuery {
        action_prefix: Some("employee.".into()),
        actor: actor.map(Into::into),
        ..Default::default()
    };
    let all = env
        .api
        .audit(&env.admin.actor, q(None))
        .await
        .expect("audit");
    assert_eq!(all.len(), 3);
    let dana = env
        .api
        .audit(&env.admin.actor, q(Some("DANA")))
        .await
        .expect("audit");
    assert_eq!(dana.len(), 3, "the actor filter ignores case");
    assert!(dana.iter().all(|e| e.actor_name == "dana user"));
    let ada = env
        .api
        .audit(&env.admin.actor, q(Some("ada")))
        .await
        .expect("audit");
    assert!(ada.is_empty());

    let page = |offset| AuditQuery {
        limit: Some(2),
        offset: Some(offset),
        ..q(None)
    };
    let first = env
        .api
        .audit(&env.admin.actor, page(0))
        .await
        .expect("page 1");
    let second = env
        .api
        .audit(&env.admin.actor, page(2))
        .await
        .expect("page 2");
    assert_eq!(first.len(), 2);
    assert_eq!(second.len(), 1);
    assert!(
        !first.iter().any(|e| e.id == second[0].id),
        "pages do not overlap"
    );

    let today = frontdesk_core::time::today_in(chrono_tz::Europe::London);
    let days = |from, to| AuditQuery {
        from: Some(from),
        to: Some(to),
        ..q(None)
    };
    let on_today = env
        .api
        .audit(&env.admin.actor, days(today, today))
        .await
        .expect("today");
    assert_eq!(on_today.len(), 3, "today, at the site, holds them");
    let yesterday = today.pred_opt().expect("yesterday");
    let before = env
        .api
        .audit(&env.admin.actor, days(yesterday, yesterday))
        .await
        .expect("yesterday");
    assert!(before.is_empty());
}

#[tokio::test]
async fn an_export_writes_csv_of_what_matches_and_is_audited() {
    let env = env().await;
    env.staff("dana", Role::FrontDesk).await;
    let saved = env
        .api
        .save_audit_export(
            &env.admin.actor,
            AuditQuery {
                action_prefix: Some("staff.".into()),
                limit: Some(1),
                ..Default::default()
            },
        )
        .await
        .expect("export");
    assert!(saved.path.ends_with(".csv"), "{}", saved.path);
    let csv = std::fs::read_to_string(&saved.path).expect("read export");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("at,actor_kind,actor,action,entity,entity_id,details,device")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "one staff.create: {csv}");
    assert!(rows[0].contains("staff.create") && rows[0].contains("Ada Admin"));
    assert!(
        !csv.contains("river otter"),
        "no password in the trail or its export"
    );
    let exports = env.audit_with_prefix("audit.export").await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].details["rows"], 1);
    assert_eq!(exports[0].details["action_prefix"], "staff.");

    let desk = env.staff("bob", Role::FrontDesk).await;
    let err = env
        .api
        .save_audit_export(&desk, AuditQuery::default())
        .await
        .expect_err("front desk");
    assert_eq!(err.code(), ErrorCode::Forbidden);
}
