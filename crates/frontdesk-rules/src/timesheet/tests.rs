use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::*;

const BERLIN: Tz = chrono_tz::Europe::Berlin;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// An event at local wall-clock time in `tz` (earliest instant if ambiguous).
fn ev(
    id: &str,
    tz: Tz,
    (y, m, day): (i32, u32, u32),
    (hh, mm): (u32, u32),
    dir: ClockDirection,
) -> AttendanceEvent {
    let at = tz
        .with_ymd_and_hms(y, m, day, hh, mm, 0)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    AttendanceEvent {
        id: id.into(),
        at,
        direction: dir,
    }
}

use ClockDirection::{In, Out};

fn rules() -> Rules {
    Rules::standard(BERLIN)
}

fn period1(y: i32, m: u32, day: u32) -> Period {
    Period {
        start: d(y, m, day),
        end: d(y, m, day),
    }
}

fn later() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn day0(events: &[AttendanceEvent], rules: &Rules, p: Period) -> DaySummary {
    let ts = compute_timesheet(events, &[], rules, p, None, later());
    let Ok(ts) = ts else {
        panic!("computes: {:?}", ts.err())
    };
    ts.days
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("one day"))
}

#[test]
fn plain_day_deducts_the_legal_break() {
    let e = [
        ev("a", BERLIN, (2026, 11, 2), (9, 0), In),
        ev("b", BERLIN, (2026, 11, 2), (17, 30), Out),
    ];
    let day = day0(&e, &rules(), period1(2026, 11, 2));
    assert_eq!(day.gross_minutes, 510, "09:00–17:30 is 8 h 30");
    assert_eq!(
        day.break_deducted_minutes, 30,
        "over 6 h needs 30 min break, none taken"
    );
    assert_eq!(day.worked_minutes, 480);
    assert_eq!(day.daily_overtime_minutes, 0, "exactly 8 h is not overtime");
    assert!(day.flags.contains(&Flag::BreakDeducted));
}

#[test]
fn gaps_between_sessions_count_as_break_taken() {
    let e = [
        ev("a", BERLIN, (2026, 11, 2), (9, 0), In),
        ev("b", BERLIN, (2026, 11, 2), (12, 0), Out),
        ev("c", BERLIN, (2026, 11, 2), (12, 45), In),
        ev("d", BERLIN, (2026, 11, 2), (17, 0), Out),
    ];
    let day = day0(&e, &rules(), period1(2026, 11, 2));
    assert_eq!(day.gross_minutes, 180 + 255);
    assert_eq!(day.break_taken_minutes, 45);
    assert_eq!(
        day.break_deducted_minutes, 0,
        "45 min taken covers the 30 min rule"
    );
    assert_eq!(day.worked_minutes, 435);
    assert_eq!(day.sessions.len(), 2);
}

#[test]
fn rounding_modes_on_the_local_grid() {
    let e = [
        ev("a", BERLIN, (2026, 11, 2), (8, 53), In),
        ev("b", BERLIN, (2026, 11, 2), (17, 7), Out),
    ];
    let mut r = rules();
    r.breaks.clear();
    r.rounding_minutes = 15;
    r.rounding = Rounding::Nearest;
    assert_eq!(
        day0(&e, &r, period1(2026, 11, 2)).worked_minutes,
        8 * 60,
        "09:00–17:00"
    );
    r.rounding = Rounding::InUpOutDown;
    assert_eq!(
        day0(&e, &r, period1(2026, 11, 2)).worked_minutes,
        8 * 60,
        "09:00–17:00"
    );
    r.rounding = Rounding::InDownOutUp;
    assert_eq!(
        day0(&e, &r, period1(2026, 11, 2)).worked_minutes,
        8 * 60 + 30,
        "08:45–17:15"
    );
    // India is UTC+5:30: a 10-minute grid must still land on local :00/:10.
    let kolkata: Tz = chrono_tz::Asia::Kolkata;
    let mut r = Rules::standard(kolkata);
    r.breaks.clear();
    r.rounding_minutes = 10;
    let e = [
        ev("a", kolkata, (2026, 11, 2), (9, 4), In),
        ev("b", kolkata, (2026, 11, 2), (9, 56), Out),
    ];
    assert_eq!(
        day0(&e, &r, period1(2026, 11, 2)).worked_minutes,
        60,
        "09:00–10:00 local"
    );
}

