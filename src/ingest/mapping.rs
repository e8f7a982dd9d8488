//! The `--mapping` file (TOML): source headers → canonical columns, per-column date formats
//! tried before the built-in ones, extra value aliases per enum column, and how the export is
//! laid out (its header row, its blank tokens, constant columns, one name for many spellings,
//! and which row of an event log is a ticket's latest).
//!
//! ```toml
//! header_row = 3                  # default: found within the first 30 rows
//! null_values = ["?", "N/A"]      # replaces the built-in blank tokens
//! [columns]                       # source header = canonical name
//! "Id" = "ticket_id"
//! [formats]                       # canonical column = chrono strftime format (or a list)
//! refunded_at = "%d/%b/%y %I:%M %p"
//! [values.decision]               # extra value aliases per enum column
//! "Refund processed" = "refund"
//! [latest]                        # one row per change: the latest per ticket_id
//! by = "sys_updated_at"
//! format = "%d-%m-%Y %H:%M"
//! [constants]                     # canonical column = one value for every row
//! service_type = "repair"
//! [names.courier]                 # one name for many spellings (store, courier, agent)
//! "顺丰速运" = "SF Express"
//! ```
//!
//! Shipped mappings (`data/mappings/`) are compiled in and named without a path:
//! `--mapping servicenow`.

mod shipped;
mod template;

use std::collections::HashMap;
use std::path::Path;

use chrono::format::{Item, StrftimeItems};

use super::aliases::{canonical_values, is_enum, PENDING};
use super::header::{closeness, fold};
use super::IngestError;
use crate::ticket::{Column, Kind, Ticket};
use shipped::builtin;

pub use shipped::BUILTIN;
pub use template::template;

/// The largest `header_row` (and `--header-row`) accepted: a header further down is no
/// export's.
pub(super) const MAX_HEADER_ROW: u64 = 1_000;

/// The top-level keys of a mapping file.
const KEYS: &[&str] = &[
    "header_row",
    "null_values",
    "columns",
    "formats",
    "values",
    "latest",
    "constants",
    "names",
];

/// The columns `[names.…]` tables may name.
const NAMED: &[Column] = &[Column::Store, Column::Courier, Column::Agent];

/// A checked mapping file.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    path: String,
    header_row: Option<u64>,
    null_values: Option<Vec<String>>,
    columns: Vec<(String, Column)>,
    formats: HashMap<Column, Vec<String>>,
    values: HashMap<Column, Vec<(String, Option<&'static str>)>>,
    latest: Option<Latest>,
    constants: Vec<(Column, String)>,
    names: HashMap<Column, Vec<(String, String)>>,
}

/// The mapping's `[latest]` table, for exports with one row per change of a ticket (an event
/// log) or appended snapshots: per ticket_id, only the row with the latest `by` value is
/// audited and the others are superseded. Parsed and checked here; the audit decides what to
/// do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    /// The column as the mapping names it: a source header of the export or a canonical name.
    pub by: String,
    /// The canonical column `by` stands for, when it names one (a canonical name, or a header
    /// `[columns]` maps); `None` for a header the mapping does not map (such as ServiceNow's
    /// `sys_updated_at`), read only to order the rows.
    pub column: Option<Column>,
    /// A strftime format for `by`'s values, tried before the built-in forms.
    pub format: Option<String>,
}

/// Where a mapping's problems are collected: every problem of the file, not only the first.
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }
}

impl Mapping {
    /// Reads and checks a mapping file; every error names the file and the key. A path that
    /// is exactly a shipped mapping's name (`servicenow`) is that mapping; write `./servicenow`
    /// for a file of that name.
    pub fn load(path: &Path) -> Result<Mapping, IngestError> {
        Mapping::load_all(path).map_err(|mut problems| problems.remove(0))
    }

    /// Like [`Mapping::load`], with every problem of the file (`mapping check`).
    pub fn load_all(path: &Path) -> Result<Mapping, Vec<IngestError>> {
        let shown = path.display().to_string();
        if let Some(text) = builtin(&shown) {
            return Mapping::check(text, &shown);
        }
        let text = std::fs::read_to_string(path).map_err(|err| {
            vec![IngestError::Mapping {
                path: shown.clone(),
                reason: match err.kind() {
                    std::io::ErrorKind::NotFound => {
                        let names: Vec<&str> = BUILTIN.iter().map(|(name, _)| *name).collect();
                        format!(
                            "no such file (the shipped mappings are {})",
                            names.join(", ")
                        )
                    }
                    std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
                    _ => format!("cannot read: {err}"),
                },
            }]
        })?;
        Mapping::check(&text, &shown)
    }

