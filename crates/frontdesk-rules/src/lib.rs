//! Frontdesk business rules, as pure functions: data and time in, results out. No IO, no database,
//! no rendering; `frontdesk-core` feeds them stored data and `frontdesk-docs` renders their results.
//!
//! - [`attendance`]: a site's attendance settings (rounding, breaks, overtime, auto-close) with their
//!   one set of defaults and their validation, and the clock direction of an event.
//! - [`timesheet`]: the rules engine: pairing, auto-close, rounding, breaks, overtime, DST-safe days,
//!   corrections and approval locking.
//! - [`period`]: inclusive ranges of local dates.
//! - [`schedule`]: when a scheduled export runs next and which period it covers.

pub mod attendance;
mod error;
pub mod period;
pub mod schedule;
pub mod timesheet;

pub use attendance::{AttendanceRules, BreakRule, ClockDirection, Rounding, Rules};
pub use error::{Error, Result};
pub use period::Period;
