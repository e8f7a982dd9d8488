//! Reading ticket exports: CSV (UTF-8, BOM, GBK/GB18030), XLSX/XLS/ODS through calamine,
//! Parquet behind the `parquet` feature. Headers are matched to canonical columns, values
//! parsed into a [`Ticket`]; a row that cannot be read becomes [`Rejection`]s, never a crash.
//!
//! Two stages, so the audit can parse in parallel: a reader streams [`RawRow`]s in file
//! order, and [`Schema::parse`] (pure) turns one into a [`Row`].
//!
//! ```no_run
//! # use rma_audit::ingest::{open, Options, Schema, Row};
//! # fn main() -> Result<(), rma_audit::ingest::IngestError> {
//! let options = Options::default();
//! let mut reader = open("tickets.csv".as_ref(), &options)?;
//! let schema = Schema::for_reader(reader.as_ref(), 0, &options)?;
//! while let Some(raw) = reader.next_row()? {
//!     match schema.parse(&raw) {
//!         Row::Ticket(ticket) => println!("{}", ticket.ticket_id),
//!         Row::Rejected(problems) => eprintln!("{} problems", problems.len()),
//!     }
//! }
//! # Ok(()) }
//! ```

mod aliases;
mod archive;
mod csv;
mod dates;
#[doc(hidden)]
pub mod fuzzing;
mod header;
mod mapping;
#[cfg(feature = "parquet")]
mod parquet;
mod schema;
mod values;
mod workbook;

use std::path::Path;

use chrono::NaiveDateTime;
use rayon::prelude::*;

pub use archive::{
    max_inflate_ratio, max_part_bytes, MAX_INFLATE_RATIO, MAX_PART_BYTES, MAX_PART_ENV,
    MAX_RATIO_ENV, RATIO_GRACE_BYTES,
};
pub use mapping::{template as mapping_template, Latest, Mapping, BUILTIN as BUILTIN_MAPPINGS};
pub use schema::Schema;
pub use workbook::XLSX_READER_ENV;

use crate::ticket::Ticket;

/// How to read `01/10/2026`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// Day first: `01/10/2026` is 1 October 2026 (`--date-order dmy`).
    Dmy,
    /// Month first: `01/10/2026` is 10 January 2026 (`--date-order mdy`).
    Mdy,
}

/// A CSV encoding forced with `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark; invalid bytes become U+FFFD.
    Utf8,
    /// GB18030, a superset of the GBK that Chinese ticket systems export.
    Gb18030,
}

/// Reading options shared by every input of a run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Sheet name for workbooks (`--sheet`); first sheet when `None`.
    pub sheet: Option<String>,
    /// How to read an ambiguous `01/10/2026` (`--date-order`); such a date is rejected when `None`.
    pub date_order: Option<DateOrder>,
    /// CSV encoding; detected when `None` (valid UTF-8 → UTF-8, else GB18030).
    pub encoding: Option<TextEncoding>,
    /// Column names kept into the findings (`--keep-columns`), as written in the export.
    pub keep_columns: Vec<String>,
    /// The checked `--mapping` file: extra header names, date formats and value aliases.
    pub mapping: Option<Mapping>,
    /// The header's row number (`--header-row`, 1-based); the mapping's `header_row` when
    /// `None`, else found among the first 30 rows.
    pub header_row: Option<u64>,
    /// Take the first non-blank row as the header when no row has a ticket_id header
    /// (`mapping template`, which reads exports the audit cannot yet read).
    pub any_header: bool,
}

impl Options {
    /// The fixed header row: `--header-row`, else the mapping's `header_row`.
    pub fn header_row(&self) -> Option<u64> {
        self.header_row
            .or_else(|| self.mapping.as_ref().and_then(Mapping::header_row))
    }
}

