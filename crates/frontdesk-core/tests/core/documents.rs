//! Documents persistence: badge print log and reprint guard, per-site printer and attendance rules,
//! timesheet corrections and approvals.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::London;
use frontdesk_core::attendance::timesheets::{CorrectionKind, CorrectionRequest};
use frontdesk_core::attendance::timesheets::{Flag, Rules};
use frontdesk_core::attendance::{AttendanceRequest, Direction};
use frontdesk_core::audit::AuditQuery;
use frontdesk_core::documents::badge_prints::{BadgePrintRequest, PrintOutcome};
use frontdesk_core::documents::printing::{FolderPrinter, OFFLINE_MARKER};
use frontdesk_core::people::employees::{Employee, EmployeeInput};
use frontdesk_core::site::settings::{AttendanceRules, Rounding, SiteSettings};
use frontdesk_core::visits::visitors::VisitorDetails;
use frontdesk_core::visits::{SignInRequest, SignOutMethod, Visit};
use frontdesk_core::{Actor, Error, ErrorCode, Frontdesk, Role};

use crate::fixtures::{Env, env};

/// A folder printer with one queue, `desk`, in its own temp dir.
fn folder_printer() -> (tempfile::TempDir, Arc<FolderPrinter>) {
    let dir = tempfile::tempdir().expect("printer dir");
    std::fs::create_dir(dir.path().join("desk")).expect("queue");
    let p = Arc::new(FolderPrinter::new(dir.path()));
    (dir, p)
}

async fn sign_in(api: &Frontdesk, actor: &Actor, name: &str) -> Visit {
    api.sign_in_visitor(
        actor,
        SignInRequest {
            visitor: VisitorDetails {
                name: name.into(),
                company: Some("Globex".into()),
                email: None,
                phone: None,
            },
            ..Default::default()
        },
    )
    .await
    .expect("sign in")
}

async fn use_printer(env: &Env, printer: &str) {
    let a = &env.admin.actor;
    let site = env.api.home_site(a).await.expect("site");
    let mut s = env.api.settings(a, site.id).await.expect("settings");
    s.badge_printer = Some(printer.into());
    env.api
        .update_settings(a, site.id, s)
        .await
        .expect("save printer");
}

fn print(visit: &Visit, confirm: bool) -> BadgePrintRequest {
    BadgePrintRequest {
        visit_id: visit.id,
        printer: None,
        confirm_reprint: confirm,
    }
}

fn pdfs(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .expect("queue dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count()
}

#[tokio::test]
async fn badge_reprint_needs_confirmation_even_after_a_restart() {
    let mut env = env().await;
    let (pdir, printer) = folder_printer();
    env.api = env.api.clone().with_print_system(printer.clone());
    let desk = env.staff("desk", Role::FrontDesk).await;
    let visit = sign_in(&env.api, &desk, "Vera Visitor").await;

    let err = env
        .api
        .print_badge(&desk, print(&visit, false))
        .await
        .expect_err("no printer chosen yet");
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "printer"),
        "the form can point at the printer: {err}"
    );

    use_printer(&env, "desk").await;
    let first = env
        .api
        .print_badge(&desk, print(&visit, false))
        .await
        .expect("first print");
    assert_eq!(first.outcome, PrintOutcome::Done);
    assert_eq!(first.printer, "desk", "the site's printer is used");
    assert_eq!(first.preset, "brother_ql_62x100");
    assert!(!first.reprint);
    assert_eq!(
        pdfs(&pdir.path().join("desk")),
        1,
        "one job reached the queue"
    );

    let again = env
        .api
        .print_badge(&desk, print(&visit, false))
        .await
        .expect_err("second print without confirmation");
    assert_eq!(again.code(), ErrorCode::ReprintUnconfirmed);
    assert!(
        again.to_string().contains("already printed once"),
        "{again}"
    );
    assert_eq!(pdfs(&pdir.path().join("desk")), 1, "nothing printed");

    // A restart: a new API over the same database file.
    env.api.close().await;
    let api = Frontdesk::open(env._dir.path())
        .await
        .expect("reopen")
        .with_print_system(printer.clone());
    let after_restart = api
        .print_badge(&desk, print(&visit, false))
        .await
        .expect_err("the guard remembers across restarts");
    assert_eq!(after_restart.code(), ErrorCode::ReprintUnconfirmed);
    let reprint = api
        .print_badge(&desk, print(&visit, true))
        .await
        .expect("confirmed reprint");
    assert_eq!(reprint.outcome, PrintOutcome::Done);
    assert!(reprint.reprint, "logged as a reprint");
    assert_eq!(pdfs(&pdir.path().join("desk")), 2);

    let log = api.badge_prints(&desk, visit.id).await.expect("log");
    assert_eq!(log.len(), 2, "refused attempts are not logged as prints");
    assert_eq!(log[0].printed_by, "desk user");
    let audit = api
        .audit(
            &env.admin.actor,
            AuditQuery {
                action_prefix: Some("badge.".into()),
                entity_id: Some(visit.id),
                ..Default::default()
            },
        )
        .await
        .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "badge.print").count(),
        2,
        "every print audited: {actions:?}"
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "badge.print_outcome")
            .count(),
        2,
        "and its outcome: {actions:?}"
    );
}

