//! A point in time as a spreadsheet shows it: a date, or a local date and time in the policy's
//! timezone.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::ticket::When;

/// A point in time as a spreadsheet shows it: a date, or a local date and time (instants with
/// an offset are shown in the policy's timezone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum LocalTime {
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl LocalTime {
    pub(super) fn of(when: When, zone: Option<Tz>) -> LocalTime {
        match when {
            When::Date(date) => LocalTime::Date(date),
            When::Local(local) => LocalTime::DateTime(local),
            When::Fixed(fixed) => LocalTime::DateTime(match zone {
                Some(zone) => fixed.with_timezone(&zone).naive_local(),
                None => fixed.naive_local(),
            }),
        }
    }

    pub(super) fn date(self) -> NaiveDate {
        match self {
            LocalTime::Date(date) => date,
            LocalTime::DateTime(local) => local.date(),
        }
    }
}