/// One cell as the file holds it, before any interpretation.
///
/// Sixteen bytes: a row of cells is written by the thread reading the file and read by the
/// one parsing it, so its size is memory traffic between cores. The rare variants that own
/// text keep it behind one pointer.
#[derive(Debug, Clone, PartialEq)]
pub enum RawCell {
    /// A blank cell.
    Empty,
    /// Text of its own (see [`RawCell::text`]).
    Text(Box<String>),
    /// Text kept in the row's buffer: bytes `start..end` of [`RawRow::text`]. CSV and XLSX rows
    /// hold all their text in one allocation instead of one per cell.
    Field {
        /// Byte offset of the text's first byte in [`RawRow::text`].
        start: u32,
        /// Byte offset just past the text's last byte (exclusive).
        end: u32,
    },
    /// A numeric cell of a workbook or Parquet file (CSV numbers stay text).
    Number(f64),
    /// A boolean cell (Excel `TRUE`/`FALSE`, a Parquet boolean).
    Bool(bool),
    /// A date cell (already a date and time).
    DateTime(NaiveDateTime),
    /// An Excel date cell as the sheet stores it, a serial number; read as a date and time
    /// ([`RawRow::cell`]) where the row is parsed rather than on the thread reading the sheet.
    /// See [`RawCell::excel_date`].
    ExcelDate {
        /// Days since the workbook's epoch; the fraction is the time of day.
        serial: f64,
        /// The workbook counts from 1904-01-01 (the old Mac Excel epoch) instead of 1900.
        is_1904: bool,
    },
    /// An Excel error cell such as `#N/A` (see [`RawCell::error`]).
    Error(Box<String>),
}

const _: () = assert!(std::mem::size_of::<RawCell>() == 16);

impl RawCell {
    /// A cell with text of its own.
    pub fn text(text: impl Into<String>) -> RawCell {
        RawCell::Text(Box::new(text.into()))
    }

    /// An error cell with its text (`#N/A`).
    pub fn error(error: impl Into<String>) -> RawCell {
        RawCell::Error(Box::new(error.into()))
    }

    /// A date cell as calamine reads it (a date and time, not a duration).
    pub fn excel_date(at: &calamine::ExcelDateTime) -> RawCell {
        let serial = at.as_f64();
        // calamine does not say which epoch a cell counts from; the cell equals the one
        // built with the 1900 epoch exactly when that is its epoch.
        let in_1900 =
            calamine::ExcelDateTime::new(serial, calamine::ExcelDateTimeType::DateTime, false);
        RawCell::ExcelDate {
            serial,
            is_1904: *at != in_1900,
        }
    }
}

/// One data row of an input, with its spreadsheet row number (header = 1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawRow {
    /// The sheet's own 1-based row number, title rows above the header included.
    pub row: u64,
    /// The cells from the first column on; a row may stop early (the rest read as empty).
    pub cells: Vec<RawCell>,
    /// The text of the row's [`RawCell::Field`]s; empty when it has none.
    pub text: String,
}

/// A cell with its text resolved, as the parser reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    /// A blank cell, or one past the end of the row.
    Empty,
    /// Text, borrowed from the row.
    Text(&'a str),
    /// A numeric cell; also an Excel date whose serial is no valid date.
    Number(f64),
    /// A boolean cell.
    Bool(bool),
    /// A date cell, as a date and time (midnight for a date alone).
    DateTime(NaiveDateTime),
    /// An error cell's text, such as `#N/A` or `#VALUE!`.
    Error(&'a str),
}

impl RawRow {
    /// A row whose cells hold their own text.
    pub fn new(row: u64, cells: Vec<RawCell>) -> RawRow {
        RawRow {
            row,
            cells,
            text: String::new(),
        }
    }

    /// Cell `index`, empty past the end of the row.
    // Inlined across the crate's code units: called once per field of every row, it was
    // otherwise reached through the global offset table and its result read back from memory.
    #[inline]
    pub fn cell(&self, index: usize) -> CellRef<'_> {
        match self.cells.get(index) {
            None | Some(RawCell::Empty) => CellRef::Empty,
            Some(RawCell::Text(text)) => CellRef::Text(text.as_str()),
            // The readers build fields on character boundaries only; an empty text otherwise
            // rather than a panic.
            Some(RawCell::Field { start, end }) => {
                CellRef::Text(self.text.get(*start as usize..*end as usize).unwrap_or(""))
            }
            Some(RawCell::Number(number)) => CellRef::Number(*number),
            Some(RawCell::Bool(flag)) => CellRef::Bool(*flag),
            Some(RawCell::DateTime(at)) => CellRef::DateTime(*at),
            Some(RawCell::ExcelDate { serial, is_1904 }) => calamine::ExcelDateTime::new(
                *serial,
                calamine::ExcelDateTimeType::DateTime,
                *is_1904,
            )
            .as_datetime()
            .map_or(CellRef::Number(*serial), CellRef::DateTime),
            Some(RawCell::Error(error)) => CellRef::Error(error.as_str()),
        }
    }

    /// Every cell with its own text (a [`RawCell::Field`] becomes a [`RawCell::Text`]).
    pub fn owned_cells(&self) -> Vec<RawCell> {
        (0..self.cells.len())
            .map(|index| match self.cell(index) {
                CellRef::Empty => RawCell::Empty,
                CellRef::Text(text) => RawCell::text(text),
                CellRef::Number(number) => RawCell::Number(number),
                CellRef::Bool(flag) => RawCell::Bool(flag),
                CellRef::DateTime(at) => RawCell::DateTime(at),
                CellRef::Error(error) => RawCell::error(error),
            })
            .collect()
    }
}