#[tokio::test]
async fn failed_prints_do_not_count_offline_ones_do() {
    let mut env = env().await;
    let (pdir, printer) = folder_printer();
    env.api = env.api.clone().with_print_system(printer);
    let a = env.admin.actor.clone();
    let visit = sign_in(&env.api, &a, "Olga Offline").await;

    let mut req = print(&visit, false);
    req.printer = Some("no-such-queue".into());
    let failed = env.api.print_badge(&a, req).await.expect("logged failure");
    assert_eq!(failed.outcome, PrintOutcome::Failed);
    assert!(
        failed
            .message
            .as_deref()
            .is_some_and(|m| m.contains("no printer named")),
        "the print system's reason is kept: {:?}",
        failed.message
    );

    use_printer(&env, "desk").await;
    std::fs::write(pdir.path().join("desk").join(OFFLINE_MARKER), "").expect("offline");
    let offline = env
        .api
        .print_badge(&a, print(&visit, false))
        .await
        .expect("a failed print is no reason to ask");
    assert_eq!(offline.outcome, PrintOutcome::Offline);
    let err = env
        .api
        .print_badge(&a, print(&visit, false))
        .await
        .expect_err("the offline job may still print");
    assert_eq!(err.code(), ErrorCode::ReprintUnconfirmed);

    let manager = env.staff("mia", Role::Manager).await;
    let err = env
        .api
        .print_badge(&manager, print(&visit, true))
        .await
        .expect_err("managers do not print badges");
    assert_eq!(err.code(), ErrorCode::Forbidden);

    env.api
        .sign_out_visit(&a, visit.id, SignOutMethod::Desk)
        .await
        .expect("sign out");
    let err = env
        .api
        .print_badge(&a, print(&visit, true))
        .await
        .expect_err("signed out");
    assert_eq!(err.code(), ErrorCode::Conflict);
}

