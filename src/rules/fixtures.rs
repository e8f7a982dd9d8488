//! What the rule unit tests run on: the five shipped policies (loaded from the files the
//! binary compiles in, so a test never restates a policy fact), a `cn` calendar with
//! National Day 2025 and Spring Festival 2026, and helpers for ticket values.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::calendar::{Calendar, CalendarSet, DayKind, SpecialDay};
use crate::policy::{Policy, PolicySet};
use crate::ticket::When;

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A local datetime `2025-10-01 14:30`.
pub fn at(text: &str) -> Option<When> {
    Some(When::Local(
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap(),
    ))
}

pub fn on(text: &str) -> Option<When> {
    Some(When::Date(date(text)))
}

pub fn yuan(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

/// The end of a day in Asia/Shanghai, as `--as-of DATE` gives it.
pub fn end_of(text: &str) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&date(text).and_hms_opt(23, 59, 59).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

pub fn calendars() -> CalendarSet {
    let mut special = BTreeMap::new();
    let mut mark = |from: &str, to: &str, kind: DayKind, name: &str| {
        let mut day = date(from);
        while day <= date(to) {
            let name = name.to_string();
            special.insert(day, SpecialDay { kind, name });
            day = day.succ_opt().unwrap();
        }
    };
    mark("2025-10-01", "2025-10-08", DayKind::Holiday, "National Day");
    mark(
        "2025-09-28",
        "2025-09-28",
        DayKind::MakeupWorkday,
        "National Day",
    );
    mark(
        "2025-10-11",
        "2025-10-11",
        DayKind::MakeupWorkday,
        "National Day",
    );
    mark(
        "2026-02-15",
        "2026-02-23",
        DayKind::Holiday,
        "Spring Festival",
    );
    mark(
        "2026-02-14",
        "2026-02-14",
        DayKind::MakeupWorkday,
        "Spring Festival",
    );
    mark(
        "2026-02-28",
        "2026-02-28",
        DayKind::MakeupWorkday,
        "Spring Festival",
    );
    CalendarSet::from_calendars([Calendar::new("cn", "China", 2024, 2026, special, "")])
}

/// The shipped version of a policy, compiled from `data/policies/` as the binary has it.
fn shipped(id: &str) -> Policy {
    let set = PolicySet::load(None).unwrap_or_else(|d| panic!("the shipped policies load: {d:#?}"));
    let policy = set.versions_of(id).next().cloned();
    policy.unwrap_or_else(|| panic!("no shipped policy `{id}`"))
}

pub fn joining() -> Policy {
    shipped("joining")
}

pub fn changkong() -> Policy {
    shipped("changkong")
}

pub fn xinji() -> Policy {
    shipped("xinji")
}

pub fn handset_oem() -> Policy {
    shipped("handset-oem")
}

pub fn repair_service() -> Policy {
    shipped("repair-service")
}
