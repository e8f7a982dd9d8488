//! `mapping template`: a commented starting mapping written from an export's own headers.

use std::path::Path;

use crate::ingest::header::{column_letter, fold};
use crate::ingest::{IngestError, Options};
use crate::ticket::Column;

/// A commented mapping (TOML) for the headers of the export at `path`: each header that is a
/// canonical name or Chinese header mapped to its column, every other header commented out
/// with the canonical column closest to it in spelling, to be corrected by hand. The header
/// is found as the audit finds it, else the first non-blank row is taken.
pub fn template(path: &Path, options: &Options) -> Result<String, IngestError> {
    let options = Options {
        any_header: true,
        ..options.clone()
    };
    let reader = crate::ingest::open(path, &options)?;
    let header = reader.header();
    let mut out = String::new();
    let shown = reader.source_file();
    out.push_str(&format!(
        "# Mapping for the headers of {shown}{}, made by `rma-audit mapping template`.\n",
        reader
            .sheet()
            .map(|sheet| format!(" (sheet `{sheet}`)"))
            .unwrap_or_default()
    ));
    out.push_str(
        "# Recognised headers are mapped. The others are commented out with the canonical column\n\
         # closest in spelling: uncomment the ones that hold that data and correct the column, and\n\
         # leave out the rest. Check the result with `rma-audit mapping check FILE`.\n\
         # Keys: header_row, null_values, [columns], [formats], [values.COLUMN], [latest],\n\
         # [constants], [names.store|courier|agent] (see docs/TICKETS.md).\n",
    );
    if reader.header_row() > 1 {
        out.push_str(&format!(
            "\n# The header was found on row {}; rows above it are not read.\nheader_row = {}\n",
            reader.header_row(),
            reader.header_row()
        ));
    }
    out.push_str("\n[columns]\n");
    let mut known: Vec<(String, Column)> = Vec::new();
    for column in Column::ALL {
        known.push((fold(column.name()), *column));
        for chinese in column.chinese_headers() {
            known.push((fold(chinese), *column));
        }
    }
    let mut mapped: Vec<(Column, String)> = Vec::new();
    for (index, cell) in header.iter().enumerate() {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let letter = column_letter(index);
        let key = fold(cell);
        let quoted = toml_string(cell);
        if let Some((_, column)) = known.iter().find(|(known, _)| *known == key) {
            if let Some((_, first)) = mapped.iter().find(|(c, _)| c == column) {
                out.push_str(&format!(
                    "# {quoted} = \"{}\"   # column {letter}: `{first}` already maps to {}; keep one\n",
                    column.name(),
                    column.name()
                ));
            } else {
                out.push_str(&format!(
                    "{quoted} = \"{}\"   # column {letter}\n",
                    column.name()
                ));
                mapped.push((*column, cell.to_string()));
            }
            continue;
        }
        match closest(&key, &known) {
            Some(column) => out.push_str(&format!(
                "# {quoted} = \"{}\"   # column {letter}: not recognised; closest by spelling\n",
                column.name()
            )),
            None => out.push_str(&format!(
                "# {quoted} = \"\"   # column {letter}: not recognised\n"
            )),
        }
    }
    Ok(out)
}

/// The canonical column whose name or Chinese header is most like `key` (same script only).
fn closest(key: &str, known: &[(String, Column)]) -> Option<Column> {
    known
        .iter()
        .filter(|(name, _)| name.is_ascii() == key.is_ascii())
        .map(|(name, column)| (strsim::normalized_damerau_levenshtein(key, name), *column))
        .filter(|(similarity, _)| *similarity > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, column)| column)
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}
