//! The text of `calendars list` and `calendars show`: pure functions, the command line prints
//! what they return.

use chrono::{Datelike, NaiveDate};

use super::{next_day, Calendar, CalendarSet, DayKind};

/// Why `calendars show` cannot print the range asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShowError {
    /// No calendar has the id asked for.
    #[error("no calendar with id {id:?} (known: {known})")]
    UnknownCalendar {
        /// The id asked for.
        id: String,
        /// The known ids, comma-separated.
        known: String,
    },
    /// A `--from` or `--to` value is not a date.
    #[error("--{flag} {value:?} is not a date (expected YYYY-MM-DD)")]
    BadDate {
        /// `from` or `to`.
        flag: &'static str,
        /// The text given.
        value: String,
    },
    /// `--from` is after `--to`.
    #[error("--from {from} is after --to {to}")]
    Reversed {
        /// The `--from` date.
        from: NaiveDate,
        /// The `--to` date.
        to: NaiveDate,
    },
    /// Part of the range lies outside the covered years.
    #[error("calendar {id} does not cover {uncovered} (it covers {first_year}–{last_year})")]
    NotCovered {
        /// The calendar's id.
        id: String,
        /// The uncovered years at either end of the range, e.g. `2027` or `2020–2022 and 2027`.
        uncovered: String,
        /// First covered year.
        first_year: i32,
        /// Last covered year.
        last_year: i32,
    },
}

