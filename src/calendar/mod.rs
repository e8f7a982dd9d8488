//! Working-day calendars: which dates are working days, and deadline arithmetic over them.
//!
//! A calendar covers a range of years. Inside it, a date is a working day when it is
//! Monday–Friday and not a statutory holiday, or when it is a make-up working day (调休).
//! Outside it nothing is guessed: every query returns [`NotCovered`].

mod horizon;
mod load;
mod set;
mod show;

#[cfg(test)]
mod cn_tests;

pub use horizon::{horizon_warning, horizon_warnings, HorizonWarning, HORIZON_DAYS};
pub use load::CalendarDiagnostic;
pub use set::check_dir;
pub use show::{calendar_csv, list_text, show_csv, ShowError};

use crate::l10n::{Lang, Texts};
use crate::tr;
use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

/// What kind of day a date is in a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Monday to Friday, nothing declared: a working day.
    Weekday,
    /// Saturday or Sunday, nothing declared: not a working day.
    Weekend,
    /// A declared statutory holiday: not a working day.
    Holiday,
    /// A Saturday or Sunday declared a working day (调休).
    MakeupWorkday,
}

impl DayKind {
    /// The snake_case name, as `calendars show` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Weekday => "weekday",
            DayKind::Weekend => "weekend",
            DayKind::Holiday => "holiday",
            DayKind::MakeupWorkday => "makeup_workday",
        }
    }

    /// True for weekdays and make-up working days.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Weekday | DayKind::MakeupWorkday)
    }
}

/// A declared exception to the Monday–Friday week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    /// Holiday or make-up working day.
    pub kind: DayKind,
    /// The name of the holiday it belongs to, e.g. `National Day`.
    pub name: String,
    /// Its Chinese name (`name_zh`), e.g. `国庆节、中秋节`, for texts in Chinese.
    pub name_zh: Option<String>,
}

/// A date the calendar does not cover; carries the year for the reason text
/// `calendar does not cover YYYY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotCovered {
    /// The year outside the calendar's range.
    pub year: i32,
}

impl fmt::Display for NotCovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "calendar does not cover {}", self.year)
    }
}

impl std::error::Error for NotCovered {}

/// A working-day calendar over a range of whole years.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Short identifier that policies name it by, e.g. `cn`.
    pub id: String,
    /// Human-readable name, for `calendars list`.
    pub name: String,
    /// First and last covered year, inclusive.
    pub first_year: i32,
    /// Last covered year, inclusive.
    pub last_year: i32,
    special: BTreeMap<NaiveDate, SpecialDay>,
    /// SHA-256 of the data file it was loaded from (hex), for the run metadata.
    pub sha256: String,
    /// Where it was loaded from: `built-in cn.toml` or the file's path; empty when built in code.
    pub origin: String,
}

impl Calendar {
    /// Builds a calendar from its declared special days. The caller checks that every special
    /// day lies inside `first_year..=last_year` (see the loader).
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        first_year: i32,
        last_year: i32,
        special: BTreeMap<NaiveDate, SpecialDay>,
        sha256: impl Into<String>,
    ) -> Calendar {
        Calendar {
            id: id.into(),
            name: name.into(),
            first_year,
            last_year,
            special,
            sha256: sha256.into(),
            origin: String::new(),
        }
    }

    /// True when `date`'s year is one of the covered years.
    pub fn covers(&self, date: NaiveDate) -> bool {
        (self.first_year..=self.last_year).contains(&date.year())
    }

    fn check(&self, date: NaiveDate) -> Result<(), NotCovered> {
        if self.covers(date) {
            Ok(())
        } else {
            Err(NotCovered { year: date.year() })
        }
    }

    /// The kind of `date`.
    pub fn kind(&self, date: NaiveDate) -> Result<DayKind, NotCovered> {
        self.check(date)?;
        if let Some(special) = self.special.get(&date) {
            return Ok(special.kind);
        }
        Ok(match date.weekday() {
            Weekday::Sat | Weekday::Sun => DayKind::Weekend,
            _ => DayKind::Weekday,
        })
    }

    /// The holiday or make-up day declared for `date`, if any.
    pub fn special(&self, date: NaiveDate) -> Option<&SpecialDay> {
        self.special.get(&date)
    }

    /// Every declared special day, in date order.
    pub fn special_days(&self) -> impl Iterator<Item = (&NaiveDate, &SpecialDay)> {
        self.special.iter()
    }

    /// Whether `date` is a working day; an error outside the covered years.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, NotCovered> {
        Ok(self.kind(date)?.is_working())
    }

    /// The `n`-th working day strictly after `start` ("within n working days from start").
    /// `n = 0` returns `start` itself.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, NotCovered> {
        self.check(start)?;
        let mut date = start;
        let mut counted = 0;
        while counted < n {
            date = next_day(date);
            if self.is_working_day(date)? {
                counted += 1;
            }
        }
        Ok(date)
    }

    /// Working days `d` with `after < d <= upto` (0 when `upto <= after`): the late-by of
    /// an action on `upto` against the deadline `after`.
    pub fn working_days_after(&self, after: NaiveDate, upto: NaiveDate) -> Result<u32, NotCovered> {
        if upto <= after {
            return Ok(0);
        }
        self.check(after)?;
        let mut date = after;
        let mut counted = 0;
        while date < upto {
            date = next_day(date);
            if self.is_working_day(date)? {
                counted += 1;
            }
        }
        Ok(counted)
    }

    /// The declared special days in `from..=to`, grouped into runs of one name and kind, for
    /// explanations: `National Day holiday 10-01…10-08, 10-11 a make-up working day`.
    pub fn describe_between(&self, from: NaiveDate, to: NaiveDate) -> Option<String> {
        self.describe_between_in(from, to, Texts::of(Lang::En))
    }

    /// [`Calendar::describe_between`] in the language of `texts`
    /// (`cn 日历：国庆节、中秋节假期10月1日至10月8日，10月11日调休上班`).
    pub fn describe_between_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        texts: &Texts,
    ) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        let mut run: Option<(NaiveDate, NaiveDate, &SpecialDay)> = None;
        let flush = |run: Option<(NaiveDate, NaiveDate, &SpecialDay)>, parts: &mut Vec<String>| {
            if let Some((first, last, day)) = run {
                let day_text = |date: NaiveDate| {
                    let (mm, dd) = (format!("{:02}", date.month()), format!("{:02}", date.day()));
                    tr!(
                        texts,
                        "calendar-day",
                        mm = mm,
                        dd = dd,
                        m = date.month(),
                        d = date.day()
                    )
                };
                let span = if first == last {
                    day_text(first)
                } else {
                    tr!(
                        texts,
                        "calendar-span",
                        first = day_text(first),
                        last = day_text(last)
                    )
                };
                let name = match (&day.name_zh, texts.lang()) {
                    (Some(name_zh), Lang::ZhCn) => name_zh.as_str(),
                    _ => day.name.as_str(),
                };
                parts.push(match day.kind {
                    DayKind::MakeupWorkday if first == last => {
                        tr!(texts, "calendar-makeup-day", span = span)
                    }
                    DayKind::MakeupWorkday => tr!(texts, "calendar-makeup-days", span = span),
                    _ => tr!(texts, "calendar-holiday", name = name, span = span),
                });
            }
        };
        for (date, day) in self.special.range(from..=to) {
            run = match run {
                Some((first, last, current))
                    if current.kind == day.kind
                        && current.name == day.name
                        && next_day(last) == *date =>
                {
                    Some((first, *date, current))
                }
                other => {
                    flush(other, &mut parts);
                    Some((*date, *date, day))
                }
            };
        }
        flush(run, &mut parts);
        if parts.is_empty() {
            return None;
        }
        let separator = tr!(texts, "calendar-separator");
        Some(tr!(
            texts,
            "calendar-describe",
            calendar = self.id,
            parts = parts.join(&separator)
        ))
    }
}

