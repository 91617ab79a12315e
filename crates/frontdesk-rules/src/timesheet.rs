//! The attendance rules engine: pairing, auto-close, rounding, breaks, overtime, corrections and
//! approval locking.
//!
//! All figures are integer minutes. Sessions are measured in real elapsed time (UTC), so a night that
//! loses or gains an hour at a DST change is paid as worked; days are the site's local calendar days.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::{ClockDirection, Error, Period, Result, Rounding, Rules};

/// One clock event (face, PIN or manual), as stored by the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceEvent {
    /// Stable id (the core's UUID), so corrections can refer to it.
    pub id: String,
    pub at: DateTime<Utc>,
    pub direction: ClockDirection,
}

/// A manager's change to the clock events, with a mandatory reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub action: CorrectionAction,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorrectionAction {
    /// Add a missing event (e.g. a forgotten clock-out).
    Add { event: AttendanceEvent },
    /// Remove a wrong event (e.g. a false face match).
    Remove { event_id: String },
    /// Move an event to another time.
    Move { event_id: String, to: DateTime<Utc> },
}

/// Sign-off of a period; once approved the period is locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub approver: String,
    pub at: DateTime<Utc>,
}

/// Refuses edits to an approved period.
pub fn ensure_editable(approval: Option<&Approval>) -> Result<()> {
    match approval {
        Some(a) => Err(Error::Locked(format!(
            "approved by {} at {}",
            a.approver,
            a.at.format("%Y-%m-%d %H:%M UTC")
        ))),
        None => Ok(()),
    }
}

/// Something on a day a manager should look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// A clock-in without a clock-out; nothing counted for it.
    MissingOut,
    /// A clock-in without a clock-out, closed automatically at the site's auto-close time.
    AutoClosed,
    /// A clock-out without a clock-in; nothing counted for it.
    MissingIn,
    /// Still clocked in (the session is ongoing).
    Open,
    /// A repeated scan was ignored.
    DuplicateIgnored,
    /// A break was deducted automatically.
    BreakDeducted,
    /// The local clock changed (DST) during a session; real elapsed time was counted.
    ClockChange,
    /// Events were corrected by a manager.
    Edited,
}

impl Flag {
    pub fn label(self) -> &'static str {
        match self {
            Flag::MissingOut => "missing out",
            Flag::AutoClosed => "auto-closed",
            Flag::MissingIn => "missing in",
            Flag::Open => "still in",
            Flag::DuplicateIgnored => "double scan",
            Flag::BreakDeducted => "break deducted",
            Flag::ClockChange => "clock change",
            Flag::Edited => "edited",
        }
    }
}

/// A paired (or unpaired) stretch of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub start: DateTime<Utc>,
    /// `None` when the clock-out is missing or the session is still open.
    pub end: Option<DateTime<Utc>>,
    /// Minutes counted after rounding.
    pub minutes: i64,
    pub flags: Vec<Flag>,
}

/// Figures for one local day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaySummary {
    pub date: NaiveDate,
    pub first_in: Option<DateTime<Utc>>,
    pub last_out: Option<DateTime<Utc>>,
    pub sessions: Vec<Session>,
    /// Sum of session minutes.
    pub gross_minutes: i64,
    /// Gaps between sessions.
    pub break_taken_minutes: i64,
    /// Break deducted automatically on top of the gaps.
    pub break_deducted_minutes: i64,
    pub worked_minutes: i64,
    pub daily_overtime_minutes: i64,
    pub flags: BTreeSet<Flag>,
    /// The figures before corrections, when this day was edited.
    pub original: Option<Box<DaySummary>>,
    /// Reasons of the corrections touching this day.
    pub corrections: Vec<Correction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekSummary {
    pub start: NaiveDate,
    pub worked_minutes: i64,
    pub daily_overtime_minutes: i64,
    pub weekly_overtime_minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub worked_minutes: i64,
    pub break_minutes: i64,
    pub daily_overtime_minutes: i64,
    pub weekly_overtime_minutes: i64,
    pub overtime_minutes: i64,
    pub days_worked: u32,
    pub flagged_days: u32,
}

/// The computed timesheet of one employee for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timesheet {
    pub period: Period,
    pub tz: Tz,
    /// Every day of the period, including days without events.
    pub days: Vec<DaySummary>,
    pub weeks: Vec<WeekSummary>,
    pub totals: Totals,
    pub approval: Option<Approval>,
}

fn local_offset_secs(tz: Tz, t: DateTime<Utc>) -> i64 {
    i64::from(
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc(),
    )
}

#[derive(Clone, Copy)]
enum RoundDir {
    Nearest,
    Up,
    Down,
}

