//! The calendar horizon: a warning, well before it happens, that a run's as-of is about to pass
//! the last day a calendar covers (OUTPUTS.md, "Calendar horizon"). After that day the
//! working-day rules can no longer be evaluated, since a year is never estimated; the warning
//! says which year to add and where the instructions are.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::Calendar;
use crate::l10n::{Lang, Texts};
use crate::tr;

/// How many days before the last covered day the warning starts. Inclusive: an as-of exactly
/// this many days before the last covered day warns, one day earlier does not.
pub const HORIZON_DAYS: i64 = 60;

/// An as-of within [`HORIZON_DAYS`] of the last day a calendar covers, or past it. Its
/// `Display` is the warning's text, e.g. `calendar cn covers working days up to 2026-12-31,
/// 46 days after the as-of 2026-11-15: add 2027 from the State Council's holiday notice
/// (docs/CALENDARS.md)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HorizonWarning {
    /// The calendar's id.
    pub calendar: String,
    /// The last day the calendar covers: 31 December of its last year.
    pub last_covered: NaiveDate,
    /// The as-of date the warning was computed for.
    pub as_of: NaiveDate,
    /// `last_covered - as_of` in days: 0 to [`HORIZON_DAYS`], or negative when the as-of is
    /// already past the last covered day.
    pub days_left: i64,
    /// The first year to add (the year after the last covered one).
    pub add_from: i32,
    /// The last year to add: `add_from`, or the as-of's year when that is later.
    pub add_to: i32,
}

impl HorizonWarning {
    /// The warning in the language of `texts`.
    pub fn text(&self, texts: &Texts) -> String {
        let relation = match self.days_left {
            0 => tr!(texts, "horizon-on-the-day", as_of = self.as_of),
            n => tr!(
                texts,
                "horizon-relation",
                days = tr!(texts, "days", n = n.abs()),
                side = if n > 0 { "after" } else { "before" },
                as_of = self.as_of
            ),
        };
        let years = if self.add_from == self.add_to {
            self.add_from.to_string()
        } else {
            tr!(
                texts,
                "horizon-years",
                from = self.add_from,
                to = self.add_to
            )
        };
        tr!(
            texts,
            "horizon-warning",
            calendar = self.calendar,
            last = self.last_covered,
            relation = relation,
            years = years,
            notice = tr!(texts, "horizon-notice", calendar = self.calendar)
        )
    }
}

impl fmt::Display for HorizonWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Texts::of(Lang::En)))
    }
}

impl Calendar {
    /// The last day the calendar covers: 31 December of its last year.
    pub fn last_covered_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.last_year, 12, 31).expect("covered years are valid years")
    }
}

/// `Some` when `as_of` is within [`HORIZON_DAYS`] days of the last day `calendar` covers
/// (inclusive: exactly 60 days before warns, 61 does not), or already past it; `None` while
/// more than [`HORIZON_DAYS`] covered days are left.
///
/// Pure: the caller decides which calendars a run uses and where the warning is shown.
pub fn horizon_warning(calendar: &Calendar, as_of: NaiveDate) -> Option<HorizonWarning> {
    let last_covered = calendar.last_covered_day();
    let days_left = (last_covered - as_of).num_days();
    if days_left > HORIZON_DAYS {
        return None;
    }
    let add_from = calendar.last_year + 1;
    Some(HorizonWarning {
        calendar: calendar.id.clone(),
        last_covered,
        as_of,
        days_left,
        add_from,
        add_to: add_from.max(as_of.year()),
    })
}

/// [`horizon_warning`] for each of `calendars` (e.g. the ones a run's policies name), in the
/// order given.
pub fn horizon_warnings<'a>(
    calendars: impl IntoIterator<Item = &'a Calendar>,
    as_of: NaiveDate,
) -> Vec<HorizonWarning> {
    calendars
        .into_iter()
        .filter_map(|calendar| horizon_warning(calendar, as_of))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::calendar::CalendarSet;

    use crate::testing::ymd as date;

    fn cn() -> Calendar {
        CalendarSet::load(None).unwrap().get("cn").unwrap().clone()
    }

    #[test]
    fn the_shipped_calendar_ends_on_the_last_day_of_2026() {
        assert_eq!(cn().last_covered_day(), date(2026, 12, 31));
    }

    #[test]
    fn an_as_of_46_days_before_the_end_warns_naming_the_year_to_add() {
        let warning = horizon_warning(&cn(), date(2026, 11, 15)).unwrap();
        assert_eq!(warning.days_left, 46);
        assert_eq!((warning.add_from, warning.add_to), (2027, 2027));
        assert_eq!(
            warning.to_string(),
            "calendar cn covers working days up to 2026-12-31, 46 days after the as-of \
             2026-11-15: add 2027 from the State Council's holiday notice (docs/CALENDARS.md)"
        );
    }

    #[test]
    fn sixty_days_before_the_end_warns_and_sixty_one_does_not() {
        assert_eq!(HORIZON_DAYS, 60);
        assert_eq!(horizon_warning(&cn(), date(2026, 10, 31)), None, "61 days");
        let warning = horizon_warning(&cn(), date(2026, 11, 1)).unwrap();
        assert_eq!(warning.days_left, 60);
        assert!(warning
            .to_string()
            .contains("60 days after the as-of 2026-11-01"));
        assert_eq!(horizon_warning(&cn(), date(2025, 6, 1)), None);
    }

    #[test]
    fn the_last_covered_day_itself_warns() {
        let warning = horizon_warning(&cn(), date(2026, 12, 31)).unwrap();
        assert_eq!(warning.days_left, 0);
        assert!(
            warning
                .to_string()
                .starts_with("calendar cn covers working days up to 2026-12-31, the day of the as-of 2026-12-31: add 2027"),
            "{warning}"
        );
    }

    #[test]
    fn an_as_of_past_the_end_warns_too() {
        let warning = horizon_warning(&cn(), date(2027, 1, 5)).unwrap();
        assert_eq!(warning.days_left, -5);
        assert_eq!(
            warning.to_string(),
            "calendar cn covers working days up to 2026-12-31, 5 days before the as-of \
             2027-01-05: add 2027 from the State Council's holiday notice (docs/CALENDARS.md)"
        );
        let later = horizon_warning(&cn(), date(2028, 3, 1)).unwrap();
        assert!(
            later.to_string().contains(": add 2027 to 2028 from"),
            "{later}"
        );
    }

    #[test]
    fn other_calendars_are_checked_each_against_their_own_end() {
        let shop = Calendar::new("shop", "Shop", 2025, 2027, BTreeMap::new(), "");
        let as_of = date(2026, 11, 15);
        let warnings = horizon_warnings([&cn(), &shop], as_of);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].calendar, "cn");
        let shop_late = horizon_warning(&shop, date(2027, 12, 1)).unwrap();
        assert_eq!(
            shop_late.to_string(),
            "calendar shop covers working days up to 2027-12-31, 30 days after the as-of \
             2027-12-01: add 2028 from the notice its dates come from (docs/CALENDARS.md)"
        );
    }
}
