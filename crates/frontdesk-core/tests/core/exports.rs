//! Exports saved to folders: on demand and on a schedule (catch-up, retries, roles, audit).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::London;
use frontdesk_core::attendance::{AttendanceRequest, Direction};
use frontdesk_core::documents::exports::{
    Every, ExportFormat, ExportKind, ExportRequest, PeriodChoice, RunStatus, ScheduleSpec,
};
use frontdesk_core::people::employees::{Employee, EmployeeInput};
use frontdesk_core::{Error, ErrorCode, Role};

use crate::fixtures::{Env, env, file_names};

fn local(d: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    London
        .from_local_datetime(&d.and_hms_opt(h, m, 0).expect("time"))
        .earliest()
        .expect("local time")
        .with_timezone(&Utc)
}

async fn employee(env: &Env, code: &str, name: &str, department: &str) -> Employee {
    env.api
        .create_employee(
            &env.admin.actor,
            EmployeeInput {
                code: code.into(),
                name: name.into(),
                department: Some(department.into()),
                ..Default::default()
            },
        )
        .await
        .expect("employee")
}

async fn clock(env: &Env, e: &Employee, at: DateTime<Utc>, direction: Direction) {
    env.api
        .record_attendance(
            &env.admin.actor,
            AttendanceRequest {
                employee_id: e.id,
                direction: Some(direction),
                at: Some(at),
                note: Some("test data".into()),
            },
        )
        .await
        .expect("clock");
}

fn yesterday() -> NaiveDate {
    frontdesk_core::time::today_in(London)
        .pred_opt()
        .expect("date")
}

fn weekly_payroll(folder: &std::path::Path) -> ScheduleSpec {
    ScheduleSpec {
        name: "Payroll <b>CSV</b>".into(),
        site_id: None,
        kind: ExportKind::Timesheets,
        format: ExportFormat::Csv,
        department: None,
        every: Every::Daily,
        weekday: None,
        month_day: None,
        at: "06:00".into(),
        period: PeriodChoice::LastDays,
        days: Some(7),
        folder: Some(folder.display().to_string()),
        enabled: true,
    }
}

#[tokio::test]
async fn on_demand_exports_are_saved_audited_and_role_checked() {
    let env = env().await;
    let manager = env.staff("mia", Role::Manager).await;
    let desk = env.staff("desk", Role::FrontDesk).await;
    let eve = employee(&env, "E1", "Eve Zoë Employee", "Sales").await;
    employee(&env, "E2", "Bob Builder", "Workshop").await;
    clock(&env, &eve, local(yesterday(), 9, 0), Direction::In).await;
    clock(&env, &eve, local(yesterday(), 17, 0), Direction::Out).await;

    let req = ExportRequest {
        kind: ExportKind::Timesheets,
        format: ExportFormat::Csv,
        site_id: None,
        from: yesterday(),
        to: yesterday(),
        department: Some("sales".into()),
        employee_ids: Vec::new(),
    };
    let saved = env
        .api
        .save_export(&manager, req.clone())
        .await
        .expect("export");
    let csv = std::fs::read_to_string(&saved.path).expect("file written");
    assert!(csv.contains("Eve Zoë Employee"), "{csv}");
    assert!(
        !csv.contains("Bob Builder"),
        "the department filter keeps Workshop out"
    );
    assert!(
        saved.path.ends_with(&format!(
            "timesheets_{0}_{0}_London-HQ-sales.csv",
            yesterday()
        )),
        "{}",
        saved.path
    );
    let again = env
        .api
        .save_export(&manager, req.clone())
        .await
        .expect("export again");
    assert_ne!(again.path, saved.path, "a second export never overwrites");
    assert!(std::path::Path::new(&saved.path).exists());

    let pdf = env
        .api
        .save_export(
            &manager,
            ExportRequest {
                format: ExportFormat::Pdf,
                department: None,
                ..req.clone()
            },
        )
        .await
        .expect("pdf");
    assert!(
        std::fs::read(&pdf.path)
            .expect("pdf file")
            .starts_with(b"%PDF-")
    );

    let err = env
        .api
        .save_export(&desk, req.clone())
        .await
        .expect_err("front desk cannot export timesheets");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let log = env
        .api
        .save_export(
            &desk,
            ExportRequest {
                kind: ExportKind::VisitLog,
                department: None,
                ..req.clone()
            },
        )
        .await
        .expect("front desk can export the visit log");
    assert!(log.path.contains("visit-log_"));
    let err = env
        .api
        .save_export(
            &desk,
            ExportRequest {
                kind: ExportKind::VisitLog,
                format: ExportFormat::Xlsx,
                ..req.clone()
            },
        )
        .await
        .expect_err("no xlsx visit log");
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "format"));
    let err = env
        .api
        .save_export(
            &manager,
            ExportRequest {
                department: Some("Nobody here".into()),
                ..req.clone()
            },
        )
        .await
        .expect_err("empty department");
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "department"));

    for (from, to) in [
        (yesterday(), yesterday() - Duration::days(1)),
        (yesterday() - Duration::days(400), yesterday()),
    ] {
        let err = env
            .api
            .save_export(
                &manager,
                ExportRequest {
                    from,
                    to,
                    department: None,
                    ..req.clone()
                },
            )
            .await
            .expect_err("bad period");
        assert!(
            matches!(err, Error::Validation { ref field, .. } if field == "to"),
            "{err}"
        );
    }

    let audit = env.audit_with_prefix("export.save").await;
    assert_eq!(audit.len(), 4, "every saved export is audited");
}

