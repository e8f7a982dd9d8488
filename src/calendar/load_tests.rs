//! Tests of the calendar file format and the loader.

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
dates = ["2025-03-03..2025-03-04", "2025-03-08"]
makeup = ["2025-03-01"]
"#;

fn messages(diagnostics: &[CalendarDiagnostic]) -> Vec<String> {
    diagnostics.iter().map(ToString::to_string).collect()
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
    // A holiday on a Saturday is allowed.
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
fn the_hash_is_the_sha256_of_the_file_bytes() {
    let cal =
        Calendar::from_toml("id = \"x\"\nname = \"X\"\nyears = [2025, 2025]\n", "x.toml").unwrap();
    // sha256sum of the 41 bytes above.
    assert_eq!(
        cal.sha256,
        "d669f4e8a77edbfbd872af7ff1ea5e77826985dc4363b317ff4e674697e24c31"
    );
    let other = Calendar::from_toml(SMALL, "shop.toml").unwrap();
    assert_ne!(cal.sha256, other.sha256);
}

#[test]
fn a_broken_file_lists_every_problem() {
    let text = r#"
id = "bad id"
name = ""
years = [2025, 2026]

[[source]]
year = 2027
title = "x"
issued = "2024-13-01"

[[holiday]]
name = "Broken"
dates = ["2025-02-30", "2025-05-05..2025-05-01", "2024-12-31", "2025-10-01..2025-10-02"]
makeup = ["2025-09-29", "2025-10-01", "2025-10-11"]

[[holiday]]
name = "Again"
dates = ["2025-10-02"]
"#;
    let diagnostics = Calendar::from_toml(text, "bad.toml").unwrap_err();
    assert_eq!(
        messages(&diagnostics),
        vec![
            r#"bad.toml: id: "bad id" is not an id (letters, digits, '-' and '_', not empty)"#,
            "bad.toml: name: is empty",
            "bad.toml: source[0].year: 2027 is outside the covered years 2025–2026",
            r#"bad.toml: source[0].issued: "2024-13-01" is not a date (expected YYYY-MM-DD)"#,
            r#"bad.toml: holiday[0].dates[0]: "2025-02-30" is not a date (expected YYYY-MM-DD)"#,
            r#"bad.toml: holiday[0].dates[1]: range "2025-05-05..2025-05-01" ends before it starts"#,
            "bad.toml: holiday[0].dates[2]: 2024-12-31 is outside the covered years 2025–2026",
            "bad.toml: holiday[0].makeup[0]: 2025-09-29 is a Monday; a make-up working day must be a Saturday or Sunday",
            "bad.toml: holiday[0].makeup[1]: 2025-10-01 is a Wednesday; a make-up working day must be a Saturday or Sunday",
            "bad.toml: holiday[1].dates[0]: 2025-10-02 is already declared by holiday[0].dates[3]",
        ]
    );
}

#[test]
fn a_make_up_day_declared_as_a_holiday_too_is_reported() {
    let text = r#"
id = "x"
name = "X"
years = [2025, 2025]
[[holiday]]
name = "A"
dates = ["2025-10-11"]
makeup = ["2025-10-11"]
"#;
    assert_eq!(
        messages(&Calendar::from_toml(text, "x.toml").unwrap_err()),
        vec!["x.toml: holiday[0].makeup[0]: 2025-10-11 is already declared by holiday[0].dates[0]"]
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
    ] {
        let text = format!("id = \"x\"\nname = \"X\"\nyears = {years}\n");
        assert_eq!(
            messages(&Calendar::from_toml(&text, "x.toml").unwrap_err()),
            vec![format!("x.toml: years: {message}")]
        );
    }
}

#[test]
fn toml_errors_name_the_line() {
    let text = "id = \"x\"\nname = \"X\"\nyears = [2025, 2025]\ncolour = \"red\"\n";
    let diagnostics = Calendar::from_toml(text, "x.toml").unwrap_err();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].field, "line 4, column 1");
    assert!(
        diagnostics[0].message.contains("colour"),
        "{}",
        diagnostics[0]
    );
}
