//! Calendar files: the TOML format, and the one compile step that turns a file's text into a
//! [`Calendar`] or into every problem the file has. Loading (`CalendarSet::load`) and
//! `calendars check` both go through it, so a file that passes the check loads, and a file that
//! loads passes the check. docs/CALENDARS.md explains the format to the person adding a year.
//!
//! ```toml
//! id = "cn"
//! name = "China (State Council holiday arrangements)"
//! years = [2025, 2026]            # first and last covered year, inclusive
//!
//! [[source]]                      # one per covered year: where its dates come from
//! year = 2025
//! title = "国务院办公厅关于2025年部分节假日安排的通知"
//! document = "国办发明电〔2024〕12号"  # optional
//! issued = "2024-11-12"               # optional
//! url = "https://…"                   # optional
//!
//! [[holiday]]
//! name = "National Day"
//! name_zh = "国庆节、中秋节"          # optional
//! note = "…"                          # optional, for people; see the weekend rule below
//! dates = ["2025-10-01..2025-10-08"]   # single dates or inclusive ranges
//! makeup = ["2025-09-28", "2025-10-11"] # make-up working days, each a Saturday or Sunday
//! ```
//!
//! Besides the syntax and the types of the keys, the compile step rejects: an unknown key; a
//! date that is not `YYYY-MM-DD`, or outside the covered years; a date declared twice (as two
//! holidays, or as a holiday and a make-up working day); a make-up working day on a
//! Monday–Friday; a covered year without a `[[source]]`; a covered year without a holiday when
//! other years have some (a year added to `years` but not filled in, whose every weekday would
//! count as a working day); and a holiday break made only of weekend days (it would change no
//! working day, so it is a typo unless the entry's `note` says why the notice lists it).
//!
//! The typed readers those checks are built on (strings, integers, arrays, tables, each
//! problem placed at its field and line) are in [`values`].

mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use chrono::{Datelike, NaiveDate, Weekday};
use sha2::{Digest, Sha256};
use toml::de::DeTable;

use super::{next_day, Calendar, DayKind, SpecialDay};
use values::{column, join, Compiler, Keys, Value};

/// Covered years must lie inside this range; it keeps every walk over a calendar short.
const YEAR_LIMITS: (i32, i32) = (1900, 2199);

/// The keys of each table of a calendar file.
const ROOT_KEYS: &[&str] = &["id", "name", "years", "source", "holiday"];
const SOURCE_KEYS: &[&str] = &["year", "title", "document", "issued", "url"];
const HOLIDAY_KEYS: &[&str] = &["name", "name_zh", "note", "dates", "makeup"];

/// One problem found in a calendar file: which file, which line (when the problem is on one),
/// which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDiagnostic {
    /// The file's path, or the built-in file's name.
    pub file: String,
    /// 1-based line of the file the problem is on.
    pub line: Option<usize>,
    /// The key, as a path (`holiday[3].makeup[0]`), or `-` for the file as a whole.
    pub field: String,
    /// What is wrong, in words.
    pub message: String,
}

impl CalendarDiagnostic {
    /// A problem with a file or directory as a whole.
    pub(super) fn whole(file: impl Into<String>, message: impl Into<String>) -> Self {
        CalendarDiagnostic {
            file: file.into(),
            line: None,
            field: "-".into(),
            message: message.into(),
        }
    }
}

/// `FILE:LINE: FIELD: MESSAGE`, or `FILE: FIELD: MESSAGE` when there is no line.
impl fmt::Display for CalendarDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}: {}", self.file, self.field, self.message),
            None => write!(f, "{}: {}: {}", self.file, self.field, self.message),
        }
    }
}

impl std::error::Error for CalendarDiagnostic {}

/// A special day as declared, for the checks that look at several of them.
struct Declared {
    field: String,
    /// Where its date or range is written.
    at: Range<usize>,
    day: SpecialDay,
    /// The `[[holiday]]` entry it belongs to has a `note`.
    noted: bool,
}

