//! Date and datetime values: ISO 8601, slashed and Chinese forms (`2026年10月1日 14:30`),
//! full-width digits, Excel date cells and serial numbers, and mapping-file formats.

use std::borrow::Cow;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
};

use super::header::half_width;
use super::values::Reason;
use super::DateOrder;
use crate::ticket::When;

pub(super) const NOT_A_DATE: &str = "not a date";
pub(super) const AMBIGUOUS_ORDER: &str = "day/month order is ambiguous; pass --date-order dmy|mdy";
pub(super) const OUT_OF_RANGE: &str = "date out of range 1990–2100";

/// Reads a date or datetime written as text. Mapping formats for the column are tried first,
/// then the built-in forms, then a plain number as an Excel serial.
pub(super) fn when_from_text(
    text: &str,
    formats: &[String],
    order: Option<DateOrder>,
) -> Result<When, Reason> {
    let text = text.trim();
    if formats.is_empty() {
        if let Some(when) = iso_fast(text) {
            return in_range(when);
        }
    }
    for format in formats {
        if let Some(when) = with_format(text, format) {
            return in_range(when);
        }
    }
    let normal = normalize(text);
    if let Some(parsed) = parse_standard(&normal, order) {
        return parsed.and_then(in_range);
    }
    if is_plain_number(&normal) {
        if let Ok(serial) = normal.parse::<f64>() {
            return when_from_serial(serial);
        }
    }
    Err(NOT_A_DATE.into())
}

/// The exports' most common shapes, read without the general parser: `YYYY-MM-DD`,
/// `YYYY-MM-DD HH:MM` and `YYYY-MM-DD HH:MM:SS` (space or `T`). `None` for anything else,
/// including an impossible date, which the general parser then reads (and reports) exactly
/// as before.
fn iso_fast(text: &str) -> Option<When> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let mut value = 0;
        for &byte in b.get(range)? {
            if !byte.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(byte - b'0');
        }
        Some(value)
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)?;
    let (hour, minute, second) = match b.len() {
        10 => return Some(When::Date(date)),
        16 if b[13] == b':' => (digits(11..13)?, digits(14..16)?, 0),
        19 if b[13] == b':' && b[16] == b':' => (digits(11..13)?, digits(14..16)?, digits(17..19)?),
        _ => return None,
    };
    if !matches!(b[10], b' ' | b'T') {
        return None;
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    Some(When::Local(date.and_time(time)))
}

/// Reads a number in a date column: an 8-digit whole number is `YYYYMMDD` (serials that
/// large lie past the year 9999), anything else an Excel serial.
pub(super) fn when_from_number(number: f64) -> Result<When, Reason> {
    if number.fract() == 0.0 && (10_000_000.0..100_000_000.0).contains(&number) {
        let digits = format!("{}", number as u64);
        if let Some(parsed) = parse_date(&digits, None) {
            return parsed.map(When::Date).and_then(in_range);
        }
    }
    when_from_serial(number)
}

/// Reads an Excel serial date (days since 1899-12-30, with Excel's 1900 leap-year bug:
/// serials below 60 are one day later than plain arithmetic gives).
pub(super) fn when_from_serial(serial: f64) -> Result<When, Reason> {
    if !serial.is_finite() || serial <= 0.0 || serial >= 2_958_466.0 {
        return Err(OUT_OF_RANGE.into());
    }
    let days = if serial < 60.0 { serial + 1.0 } else { serial };
    let millis = (days * 86_400_000.0).round() as i64;
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
        .map(|date| date.and_time(NaiveTime::MIN))
        .ok_or(NOT_A_DATE)?;
    let at = epoch
        .checked_add_signed(Duration::milliseconds(millis))
        .ok_or(OUT_OF_RANGE)?;
    in_range(when_from_cell(at))
}

/// A spreadsheet date cell: a date when it falls exactly on midnight, else a local datetime.
pub(super) fn when_from_cell(at: NaiveDateTime) -> When {
    if at.time() == NaiveTime::MIN {
        When::Date(at.date())
    } else {
        When::Local(at)
    }
}

/// The calendar date a value was written with (its own offset for `Fixed`).
pub(super) fn date_of(when: When) -> NaiveDate {
    match when {
        When::Date(date) => date,
        When::Local(local) => local.date(),
        When::Fixed(fixed) => fixed.naive_local().date(),
    }
}