    /// Checks mapping text; `path` names it in errors. The first problem, when there is one.
    pub fn parse(text: &str, path: &str) -> Result<Mapping, IngestError> {
        Mapping::check(text, path).map_err(|mut problems| problems.remove(0))
    }

    /// Checks mapping text and returns every problem, each naming the file and the key.
    pub fn check(text: &str, path: &str) -> Result<Mapping, Vec<IngestError>> {
        let fail = |reasons: Vec<String>| {
            reasons
                .into_iter()
                .map(|reason| IngestError::Mapping {
                    path: path.to_string(),
                    reason,
                })
                .collect::<Vec<_>>()
        };
        let table: toml::Table = toml::from_str(text).map_err(|err| {
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
            fail(vec![match line {
                Some(line) => format!("invalid TOML at line {line}: {message}"),
                None => format!("invalid TOML: {message}"),
            }])
        })?;
        let mut problems = Problems(Vec::new());
        let mut mapping = Mapping {
            path: path.to_string(),
            ..Mapping::default()
        };
        for key in table.keys() {
            if !KEYS.contains(&key.as_str()) {
                problems.add(format!(
                    "unknown key `{key}` (expected {})",
                    KEYS.join(", ")
                ));
            }
        }
        if let Some(value) = table.get("header_row") {
            mapping.header_row = header_row(value, &mut problems);
        }
        if let Some(value) = table.get("null_values") {
            mapping.null_values = null_values(value, &mut problems);
        }
        if let Some(value) = table.get("columns") {
            mapping.columns = columns(value, &mut problems);
        }
        if let Some(value) = table.get("formats") {
            mapping.formats = formats(value, &mut problems);
        }
        if let Some(value) = table.get("values") {
            mapping.values = values(value, &mut problems);
        }
        if let Some(value) = table.get("names") {
            mapping.names = names(value, &mut problems);
        }
        if let Some(value) = table.get("latest") {
            mapping.latest = latest(value, &mapping.columns, &mut problems);
        }
        if let Some(value) = table.get("constants") {
            mapping.constants = constants(value, &mapping, &mut problems);
        }
        if problems.0.is_empty() {
            Ok(mapping)
        } else {
            Err(fail(problems.0))
        }
    }

    /// The mapping file as named on the command line (or the shipped mapping's name).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `header_row = N`: the 1-based row of the header, when the mapping fixes it.
    pub fn header_row(&self) -> Option<u64> {
        self.header_row
    }

    /// `null_values = [...]`: the tokens read as blank, when the mapping replaces the built-in
    /// list.
    pub fn null_values(&self) -> Option<&[String]> {
        self.null_values.as_deref()
    }

    /// Source headers and the canonical column each stands for.
    pub fn columns(&self) -> &[(String, Column)] {
        &self.columns
    }

    /// The date formats given for `column`, tried before the built-in forms.
    pub fn formats(&self, column: Column) -> &[String] {
        self.formats.get(&column).map_or(&[], Vec::as_slice)
    }

    /// The `[latest]` table, when the export is an event log or appended snapshots.
    pub fn latest(&self) -> Option<&Latest> {
        self.latest.as_ref()
    }

    /// `[constants]`: canonical columns with the value every row of an export without that
    /// column gets, each checked as a cell of its column would be.
    pub fn constants(&self) -> &[(Column, String)] {
        &self.constants
    }

    /// `[names.store]`, `[names.courier]`, `[names.agent]`: (spelling, the one name) pairs.
    pub fn names(&self, column: Column) -> &[(String, String)] {
        self.names.get(&column).map_or(&[], Vec::as_slice)
    }

