//! Helpers the crate's unit tests share: values written the way a test reads best.
//!
//! The convention for tests in this crate: a file's unit tests sit at its bottom in
//! `#[cfg(test)] mod tests`, or, when they outgrow it, in a sibling `<file>_tests.rs` that the
//! file includes with `#[path]`; tests that span a module's files are in `<module>/tests.rs`
//! (the workbook's in `workbook/tests/`); the rule case tables and the end-to-end tests of the
//! binary are under `tests/`. Helpers used by more than one module live here.

use chrono::{NaiveDate, NaiveDateTime};

use crate::ticket::When;

/// A date written `2025-10-01`.
pub(crate) fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date in a test")
}

/// A date given as year, month and day.
pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a date in a test")
}

/// A local date and time written `2025-10-01 14:30`.
pub(crate) fn local(text: &str) -> When {
    When::Local(
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a datetime in a test"),
    )
}
