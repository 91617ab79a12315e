use frontdesk_core::people::employees::{EmployeeInput, EmployeeQuery};
use frontdesk_core::{Error, ErrorCode};

use crate::fixtures::env;

#[tokio::test]
async fn create_update_and_search_employees() {
    let env = env().await;
    let a = &env.admin.actor;
    let boss = env.employee("B1", "Bea Boss").await;
    let e = env
        .api
        .create_employee(
            a,
            EmployeeInput {
                code: "E1".into(),
                name: "Carl Coder".into(),
                email: Some("carl@acme.test".into()),
                department: Some("Engineering".into()),
                manager_code: Some("B1".into()),
                ..Default::default()
            },
        )
        .await
        .expect("employee");
    assert_eq!(e.manager_id, Some(boss.id));
    assert_eq!(e.manager_name.as_deref(), Some("Bea Boss"));
    assert!(e.active);

    let dup = env
        .api
        .create_employee(
            a,
            EmployeeInput {
                code: "E1".into(),
                name: "Other".into(),
                ..Default::default()
            },
        )
        .await
        .expect_err("duplicate code");
    assert!(matches!(dup, Error::Validation { ref field, .. } if field == "code"));

    let updated = env
        .api
        .update_employee(
            a,
            e.id,
            EmployeeInput {
                code: "E1".into(),
                name: "Carl Coder".into(),
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    assert!(!updated.active);
    let active = env
        .api
        .employees(a, EmployeeQuery::default())
        .await
        .expect("list");
    assert_eq!(active.len(), 1, "inactive employees are hidden by default");
    let hosts = env.api.search_hosts(a, "car").await.expect("hosts");
    assert!(hosts.is_empty(), "people who left cannot host");
    let found = env
        .api
        .employees(
            a,
            EmployeeQuery {
                search: Some("cod".into()),
                include_inactive: true,
                limit: None,
            },
        )
        .await
        .expect("search");
    assert_eq!(found.len(), 1, "matches a later word of the name");
    let wild = env
        .api
        .employees(
            a,
            EmployeeQuery {
                search: Some("%".into()),
                include_inactive: true,
                limit: None,
            },
        )
        .await
        .expect("search");
    assert!(wild.is_empty(), "LIKE wildcards in a query are literal");
}

#[tokio::test]
async fn self_management_and_bad_email_are_rejected() {
    let env = env().await;
    let err = env
        .api
        .create_employee(
            &env.admin.actor,
            EmployeeInput {
                code: "S".into(),
                name: "Self".into(),
                manager_code: Some("S".into()),
                email: Some("@nope".into()),
                ..Default::default()
            },
        )
        .await
        .expect_err("invalid");
    assert_eq!(err.code(), ErrorCode::Validation);
}
