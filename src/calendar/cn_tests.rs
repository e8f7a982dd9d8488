//! The shipped `cn` calendar against the State Council notices, and the deadline arithmetic
//! over it. The expected dates below are written out again from the notices themselves
//! (国办发明电〔2024〕12号 for 2025, 国办发明电〔2025〕7号 for 2026), not read from the file.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

use crate::testing::ymd as date;

fn cn() -> &'static Calendar {
    static CN: OnceLock<Calendar> = OnceLock::new();
    CN.get_or_init(|| {
        let set = CalendarSet::load(None).unwrap();
        set.get("cn").unwrap().clone()
    })
}

/// A date as (year, month, day).
type Ymd = (i32, u32, u32);

/// Inclusive runs of days off, as the notice prints them.
fn days(runs: &[(Ymd, Ymd)]) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for &((y1, m1, d1), (y2, m2, d2)) in runs {
        let mut day = date(y1, m1, d1);
        while day <= date(y2, m2, d2) {
            out.push(day);
            day = day.succ_opt().unwrap();
        }
    }
    out
}

fn holidays_2025() -> Vec<NaiveDate> {
    days(&[
        ((2025, 1, 1), (2025, 1, 1)),
        ((2025, 1, 28), (2025, 2, 4)),
        ((2025, 4, 4), (2025, 4, 6)),
        ((2025, 5, 1), (2025, 5, 5)),
        ((2025, 5, 31), (2025, 6, 2)),
        ((2025, 10, 1), (2025, 10, 8)),
    ])
}

fn makeup_2025() -> Vec<NaiveDate> {
    vec![
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]
}

fn holidays_2026() -> Vec<NaiveDate> {
    days(&[
        ((2026, 1, 1), (2026, 1, 3)),
        ((2026, 2, 15), (2026, 2, 23)),
        ((2026, 4, 4), (2026, 4, 6)),
        ((2026, 5, 1), (2026, 5, 5)),
        ((2026, 6, 19), (2026, 6, 21)),
        ((2026, 9, 25), (2026, 9, 27)),
        ((2026, 10, 1), (2026, 10, 7)),
    ])
}

fn makeup_2026() -> Vec<NaiveDate> {
    vec![
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
}

#[test]
fn the_shipped_calendar_covers_2023_to_2026_with_a_file_hash() {
    let cal = cn();
    assert_eq!((cal.first_year, cal.last_year), (2023, 2026));
    assert_eq!(cal.sha256.len(), 64);
    assert_eq!(cal.origin, "built-in cn.toml");
}

#[test]
fn every_make_up_day_of_2025_and_2026_is_a_working_day() {
    let cal = cn();
    for day in makeup_2025().into_iter().chain(makeup_2026()) {
        assert!(
            matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
            "{day}"
        );
        assert_eq!(cal.kind(day), Ok(DayKind::MakeupWorkday), "{day}");
        assert_eq!(cal.is_working_day(day), Ok(true), "{day}");
    }
}

#[test]
fn every_holiday_date_of_2025_and_2026_is_a_day_off() {
    let cal = cn();
    for day in holidays_2025().into_iter().chain(holidays_2026()) {
        assert_eq!(cal.kind(day), Ok(DayKind::Holiday), "{day}");
        assert_eq!(cal.is_working_day(day), Ok(false), "{day}");
    }
}

#[test]
fn the_2025_and_2026_special_days_are_exactly_the_published_ones() {
    let cal = cn();
    let expected: BTreeSet<NaiveDate> = holidays_2025()
        .into_iter()
        .chain(makeup_2025())
        .chain(holidays_2026())
        .chain(makeup_2026())
        .collect();
    let declared: BTreeSet<NaiveDate> = cal
        .special_days()
        .map(|(day, _)| *day)
        .filter(|day| day.year() >= 2025)
        .collect();
    assert_eq!(declared, expected);
    // 2025: 28 days off, 5 make-up days; 2026: 33 days off, 6 make-up days.
    assert_eq!(holidays_2025().len(), 28);
    assert_eq!(holidays_2026().len(), 33);
}

#[test]
fn holidays_carry_their_names() {
    let cal = cn();
    let name = |day| cal.special(day).map(|s| s.name.clone());
    assert_eq!(name(date(2025, 10, 6)).as_deref(), Some("National Day"));
    assert_eq!(name(date(2025, 9, 28)).as_deref(), Some("National Day"));
    assert_eq!(name(date(2026, 2, 14)).as_deref(), Some("Spring Festival"));
    assert_eq!(
        name(date(2026, 9, 25)).as_deref(),
        Some("Mid-Autumn Festival")
    );
    assert_eq!(name(date(2025, 10, 9)), None);
}

#[test]
fn national_day_2025_break() {
    let cal = cn();
    assert_eq!(cal.is_working_day(date(2025, 9, 28)), Ok(true)); // Sunday, worked
    assert_eq!(cal.is_working_day(date(2025, 10, 11)), Ok(true)); // Saturday, worked
    assert_eq!(cal.is_working_day(date(2025, 10, 12)), Ok(false)); // plain Sunday
                                                                   // Stored Monday 09-29: working days 09-30, 10-09, 10-10, 10-11 (make-up), 10-13.
    assert_eq!(
        cal.add_working_days(date(2025, 9, 29), 5),
        Ok(date(2025, 10, 13))
    );
    assert_eq!(
        cal.add_working_days(date(2025, 9, 30), 1),
        Ok(date(2025, 10, 9))
    );
    assert_eq!(
        cal.working_days_after(date(2025, 10, 13), date(2025, 10, 14)),
        Ok(1)
    );
    assert_eq!(
        cal.working_days_after(date(2025, 9, 30), date(2025, 10, 8)),
        Ok(0)
    );
    assert_eq!(
        cal.describe_between(date(2025, 9, 29), date(2025, 10, 13))
            .as_deref(),
        Some("cn calendar: National Day holiday 10-01…10-08, 10-11 a make-up working day")
    );
}

#[test]
fn spring_festival_2026_break() {
    let cal = cn();
    // Friday 02-13; 02-14 (Sat) is worked, 02-15…02-23 off, 02-24 onwards worked.
    assert_eq!(
        cal.add_working_days(date(2026, 2, 13), 1),
        Ok(date(2026, 2, 14))
    );
    // 02-14, 02-24, 02-25, 02-26, 02-27 → the 5th working day is Friday 02-27.
    assert_eq!(
        cal.add_working_days(date(2026, 2, 13), 5),
        Ok(date(2026, 2, 27))
    );
    // The 6th is Saturday 02-28, a make-up working day.
    assert_eq!(
        cal.add_working_days(date(2026, 2, 13), 6),
        Ok(date(2026, 2, 28))
    );
    // Refund due 02-14, made Tuesday 02-24: late by one working day, the break not counted.
    assert_eq!(
        cal.working_days_after(date(2026, 2, 14), date(2026, 2, 24)),
        Ok(1)
    );
    assert_eq!(
        cal.describe_between(date(2026, 2, 13), date(2026, 3, 2))
            .as_deref(),
        Some(
            "cn calendar: 02-14 a make-up working day, Spring Festival holiday 02-15…02-23, \
             02-28 a make-up working day"
        )
    );
}

#[test]
fn years_outside_the_calendar_are_not_covered() {
    let cal = cn();
    assert_eq!(cal.kind(date(2022, 12, 31)), Err(NotCovered { year: 2022 }));
    assert_eq!(
        cal.add_working_days(date(2026, 12, 28), 5),
        Err(NotCovered { year: 2027 })
    );
    assert_eq!(
        cal.working_days_after(date(2026, 12, 30), date(2027, 1, 5)),
        Err(NotCovered { year: 2027 })
    );
    assert_eq!(
        cal.is_working_day(date(2027, 1, 4))
            .unwrap_err()
            .to_string(),
        "calendar does not cover 2027"
    );
}

/// A covered date: 2023-01-01 plus 0..1461 days reaches 2026-12-31.
fn covered_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..1461).prop_map(|offset| {
        date(2023, 1, 1)
            .checked_add_days(Days::new(offset))
            .unwrap()
    })
}

