//! The policy file as written: TOML syntax (every syntax error with its line and column) and
//! typed access to a document's keys that records each problem — wrong type, missing field,
//! unknown key or rule kind — as a [`Diagnostic`] and carries on, so one check reports them all.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use toml::{Table, Value};

use super::Diagnostic;

/// The diagnostics of one file, in the order they were found.
#[derive(Debug)]
pub(crate) struct Diagnostics {
    file: String,
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn new(file: &str) -> Diagnostics {
        Diagnostics {
            file: file.to_string(),
            list: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.list.push(Diagnostic {
            file: self.file.clone(),
            field: field.into(),
            message: message.into(),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

/// Parses a policy file's text. On failure every syntax error the parser can recover past is
/// reported, each with its line and column, and `None` is returned.
pub(crate) fn parse_document(text: &str, diags: &mut Diagnostics) -> Option<Table> {
    match text.parse::<Table>() {
        Ok(table) => Some(table),
        Err(first) => {
            let (_, mut errors) = toml::de::DeTable::parse_recoverable(text);
            if errors.is_empty() {
                errors.push(first);
            }
            for error in &errors {
                diags.push("-", syntax_message(text, error));
            }
            None
        }
    }
}

fn syntax_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("TOML syntax error at line {line}, column {column}: {message}")
        }
        None => format!("TOML syntax error: {message}"),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// How unknown keys of a table are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unknown {
    /// A table-valued unknown key is an unknown rule kind (the document root, `[freight]`).
    RuleKinds,
    /// Every unknown key is an unknown key.
    Keys,
}

/// One table of the document, read key by key. Keys never read are reported by
/// [`Section::finish`].
#[derive(Debug)]
pub(crate) struct Section<'a> {
    path: String,
    table: &'a Table,
    used: BTreeSet<&'a str>,
    unknown: Unknown,
}

impl<'a> Section<'a> {
    pub(crate) fn root(table: &'a Table) -> Section<'a> {
        Section {
            path: String::new(),
            table,
            used: BTreeSet::new(),
            unknown: Unknown::RuleKinds,
        }
    }

    /// The dotted field path of `key` in this table, as diagnostics name it.
    pub(crate) fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        }
    }

    /// Reports unknown keys under this table as unknown rule kinds when they hold tables.
    pub(crate) fn with_rule_kinds(mut self) -> Section<'a> {
        self.unknown = Unknown::RuleKinds;
        self
    }

