//! Cell values: blanks, text, yes/no, exact money and enum aliases, each failing with the
//! short reason written to `rejected.csv`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;

use chrono::{NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use super::header::{fold, half_width};
use super::RawCell;
use crate::ticket::{Cause, Column, Decision, FreightPayer, FreightPayment, Kind, ServiceType};

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
pub(super) fn value_of(cell: &RawCell) -> Result<Option<Value<'_>>, Reason> {
    match cell {
        RawCell::Empty => Ok(None),
        RawCell::Text(text) => {
            let text = text.trim();
            Ok((!text.is_empty()).then_some(Value::Text(text)))
        }
        RawCell::Number(number) => Ok(Some(Value::Number(*number))),
        RawCell::Bool(flag) => Ok(Some(Value::Bool(*flag))),
        RawCell::DateTime(at) => Ok(Some(Value::DateTime(*at))),
        RawCell::Error(error) => Err(format!("cell error {error}").into()),
    }
}

/// A cell as found, for `rejected.csv` and kept columns.
pub(super) fn display(cell: &RawCell) -> String {
    match cell {
        RawCell::Empty => String::new(),
        RawCell::Text(text) => text.clone(),
        RawCell::Number(number) => number_text(*number),
        RawCell::Bool(flag) => flag.to_string(),
        RawCell::DateTime(at) => datetime_text(at),
        RawCell::Error(error) => error.clone(),
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
pub(super) fn text_of(value: Value<'_>) -> String {
    match value {
        Value::Text(text) => text.to_string(),
        Value::Number(number) => number_text(number),
        Value::Bool(flag) => flag.to_string(),
        Value::DateTime(at) => datetime_text(&at),
    }
}

/// true/false, yes/no, y/n, 1/0, 是/否 (any case), boolean cells, numeric 1 and 0.
pub(super) fn bool_of(value: Value<'_>) -> Result<bool, Reason> {
    match value {
        Value::Bool(flag) => Ok(flag),
        Value::Number(1.0) => Ok(true),
        Value::Number(0.0) => Ok(false),
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
    // Through the shortest text that reads back as the cell's number: 0.1 stays 0.1,
    // never the binary expansion 0.1000000000000000055511151231.
    Decimal::from_str(&number_text(number.abs())).map_err(|_| NOT_AN_AMOUNT.into())
}

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

/// The canonical values of an enum kind.
pub(super) fn canonical_values(kind: Kind) -> Vec<&'static str> {
    fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|value| name(*value)).collect()
    }
    match kind {
        Kind::ServiceType => names(ServiceType::ALL, ServiceType::as_str),
        Kind::Cause => names(Cause::ALL, Cause::as_str),
        Kind::Decision => names(Decision::ALL, Decision::as_str),
        Kind::FreightPayer => names(FreightPayer::ALL, FreightPayer::as_str),
        Kind::FreightPayment => names(FreightPayment::ALL, FreightPayment::as_str),
        Kind::Text | Kind::Bool | Kind::Date | Kind::DateTime | Kind::Money => Vec::new(),
    }
}

/// True for the enum kinds that have aliases.
pub(super) fn is_enum(kind: Kind) -> bool {
    !canonical_values(kind).is_empty()
}

/// The value a `decision` alias such as `pending` or `处理中` stands for: no decision yet.
pub(super) const PENDING: &str = "pending";