/// One problem with one value of one row, as written to `rejected.csv`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rejection {
    /// The input as named on the command line.
    pub source_file: String,
    /// The sheet read, for workbooks; `None` for CSV and Parquet.
    pub sheet: Option<String>,
    /// The sheet's own 1-based row number of the rejected row.
    pub source_row: u64,
    /// The row's ticket id when it could be read.
    pub ticket_id: Option<String>,
    /// Canonical name where the header mapped to one, else the header as found; empty when
    /// the problem is the whole row (a CSV record with the wrong number of fields).
    pub column: String,
    /// The offending value as the cell shows it; empty when the problem is the whole row.
    pub value: String,
    /// Why the value cannot be read, in words (`totals row`, `not a date`).
    pub reason: String,
    /// The header as the export wrote it (trimmed); empty when the problem is the whole row or
    /// the value did not come from a column of the export (`--policy`, a mapping constant).
    pub source_column: String,
    /// The spreadsheet letter of that column (`A`, `AB`); empty when `source_column` is.
    pub column_letter: String,
}

/// A parsed row: a ticket, or every problem that kept it from being one.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// Every value of the row could be read.
    Ticket(Box<Ticket>),
    /// The row is not audited: every problem found with it (at least one).
    Rejected(Vec<Rejection>),
}

/// A file that cannot be read at all. Its `Display` is the one line the user sees.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// An input file that cannot be read (missing, not a spreadsheet, encrypted, no header
    /// row, no ticket_id column, two headers for one column).
    #[error("{path}: {reason}")]
    Unreadable {
        /// The input as named on the command line.
        path: String,
        /// What is wrong with it, in words.
        reason: String,
    },
    /// A `--mapping` file that is missing or wrong; `reason` names the key.
    #[error("{path}: {reason}")]
    Mapping {
        /// The mapping file as the user named it (`--mapping`, `mapping check`).
        path: String,
        /// What is wrong, naming the key.
        reason: String,
    },
}

pub(crate) const ENCRYPTED: &str = "encrypted or password-protected workbook";
pub(crate) const EMPTY_FILE: &str = "empty file";
pub(crate) const NO_HEADER: &str = "no header row";
const SUPPORTED: &str = "expected .csv, .txt, .tsv, .xlsx, .xlsm, .xls, .xlsb, .ods or .parquet";

/// A zipped workbook that failed to read: when one of its parts inflates past the size it
/// declares (the zip crate stops reading it there), the run is refused naming that part;
/// otherwise `err` stands.
fn zip_failure(path: &Path, shown: &str, err: IngestError) -> IngestError {
    match archive::find_lying_part(path) {
        Some(reason) => unreadable(shown, reason),
        None => err,
    }
}

/// A count with thousands separators: `16,384`.
pub(crate) fn grouped(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

pub(crate) fn unreadable(path: &str, reason: impl Into<String>) -> IngestError {
    IngestError::Unreadable {
        path: path.to_string(),
        reason: reason.into(),
    }
}

pub(crate) fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot read: {err}"),
    }
}

