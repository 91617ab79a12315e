//! A site's attendance settings: how clock events become worked minutes. This is the stored and edited
//! form (what the settings screen shows); [`AttendanceRules::to_rules`] checks it and turns it into the
//! engine's [`Rules`] for a time zone. The defaults here are the only ones: [`Rules::standard`] is
//! built from them.

use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Whether a clock event starts or ends a stretch of work (`IN` / `OUT` in JSON and in the database).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Direction"))]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(rename_all = "UPPERCASE"))]
pub enum ClockDirection {
    /// Clocking in: the start of a stretch of work.
    #[serde(rename = "IN")]
    In,
    /// Clocking out: the end of a stretch of work.
    #[serde(rename = "OUT")]
    Out,
}

impl ClockDirection {
    /// The stored form, `IN` or `OUT`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockDirection::In => "IN",
            ClockDirection::Out => "OUT",
        }
    }

    /// Reads the stored form; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "IN" => Some(ClockDirection::In),
            "OUT" => Some(ClockDirection::Out),
            _ => None,
        }
    }
}

/// How clock times are rounded before minutes are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RoundingMode"))]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Both ends to the nearest step.
    Nearest,
    /// Clock-in rounded up, clock-out down (never pays unworked minutes).
    InUpOutDown,
    /// Clock-in rounded down, clock-out up (in the employee's favour).
    InDownOutUp,
}

/// A break rule: when a day's worked time reaches `after_minutes`, at least `deduct_minutes` of break
/// must be taken; gaps between sessions count as break taken, the rest is deducted automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BreakRule {
    pub after_minutes: u32,
    pub deduct_minutes: u32,
}

/// A site's attendance rules, used by every timesheet of its employees. Missing fields take the
/// defaults, so sites that never set them keep the standard figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct AttendanceRules {
    /// Rounding step in minutes (0 or 1: none); must divide an hour.
    pub rounding_minutes: u32,
    pub rounding: Rounding,
    pub breaks: Vec<BreakRule>,
    /// Worked minutes per day above which minutes are overtime (`None`: no daily overtime).
    pub daily_overtime_after_minutes: Option<u32>,
    /// Worked minutes per week, not already daily overtime, above which minutes are overtime.
    pub weekly_overtime_after_minutes: Option<u32>,
    /// Local time (HH:MM) at which a session without a clock-out is closed (flagged); `None` counts
    /// nothing for it.
    pub auto_close_time: Option<String>,
    /// A clock-in with no clock-out within this many hours is missing its clock-out (1 to 48).
    pub max_session_hours: u32,
    /// A second scan of the same direction within this many minutes is ignored (0 to 60).
    pub duplicate_window_minutes: u32,
}

/// The standard rules: no rounding, 30 min break after 6 h and 45 min after 9 h, 8 h/day and 40 h/week
/// overtime, auto-close at 23:59, sessions up to 16 h, double scans within 2 min ignored.
impl Default for AttendanceRules {
    fn default() -> Self {
        Self {
            rounding_minutes: 0,
            rounding: Rounding::Nearest,
            breaks: vec![
                BreakRule {
                    after_minutes: 6 * 60,
                    deduct_minutes: 30,
                },
                BreakRule {
                    after_minutes: 9 * 60,
                    deduct_minutes: 45,
                },
            ],
            daily_overtime_after_minutes: Some(8 * 60),
            weekly_overtime_after_minutes: Some(40 * 60),
            auto_close_time: Some("23:59".into()),
            max_session_hours: 16,
            duplicate_window_minutes: 2,
        }
    }
}

const DAY_MINUTES: u32 = 24 * 60;

/// A rounding step must divide an hour so steps land on the same minutes every hour.
fn check_rounding(step: u32) -> Result<()> {
    if step > 1 && 60 % step != 0 {
        return Err(Error::invalid(
            "rounding_minutes",
            format!("{step} min does not divide an hour (use e.g. 5, 6, 10, 15, 30)"),
        ));
    }
    Ok(())
}

fn check_max_session(hours: u32) -> Result<()> {
    if !(1..=48).contains(&hours) {
        return Err(Error::invalid("max_session_hours", "must be 1 to 48 hours"));
    }
    Ok(())
}

fn parse_auto_close(t: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(t, "%H:%M")
        .map_err(|_| Error::invalid("auto_close_time", "use HH:MM, e.g. 23:59"))
}