/// Rounds an instant on the site's local clock grid (so 15-minute steps land on :00/:15 even in
/// zones offset by :30 or :45), and drops seconds.
fn round(t: DateTime<Utc>, step_min: u32, dir: RoundDir, tz: Tz) -> DateTime<Utc> {
    let secs = t.timestamp();
    let step = i64::from(step_min.max(1)) * 60;
    let local = secs + local_offset_secs(tz, t);
    let floor = local.div_euclid(step) * step;
    let rem = local - floor;
    let rounded = match dir {
        RoundDir::Down => floor,
        RoundDir::Up if rem == 0 => floor,
        RoundDir::Up => floor + step,
        RoundDir::Nearest if rem * 2 >= step => floor + step,
        RoundDir::Nearest => floor,
    };
    let out = secs + (rounded - local);
    DateTime::from_timestamp(out, 0).unwrap_or(t)
}

fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The instant of local `time` on local `date`; in a DST gap the first valid instant after it.
fn local_instant(date: NaiveDate, time: NaiveTime, tz: Tz) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::new(date, time);
    for shift in [0, 30, 60, 90, 120] {
        if let Some(t) = tz
            .from_local_datetime(&(naive + Duration::minutes(shift)))
            .earliest()
        {
            return Some(t.with_timezone(&Utc));
        }
    }
    None
}

struct RawSession {
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    flags: Vec<Flag>,
}

/// Applies corrections to the event list (order of corrections is the order they were made).
fn apply_corrections(
    events: &[AttendanceEvent],
    corrections: &[Correction],
) -> Result<Vec<AttendanceEvent>> {
    let mut out = events.to_vec();
    for c in corrections {
        if c.reason.trim().is_empty() {
            return Err(Error::invalid("reason", "a correction needs a reason"));
        }
        if c.by.trim().is_empty() {
            return Err(Error::invalid(
                "by",
                "a correction needs the name of who made it",
            ));
        }
        match &c.action {
            CorrectionAction::Add { event } => out.push(event.clone()),
            CorrectionAction::Remove { event_id } => {
                let before = out.len();
                out.retain(|e| &e.id != event_id);
                if out.len() == before {
                    return Err(Error::invalid(
                        "event_id",
                        format!("correction removes unknown event {event_id}"),
                    ));
                }
            }
            CorrectionAction::Move { event_id, to } => {
                let e = out.iter_mut().find(|e| &e.id == event_id).ok_or_else(|| {
                    Error::invalid(
                        "event_id",
                        format!("correction moves unknown event {event_id}"),
                    )
                })?;
                e.at = *to;
            }
        }
    }
    Ok(out)
}

/// Dates a correction touches (old and new positions of the events), in site time.
fn correction_dates(events: &[AttendanceEvent], c: &Correction, tz: Tz) -> Vec<NaiveDate> {
    let find = |id: &str| {
        events
            .iter()
            .find(|e| e.id == id)
            .map(|e| local_date(e.at, tz))
    };
    match &c.action {
        CorrectionAction::Add { event } => vec![local_date(event.at, tz)],
        CorrectionAction::Remove { event_id } => find(event_id).into_iter().collect(),
        CorrectionAction::Move { event_id, to } => {
            let mut v: Vec<NaiveDate> = find(event_id).into_iter().collect();
            v.push(local_date(*to, tz));
            v
        }
    }
}