/// Streams the data rows of one input file.
pub trait RowReader: Send {
    /// The header row, cells as text.
    fn header(&self) -> &[String];
    /// The sheet read, for workbooks; `None` for CSV and Parquet.
    fn sheet(&self) -> Option<&str>;
    /// The input as named on the command line.
    fn source_file(&self) -> &str;
    /// `Some(n)` when every row must have exactly `n` fields (CSV: a record with more or
    /// fewer fields than the header is rejected).
    fn field_count(&self) -> Option<usize> {
        None
    }
    /// The next data row; `Ok(None)` at the end. Blank rows are skipped.
    fn next_row(&mut self) -> Result<Option<RawRow>, IngestError>;
    /// The next data row written over `row`, whose buffers a reader may fill again rather
    /// than allocate; `Ok(false)` at the end, `row` then unchanged. By default the row from
    /// [`RowReader::next_row`] takes its place.
    fn next_row_into(&mut self, row: &mut RawRow) -> Result<bool, IngestError> {
        match self.next_row()? {
            Some(next) => {
                *row = next;
                Ok(true)
            }
            None => Ok(false),
        }
    }
    /// The sheet row number (1-based) of the header.
    fn header_row(&self) -> u64 {
        1
    }
    /// Notices about how the input was read, for the input's warnings (a workbook's sheets
    /// passed over for want of a ticket header).
    fn notes(&self) -> &[String] {
        &[]
    }
}

/// Opens one input for reading by its extension (any case); fails when the file cannot be
/// read at all.
pub fn open(path: &Path, options: &Options) -> Result<Box<dyn RowReader>, IngestError> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|err| unreadable(&shown, io_reason(&err)))?;
    if metadata.is_dir() {
        return Err(unreadable(&shown, "is a directory, not a file"));
    }
    if metadata.len() == 0 {
        return Err(unreadable(&shown, EMPTY_FILE));
    }
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv" | "txt" | "tsv") => Ok(Box::new(csv::CsvReader::open(path, shown, options)?)),
        Some("xlsx" | "xlsm") => {
            archive::check_parts(path, &shown, archive::PartLimits::from_env())?;
            workbook::open_xlsx(path, shown.clone(), options)
                .map_err(|err| zip_failure(path, &shown, err))
        }
        Some(ext @ ("xls" | "xlsb" | "ods")) => {
            archive::check_parts(path, &shown, archive::PartLimits::from_env())?;
            workbook::open_range(path, shown.clone(), ext, options)
                .map_err(|err| zip_failure(path, &shown, err))
        }
        Some("parquet") => open_parquet(path, shown, options),
        Some(ext) => Err(unreadable(
            &shown,
            format!("unsupported file type `.{ext}` ({SUPPORTED})"),
        )),
        None => Err(unreadable(
            &shown,
            format!("unsupported file type: no extension ({SUPPORTED})"),
        )),
    }
}

#[cfg(feature = "parquet")]
fn open_parquet(
    path: &Path,
    shown: String,
    options: &Options,
) -> Result<Box<dyn RowReader>, IngestError> {
    Ok(Box::new(parquet::ParquetRows::open(path, shown, options)?))
}

#[cfg(not(feature = "parquet"))]
fn open_parquet(
    _path: &Path,
    shown: String,
    _options: &Options,
) -> Result<Box<dyn RowReader>, IngestError> {
    Err(unreadable(
        &shown,
        "Parquet input needs a build with `--features parquet`",
    ))
}

/// What [`read_all`] learnt about an input besides its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputInfo {
    /// The input as named on the command line (also in every [`Rejection`]).
    pub source_file: String,
    /// The sheet read, for workbooks.
    pub sheet: Option<String>,
    /// The header row as found.
    pub header: Vec<String>,
    /// Non-fatal header problems, e.g. mapped headers the input does not have.
    pub warnings: Vec<String>,
    /// The policy header as written and its column letter, when the input has one.
    pub policy_column: Option<(String, String)>,
}

/// Reads a whole input: opens it, resolves its header and parses every row (in parallel,
/// keeping file order). `input` is the input's index in the run ([`Source::input`]).
///
/// [`Source::input`]: crate::ticket::Source::input
pub fn read_all(
    path: &Path,
    input: usize,
    options: &Options,
) -> Result<(InputInfo, Vec<Row>), IngestError> {
    let mut reader = open(path, options)?;
    let schema = Schema::for_reader(reader.as_ref(), input, options)?;
    let mut raw_rows = Vec::new();
    while let Some(raw) = reader.next_row()? {
        raw_rows.push(raw);
    }
    let rows = raw_rows.par_iter().map(|raw| schema.parse(raw)).collect();
    let info = InputInfo {
        source_file: schema.source_file().to_string(),
        sheet: schema.sheet().map(str::to_string),
        header: schema.header().to_vec(),
        warnings: schema.warnings().to_vec(),
        policy_column: schema.source_of(crate::ticket::Column::Policy),
    };
    Ok((info, rows))
}

#[cfg(test)]
mod tests;