impl AttendanceRules {
    /// Checks every field; errors name the field (`rounding_minutes`, `breaks`, ...).
    pub fn validate(&self) -> Result<()> {
        check_rounding(self.rounding_minutes)?;
        if self.breaks.len() > 10
            || self
                .breaks
                .iter()
                .any(|b| b.after_minutes > DAY_MINUTES || b.deduct_minutes > b.after_minutes)
        {
            return Err(Error::invalid(
                "breaks",
                "each break must come within a day and be shorter than the time worked before it",
            ));
        }
        if self
            .daily_overtime_after_minutes
            .is_some_and(|m| m > DAY_MINUTES)
        {
            return Err(Error::invalid(
                "daily_overtime_after_minutes",
                "must be at most 24 hours",
            ));
        }
        if self
            .weekly_overtime_after_minutes
            .is_some_and(|m| m > 7 * DAY_MINUTES)
        {
            return Err(Error::invalid(
                "weekly_overtime_after_minutes",
                "must be at most a week",
            ));
        }
        self.auto_close_time
            .as_deref()
            .map(parse_auto_close)
            .transpose()?;
        check_max_session(self.max_session_hours)?;
        if self.duplicate_window_minutes > 60 {
            return Err(Error::invalid(
                "duplicate_window_minutes",
                "must be 0 to 60 minutes",
            ));
        }
        Ok(())
    }

    /// The engine's form of these settings in the site's time zone, after [`Self::validate`].
    pub fn to_rules(&self, tz: Tz) -> Result<Rules> {
        self.validate()?;
        Ok(self.rules_in(tz))
    }

    /// The engine's form without validation; an unreadable auto-close time means none.
    fn rules_in(&self, tz: Tz) -> Rules {
        Rules {
            tz,
            rounding_minutes: self.rounding_minutes,
            rounding: self.rounding,
            breaks: self.breaks.clone(),
            daily_overtime_after: self.daily_overtime_after_minutes,
            weekly_overtime_after: self.weekly_overtime_after_minutes,
            week_starts: Weekday::Mon,
            auto_close_at: self
                .auto_close_time
                .as_deref()
                .and_then(|t| parse_auto_close(t).ok()),
            max_session_hours: self.max_session_hours,
            duplicate_window_minutes: self.duplicate_window_minutes,
        }
    }
}

/// A site's attendance rules in the engine's form (see [`AttendanceRules`] for the settings form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub tz: Tz,
    /// Step in minutes (0 or 1: no rounding). Must divide 60.
    pub rounding_minutes: u32,
    pub rounding: Rounding,
    pub breaks: Vec<BreakRule>,
    /// Worked minutes per day above which minutes are overtime.
    pub daily_overtime_after: Option<u32>,
    /// Worked minutes per week (not already daily overtime) above which minutes are overtime.
    pub weekly_overtime_after: Option<u32>,
    pub week_starts: Weekday,
    /// A session with no clock-out is closed at this local time (flagged), if set; otherwise it counts
    /// nothing and is flagged as missing its clock-out.
    pub auto_close_at: Option<NaiveTime>,
    /// A clock-in with no clock-out within this many hours is treated as missing its clock-out.
    pub max_session_hours: u32,
    /// A second event of the same direction within this many minutes is a double scan and ignored.
    pub duplicate_window_minutes: u32,
}

impl Rules {
    /// The standard rules ([`AttendanceRules::default`]) in `tz`.
    pub fn standard(tz: Tz) -> Rules {
        AttendanceRules::default().rules_in(tz)
    }

    pub(crate) fn validate(&self) -> Result<()> {
        check_rounding(self.rounding_minutes)?;
        check_max_session(self.max_session_hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_are_the_standard_rules() {
        let tz = chrono_tz::Europe::London;
        let rules = AttendanceRules::default().to_rules(tz);
        assert_eq!(
            rules.as_ref().ok(),
            Some(&Rules::standard(tz)),
            "the settings' defaults are the engine's standard rules: defaults exist once"
        );
    }

    #[test]
    fn errors_name_the_field() {
        let bad = |r: AttendanceRules| match r.validate() {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        };
        let base = AttendanceRules::default();
        assert_eq!(
            bad(AttendanceRules {
                rounding_minutes: 7,
                ..base.clone()
            }),
            "rounding_minutes",
            "7 does not divide 60"
        );
        assert_eq!(
            bad(AttendanceRules {
                auto_close_time: Some("25:00".into()),
                ..base.clone()
            }),
            "auto_close_time",
            "there is no 25 o'clock"
        );
        assert_eq!(
            bad(AttendanceRules {
                max_session_hours: 0,
                ..base.clone()
            }),
            "max_session_hours",
            "a session must be allowed at least an hour"
        );
        assert_eq!(
            bad(AttendanceRules {
                breaks: vec![BreakRule {
                    after_minutes: 60,
                    deduct_minutes: 90,
                }],
                ..base
            }),
            "breaks",
            "a break cannot be longer than the time worked before it"
        );
    }

    #[test]
    fn direction_round_trips_its_stored_form() {
        for d in [ClockDirection::In, ClockDirection::Out] {
            assert_eq!(ClockDirection::parse(d.as_str()), Some(d), "{d:?}");
        }
        assert_eq!(
            ClockDirection::parse("in"),
            None,
            "stored form is upper case"
        );
    }
}