#[tokio::test]
async fn settings_default_for_old_databases_and_validate_new_fields() {
    let env = env().await;
    let a = &env.admin.actor;
    let site = env.api.home_site(a).await.expect("site");
    // A value saved before these fields existed.
    sqlx::query(
        "INSERT INTO settings (scope, key, value, updated_at) VALUES (?, 'badge_preset', '\"cr80\"', 0)",
    )
    .bind(site.id.simple().to_string())
    .execute(env.api.pool())
    .await
    .expect("old row");
    let s = env.api.settings(a, site.id).await.expect("settings");
    assert_eq!(s.badge_preset, "cr80", "stored values still load");
    assert_eq!(s.badge_printer, None);
    assert_eq!(
        s.attendance.to_rules(London).expect("rules"),
        Rules::standard(London),
        "sites that never set rules keep the standard ones"
    );

    let mut bad = s.clone();
    bad.badge_preset = "napkin".into();
    let err = env
        .api
        .update_settings(a, site.id, bad)
        .await
        .expect_err("unknown preset");
    assert!(matches!(&err, Error::Validation { field, .. } if field == "badge_preset"));
    let mut bad = s.clone();
    bad.attendance.rounding_minutes = 7;
    let err = env
        .api
        .update_settings(a, site.id, bad)
        .await
        .expect_err("7 does not divide an hour");
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "attendance.rounding_minutes")
    );
    let mut bad = s.clone();
    bad.attendance.auto_close_time = Some("25:00".into());
    assert!(env.api.update_settings(a, site.id, bad).await.is_err());

    let mut good = s.clone();
    good.badge_printer = Some("Front desk QL".into());
    good.attendance.rounding_minutes = 15;
    let saved = env
        .api
        .update_settings(a, site.id, good.clone())
        .await
        .expect("save");
    let reloaded = env.api.settings(a, site.id).await.expect("reload");
    assert_eq!(reloaded, saved, "what was saved is what is stored");
    assert!(reloaded.revision > good.revision);
    assert_eq!(
        SiteSettings {
            revision: good.revision,
            ..reloaded
        },
        good,
        "typed fields round-trip"
    );
}

fn local(d: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    London
        .from_local_datetime(&d.and_hms_opt(h, m, 0).expect("time"))
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

async fn employee(env: &Env) -> Employee {
    env.api
        .create_employee(
            &env.admin.actor,
            EmployeeInput {
                code: "E1".into(),
                name: "Eve Employee".into(),
                ..Default::default()
            },
        )
        .await
        .expect("employee")
}

async fn clock(env: &Env, e: &Employee, at: DateTime<Utc>, direction: Direction) -> uuid::Uuid {
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
        .expect("clock")
        .id
}

const DAY: (i32, u32, u32) = (2026, 11, 10);

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(DAY.0, DAY.1, DAY.2).expect("date")
}

#[tokio::test]
async fn timesheet_uses_the_sites_attendance_rules() {
    let env = env().await;
    let a = &env.admin.actor;
    let e = employee(&env).await;
    clock(&env, &e, local(day(), 9, 7), Direction::In).await;
    clock(&env, &e, local(day(), 17, 52), Direction::Out).await;

    let standard = env.api.timesheet(a, e.id, day(), day()).await.expect("ts");
    let d = &standard.timesheet.days[0];
    assert_eq!(
        d.worked_minutes,
        8 * 60 + 45 - 30,
        "standard: 8:45 less a 30 min break"
    );
    assert_eq!(d.daily_overtime_minutes, 15);

    let site = env.api.home_site(a).await.expect("site");
    let mut s = env.api.settings(a, site.id).await.expect("settings");
    s.attendance = AttendanceRules {
        rounding_minutes: 15,
        rounding: Rounding::InUpOutDown,
        breaks: vec![],
        daily_overtime_after_minutes: Some(7 * 60),
        ..AttendanceRules::default()
    };
    env.api.update_settings(a, site.id, s).await.expect("rules");
    let custom = env.api.timesheet(a, e.id, day(), day()).await.expect("ts");
    let d = &custom.timesheet.days[0];
    assert_eq!(
        d.worked_minutes,
        8 * 60 + 30,
        "09:07 rounds up to 09:15, 17:52 down to 17:45, no break"
    );
    assert_eq!(d.daily_overtime_minutes, 90, "overtime after 7 h");
}