    /// Extra aliases for an enum column: (alias, canonical value; `None` = pending).
    pub(super) fn aliases(&self, column: Column) -> &[(String, Option<&'static str>)] {
        self.values.get(&column).map_or(&[], Vec::as_slice)
    }
}

/// A canonical column by name, spelled loosely (`Refunded At` is `refunded_at`).
pub(super) fn column_named(name: &str) -> Option<Column> {
    let key = fold(name);
    Column::ALL
        .iter()
        .copied()
        .find(|column| column.name() == key)
}

/// `unknown column `x``, with the canonical name it is closest to when one is close.
fn unknown_column(name: &str) -> String {
    let key = fold(name);
    let close = Column::ALL
        .iter()
        .filter_map(|column| closeness(&key, column.name()).map(|d| (d, column.name())))
        .min_by_key(|(distance, _)| *distance);
    match close {
        Some((_, near)) => format!("unknown column `{name}` (did you mean `{near}`?)"),
        None => format!("unknown column `{name}`"),
    }
}

fn type_name(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "text",
        toml::Value::Integer(_) => "a whole number",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "true/false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

fn table_of<'a>(
    value: &'a toml::Value,
    key: &str,
    problems: &mut Problems,
) -> Option<&'a toml::Table> {
    match value {
        toml::Value::Table(table) => Some(table),
        other => {
            problems.add(format!(
                "`{key}` must be a table ([{key}]), not {}",
                type_name(other)
            ));
            None
        }
    }
}

fn header_row(value: &toml::Value, problems: &mut Problems) -> Option<u64> {
    match value {
        toml::Value::Integer(n) if (1..=MAX_HEADER_ROW as i64).contains(n) => Some(*n as u64),
        toml::Value::Integer(n) => {
            problems.add(format!(
                "header_row = {n}: expected a row number from 1 to {MAX_HEADER_ROW} (1 = the first row)"
            ));
            None
        }
        other => {
            problems.add(format!(
                "header_row must be a row number (1 = the first row), not {}",
                type_name(other)
            ));
            None
        }
    }
}

fn null_values(value: &toml::Value, problems: &mut Problems) -> Option<Vec<String>> {
    let toml::Value::Array(items) = value else {
        problems.add(format!(
            "null_values must be a list of texts ([\"?\", \"N/A\"]), not {}",
            type_name(value)
        ));
        return None;
    };
    let mut tokens = Vec::new();
    for item in items {
        match item {
            toml::Value::String(token) if !token.trim().is_empty() => {
                tokens.push(token.trim().to_string());
            }
            toml::Value::String(_) => {
                problems.add("null_values: an empty token (blank cells are always blank)");
            }
            other => problems.add(format!(
                "null_values: `{other}` is {}, not text",
                type_name(other)
            )),
        }
    }
    Some(tokens)
}

fn columns(value: &toml::Value, problems: &mut Problems) -> Vec<(String, Column)> {
    let mut columns = Vec::new();
    let Some(table) = table_of(value, "columns", problems) else {
        return columns;
    };
    for (header, target) in table {
        let toml::Value::String(target) = target else {
            problems.add(format!(
                "[columns] `{header}`: expected a canonical column name, not {}",
                type_name(target)
            ));
            continue;
        };
        match column_named(target) {
            Some(column) => columns.push((header.clone(), column)),
            None => problems.add(format!("[columns] `{header}`: {}", unknown_column(target))),
        }
    }
    columns
}

/// A strftime format chrono can use.
fn good_format(format: &str) -> bool {
    !format.is_empty() && !StrftimeItems::new(format).any(|item| item == Item::Error)
}

fn formats(value: &toml::Value, problems: &mut Problems) -> HashMap<Column, Vec<String>> {
    let mut formats = HashMap::new();
    let Some(table) = table_of(value, "formats", problems) else {
        return formats;
    };
    for (name, written) in table {
        let Some(column) = column_named(name) else {
            problems.add(format!("[formats] {}", unknown_column(name)));
            continue;
        };
        if !matches!(column.kind(), Kind::Date | Kind::DateTime) {
            problems.add(format!("[formats] `{name}` is not a date column"));
            continue;
        }
        let list: Vec<String> = match written {
            toml::Value::String(format) => vec![format.clone()],
            toml::Value::Array(items) => items
                .iter()
                .filter_map(|item| match item {
                    toml::Value::String(format) => Some(format.clone()),
                    other => {
                        problems.add(format!(
                            "[formats] `{name}`: `{other}` is {}, not a format",
                            type_name(other)
                        ));
                        None
                    }
                })
                .collect(),
            other => {
                problems.add(format!(
                    "[formats] `{name}`: expected a format or a list of them, not {}",
                    type_name(other)
                ));
                continue;
            }
        };
        let mut good = true;
        for format in &list {
            if !good_format(format) {
                problems.add(format!("[formats] `{name}`: bad format `{format}`"));
                good = false;
            }
        }
        if good {
            formats.insert(column, list);
        }
    }
    formats
}