/// Rejects dates before 1990-01-01 or after 2100-12-31: such values are typing errors or
/// placeholders (`1900-01-01`), never real after-sales events.
pub(super) fn in_range(when: When) -> Result<When, Reason> {
    // 1990-01-01 to 2100-12-31: whole years.
    if (1990..=2100).contains(&date_of(when).year()) {
        Ok(when)
    } else {
        Err(OUT_OF_RANGE.into())
    }
}

fn with_format(text: &str, format: &str) -> Option<When> {
    if let Ok(fixed) = DateTime::parse_from_str(text, format) {
        return Some(When::Fixed(fixed));
    }
    if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
        return Some(When::Local(local));
    }
    NaiveDate::parse_from_str(text, format).ok().map(When::Date)
}

/// Full-width folded, Chinese date words turned into separators, spaces collapsed:
/// `２０２６年10月1日 14时30分` → `2026-10-1 14:30`.
fn normalize(text: &str) -> Cow<'_, str> {
    let plain = text.is_ascii()
        && !text.contains("  ")
        && !text.ends_with(':')
        && !text.contains(['\t', '\r', '\n']);
    if plain {
        return Cow::Borrowed(text.trim());
    }
    let text = half_width(text);
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '年' | '月' => out.push('-'),
            '日' | '号' => out.push(' '),
            '时' | '時' | '点' | '分' => out.push(':'),
            '秒' => {}
            ch if ch.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            ch => out.push(ch),
        }
    }
    let trimmed = out.trim().trim_end_matches(':').trim();
    Cow::Owned(trimmed.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn is_plain_number(text: &str) -> bool {
    let mut digits = 0;
    let mut dots = 0;
    for byte in text.bytes() {
        match byte {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && dots <= 1
}

/// The built-in forms. `None` when the text has none of their shapes; `Some(Err)` when it
/// has one but is no valid date (`2026-02-30`) or needs a day/month order.
fn parse_standard(text: &str, order: Option<DateOrder>) -> Option<Result<When, Reason>> {
    let split = text.find([' ', 'T', 't']).unwrap_or(text.len());
    let (date_part, rest) = text.split_at(split);
    let date = match parse_date(date_part, order)? {
        Ok(date) => date,
        Err(reason) => return Some(Err(reason)),
    };
    let rest = rest.get(1..).unwrap_or("").trim();
    if rest.is_empty() {
        return Some(Ok(When::Date(date)));
    }
    let (time, offset) = parse_time(rest)?;
    let local = date.and_time(time);
    Some(Ok(match offset {
        None => When::Local(local),
        Some(offset) => match offset.from_local_datetime(&local).single() {
            Some(fixed) => When::Fixed(fixed),
            None => return Some(Err(NOT_A_DATE.into())),
        },
    }))
}

fn parse_date(text: &str, order: Option<DateOrder>) -> Option<Result<NaiveDate, Reason>> {
    let number = |part: &str| part.parse::<u32>().ok();
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        let (year, month, day) = (&text[..4], &text[4..6], &text[6..]);
        return Some(make_date(year.parse().ok()?, number(month)?, number(day)?));
    }
    let separator = text.chars().find(|ch| !ch.is_ascii_digit())?;
    if !matches!(separator, '-' | '/' | '.') {
        return None;
    }
    let mut parts = text.split(separator);
    let (first, second, third) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(first) || !digits(second) || !digits(third) {
        return None;
    }
    if first.len() == 4 && second.len() <= 2 && third.len() <= 2 {
        return Some(make_date(
            first.parse().ok()?,
            number(second)?,
            number(third)?,
        ));
    }
    if third.len() == 4 && first.len() <= 2 && second.len() <= 2 {
        let year = third.parse().ok()?;
        return Some(match order {
            None => Err(AMBIGUOUS_ORDER.into()),
            Some(DateOrder::Dmy) => make_date(year, number(second)?, number(first)?),
            Some(DateOrder::Mdy) => make_date(year, number(first)?, number(second)?),
        });
    }
    None
}

fn make_date(year: i32, month: u32, day: u32) -> Result<NaiveDate, Reason> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| NOT_A_DATE.into())
}