#[test]
fn missing_out_is_auto_closed_with_a_flag_or_flagged() {
    let e = [ev("a", BERLIN, (2026, 11, 2), (9, 0), In)];
    let mut r = rules();
    r.breaks.clear();
    r.auto_close_at = NaiveTime::from_hms_opt(18, 0, 0);
    let day = day0(&e, &r, period1(2026, 11, 2));
    assert_eq!(day.worked_minutes, 9 * 60, "closed at 18:00");
    assert!(
        day.flags.contains(&Flag::AutoClosed),
        "never silently: {:?}",
        day.flags
    );
    r.auto_close_at = None;
    let day = day0(&e, &r, period1(2026, 11, 2));
    assert_eq!(day.worked_minutes, 0, "no auto-close: nothing counted");
    assert!(day.flags.contains(&Flag::MissingOut));
    // Two clock-ins in a row: the first is missing its clock-out even though time has not passed.
    let e = [
        ev("a", BERLIN, (2026, 11, 2), (9, 0), In),
        ev("b", BERLIN, (2026, 11, 2), (9, 30), In),
        ev("c", BERLIN, (2026, 11, 2), (10, 30), Out),
    ];
    r.auto_close_at = NaiveTime::from_hms_opt(18, 0, 0);
    let day = day0(&e, &r, period1(2026, 11, 2));
    assert_eq!(day.worked_minutes, 60, "only the paired session counts");
    assert!(day.flags.contains(&Flag::MissingOut));
}