fn values(
    value: &toml::Value,
    problems: &mut Problems,
) -> HashMap<Column, Vec<(String, Option<&'static str>)>> {
    let mut values = HashMap::new();
    let Some(table) = table_of(value, "values", problems) else {
        return values;
    };
    for (name, aliases) in table {
        let Some(column) = column_named(name) else {
            problems.add(format!("[values] {}", unknown_column(name)));
            continue;
        };
        let kind = column.kind();
        if !is_enum(kind) {
            problems.add(format!("[values.{name}] `{name}` has no fixed values"));
            continue;
        }
        let toml::Value::Table(aliases) = aliases else {
            problems.add(format!(
                "[values.{name}] must be a table of alias = value, not {}",
                type_name(aliases)
            ));
            continue;
        };
        let allowed = canonical_values(kind);
        let mut list = Vec::new();
        for (alias, target) in aliases {
            let toml::Value::String(target) = target else {
                problems.add(format!(
                    "[values.{name}] `{alias}`: expected a {} value, not {}",
                    column.name(),
                    type_name(target)
                ));
                continue;
            };
            let key = fold(target);
            if kind == Kind::Decision && key == PENDING {
                list.push((alias.clone(), None));
                continue;
            }
            if let Some(found) = allowed.iter().find(|value| fold(value) == key) {
                list.push((alias.clone(), Some(*found)));
            } else {
                let mut expected = allowed.join(", ");
                if kind == Kind::Decision {
                    expected.push_str(", pending");
                }
                problems.add(format!(
                    "[values.{name}] `{alias}`: unknown {} value `{target}` (expected {expected})",
                    column.name()
                ));
            }
        }
        values.insert(column, list);
    }
    values
}

fn names(value: &toml::Value, problems: &mut Problems) -> HashMap<Column, Vec<(String, String)>> {
    let mut names = HashMap::new();
    let Some(table) = table_of(value, "names", problems) else {
        return names;
    };
    let allowed: Vec<&str> = NAMED.iter().map(|column| column.name()).collect();
    for (name, spellings) in table {
        let Some(column) = column_named(name).filter(|column| NAMED.contains(column)) else {
            problems.add(format!(
                "[names.{name}]: names are given for {} only",
                allowed.join(", ")
            ));
            continue;
        };
        let toml::Value::Table(spellings) = spellings else {
            problems.add(format!(
                "[names.{name}] must be a table of spelling = name, not {}",
                type_name(spellings)
            ));
            continue;
        };
        let mut list = Vec::new();
        for (spelling, one) in spellings {
            match one {
                toml::Value::String(one) if !one.trim().is_empty() => {
                    list.push((spelling.clone(), one.trim().to_string()));
                }
                toml::Value::String(_) => {
                    problems.add(format!("[names.{name}] `{spelling}`: the name is blank"));
                }
                other => problems.add(format!(
                    "[names.{name}] `{spelling}`: expected a name, not {}",
                    type_name(other)
                )),
            }
        }
        names.insert(column, list);
    }
    names
}

fn latest(
    value: &toml::Value,
    columns: &[(String, Column)],
    problems: &mut Problems,
) -> Option<Latest> {
    let table = table_of(value, "latest", problems)?;
    for key in table.keys() {
        if key != "by" && key != "format" {
            problems.add(format!(
                "[latest] unknown key `{key}` (expected by, format)"
            ));
        }
    }
    let format = match table.get("format") {
        None => None,
        Some(toml::Value::String(format)) if good_format(format) => Some(format.clone()),
        Some(toml::Value::String(format)) => {
            problems.add(format!("[latest] format: bad format `{format}`"));
            None
        }
        Some(other) => {
            problems.add(format!(
                "[latest] format must be a strftime format, not {}",
                type_name(other)
            ));
            None
        }
    };
    let by = match table.get("by") {
        Some(toml::Value::String(by)) if !by.trim().is_empty() => by.trim().to_string(),
        Some(toml::Value::String(_)) => {
            problems.add("[latest] by is blank: name the datetime column that orders the rows");
            return None;
        }
        Some(other) => {
            problems.add(format!(
                "[latest] by must name a column (its header or canonical name), not {}",
                type_name(other)
            ));
            return None;
        }
        None => {
            problems.add(
                "[latest] needs `by`: the datetime column (header or canonical name) that orders a ticket's rows",
            );
            return None;
        }
    };
    let key = fold(&by);
    let column = columns
        .iter()
        .find(|(header, _)| fold(header) == key)
        .map(|(_, column)| *column)
        .or_else(|| column_named(&by));
    if let Some(column) = column {
        if column == Column::TicketId {
            problems.add(format!(
                "[latest] by = `{by}` is the ticket_id: it must be a datetime that orders a ticket's rows"
            ));
            return None;
        }
        if !matches!(column.kind(), Kind::Date | Kind::DateTime) {
            problems.add(format!(
                "[latest] by = `{by}` is {}, not a date or datetime column",
                column.name()
            ));
            return None;
        }
    }
    Some(Latest { by, column, format })
}

