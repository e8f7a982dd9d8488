//! Writing the sample's files row by row as the tickets come: each under a temporary name in
//! the output directory, renamed into place once every file is complete. A workbook whose
//! tickets pass the rows one sheet holds is not written (the CSV files hold them).

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::stream::{Drawing, Sink};
use super::write::{
    canonical_header, chinese_header, chinese_value, english, english_record, tickets_workbook,
    title, value, Value,
};
use super::{
    ExpectedRow, Layout, Limits, SampleError, SampleReport, Target, WrittenFile, BROKEN_FILE,
    EN_FILE, EXPECTED_FILE, FULL_CSV_FILE, FULL_XLSX_FILE, XLSX_FILE, ZH_FILE,
};
use crate::ticket::{Column, Kind, Ticket};

/// A file written under a temporary name beside `path`, renamed into place when complete.
struct Staged {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    fn new(dir: &Path, name: &str) -> Result<Staged, SampleError> {
        let path = dir.join(name);
        let mut builder = tempfile::Builder::new();
        builder.prefix(".sample-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // Readable like any file the user writes, not private like a temporary file.
            builder.permissions(std::fs::Permissions::from_mode(0o644));
        }
        let temp = builder
            .tempfile_in(dir)
            .map_err(|source| SampleError::Write {
                path: path.clone(),
                source,
            })?;
        Ok(Staged { temp, path })
    }

    fn failed(&self, source: std::io::Error) -> SampleError {
        SampleError::Write {
            path: self.path.clone(),
            source,
        }
    }

    fn persist(self) -> Result<PathBuf, SampleError> {
        let path = self.path;
        self.temp.persist(&path).map_err(|err| SampleError::Write {
            path: path.clone(),
            source: err.error,
        })?;
        Ok(path)
    }
}

/// The bytes of the record just formatted, taken from under the CSV writer.
#[derive(Default)]
struct Formatted(RefCell<Vec<u8>>);

impl std::io::Write for Formatted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.get_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A CSV file written record by record, in UTF-8 or transcoded to GBK.
struct CsvOut {
    staged: Staged,
    /// Formats one record at a time.
    record: csv::Writer<Formatted>,
    out: BufWriter<File>,
    gbk: bool,
    rows: usize,
}

impl CsvOut {
    fn new(dir: &Path, name: &str, header: &[String], gbk: bool) -> Result<CsvOut, SampleError> {
        let staged = Staged::new(dir, name)?;
        let file = staged
            .temp
            .reopen()
            .map_err(|source| staged.failed(source))?;
        let mut out = CsvOut {
            staged,
            record: csv::Writer::from_writer(Formatted::default()),
            out: BufWriter::with_capacity(256 << 10, file),
            gbk,
            rows: 0,
        };
        out.write(header)?;
        Ok(out)
    }

    fn write<I: AsRef<[u8]>>(
        &mut self,
        record: impl IntoIterator<Item = I>,
    ) -> Result<(), SampleError> {
        let failed = |source| SampleError::Csv {
            path: self.staged.path.clone(),
            source,
        };
        self.record.write_record(record).map_err(failed)?;
        self.record
            .flush()
            .map_err(|source| self.staged.failed(source))?;
        let mut bytes = self.record.get_ref().0.borrow_mut();
        let written = if self.gbk {
            let text = String::from_utf8_lossy(&bytes);
            let (encoded, _, unmappable) = encoding_rs::GBK.encode(&text);
            if unmappable {
                let value = text
                    .chars()
                    .find(|c| encoding_rs::GBK.encode(&c.to_string()).2)
                    .map(String::from)
                    .unwrap_or_default();
                return Err(SampleError::Encoding {
                    path: self.staged.path.clone(),
                    value,
                });
            }
            self.out.write_all(&encoded)
        } else {
            self.out.write_all(&bytes)
        };
        written.map_err(|source| self.staged.failed(source))?;
        bytes.clear();
        Ok(())
    }

    fn row<I: AsRef<[u8]>>(
        &mut self,
        record: impl IntoIterator<Item = I>,
    ) -> Result<(), SampleError> {
        self.write(record)?;
        self.rows += 1;
        Ok(())
    }