#[test]
fn ongoing_session_is_open_not_missing() {
    let e = [ev("a", BERLIN, (2026, 11, 2), (9, 0), In)];
    let now = BERLIN
        .with_ymd_and_hms(2026, 11, 2, 11, 0, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    let ts = compute_timesheet(&e, &[], &rules(), period1(2026, 11, 2), None, now);
    let Ok(ts) = ts else { panic!("{:?}", ts.err()) };
    assert!(
        ts.days
            .first()
            .is_some_and(|d| d.flags.contains(&Flag::Open)),
        "still clocked in"
    );
}

#[test]
fn orphan_out_and_double_scans() {
    let e = [
        ev("a", BERLIN, (2026, 11, 2), (8, 0), Out),
        ev("b", BERLIN, (2026, 11, 2), (9, 0), In),
        ev("c", BERLIN, (2026, 11, 2), (9, 1), In),
        ev("d", BERLIN, (2026, 11, 2), (12, 0), Out),
    ];
    let mut r = rules();
    r.breaks.clear();
    let day = day0(&e, &r, period1(2026, 11, 2));
    assert!(day.flags.contains(&Flag::MissingIn), "08:00 out has no in");
    assert!(
        day.flags.contains(&Flag::DuplicateIgnored),
        "09:01 is a double scan"
    );
    assert_eq!(day.worked_minutes, 180, "09:00–12:00");
}

#[test]
fn out_of_order_events_give_the_same_result() {
    let mut e = vec![
        ev("a", BERLIN, (2026, 11, 2), (9, 0), In),
        ev("b", BERLIN, (2026, 11, 2), (12, 0), Out),
        ev("c", BERLIN, (2026, 11, 2), (13, 0), In),
        ev("d", BERLIN, (2026, 11, 2), (18, 0), Out),
    ];
    let sorted = day0(&e, &rules(), period1(2026, 11, 2));
    e.reverse();
    let shuffled = day0(&e, &rules(), period1(2026, 11, 2));
    assert_eq!(sorted, shuffled);
    assert_eq!(sorted.worked_minutes, 8 * 60);
}

#[test]
fn night_shifts_across_dst_changes_count_real_time() {
    let mut r = rules();
    r.breaks.clear();
    r.daily_overtime_after = None;
    // Spring forward: Berlin 2026-03-29 02:00 → 03:00. 22:00–06:00 local is 7 real hours.
    let e = [
        ev("a", BERLIN, (2026, 3, 28), (22, 0), In),
        ev("b", BERLIN, (2026, 3, 29), (6, 0), Out),
    ];
    let p = Period {
        start: d(2026, 3, 28),
        end: d(2026, 3, 29),
    };
    let ts = compute_timesheet(&e, &[], &r, p, None, later());
    let Ok(ts) = ts else { panic!("{:?}", ts.err()) };
    let (sat, sun) = (&ts.days[0], &ts.days[1]);
    assert_eq!(sat.worked_minutes, 7 * 60, "one hour lost to DST");
    assert!(sat.flags.contains(&Flag::ClockChange));
    assert_eq!(
        sun.worked_minutes, 0,
        "the shift belongs to the day it started"
    );
    // Fall back: 2026-10-25 03:00 → 02:00. 22:00–06:00 local is 9 real hours.
    let e = [
        ev("a", BERLIN, (2026, 10, 24), (22, 0), In),
        ev("b", BERLIN, (2026, 10, 25), (6, 0), Out),
    ];
    let p = Period {
        start: d(2026, 10, 24),
        end: d(2026, 10, 25),
    };
    let ts = compute_timesheet(&e, &[], &r, p, None, later());
    let Ok(ts) = ts else { panic!("{:?}", ts.err()) };
    assert_eq!(ts.days[0].worked_minutes, 9 * 60, "one hour gained");
    // Auto-close at a time that does not exist that night (02:30 on spring-forward day) still works.
    r.auto_close_at = NaiveTime::from_hms_opt(2, 30, 0);
    let e = [ev("a", BERLIN, (2026, 3, 28), (22, 0), In)];
    let p = Period {
        start: d(2026, 3, 28),
        end: d(2026, 3, 28),
    };
    let ts = compute_timesheet(&e, &[], &r, p, None, later());
    let Ok(ts) = ts else { panic!("{:?}", ts.err()) };
    assert!(ts.days[0].flags.contains(&Flag::AutoClosed));
    assert_eq!(
        ts.days[0].worked_minutes,
        4 * 60,
        "closed at 03:00 CEST = 4 real hours after 22:00 CET"
    );
}

#[test]
fn daily_and_weekly_overtime_do_not_double_count() {
    let mut r = rules();
    r.breaks.clear();
    // Mon 2026-11-02 .. Sat 2026-11-07: six 8-hour days = 48 h; no daily overtime, 8 h weekly.
    let mut e = Vec::new();
    for day in 2..=7 {
        e.push(ev(&format!("i{day}"), BERLIN, (2026, 11, day), (8, 0), In));
        e.push(ev(
            &format!("o{day}"),
            BERLIN,
            (2026, 11, day),
            (16, 0),
            Out,
        ));
    }
    // Plus a 10-hour Sunday: 2 h daily overtime; its other 8 h are beyond 40 h too.
    e.push(ev("i8", BERLIN, (2026, 11, 8), (8, 0), In));
    e.push(ev("o8", BERLIN, (2026, 11, 8), (18, 0), Out));
    let p = Period {
        start: d(2026, 11, 2),
        end: d(2026, 11, 8),
    };
    let ts = compute_timesheet(&e, &[], &r, p, None, later());
    let Ok(ts) = ts else { panic!("{:?}", ts.err()) };
    assert_eq!(ts.totals.worked_minutes, 58 * 60);
    assert_eq!(ts.totals.daily_overtime_minutes, 120);
    assert_eq!(ts.weeks.len(), 1, "Monday-start week");
    assert_eq!(
        ts.totals.weekly_overtime_minutes,
        (58 - 2 - 40) * 60,
        "weekly counts only non-daily-overtime minutes"
    );
    assert_eq!(ts.totals.overtime_minutes, 18 * 60);
    assert_eq!(ts.totals.days_worked, 7);
}

#[test]
fn periods_are_validated() {
    let e: [AttendanceEvent; 0] = [];
    let zero = Period {
        start: d(2026, 11, 2),
        end: d(2026, 11, 1),
    };
    assert!(matches!(
        compute_timesheet(&e, &[], &rules(), zero, None, later()),
        Err(Error::InvalidInput { .. })
    ));
    let long = Period {
        start: d(2026, 1, 1),
        end: d(2027, 2, 4),
    };
    assert!(
        long.days() == 400 && compute_timesheet(&e, &[], &rules(), long, None, later()).is_err()
    );
    let year = Period {
        start: d(2028, 1, 1),
        end: d(2028, 12, 31),
    };
    let ts = compute_timesheet(&e, &[], &rules(), year, None, later());
    assert!(
        ts.as_ref().is_ok_and(|t| t.days.len() == 366),
        "a leap year is fine"
    );
    let mut bad = rules();
    bad.rounding_minutes = 7;
    assert!(
        compute_timesheet(&e, &[], &bad, year, None, later()).is_err(),
        "7 does not divide 60"
    );
}

#[test]
fn no_events_gives_empty_days_without_flags() {
    let p = Period {
        start: d(2026, 11, 1),
        end: d(2026, 11, 30),
    };
    let ts = compute_timesheet(&[], &[], &rules(), p, None, later());
    let Ok(ts) = ts else { panic!("{:?}", ts.err()) };
    assert_eq!(ts.days.len(), 30);
    assert_eq!(ts.totals, Totals::default());
}

#[test]
fn corrections_need_a_reason_show_original_and_respect_the_lock() {
    let e = [ev("a", BERLIN, (2026, 11, 2), (9, 0), In)];
    let mut r = rules();
    r.auto_close_at = None;
    let out = ev("fix", BERLIN, (2026, 11, 2), (17, 0), Out);
    let at = Utc
        .with_ymd_and_hms(2026, 11, 3, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let c = Correction {
        action: CorrectionAction::Add { event: out },
        reason: "forgot to clock out".into(),
        by: "M. Manager".into(),
        at,
    };
    let p = period1(2026, 11, 2);
    let ts = compute_timesheet(&e, std::slice::from_ref(&c), &r, p, None, later());
    let Ok(ts) = ts else { panic!("{:?}", ts.err()) };
    let day = &ts.days[0];
    assert_eq!(
        day.worked_minutes,
        480 - 30 + 30 - 30,
        "09:00–17:00 minus 30 min break"
    );
    assert!(day.flags.contains(&Flag::Edited));
    assert_eq!(
        day.original.as_ref().map(|o| o.worked_minutes),
        Some(0),
        "original had a missing out"
    );
    assert_eq!(day.corrections, vec![c.clone()]);

    let mut no_reason = c.clone();
    no_reason.reason = "  ".into();
    assert!(
        compute_timesheet(&e, &[no_reason], &r, p, None, later()).is_err(),
        "reason is mandatory"
    );

    let approval = Approval {
        approver: "Boss".into(),
        at: at - chrono::Duration::hours(1),
    };
    assert!(matches!(
        compute_timesheet(
            &e,
            std::slice::from_ref(&c),
            &r,
            p,
            Some(approval.clone()),
            later()
        ),
        Err(Error::Locked(_))
    ));
    assert!(matches!(
        ensure_editable(Some(&approval)),
        Err(Error::Locked(_))
    ));
    assert!(ensure_editable(None).is_ok());

    let unknown = Correction {
        action: CorrectionAction::Remove {
            event_id: "nope".into(),
        },
        ..c
    };
    assert!(
        compute_timesheet(&e, &[unknown], &r, p, None, later()).is_err(),
        "unknown event id"
    );
}
