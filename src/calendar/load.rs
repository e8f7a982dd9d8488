//! Calendar files: the TOML format, the checks that turn one into a [`Calendar`] (collecting
//! every problem, not just the first).
//!
//! ```toml
//! id = "cn"
//! name = "China (State Council holiday arrangements)"
//! years = [2025, 2026]            # first and last covered year, inclusive
//!
//! [[source]]                      # optional, one per year: where the dates come from
//! year = 2025
//! title = "国务院办公厅关于2025年部分节假日安排的通知"
//! document = "国办发明电〔2024〕12号"
//! issued = "2024-11-12"
//!
//! [[holiday]]
//! name = "National Day"
//! name_zh = "国庆节、中秋节"
//! dates = ["2025-10-01..2025-10-08"]   # single dates or inclusive ranges
//! makeup = ["2025-09-28", "2025-10-11"] # make-up working days, each a Saturday or Sunday
//! ```

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{next_day, Calendar, DayKind, SpecialDay};

/// Covered years must lie inside this range; it keeps every walk over a calendar short.
const YEAR_LIMITS: (i32, i32) = (1900, 2199);

/// One problem found in a calendar file: which file, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDiagnostic {
    pub file: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for CalendarDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.field, self.message)
    }
}

impl std::error::Error for CalendarDiagnostic {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    id: String,
    name: String,
    years: Vec<i32>,
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // title, document and url are read by people, not by the auditor
struct RawSource {
    year: i32,
    title: String,
    document: Option<String>,
    issued: Option<String>,
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // name_zh and note are read by people, not by the auditor
struct RawHoliday {
    name: String,
    name_zh: Option<String>,
    note: Option<String>,
    dates: Vec<String>,
    #[serde(default)]
    makeup: Vec<String>,
}

/// Collects the diagnostics of one file.
struct Checker<'a> {
    file: &'a str,
    diagnostics: Vec<CalendarDiagnostic>,
}

impl Checker<'_> {
    fn report(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(CalendarDiagnostic {
            file: self.file.to_string(),
            field: field.into(),
            message: message.into(),
        });
    }

