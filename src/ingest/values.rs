//! Cell values: blanks, text, yes/no, exact money and enum aliases, each failing with the
//! short reason written to `rejected.csv`.

use crate::ticket::CompactString;
use std::borrow::Cow;
use std::str::FromStr;

use chrono::{NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use super::header::{fold, half_width};
use super::CellRef;

/// Why a value was rejected: a short English phrase.
pub(super) type Reason = Cow<'static, str>;

pub(super) const NOT_AN_AMOUNT: &str = "not an amount";
pub(super) const NEGATIVE_AMOUNT: &str = "negative amount";
pub(super) const NOT_A_BOOL: &str = "not a yes/no value";

/// A non-blank cell, ready to be read as the column's kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Value<'a> {
    /// Trimmed, never empty.
    Text(&'a str),
    Number(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
}

/// The value of a cell: `None` when blank (empty or whitespace only); an error cell is a
/// rejection carrying the error text.
pub(super) fn value_of(cell: CellRef<'_>) -> Result<Option<Value<'_>>, Reason> {
    match cell {
        CellRef::Empty => Ok(None),
        CellRef::Text(text) => {
            let text = trim(text);
            Ok((!text.is_empty()).then_some(Value::Text(text)))
        }
        CellRef::Number(number) => Ok(Some(Value::Number(number))),
        CellRef::Bool(flag) => Ok(Some(Value::Bool(flag))),
        CellRef::DateTime(at) => Ok(Some(Value::DateTime(at))),
        CellRef::Error(error) => Err(format!("cell error {error}").into()),
    }
}

/// The cell texts read as blank in every column when the mapping gives no `null_values`.
pub(super) const BLANK_TOKENS: &[&str] = &[
    "?", "-", "—", "/", "N/A", "NA", "null", "NULL", "无", "#N/A",
];

/// The texts read as blank in every column: the built-in [`BLANK_TOKENS`] or a mapping's
/// `null_values`. A cell is blank when its whole trimmed text is one of them, ignoring ASCII
/// case and full-width forms (`n/a`, `Ｎ／Ａ`); a sign or a dash inside a value (`-20`,
/// `2026-10-01`) is never one. An error cell whose text is one (`#N/A`) is blank too.
#[derive(Debug, Clone)]
pub(super) struct BlankTokens {
    tokens: Vec<String>,
    /// The longest token in bytes, full-width: longer cells are never compared.
    longest: usize,
    /// The bytes a cell that may be a token can start with: a token's first byte in either
    /// ASCII case, the lead byte of a full-width form, and leading spaces. Most cells (dates,
    /// amounts, enum values) start with none of them and are passed over at once.
    starts: [bool; 256],
}

impl BlankTokens {
    /// The mapping's list when it gives one, else the built-in one.
    pub(super) fn new(mapping: Option<&[String]>) -> BlankTokens {
        let tokens: Vec<String> = match mapping {
            Some(list) => list
                .iter()
                .map(|t| half_width(t.trim()).into_owned())
                .collect(),
            None => BLANK_TOKENS.iter().map(|t| (*t).to_string()).collect(),
        };
        let longest = tokens.iter().map(|t| t.len() * 3).max().unwrap_or(0);
        let mut starts = [false; 256];
        for token in &tokens {
            if let Some(&first) = token.as_bytes().first() {
                starts[usize::from(first)] = true;
                starts[usize::from(first.to_ascii_lowercase())] = true;
                starts[usize::from(first.to_ascii_uppercase())] = true;
            }
        }
        // Full-width forms (U+FF01…U+FF5E) and the ideographic space (U+3000) fold to ASCII;
        // spaces, tabs and the no-break space are trimmed first.
        for byte in [0xEF, 0xE3, 0xC2, b' ', b'\t', b'\r', b'\n'] {
            starts[usize::from(byte)] = true;
        }
        BlankTokens {
            tokens,
            longest,
            starts,
        }
    }

    /// Whether `cell` is one of the tokens.
    #[inline]
    pub(super) fn matches(&self, cell: CellRef<'_>) -> bool {
        let text = match cell {
            CellRef::Text(text) | CellRef::Error(text) => text,
            _ => return false,
        };
        let Some(&first) = text.as_bytes().first() else {
            return false;
        };
        if !self.starts[usize::from(first)] || text.len() > self.longest + 8 {
            return false;
        }
        let text = half_width(trim(text));
        self.tokens
            .iter()
            .any(|token| token.eq_ignore_ascii_case(&text))
    }
}

impl Default for BlankTokens {
    fn default() -> BlankTokens {
        BlankTokens::new(None)
    }
}

/// Whether a ticket_id is a totals label (`合计`, `总计`, `小计`, `Total`, `Grand total`), any
/// case, trimmed: the row sums the ones above and is no ticket.
pub(super) fn is_totals_label(text: &str) -> bool {
    let text = trim(text);
    // Nearly every ticket id starts with a character no totals label starts with.
    if text.len() > 16
        || !text.starts_with(['合', '总', '小', 't', 'T', 'g', 'G', 'ｔ', 'Ｔ', 'ｇ', 'Ｇ'])
    {
        return false;
    }
    matches!(
        fold(text).as_str(),
        "合计" | "总计" | "小计" | "total" | "grand_total"
    )
}

/// `text.trim()`, without looking at characters when both ends are visible ASCII (nearly
/// every cell of an export).
fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// A cell as found, for `rejected.csv` and kept columns.
pub(super) fn display(cell: CellRef<'_>) -> String {
    match cell {
        CellRef::Empty => String::new(),
        CellRef::Text(text) | CellRef::Error(text) => text.to_owned(),
        CellRef::Number(number) => number_text(number),
        CellRef::Bool(flag) => flag.to_string(),
        CellRef::DateTime(at) => datetime_text(&at),
    }
}

/// The shortest decimal text that reads back as `number` (`20`, `0.1`, never `1e21`).
pub(super) fn number_text(number: f64) -> String {
    format!("{number}")
}

fn datetime_text(at: &NaiveDateTime) -> String {
    if at.time() == NaiveTime::MIN {
        at.format("%Y-%m-%d").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M:%S%.f").to_string()
    }
}

/// A text column's value.
pub(super) fn text_of(value: Value<'_>) -> CompactString {
    match value {
        // Most texts of a ticket (ids, codes, names) are held inline, with no allocation.
        Value::Text(text) => CompactString::from(text),
        Value::Number(number) => number_text(number).into(),
        Value::Bool(flag) => CompactString::from(if flag { "true" } else { "false" }),
        Value::DateTime(at) => datetime_text(&at).into(),
    }
}

/// true/false, yes/no, y/n, 1/0, 是/否 (any case), boolean cells, numeric 1 and 0.
pub(super) fn bool_of(value: Value<'_>) -> Result<bool, Reason> {
    match value {
        Value::Bool(flag) => Ok(flag),
        Value::Number(1.0) => Ok(true),
        Value::Number(0.0) => Ok(false),
        // The spellings most exports write, without folding.
        Value::Text("true") => Ok(true),
        Value::Text("false") => Ok(false),
        Value::Text(text) => {
            let folded = half_width(text);
            let word = folded.trim();
            let any = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(word));
            if any(&["true", "yes", "y", "1", "是"]) {
                Ok(true)
            } else if any(&["false", "no", "n", "0", "否"]) {
                Ok(false)
            } else {
                Err(NOT_A_BOOL.into())
            }
        }
        _ => Err(NOT_A_BOOL.into()),
    }
}

/// An exact amount: `20`, `20.00`, `¥20.00`, `￥２０`, `20元`, `1,234.50`, numeric cells.
/// Negative amounts are bad input.
pub(super) fn money_of(value: Value<'_>) -> Result<Decimal, Reason> {
    match value {
        Value::Number(number) => money_from_number(number),
        Value::Text(text) => money_from_text(text),
        Value::Bool(_) | Value::DateTime(_) => Err(NOT_AN_AMOUNT.into()),
    }
}

fn money_from_number(number: f64) -> Result<Decimal, Reason> {
    if !number.is_finite() {
        return Err(NOT_AN_AMOUNT.into());
    }
    if number < 0.0 {
        return Err(NEGATIVE_AMOUNT.into());
    }
    // The shortest text that reads back as the cell's number: 0.1 stays 0.1, never the
    // binary expansion 0.1000000000000000055511151231. Nearly every amount is a whole
    // number of cents, read without writing that text.
    let number = number.abs();
    match whole_cents(number) {
        Some(amount) => Ok(amount),
        None => Decimal::from_str(&number_text(number)).map_err(|_| NOT_AN_AMOUNT.into()),
    }
}

/// A number that is a whole number of cents, as the decimal its shortest text reads (`12.5`,
/// `20`): the number is the double nearest to cents / 100, and below [`CENTS_LIMIT`] doubles
/// lie far closer together than a cent, so no shorter text reads back as it. `None` for any
/// other number.
fn whole_cents(number: f64) -> Option<Decimal> {
    if !(0.0..CENTS_LIMIT).contains(&number) {
        return None;
    }
    let cents = (number * 100.0).round();
    (cents / 100.0 == number).then(|| Decimal::new(cents as i64, 2).normalize())
}

/// Where [`whole_cents`] stops: a trillion, whose doubles are 2⁻¹³ apart.
const CENTS_LIMIT: f64 = 1e12;

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let tail = text.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..cut])
}

