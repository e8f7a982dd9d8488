//! Workbooks through calamine: XLSX/XLSM streamed cell by cell on a reading thread (memory
//! stays flat on large exports); XLS, XLSB and ODS, which have no streaming reader, read as
//! one range. Date cells are kept as their serial ([`RawCell::ExcelDate`], read as a date
//! where the row is parsed); formulas give their cached value.
//!
//! The two readers are [`xlsx`] and [`range`]; this file holds what they share: which sheet
//! to read, calamine's values as [`RawCell`]s, and what is said of sheets passed over.

mod fast;
mod range;
mod xlsx;

use calamine::{Data, DataRef, Reader, SheetType};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::header::no_header_message;
use super::{CellRef, Options, RawCell, RawRow, NO_HEADER};

pub use fast::READER_ENV as XLSX_READER_ENV;
pub(super) use range::open_range;
pub(super) use xlsx::{open_xlsx, open_xlsx_with};

/// Columns a sheet can have (A…XFD). A cell past the last one is a damaged or hostile file;
/// reading it would allocate a row that wide.
const MAX_COLUMNS: u32 = 16_384;

fn not_a_spreadsheet(ext: &str) -> String {
    format!("not a spreadsheet: cannot be read as .{ext}")
}

fn no_header(sheet: &str) -> String {
    format!("{NO_HEADER} in sheet `{sheet}`")
}

/// The sheet to read: `wanted` (exact, else ignoring case and surrounding spaces) or the
/// first worksheet.
fn choose_sheet(worksheets: &[String], wanted: Option<&str>) -> Result<String, String> {
    match wanted {
        None => worksheets
            .first()
            .cloned()
            .ok_or_else(|| "workbook has no worksheets".to_string()),
        Some(wanted) => worksheets
            .iter()
            .find(|name| name.as_str() == wanted)
            .or_else(|| {
                worksheets
                    .iter()
                    .find(|name| name.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .cloned()
            .ok_or_else(|| {
                let names: Vec<String> =
                    worksheets.iter().map(|name| format!("`{name}`")).collect();
                format!("no sheet named `{wanted}` (sheets: {})", names.join(", "))
            }),
    }
}

fn worksheet_names<R: std::io::Read + std::io::Seek>(workbook: &impl Reader<R>) -> Vec<String> {
    workbook
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .collect()
}

fn from_data_ref(value: &DataRef<'_>) -> RawCell {
    match value {
        DataRef::Int(number) => RawCell::Number(*number as f64),
        DataRef::Float(number) => RawCell::Number(*number),
        DataRef::String(text) => RawCell::text(text.clone()),
        DataRef::SharedString(text) => RawCell::text(*text),
        DataRef::Bool(flag) => RawCell::Bool(*flag),
        DataRef::DateTime(at) if at.is_datetime() => RawCell::excel_date(at),
        DataRef::DateTime(at) => RawCell::Number(at.as_f64()),
        DataRef::DateTimeIso(text) => from_iso(text),
        DataRef::DurationIso(text) => RawCell::text(text.clone()),
        DataRef::Error(error) => RawCell::error(error.to_string()),
        DataRef::Empty => RawCell::Empty,
    }
}

fn from_data(value: &Data) -> RawCell {
    match value {
        Data::Int(number) => RawCell::Number(*number as f64),
        Data::Float(number) => RawCell::Number(*number),
        Data::String(text) => RawCell::text(text.clone()),
        Data::Bool(flag) => RawCell::Bool(*flag),
        Data::DateTime(at) if at.is_datetime() => RawCell::excel_date(at),
        Data::DateTime(at) => RawCell::Number(at.as_f64()),
        Data::DateTimeIso(text) => from_iso(text),
        Data::DurationIso(text) => RawCell::text(text.clone()),
        Data::Error(error) => RawCell::error(error.to_string()),
        Data::Empty => RawCell::Empty,
    }
}

/// An ISO date cell (ODS writes `2026-10-01` or `2026-10-01T14:30:00`).
fn from_iso(text: &str) -> RawCell {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_time(NaiveTime::MIN))
        })
        .map_or_else(|_| RawCell::text(text), RawCell::DateTime)
}

/// Whether every cell of a row is empty or white space.
fn row_is_blank(row: &RawRow) -> bool {
    (0..row.cells.len()).all(|index| match row.cell(index) {
        CellRef::Empty => true,
        CellRef::Text(text) => text.trim().is_empty(),
        _ => false,
    })
}

/// The sheets to try, in order: the one `--sheet` names, else every worksheet.
fn candidates(worksheets: &[String], wanted: Option<&str>) -> Result<Vec<String>, String> {
    match wanted {
        Some(_) => choose_sheet(worksheets, wanted).map(|sheet| vec![sheet]),
        None if worksheets.is_empty() => Err("workbook has no worksheets".to_string()),
        None => Ok(worksheets.to_vec()),
    }
}

/// Sheets passed over for want of a header, with the first rows each showed.
type PassedOver = Vec<(String, Vec<RawRow>)>;

/// The notice that sheets were passed over: `read sheet `工单` (sheet 2); sheet `说明` has no
/// ticket header`.
fn passed_over_note(
    source_file: &str,
    sheet: &str,
    position: usize,
    passed: &PassedOver,
) -> Vec<String> {
    if passed.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = passed.iter().map(|(name, _)| format!("`{name}`")).collect();
    let (noun, verb) = if names.len() == 1 {
        ("sheet", "has")
    } else {
        ("sheets", "have")
    };
    vec![format!(
        "{source_file}: read sheet `{sheet}` (sheet {position}); {noun} {} {verb} no ticket header",
        names.join(", ")
    )]
}

/// Why no sheet could be read: a blank sheet named by `--sheet` (or the only one) keeps the
/// short message; otherwise what each sheet showed.
fn no_header_in(passed: &PassedOver, options: &Options) -> String {
    match passed.as_slice() {
        [(sheet, seen)] if seen.is_empty() && options.header_row().is_none() => no_header(sheet),
        [(sheet, seen)] => {
            no_header_message(seen, Some(&format!("sheet `{sheet}`")), true, options)
        }
        _ => {
            let names: Vec<String> = passed.iter().map(|(name, _)| format!("`{name}`")).collect();
            let seen = passed
                .iter()
                .find(|(_, seen)| !seen.is_empty())
                .map_or(&[][..], |(_, seen)| seen.as_slice());
            no_header_message(
                seen,
                Some(&format!("sheets {}", names.join(", "))),
                true,
                options,
            )
        }
    }
}

#[cfg(test)]
#[path = "workbook_tests.rs"]
mod tests;