proptest! {
    #[test]
    fn the_nth_working_day_is_a_working_day(start in covered_date(), n in 1u32..60) {
        let cal = cn();
        if let Ok(due) = cal.add_working_days(start, n) {
            prop_assert!(due > start);
            prop_assert_eq!(cal.is_working_day(due), Ok(true));
        }
    }

    #[test]
    fn deadlines_grow_with_n(start in covered_date(), n in 0u32..60, more in 1u32..20) {
        let cal = cn();
        if let (Ok(sooner), Ok(later)) =
            (cal.add_working_days(start, n), cal.add_working_days(start, n + more))
        {
            prop_assert!(sooner < later);
        }
    }

    #[test]
    fn deadlines_grow_with_the_start(start in covered_date(), gap in 0u64..30, n in 0u32..40) {
        let cal = cn();
        let later_start = start.checked_add_days(Days::new(gap)).unwrap();
        if let (Ok(first), Ok(second)) =
            (cal.add_working_days(start, n), cal.add_working_days(later_start, n))
        {
            prop_assert!(first <= second);
        }
    }

    #[test]
    fn counting_back_gives_n(start in covered_date(), n in 0u32..60) {
        let cal = cn();
        if let Ok(due) = cal.add_working_days(start, n) {
            prop_assert_eq!(cal.working_days_after(start, due), Ok(n));
        }
    }

    /// Late by 0 exactly when the action is on or before the deadline, for an action on a
    /// working day; in general exactly when the action comes before the next working day.
    #[test]
    fn late_by_zero_exactly_when_on_time(deadline in covered_date(), action in covered_date()) {
        let cal = cn();
        let late = cal.working_days_after(deadline, action);
        if let Ok(next_working) = cal.add_working_days(deadline, 1) {
            prop_assert_eq!(late == Ok(0), action < next_working);
        }
        if cal.is_working_day(action) == Ok(true) {
            prop_assert_eq!(late == Ok(0), action <= deadline);
        }
    }
}

#[test]
fn the_2023_and_2024_arrangements_are_complete() {
    let cal = cn();
    let count = |year: i32, kind: DayKind| {
        cal.special_days()
            .filter(|(day, special)| day.year() == year && special.kind == kind)
            .count()
    };
    // 2023: 27 days off less 2022-12-31, 7 make-up days; 2024: 28 days off, 8 make-up days.
    assert_eq!(count(2023, DayKind::Holiday), 26);
    assert_eq!(count(2023, DayKind::MakeupWorkday), 7);
    assert_eq!(count(2024, DayKind::Holiday), 28);
    assert_eq!(count(2024, DayKind::MakeupWorkday), 8);
    assert_eq!(cal.is_working_day(date(2023, 10, 8)), Ok(true));
    assert_eq!(cal.is_working_day(date(2024, 2, 18)), Ok(true));
    assert_eq!(cal.is_working_day(date(2024, 6, 10)), Ok(false));
}