    /// `[first, last]` when `years` is well formed.
    fn years(&mut self, years: &[i32]) -> Option<(i32, i32)> {
        let &[first, last] = years else {
            self.report(
                "years",
                format!(
                    "expected [first, last] (two years), found {} values",
                    years.len()
                ),
            );
            return None;
        };
        let (low, high) = YEAR_LIMITS;
        if first > last {
            self.report(
                "years",
                format!("first year {first} is after last year {last}"),
            );
            return None;
        }
        if first < low || last > high {
            self.report(
                "years",
                format!("years must lie within {low}–{high}, found {first}–{last}"),
            );
            return None;
        }
        Some((first, last))
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD` into its inclusive bounds.
    fn span(&mut self, field: &str, text: &str) -> Option<(NaiveDate, NaiveDate)> {
        let Some((first_text, last_text)) = text.split_once("..") else {
            let date = self.date(field, text.trim())?;
            return Some((date, date));
        };
        let first = self.date(field, first_text.trim());
        let last = self.date(field, last_text.trim());
        let (first, last) = (first?, last?);
        if first > last {
            self.report(field, format!("range {text:?} ends before it starts"));
            return None;
        }
        if (last - first).num_days() > 366 {
            self.report(field, format!("range {text:?} is longer than a year"));
            return None;
        }
        Some((first, last))
    }

    fn date(&mut self, field: &str, text: &str) -> Option<NaiveDate> {
        let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10);
        if parsed.is_none() {
            self.report(
                field,
                format!("{text:?} is not a date (expected YYYY-MM-DD)"),
            );
        }
        parsed
    }
}

/// Where a special day was declared, for "declared twice" messages.
struct Declared {
    field: String,
    day: SpecialDay,
}

impl Calendar {
    /// Reads and checks a calendar file. `origin` names the file in diagnostics and in
    /// `calendars list`; `sha256` is the hex SHA-256 of `text`'s bytes. Every problem is
    /// reported, each with the field it concerns.
    pub fn from_toml(text: &str, origin: &str) -> Result<Calendar, Vec<CalendarDiagnostic>> {
        let mut checker = Checker {
            file: origin,
            diagnostics: Vec::new(),
        };
        let raw: RawCalendar = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(err) => {
                let field = match err.span() {
                    Some(span) => line_and_column(text, span.start),
                    None => "-".to_string(),
                };
                checker.report(field, err.message().trim().to_string());
                return Err(checker.diagnostics);
            }
        };

        let id_ok = !raw.id.is_empty()
            && raw
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            checker.report(
                "id",
                format!(
                    "{:?} is not an id (letters, digits, '-' and '_', not empty)",
                    raw.id
                ),
            );
        }
        if raw.name.trim().is_empty() {
            checker.report("name", "is empty");
        }
        let years = checker.years(&raw.years);

        let mut source_years: BTreeMap<i32, usize> = BTreeMap::new();
        for (index, source) in raw.source.iter().enumerate() {
            let field = format!("source[{index}]");
            if let Some((first, last)) = years {
                if !(first..=last).contains(&source.year) {
                    checker.report(
                        format!("{field}.year"),
                        format!(
                            "{} is outside the covered years {first}–{last}",
                            source.year
                        ),
                    );
                }
            }
            if let Some(earlier) = source_years.insert(source.year, index) {
                checker.report(
                    format!("{field}.year"),
                    format!("{} already has source[{earlier}]", source.year),
                );
            }
            if let Some(issued) = &source.issued {
                checker.date(&format!("{field}.issued"), issued);
            }
        }

        let mut declared: BTreeMap<NaiveDate, Declared> = BTreeMap::new();
        for (index, holiday) in raw.holiday.iter().enumerate() {
            let entry = format!("holiday[{index}]");
            if holiday.name.trim().is_empty() {
                checker.report(format!("{entry}.name"), "is empty");
            }
            if holiday.dates.is_empty() {
                checker.report(format!("{entry}.dates"), "lists no dates");
            }
            let lists = [
                ("dates", &holiday.dates, DayKind::Holiday),
                ("makeup", &holiday.makeup, DayKind::MakeupWorkday),
            ];
            for (list, texts, kind) in lists {
                for (position, text) in texts.iter().enumerate() {
                    let field = format!("{entry}.{list}[{position}]");
                    let Some((first, last)) = checker.span(&field, text) else {
                        continue;
                    };
                    let mut date = first;
                    loop {
                        declare(
                            &mut checker,
                            &mut declared,
                            years,
                            &field,
                            date,
                            SpecialDay {
                                kind,
                                name: holiday.name.trim().to_string(),
                            },
                        );
                        if date == last {
                            break;
                        }
                        date = next_day(date);
                    }
                }
            }
        }

        match years {
            Some((first, last)) if checker.diagnostics.is_empty() => {
                let special = declared
                    .into_iter()
                    .map(|(date, declared)| (date, declared.day))
                    .collect();
                let sha256 = format!("{:x}", Sha256::digest(text.as_bytes()));
                let mut calendar = Calendar::new(raw.id, raw.name, first, last, special, sha256);
                calendar.origin = origin.to_string();
                Ok(calendar)
            }
            _ => Err(checker.diagnostics),
        }
    }
}

/// Records one special day, reporting a date outside the years, a make-up day on a weekday
/// and a date declared twice.
fn declare(
    checker: &mut Checker<'_>,
    declared: &mut BTreeMap<NaiveDate, Declared>,
    years: Option<(i32, i32)>,
    field: &str,
    date: NaiveDate,
    day: SpecialDay,
) {
    if let Some((first, last)) = years {
        if !(first..=last).contains(&date.year()) {
            checker.report(
                field,
                format!("{date} is outside the covered years {first}–{last}"),
            );
            return;
        }
    }
    if day.kind == DayKind::MakeupWorkday && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    {
        checker.report(
            field,
            format!(
                "{date} is a {}; a make-up working day must be a Saturday or Sunday",
                weekday_name(date.weekday())
            ),
        );
        return;
    }
    if let Some(earlier) = declared.get(&date) {
        checker.report(
            field,
            format!("{date} is already declared by {}", earlier.field),
        );
        return;
    }
    declared.insert(
        date,
        Declared {
            field: field.to_string(),
            day,
        },
    );
}

fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn line_and_column(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