    /// The raw value of an optional key, marking it read.
    pub(crate) fn value(&mut self, key: &str) -> Option<&'a Value> {
        let (name, value) = self.table.get_key_value(key)?;
        self.used.insert(name.as_str());
        Some(value)
    }

    fn required(&mut self, diags: &mut Diagnostics, key: &str) -> Option<&'a Value> {
        let value = self.value(key);
        if value.is_none() {
            diags.push(self.field(key), "missing required field");
        }
        value
    }

    fn mismatch(&self, diags: &mut Diagnostics, key: &str, expected: &str, found: &Value) {
        diags.push(
            self.field(key),
            format!("expected {expected}, found {}", article(found.type_str())),
        );
    }

    /// A required string.
    pub(crate) fn string(&mut self, diags: &mut Diagnostics, key: &str) -> Option<String> {
        let value = self.required(diags, key)?;
        self.as_string(diags, key, value)
    }

    fn as_string(&self, diags: &mut Diagnostics, key: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            other => {
                self.mismatch(diags, key, "a string", other);
                None
            }
        }
    }

    /// A required non-negative integer that fits in `u32`.
    pub(crate) fn u32(&mut self, diags: &mut Diagnostics, key: &str) -> Option<u32> {
        let value = self.required(diags, key)?;
        match value {
            Value::Integer(number) => {
                if let Ok(number) = u32::try_from(*number) {
                    Some(number)
                } else {
                    diags.push(
                        self.field(key),
                        format!(
                            "expected a whole number from 0 to {}, found {number}",
                            u32::MAX
                        ),
                    );
                    None
                }
            }
            other => {
                self.mismatch(diags, key, "an integer", other);
                None
            }
        }
    }

    /// An optional boolean; `default` when absent.
    pub(crate) fn bool_or(&mut self, diags: &mut Diagnostics, key: &str, default: bool) -> bool {
        match self.value(key) {
            None => default,
            Some(Value::Boolean(flag)) => *flag,
            Some(other) => {
                self.mismatch(diags, key, "true or false", other);
                default
            }
        }
    }

    /// A required array of strings, each with its own field path (`key[i]`). Items of another
    /// type are reported and left out.
    pub(crate) fn strings(
        &mut self,
        diags: &mut Diagnostics,
        key: &str,
    ) -> Option<Vec<(String, String)>> {
        let value = self.required(diags, key)?;
        self.as_strings(diags, key, value)
    }

    /// An optional array of strings; empty when absent.
    pub(crate) fn opt_strings(
        &mut self,
        diags: &mut Diagnostics,
        key: &str,
    ) -> Vec<(String, String)> {
        match self.value(key) {
            None => Vec::new(),
            Some(value) => self.as_strings(diags, key, value).unwrap_or_default(),
        }
    }

    /// An array of strings from an already-read value.
    pub(crate) fn as_strings(
        &self,
        diags: &mut Diagnostics,
        key: &str,
        value: &Value,
    ) -> Option<Vec<(String, String)>> {
        let Value::Array(items) = value else {
            self.mismatch(diags, key, "an array of strings", value);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let field = format!("{}[{index}]", self.field(key));
            match item {
                Value::String(text) => out.push((field, text.clone())),
                other => {
                    diags.push(
                        field,
                        format!("expected a string, found {}", article(other.type_str())),
                    );
                }
            }
        }
        // The well-typed items, so their own checks run too; the file fails anyway.
        Some(out)
    }

    /// A required date (`2000-01-01`, bare or quoted).
    pub(crate) fn date(&mut self, diags: &mut Diagnostics, key: &str) -> Option<NaiveDate> {
        let value = self.required(diags, key)?;
        self.as_date(diags, key, value)
    }

    /// An optional date.
    pub(crate) fn opt_date(&mut self, diags: &mut Diagnostics, key: &str) -> Option<NaiveDate> {
        let value = self.value(key)?;
        self.as_date(diags, key, value)
    }

    fn as_date(&self, diags: &mut Diagnostics, key: &str, value: &Value) -> Option<NaiveDate> {
        let parsed = match value {
            Value::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
                (Some(date), None, None) => NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                ),
                _ => None,
            },
            Value::String(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok(),
            other => {
                self.mismatch(diags, key, "a date (YYYY-MM-DD)", other);
                return None;
            }
        };
        if parsed.is_none() {
            diags.push(
                self.field(key),
                format!("expected a date (YYYY-MM-DD), found `{value}`"),
            );
        }
        parsed
    }

    /// A required sub-table.
    pub(crate) fn table(&mut self, diags: &mut Diagnostics, key: &str) -> Option<Section<'a>> {
        let value = self.required(diags, key)?;
        self.as_section(diags, key, value)
    }

    /// An optional sub-table.
    pub(crate) fn opt_table(&mut self, diags: &mut Diagnostics, key: &str) -> Option<Section<'a>> {
        let value = self.value(key)?;
        self.as_section(diags, key, value)
    }

    fn as_section(
        &self,
        diags: &mut Diagnostics,
        key: &str,
        value: &'a Value,
    ) -> Option<Section<'a>> {
        match value {
            Value::Table(table) => Some(Section {
                path: self.field(key),
                table,
                used: BTreeSet::new(),
                unknown: Unknown::Keys,
            }),
            other => {
                self.mismatch(diags, key, "a table", other);
                None
            }
        }
    }

    /// Every entry of this table, marking all of them read (for free-form tables such as
    /// `[clauses]`).
    pub(crate) fn entries(&mut self) -> Vec<(&'a str, &'a Value)> {
        let entries: Vec<(&'a str, &'a Value)> =
            self.table.iter().map(|(k, v)| (k.as_str(), v)).collect();
        self.used.extend(entries.iter().map(|(k, _)| *k));
        entries
    }

    /// Reports every key of this table that was never read.
    pub(crate) fn finish(self, diags: &mut Diagnostics) {
        for (key, value) in self.table {
            if self.used.contains(key.as_str()) {
                continue;
            }
            let field = self.field(key);
            if self.unknown == Unknown::RuleKinds && value.is_table() {
                diags.push(field.clone(), format!("unknown rule kind `{field}`"));
            } else {
                diags.push(field, format!("unknown key `{key}`"));
            }
        }
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "integer" | "array" => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one_in_characters() {
        let text = "a = 1\nb = \"长空\" x\n";
        let offset = text.find('x').unwrap();
        assert_eq!(line_column(text, offset), (2, 10));
        assert_eq!(line_column(text, 0), (1, 1));
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let mut diags = Diagnostics::new("bad.toml");
        let parsed = parse_document("id = \"x\"\nname = \n", &mut diags);
        assert!(parsed.is_none());
        let all = diags.into_vec();
        assert!(!all.is_empty());
        assert!(
            all[0]
                .message
                .starts_with("TOML syntax error at line 2, column"),
            "{}",
            all[0].message
        );
    }

    #[test]
    fn section_reports_missing_mistyped_and_unknown_keys() {
        let table: Table = "days = \"seven\"\nextra = 1\n[sub]\nx = 1\n"
            .parse()
            .unwrap();
        let mut diags = Diagnostics::new("f.toml");
        let mut root = Section::root(&table);
        assert_eq!(root.u32(&mut diags, "days"), None);
        assert_eq!(root.string(&mut diags, "name"), None);
        root.finish(&mut diags);
        let messages: Vec<String> = diags
            .into_vec()
            .into_iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            messages,
            vec![
                "f.toml: days: expected an integer, found a string",
                "f.toml: name: missing required field",
                "f.toml: extra: unknown key `extra`",
                "f.toml: sub: unknown rule kind `sub`",
            ]
        );
    }
}
