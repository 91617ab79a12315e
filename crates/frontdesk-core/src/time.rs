//! Time conventions: instants are stored as UTC milliseconds since the Unix epoch; days are
//! interpreted in a site's IANA time zone, safely across DST changes.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// An instant as UTC milliseconds, the form every table stores.
pub fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A stored UTC-milliseconds value as an instant (the epoch for values chrono cannot hold).
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// An IANA zone name, or a validation error on `field` that says what is expected.
pub fn parse_tz(field: &str, name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        Error::validation(
            field,
            format!("unknown time zone {name:?}; use an IANA name such as Europe/London"),
        )
    })
}

/// Dates Frontdesk accepts: years 1 to 9999. Stored days are `YYYY-MM-DD` text, and a day's
/// neighbours and zone offsets must stay inside chrono's range (beyond it date arithmetic panics).
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// `date`, or a validation error naming `field` when it lies outside years 1 to 9999.
pub fn check_date(field: &str, date: NaiveDate) -> Result<NaiveDate> {
    if YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(Error::validation(
            field,
            format!("{date} is out of range; use a date in the years 1 to 9999"),
        ))
    }
}

/// `at`, or a validation error naming `field` when it lies outside years 1 to 9999 (UTC).
pub fn check_instant(field: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>> {
    check_date(field, at.date_naive()).map(|_| at)
}

/// The first instant of `date` in `tz`. On a day whose midnight does not exist (DST gap) this is the
/// first instant that does; on an ambiguous midnight, the earlier one.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    local_instant(tz, date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The instant a local wall-clock time in `tz` names. A time that does not exist (skipped by a
/// DST change) moves to the first one after it that does; an ambiguous time (repeated) is the
/// earlier instant.
pub fn local_instant(tz: Tz, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..(24 * 4) {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => return a.min(b).with_timezone(&Utc),
            LocalResult::None => match probe.checked_add_signed(chrono::Duration::minutes(15)) {
                Some(next) => probe = next,
                None => break,
            },
        }
    }
    Utc.from_utc_datetime(&probe)
}

/// `[start, end)` of a local calendar day as UTC milliseconds (23, 24 or 25 hours long).
pub fn day_range_ms(tz: Tz, date: NaiveDate) -> (i64, i64) {
    let next = date.succ_opt().unwrap_or(date);
    (to_ms(start_of_day(tz, date)), to_ms(start_of_day(tz, next)))
}

/// Today's date at a site in zone `tz`.
pub fn today_in(tz: Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// When a lockout ends, as the kiosk shows it: the local time at the site (`HH:MM`).
pub(crate) fn local_hhmm(tz: Tz, at_ms: i64) -> String {
    from_ms(at_ms)
        .with_timezone(&tz)
        .format("%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dst_days_have_their_real_length() {
        let tz: Tz = "Europe/London".parse().expect("known zone");
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).expect("date");
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).expect("date");
        let normal = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        let hours = |d| {
            let (a, b) = day_range_ms(tz, d);
            (b - a) / 3_600_000
        };
        assert_eq!(
            hours(spring),
            23,
            "clocks go forward: the day loses an hour"
        );
        assert_eq!(hours(autumn), 25, "clocks go back: the day gains an hour");
        assert_eq!(hours(normal), 24);
    }

    #[test]
    fn midnight_in_a_gap_starts_at_first_real_instant() {
        // Santiago skips from 00:00 to 01:00 on its spring-forward day.
        let tz: Tz = "America/Santiago".parse().expect("known zone");
        let d = NaiveDate::from_ymd_opt(2026, 9, 6).expect("date");
        let start = start_of_day(tz, d).with_timezone(&tz);
        assert_eq!(start.date_naive(), d);
        assert_eq!(start.format("%H:%M").to_string(), "01:00");
    }

    #[test]
    fn unknown_zone_names_the_field() {
        let err = parse_tz("time_zone", "Mars/Olympus").expect_err("not a zone");
        assert!(matches!(err, Error::Validation { ref field, .. } if field == "time_zone"));
    }
}
