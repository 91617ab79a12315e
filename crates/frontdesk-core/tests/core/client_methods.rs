//! Facade methods clients (the CLI) call instead of reaching around the core: employee lookup by
//! code, printing the evacuation list, timesheet exports picked by code. Each checks roles and the
//! actions are audited.

use std::sync::Arc;

use chrono::NaiveDate;
use frontdesk_core::audit::AuditQuery;
use frontdesk_core::documents::ExportFormat;
use frontdesk_core::documents::badge_prints::PrintOutcome;
use frontdesk_core::documents::printing::FolderPrinter;
use frontdesk_core::people::employees::{Employee, EmployeeInput};
use frontdesk_core::visits::SignInRequest;
use frontdesk_core::visits::visitors::VisitorDetails;
use frontdesk_core::{Actor, ErrorCode, Role};

use crate::fixtures::{Env, env};

async fn employee(env: &Env, code: &str, name: &str) -> Employee {
    env.api
        .create_employee(
            &env.admin.actor,
            EmployeeInput {
                code: code.into(),
                name: name.into(),
                ..Default::default()
            },
        )
        .await
        .expect("employee")
}

async fn audit_actions(env: &Env, prefix: &str) -> Vec<(String, serde_json::Value)> {
    env.api
        .audit(
            &env.admin.actor,
            AuditQuery {
                action_prefix: Some(prefix.into()),
                ..Default::default()
            },
        )
        .await
        .expect("audit")
        .into_iter()
        .map(|e| (e.action, e.details))
        .collect()
}

#[tokio::test]
async fn employee_by_code_ignores_case_finds_leavers_and_checks_roles() {
    let env = env().await;
    let a = &env.admin.actor;
    let carl = employee(&env, "E1", "Carl Coder").await;
    // Codes sharing a prefix: a prefix search would list both; the lookup is exact.
    employee(&env, "E10", "Eve Ten").await;
    let found = env.api.employee_by_code(a, "e1").await.expect("by code");
    assert_eq!(found.id, carl.id, "E1, not E10, and case does not matter");

    let mut input = EmployeeInput {
        code: "E1".into(),
        name: "Carl Coder".into(),
        ..Default::default()
    };
    input.active = Some(false);
    env.api
        .update_employee(a, carl.id, input)
        .await
        .expect("deactivate");
    assert!(
        !env.api
            .employee_by_code(a, "E1")
            .await
            .expect("leaver")
            .active,
        "inactive employees are found too (corrections of past periods)"
    );

    let missing = env.api.employee_by_code(a, "NOPE").await.expect_err("none");
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let blank = env.api.employee_by_code(a, "  ").await.expect_err("blank");
    assert_eq!(
        blank.code(),
        ErrorCode::Validation,
        "an empty code is refused"
    );

    let kiosk: Actor = env.api.kiosk_actor().await.expect("kiosk");
    let err = env
        .api
        .employee_by_code(&kiosk, "E10")
        .await
        .expect_err("the kiosk does not read the directory");
    assert_eq!(err.code(), ErrorCode::Forbidden);
}

#[tokio::test]
async fn evacuation_list_prints_through_the_core_and_is_audited() {
    let mut env = env().await;
    let dir = tempfile::tempdir().expect("printer dir");
    std::fs::create_dir(dir.path().join("desk")).expect("queue");
    env.api = env
        .api
        .clone()
        .with_print_system(Arc::new(FolderPrinter::new(dir.path())));
    let a = env.admin.actor.clone();
    env.api
        .sign_in_visitor(
            &a,
            SignInRequest {
                visitor: VisitorDetails {
                    name: "Vera Visitor".into(),
                    company: None,
                    email: None,
                    phone: None,
                },
                ..Default::default()
            },
        )
        .await
        .expect("sign in");

    let printed = env
        .api
        .print_evacuation_list(&a, None, "desk")
        .await
        .expect("printed");
    assert_eq!(printed.outcome, PrintOutcome::Done, "{:?}", printed.message);
    let job = std::fs::read(dir.path().join("desk/1.pdf")).expect("the job is a file");
    assert!(job.starts_with(b"%PDF"), "the evacuation list PDF was sent");

    let lost = env
        .api
        .print_evacuation_list(&a, None, "no-such-queue")
        .await
        .expect("a failed print is an outcome, not an error");
    assert_eq!(lost.outcome, PrintOutcome::Failed);

    let actions = audit_actions(&env, "evacuation.").await;
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names.iter().filter(|a| **a == "evacuation.print").count(),
        2,
        "every attempt is logged before the job is sent: {names:?}"
    );
    assert!(
        actions.iter().any(|(a, d)| a == "evacuation.print_outcome"
            && d["printer"] == "no-such-queue"
            && d["outcome"] == "failed"),
        "the outcome is logged with the printer: {actions:?}"
    );

    let kiosk = env.api.kiosk_actor().await.expect("kiosk");
    let err = env
        .api
        .print_evacuation_list(&kiosk, None, "desk")
        .await
        .expect_err("the kiosk cannot see who is on site");
    assert_eq!(err.code(), ErrorCode::Forbidden);
}

#[tokio::test]
async fn timesheet_export_picks_employees_by_code_or_all_active_and_is_audited() {
    let env = env().await;
    let a = &env.admin.actor;
    let ann = employee(&env, "A1", "Ann Archer").await;
    let bob = employee(&env, "B1", "Bob Baker").await;
    let from = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    let to = NaiveDate::from_ymd_opt(2026, 11, 8).expect("date");

    let csv = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let one = env
        .api
        .export_timesheets(a, &["b1".into()], from, to, ExportFormat::Csv)
        .await
        .expect("one employee");
    let text = csv(&one.bytes);
    assert!(text.contains("Bob Baker"), "the named employee: {text}");
    assert!(!text.contains("Ann Archer"), "only the named employee");

    let all = env
        .api
        .export_timesheets(a, &[], from, to, ExportFormat::Csv)
        .await
        .expect("everyone");
    let text = csv(&all.bytes);
    assert!(
        text.contains("Ann Archer") && text.contains("Bob Baker"),
        "no codes: every active employee"
    );

    let err = env
        .api
        .export_timesheets(a, &["ZZ".into()], from, to, ExportFormat::Csv)
        .await
        .expect_err("unknown code");
    assert_eq!(err.code(), ErrorCode::NotFound);

    let exports = audit_actions(&env, "timesheet.export").await;
    assert_eq!(
        exports.len(),
        2,
        "both exports are logged, the failed one not"
    );
    let ids = |d: &serde_json::Value| -> Vec<String> {
        d["employees"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        exports
            .iter()
            .any(|(_, d)| ids(d) == vec![bob.id.to_string()] && d["format"] == "csv"),
        "the export names who was exported: {exports:?}"
    );
    assert!(
        exports
            .iter()
            .any(|(_, d)| ids(d).len() == 2 && ids(d).contains(&ann.id.to_string())),
        "{exports:?}"
    );

    let desk = env.staff("desk", Role::FrontDesk).await;
    let err = env
        .api
        .export_timesheets(&desk, &[], from, to, ExportFormat::Csv)
        .await
        .expect_err("front desk staff do not export timesheets");
    assert_eq!(err.code(), ErrorCode::Forbidden);
}