fn strip_sign(text: &str) -> (bool, &str) {
    match text.strip_prefix('-').or_else(|| text.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

fn money_from_text(text: &str) -> Result<Decimal, Reason> {
    plain_amount(text).unwrap_or_else(|| money_from_any_text(text))
}

/// `123` or `123.45` (ASCII digits, at most one point, digits on both sides of it), the form
/// most exports write, read without the folding and stripping of [`money_from_any_text`],
/// which gives the same result for it; `None` for any other text.
fn plain_amount(text: &str) -> Option<Result<Decimal, Reason>> {
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let plain = match text.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(text),
    };
    plain.then(|| Decimal::from_str(text).map_err(|_| NOT_AN_AMOUNT.into()))
}

/// Every written form of an amount: full-width digits, spaces, currency signs before or after,
/// thousands separators, and a sign or parentheses (rejected as negative).
fn money_from_any_text(text: &str) -> Result<Decimal, Reason> {
    let folded = half_width(text);
    let compact: Cow<'_, str> = if folded.chars().any(char::is_whitespace) {
        Cow::Owned(folded.chars().filter(|ch| !ch.is_whitespace()).collect())
    } else {
        folded
    };
    let mut rest: &str = &compact;
    let mut negative = false;
    if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        rest = inner;
    }
    let (sign, unsigned) = strip_sign(rest);
    negative |= sign;
    rest = unsigned;
    for prefix in ["¥", "￥", "RMB", "CNY"] {
        if let Some(stripped) = strip_prefix_ignore_case(rest, prefix) {
            rest = stripped;
            break;
        }
    }
    let (sign, unsigned) = strip_sign(rest);
    negative |= sign;
    rest = unsigned;
    for suffix in ["元", "RMB", "CNY"] {
        if let Some(stripped) = strip_suffix_ignore_case(rest, suffix) {
            rest = stripped;
            break;
        }
    }
    let digits = plain_digits(rest).ok_or(NOT_AN_AMOUNT)?;
    let amount = Decimal::from_str(&digits).map_err(|_| NOT_AN_AMOUNT)?;
    if negative && !amount.is_zero() {
        return Err(NEGATIVE_AMOUNT.into());
    }
    Ok(amount)
}