impl Compiler<'_> {
    /// `[first, last]` when `years` is well formed.
    fn years(&mut self, value: &Value<'_>) -> Option<(i32, i32)> {
        let span = value.span();
        let items = self.array(value, "years", "[first, last] (two years)")?;
        let [first, last] = items else {
            self.report(
                Some(&span),
                "years",
                format!(
                    "expected [first, last] (two years), found {} values",
                    items.len()
                ),
            );
            return None;
        };
        let first = self.integer(first, "years[0]");
        let last = self.integer(last, "years[1]");
        let (first, last) = (first?, last?);
        let (low, high) = YEAR_LIMITS;
        if first > last {
            self.report(
                Some(&span),
                "years",
                format!("first year {first} is after last year {last}"),
            );
            return None;
        }
        if first < i64::from(low) || last > i64::from(high) {
            self.report(
                Some(&span),
                "years",
                format!("years must lie within {low}–{high}, found {first}–{last}"),
            );
            return None;
        }
        // Inside YEAR_LIMITS, so both fit.
        Some((first as i32, last as i32))
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD` into its inclusive bounds.
    fn date_range(
        &mut self,
        field: &str,
        at: &Range<usize>,
        text: &str,
    ) -> Option<(NaiveDate, NaiveDate)> {
        let Some((first_text, last_text)) = text.split_once("..") else {
            let date = self.date(field, at, text.trim())?;
            return Some((date, date));
        };
        let first = self.date(field, at, first_text.trim());
        let last = self.date(field, at, last_text.trim());
        let (first, last) = (first?, last?);
        if first > last {
            self.report(
                Some(at),
                field,
                format!("range {text:?} ends before it starts"),
            );
            return None;
        }
        if (last - first).num_days() > 366 {
            self.report(
                Some(at),
                field,
                format!("range {text:?} is longer than a year"),
            );
            return None;
        }
        Some((first, last))
    }

    fn date(&mut self, field: &str, at: &Range<usize>, text: &str) -> Option<NaiveDate> {
        let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10);
        if parsed.is_none() {
            self.report(
                Some(at),
                field,
                format!("{text:?} is not a date (expected YYYY-MM-DD)"),
            );
        }
        parsed
    }

    /// Records one special day, reporting a date outside the years, a make-up day on a
    /// weekday and a date declared twice.
    fn declare(
        &mut self,
        declared: &mut BTreeMap<NaiveDate, Declared>,
        years: Option<(i32, i32)>,
        date: NaiveDate,
        here: Declared,
        at: &Range<usize>,
    ) {
        let field = here.field.as_str();
        if let Some((first, last)) = years {
            if !(first..=last).contains(&date.year()) {
                self.report(
                    Some(at),
                    field,
                    format!("{date} is outside the covered years {first}–{last}"),
                );
                return;
            }
        }
        if here.day.kind == DayKind::MakeupWorkday && !is_weekend(date) {
            self.report(
                Some(at),
                field,
                format!(
                    "{date} is a {}; a make-up working day must be a Saturday or Sunday",
                    weekday_name(date.weekday())
                ),
            );
            return;
        }
        if let Some(earlier) = declared.get(&date) {
            let message = if earlier.day.kind == here.day.kind {
                format!(
                    "{date} is already declared by {} (line {})",
                    earlier.field,
                    self.line(earlier.at.start)
                )
            } else {
                let what = |kind| match kind {
                    DayKind::MakeupWorkday => "a make-up working day",
                    _ => "a holiday",
                };
                format!(
                    "{date} is declared {} here and {} by {} (line {}); it can only be one",
                    what(here.day.kind),
                    what(earlier.day.kind),
                    earlier.field,
                    self.line(earlier.at.start)
                )
            };
            self.report(Some(at), field, message);
            return;
        }
        declared.insert(date, here);
    }
}

impl Calendar {
    /// Reads and checks a calendar file. `origin` names the file in diagnostics and in
    /// `calendars list`; the calendar's `sha256` is the hex SHA-256 of `text`'s bytes. Every
    /// problem is reported, each with the field it concerns and, where it has one, its line.
    pub fn from_toml(text: &str, origin: &str) -> Result<Calendar, Vec<CalendarDiagnostic>> {
        compile(text, origin)
    }
}

/// The compile step of every calendar file: the calendar, or every problem of the file in the
/// order of its lines.
pub(super) fn compile(text: &str, origin: &str) -> Result<Calendar, Vec<CalendarDiagnostic>> {
    let mut c = Compiler {
        text,
        file: origin,
        diagnostics: Vec::new(),
    };
    let calendar = compile_document(&mut c);
    match calendar {
        Some(calendar) if c.diagnostics.is_empty() => Ok(calendar),
        _ => {
            let mut diagnostics = c.diagnostics;
            diagnostics.sort_by_key(|(offset, _)| *offset);
            Err(diagnostics.into_iter().map(|(_, d)| d).collect())
        }
    }
}

fn compile_document(c: &mut Compiler<'_>) -> Option<Calendar> {
    let (document, errors) = DeTable::parse_recoverable(c.text);
    if !errors.is_empty() {
        syntax_errors(c, errors);
        return None;
    }
    let root = c.keys(document.get_ref(), "", ROOT_KEYS);

    let id = calendar_id(c, &root);
    let name = c.nonblank(&root, "", "name", None);
    let years_value = c.required(&root, "", "years", None);
    let years = years_value.and_then(|value| c.years(value));

    let source_years = sources(c, &root, years);

    let mut declared: BTreeMap<NaiveDate, Declared> = BTreeMap::new();
    for (entry, table_span, table) in c.tables(&root, "holiday") {
        holiday(c, &entry, &table_span, table, years, &mut declared);
    }

    weekend_only_breaks(c, &declared);
    if let (Some((first, last)), Some(value)) = (years, years_value) {
        covered_years(c, (first, last), &value.span(), &source_years, &declared);
    }

    let (id, name, (first, last)) = (id?, name?, years?);
    let special = declared
        .into_iter()
        .map(|(date, declared)| (date, declared.day))
        .collect();
    let sha256 = format!("{:x}", Sha256::digest(c.text.as_bytes()));
    let mut calendar = Calendar::new(id, name, first, last, special, sha256);
    calendar.origin = c.file.to_string();
    Some(calendar)
}

/// Reports each TOML syntax error with its line and column.
fn syntax_errors(c: &mut Compiler<'_>, errors: Vec<toml::de::Error>) {
    for error in errors {
        let message = error.message().trim().to_string();
        match error.span() {
            Some(span) => {
                let column = column(c.text, span.start);
                c.report(
                    Some(&span),
                    "-",
                    format!("TOML syntax error at column {column}: {message}"),
                );
            }
            None => c.report(None, "-", format!("TOML syntax error: {message}")),
        }
    }
}

/// The required `id`, reported when it is not letters, digits, `-` and `_`. An id with other
/// characters is still returned: the problem is reported, and no calendar is built.
fn calendar_id(c: &mut Compiler<'_>, root: &Keys<'_, '_>) -> Option<String> {
    let id = c.nonblank(root, "", "id", None);
    if let Some(id) = &id {
        let id_ok = id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
        if !id_ok {
            let at = root["id"].span();
            c.report(
                Some(&at),
                "id",
                format!("{id:?} is not an id (letters, digits, '-' and '_', not empty)"),
            );
        }
    }
    id
}

/// Checks every `[[source]]` entry; the years they cite, each with the entry that cites it.
fn sources(
    c: &mut Compiler<'_>,
    root: &Keys<'_, '_>,
    years: Option<(i32, i32)>,
) -> BTreeMap<i64, String> {
    let mut source_years: BTreeMap<i64, String> = BTreeMap::new();
    for (entry, table_span, table) in c.tables(root, "source") {
        let keys = c.keys(table, &entry, SOURCE_KEYS);
        let at = Some(&table_span);
        if let Some(value) = c.required(&keys, &entry, "year", at) {
            let field = join(&entry, "year");
            if let Some(year) = c.integer(value, &field) {
                if let Some((first, last)) = years {
                    if !(i64::from(first)..=i64::from(last)).contains(&year) {
                        c.report(
                            Some(&value.span()),
                            &field,
                            format!("{year} is outside the covered years {first}–{last}"),
                        );
                    }
                }
                if let Some(earlier) = source_years.get(&year) {
                    let message = format!("{year} already has {earlier}");
                    c.report(Some(&value.span()), &field, message);
                } else {
                    source_years.insert(year, entry.clone());
                }
            }
        }
        c.nonblank(&keys, &entry, "title", at);
        c.opt_string(&keys, &entry, "document");
        c.opt_string(&keys, &entry, "url");
        if let Some(value) = keys.get("issued") {
            let field = join(&entry, "issued");
            if let Some(issued) = c.string(value, &field) {
                c.date(&field, &value.span(), &issued);
            }
        }
    }
    source_years
}

/// Checks one `[[holiday]]` entry and declares each date of its `dates` and `makeup`.
fn holiday(
    c: &mut Compiler<'_>,
    entry: &str,
    table_span: &Range<usize>,
    table: &DeTable<'_>,
    years: Option<(i32, i32)>,
    declared: &mut BTreeMap<NaiveDate, Declared>,
) {
    let keys = c.keys(table, entry, HOLIDAY_KEYS);
    let at = Some(table_span);
    let name = c.nonblank(&keys, entry, "name", at).unwrap_or_default();
    let name_zh = c
        .opt_string(&keys, entry, "name_zh")
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty());
    let noted = c
        .opt_string(&keys, entry, "note")
        .is_some_and(|note| !note.trim().is_empty());
    let dates = if let Some(value) = keys.get("dates") {
        let dates = c.strings(&keys, entry, "dates");
        if dates.as_ref().is_some_and(Vec::is_empty) {
            c.report(Some(&value.span()), join(entry, "dates"), "lists no dates");
        }
        dates.unwrap_or_default()
    } else {
        c.required(&keys, entry, "dates", at);
        Vec::new()
    };
    let makeup = c.strings(&keys, entry, "makeup").unwrap_or_default();
    let lists = [(dates, DayKind::Holiday), (makeup, DayKind::MakeupWorkday)];
    for (texts, kind) in lists {
        for (field, span, text) in texts {
            let Some((first, last)) = c.date_range(&field, &span, &text) else {
                continue;
            };
            let day = SpecialDay {
                kind,
                name: name.trim().to_string(),
                name_zh: name_zh.clone(),
            };
            let mut date = first;
            loop {
                let here = Declared {
                    field: field.clone(),
                    at: span.clone(),
                    day: day.clone(),
                    noted,
                };
                c.declare(declared, years, date, here, &span);
                if date == last {
                    break;
                }
                date = next_day(date);
            }
        }
    }
}

/// Reports each run of consecutive holiday dates made only of Saturdays and Sundays, unless an
/// entry it comes from has a `note`. Such a run changes no working day (a weekend is off
/// anyway), so it is almost always a wrong date; a State Council break always includes a
/// weekday (a festival falling on a weekend is made up on the Monday or Friday beside it).
fn weekend_only_breaks(c: &mut Compiler<'_>, declared: &BTreeMap<NaiveDate, Declared>) {
    let holidays: Vec<(&NaiveDate, &Declared)> = declared
        .iter()
        .filter(|(_, d)| d.day.kind == DayKind::Holiday)
        .collect();
    let mut start = 0;
    while start < holidays.len() {
        let mut end = start + 1;
        while end < holidays.len() && next_day(*holidays[end - 1].0) == *holidays[end].0 {
            end += 1;
        }
        let run = &holidays[start..end];
        let weekend_only = run.iter().all(|(date, _)| is_weekend(**date));
        let noted = run.iter().any(|(_, d)| d.noted);
        if weekend_only && !noted {
            let (first, declared) = run[0];
            let days = match run {
                [_] => format!("{first} is a {}", weekday_name(first.weekday())),
                _ => format!("{first}…{} are a weekend", run[run.len() - 1].0),
            };
            let message = format!(
                "{days} with no weekday off beside it: a weekend is off anyway, so this \
                 changes no working day; check the date against the notice, or say in `note` \
                 why the notice lists it"
            );
            c.report(Some(&declared.at), declared.field.clone(), message);
        }
        start = end;
    }
}

/// Reports a covered year without a `[[source]]`, and a covered year without any holiday when
/// other covered years have some: its every Monday–Friday would count as a working day.
fn covered_years(
    c: &mut Compiler<'_>,
    (first, last): (i32, i32),
    years_span: &Range<usize>,
    source_years: &BTreeMap<i64, String>,
    declared: &BTreeMap<NaiveDate, Declared>,
) {
    let with_holidays: BTreeSet<i32> = declared
        .iter()
        .filter(|(_, d)| d.day.kind == DayKind::Holiday)
        .map(|(date, _)| date.year())
        .collect();
    for year in first..=last {
        if !source_years.contains_key(&i64::from(year)) {
            c.report(
                Some(years_span),
                "source",
                format!("{year} is covered but no [[source]] cites the notice its dates come from"),
            );
        }
        if !with_holidays.is_empty() && !with_holidays.contains(&year) {
            c.report(
                Some(years_span),
                "years",
                format!(
                    "{year} is covered but declares no holiday: every Monday–Friday of it \
                     would count as a working day (add its dates from the notice)"
                ),
            );
        }
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
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

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
