//! Tests of the calendar file format and its compile step.

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const SMALL: &str = r#"
id = "shop"
name = "Shop calendar"
years = [2025, 2025]

[[source]]
year = 2025
title = "Shop notice"
issued = "2024-12-01"

[[holiday]]
name = "Stocktaking"
note = "The shop closes on Saturday 03-08 too, which the notice lists."
dates = ["2025-03-03..2025-03-04", "2025-03-08"]
makeup = ["2025-03-01"]
"#;

/// A valid file's first lines: `years` on line 3, its `[[source]]` for each year on lines 4–…
fn head(first: i32, last: i32) -> String {
    let mut text = format!("id = \"x\"\nname = \"X\"\nyears = [{first}, {last}]\n");
    for year in first..=last {
        text.push_str(&format!(
            "[[source]]\nyear = {year}\ntitle = \"Notice {year}\"\n"
        ));
    }
    text
}

fn messages(diagnostics: &[CalendarDiagnostic]) -> Vec<String> {
    diagnostics.iter().map(ToString::to_string).collect()
}

fn problems(text: &str) -> Vec<String> {
    messages(&Calendar::from_toml(text, "x.toml").unwrap_err())
}

#[test]
fn a_good_file_becomes_a_calendar() {
    let cal = Calendar::from_toml(SMALL, "shop.toml").unwrap();
    assert_eq!(cal.id, "shop");
    assert_eq!(cal.name, "Shop calendar");
    assert_eq!((cal.first_year, cal.last_year), (2025, 2025));
    assert_eq!(cal.origin, "shop.toml");
    assert_eq!(cal.kind(date(2025, 3, 3)), Ok(DayKind::Holiday));
    assert_eq!(cal.kind(date(2025, 3, 4)), Ok(DayKind::Holiday));
    // A lone holiday on a Saturday is allowed when the entry's note says why.
    assert_eq!(cal.kind(date(2025, 3, 8)), Ok(DayKind::Holiday));
    assert_eq!(cal.kind(date(2025, 3, 1)), Ok(DayKind::MakeupWorkday));
    assert_eq!(cal.kind(date(2025, 3, 5)), Ok(DayKind::Weekday));
    assert_eq!(
        cal.special(date(2025, 3, 1)).map(|s| s.name.as_str()),
        Some("Stocktaking")
    );
    assert_eq!(cal.special_days().count(), 4);
}

#[test]
fn the_shipped_calendar_compiles() {
    let text = include_str!("../../data/calendars/cn.toml");
    let cal = Calendar::from_toml(text, "cn.toml").unwrap();
    assert_eq!((cal.first_year, cal.last_year), (2023, 2026));
}

#[test]
fn the_hash_is_the_sha256_of_the_file_bytes() {
    let text = "id = \"x\"\nname = \"X\"\nyears = [2025, 2025]\n\
                [[source]]\nyear = 2025\ntitle = \"T\"\n";
    let cal = Calendar::from_toml(text, "x.toml").unwrap();
    // sha256sum of the 76 bytes above.
    assert_eq!(text.len(), 76);
    assert_eq!(
        cal.sha256,
        "2113f57ed1e5b732035b3c01c36908eb9d961bad0fc35996603b8d23305b9b38"
    );
    let other = Calendar::from_toml(SMALL, "shop.toml").unwrap();
    assert_ne!(cal.sha256, other.sha256);
}

#[test]
fn a_broken_file_lists_every_problem_with_its_line() {
    let text = r#"id = "bad id"
name = ""
years = [2025, 2026]
colour = "red"

[[source]]
year = 2027
title = "x"
issued = "2024-13-01"
page = 3

[[holiday]]
name = "Broken"
dates = ["2025-02-30", "2025-05-05..2025-05-01", "2024-12-31", "2025-10-01..2025-10-02"]
makeup = ["2025-09-29", "2025-10-01", "2025-10-11"]

[[holiday]]
name = "Again"
dates = ["2025-10-02", 2025-10-03]
makeup = "2025-10-12"
"#;
    assert_eq!(
        messages(&Calendar::from_toml(text, "bad.toml").unwrap_err()),
        vec![
            r#"bad.toml:1: id: "bad id" is not an id (letters, digits, '-' and '_', not empty)"#,
            "bad.toml:2: name: is empty",
            "bad.toml:3: source: 2025 is covered but no [[source]] cites the notice its dates come from",
            "bad.toml:3: source: 2026 is covered but no [[source]] cites the notice its dates come from",
            "bad.toml:3: years: 2026 is covered but declares no holiday: every Monday–Friday of it would count as a working day (add its dates from the notice)",
            "bad.toml:4: colour: unknown key `colour` (known: id, name, years, source, holiday)",
            "bad.toml:7: source[0].year: 2027 is outside the covered years 2025–2026",
            r#"bad.toml:9: source[0].issued: "2024-13-01" is not a date (expected YYYY-MM-DD)"#,
            "bad.toml:10: source[0].page: unknown key `page` (known: year, title, document, issued, url)",
            r#"bad.toml:14: holiday[0].dates[0]: "2025-02-30" is not a date (expected YYYY-MM-DD)"#,
            r#"bad.toml:14: holiday[0].dates[1]: range "2025-05-05..2025-05-01" ends before it starts"#,
            "bad.toml:14: holiday[0].dates[2]: 2024-12-31 is outside the covered years 2025–2026",
            "bad.toml:15: holiday[0].makeup[0]: 2025-09-29 is a Monday; a make-up working day must be a Saturday or Sunday",
            "bad.toml:15: holiday[0].makeup[1]: 2025-10-01 is a Wednesday; a make-up working day must be a Saturday or Sunday",
            r"bad.toml:19: holiday[1].dates[0]: 2025-10-02 is already declared by holiday[0].dates[3] (line 14)",
            r#"bad.toml:19: holiday[1].dates[1]: expected a string, found a bare date or time: write it as a string, "2025-10-03""#,
            "bad.toml:20: holiday[1].makeup: expected an array of strings, found a string",
        ]
    );
}

