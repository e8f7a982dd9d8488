//! What the rule unit tests run on: the five shipped policies and the shipped calendars (both
//! loaded from the files the binary compiles in, so a test never restates a policy or calendar
//! fact), and helpers for ticket values.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::calendar::CalendarSet;
use crate::policy::{Policy, PolicySet};
use crate::ticket::When;

pub(super) fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A local datetime `2025-10-01 14:30`.
pub(super) fn at(text: &str) -> Option<When> {
    Some(When::Local(
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap(),
    ))
}

pub(super) fn on(text: &str) -> Option<When> {
    Some(When::Date(date(text)))
}

pub(super) fn yuan(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

/// The end of a day in Asia/Shanghai, as `--as-of DATE` gives it.
pub(super) fn end_of(text: &str) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&date(text).and_hms_opt(23, 59, 59).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// The shipped calendars, loaded from `data/calendars/` as the binary compiles them in, so a
/// test never restates a holiday or a make-up working day.
pub(super) fn calendars() -> CalendarSet {
    CalendarSet::load(None).unwrap_or_else(|d| panic!("the shipped calendars load: {d:#?}"))
}

/// The shipped version of a policy, compiled from `data/policies/` as the binary has it.
fn shipped(id: &str) -> Policy {
    let set = PolicySet::load(None).unwrap_or_else(|d| panic!("the shipped policies load: {d:#?}"));
    let policy = set.versions_of(id).next().cloned();
    policy.unwrap_or_else(|| panic!("no shipped policy `{id}`"))
}

pub(super) fn joining() -> Policy {
    shipped("joining")
}

pub(super) fn changkong() -> Policy {
    shipped("changkong")
}

pub(super) fn xinji() -> Policy {
    shipped("xinji")
}

pub(super) fn handset_oem() -> Policy {
    shipped("handset-oem")
}

pub(super) fn repair_service() -> Policy {
    shipped("repair-service")
}
