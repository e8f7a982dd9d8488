//! Workbooks through calamine: XLSX/XLSM streamed cell by cell on a reading thread (memory
//! stays flat on large exports); XLS, XLSB and ODS, which have no streaming reader, read as
//! one range. Date cells are kept as their serial ([`RawCell::ExcelDate`], read as a date
//! where the row is parsed); formulas give their cached value.

use std::collections::VecDeque;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use calamine::{
    open_workbook, Data, DataRef, Ods, OdsError, Range, Reader, SheetType, Xls, XlsError, Xlsb,
    XlsbError, Xlsx, XlsxError,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::header::{no_header_message, scan_for_header, Found, Scan};
use super::{
    io_reason, unreadable, CellRef, IngestError, Options, RawCell, RawRow, RowReader, ENCRYPTED,
    NO_HEADER,
};

/// Rows handed from the reading thread at a time.
const BATCH: usize = 512;

/// Columns a sheet can have (A…XFD). A cell past the last one is a damaged or hostile file;
/// reading it would allocate a row that wide.
const MAX_COLUMNS: u32 = 16_384;

/// A header row past the last column: the sheet is refused before its rows are read.
fn header_beyond_last_column(row: u32) -> String {
    format!(
        "the header (row {}) has cells past column XFD; at most 16,384 columns are read \
         (Excel's limit)",
        u64::from(row) + 1
    )
}

fn beyond_last_column(row: u32) -> String {
    format!(
        "a cell in row {} lies beyond column XFD, the last column a sheet can have",
        u64::from(row) + 1
    )
}

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

/// What the reading thread sends.
enum Message {
    Rows(Vec<RawRow>),
    Done,
    Failed(String),
}

/// Gathers streamed cells into rows (cells at their column, gaps empty) and sends them.
struct RowBuilder {
    sender: SyncSender<Message>,
    row: Option<u32>,
    cells: Vec<RawCell>,
    /// The text of the row's cells ([`RawCell::Field`]): one allocation per row.
    text: String,
    /// The widest row so far: each new row's cells are allocated at this size at once.
    width: usize,
    /// The longest row text so far, likewise.
    text_len: usize,
    batch: Vec<RawRow>,
}

impl RowBuilder {
    /// False when the receiving side is gone.
    fn push(&mut self, row: u32, column: u32, cell: RawCell) -> bool {
        if !self.start(row) {
            return false;
        }
        if !matches!(cell, RawCell::Empty) {
            self.place(column, cell);
        }
        true
    }

    /// A text cell: its text goes into the row's buffer. False when the receiving side is
    /// gone.
    fn push_text(&mut self, row: u32, column: u32, text: &str) -> bool {
        if !self.start(row) {
            return false;
        }
        let start = self.text.len();
        let cell = match (u32::try_from(start), u32::try_from(start + text.len())) {
            (Ok(start), Ok(end)) => {
                self.text.push_str(text);
                RawCell::Field { start, end }
            }
            _ => RawCell::text(text),
        };
        self.place(column, cell);
        true
    }

    /// Moves on to `row`, sending the row before it when it ends.
    fn start(&mut self, row: u32) -> bool {
        if self.row != Some(row) {
            if !self.flush() {
                return false;
            }
            self.row = Some(row);
        }
        true
    }

    /// Cells come in column order: most are pushed, gaps are filled with empty cells.
    fn place(&mut self, column: u32, cell: RawCell) {
        let column = column as usize;
        if self.cells.len() < column {
            self.cells.resize(column, RawCell::Empty);
        }
        if self.cells.len() == column {
            self.cells.push(cell);
        } else {
            self.cells[column] = cell;
        }
    }

    fn flush(&mut self) -> bool {
        self.width = self.width.max(self.cells.len());
        self.text_len = self.text_len.max(self.text.len());
        let cells = std::mem::replace(&mut self.cells, Vec::with_capacity(self.width));
        let text = std::mem::replace(&mut self.text, String::with_capacity(self.text_len));
        let Some(row) = self.row else {
            return true;
        };
        let raw = RawRow {
            row: u64::from(row) + 1,
            cells,
            text,
        };
        if row_is_blank(&raw) {
            return true;
        }
        self.batch.push(raw);
        if self.batch.len() >= BATCH {
            let batch = std::mem::take(&mut self.batch);
            return self.sender.send(Message::Rows(batch)).is_ok();
        }
        true
    }

    fn finish(mut self) {
        if self.flush() {
            let batch = std::mem::take(&mut self.batch);
            if !batch.is_empty() && self.sender.send(Message::Rows(batch)).is_err() {
                return;
            }
            let _ = self.sender.send(Message::Done);
        }
    }
}

fn stream_xlsx(mut workbook: Xlsx<BufReader<File>>, sheet: String, sender: SyncSender<Message>) {
    let mut cells = match workbook.worksheet_cells_reader(&sheet) {
        Ok(cells) => cells,
        Err(err) => {
            let _ = sender.send(Message::Failed(err.to_string()));
            return;
        }
    };
    let mut builder = RowBuilder {
        sender,
        row: None,
        cells: Vec::new(),
        text: String::new(),
        width: 0,
        text_len: 0,
        batch: Vec::with_capacity(BATCH),
    };
    loop {
        match cells.next_cell() {
            Ok(Some(cell)) => {
                let (row, column) = cell.get_position();
                if column >= MAX_COLUMNS {
                    // No row sent yet: the first row, the header of a plain sheet.
                    let reason = if builder.width > 0 {
                        beyond_last_column(row)
                    } else {
                        header_beyond_last_column(row)
                    };
                    let _ = builder.sender.send(Message::Failed(reason));
                    return;
                }
                let pushed = match cell.get_value() {
                    DataRef::String(text) => builder.push_text(row, column, text),
                    DataRef::SharedString(text) => builder.push_text(row, column, text),
                    value => builder.push(row, column, from_data_ref(value)),
                };
                if !pushed {
                    return;
                }
            }
            Ok(None) => break,
            Err(err) => {
                let _ = builder.sender.send(Message::Failed(err.to_string()));
                return;
            }
        }
    }
    builder.finish();
}

/// Streams an XLSX sheet read on its own thread.
struct XlsxReader {
    /// The file, to name the part that lied about its size when reading fails.
    path: PathBuf,
    source_file: String,
    sheet: String,
    header: Vec<String>,
    header_row: u64,
    notes: Vec<String>,
    receiver: Receiver<Message>,
    pending: VecDeque<RawRow>,
    finished: bool,
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

fn open_xlsx_workbook(
    path: &Path,
    source_file: &str,
) -> Result<Xlsx<BufReader<File>>, IngestError> {
    let ext = path
        .extension()
        .and_then(|ext| ext.to_str())
        .unwrap_or("xlsx")
        .to_ascii_lowercase();
    open_workbook(path).map_err(|err| {
        unreadable(
            source_file,
            match err {
                XlsxError::Password => ENCRYPTED.to_string(),
                XlsxError::Io(io) => io_reason(&io),
                _ => not_a_spreadsheet(&ext),
            },
        )
    })
}

pub(super) fn open_xlsx(
    path: &Path,
    source_file: String,
    options: &Options,
) -> Result<Box<dyn RowReader>, IngestError> {
    let mut workbook = Some(open_xlsx_workbook(path, &source_file)?);
    let worksheets = worksheet_names(workbook.as_ref().expect("just opened"));
    let sheets = candidates(&worksheets, options.sheet.as_deref())
        .map_err(|reason| unreadable(&source_file, reason))?;
    let mut passed: PassedOver = Vec::new();
    for sheet in sheets {
        // Each sheet is streamed by a thread that owns the workbook: a sheet passed over
        // takes it along, and the next is read from the file opened again.
        let book = match workbook.take() {
            Some(book) => book,
            None => open_xlsx_workbook(path, &source_file)?,
        };
        let receiver = spawn_sheet(book, &sheet, &source_file)?;
        let mut pending: VecDeque<RawRow> = VecDeque::new();
        let mut finished = false;
        let scan = {
            let mut next = || -> Result<Option<RawRow>, IngestError> {
                loop {
                    if let Some(row) = pending.pop_front() {
                        return Ok(Some(row));
                    }
                    if finished {
                        return Ok(None);
                    }
                    match receiver.recv() {
                        Ok(Message::Rows(rows)) => pending.extend(rows),
                        Ok(Message::Done) => finished = true,
                        Ok(Message::Failed(err)) => {
                            return Err(unreadable(
                                &source_file,
                                format!("cannot read sheet `{sheet}`: {err}"),
                            ))
                        }
                        Err(_) => {
                            return Err(unreadable(
                                &source_file,
                                format!("cannot read sheet `{sheet}`: reading stopped"),
                            ))
                        }
                    }
                }
            };
            scan_for_header(&mut next, options)?
        };
        match scan {
            Scan::Found(Found { header, row, rest }) => {
                let position = worksheets
                    .iter()
                    .position(|name| *name == sheet)
                    .unwrap_or(0)
                    + 1;
                let notes = passed_over_note(&source_file, &sheet, position, &passed);
                let mut queued = rest;
                queued.extend(pending);
                return Ok(Box::new(XlsxReader {
                    path: path.to_path_buf(),
                    source_file,
                    sheet,
                    header,
                    header_row: row,
                    notes,
                    receiver,
                    pending: queued,
                    finished,
                }));
            }
            Scan::Missing(seen) => passed.push((sheet, seen)),
        }
    }
    Err(unreadable(&source_file, no_header_in(&passed, options)))
}

/// Starts the thread that streams `sheet` of `workbook`.
fn spawn_sheet(
    workbook: Xlsx<BufReader<File>>,
    sheet: &str,
    source_file: &str,
) -> Result<Receiver<Message>, IngestError> {
    let (sender, receiver) = sync_channel(4);
    let thread_sheet = sheet.to_string();
    std::thread::Builder::new()
        .name("xlsx-reader".to_string())
        .spawn(move || {
            // A panic inside the XML reader (malformed input it does not expect) fails the
            // sheet instead of leaving the reading side with a closed channel.
            let on_panic = sender.clone();
            let read = std::panic::AssertUnwindSafe(|| stream_xlsx(workbook, thread_sheet, sender));
            if std::panic::catch_unwind(read).is_err() {
                let _ = on_panic.send(Message::Failed(
                    "the sheet's XML is malformed (the workbook reader failed on it)".to_string(),
                ));
            }
        })
        .map_err(|err| unreadable(source_file, format!("cannot start reading: {err}")))?;
    Ok(receiver)
}

impl RowReader for XlsxReader {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn sheet(&self) -> Option<&str> {
        Some(&self.sheet)
    }

    fn source_file(&self) -> &str {
        &self.source_file
    }

    fn header_row(&self) -> u64 {
        self.header_row
    }

    fn notes(&self) -> &[String] {
        &self.notes
    }

    fn next_row(&mut self) -> Result<Option<RawRow>, IngestError> {
        loop {
            if let Some(row) = self.pending.pop_front() {
                return Ok(Some(row));
            }
            if self.finished {
                return Ok(None);
            }
            let failure = match self.receiver.recv() {
                Ok(Message::Rows(rows)) => {
                    self.pending.extend(rows);
                    continue;
                }
                Ok(Message::Done) => {
                    self.finished = true;
                    continue;
                }
                Ok(Message::Failed(err)) => err,
                Err(_) => "reading stopped".to_string(),
            };
            self.finished = true;
            let err = unreadable(
                &self.source_file,
                format!("cannot read sheet `{}`: {failure}", self.sheet),
            );
            return Err(super::zip_failure(&self.path, &self.source_file, err));
        }
    }
}

/// Reads a whole sheet range of an XLS, XLSB or ODS workbook.
struct RangeReader {
    source_file: String,
    sheet: String,
    header: Vec<String>,
    header_row: u64,
    notes: Vec<String>,
    range: Range<Data>,
    next: usize,
    /// Rows below the header read while looking for it.
    pending: VecDeque<RawRow>,
}

pub(super) fn open_range(
    path: &Path,
    source_file: String,
    ext: &str,
    options: &Options,
) -> Result<Box<dyn RowReader>, IngestError> {
    let read = match ext {
        "xls" => read_ranges::<Xls<_>>(path, &source_file, options, |err| {
            matches!(err, XlsError::Password).then_some(ENCRYPTED.to_string())
        }),
        "xlsb" => read_ranges::<Xlsb<_>>(path, &source_file, options, |err| {
            matches!(err, XlsbError::Password).then_some(ENCRYPTED.to_string())
        }),
        _ => read_ranges::<Ods<_>>(path, &source_file, options, |err| {
            matches!(err, OdsError::Password).then_some(ENCRYPTED.to_string())
        }),
    };
    match read {
        Ok(Ok(reader)) => Ok(Box::new(reader)),
        Ok(Err(err)) => Err(err),
        Err(reason) => Err(unreadable(
            &source_file,
            reason.unwrap_or_else(|| not_a_spreadsheet(ext)),
        )),
    }
}

/// The first sheet with a header (or the one `--sheet` names), read as one range.
/// `Err(None)`: the file is no such workbook; `Err(Some(reason))`: it is, but cannot be read;
/// `Ok(Err(_))`: no sheet has a header.
fn read_ranges<R: Reader<BufReader<File>>>(
    path: &Path,
    source_file: &str,
    options: &Options,
    known: fn(&R::Error) -> Option<String>,
) -> Result<Result<RangeReader, IngestError>, Option<String>>
where
    R::Error: std::fmt::Display,
{
    let mut workbook: R = open_workbook(path).map_err(|err| known(&err))?;
    let worksheets = worksheet_names(&workbook);
    let sheets = candidates(&worksheets, options.sheet.as_deref()).map_err(Some)?;
    let mut passed: PassedOver = Vec::new();
    for sheet in sheets {
        let range = workbook.worksheet_range(&sheet).map_err(|err| {
            Some(known(&err).unwrap_or_else(|| format!("cannot read sheet `{sheet}`: {err}")))
        })?;
        match RangeReader::scanned(source_file, &sheet, range, options) {
            Ok(Ok(mut reader)) => {
                let position = worksheets
                    .iter()
                    .position(|name| *name == sheet)
                    .unwrap_or(0)
                    + 1;
                reader.notes = passed_over_note(source_file, &sheet, position, &passed);
                return Ok(Ok(reader));
            }
            Ok(Err(seen)) => passed.push((sheet, seen)),
            Err(err) => return Ok(Err(err)),
        }
    }
    Ok(Err(unreadable(source_file, no_header_in(&passed, options))))
}

impl RangeReader {
    /// The sheet's range with its header found, or the first rows seen when it has none.
    fn scanned(
        source_file: &str,
        sheet: &str,
        range: Range<Data>,
        options: &Options,
    ) -> Result<Result<RangeReader, Vec<RawRow>>, IngestError> {
        let mut reader = RangeReader {
            source_file: source_file.to_string(),
            sheet: sheet.to_string(),
            header: Vec::new(),
            header_row: 1,
            notes: Vec::new(),
            range,
            next: 0,
            pending: VecDeque::new(),
        };
        if let Some((_, last_column)) = reader.range.end() {
            if last_column >= MAX_COLUMNS {
                return Err(unreadable(
                    &reader.source_file,
                    format!(
                        "sheet `{}` has cells past column XFD ({} columns); at most 16,384 are \
                         read (Excel's limit)",
                        reader.sheet,
                        super::grouped(u64::from(last_column) + 1)
                    ),
                ));
            }
        }
        let scan = {
            let mut next = || Ok(reader.take_row());
            scan_for_header(&mut next, options)?
        };
        Ok(match scan {
            Scan::Found(found) => {
                reader.header = found.header;
                reader.header_row = found.row;
                reader.pending = found.rest;
                Ok(reader)
            }
            Scan::Missing(seen) => Err(seen),
        })
    }

    /// One sheet's range read with the default options.
    #[cfg(test)]
    fn new(source_file: String, sheet: String, range: Range<Data>) -> Result<Self, IngestError> {
        let options = Options::default();
        RangeReader::scanned(&source_file, &sheet, range, &options)?
            .map_err(|seen| unreadable(&source_file, no_header_in(&vec![(sheet, seen)], &options)))
    }

    /// The next non-blank row: its spreadsheet number and cells at their absolute columns.
    fn take_row(&mut self) -> Option<RawRow> {
        let (first_row, first_column) = self.range.start()?;
        while self.next < self.range.height() {
            let at = self.next;
            self.next += 1;
            let mut cells = vec![RawCell::Empty; first_column as usize];
            cells.extend((0..self.range.width()).map(|column| {
                self.range
                    .get((at, column))
                    .map_or(RawCell::Empty, from_data)
            }));
            let row = RawRow::new(u64::from(first_row) + at as u64 + 1, cells);
            if !row_is_blank(&row) {
                return Some(row);
            }
        }
        None
    }
}

impl RowReader for RangeReader {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn sheet(&self) -> Option<&str> {
        Some(&self.sheet)
    }

    fn source_file(&self) -> &str {
        &self.source_file
    }

    fn header_row(&self) -> u64 {
        self.header_row
    }

    fn notes(&self) -> &[String] {
        &self.notes
    }

    fn next_row(&mut self) -> Result<Option<RawRow>, IngestError> {
        Ok(self.pending.pop_front().or_else(|| self.take_row()))
    }
}

#[cfg(test)]
#[path = "workbook_tests.rs"]
mod tests;