#[test]
fn a_date_that_is_both_a_holiday_and_a_make_up_day_is_reported() {
    let text = format!(
        "{}[[holiday]]\nname = \"A\"\ndates = [\"2025-10-10..2025-10-11\"]\n\
         makeup = [\"2025-10-11\"]\n",
        head(2025, 2025)
    );
    assert_eq!(
        problems(&text),
        vec!["x.toml:10: holiday[0].makeup[0]: 2025-10-11 is declared a make-up working day here and a holiday by holiday[0].dates[0] (line 9); it can only be one"]
    );
}

#[test]
fn a_weekend_only_break_needs_a_note() {
    // 2025-03-08/09 is a weekend; 2025-03-10 a Monday.
    let entry = |dates: &str, note: &str| {
        format!(
            "{}[[holiday]]\nname = \"A\"\n{note}dates = [{dates}]\n",
            head(2025, 2025)
        )
    };
    assert_eq!(
        problems(&entry("\"2025-03-08..2025-03-09\"", "")),
        vec!["x.toml:9: holiday[0].dates[0]: 2025-03-08…2025-03-09 are a weekend with no weekday off beside it: a weekend is off anyway, so this changes no working day; check the date against the notice, or say in `note` why the notice lists it"]
    );
    assert_eq!(
        problems(&entry("\"2025-03-08\"", "")),
        vec!["x.toml:9: holiday[0].dates[0]: 2025-03-08 is a Saturday with no weekday off beside it: a weekend is off anyway, so this changes no working day; check the date against the notice, or say in `note` why the notice lists it"]
    );
    // With a weekday in the same break, or a note, it is fine.
    Calendar::from_toml(&entry("\"2025-03-08..2025-03-10\"", ""), "x.toml").unwrap();
    Calendar::from_toml(&entry("\"2025-03-08\"", "note = \"Listed.\"\n"), "x.toml").unwrap();
    // A break split over two entries is one break.
    let split = format!(
        "{}[[holiday]]\nname = \"A\"\ndates = [\"2025-03-07\"]\n\
         [[holiday]]\nname = \"B\"\ndates = [\"2025-03-08..2025-03-09\"]\n",
        head(2025, 2025)
    );
    Calendar::from_toml(&split, "x.toml").unwrap();
}

#[test]
fn a_covered_year_without_holidays_or_source_is_a_gap() {
    // 2027 added to `years` but not filled in.
    let text = "id = \"x\"\nname = \"X\"\nyears = [2026, 2027]\n\
                [[source]]\nyear = 2026\ntitle = \"Notice 2026\"\n\
                [[holiday]]\nname = \"A\"\ndates = [\"2026-01-01\"]\n";
    assert_eq!(
        problems(text),
        vec![
            "x.toml:3: source: 2027 is covered but no [[source]] cites the notice its dates come from",
            "x.toml:3: years: 2027 is covered but declares no holiday: every Monday–Friday of it would count as a working day (add its dates from the notice)",
        ]
    );
    // A calendar with no holidays at all (Monday–Friday every year) is not a gap.
    Calendar::from_toml(&head(2025, 2026), "x.toml").unwrap();
}

#[test]
fn missing_keys_and_duplicate_sources_are_reported() {
    let text = "id = \"x\"\n\
                [[source]]\nyear = 2025\n\
                [[source]]\nyear = 2025\ntitle = \"Again\"\n\
                [[holiday]]\nnote = 1\n";
    assert_eq!(
        problems(text),
        vec![
            "x.toml: name: missing required key",
            "x.toml: years: missing required key",
            "x.toml:2: source[0].title: missing required key",
            "x.toml:5: source[1].year: 2025 already has source[0]",
            "x.toml:7: holiday[0].name: missing required key",
            "x.toml:7: holiday[0].dates: missing required key",
            "x.toml:8: holiday[0].note: expected a string, found an integer",
        ]
    );
}

#[test]
fn malformed_years_are_reported() {
    for (years, message) in [
        (
            "[2025]",
            "expected [first, last] (two years), found 1 values",
        ),
        ("[2026, 2025]", "first year 2026 is after last year 2025"),
        (
            "[1800, 2025]",
            "years must lie within 1900–2199, found 1800–2025",
        ),
        (
            "2025",
            "expected [first, last] (two years), found an integer",
        ),
    ] {
        let text = format!("id = \"x\"\nname = \"X\"\nyears = {years}\n");
        assert_eq!(problems(&text), vec![format!("x.toml:3: years: {message}")]);
    }
}

#[test]
fn toml_syntax_errors_name_the_line_and_column() {
    let text = "id = \"x\"\nname = \nyears = [2025, 2025]\nid = \"y\"\n";
    assert_eq!(
        problems(text),
        vec![
            "x.toml:2: -: TOML syntax error at column 8: string values must be quoted, expected literal string",
            "x.toml:4: -: TOML syntax error at column 1: duplicate key",
        ]
    );
}