    fn finish(self) -> Result<(Staged, usize), SampleError> {
        let CsvOut {
            staged, out, rows, ..
        } = self;
        let file = out
            .into_inner()
            .map_err(|err| staged.failed(err.into_error()))?;
        drop(file);
        Ok((staged, rows))
    }
}

/// The `Tickets` workbook, its rows written as they come: held in memory for the split
/// layout's `tickets.xlsx` (shared strings), streamed to disk (inline strings) for the full
/// layout's and for a split one past [`Limits::workbook_rows_in_memory`].
struct XlsxOut {
    staged: Staged,
    workbook: Workbook,
    date: Format,
    datetime: Format,
    money: Format,
    rows: u32,
}

impl XlsxOut {
    fn new(dir: &Path, name: &str, constant_memory: bool) -> Result<XlsxOut, SampleError> {
        let staged = Staged::new(dir, name)?;
        let mut workbook = tickets_workbook();
        let failed = |source| SampleError::Xlsx {
            path: staged.path.clone(),
            source,
        };
        let sheet = if constant_memory {
            workbook
                .add_worksheet_with_constant_memory()
                .map_err(failed)?
        } else {
            workbook.add_worksheet()
        };
        write_header(sheet).map_err(failed)?;
        Ok(XlsxOut {
            staged,
            workbook,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            money: Format::new().set_num_format("#,##0.00"),
            rows: 0,
        })
    }

    fn failed(&self, source: XlsxError) -> SampleError {
        SampleError::Xlsx {
            path: self.staged.path.clone(),
            source,
        }
    }

    fn row(&mut self, ticket: &Ticket) -> Result<(), SampleError> {
        let row = self.rows + 1;
        let written = self.workbook.worksheet_from_index(0).and_then(|sheet| {
            for (col, column) in Column::ALL.iter().enumerate() {
                let col = col as u16;
                match value(ticket, *column) {
                    Value::Blank => continue,
                    Value::Bool(flag) => sheet.write_boolean(row, col, flag),
                    Value::Date(day) => sheet.write_date_with_format(row, col, day, &self.date),
                    Value::DateTime(moment) => {
                        sheet.write_datetime_with_format(row, col, moment, &self.datetime)
                    }
                    Value::Money(amount) => sheet.write_number_with_format(
                        row,
                        col,
                        amount.to_f64().unwrap_or_default(),
                        &self.money,
                    ),
                    other => sheet.write_string(row, col, english(&other)),
                }?;
            }
            Ok(())
        });
        written.map_err(|source| self.failed(source))?;
        self.rows = row;
        Ok(())
    }

    fn finish(mut self) -> Result<(Staged, usize), SampleError> {
        let rows = self.rows;
        let saved = self.workbook.worksheet_from_index(0).and_then(|sheet| {
            sheet.set_freeze_panes(1, 0)?;
            let last_col = Column::ALL.len() as u16 - 1;
            sheet.autofilter(0, 0, rows, last_col)?;
            Ok(())
        });
        saved
            .and_then(|()| self.workbook.save(self.staged.temp.path()))
            .map_err(|source| self.failed(source))?;
        Ok((self.staged, rows as usize))
    }
}

/// The `Tickets` sheet's name, bold header row and column widths.
fn write_header(sheet: &mut rust_xlsxwriter::Worksheet) -> Result<(), XlsxError> {
    let header = Format::new().set_bold();
    sheet.set_name("Tickets")?;
    for (col, column) in Column::ALL.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, title(*column), &header)?;
        let width = match column.kind() {
            Kind::DateTime => 17.0,
            Kind::Date => 11.0,
            _ => 14.0,
        };
        sheet.set_column_width(col, width)?;
    }
    Ok(())
}

/// The files being written, each `None` when its layout has no such file or it was skipped.
struct Outputs {
    en: CsvOut,
    zh: Option<CsvOut>,
    xlsx: Option<XlsxOut>,
    broken: Option<CsvOut>,
    expected: CsvOut,
    layout: Layout,
}