/// `calendars list`: one line per calendar, columns aligned: id, name, covered years, holiday
/// days, make-up working days, origin.
pub fn list_text(set: &CalendarSet) -> String {
    let rows: Vec<[String; 6]> = set
        .iter()
        .map(|calendar| {
            let count = |kind: DayKind| {
                calendar
                    .special_days()
                    .filter(|(_, day)| day.kind == kind)
                    .count()
            };
            let origin = if calendar.origin.is_empty() {
                "-".to_string()
            } else {
                calendar.origin.clone()
            };
            [
                calendar.id.clone(),
                calendar.name.clone(),
                format!("{}–{}", calendar.first_year, calendar.last_year),
                format!("{} holiday days", count(DayKind::Holiday)),
                format!("{} make-up working days", count(DayKind::MakeupWorkday)),
                origin,
            ]
        })
        .collect();
    let mut widths = [0usize; 6];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            if column + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                let pad = widths[column] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `calendars show ID [--from DATE] [--to DATE]`: the calendar `id` of `set` as CSV over the
/// range; each bound defaults to the first or last covered day.
pub fn show_csv(
    set: &CalendarSet,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<String, ShowError> {
    let calendar = set.get(id).ok_or_else(|| ShowError::UnknownCalendar {
        id: id.to_string(),
        known: set
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    let from = from.map(|text| parse_date("from", text)).transpose()?;
    let to = to.map(|text| parse_date("to", text)).transpose()?;
    // An end left out defaults to the calendar's own end, stretched to the year of the other
    // end, so a date outside the covered years is reported as such, not as a reversed range.
    let from = from.unwrap_or_else(|| {
        first_day(to.map_or(calendar.first_year, |to| to.year().min(calendar.first_year)))
    });
    let to = to.unwrap_or_else(|| last_day(calendar.last_year.max(from.year())));
    calendar_csv(calendar, from, to)
}

/// The days `from..=to` of `calendar` as CSV, header `date,working_day,kind,name`; `name` is
/// the holiday a declared day belongs to, blank for plain weekdays and weekends.
pub fn calendar_csv(
    calendar: &Calendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<String, ShowError> {
    if from > to {
        return Err(ShowError::Reversed { from, to });
    }
    let (first, last) = (calendar.first_year, calendar.last_year);
    let mut uncovered = Vec::new();
    if from.year() < first {
        uncovered.push(years_text(from.year(), to.year().min(first - 1)));
    }
    if to.year() > last {
        uncovered.push(years_text(from.year().max(last + 1), to.year()));
    }
    if !uncovered.is_empty() {
        return Err(ShowError::NotCovered {
            id: calendar.id.clone(),
            uncovered: uncovered.join(" and "),
            first_year: first,
            last_year: last,
        });
    }

    // Writing to memory cannot fail; the results are ignored.
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["date", "working_day", "kind", "name"]);
    let mut date = from;
    loop {
        // Every date here is covered: the range was checked above.
        let kind = calendar.kind(date).map_err(|gap| ShowError::NotCovered {
            id: calendar.id.clone(),
            uncovered: gap.year.to_string(),
            first_year: first,
            last_year: last,
        })?;
        let name = calendar.special(date).map_or("", |day| day.name.as_str());
        let _ = writer.write_record([
            date.format("%Y-%m-%d").to_string().as_str(),
            if kind.is_working() { "true" } else { "false" },
            kind.as_str(),
            name,
        ]);
        if date == to {
            break;
        }
        date = next_day(date);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn parse_date(flag: &'static str, text: &str) -> Result<NaiveDate, ShowError> {
    let trimmed = text.trim();
    NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
        .ok()
        .filter(|_| trimmed.len() == 10)
        .ok_or_else(|| ShowError::BadDate {
            flag,
            value: text.to_string(),
        })
}

fn years_text(first: i32, last: i32) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}–{last}")
    }
}

fn first_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn last_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> CalendarSet {
        CalendarSet::load(None).unwrap()
    }

    #[test]
    fn list_names_each_calendar_with_its_years_counts_and_origin() {
        let text = list_text(&shipped());
        assert_eq!(
            text,
            "cn  China (State Council holiday arrangements)  2023–2026  115 holiday days  \
             26 make-up working days  built-in cn.toml\n"
        );
    }

    #[test]
    fn show_prints_one_row_per_day() {
        let csv = show_csv(&shipped(), "cn", Some("2025-09-27"), Some("2025-10-12")).unwrap();
        let expected = "\
date,working_day,kind,name
2025-09-27,false,weekend,
2025-09-28,true,makeup_workday,National Day
2025-09-29,true,weekday,
2025-09-30,true,weekday,
2025-10-01,false,holiday,National Day
2025-10-02,false,holiday,National Day
2025-10-03,false,holiday,National Day
2025-10-04,false,holiday,National Day
2025-10-05,false,holiday,National Day
2025-10-06,false,holiday,National Day
2025-10-07,false,holiday,National Day
2025-10-08,false,holiday,National Day
2025-10-09,true,weekday,
2025-10-10,true,weekday,
2025-10-11,true,makeup_workday,National Day
2025-10-12,false,weekend,
";
        assert_eq!(csv, expected);
    }

    #[test]
    fn show_defaults_to_the_covered_years() {
        let csv = show_csv(&shipped(), "cn", None, None).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        // Header plus 365 + 366 + 365 + 365 days.
        assert_eq!(lines.len(), 1 + 1461);
        assert_eq!(lines[1], "2023-01-01,false,holiday,New Year's Day");
        assert_eq!(lines[1461], "2026-12-31,true,weekday,");
        let from_only = show_csv(&shipped(), "cn", Some("2026-12-30"), None).unwrap();
        assert_eq!(from_only.lines().count(), 3);
    }

    #[test]
    fn names_with_commas_are_quoted() {
        let text = "id = \"x\"\nname = \"X\"\nyears = [2025, 2025]\n\
                    [[source]]\nyear = 2025\ntitle = \"T\"\n\
                    [[holiday]]\nname = \"Founders, Day\"\ndates = [\"2025-03-03\"]\n";
        let cal = Calendar::from_toml(text, "x.toml").unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        assert_eq!(
            calendar_csv(&cal, day, day).unwrap(),
            "date,working_day,kind,name\n2025-03-03,false,holiday,\"Founders, Day\"\n"
        );
    }

    #[test]
    fn a_range_outside_the_coverage_names_the_year() {
        let set = shipped();
        let err = show_csv(&set, "cn", Some("2026-12-30"), Some("2027-01-02")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "calendar cn does not cover 2027 (it covers 2023–2026)"
        );
        let err = show_csv(&set, "cn", Some("2020-06-01"), Some("2027-01-02")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "calendar cn does not cover 2020–2022 and 2027 (it covers 2023–2026)"
        );
    }

    #[test]
    fn bad_arguments_are_reported() {
        let set = shipped();
        assert_eq!(
            show_csv(&set, "us", None, None).unwrap_err().to_string(),
            "no calendar with id \"us\" (known: cn)"
        );
        assert_eq!(
            show_csv(&set, "cn", Some("2025/10/01"), None)
                .unwrap_err()
                .to_string(),
            "--from \"2025/10/01\" is not a date (expected YYYY-MM-DD)"
        );
        assert_eq!(
            show_csv(&set, "cn", Some("2025-10-02"), Some("2025-10-01"))
                .unwrap_err()
                .to_string(),
            "--from 2025-10-02 is after --to 2025-10-01"
        );
    }

    #[test]
    fn one_end_outside_the_years_names_the_uncovered_year() {
        let set = shipped();
        assert_eq!(
            show_csv(&set, "cn", Some("2027-01-01"), None)
                .unwrap_err()
                .to_string(),
            "calendar cn does not cover 2027 (it covers 2023–2026)"
        );
        assert_eq!(
            show_csv(&set, "cn", None, Some("2022-06-30"))
                .unwrap_err()
                .to_string(),
            "calendar cn does not cover 2022 (it covers 2023–2026)"
        );
    }
}
