//! Reading a calendar file's TOML values, each problem reported with its field and line: the
//! typed readers (strings, integers, arrays, tables of keys) the calendar checks are built on.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::CalendarDiagnostic;

pub(super) type Value<'i> = Spanned<DeValue<'i>>;

/// The keys of one table, by name.
pub(super) type Keys<'t, 'i> = BTreeMap<&'t str, &'t Value<'i>>;

/// Collects the diagnostics of one file.
pub(super) struct Compiler<'a> {
    pub(super) text: &'a str,
    pub(super) file: &'a str,
    /// Each diagnostic with the byte offset it is at (0 for the file as a whole), to list them
    /// in the order of the file.
    pub(super) diagnostics: Vec<(usize, CalendarDiagnostic)>,
}

impl Compiler<'_> {
    pub(super) fn line(&self, offset: usize) -> usize {
        let mut end = offset.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        self.text[..end].matches('\n').count() + 1
    }

    pub(super) fn report(
        &mut self,
        at: Option<&Range<usize>>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        let line = at.map(|span| self.line(span.start));
        self.diagnostics.push((
            at.map_or(0, |span| span.start),
            CalendarDiagnostic {
                file: self.file.to_string(),
                line,
                field: field.into(),
                message: message.into(),
            },
        ));
    }

    /// The keys of `table`; every key not in `known` is reported.
    pub(super) fn keys<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &str,
        known: &[&str],
    ) -> Keys<'t, 'i> {
        let mut keys = BTreeMap::new();
        for (key, value) in table {
            let name: &'t str = key.get_ref().as_ref();
            if known.contains(&name) {
                keys.insert(name, value);
            } else {
                self.report(
                    Some(&key.span()),
                    join(path, name),
                    format!("unknown key `{name}` (known: {})", known.join(", ")),
                );
            }
        }
        keys
    }

    /// The value of a required key; its absence is reported at `table` (the table's line).
    pub(super) fn required<'t, 'i>(
        &mut self,
        keys: &Keys<'t, 'i>,
        path: &str,
        key: &str,
        table: Option<&Range<usize>>,
    ) -> Option<&'t Value<'i>> {
        let value = keys.get(key).copied();
        if value.is_none() {
            self.report(table, join(path, key), "missing required key");
        }
        value
    }

    pub(super) fn mismatch(&mut self, value: &Value<'_>, field: &str, expected: &str) {
        let found = match value.get_ref() {
            DeValue::Datetime(datetime) => {
                format!("a bare date or time: write it as a string, \"{datetime}\"")
            }
            other => article(other.type_str()),
        };
        self.report(
            Some(&value.span()),
            field,
            format!("expected {expected}, found {found}"),
        );
    }

    pub(super) fn string(&mut self, value: &Value<'_>, field: &str) -> Option<String> {
        if let DeValue::String(text) = value.get_ref() {
            Some(text.to_string())
        } else {
            self.mismatch(value, field, "a string");
            None
        }
    }

    /// An optional string key.
    pub(super) fn opt_string(
        &mut self,
        keys: &Keys<'_, '_>,
        path: &str,
        key: &str,
    ) -> Option<String> {
        let value = keys.get(key)?;
        self.string(value, &join(path, key))
    }

    /// A required string key that is not blank.
    pub(super) fn nonblank(
        &mut self,
        keys: &Keys<'_, '_>,
        path: &str,
        key: &str,
        table: Option<&Range<usize>>,
    ) -> Option<String> {
        let value = self.required(keys, path, key, table)?;
        let field = join(path, key);
        let text = self.string(value, &field)?;
        if text.trim().is_empty() {
            self.report(Some(&value.span()), field, "is empty");
            return None;
        }
        Some(text)
    }

    pub(super) fn integer(&mut self, value: &Value<'_>, field: &str) -> Option<i64> {
        if let DeValue::Integer(number) = value.get_ref() {
            let parsed = i64::from_str_radix(number.as_str(), number.radix()).ok();
            if parsed.is_none() {
                self.report(Some(&value.span()), field, "is too large");
            }
            parsed
        } else {
            self.mismatch(value, field, "an integer");
            None
        }
    }

    pub(super) fn array<'t, 'i>(
        &mut self,
        value: &'t Value<'i>,
        field: &str,
        expected: &str,
    ) -> Option<&'t [Value<'i>]> {
        if let DeValue::Array(items) = value.get_ref() {
            Some(items)
        } else {
            self.mismatch(value, field, expected);
            None
        }
    }

    /// The tables of an optional array of tables (`[[source]]`, `[[holiday]]`), each with its
    /// field path and span; items that are not tables are reported and left out.
    pub(super) fn tables<'t, 'i>(
        &mut self,
        keys: &Keys<'t, 'i>,
        key: &str,
    ) -> Vec<(String, Range<usize>, &'t DeTable<'i>)> {
        let Some(value) = keys.get(key).copied() else {
            return Vec::new();
        };
        let Some(items) = self.array(value, key, &format!("[[{key}]] tables")) else {
            return Vec::new();
        };
        let mut tables = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let field = format!("{key}[{index}]");
            match item.get_ref() {
                DeValue::Table(table) => tables.push((field, item.span(), table)),
                _ => self.mismatch(item, &field, "a table"),
            }
        }
        tables
    }

    /// The strings of an optional array-of-strings key, each with its field path and span.
    pub(super) fn strings(
        &mut self,
        keys: &Keys<'_, '_>,
        path: &str,
        key: &str,
    ) -> Option<Vec<(String, Range<usize>, String)>> {
        let field = join(path, key);
        let value = keys.get(key)?;
        let items = self.array(value, &field, "an array of strings")?;
        let mut strings = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let field = format!("{field}[{index}]");
            if let Some(text) = self.string(item, &field) {
                strings.push((field, item.span(), text));
            }
        }
        Some(strings)
    }
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "integer" | "array" => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

/// 1-based column, in characters, of a byte offset.
pub(super) fn column(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end]
        .rsplit('\n')
        .next()
        .map_or(0, |line| line.chars().count())
        + 1
}