/// `1,234.50` → `1234.50`; `None` unless the text is digits with an optional fraction and
/// correctly grouped thousands separators (`1,23` may be a decimal comma: not guessed).
fn plain_digits(text: &str) -> Option<String> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if let Some(fraction) = fraction {
        if !all_digits(fraction) || (fraction.is_empty() && whole.is_empty()) {
            return None;
        }
    }
    if whole.is_empty() && fraction.is_none_or(str::is_empty) {
        return None;
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    if !all_digits(first) {
        return None;
    }
    let mut plain = first.to_string();
    let mut grouped = false;
    for group in groups {
        if group.len() != 3 || !all_digits(group) || first.is_empty() || first.len() > 3 {
            return None;
        }
        grouped = true;
        plain.push_str(group);
    }
    if grouped && first.starts_with('0') {
        return None;
    }
    if let Some(fraction) = fraction.filter(|f| !f.is_empty()) {
        if plain.is_empty() {
            plain.push('0');
        }
        plain.push('.');
        plain.push_str(fraction);
    }
    Some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value<'_> {
        Value::Text(value)
    }

    fn dec(value: &str) -> Decimal {
        Decimal::from_str(value).unwrap()
    }

    #[test]
    fn a_cell_is_trimmed_as_str_trim_trims_it() {
        for cell in [
            "",
            " ",
            "a",
            "RMA-1",
            " RMA-1",
            "RMA-1\t",
            "\u{3000}全角空格\u{3000}",
            "顺丰",
            "a\u{a0}",
            "\u{a0}a",
            "\r\n",
            "x y",
        ] {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
        }
        assert_eq!(
            value_of(CellRef::Text(" \u{3000}")),
            Ok(None),
            "white space only is blank"
        );
    }

    #[test]
    fn blank_cells_are_none() {
        assert_eq!(value_of(CellRef::Empty), Ok(None));
        assert_eq!(value_of(CellRef::Text("   ")), Ok(None));
        assert_eq!(value_of(CellRef::Text("\u{3000}\t")), Ok(None));
        assert_eq!(
            value_of(CellRef::Text("  a b ")),
            Ok(Some(Value::Text("a b")))
        );
        assert_eq!(
            value_of(CellRef::Error("#N/A")),
            Err("cell error #N/A".into())
        );
    }

    #[test]
    fn blank_tokens_are_whole_cells_only() {
        let blanks = BlankTokens::default();
        for token in [
            "?",
            "-",
            "—",
            "/",
            "N/A",
            "NA",
            "null",
            "NULL",
            "无",
            "#N/A",
            " - ",
            "n/a",
            "Null",
            "Ｎ／Ａ",
            "？",
        ] {
            assert!(blanks.matches(CellRef::Text(token)), "{token:?}");
        }
        assert!(blanks.matches(CellRef::Error("#N/A")));
        for value in [
            "-20",
            "--",
            "2026-10-01",
            "N/A/B",
            "none",
            "无理由",
            "1/2",
            "?!",
            "",
            "—5",
        ] {
            assert!(!blanks.matches(CellRef::Text(value)), "{value:?}");
        }
        assert!(!blanks.matches(CellRef::Number(0.0)));
        assert!(!blanks.matches(CellRef::Error("#DIV/0!")));

        let replaced = BlankTokens::new(Some(&["?".to_string(), "(none)".to_string()]));
        assert!(replaced.matches(CellRef::Text("(NONE)")));
        assert!(replaced.matches(CellRef::Text("?")));
        assert!(
            !replaced.matches(CellRef::Text("N/A")),
            "the mapping's list replaces the built-in one"
        );
    }

    #[test]
    fn totals_labels() {
        for label in [
            "合计",
            "总计",
            "小计",
            "Total",
            "TOTAL",
            " total ",
            "Grand total",
            "grand  TOTAL",
            "ＴＯＴＡＬ",
        ] {
            assert!(is_totals_label(label), "{label:?}");
        }
        for id in ["T1", "Totals", "合计1", "Subtotal x", "", "RMA-Total"] {
            assert!(!is_totals_label(id), "{id:?}");
        }
    }

    #[test]
    fn every_bool_spelling() {
        for yes in ["true", "TRUE", "yes", "Yes", "y", "Y", "1", "是", " 是 "] {
            assert_eq!(bool_of(text(yes.trim())), Ok(true), "{yes}");
        }
        for no in ["false", "False", "no", "NO", "n", "N", "0", "否"] {
            assert_eq!(bool_of(text(no)), Ok(false), "{no}");
        }
        assert_eq!(bool_of(Value::Bool(true)), Ok(true));
        assert_eq!(bool_of(Value::Bool(false)), Ok(false));
        assert_eq!(bool_of(Value::Number(1.0)), Ok(true));
        assert_eq!(bool_of(Value::Number(0.0)), Ok(false));
        assert_eq!(bool_of(Value::Number(2.0)), Err(NOT_A_BOOL.into()));
        assert_eq!(bool_of(text("maybe")), Err(NOT_A_BOOL.into()));
    }

    #[test]
    fn every_money_form() {
        for (written, expected) in [
            ("20", "20"),
            ("20.00", "20.00"),
            ("¥20.00", "20.00"),
            ("￥20.00", "20.00"),
            ("￥２０", "20"),
            ("２０.５０元", "20.50"),
            ("20元", "20"),
            ("1,234.50", "1234.50"),
            ("￥1,234,567.89", "1234567.89"),
            ("¥ 20", "20"),
            ("RMB 15.5", "15.5"),
            ("0", "0"),
            ("-0.00", "0"),
            (".5", "0.5"),
        ] {
            assert_eq!(money_of(text(written)), Ok(dec(expected)), "{written}");
        }
        assert_eq!(money_of(Value::Number(20.0)), Ok(dec("20")));
        assert_eq!(money_of(Value::Number(0.1)), Ok(dec("0.1")));
        assert_eq!(
            money_of(Value::Number(0.1 + 0.2)).map(|d| d.to_string()),
            Ok("0.30000000000000004".to_string()),
            "a cell's shortest decimal text, not its binary expansion"
        );
        assert_eq!(money_of(Value::Number(1234.5)), Ok(dec("1234.5")));
    }

    #[test]
    fn negative_and_non_numeric_money_is_rejected() {
        for negative in ["-20", "¥-20.00", "-¥20", "－２０", "(20.00)", "−5"] {
            assert_eq!(
                money_of(text(negative)),
                Err(NEGATIVE_AMOUNT.into()),
                "{negative}"
            );
        }
        assert_eq!(money_of(Value::Number(-0.01)), Err(NEGATIVE_AMOUNT.into()));
        for bad in [
            "twenty", "20 USD", "$20", "1,23", "12,3456", "1.2.3", "¥", "1e5", "20%", ".",
        ] {
            assert_eq!(money_of(text(bad)), Err(NOT_AN_AMOUNT.into()), "{bad}");
        }
        assert_eq!(money_of(Value::Number(f64::NAN)), Err(NOT_AN_AMOUNT.into()));
        assert_eq!(money_of(Value::Bool(true)), Err(NOT_AN_AMOUNT.into()));
    }

    proptest::proptest! {
        /// The plain-number shortcut agrees with the general reading wherever it applies.
        #[test]
        fn plain_amounts_read_as_every_amount_does(written in "[0-9.,¥元 ()-]{0,8}|[0-9]{1,40}(\\.[0-9]{0,30})?") {
            if let Some(shortcut) = plain_amount(&written) {
                proptest::prop_assert_eq!(shortcut, money_from_any_text(&written));
            }
        }
    }

    proptest::proptest! {
        /// An amount cell read through whole cents is the decimal its shortest text reads,
        /// scale included (`12.5`, never `12.50`).
        #[test]
        fn whole_cents_read_as_the_shortest_text_reads(
            cents in proptest::prop_oneof![0u64..100_000, 0u64..100_000_000_000_000],
            number in proptest::prop_oneof![0.0f64..1e6, 0.0f64..2e12],
        ) {
            for number in [cents as f64 / 100.0, number, cents as f64] {
                let general = Decimal::from_str(&number_text(number)).ok();
                if let Some(amount) = whole_cents(number) {
                    proptest::prop_assert_eq!(Some(amount), general);
                    proptest::prop_assert_eq!(amount.to_string(), number_text(number));
                } else if number < CENTS_LIMIT {
                    let text = number_text(number);
                    let decimals = text.split_once('.').map_or(0, |(_, after)| after.len());
                    proptest::prop_assert!(decimals > 2, "{} has whole cents", text);
                }
            }
        }
    }

    #[test]
    fn whole_cents_take_amounts_and_leave_the_rest() {
        for (number, expected) in [
            (0.0, "0"),
            (-0.0, "0"),
            (20.0, "20"),
            (12.5, "12.5"),
            (0.01, "0.01"),
            (1234.56, "1234.56"),
            (999_999_999_999.99, "999999999999.99"),
        ] {
            let amount = whole_cents(number).expect("whole cents");
            assert_eq!(amount.to_string(), expected);
            assert_eq!(amount.scale(), dec(expected).scale(), "{expected}");
        }
        for number in [0.001, 0.1 + 0.2, 1e12, 1e21, f64::NAN, f64::INFINITY, -1.0] {
            assert_eq!(whole_cents(number), None, "{number}");
        }
    }

    #[test]
    fn numbers_print_in_shortest_form() {
        assert_eq!(number_text(46296.0), "46296");
        assert_eq!(number_text(1e21), "1000000000000000000000");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(12345678901.0), "12345678901");
    }
}