fn constants(
    value: &toml::Value,
    mapping: &Mapping,
    problems: &mut Problems,
) -> Vec<(Column, String)> {
    let mut constants = Vec::new();
    let Some(table) = table_of(value, "constants", problems) else {
        return constants;
    };
    for (name, written) in table {
        let Some(column) = column_named(name) else {
            problems.add(format!("[constants] {}", unknown_column(name)));
            continue;
        };
        if column == Column::TicketId {
            problems.add("[constants] ticket_id cannot be a constant: every ticket has its own");
            continue;
        }
        let text = match written {
            toml::Value::String(text) => text.trim().to_string(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(flag) => flag.to_string(),
            toml::Value::Datetime(at) => at.to_string(),
            other => {
                problems.add(format!(
                    "[constants] `{name}`: expected a value, not {}",
                    type_name(other)
                ));
                continue;
            }
        };
        if text.is_empty() {
            problems.add(format!(
                "[constants] `{name}`: the value is blank (leave the column out instead)"
            ));
            continue;
        }
        let mut scratch = Ticket::default();
        if let Err(reason) = super::schema::read_constant(column, &text, mapping, &mut scratch) {
            problems.add(format!("[constants] `{name}` = `{text}`: {reason}"));
            continue;
        }
        constants.push((column, text));
    }
    constants
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
            "map.toml: [columns] `Id`: unknown column `tiket_id` (did you mean `ticket_id`?)"
        );
        assert_eq!(
            error_of("[formats]\nrefund_at = \"%d\"\n"),
            "map.toml: [formats] unknown column `refund_at` (did you mean `refunded_at`?)"
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
        assert_eq!(
            unknown,
            "map.toml: unknown key `colums` (expected header_row, null_values, columns, formats, \
             values, latest, constants, names)"
        );
    }

    /// Every problem of a file, as `mapping check` lists them.
    fn problems_of(text: &str) -> Vec<String> {
        match Mapping::check(text, "map.toml") {
            Ok(mapping) => panic!("expected problems, got {mapping:?}"),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }

    const EVERY_KEY: &str = r#"
header_row = 3
null_values = ["?", "N/A"]
[columns]
"number" = "ticket_id"
"opened_at" = "applied_at"
"Courier" = "courier"
[formats]
applied_at = "%d-%m-%Y %H:%M"
[values.decision]
"Resolved" = "free_repair"
[latest]
by = "sys_updated_at"
format = "%d-%m-%Y %H:%M"
[constants]
service_type = "Repair"
refund_amount = "¥20.00"
[names.courier]
"顺丰速运" = "SF Express"
"SF" = "SF Express"
[names.store]
"天猫旗舰店" = "Tmall Flagship Store"
"#;

    #[test]
    fn every_key_of_the_spec_reads() {
        let mapping = Mapping::parse(EVERY_KEY, "map.toml").unwrap();
        assert_eq!(mapping.header_row(), Some(3));
        assert_eq!(
            mapping.null_values(),
            Some(&["?".to_string(), "N/A".to_string()][..])
        );
        assert_eq!(
            mapping.latest(),
            Some(&Latest {
                by: "sys_updated_at".to_string(),
                column: None,
                format: Some("%d-%m-%Y %H:%M".to_string()),
            })
        );
        assert_eq!(
            mapping.constants(),
            [
                (Column::RefundAmount, "¥20.00".to_string()),
                (Column::ServiceType, "Repair".to_string()),
            ]
        );
        assert_eq!(
            mapping.names(Column::Courier),
            [
                ("SF".to_string(), "SF Express".to_string()),
                ("顺丰速运".to_string(), "SF Express".to_string()),
            ]
        );
        assert_eq!(mapping.names(Column::Store).len(), 1);
        assert!(mapping.names(Column::Agent).is_empty());
    }

    #[test]
    fn latest_by_names_a_canonical_or_mapped_datetime_column() {
        let by_canonical = Mapping::parse("[latest]\nby = \"Refunded At\"\n", "m").unwrap();
        assert_eq!(
            by_canonical.latest().map(|l| l.column),
            Some(Some(Column::RefundedAt))
        );
        let by_mapped = Mapping::parse(
            "[columns]\n\"Updated\" = \"reviewed_at\"\n[latest]\nby = \"updated\"\n",
            "m",
        )
        .unwrap();
        assert_eq!(
            by_mapped.latest().map(|l| l.column),
            Some(Some(Column::ReviewedAt))
        );
        assert_eq!(
            problems_of("[latest]\nby = \"store\"\n"),
            ["map.toml: [latest] by = `store` is store, not a date or datetime column"]
        );
        assert_eq!(
            problems_of("[columns]\n\"No\" = \"ticket_id\"\n[latest]\nby = \"No\"\n"),
            ["map.toml: [latest] by = `No` is the ticket_id: it must be a datetime that orders a ticket's rows"]
        );
        assert_eq!(
            problems_of("[latest]\nformat = \"%d\"\n"),
            ["map.toml: [latest] needs `by`: the datetime column (header or canonical name) that orders a ticket's rows"]
        );
        assert_eq!(
            problems_of("[latest]\nby = \" \"\nformat = \"%Q\"\nwhen = 1\n"),
            [
                "map.toml: [latest] unknown key `when` (expected by, format)",
                "map.toml: [latest] format: bad format `%Q`",
                "map.toml: [latest] by is blank: name the datetime column that orders the rows",
            ]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = r#"
header_row = 0
null_values = "?"
colour = "blue"
[columns]
"Id" = "tiket_id"
"When" = 3
[formats]
paid_at = "%Q"
store = "%d"
[constants]
ticket_id = "T1"
service_type = "teleport"
applied_at = "someday"
refund_amount = "-5"
[names.sku]
"a" = "b"
[names.courier]
"SF" = ""
"#;
        assert_eq!(
            problems_of(text),
            [
                "map.toml: unknown key `colour` (expected header_row, null_values, columns, \
                 formats, values, latest, constants, names)",
                "map.toml: header_row = 0: expected a row number from 1 to 1000 (1 = the first row)",
                "map.toml: null_values must be a list of texts ([\"?\", \"N/A\"]), not text",
                "map.toml: [columns] `Id`: unknown column `tiket_id` (did you mean `ticket_id`?)",
                "map.toml: [columns] `When`: expected a canonical column name, not a whole number",
                "map.toml: [formats] `paid_at`: bad format `%Q`",
                "map.toml: [formats] `store` is not a date column",
                "map.toml: [names.courier] `SF`: the name is blank",
                "map.toml: [names.sku]: names are given for store, courier, agent only",
                "map.toml: [constants] `applied_at` = `someday`: not a date",
                "map.toml: [constants] `refund_amount` = `-5`: negative amount",
                "map.toml: [constants] `service_type` = `teleport`: unknown service_type value",
                "map.toml: [constants] ticket_id cannot be a constant: every ticket has its own",
            ]
        );
    }

    #[test]
    fn constants_read_with_the_mappings_own_aliases_and_formats() {
        let text = "[values.decision]\n\"Fixed\" = \"free_repair\"\n\
                    [formats]\napplied_at = \"%d-%m-%Y %H:%M\"\n\
                    [constants]\ndecision = \"fixed\"\napplied_at = \"29-02-2016 01:16\"\n";
        let mapping = Mapping::parse(text, "m").unwrap();
        assert_eq!(mapping.constants().len(), 2);
    }

    #[test]
    fn shipped_mappings_are_valid_and_named_without_a_path() {
        for (name, _) in BUILTIN {
            let mapping = Mapping::load(Path::new(name))
                .unwrap_or_else(|err| panic!("data/mappings/{name}.toml: {err}"));
            assert_eq!(mapping.path(), *name);
            assert!(
                mapping
                    .columns()
                    .iter()
                    .any(|(_, column)| *column == Column::TicketId),
                "{name} maps a ticket_id"
            );
        }
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
        assert_eq!(
            err,
            format!(
                "{}: no such file (the shipped mappings are servicenow, zendesk, freshdesk, jira, taobao)",
                missing.display()
            )
        );
    }
}