/// Pairs sorted events into sessions; unpaired events become flagged sessions.
fn pair(
    events: &mut [AttendanceEvent],
    rules: &Rules,
    now: DateTime<Utc>,
) -> (Vec<RawSession>, Vec<(NaiveDate, Flag)>) {
    // Out-of-order input is normal (sync from several PCs): sort by time, then id for stability.
    events.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    let tz = rules.tz;
    let dup = Duration::minutes(i64::from(rules.duplicate_window_minutes));
    let max = Duration::hours(i64::from(rules.max_session_hours));
    let mut sessions = Vec::new();
    let mut day_flags = Vec::new();
    let mut open: Option<DateTime<Utc>> = None;
    let mut last: Option<(ClockDirection, DateTime<Utc>)> = None;
    // An unclosed session: auto-closed if the auto-close time has passed (before the next event, if any),
    // still open if nothing followed it and it is recent, otherwise flagged as missing its clock-out.
    let close_missing =
        |start: DateTime<Utc>, later: Option<DateTime<Utc>>, sessions: &mut Vec<RawSession>| {
            let auto = rules.auto_close_at.and_then(|t| {
                let d = local_date(start, tz);
                let candidate = local_instant(d, t, tz)
                    .filter(|c| *c > start)
                    .or_else(|| d.succ_opt().and_then(|d2| local_instant(d2, t, tz)))?;
                Some(candidate.min(start + max))
            });
            let limit = later.unwrap_or(now);
            match auto {
                Some(end) if end <= limit => sessions.push(RawSession {
                    start,
                    end: Some(end),
                    flags: vec![Flag::AutoClosed],
                }),
                _ if later.is_none() && start + max > now => sessions.push(RawSession {
                    start,
                    end: None,
                    flags: vec![Flag::Open],
                }),
                _ => sessions.push(RawSession {
                    start,
                    end: None,
                    flags: vec![Flag::MissingOut],
                }),
            }
        };
    for e in events.iter() {
        if let Some((dir, at)) = last
            && dir == e.direction
            && e.at - at <= dup
        {
            day_flags.push((local_date(e.at, tz), Flag::DuplicateIgnored));
            continue;
        }
        last = Some((e.direction, e.at));
        match (e.direction, open) {
            (ClockDirection::In, None) => open = Some(e.at),
            (ClockDirection::In, Some(start)) => {
                close_missing(start, Some(e.at), &mut sessions);
                open = Some(e.at);
            }
            (ClockDirection::Out, Some(start)) if e.at - start <= max => {
                sessions.push(RawSession {
                    start,
                    end: Some(e.at),
                    flags: Vec::new(),
                });
                open = None;
            }
            (ClockDirection::Out, Some(start)) => {
                close_missing(start, Some(e.at), &mut sessions);
                day_flags.push((local_date(e.at, tz), Flag::MissingIn));
                open = None;
            }
            (ClockDirection::Out, None) => day_flags.push((local_date(e.at, tz), Flag::MissingIn)),
        }
    }
    if let Some(start) = open {
        close_missing(start, None, &mut sessions);
    }
    (sessions, day_flags)
}

fn summarise(
    events: &[AttendanceEvent],
    rules: &Rules,
    period: Period,
    now: DateTime<Utc>,
) -> Vec<DaySummary> {
    let tz = rules.tz;
    let mut evs = events.to_vec();
    let (raw, day_flags) = pair(&mut evs, rules, now);
    let step = rules.rounding_minutes;
    let (in_dir, out_dir) = match rules.rounding {
        Rounding::Nearest => (RoundDir::Nearest, RoundDir::Nearest),
        Rounding::InUpOutDown => (RoundDir::Up, RoundDir::Down),
        Rounding::InDownOutUp => (RoundDir::Down, RoundDir::Up),
    };
    let mut days: Vec<DaySummary> = period
        .start
        .iter_days()
        .take_while(|d| *d <= period.end)
        .map(|date| DaySummary {
            date,
            first_in: None,
            last_out: None,
            sessions: Vec::new(),
            gross_minutes: 0,
            break_taken_minutes: 0,
            break_deducted_minutes: 0,
            worked_minutes: 0,
            daily_overtime_minutes: 0,
            flags: BTreeSet::new(),
            original: None,
            corrections: Vec::new(),
        })
        .collect();
    let index = |d: NaiveDate| -> Option<usize> {
        if period.contains(d) {
            usize::try_from((d - period.start).num_days()).ok()
        } else {
            None
        }
    };
    for s in raw {
        // A session belongs to the day it started (night shifts stay on one line).
        let Some(i) = index(local_date(s.start, tz)) else {
            continue;
        };
        let Some(day) = days.get_mut(i) else { continue };
        let start = round(s.start, step, in_dir, tz);
        let (end, minutes) = match s.end {
            Some(e) => {
                let end = round(e, step, out_dir, tz).max(start);
                (Some(e), (end - start).num_minutes())
            }
            None => (None, 0),
        };
        let mut flags = s.flags;
        if let Some(e) = s.end
            && local_offset_secs(tz, s.start) != local_offset_secs(tz, e)
        {
            flags.push(Flag::ClockChange);
        }
        day.flags.extend(flags.iter().copied());
        day.first_in = Some(day.first_in.map_or(s.start, |f| f.min(s.start)));
        if let Some(e) = end {
            day.last_out = Some(day.last_out.map_or(e, |l| l.max(e)));
        }
        day.gross_minutes += minutes;
        day.sessions.push(Session {
            start: s.start,
            end,
            minutes,
            flags,
        });
    }
    for (d, f) in day_flags {
        if let Some(day) = index(d).and_then(|i| days.get_mut(i)) {
            day.flags.insert(f);
        }
    }
    for day in &mut days {
        let closed: Vec<&Session> = day.sessions.iter().filter(|s| s.end.is_some()).collect();
        day.break_taken_minutes = closed
            .windows(2)
            .filter_map(|w| match (w.first(), w.get(1)) {
                (Some(a), Some(b)) => a.end.map(|e| (b.start - e).num_minutes().max(0)),
                _ => None,
            })
            .sum();
        let required = rules
            .breaks
            .iter()
            .filter(|b| day.gross_minutes >= i64::from(b.after_minutes))
            .map(|b| i64::from(b.deduct_minutes))
            .max()
            .unwrap_or(0);
        let deduct = (required - day.break_taken_minutes)
            .max(0)
            .min(day.gross_minutes);
        if deduct > 0 {
            day.flags.insert(Flag::BreakDeducted);
        }
        day.break_deducted_minutes = deduct;
        day.worked_minutes = day.gross_minutes - deduct;
        day.daily_overtime_minutes = rules
            .daily_overtime_after
            .map_or(0, |t| (day.worked_minutes - i64::from(t)).max(0));
    }
    days
}