/// The calendars of a run: built-in ones plus those from `--calendars`, by id.
#[derive(Debug, Clone, Default)]
pub struct CalendarSet {
    calendars: BTreeMap<String, Calendar>,
}

impl CalendarSet {
    /// Builds a set from calendars; a later one with the same id replaces an earlier one.
    pub fn from_calendars(calendars: impl IntoIterator<Item = Calendar>) -> CalendarSet {
        CalendarSet {
            calendars: calendars.into_iter().map(|c| (c.id.clone(), c)).collect(),
        }
    }

    /// The calendar with this id, if one is loaded.
    pub fn get(&self, id: &str) -> Option<&Calendar> {
        self.calendars.get(id)
    }

    /// Every calendar, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Calendar> {
        self.calendars.values()
    }
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(1))
        .expect("dates stay far inside chrono's range")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::ymd as date;

    /// National Day 2025 as published: Oct 1–8 off, Sep 28 and Oct 11 worked.
    fn national_day_2025() -> Calendar {
        let mut special = BTreeMap::new();
        for day in 1..=8 {
            special.insert(
                date(2025, 10, day),
                SpecialDay {
                    kind: DayKind::Holiday,
                    name: "National Day".into(),
                    name_zh: Some("国庆节".into()),
                },
            );
        }
        for makeup in [date(2025, 9, 28), date(2025, 10, 11)] {
            special.insert(
                makeup,
                SpecialDay {
                    kind: DayKind::MakeupWorkday,
                    name: "National Day".into(),
                    name_zh: Some("国庆节".into()),
                },
            );
        }
        Calendar::new("test", "test", 2025, 2025, special, "")
    }

    #[test]
    fn deadlines_skip_holidays_and_count_makeup_days() {
        let cal = national_day_2025();
        // Stored Mon 2025-09-29: working days after are 09-30, 10-09, 10-10, 10-11 (Sat, make-up), 10-13.
        assert_eq!(
            cal.add_working_days(date(2025, 9, 29), 5).unwrap(),
            date(2025, 10, 13)
        );
        assert_eq!(
            cal.working_days_after(date(2025, 10, 13), date(2025, 10, 14))
                .unwrap(),
            1
        );
        assert_eq!(
            cal.working_days_after(date(2025, 10, 13), date(2025, 10, 13))
                .unwrap(),
            0
        );
    }

    #[test]
    fn dates_outside_the_years_are_not_guessed() {
        let cal = national_day_2025();
        assert_eq!(
            cal.add_working_days(date(2025, 12, 30), 5),
            Err(NotCovered { year: 2026 })
        );
        assert_eq!(
            cal.kind(date(2024, 1, 2)).unwrap_err().to_string(),
            "calendar does not cover 2024"
        );
    }

    #[test]
    fn explanations_name_the_holidays_in_range() {
        let cal = national_day_2025();
        assert_eq!(
            cal.describe_between(date(2025, 9, 29), date(2025, 10, 13))
                .unwrap(),
            "test calendar: National Day holiday 10-01…10-08, 10-11 a make-up working day"
        );
    }
}
