//! Natural-day and month arithmetic of RULES.md: window ends, warranty ends, period limits.

use chrono::{Days, Months, NaiveDate};

use crate::l10n::Texts;
use crate::policy::{Counting, Period, Window};
use crate::tr;

/// `date` + `days`, saturating at chrono's far future (never reached by real tickets).
pub(crate) fn plus_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` + `months`, clamped to the end of the month: 2025-01-31 + 1 month = 2025-02-28.
pub(crate) fn plus_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The end of a period limit "more than P from `start`": start + P (month-end clamped for
/// months). Used by `turnaround.unpaid-held` ("as-of date > quote date + 1 month").
pub(crate) fn period_end(start: NaiveDate, period: Period) -> NaiveDate {
    match period {
        Period::Months(months) => plus_months(start, months),
        Period::Days(days) => plus_days(start, days),
    }
}

/// The last covered date of a warranty-style period from `start`: month periods clamp, then
/// subtract a day (2024-02-29 + 12 months − 1 day = 2025-02-27); day periods include the day
/// of expiration (start + N days).
pub(crate) fn last_covered(start: NaiveDate, period: Period) -> NaiveDate {
    match period {
        Period::Months(months) => plus_months(start, months)
            .pred_opt()
            .unwrap_or(NaiveDate::MIN),
        Period::Days(days) => plus_days(start, days),
    }
}

/// The last allowed date of a natural-day window starting on `start`: inclusive counting
/// makes the start day 1 (start + N − 1), `after` counting starts the day after (start + N).
pub(crate) fn window_end(start: NaiveDate, window: &Window) -> NaiveDate {
    match window.counting {
        Counting::Inclusive => plus_days(start, window.days.saturating_sub(1)),
        Counting::After => plus_days(start, window.days),
    }
}

/// Calendar days from `earlier` to `later` (negative when `later` is earlier).
pub(crate) fn days_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    (later - earlier).num_days()
}

/// A period in words: `12 months`, `180 days` (`12个月`).
pub(crate) fn describe_period(texts: &Texts, period: Period) -> String {
    let (unit, n) = unit_and_count(period);
    tr!(texts, "period", unit = unit, n = n)
}

/// A period as an adjective: `12-month`, `180-day`.
pub(crate) fn period_adjective(texts: &Texts, period: Period) -> String {
    let (unit, n) = unit_and_count(period);
    tr!(texts, "period-adjective", unit = unit, n = n)
}

fn unit_and_count(period: Period) -> (&'static str, u32) {
    match period {
        Period::Months(months) => ("months", months),
        Period::Days(days) => ("days", days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::Column;

    use crate::testing::ymd as date;

    fn window(days: u32, counting: Counting) -> Window {
        Window {
            days,
            counting,
            from: Column::DeliveredAt,
            causes: Vec::new(),
            clause: "R1".into(),
        }
    }

    #[test]
    fn month_periods_clamp_then_subtract() {
        assert_eq!(
            last_covered(date(2024, 2, 29), Period::Months(12)),
            date(2025, 2, 27)
        );
        assert_eq!(
            last_covered(date(2025, 1, 31), Period::Months(12)),
            date(2026, 1, 30)
        );
        assert_eq!(
            last_covered(date(2024, 5, 1), Period::Months(12)),
            date(2025, 4, 30)
        );
        assert_eq!(plus_months(date(2025, 1, 31), 1), date(2025, 2, 28));
    }

    #[test]
    fn day_periods_include_the_day_of_expiration() {
        assert_eq!(
            last_covered(date(2025, 1, 1), Period::Days(180)),
            date(2025, 6, 30)
        );
        assert_eq!(
            last_covered(date(2025, 3, 1), Period::Days(60)),
            date(2025, 4, 30)
        );
    }

    #[test]
    fn windows_count_inclusive_or_after() {
        // JOINING: signed for May 1 → return by May 7, exchange by May 15.
        assert_eq!(
            window_end(date(2025, 5, 1), &window(7, Counting::Inclusive)),
            date(2025, 5, 7)
        );
        assert_eq!(
            window_end(date(2025, 5, 1), &window(15, Counting::Inclusive)),
            date(2025, 5, 15)
        );
        // Changkong: within 7 days after receipt.
        assert_eq!(
            window_end(date(2025, 5, 1), &window(7, Counting::After)),
            date(2025, 5, 8)
        );
    }

    #[test]
    fn period_limits_do_not_subtract() {
        assert_eq!(
            period_end(date(2025, 1, 31), Period::Months(1)),
            date(2025, 2, 28)
        );
        assert_eq!(
            period_end(date(2025, 3, 10), Period::Months(1)),
            date(2025, 4, 10)
        );
        assert_eq!(days_between(date(2025, 4, 10), date(2025, 4, 12)), 2);
        let en = Texts::of(crate::l10n::Lang::En);
        let zh = Texts::of(crate::l10n::Lang::ZhCn);
        assert_eq!(describe_period(en, Period::Months(12)), "12 months");
        assert_eq!(describe_period(en, Period::Months(1)), "1 month");
        assert_eq!(describe_period(zh, Period::Months(1)), "1个月");
        assert_eq!(period_adjective(en, Period::Days(60)), "60-day");
        assert_eq!(period_adjective(zh, Period::Days(60)), "60天");
    }
}
