//! Scheduled exports: when a schedule runs next (in the site's time zone, DST-safe) and which period a
//! run covers. The core runs due exports and writes the files (to a folder now; by email once
//! notifications exist).

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::{Error, Period, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Frequency {
    Daily,
    Weekly {
        weekday: Weekday,
    },
    /// On this day of the month (1–28, so every month has it).
    Monthly {
        day: u32,
    },
}

/// Which days a run exports, relative to the local date of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "period", rename_all = "snake_case")]
pub enum PeriodRule {
    PreviousDay,
    /// The last complete week (weeks start on the schedule's `week_starts`).
    PreviousWeek,
    PreviousMonth,
    /// The `days` days before the run date.
    LastDays {
        days: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSchedule {
    pub frequency: Frequency,
    /// Local time of day of the run.
    pub at: NaiveTime,
    pub tz: Tz,
    pub period: PeriodRule,
    pub week_starts: Weekday,
}

/// The instant of local `date` + `time`; inside a DST gap, the first valid instant after it.
fn resolve(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::new(date, time);
    (0..=8)
        .find_map(|i| {
            tz.from_local_datetime(&(naive + Duration::minutes(15 * i)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

impl ExportSchedule {
    /// Every Monday at 06:00 site time, exporting the previous week.
    pub fn weekly_monday(tz: Tz) -> ExportSchedule {
        ExportSchedule {
            frequency: Frequency::Weekly {
                weekday: Weekday::Mon,
            },
            at: NaiveTime::from_hms_opt(6, 0, 0).unwrap_or(NaiveTime::MIN),
            tz,
            period: PeriodRule::PreviousWeek,
            week_starts: Weekday::Mon,
        }
    }

    pub fn validate(&self) -> Result<()> {
        match (self.frequency, self.period) {
            (Frequency::Monthly { day }, _) if !(1..=28).contains(&day) => Err(Error::invalid(
                "day",
                format!("monthly schedule day {day} must be 1–28"),
            )),
            (_, PeriodRule::LastDays { days }) if !(1..=366).contains(&days) => {
                Err(Error::invalid(
                    "days",
                    format!("export period of {days} days must be 1–366"),
                ))
            }
            _ => Ok(()),
        }
    }

    fn runs_on(&self, d: NaiveDate) -> bool {
        match self.frequency {
            Frequency::Daily => true,
            Frequency::Weekly { weekday } => d.weekday() == weekday,
            Frequency::Monthly { day } => d.day() == day,
        }
    }

    /// The first run strictly after `after`.
    pub fn next_run_after(&self, after: DateTime<Utc>) -> Result<DateTime<Utc>> {
        self.validate()?;
        let start = after.with_timezone(&self.tz).date_naive();
        // Within 32 days every frequency has a run day.
        for d in start.iter_days().take(33) {
            if self.runs_on(d)
                && let Some(t) = resolve(self.tz, d, self.at)
                && t > after
            {
                return Ok(t);
            }
        }
        Err(Error::invalid("frequency", "schedule never runs"))
    }

    /// Runs that fell due in `(last_run, now]` (e.g. while the PC was off), oldest first, at most `cap`.
    pub fn due_runs(
        &self,
        last_run: DateTime<Utc>,
        now: DateTime<Utc>,
        cap: usize,
    ) -> Result<Vec<DateTime<Utc>>> {
        let mut out = Vec::new();
        let mut t = last_run;
        while out.len() < cap {
            let next = self.next_run_after(t)?;
            if next > now {
                break;
            }
            out.push(next);
            t = next;
        }
        Ok(out)
    }

    /// The period a run at `run` exports.
    pub fn period_for_run(&self, run: DateTime<Utc>) -> Result<Period> {
        self.validate()?;
        let today = run.with_timezone(&self.tz).date_naive();
        let bad = || Error::invalid("period", "date out of range");
        let p = match self.period {
            PeriodRule::PreviousDay => {
                let d = today.pred_opt().ok_or_else(bad)?;
                Period { start: d, end: d }
            }
            PeriodRule::PreviousWeek => {
                let back = (7 + today.weekday().num_days_from_monday()
                    - self.week_starts.num_days_from_monday())
                    % 7;
                let this_week = today - Duration::days(i64::from(back));
                Period {
                    start: this_week - Duration::days(7),
                    end: this_week - Duration::days(1),
                }
            }
            PeriodRule::PreviousMonth => {
                let first_this = today.with_day(1).ok_or_else(bad)?;
                let last_prev = first_this.pred_opt().ok_or_else(bad)?;
                Period {
                    start: last_prev.with_day(1).ok_or_else(bad)?,
                    end: last_prev,
                }
            }
            PeriodRule::LastDays { days } => Period {
                start: today - Duration::days(i64::from(days)),
                end: today - Duration::days(1),
            },
        };
        p.validate()?;
        Ok(p)
    }
}

/// A safe file name for an exported document: `timesheet_2026-11-02_2026-11-08_Zoe-Muller.pdf`.
pub fn export_file_name(kind: &str, period: Period, who: &str, extension: &str) -> String {
    let clean = |s: &str| -> String {
        let t: String = s
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        t.chars().take(60).collect()
    };
    let who = clean(who);
    let base = format!("{}_{}_{}", clean(kind), period.start, period.end);
    let ext = clean(extension);
    if who.is_empty() {
        format!("{base}.{ext}")
    } else {
        format!("{base}_{who}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    fn local(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        BERLIN
            .with_ymd_and_hms(y, m, d, h, mi, 0)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn weekly_monday_runs_at_six_local_and_exports_last_week() {
        let s = ExportSchedule::weekly_monday(BERLIN);
        // Saturday 21 Nov 2026 → Monday 23 Nov 06:00 CET (05:00 UTC).
        let next = s.next_run_after(local(2026, 11, 21, 9, 0));
        assert_eq!(next.ok(), Some(local(2026, 11, 23, 6, 0)));
        assert_eq!(
            local(2026, 11, 23, 6, 0).to_rfc3339(),
            "2026-11-23T05:00:00+00:00"
        );
        let p = s.period_for_run(local(2026, 11, 23, 6, 0));
        assert_eq!(
            p.ok(),
            Some(Period {
                start: date(2026, 11, 16),
                end: date(2026, 11, 22)
            })
        );
        // Exactly at run time, the next run is a week later.
        assert_eq!(
            s.next_run_after(local(2026, 11, 23, 6, 0)).ok(),
            Some(local(2026, 11, 30, 6, 0))
        );
    }

    #[test]
    fn dst_gap_and_catch_up() {
        // 02:30 does not exist in Berlin on 29 Mar 2026: the run happens at 03:00 CEST.
        let s = ExportSchedule {
            frequency: Frequency::Daily,
            at: NaiveTime::from_hms_opt(2, 30, 0).unwrap_or(NaiveTime::MIN),
            tz: BERLIN,
            period: PeriodRule::PreviousDay,
            week_starts: Weekday::Mon,
        };
        let next = s.next_run_after(local(2026, 3, 28, 12, 0));
        assert_eq!(next.ok(), Some(local(2026, 3, 29, 3, 0)));
        // The PC was off for three days: three runs are due, oldest first.
        let due = s
            .due_runs(local(2026, 3, 28, 12, 0), local(2026, 3, 31, 12, 0), 10)
            .unwrap_or_default();
        assert_eq!(due.len(), 3);
        assert!(due.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn monthly_and_last_days_periods() {
        let s = ExportSchedule {
            frequency: Frequency::Monthly { day: 1 },
            at: NaiveTime::from_hms_opt(7, 0, 0).unwrap_or(NaiveTime::MIN),
            tz: BERLIN,
            period: PeriodRule::PreviousMonth,
            week_starts: Weekday::Mon,
        };
        let p = s.period_for_run(local(2026, 3, 1, 7, 0));
        assert_eq!(
            p.ok(),
            Some(Period {
                start: date(2026, 2, 1),
                end: date(2026, 2, 28)
            })
        );
        let bad = ExportSchedule {
            frequency: Frequency::Monthly { day: 31 },
            ..s.clone()
        };
        assert!(
            bad.next_run_after(local(2026, 3, 1, 7, 0)).is_err(),
            "day 31 is refused"
        );
        let long = ExportSchedule {
            period: PeriodRule::LastDays { days: 400 },
            ..s
        };
        assert!(long.period_for_run(local(2026, 3, 1, 7, 0)).is_err());
    }

    #[test]
    fn file_names_are_safe() {
        let p = Period {
            start: date(2026, 11, 2),
            end: date(2026, 11, 8),
        };
        assert_eq!(
            export_file_name("timesheet", p, "Zoë Müller/../../etc", "pdf"),
            "timesheet_2026-11-02_2026-11-08_Zoë-Müller-etc.pdf"
        );
        assert_eq!(
            export_file_name("visit log", p, "", "csv"),
            "visit-log_2026-11-02_2026-11-08.csv"
        );
    }
}
