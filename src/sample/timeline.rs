//! Date and time arithmetic for building ticket timelines, and the sample's fixed bounds.

use chrono::{Days, Months, NaiveDate, NaiveDateTime, NaiveTime};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::ticket::When;

/// A calendar date from literal parts (only ever called with valid constants).
pub(super) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The first date a sample ticket may carry.
pub(super) fn first_date() -> NaiveDate {
    ymd(2025, 1, 1)
}

/// The last date a sample ticket may carry: the day before the sample as-of.
pub(super) fn last_date() -> NaiveDate {
    ymd(2026, 11, 14)
}

/// The as-of the sample's known answers hold for: `--as-of 2026-11-15`, the end of that day.
pub(super) fn as_of() -> NaiveDateTime {
    ymd(2026, 11, 15).and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
}

pub(super) fn plus_days(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap_or(date)
}

/// `date` + `months`, clamped to the month's end (2025-01-31 + 1 month = 2025-02-28).
pub(super) fn plus_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(date)
}

/// Last covered date of a month period: start + M months (clamped) − 1 day.
pub(super) fn months_last_covered(start: NaiveDate, months: u32) -> NaiveDate {
    plus_days(plus_months(start, months), -1)
}

/// A local date and time.
pub(super) fn at(date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN))
}

pub(super) fn local(datetime: NaiveDateTime) -> Option<When> {
    Some(When::Local(datetime))
}

/// A random date in `from..=to` (`from` when the range is empty).
pub(super) fn date_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    if span <= 0 {
        return from;
    }
    plus_days(from, rng.random_range(0..=span))
}

/// A whole-minute time of day between `from_hour:00` and `to_hour:59`.
pub(super) fn time_between(
    rng: &mut ChaCha8Rng,
    date: NaiveDate,
    from_hour: u32,
    to_hour: u32,
) -> NaiveDateTime {
    at(
        date,
        rng.random_range(from_hour..=to_hour),
        rng.random_range(0..60),
    )
}

/// `start` plus a whole number of minutes.
pub(super) fn plus_minutes(start: NaiveDateTime, minutes: i64) -> NaiveDateTime {
    start + chrono::Duration::minutes(minutes)
}

/// A moment on `date` in office hours, strictly after `after` when that is the same day.
pub(super) fn office_time_after(
    rng: &mut ChaCha8Rng,
    date: NaiveDate,
    after: NaiveDateTime,
) -> NaiveDateTime {
    let candidate = time_between(rng, date, 9, 18);
    if candidate > after {
        candidate
    } else {
        plus_minutes(after, rng.random_range(20..=180))
    }
}

/// Hours past a limit, rounded half-up to one decimal, as RULES.md states late-by for hour SLAs.
pub(super) fn hours_late(elapsed_seconds: i64, limit_hours: i64) -> Decimal {
    let late = Decimal::from(elapsed_seconds - limit_hours * 3600) / Decimal::from(3600);
    let mut rounded = late.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(1);
    rounded
}

/// Whole yuan as a two-decimal amount.
pub(super) fn yuan(amount: i64) -> Decimal {
    Decimal::new(amount * 100, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_periods_clamp_then_subtract() {
        assert_eq!(months_last_covered(ymd(2024, 2, 29), 12), ymd(2025, 2, 27));
        assert_eq!(months_last_covered(ymd(2025, 1, 31), 12), ymd(2026, 1, 30));
        assert_eq!(plus_months(ymd(2025, 1, 31), 1), ymd(2025, 2, 28));
    }

    #[test]
    fn hour_lateness_rounds_half_up_to_one_decimal() {
        assert_eq!(hours_late(24 * 3600 + 60, 24).to_string(), "0.0");
        assert_eq!(hours_late(30 * 3600 + 30 * 60, 24).to_string(), "6.5");
        assert_eq!(hours_late(24 * 3600 + 3 * 60, 24).to_string(), "0.1");
        assert_eq!(hours_late(57 * 3600 + 59 * 60 + 59, 24).to_string(), "34.0");
    }
}