fn week_start(d: NaiveDate, starts: Weekday) -> NaiveDate {
    let back = (7 + d.weekday().num_days_from_monday() - starts.num_days_from_monday()) % 7;
    d - Duration::days(i64::from(back))
}

/// Computes an employee's timesheet for `period`.
///
/// `events` may come in any order and may include events outside the period (a night shift that started
/// the day before is ignored; one starting on the last day is counted in full). `corrections` are applied
/// in order; each needs a reason, and none may be newer than the approval, which locks the period. `now`
/// decides whether an unclosed session is still ongoing.
pub fn compute_timesheet(
    events: &[AttendanceEvent],
    corrections: &[Correction],
    rules: &Rules,
    period: Period,
    approval: Option<Approval>,
    now: DateTime<Utc>,
) -> Result<Timesheet> {
    period.validate()?;
    rules.validate()?;
    if let Some(a) = &approval
        && let Some(late) = corrections.iter().find(|c| c.at > a.at)
    {
        return Err(Error::Locked(format!(
            "correction by {} at {} was made after approval by {} at {}",
            late.by, late.at, a.approver, a.at
        )));
    }
    let tz = rules.tz;
    let corrected_events = apply_corrections(events, corrections)?;
    let mut days = summarise(&corrected_events, rules, period, now);
    if !corrections.is_empty() {
        let original = summarise(events, rules, period, now);
        for c in corrections {
            for d in correction_dates(events, c, tz) {
                if let Some(i) = period
                    .contains(d)
                    .then(|| (d - period.start).num_days())
                    .and_then(|i| usize::try_from(i).ok())
                    && let (Some(day), Some(orig)) = (days.get_mut(i), original.get(i))
                {
                    if !day.corrections.contains(c) {
                        day.corrections.push(c.clone());
                    }
                    day.flags.insert(Flag::Edited);
                    if day.original.is_none() {
                        day.original = Some(Box::new(orig.clone()));
                    }
                }
            }
        }
    }
    // Weekly overtime on top of daily overtime, per (possibly partial) week of the period.
    let mut weeks: Vec<WeekSummary> = Vec::new();
    for day in &days {
        let ws = week_start(day.date, rules.week_starts);
        match weeks.last_mut() {
            Some(w) if w.start == ws => {
                w.worked_minutes += day.worked_minutes;
                w.daily_overtime_minutes += day.daily_overtime_minutes;
            }
            _ => weeks.push(WeekSummary {
                start: ws,
                worked_minutes: day.worked_minutes,
                daily_overtime_minutes: day.daily_overtime_minutes,
                weekly_overtime_minutes: 0,
            }),
        }
    }
    for w in &mut weeks {
        w.weekly_overtime_minutes = rules.weekly_overtime_after.map_or(0, |t| {
            (w.worked_minutes - w.daily_overtime_minutes - i64::from(t)).max(0)
        });
    }
    let mut totals = Totals::default();
    for d in &days {
        totals.worked_minutes += d.worked_minutes;
        totals.break_minutes += d.break_taken_minutes + d.break_deducted_minutes;
        totals.daily_overtime_minutes += d.daily_overtime_minutes;
        if d.worked_minutes > 0 {
            totals.days_worked += 1;
        }
        if d.flags.iter().any(|f| !matches!(f, Flag::BreakDeducted)) {
            totals.flagged_days += 1;
        }
    }
    totals.weekly_overtime_minutes = weeks.iter().map(|w| w.weekly_overtime_minutes).sum();
    totals.overtime_minutes = totals.daily_overtime_minutes + totals.weekly_overtime_minutes;
    Ok(Timesheet {
        period,
        tz,
        days,
        weeks,
        totals,
        approval,
    })
}

#[cfg(test)]
mod tests;