/// The aliases of TICKETS.md, as (alias, canonical value); `None` is a pending decision.
fn builtin_aliases(kind: Kind) -> &'static [(&'static str, Option<&'static str>)] {
    match kind {
        Kind::ServiceType => &[
            ("refund", Some("return")),
            ("退货", Some("return")),
            ("退款", Some("return")),
            ("退货退款", Some("return")),
            ("replacement", Some("exchange")),
            ("换货", Some("exchange")),
            ("warranty repair", Some("repair")),
            ("维修", Some("repair")),
            ("保修", Some("repair")),
        ],
        Kind::Cause => &[
            ("no reason", Some("no_reason")),
            ("personal", Some("no_reason")),
            ("customer reason", Some("no_reason")),
            ("changed mind", Some("no_reason")),
            ("七天无理由", Some("no_reason")),
            ("无理由", Some("no_reason")),
            ("个人原因", Some("no_reason")),
            ("quality problem", Some("quality")),
            ("defect", Some("quality")),
            ("performance failure", Some("quality")),
            ("fault", Some("quality")),
            ("质量问题", Some("quality")),
            ("性能故障", Some("quality")),
            ("logistics damage", Some("logistics")),
            ("wrong item", Some("logistics")),
            ("missing parts", Some("logistics")),
            ("lost", Some("logistics")),
            ("物流损坏", Some("logistics")),
            ("错发", Some("logistics")),
            ("漏发", Some("logistics")),
            ("少件", Some("logistics")),
            ("man-made damage", Some("man_made")),
            ("human damage", Some("man_made")),
            ("misuse", Some("man_made")),
            ("drop", Some("man_made")),
            ("liquid", Some("man_made")),
            ("water damage", Some("man_made")),
            ("人为损坏", Some("man_made")),
            ("进水", Some("man_made")),
            ("摔坏", Some("man_made")),
            ("force majeure", Some("force_majeure")),
            ("act of god", Some("force_majeure")),
            ("不可抗力", Some("force_majeure")),
            ("wear", Some("cosmetic")),
            ("scratch", Some("cosmetic")),
            ("cosmetic damage", Some("cosmetic")),
            ("外观磨损", Some("cosmetic")),
            ("划痕", Some("cosmetic")),
            ("software upgrade", Some("software")),
            ("软件升级", Some("software")),
        ],
        Kind::Decision => &[
            ("refunded", Some("refund")),
            ("退款", Some("refund")),
            ("exchanged", Some("exchange")),
            ("replaced", Some("exchange")),
            ("换货", Some("exchange")),
            ("free repair", Some("free_repair")),
            ("warranty repair", Some("free_repair")),
            ("免费维修", Some("free_repair")),
            ("保修", Some("free_repair")),
            ("paid repair", Some("paid_repair")),
            ("付费维修", Some("paid_repair")),
            ("reject", Some("rejected")),
            ("declined", Some("rejected")),
            ("驳回", Some("rejected")),
            ("拒绝", Some("rejected")),
            ("blank", None),
            (PENDING, None),
            ("open", None),
            ("处理中", None),
        ],
        Kind::FreightPayer => &[
            ("buyer", Some("customer")),
            ("买家", Some("customer")),
            ("客户", Some("customer")),
            ("seller", Some("company")),
            ("merchant", Some("company")),
            ("卖家", Some("company")),
            ("商家", Some("company")),
            ("公司", Some("company")),
        ],
        Kind::FreightPayment => &[
            ("sender pays", Some("prepaid")),
            ("寄付", Some("prepaid")),
            ("现付", Some("prepaid")),
            ("freight collect", Some("collect")),
            ("cod", Some("collect")),
            ("到付", Some("collect")),
        ],
        Kind::Text | Kind::Bool | Kind::Date | Kind::DateTime | Kind::Money => &[],
    }
}

/// Every spelling an enum column accepts, folded, to its canonical value (`None`: pending).
#[derive(Debug, Clone, Default)]
pub(super) struct Aliases {
    by_key: HashMap<String, Option<&'static str>>,
}

