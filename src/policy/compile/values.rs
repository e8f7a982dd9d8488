//! Reading single values of a policy file: causes, columns, periods, money, positive counts.

use std::str::FromStr;

use rust_decimal::Decimal;
use toml::Value;

use super::Compiler;
use crate::policy::model::Period;
use crate::policy::raw::{Diagnostics, Section};
use crate::ticket::{Cause, Column, Kind};

impl Compiler<'_> {
    /// A required whole number greater than zero.
    pub(super) fn positive(&mut self, s: &mut Section<'_>, key: &str) -> u32 {
        let number = s.u32(self.diags, key);
        if number == Some(0) {
            self.diags
                .push(s.field(key), "expected a number greater than 0");
        }
        number.unwrap_or(0)
    }

    pub(super) fn period(&mut self, s: &mut Section<'_>, key: &str) -> Period {
        let Some(value) = s.value(key) else {
            self.diags.push(s.field(key), "missing required field");
            return Period::Days(0);
        };
        if let Some(period) = value.as_str().and_then(parse_period) {
            period
        } else {
            self.diags.push(s.field(key), bad_period_message(value));
            Period::Days(0)
        }
    }

    pub(super) fn amount(&mut self, s: &mut Section<'_>, key: &str) -> Decimal {
        let parsed = match s.value(key) {
            None => {
                self.diags.push(s.field(key), "missing required field");
                return Decimal::ZERO;
            }
            Some(Value::String(text)) => Decimal::from_str(text.trim()).ok(),
            Some(Value::Integer(number)) => Some(Decimal::from(*number)),
            Some(Value::Float(_)) => {
                self.diags.push(
                    s.field(key),
                    "write money as a string, e.g. \"20.00\", so it stays exact",
                );
                return Decimal::ZERO;
            }
            Some(other) => {
                self.diags.push(
                    s.field(key),
                    format!("expected an amount such as \"20.00\", found `{other}`"),
                );
                return Decimal::ZERO;
            }
        };
        match parsed {
            Some(amount) if amount >= Decimal::ZERO => amount,
            _ => {
                self.diags.push(
                    s.field(key),
                    "expected a non-negative amount such as \"20.00\"",
                );
                Decimal::ZERO
            }
        }
    }

    /// The `causes` key: an array of cause names, or `"all"` with an optional `except` array.
    pub(super) fn causes(&mut self, s: &mut Section<'_>, required: bool) -> Option<Vec<Cause>> {
        let value = match s.value("causes") {
            Some(value) => value,
            None if required => {
                self.diags.push(s.field("causes"), "missing required field");
                return None;
            }
            None => return Some(Vec::new()),
        };
        let except_value = s.value("except");
        let mut causes = match value {
            Value::String(text) if text == "all" => Cause::ALL.to_vec(),
            Value::String(text) => {
                self.diags.push(
                    s.field("causes"),
                    format!("expected an array of causes or \"all\", found `{text}`"),
                );
                return None;
            }
            other => self.cause_list(s, "causes", other)?,
        };
        if let Some(except_value) = except_value {
            if !matches!(value, Value::String(_)) {
                self.diags.push(
                    s.field("except"),
                    "`except` applies only to causes = \"all\"",
                );
            }
            let except = self.cause_list(s, "except", except_value)?;
            causes.retain(|cause| !except.contains(cause));
        }
        Some(causes)
    }

    pub(super) fn cause_list(
        &mut self,
        s: &Section<'_>,
        key: &str,
        value: &Value,
    ) -> Option<Vec<Cause>> {
        let names = s.as_strings(self.diags, key, value)?;
        let mut causes = Vec::new();
        for (field, name) in names {
            match Cause::from_canonical(name.trim()) {
                Some(cause) if causes.contains(&cause) => {
                    self.diags.push(field, format!("duplicate cause `{name}`"));
                }
                Some(cause) => causes.push(cause),
                None => self.diags.push(
                    field,
                    format!(
                        "unknown cause `{name}` (expected one of: {})",
                        Cause::ALL
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        Some(causes)
    }

    pub(super) fn bool_columns(&mut self, s: &mut Section<'_>, key: &str) -> Vec<Column> {
        let mut columns = Vec::new();
        for (field, name) in s.opt_strings(self.diags, key) {
            if let Some(column) = self.column(&field, &name, Kind::Bool) {
                if !columns.contains(&column) {
                    columns.push(column);
                }
            }
        }
        columns
    }

    /// A canonical column of the wanted kind.
    pub(super) fn column(&mut self, field: &str, name: &str, kind: Kind) -> Option<Column> {
        let kind_name = match kind {
            Kind::Date => "date",
            Kind::Bool => "boolean",
            _ => "matching",
        };
        match Column::from_name(name.trim()) {
            Some(column) if column.kind() == kind => Some(column),
            Some(_) => {
                self.diags.push(
                    field,
                    format!("column `{name}` is not a {kind_name} column"),
                );
                None
            }
            None => {
                let expected: Vec<&str> = Column::ALL
                    .iter()
                    .filter(|c| c.kind() == kind)
                    .map(|c| c.name())
                    .collect();
                self.diags.push(
                    field,
                    format!(
                        "unknown column `{name}` (expected a {kind_name} column: {})",
                        expected.join(", ")
                    ),
                );
                None
            }
        }
    }
}

/// `12 months`, `1 month`, `1 year`, `180 days`.
pub(super) fn parse_period(text: &str) -> Option<Period> {
    let mut words = text.split_whitespace();
    let count: u32 = words.next()?.parse().ok()?;
    let unit = words.next()?;
    if words.next().is_some() || count == 0 {
        return None;
    }
    match unit {
        "day" | "days" => Some(Period::Days(count)),
        "month" | "months" => Some(Period::Months(count)),
        "year" | "years" => count.checked_mul(12).map(Period::Months),
        _ => None,
    }
}

pub(super) fn bad_period_message(value: &Value) -> String {
    format!("bad period `{value}` (expected e.g. \"12 months\", \"1 year\" or \"180 days\")")
}

pub(super) fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(super) fn non_empty(root: &mut Section<'_>, d: &mut Diagnostics, key: &str) -> String {
    let text = root.string(d, key).unwrap_or_default();
    if section_has_string(root, key) && text.trim().is_empty() {
        d.push(root.field(key), format!("empty {key}"));
    }
    text.trim().to_string()
}

pub(super) fn section_has_string(section: &mut Section<'_>, key: &str) -> bool {
    matches!(section.value(key), Some(Value::String(_)))
}