/// `H:MM[:SS[.fff]]`, an optional `AM`/`PM`, an optional offset (`Z`, `+08:00`, `+0800`, `+08`).
fn parse_time(text: &str) -> Option<(NaiveTime, Option<FixedOffset>)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let field = |at: &mut usize, min: usize, max: usize| -> Option<u32> {
        let start = *at;
        while *at < bytes.len() && *at - start < max && bytes[*at].is_ascii_digit() {
            *at += 1;
        }
        if *at - start < min {
            return None;
        }
        text[start..*at].parse().ok()
    };
    let mut hour = field(&mut at, 1, 2)?;
    if bytes.get(at) != Some(&b':') {
        return None;
    }
    at += 1;
    let minute = field(&mut at, 2, 2)?;
    let mut second = 0;
    let mut nanos = 0;
    if bytes.get(at) == Some(&b':') {
        at += 1;
        second = field(&mut at, 2, 2)?;
        if matches!(bytes.get(at), Some(b'.' | b',')) {
            at += 1;
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            let digits = &text[start..at];
            if digits.is_empty() {
                return None;
            }
            let kept = &digits[..digits.len().min(9)];
            nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
        }
    }
    let mut rest = text[at..].trim_start();
    let meridiem = rest.get(..2).map(str::to_ascii_lowercase);
    if let Some(meridiem @ ("am" | "pm")) = meridiem.as_deref() {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (meridiem, hour) {
            ("am", 12) => 0,
            ("pm", 12) => 12,
            ("pm", hour) => hour + 12,
            (_, hour) => hour,
        };
        rest = rest[2..].trim_start();
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = parse_offset(rest)?;
    Some((time, offset))
}