impl Aliases {
    /// The canonical values and built-in aliases of `column`, then `extra` (from a mapping
    /// file), which win over the built-ins.
    pub(super) fn new(column: Column, extra: &[(String, Option<&'static str>)]) -> Aliases {
        let kind = column.kind();
        let mut by_key = HashMap::new();
        for value in canonical_values(kind) {
            by_key.insert(fold(value), Some(value));
        }
        for (alias, value) in builtin_aliases(kind) {
            by_key.insert(fold(alias), *value);
        }
        for (alias, value) in extra {
            by_key.insert(fold(alias), *value);
        }
        Aliases { by_key }
    }

    /// The canonical value of `value`; `Some(None)` for a pending decision.
    pub(super) fn lookup(&self, value: Value<'_>) -> Option<Option<&'static str>> {
        match value {
            // Most exports write one of the folded spellings (`quality`, `退货`): no folding.
            Value::Text(text) => match self.by_key.get(text) {
                Some(found) => Some(*found),
                None => self.by_key.get(&fold(text)).copied(),
            },
            Value::Number(number) => self.by_key.get(&number_text(number)).copied(),
            Value::Bool(_) | Value::DateTime(_) => None,
        }
    }
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
    fn blank_cells_are_none() {
        assert_eq!(value_of(&RawCell::Empty), Ok(None));
        assert_eq!(value_of(&RawCell::Text("   ".into())), Ok(None));
        assert_eq!(value_of(&RawCell::Text("\u{3000}\t".into())), Ok(None));
        assert_eq!(
            value_of(&RawCell::Text("  a b ".into())),
            Ok(Some(Value::Text("a b")))
        );
        assert_eq!(
            value_of(&RawCell::Error("#N/A".into())),
            Err("cell error #N/A".into())
        );
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

    #[test]
    fn numbers_print_in_shortest_form() {
        assert_eq!(number_text(46296.0), "46296");
        assert_eq!(number_text(1e21), "1000000000000000000000");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(12345678901.0), "12345678901");
    }

    fn lookup(column: Column, value: &str) -> Option<Option<&'static str>> {
        Aliases::new(column, &[]).lookup(text(value))
    }

    #[test]
    fn every_enum_alias_of_the_table() {
        let table: &[(Column, &str, &[&str])] = &[
            (
                Column::ServiceType,
                "return",
                &["return", "refund", "退货", "退款", "退货退款"],
            ),
            (
                Column::ServiceType,
                "exchange",
                &["exchange", "replacement", "换货"],
            ),
            (
                Column::ServiceType,
                "repair",
                &["repair", "warranty repair", "维修", "保修"],
            ),
            (
                Column::Cause,
                "no_reason",
                &[
                    "no_reason",
                    "no reason",
                    "personal",
                    "customer reason",
                    "changed mind",
                    "七天无理由",
                    "无理由",
                    "个人原因",
                ],
            ),
            (
                Column::Cause,
                "quality",
                &[
                    "quality",
                    "quality problem",
                    "defect",
                    "performance failure",
                    "fault",
                    "质量问题",
                    "性能故障",
                ],
            ),
            (
                Column::Cause,
                "logistics",
                &[
                    "logistics",
                    "logistics damage",
                    "wrong item",
                    "missing parts",
                    "lost",
                    "物流损坏",
                    "错发",
                    "漏发",
                    "少件",
                ],
            ),
            (
                Column::Cause,
                "man_made",
                &[
                    "man_made",
                    "man-made damage",
                    "human damage",
                    "misuse",
                    "drop",
                    "liquid",
                    "water damage",
                    "人为损坏",
                    "进水",
                    "摔坏",
                ],
            ),
            (
                Column::Cause,
                "force_majeure",
                &["force_majeure", "force majeure", "act of god", "不可抗力"],
            ),
            (
                Column::Cause,
                "cosmetic",
                &[
                    "cosmetic",
                    "wear",
                    "scratch",
                    "cosmetic damage",
                    "外观磨损",
                    "划痕",
                ],
            ),
            (
                Column::Cause,
                "software",
                &["software", "software upgrade", "软件升级"],
            ),
            (Column::Decision, "refund", &["refund", "refunded", "退款"]),
            (
                Column::Decision,
                "exchange",
                &["exchange", "exchanged", "replaced", "换货"],
            ),
            (
                Column::Decision,
                "free_repair",
                &[
                    "free_repair",
                    "free repair",
                    "warranty repair",
                    "免费维修",
                    "保修",
                ],
            ),
            (
                Column::Decision,
                "paid_repair",
                &["paid_repair", "paid repair", "付费维修"],
            ),
            (
                Column::Decision,
                "rejected",
                &["rejected", "reject", "declined", "驳回", "拒绝"],
            ),
            (
                Column::FreightPayer,
                "customer",
                &["customer", "buyer", "买家", "客户"],
            ),
            (
                Column::FreightPayer,
                "company",
                &["company", "seller", "merchant", "卖家", "商家", "公司"],
            ),
            (
                Column::FreightPayment,
                "prepaid",
                &["prepaid", "sender pays", "寄付", "现付"],
            ),
            (
                Column::FreightPayment,
                "collect",
                &["collect", "freight collect", "cod", "到付"],
            ),
        ];
        for (column, canonical, aliases) in table {
            for alias in *aliases {
                assert_eq!(
                    lookup(*column, alias),
                    Some(Some(*canonical)),
                    "{column:?} {alias}"
                );
                let shouted = alias.to_uppercase();
                assert_eq!(
                    lookup(*column, &shouted),
                    Some(Some(*canonical)),
                    "{column:?} {shouted}"
                );
            }
        }
        for pending in ["blank", "pending", "Open", "处理中"] {
            assert_eq!(lookup(Column::Decision, pending), Some(None), "{pending}");
        }
        assert_eq!(
            lookup(Column::Cause, "Man Made Damage"),
            Some(Some("man_made"))
        );
        assert_eq!(lookup(Column::Cause, "no-reason"), Some(Some("no_reason")));
        assert_eq!(lookup(Column::Cause, "boredom"), None);
        assert_eq!(
            lookup(Column::ServiceType, "rejected"),
            None,
            "aliases are per column"
        );
    }

    #[test]
    fn extra_aliases_join_the_table() {
        let extra = vec![
            ("Refund processed".to_string(), Some("refund")),
            ("Waiting".to_string(), None),
        ];
        let aliases = Aliases::new(Column::Decision, &extra);
        assert_eq!(
            aliases.lookup(text("refund PROCESSED")),
            Some(Some("refund"))
        );
        assert_eq!(aliases.lookup(text("waiting")), Some(None));
        assert_eq!(aliases.lookup(text("退款")), Some(Some("refund")));
    }
}