#[tokio::test]
async fn schedules_catch_up_once_and_retry_failures_without_skipping() {
    let env = env().await;
    let manager = env.staff("mia", Role::Manager).await;
    let eve = employee(&env, "E1", "Eve Employee", "Sales").await;
    clock(&env, &eve, local(yesterday(), 9, 0), Direction::In).await;
    clock(&env, &eve, local(yesterday(), 17, 30), Direction::Out).await;
    let out = tempfile::tempdir().expect("out dir");
    let folder = out.path().join("payroll");

    let schedule = env
        .api
        .save_export_schedule(&manager, None, weekly_payroll(&folder))
        .await
        .expect("save schedule");
    assert!(folder.is_dir(), "the folder is created and checked on save");
    assert_eq!(schedule.owner_name, "mia user");
    let first = schedule.next_run_at.expect("next run");
    assert!(first > Utc::now() && first <= Utc::now() + Duration::days(1));

    // Nothing is due yet.
    let none = env.api.run_due_exports(Utc::now()).await.expect("run");
    assert!(none.is_empty());

    // The PC was off for three days: every missed run is made, oldest first.
    let later = Utc::now() + Duration::days(3);
    let runs = env.api.run_due_exports(later).await.expect("run");
    assert!((3..=4).contains(&runs.len()), "{runs:?}");
    assert!(runs.iter().all(|r| r.status == RunStatus::Done), "{runs:?}");
    for pair in runs.windows(2) {
        assert_eq!(
            pair[1].period_start,
            pair[0].period_start + Duration::days(1),
            "consecutive periods"
        );
    }
    let written = file_names(&folder);
    assert_eq!(written.len(), runs.len(), "{written:?}");
    let csv = std::fs::read_to_string(runs[0].path.as_deref().expect("path")).expect("csv");
    assert!(csv.contains("Eve Employee"), "{csv}");
    assert!(
        env.api
            .run_due_exports(later)
            .await
            .expect("run again")
            .is_empty(),
        "each due run is made once"
    );

    // The folder goes away (a share offline): the run fails, waits, and is retried, not skipped.
    std::fs::remove_dir_all(&folder).expect("remove folder");
    std::fs::write(&folder, b"not a folder").expect("block the path");
    let later = later + Duration::days(1);
    let failed = env.api.run_due_exports(later).await.expect("run");
    assert_eq!(failed.len(), 1, "later runs wait behind the failed one");
    assert_eq!(failed[0].status, RunStatus::Failed);
    assert!(
        failed[0]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("payroll")),
        "{:?}",
        failed[0].message
    );
    assert!(failed[0].next_attempt_at.is_some_and(|t| t > later));
    assert!(
        env.api
            .run_due_exports(later)
            .await
            .expect("run")
            .is_empty(),
        "no retry before the delay"
    );
    let listed = env.api.export_schedules(&manager).await.expect("schedules");
    assert_eq!(
        listed[0].last_run.as_ref().map(|r| r.status),
        Some(RunStatus::Failed),
        "the window shows the failure"
    );

    std::fs::remove_file(&folder).expect("unblock");
    std::fs::create_dir(&folder).expect("folder back");
    let retried = env
        .api
        .run_due_exports(later + Duration::hours(2))
        .await
        .expect("retry");
    assert!(!retried.is_empty());
    assert_eq!(retried[0].due_at, failed[0].due_at, "the failed run first");
    assert_eq!(retried[0].attempts, 2);
    assert!(retried.iter().all(|r| r.status == RunStatus::Done));

    let audit = env.audit_with_prefix("export.scheduled").await;
    assert_eq!(audit.len(), runs.len() + 1 + retried.len());
}

