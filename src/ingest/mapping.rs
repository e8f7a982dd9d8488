//! The `--mapping` file (TOML): source headers → canonical columns, per-column date formats
//! tried before the built-in ones, and extra value aliases per enum column.
//!
//! ```toml
//! [columns]            # source header = canonical name
//! "Id" = "ticket_id"
//! [formats]            # canonical column = chrono strftime format (or a list of them)
//! refunded_at = "%d/%b/%y %I:%M %p"
//! [values.decision]    # extra value aliases per enum column
//! "Refund processed" = "refund"
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::format::{Item, StrftimeItems};
use serde::Deserialize;

use super::aliases::{canonical_values, is_enum, PENDING};
use super::header::fold;
use super::IngestError;
use crate::ticket::{Column, Kind};

/// A checked mapping file.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    path: String,
    columns: Vec<(String, Column)>,
    formats: HashMap<Column, Vec<String>>,
    values: HashMap<Column, Vec<(String, Option<&'static str>)>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    formats: BTreeMap<String, RawFormats>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawFormats {
    One(String),
    Many(Vec<String>),
}

impl Mapping {
    /// Reads and checks a mapping file; every error names the file and the key.
    pub fn load(path: &Path) -> Result<Mapping, IngestError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|err| IngestError::Mapping {
            path: shown.clone(),
            reason: match err.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
                _ => format!("cannot read: {err}"),
            },
        })?;
        Mapping::parse(&text, &shown)
    }

    /// Checks mapping text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Mapping, IngestError> {
        let fail = |reason: String| IngestError::Mapping {
            path: path.to_string(),
            reason,
        };
        let raw: RawMapping = toml::from_str(text).map_err(|err| {
            let line = err
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let message = err
                .message()
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            fail(match line {
                Some(line) => format!("invalid TOML at line {line}: {message}"),
                None => format!("invalid TOML: {message}"),
            })
        })?;

        let mut columns = Vec::new();
        for (header, target) in raw.columns {
            let column = column_named(&target)
                .ok_or_else(|| fail(format!("[columns] `{header}`: unknown column `{target}`")))?;
            columns.push((header, column));
        }

        let mut formats = HashMap::new();
        for (name, written) in raw.formats {
            let column = column_named(&name)
                .ok_or_else(|| fail(format!("[formats] unknown column `{name}`")))?;
            if !matches!(column.kind(), Kind::Date | Kind::DateTime) {
                return Err(fail(format!("[formats] `{name}` is not a date column")));
            }
            let list = match written {
                RawFormats::One(format) => vec![format],
                RawFormats::Many(list) => list,
            };
            for format in &list {
                if format.is_empty() || StrftimeItems::new(format).any(|item| item == Item::Error) {
                    return Err(fail(format!("[formats] `{name}`: bad format `{format}`")));
                }
            }
            formats.insert(column, list);
        }

        let mut values = HashMap::new();
        for (name, aliases) in raw.values {
            let column = column_named(&name)
                .ok_or_else(|| fail(format!("[values] unknown column `{name}`")))?;
            let kind = column.kind();
            if !is_enum(kind) {
                return Err(fail(format!(
                    "[values.{name}] `{name}` has no fixed values"
                )));
            }
            let allowed = canonical_values(kind);
            let mut list = Vec::new();
            for (alias, target) in aliases {
                let key = fold(&target);
                let value = if kind == Kind::Decision && key == PENDING {
                    None
                } else {
                    let found = allowed.iter().find(|value| fold(value) == key).copied();
                    let mut expected = allowed.join(", ");
                    if kind == Kind::Decision {
                        expected.push_str(", pending");
                    }
                    Some(found.ok_or_else(|| {
                        fail(format!(
                            "[values.{name}] `{alias}`: unknown {} value `{target}` (expected {expected})",
                            column.name()
                        ))
                    })?)
                };
                list.push((alias, value));
            }
            values.insert(column, list);
        }

        Ok(Mapping {
            path: path.to_string(),
            columns,
            formats,
            values,
        })
    }

    /// The mapping file as named on the command line.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Source headers and the canonical column each stands for.
    pub fn columns(&self) -> &[(String, Column)] {
        &self.columns
    }

    /// The date formats given for `column`, tried before the built-in forms.
    pub fn formats(&self, column: Column) -> &[String] {
        self.formats.get(&column).map_or(&[], Vec::as_slice)
    }

    /// Extra aliases for an enum column: (alias, canonical value; `None` = pending).
    pub(super) fn aliases(&self, column: Column) -> &[(String, Option<&'static str>)] {
        self.values.get(&column).map_or(&[], Vec::as_slice)
    }
}