/// `None` for text that is no offset; `Some(None)` for no offset at all.
fn parse_offset(text: &str) -> Option<Option<FixedOffset>> {
    if text.is_empty() {
        return Some(None);
    }
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return Some(FixedOffset::east_opt(0));
    }
    let sign = match text.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|ch| *ch != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_iso_path_reads_as_the_general_parser() {
        let general = |text: &str| {
            let normal = normalize(text);
            parse_standard(&normal, None).and_then(Result::ok)
        };
        for text in [
            "2025-09-03",
            "2025-09-03 10:00",
            "2025-09-03 10:00:59",
            "2025-09-03T23:59:00",
            "2024-02-29 00:00:00",
        ] {
            assert!(iso_fast(text).is_some(), "{text}");
            assert_eq!(iso_fast(text), general(text), "{text}");
        }
        // Impossible values and other shapes are left to the general parser.
        for text in [
            "2025-02-30",
            "2025-13-01 10:00",
            "2025-09-03 24:00",
            "2025-09-03 10:00:60",
            "2025-09-03x10:00",
            "2025-09-03 10:00+08:00",
            "1999-12-31 7:05",
            "2025/09/03",
            "20250903",
        ] {
            assert_eq!(iso_fast(text), None, "{text}");
        }
        assert_eq!(
            when_from_text(" 2025-09-03 10:00:00 ", &[], None),
            when_from_text("2025/9/3 10:00", &[], None)
        );
    }

    use crate::testing::ymd as date;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> When {
        When::Local(date(y, m, d).and_hms_opt(h, min, s).unwrap())
    }

    fn read(text: &str) -> Result<When, Reason> {
        when_from_text(text, &[], None)
    }

    #[test]
    fn iso_dates_and_datetimes() {
        assert_eq!(read("2026-10-01"), Ok(When::Date(date(2026, 10, 1))));
        assert_eq!(read("2026-10-01 14:30"), Ok(local(2026, 10, 1, 14, 30, 0)));
        assert_eq!(
            read("2026-10-01T14:30:00"),
            Ok(local(2026, 10, 1, 14, 30, 0))
        );
        assert_eq!(
            read(" 2026-10-01 14:30:05 "),
            Ok(local(2026, 10, 1, 14, 30, 5))
        );
        assert_eq!(read("20261001"), Ok(When::Date(date(2026, 10, 1))));
        assert_eq!(read("2026.10.01"), Ok(When::Date(date(2026, 10, 1))));
        let fraction = read("2026-10-01T14:30:00.250").unwrap();
        assert_eq!(
            fraction,
            When::Local(date(2026, 10, 1).and_hms_milli_opt(14, 30, 0, 250).unwrap())
        );
    }

    #[test]
    fn offsets_give_fixed_values() {
        let expected = DateTime::parse_from_rfc3339("2026-10-01T14:30:00+08:00").unwrap();
        for text in [
            "2026-10-01T14:30:00+08:00",
            "2026-10-01T14:30:00+0800",
            "2026-10-01 14:30+08",
            "2026-10-01 14:30 +08:00",
        ] {
            assert_eq!(read(text), Ok(When::Fixed(expected)), "{text}");
        }
        let utc = read("2026-10-01T06:30:00Z").unwrap();
        match utc {
            When::Fixed(fixed) => {
                assert_eq!(fixed.offset().local_minus_utc(), 0);
                assert_eq!(fixed, expected);
            }
            other => panic!("expected a fixed value, got {other:?}"),
        }
        assert_eq!(
            read("2026-10-01T14:30:00-05:30"),
            Ok(When::Fixed(
                DateTime::parse_from_rfc3339("2026-10-01T14:30:00-05:30").unwrap()
            ))
        );
    }

    #[test]
    fn slashed_chinese_and_full_width_forms() {
        assert_eq!(read("2026/10/1 9:05"), Ok(local(2026, 10, 1, 9, 5, 0)));
        assert_eq!(read("2026/10/1"), Ok(When::Date(date(2026, 10, 1))));
        assert_eq!(
            read("2026年10月1日 14:30"),
            Ok(local(2026, 10, 1, 14, 30, 0))
        );
        assert_eq!(read("2026年10月1日"), Ok(When::Date(date(2026, 10, 1))));
        assert_eq!(
            read("2026年10月1日14时30分"),
            Ok(local(2026, 10, 1, 14, 30, 0))
        );
        assert_eq!(
            read("２０２６／１０／１ ９:０５"),
            Ok(local(2026, 10, 1, 9, 5, 0))
        );
        assert_eq!(
            read("２０２６年１０月１日"),
            Ok(When::Date(date(2026, 10, 1)))
        );
        assert_eq!(
            read("２０２６－１０－０１"),
            Ok(When::Date(date(2026, 10, 1)))
        );
        assert_eq!(read("2026/10/1 9:05 PM"), Ok(local(2026, 10, 1, 21, 5, 0)));
        assert_eq!(read("2026/10/1 12:05 am"), Ok(local(2026, 10, 1, 0, 5, 0)));
    }

    #[test]
    fn day_month_order_is_required_for_slashed_dates_with_the_year_last() {
        assert_eq!(read("01/10/2026"), Err(AMBIGUOUS_ORDER.into()));
        assert_eq!(
            read("25/10/2026"),
            Err(AMBIGUOUS_ORDER.into()),
            "even an unambiguous value needs the order: the column's format is ambiguous"
        );
        let dmy = when_from_text("01/10/2026", &[], Some(DateOrder::Dmy));
        assert_eq!(dmy, Ok(When::Date(date(2026, 10, 1))));
        let mdy = when_from_text("01/10/2026 08:00", &[], Some(DateOrder::Mdy));
        assert_eq!(mdy, Ok(local(2026, 1, 10, 8, 0, 0)));
        let impossible = when_from_text("25/10/2026", &[], Some(DateOrder::Mdy));
        assert_eq!(impossible, Err(NOT_A_DATE.into()));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(read("46296"), Ok(When::Date(date(2026, 10, 1))));
        assert_eq!(when_from_serial(46296.0), Ok(When::Date(date(2026, 10, 1))));
        assert_eq!(when_from_serial(46296.5), Ok(local(2026, 10, 1, 12, 0, 0)));
        assert_eq!(
            when_from_serial(46296.604166666664),
            Ok(local(2026, 10, 1, 14, 30, 0)),
            "serials round to the millisecond"
        );
        assert_eq!(when_from_serial(32874.0), Ok(When::Date(date(1990, 1, 1))));
        assert_eq!(when_from_serial(61.0), Err(OUT_OF_RANGE.into()));
        assert_eq!(when_from_serial(-3.0), Err(OUT_OF_RANGE.into()));
        assert_eq!(when_from_serial(f64::NAN), Err(OUT_OF_RANGE.into()));
    }

    #[test]
    fn eight_digit_numbers_are_compact_dates() {
        assert_eq!(
            when_from_number(20261001.0),
            Ok(When::Date(date(2026, 10, 1)))
        );
        assert_eq!(when_from_number(20261301.0), Err(NOT_A_DATE.into()));
        assert_eq!(when_from_number(46296.0), Ok(When::Date(date(2026, 10, 1))));
        assert_eq!(when_from_number(19891231.0), Err(OUT_OF_RANGE.into()));
    }

    #[test]
    fn the_range_is_1990_to_2100_inclusive() {
        let read = |text| when_from_text(text, &[], None);
        assert_eq!(read("1990-01-01"), Ok(When::Date(date(1990, 1, 1))));
        assert!(read("2100-12-31 23:59:59").is_ok());
        assert_eq!(read("1989-12-31 23:59"), Err(OUT_OF_RANGE.into()));
        assert_eq!(read("2101-01-01"), Err(OUT_OF_RANGE.into()));
        assert_eq!(read("2101年1月1日"), Err(OUT_OF_RANGE.into()));
    }

    #[test]
    fn serials_follow_excels_1900_leap_year_bug() {
        // Excel: serial 1 = 1900-01-01, 59 = 1900-02-28, 60 = the non-existent 1900-02-29,
        // 61 = 1900-03-01. Checked without the 1990 range limit.
        let convert = |serial: f64| {
            let days = if serial < 60.0 { serial + 1.0 } else { serial };
            date(1899, 12, 30) + Duration::days(days as i64)
        };
        assert_eq!(convert(1.0), date(1900, 1, 1));
        assert_eq!(convert(59.0), date(1900, 2, 28));
        assert_eq!(convert(61.0), date(1900, 3, 1));
        assert_eq!(convert(46296.0), date(2026, 10, 1));
    }

    #[test]
    fn bad_dates_are_named() {
        for text in [
            "soon",
            "2026-02-30",
            "2026-13-01",
            "2026-10-01 25:00",
            "14:30",
            "2026-10",
        ] {
            assert_eq!(read(text), Err(NOT_A_DATE.into()), "{text}");
        }
        assert_eq!(read("1989-12-31"), Err(OUT_OF_RANGE.into()));
        assert_eq!(read("2101-01-01"), Err(OUT_OF_RANGE.into()));
        assert_eq!(read("2100-12-31"), Ok(When::Date(date(2100, 12, 31))));
        assert_eq!(read("1990-01-01"), Ok(When::Date(date(1990, 1, 1))));
        assert_eq!(read("1900-01-01"), Err(OUT_OF_RANGE.into()));
    }

    #[test]
    fn mapping_formats_come_first() {
        let formats = vec!["%d/%b/%y %I:%M %p".to_string(), "%d/%m/%Y".to_string()];
        assert_eq!(
            when_from_text("25/Feb/26 10:17 PM", &formats, None),
            Ok(local(2026, 2, 25, 22, 17, 0))
        );
        assert_eq!(
            when_from_text("01/10/2026", &formats, None),
            Ok(When::Date(date(2026, 10, 1))),
            "a format resolves the day/month order"
        );
        let with_offset = vec!["%Y-%m-%d %H:%M %z".to_string()];
        assert!(matches!(
            when_from_text("2026-10-01 10:00 +0800", &with_offset, None),
            Ok(When::Fixed(_))
        ));
        assert_eq!(
            when_from_text("2026-10-01", &formats, None),
            Ok(When::Date(date(2026, 10, 1))),
            "the defaults still apply after the formats"
        );
    }

    #[test]
    fn cells_at_midnight_are_dates() {
        let midnight = date(2026, 10, 1).and_time(NaiveTime::MIN);
        assert_eq!(when_from_cell(midnight), When::Date(date(2026, 10, 1)));
        let afternoon = date(2026, 10, 1).and_hms_opt(15, 0, 0).unwrap();
        assert_eq!(when_from_cell(afternoon), When::Local(afternoon));
        let fixed = DateTime::parse_from_rfc3339("2026-10-01T23:30:00-02:00").unwrap();
        assert_eq!(date_of(When::Fixed(fixed)), date(2026, 10, 1));
    }
}
