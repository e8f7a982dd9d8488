//! XLS, XLSB and ODS, which calamine cannot stream: the sheet read as one range.

use std::collections::VecDeque;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{open_workbook, Data, Ods, OdsError, Range, Reader, Xls, XlsError, Xlsb, XlsbError};

use super::{
    candidates, from_data, no_header_in, not_a_spreadsheet, passed_over_note, row_is_blank,
    worksheet_names, PassedOver, MAX_COLUMNS,
};
use crate::ingest::header::{scan_for_header, Scan};
use crate::ingest::{unreadable, IngestError, Options, RawCell, RawRow, RowReader, ENCRYPTED};

/// Reads a whole sheet range of an XLS, XLSB or ODS workbook.
pub(super) struct RangeReader {
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

pub(in crate::ingest) fn open_range(
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
                        crate::ingest::grouped(u64::from(last_column) + 1)
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
    pub(super) fn new(
        source_file: String,
        sheet: String,
        range: Range<Data>,
    ) -> Result<Self, IngestError> {
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