/// A canonical column by name, spelled loosely (`Refunded At` is `refunded_at`).
fn column_named(name: &str) -> Option<Column> {
    let key = fold(name);
    Column::ALL
        .iter()
        .copied()
        .find(|column| column.name() == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[columns]
"Id" = "ticket_id"
"Custom field (Refund date)" = "refunded_at"
"Created at" = "Applied At"

[formats]
refunded_at = "%d/%b/%y %I:%M %p"
applied_at = ["%d.%m.%Y %H:%M", "%d.%m.%Y"]

[values.decision]
"Refund processed" = "refund"
"Awaiting agent" = "pending"
"#;

    fn error_of(text: &str) -> String {
        match Mapping::parse(text, "map.toml") {
            Ok(mapping) => panic!("expected an error, got {mapping:?}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn reads_columns_formats_and_values() {
        let mapping = Mapping::parse(EXAMPLE, "map.toml").unwrap();
        assert_eq!(mapping.path(), "map.toml");
        assert!(mapping
            .columns()
            .contains(&("Id".to_string(), Column::TicketId)));
        assert!(mapping
            .columns()
            .contains(&("Created at".to_string(), Column::AppliedAt)));
        assert_eq!(mapping.formats(Column::RefundedAt), ["%d/%b/%y %I:%M %p"]);
        assert_eq!(mapping.formats(Column::AppliedAt).len(), 2);
        assert!(mapping.formats(Column::PaidAt).is_empty());
        let aliases = mapping.aliases(Column::Decision);
        assert!(aliases.contains(&("Refund processed".to_string(), Some("refund"))));
        assert!(aliases.contains(&("Awaiting agent".to_string(), None)));
    }

    #[test]
    fn errors_name_the_file_and_the_key() {
        assert_eq!(
            error_of("[columns]\n\"Id\" = \"tiket_id\"\n"),
            "map.toml: [columns] `Id`: unknown column `tiket_id`"
        );
        assert_eq!(
            error_of("[formats]\nrefund_at = \"%d\"\n"),
            "map.toml: [formats] unknown column `refund_at`"
        );
        assert_eq!(
            error_of("[formats]\norder_amount = \"%d\"\n"),
            "map.toml: [formats] `order_amount` is not a date column"
        );
        assert_eq!(
            error_of("[formats]\npaid_at = \"%Q\"\n"),
            "map.toml: [formats] `paid_at`: bad format `%Q`"
        );
        assert_eq!(
            error_of("[values.sku]\n\"a\" = \"b\"\n"),
            "map.toml: [values.sku] `sku` has no fixed values"
        );
        assert_eq!(
            error_of("[values.cause]\n\"Broken\" = \"qualty\"\n"),
            "map.toml: [values.cause] `Broken`: unknown cause value `qualty` (expected no_reason, \
             quality, logistics, man_made, force_majeure, cosmetic, software)"
        );
        assert_eq!(
            error_of("[values.nope]\n\"a\" = \"b\"\n"),
            "map.toml: [values] unknown column `nope`"
        );
        let syntax = error_of("[columns]\n\"Id\" = \n");
        assert!(
            syntax.starts_with("map.toml: invalid TOML at line 2: "),
            "{syntax}"
        );
        let unknown = error_of("[colums]\n");
        assert!(
            unknown.starts_with("map.toml: invalid TOML at line 1: unknown field `colums`"),
            "{unknown}"
        );
        assert!(!unknown.contains('\n'), "one line: {unknown}");
    }

    #[test]
    fn load_reads_the_file_and_names_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.toml");
        std::fs::write(&path, EXAMPLE).unwrap();
        let mapping = Mapping::load(&path).unwrap();
        assert_eq!(mapping.columns().len(), 3);
        let missing = dir.path().join("nope.toml");
        let err = Mapping::load(&missing).unwrap_err().to_string();
        assert_eq!(err, format!("{}: no such file", missing.display()));
    }
}