impl Sink for Outputs {
    fn ticket(&mut self, target: Target, ticket: &Ticket) -> Result<(), SampleError> {
        if matches!(target, Target::En | Target::Any) {
            self.en.row(english_record(ticket))?;
        }
        if target == Target::Zh {
            if let Some(zh) = &mut self.zh {
                let record = Column::ALL
                    .iter()
                    .map(|column| chinese_value(*column, &value(ticket, *column)));
                zh.row(record)?;
            }
        }
        if target == Target::Xlsx || self.layout == Layout::Full {
            if let Some(xlsx) = &mut self.xlsx {
                xlsx.row(ticket)?;
            }
        }
        Ok(())
    }

    fn expected(&mut self, row: &ExpectedRow) -> Result<(), SampleError> {
        let expected = &row.expected;
        self.expected.row([
            row.ticket_id.clone(),
            expected.rule.to_string(),
            expected.severity.as_str().to_string(),
            expected
                .amount
                .map(|a| format!("{a:.2}"))
                .unwrap_or_default(),
            expected
                .late_by
                .map(|l| l.value.to_string())
                .unwrap_or_default(),
            expected
                .late_by
                .map(|l| l.unit.as_str().to_string())
                .unwrap_or_default(),
        ])
    }
}

const EXPECTED_HEADER: [&str; 6] = [
    "ticket_id",
    "rule",
    "severity",
    "amount",
    "late_by",
    "late_unit",
];

/// Writes the files of `layout` into `dir` from `drawing`: each ticket as it comes, then
/// every file renamed into place. A workbook with more tickets than `limits` lets one sheet
/// hold is skipped and reported.
pub(super) fn files(
    drawing: Drawing,
    layout: Layout,
    dir: &Path,
    limits: Limits,
) -> Result<SampleReport, SampleError> {
    std::fs::create_dir_all(dir).map_err(|source| SampleError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let (en_name, xlsx_name, xlsx_target) = match layout {
        Layout::Split => (EN_FILE, XLSX_FILE, Target::Xlsx),
        Layout::Full => (FULL_CSV_FILE, FULL_XLSX_FILE, Target::En),
    };
    let xlsx_rows = drawing.rows(xlsx_target);
    let mut skipped = Vec::new();
    let xlsx = if xlsx_rows < limits.rows_per_sheet {
        let streamed = layout == Layout::Full || xlsx_rows > limits.workbook_rows_in_memory;
        Some(XlsxOut::new(dir, xlsx_name, streamed)?)
    } else {
        skipped.push(WrittenFile {
            path: dir.join(xlsx_name),
            rows: xlsx_rows,
        });
        None
    };
    let expected_header = EXPECTED_HEADER.map(String::from);
    let mut outputs = Outputs {
        en: CsvOut::new(dir, en_name, &canonical_header(), false)?,
        zh: None,
        xlsx,
        broken: None,
        expected: CsvOut::new(dir, EXPECTED_FILE, &expected_header, false)?,
        layout,
    };
    if layout == Layout::Split {
        outputs.zh = Some(CsvOut::new(dir, ZH_FILE, &chinese_header(), true)?);
        let mut broken = CsvOut::new(dir, BROKEN_FILE, &canonical_header(), false)?;
        for row in &drawing.broken {
            broken.row(row)?;
        }
        outputs.broken = Some(broken);
    }
    drawing.emit(&mut outputs)?;
    let mut finished = vec![outputs.en.finish()?];
    if let Some(zh) = outputs.zh {
        finished.push(zh.finish()?);
    }
    if let Some(xlsx) = outputs.xlsx {
        finished.push(xlsx.finish()?);
    }
    if let Some(broken) = outputs.broken {
        finished.push(broken.finish()?);
    }
    finished.push(outputs.expected.finish()?);
    let mut files = Vec::with_capacity(finished.len());
    for (staged, rows) in finished {
        files.push(WrittenFile {
            path: staged.persist()?,
            rows,
        });
    }
    Ok(SampleReport { files, skipped })
}
