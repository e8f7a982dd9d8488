//! Resolving an export's header to canonical columns: which cell stands for which column, the
//! mapping's constants and `[latest]` column, and the warnings about headers and names that
//! match nothing.

use std::collections::HashMap;

use super::Field;
use crate::ingest::header::{closeness, column_letter, fold};
use crate::ingest::mapping::{Latest, Mapping};
use crate::ingest::{unreadable, IngestError};
use crate::ticket::Column;

/// Every spelling that names a canonical column, folded: the canonical names, the Chinese
/// headers, then the mapping's `[columns]`, which win.
fn column_keys(mapping: Option<&Mapping>) -> HashMap<String, Column> {
    let mut by_key: HashMap<String, Column> = HashMap::new();
    for column in Column::ALL {
        by_key.insert(fold(column.name()), *column);
        for chinese in column.chinese_headers() {
            by_key.insert(fold(chinese), *column);
        }
    }
    for (source, column) in mapping
        .map(super::super::mapping::Mapping::columns)
        .unwrap_or(&[])
    {
        by_key.insert(fold(source), *column);
    }
    by_key
}

/// The header cells that name a canonical column (`keys` are the header folded). Fails when
/// two headers name the same column or none names `ticket_id`.
pub(super) fn resolve_fields(
    header: &[String],
    keys: &[String],
    mapping: Option<&Mapping>,
    source_file: &str,
) -> Result<Vec<Field>, IngestError> {
    let by_key = column_keys(mapping);
    let mut fields: Vec<Field> = Vec::new();
    for (index, key) in keys.iter().enumerate() {
        let Some(column) = by_key.get(key).copied() else {
            continue;
        };
        if let Some(first) = fields.iter().find(|field| field.column == column) {
            return Err(unreadable(
                source_file,
                format!(
                    "headers `{}` (column {}) and `{}` (column {}) both map to {}",
                    header[first.index].trim(),
                    column_letter(first.index),
                    header[index].trim(),
                    column_letter(index),
                    column.name()
                ),
            ));
        }
        fields.push(Field::new(index, column, mapping));
    }
    if !fields.iter().any(|field| field.column == Column::TicketId) {
        return Err(unreadable(source_file, "no ticket_id column"));
    }
    Ok(fields)
}

/// A warning for each header the mapping's `[columns]` names that the export does not have.
pub(super) fn unmatched_mapping_headers(
    mapped: &[(String, Column)],
    keys: &[String],
    source_file: &str,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for (source, _) in mapped {
        let key = fold(source);
        if !keys.contains(&key) {
            warnings.push(format!(
                "mapping names header `{source}` but {source_file} has no such column"
            ));
        }
    }
    warnings
}

/// The header index of each `--keep-columns` name, warning of the ones the export lacks.
pub(super) fn kept_columns(
    keep_columns: &[String],
    keys: &[String],
    source_file: &str,
    warnings: &mut Vec<String>,
) -> Vec<Option<usize>> {
    let mut kept = Vec::new();
    for name in keep_columns {
        let key = fold(name);
        let found = keys.iter().position(|k| !k.is_empty() && *k == key);
        if found.is_none() {
            warnings.push(format!(
                "--keep-columns names `{name}` but {source_file} has no such column"
            ));
        }
        kept.push(found);
    }
    kept
}

/// The mapping's `[constants]` for the columns the export lacks; a constant for a column the
/// export has is not used, and a warning says so.
pub(super) fn constants_for_missing_columns(
    header: &[String],
    fields: &[Field],
    mapping: Option<&Mapping>,
    source_file: &str,
    warnings: &mut Vec<String>,
) -> Vec<(Field, String)> {
    let mut constants = Vec::new();
    for (column, value) in mapping
        .map(super::super::mapping::Mapping::constants)
        .unwrap_or(&[])
    {
        match fields.iter().find(|field| field.column == *column) {
            Some(field) => warnings.push(format!(
                "{source_file}: the mapping's constant {} = `{value}` is not used: the export has the column (`{}`, column {})",
                column.name(),
                header[field.index].trim(),
                column_letter(field.index)
            )),
            None => constants.push((Field::new(usize::MAX, *column, mapping), value.clone())),
        }
    }
    constants
}

/// The column the mapping's `[latest]` orders rows by (a header of the export, else the
/// canonical column it names), with the formats to read it: `[latest] format`, then the
/// column's own.
pub(super) fn latest_column(
    latest: &Latest,
    keys: &[String],
    fields: &[Field],
    source_file: &str,
) -> Result<(usize, Vec<String>), IngestError> {
    let by_header = keys.iter().position(|k| *k == fold(&latest.by));
    let by_column = latest
        .column
        .and_then(|column| fields.iter().find(|f| f.column == column).map(|f| f.index));
    let Some(index) = by_header.or(by_column) else {
        return Err(unreadable(
            source_file,
            format!(
                "the mapping's [latest] orders rows by `{}`, which this export has no column for",
                latest.by
            ),
        ));
    };
    let mut formats: Vec<String> = latest.format.iter().cloned().collect();
    if let Some(field) = fields.iter().find(|f| f.index == index) {
        formats.extend(field.formats.iter().cloned());
    }
    Ok((index, formats))
}

/// One warning per header that stands for no column, is not a `--keep-columns` name, and is
/// close ([`closeness`]) to a known header: a canonical name, a Chinese header or a mapping
/// file's source header. The closest known header is suggested (ties go to the column that
/// comes first in [`Column::ALL`]), unless its column is one the input already provides: then
/// the header is taken for other data (`recieved_at` next to `received_at`, `退货时间` next to
/// `退款时间`) and nothing is said.
pub(super) fn misspelled_headers(
    header: &[String],
    keys: &[String],
    fields: &[Field],
    mapped: &[(String, Column)],
    keep_columns: &[String],
    source_file: &str,
) -> Vec<String> {
    let provided = |column: Column| fields.iter().any(|field| field.column == column);
    // (folded key, column, the suggestion as shown), in canonical column order.
    let mut known: Vec<(String, Column, String)> = Vec::new();
    for column in Column::ALL.iter().copied() {
        let name = column.name();
        known.push((fold(name), column, format!("`{name}`")));
        for chinese in column.chinese_headers() {
            known.push((fold(chinese), column, format!("`{chinese}` ({name})")));
        }
        for (source, _) in mapped.iter().filter(|(_, to)| *to == column) {
            let shown = format!("`{}` (mapped to {name})", source.trim());
            known.push((fold(source), column, shown));
        }
    }
    let kept: Vec<String> = keep_columns.iter().map(|name| fold(name)).collect();
    let used = |index: usize| fields.iter().any(|field| field.index == index);

    let mut warnings = Vec::new();
    for (index, key) in keys.iter().enumerate() {
        if key.is_empty() || used(index) || kept.contains(key) {
            continue;
        }
        let mut best: Option<(usize, Column, &str)> = None;
        for (known_key, column, shown) in &known {
            if let Some(distance) = closeness(key, known_key) {
                if best.is_none_or(|(least, _, _)| distance < least) {
                    best = Some((distance, *column, shown));
                }
            }
        }
        if let Some((_, _, shown)) = best.filter(|(_, column, _)| !provided(*column)) {
            warnings.push(format!(
                "{source_file}: header `{}` (column {}) is not a known column; did you mean {shown}?",
                header[index].trim(),
                column_letter(index),
            ));
        }
    }
    warnings
}
