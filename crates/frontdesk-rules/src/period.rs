//! Inclusive ranges of local dates, as timesheets, reports and exports cover them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// An inclusive range of local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Longest period a timesheet covers (a leap year).
pub const MAX_PERIOD_DAYS: i64 = 366;

impl Period {
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    pub fn validate(&self) -> Result<()> {
        let days = self.days();
        if days < 1 {
            return Err(Error::invalid(
                "period",
                format!(
                    "period {} – {} is empty (ends before it starts)",
                    self.start, self.end
                ),
            ));
        }
        if days > MAX_PERIOD_DAYS {
            return Err(Error::invalid(
                "period",
                format!("period of {days} days is longer than {MAX_PERIOD_DAYS} days"),
            ));
        }
        Ok(())
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.start && d <= self.end
    }
}