#[tokio::test]
async fn corrections_apply_and_approved_periods_lock() {
    let env = env().await;
    let a = &env.admin.actor;
    let e = employee(&env).await;
    let manager = env.staff("mia", Role::Manager).await;
    let desk = env.staff("desk", Role::FrontDesk).await;
    let in_id = clock(&env, &e, local(day(), 9, 0), Direction::In).await;
    let next = day().succ_opt().expect("next day");
    clock(&env, &e, local(next, 9, 0), Direction::In).await;
    clock(&env, &e, local(next, 12, 0), Direction::Out).await;

    let before = env
        .api
        .timesheet(&manager, e.id, day(), day())
        .await
        .expect("ts");
    assert!(
        before.timesheet.days[0].flags.contains(&Flag::AutoClosed),
        "no clock-out: the session is closed at 23:59 and flagged"
    );

    let add = CorrectionRequest {
        employee_id: e.id,
        kind: CorrectionKind::Add,
        event_id: None,
        at: Some(local(day(), 17, 0)),
        direction: Some(Direction::Out),
        reason: "forgot to clock out".into(),
    };
    let err = env
        .api
        .correct_timesheet(
            &manager,
            CorrectionRequest {
                reason: "   ".into(),
                ..add.clone()
            },
        )
        .await
        .expect_err("reason required");
    assert!(matches!(&err, Error::Validation { field, .. } if field == "reason"));
    let err = env
        .api
        .correct_timesheet(&desk, add.clone())
        .await
        .expect_err("front desk does not correct timesheets");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let err = env
        .api
        .timesheet(&desk, e.id, day(), day())
        .await
        .expect_err("front desk cannot export timesheets");
    assert_eq!(err.code(), ErrorCode::Forbidden);

    let c = env
        .api
        .correct_timesheet(&manager, add.clone())
        .await
        .expect("add clock-out");
    assert_eq!(c.corrected_by, "mia user");
    assert_eq!(c.reason, "forgot to clock out");
    let after = env
        .api
        .timesheet(&manager, e.id, day(), day())
        .await
        .expect("ts");
    let d = &after.timesheet.days[0];
    assert_eq!(d.worked_minutes, 8 * 60 - 30, "09:00-17:00 less the break");
    assert!(d.flags.contains(&Flag::Edited), "edited days are flagged");
    assert!(
        d.original.is_some(),
        "the original figures are kept beside the corrected ones"
    );

    let moved = env
        .api
        .correct_timesheet(
            &manager,
            CorrectionRequest {
                kind: CorrectionKind::Move,
                event_id: Some(in_id),
                at: Some(local(day(), 10, 0)),
                direction: None,
                reason: "clocked in late at the gate".into(),
                employee_id: e.id,
            },
        )
        .await
        .expect("move");
    assert_eq!(moved.original_at, Some(local(day(), 9, 0)));
    assert_eq!(moved.corrected_at, Some(local(day(), 10, 0)));
    let after = env
        .api
        .timesheet(&manager, e.id, day(), day())
        .await
        .expect("ts");
    assert_eq!(after.timesheet.days[0].worked_minutes, 7 * 60 - 30);

    let approval = env
        .api
        .approve_timesheet(&manager, e.id, day(), day())
        .await
        .expect("approve");
    assert_eq!(approval.approver, "mia user");
    assert_eq!(approval.worked_minutes, 7 * 60 - 30, "totals as approved");

    // Another process opens the same database: the lock is stored, not remembered.
    let other = Frontdesk::open(env._dir.path()).await.expect("second api");
    let err = other
        .correct_timesheet(
            a,
            CorrectionRequest {
                at: Some(local(day(), 18, 0)),
                ..add.clone()
            },
        )
        .await
        .expect_err("locked");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        err.to_string().contains("approved by mia user"),
        "the message says why: {err}"
    );
    let err = other
        .correct_timesheet(
            a,
            CorrectionRequest {
                kind: CorrectionKind::Move,
                event_id: Some(in_id),
                at: Some(local(next, 8, 0)),
                direction: None,
                ..add.clone()
            },
        )
        .await
        .expect_err("moving an event out of a locked day is a change to it");
    assert_eq!(err.code(), ErrorCode::Conflict);

    other
        .correct_timesheet(
            a,
            CorrectionRequest {
                at: Some(local(next, 17, 0)),
                ..add.clone()
            },
        )
        .await
        .expect("the next day is not approved");
    let err = other
        .approve_timesheet(a, e.id, day(), next)
        .await
        .expect_err("overlaps the approved day");
    assert_eq!(err.code(), ErrorCode::Conflict);
    let err = other
        .approve_timesheet(&desk, e.id, next, next)
        .await
        .expect_err("front desk does not approve");
    assert_eq!(err.code(), ErrorCode::Forbidden);

    let locked = other.timesheet(a, e.id, day(), day()).await.expect("ts");
    assert_eq!(
        locked
            .timesheet
            .approval
            .as_ref()
            .map(|x| x.approver.as_str()),
        Some("mia user"),
        "the timesheet shows its approval"
    );
    let unapproved = other.timesheet(a, e.id, day(), next).await.expect("ts");
    assert!(
        unapproved.timesheet.approval.is_none(),
        "a longer period is not wholly approved"
    );
    assert_eq!(
        other
            .timesheet_corrections(a, e.id, day(), next)
            .await
            .expect("list")
            .len(),
        3
    );

    let audit = other
        .audit(
            a,
            AuditQuery {
                action_prefix: Some("timesheet.".into()),
                ..Default::default()
            },
        )
        .await
        .expect("audit");
    let count = |action: &str| audit.iter().filter(|x| x.action == action).count();
    assert_eq!(count("timesheet.correct"), 3, "every correction audited");
    assert_eq!(count("timesheet.approve"), 1);
}