#[tokio::test]
async fn schedules_follow_roles_and_refuse_bad_folders() {
    let env = env().await;
    let desk = env.staff("desk", Role::FrontDesk).await;
    let manager = env.staff("mia", Role::Manager).await;
    let out = tempfile::tempdir().expect("out dir");
    let spec = weekly_payroll(&out.path().join("x"));

    let err = env
        .api
        .save_export_schedule(&desk, None, spec.clone())
        .await
        .expect_err("front desk cannot schedule timesheets");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let visit_log = ScheduleSpec {
        name: "Visits".into(),
        kind: ExportKind::VisitLog,
        format: ExportFormat::Pdf,
        ..spec.clone()
    };
    env.api
        .save_export_schedule(&desk, None, visit_log)
        .await
        .expect("front desk can schedule the visit log");
    let payroll = env
        .api
        .save_export_schedule(&manager, None, spec.clone())
        .await
        .expect("manager schedules timesheets");
    let seen: Vec<String> = env
        .api
        .export_schedules(&desk)
        .await
        .expect("list")
        .into_iter()
        .map(|s| s.spec.name)
        .collect();
    assert_eq!(seen, vec!["Visits".to_string()], "timesheets stay hidden");

    // Editing keeps the schedule (same id, one row); an unknown id is not created by an edit.
    let edited = env
        .api
        .save_export_schedule(
            &manager,
            Some(payroll.id),
            ScheduleSpec {
                name: "Payroll v2".into(),
                ..spec.clone()
            },
        )
        .await
        .expect("edit");
    assert_eq!(edited.id, payroll.id);
    assert_eq!(edited.spec.name, "Payroll v2");
    assert_eq!(
        env.api
            .export_schedules(&manager)
            .await
            .expect("list")
            .len(),
        2
    );
    let err = env
        .api
        .save_export_schedule(&manager, Some(uuid::Uuid::now_v7()), spec.clone())
        .await
        .expect_err("unknown schedule");
    assert_eq!(err.code(), ErrorCode::NotFound);

    let blocked = out.path().join("file");
    std::fs::write(&blocked, b"x").expect("file");
    let err = env
        .api
        .save_export_schedule(
            &manager,
            Some(payroll.id),
            ScheduleSpec {
                folder: Some(blocked.join("sub").display().to_string()),
                ..spec
            },
        )
        .await
        .expect_err("unwritable folder");
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "folder"));

    let err = env
        .api
        .delete_export_schedule(&desk, payroll.id)
        .await
        .expect_err("front desk cannot delete timesheet schedules");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    env.api
        .delete_export_schedule(&manager, payroll.id)
        .await
        .expect("delete");
    assert_eq!(
        env.api
            .export_schedules(&manager)
            .await
            .expect("list")
            .len(),
        1
    );
}

