//! XLSX/XLSM streamed cell by cell on a reading thread, rows handed over in batches, so
//! memory stays flat on large exports.

use std::collections::VecDeque;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use calamine::{open_workbook, DataRef, Reader, Xlsx, XlsxError};

use super::{
    candidates, from_data_ref, no_header_in, not_a_spreadsheet, passed_over_note, row_is_blank,
    worksheet_names, PassedOver, MAX_COLUMNS,
};
use crate::ingest::header::{scan_for_header, Found, Scan};
use crate::ingest::{
    io_reason, unreadable, IngestError, Options, RawCell, RawRow, RowReader, ENCRYPTED,
};

/// Rows handed from the reading thread at a time.
const BATCH: usize = 512;

/// A header row past the last column: the sheet is refused before its rows are read.
pub(super) fn header_beyond_last_column(row: u32) -> String {
    format!(
        "the header (row {}) has cells past column XFD; at most 16,384 columns are read \
         (Excel's limit)",
        u64::from(row) + 1
    )
}

pub(super) fn beyond_last_column(row: u32) -> String {
    format!(
        "a cell in row {} lies beyond column XFD, the last column a sheet can have",
        u64::from(row) + 1
    )
}

/// What the reading thread sends.
pub(super) enum Message {
    Rows(Vec<RawRow>),
    Done,
    Failed(String),
}

/// The rows of a sheet on their way to the reader: blank rows dropped, the others sent
/// [`BATCH`] at a time, then the end or the failure.
pub(super) struct Batcher {
    sender: SyncSender<Message>,
    batch: Vec<RawRow>,
}

impl Batcher {
    pub(super) fn new(sender: SyncSender<Message>) -> Batcher {
        Batcher {
            sender,
            batch: Vec::with_capacity(BATCH),
        }
    }

    /// Hands `row` on (a blank row is dropped); false when nobody reads on.
    pub(super) fn push(&mut self, row: RawRow) -> bool {
        if row_is_blank(&row) {
            return true;
        }
        self.batch.push(row);
        if self.batch.len() >= BATCH {
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            return self.sender.send(Message::Rows(batch)).is_ok();
        }
        true
    }

    /// Sends the rows not yet sent, then the end of the sheet.
    pub(super) fn finish(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        if !batch.is_empty() && self.sender.send(Message::Rows(batch)).is_err() {
            return;
        }
        let _ = self.sender.send(Message::Done);
    }

    /// Drops the rows not yet sent and sends why the sheet cannot be read.
    pub(super) fn fail(&mut self, reason: String) {
        self.batch.clear();
        let _ = self.sender.send(Message::Failed(reason));
    }
}

/// Gathers streamed cells into rows (cells at their column, gaps empty) and sends them.
struct RowBuilder {
    rows: Batcher,
    row: Option<u32>,
    cells: Vec<RawCell>,
    /// The text of the row's cells ([`RawCell::Field`]): one allocation per row.
    text: String,
    /// The widest row so far: each new row's cells are allocated at this size at once.
    width: usize,
    /// The longest row text so far, likewise.
    text_len: usize,
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
        self.rows.push(RawRow {
            row: u64::from(row) + 1,
            cells,
            text,
        })
    }

    fn finish(mut self) {
        if self.flush() {
            self.rows.finish();
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
        rows: Batcher::new(sender),
        row: None,
        cells: Vec::new(),
        text: String::new(),
        width: 0,
        text_len: 0,
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
                    builder.rows.fail(reason);
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
                builder.rows.fail(err.to_string());
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

/// The workbook opened again on a reading thread (it opened before, so a failure now is rare).
pub(super) fn open_calamine(path: &Path) -> Result<Xlsx<BufReader<File>>, String> {
    open_workbook(path).map_err(|err: XlsxError| err.to_string())
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

pub(in crate::ingest) fn open_xlsx(
    path: &Path,
    source_file: String,
    options: &Options,
) -> Result<Box<dyn RowReader>, IngestError> {
    open_xlsx_with(path, source_file, options, super::fast::chosen())
}

/// [`open_xlsx`] with the reader given: the parallel one (`fast`) or calamine's.
pub(in crate::ingest) fn open_xlsx_with(
    path: &Path,
    source_file: String,
    options: &Options,
    fast: bool,
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
        let receiver = spawn_sheet(book, path, &sheet, &source_file, fast)?;
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

/// Starts the thread that streams `sheet` of `workbook`: the parallel reader
/// ([`super::fast`]) when `fast`, else calamine's.
fn spawn_sheet(
    workbook: Xlsx<BufReader<File>>,
    path: &Path,
    sheet: &str,
    source_file: &str,
    fast: bool,
) -> Result<Receiver<Message>, IngestError> {
    let (sender, receiver) = sync_channel(4);
    let thread_sheet = sheet.to_string();
    let fast = fast.then(|| super::fast::Sheet {
        path: path.to_path_buf(),
        index: workbook
            .sheets_metadata()
            .iter()
            .position(|meta| meta.name == sheet)
            .unwrap_or(0),
        name: sheet.to_string(),
        is_1904: workbook.has_1904_epoch(),
    });
    let calamine = if fast.is_some() {
        // The parallel reader loads the parts it needs itself; calamine's copy of the shared
        // strings is let go before it does.
        drop(workbook);
        None
    } else {
        Some(workbook)
    };
    std::thread::Builder::new()
        .name("xlsx-reader".to_string())
        .spawn(move || match (fast, calamine) {
            (Some(fast), _) => super::fast::stream(&fast, sender),
            (None, Some(workbook)) => stream_guarded(workbook, thread_sheet, sender),
            (None, None) => {}
        })
        .map_err(|err| unreadable(source_file, format!("cannot start reading: {err}")))?;
    Ok(receiver)
}

/// calamine's streaming reader, a panic inside its XML reader (malformed input it does not
/// expect) failing the sheet instead of leaving the reading side with a closed channel.
pub(super) fn stream_guarded(
    workbook: Xlsx<BufReader<File>>,
    sheet: String,
    sender: SyncSender<Message>,
) {
    let on_panic = sender.clone();
    let read = std::panic::AssertUnwindSafe(|| stream_xlsx(workbook, sheet, sender));
    if std::panic::catch_unwind(read).is_err() {
        let _ = on_panic.send(Message::Failed(
            "the sheet's XML is malformed (the workbook reader failed on it)".to_string(),
        ));
    }
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
            return Err(crate::ingest::zip_failure(
                &self.path,
                &self.source_file,
                err,
            ));
        }
    }
}
