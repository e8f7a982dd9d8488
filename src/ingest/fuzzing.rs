//! The value parsers, reachable from the fuzz targets (`fuzz/`). Not part of the supported
//! API: each function wraps one private parser and returns its result as plain data.

use rust_decimal::Decimal;

use super::aliases::Aliases;
use super::dates::{when_from_serial, when_from_text};
use super::header::fold;
use super::values::{bool_of, money_of, Value};
use super::DateOrder;
use crate::ticket::{Column, When};

/// A date or datetime written as text, with optional mapping formats and day/month order.
pub fn date_text(text: &str, formats: &[String], order: Option<DateOrder>) -> Result<When, String> {
    when_from_text(text, formats, order).map_err(std::borrow::Cow::into_owned)
}

/// An Excel serial date.
pub fn date_serial(serial: f64) -> Result<When, String> {
    when_from_serial(serial).map_err(std::borrow::Cow::into_owned)
}

/// An amount written as text.
pub fn money_text(text: &str) -> Result<Decimal, String> {
    money_of(Value::Text(text)).map_err(std::borrow::Cow::into_owned)
}

/// An amount in a numeric cell.
pub fn money_number(number: f64) -> Result<Decimal, String> {
    money_of(Value::Number(number)).map_err(std::borrow::Cow::into_owned)
}

/// A yes/no value written as text.
pub fn bool_text(text: &str) -> Result<bool, String> {
    bool_of(Value::Text(text)).map_err(std::borrow::Cow::into_owned)
}

/// The canonical value of an enum column's text (`Some(None)`: a pending decision); `None`
/// for a column that is no enum or a value outside its table.
pub fn enum_text(column: Column, text: &str) -> Option<Option<&'static str>> {
    Aliases::new(column, &[]).lookup(Value::Text(text))
}

/// The header matching key.
pub fn header_key(text: &str) -> String {
    fold(text)
}

/// An XLSX read as [`super::open`] reads it, by the parallel reader (`fast`) or calamine's:
/// the header, its row number, the notes and every row (its number and cells, text resolved),
/// or the one-line error. The two must agree on every input.
pub fn xlsx_read(path: &std::path::Path, fast: bool) -> Result<XlsxRead, String> {
    let options = super::Options::default();
    let shown = path.display().to_string();
    let read = || -> Result<XlsxRead, super::IngestError> {
        super::archive::check_parts(path, &shown, super::archive::PartLimits::from_env())?;
        let mut reader = super::workbook::open_xlsx_with(path, shown.clone(), &options, fast)?;
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row()? {
            rows.push((row.row, row.owned_cells()));
        }
        Ok(XlsxRead {
            header: reader.header().to_vec(),
            header_row: reader.header_row(),
            notes: reader.notes().to_vec(),
            rows,
        })
    };
    read().map_err(|err| super::zip_failure(path, &shown, err).to_string())
}

/// What [`xlsx_read`] gives.
#[derive(Debug, PartialEq)]
pub struct XlsxRead {
    /// The header's cells as text.
    pub header: Vec<String>,
    /// The header's row number.
    pub header_row: u64,
    /// The notices about the sheets passed over.
    pub notes: Vec<String>,
    /// Each data row's number and cells.
    pub rows: Vec<(u64, Vec<super::RawCell>)>,
}