/// 600 more employees than the directory's default page, named so that they sort after the ones
/// the test checks, all at the home site; inserted through the pool because 600 audited creates
/// would only slow the test down.
async fn bulk_employees(env: &Env, n: usize) {
    let (org, site): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT organisation_id, id FROM sites LIMIT 1")
            .fetch_one(env.api.pool())
            .await
            .expect("site");
    let mut tx = env.api.pool().begin().await.expect("tx");
    for i in 0..n {
        sqlx::query(
            "INSERT INTO employees (id, organisation_id, site_id, code, name, department, active,
                created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 'Sales', 1, 0, 0)",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(org)
        .bind(site)
        .bind(format!("B{i:04}"))
        .bind(format!("Bulk Person {i:04}"))
        .execute(&mut *tx)
        .await
        .expect("insert employee");
    }
    tx.commit().await.expect("commit");
}

/// The employee names in a timesheet CSV (column 2), once each.
fn csv_employees(path: &str) -> std::collections::BTreeSet<String> {
    let mut r = csv::Reader::from_path(path).expect("csv file");
    r.records()
        .map(|rec| {
            rec.expect("csv record")
                .get(1)
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// An employee who clocked in the period and was then deactivated (left the company).
async fn leaver(env: &Env) -> Employee {
    let zara = employee(env, "L1", "Zara Leaver", "Sales").await;
    let day = yesterday() - Duration::days(1);
    clock(env, &zara, local(day, 9, 0), Direction::In).await;
    clock(env, &zara, local(day, 17, 0), Direction::Out).await;
    env.api
        .update_employee(
            &env.admin.actor,
            zara.id,
            EmployeeInput {
                code: "L1".into(),
                name: "Zara Leaver".into(),
                department: Some("Sales".into()),
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("deactivate");
    zara
}

#[tokio::test]
async fn site_exports_include_every_employee_and_leavers_with_hours() {
    let env = env().await;
    let manager = env.staff("mia", Role::Manager).await;
    bulk_employees(&env, 600).await;
    let eve = employee(&env, "E1", "Eve Employee", "Sales").await;
    clock(&env, &eve, local(yesterday(), 9, 0), Direction::In).await;
    clock(&env, &eve, local(yesterday(), 17, 0), Direction::Out).await;
    leaver(&env).await;

    for department in [None, Some("Sales".to_string())] {
        let saved = env
            .api
            .save_export(
                &manager,
                ExportRequest {
                    kind: ExportKind::Timesheets,
                    format: ExportFormat::Csv,
                    site_id: None,
                    from: yesterday() - Duration::days(1),
                    to: yesterday(),
                    department: department.clone(),
                    employee_ids: Vec::new(),
                },
            )
            .await
            .expect("export");
        let names = csv_employees(&saved.path);
        assert_eq!(
            names.len(),
            602,
            "600 bulk + Eve + the leaver, none cut off by a page limit ({department:?})"
        );
        assert!(
            names.contains("Bulk Person 0599"),
            "the last by name is kept"
        );
        assert!(
            names.contains("Zara Leaver"),
            "a leaver with hours in the period is paid for them"
        );
        assert!(
            saved
                .warnings
                .iter()
                .any(|w| w.contains("602") && w.contains("601")),
            "the document says it holds more people than the directory's active list: {:?}",
            saved.warnings
        );
    }
}

#[tokio::test]
async fn scheduled_payroll_runs_include_every_employee_and_say_so() {
    let env = env().await;
    let manager = env.staff("mia", Role::Manager).await;
    bulk_employees(&env, 600).await;
    leaver(&env).await;
    let out = tempfile::tempdir().expect("out dir");
    let folder = out.path().join("payroll");
    env.api
        .save_export_schedule(&manager, None, weekly_payroll(&folder))
        .await
        .expect("save schedule");
    let runs = env
        .api
        .run_due_exports(Utc::now() + Duration::days(1))
        .await
        .expect("run");
    let run = runs.first().expect("one run due");
    assert_eq!(run.status, RunStatus::Done, "{run:?}");
    let names = csv_employees(run.path.as_deref().expect("path"));
    assert_eq!(names.len(), 601, "600 bulk + the leaver");
    assert!(names.contains("Zara Leaver"));
    assert!(
        run.message
            .as_deref()
            .is_some_and(|m| m.contains("601") && m.contains("600")),
        "the run says its employee count differs from the directory's: {:?}",
        run.message
    );
}