#[tokio::test]
async fn removing_an_event_twice_is_refused() {
    let env = env().await;
    let a = &env.admin.actor;
    let e = employee(&env).await;
    let wrong = clock(&env, &e, local(day(), 12, 0), Direction::In).await;
    let remove = CorrectionRequest {
        employee_id: e.id,
        kind: CorrectionKind::Remove,
        event_id: Some(wrong),
        at: None,
        direction: None,
        reason: "false face match".into(),
    };
    let c = env
        .api
        .correct_timesheet(a, remove.clone())
        .await
        .expect("remove");
    assert_eq!(c.original_direction, Some(Direction::In));
    let ts = env.api.timesheet(a, e.id, day(), day()).await.expect("ts");
    assert!(
        ts.timesheet.days[0].sessions.is_empty(),
        "the removed event no longer opens a session"
    );
    let err = env
        .api
        .correct_timesheet(a, remove)
        .await
        .expect_err("twice");
    assert_eq!(err.code(), ErrorCode::Conflict);
    let err = env
        .api
        .correct_timesheet(
            a,
            CorrectionRequest {
                employee_id: e.id,
                kind: CorrectionKind::Move,
                event_id: Some(uuid::Uuid::now_v7()),
                at: Some(local(day(), 13, 0)),
                direction: None,
                reason: "typo".into(),
            },
        )
        .await
        .expect_err("unknown event");
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn evacuation_lists_are_saved_as_new_pdfs_without_temporary_files() {
    let env = env().await;
    let desk = env.staff("desk", Role::FrontDesk).await;
    sign_in(&env.api, &desk, "Vera <b>Visitor</b>").await;
    let first = env
        .api
        .save_evacuation_list(&desk, None)
        .await
        .expect("saved");
    let second = env
        .api
        .save_evacuation_list(&desk, None)
        .await
        .expect("saved again");
    assert_ne!(first.path, second.path, "two files, not one overwritten");
    for saved in [&first, &second] {
        let bytes = std::fs::read(&saved.path).expect("file exists");
        assert!(bytes.starts_with(b"%PDF-"), "{}", saved.path);
        assert_eq!(bytes.len(), saved.bytes as usize);
        let name = std::path::Path::new(&saved.path)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        assert!(name.starts_with("evacuation-"), "{name}");
    }
    let dir = std::path::Path::new(&first.path).parent().expect("folder");
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");
}
