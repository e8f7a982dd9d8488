//! CSV and text exports: encoding detection (UTF-8, UTF-8 with BOM, UTF-16 with BOM, else
//! GB18030), delimiter sniffing, and records streamed as [`RawRow`]s numbered as a
//! spreadsheet shows them (header = row 1, one number per record even when a quoted field
//! spans several lines). Every encoding is streamed from the file: UTF-8 as it is, the others
//! transcoded to UTF-8 as they are read.

use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use std::collections::VecDeque;

use csv::{ByteRecord, ReaderBuilder};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;

use super::header::{no_header_message, scan_for_header, Found, Scan, HEADER_SCAN_ROWS};
use super::{
    grouped, io_reason, unreadable, IngestError, Options, RawCell, RawRow, RowReader, TextEncoding,
    EMPTY_FILE, NO_HEADER,
};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Streams the records of a CSV file, UTF-8 straight from the file and other encodings
/// transcoded as they are read, so memory stays flat on large exports.
pub(super) struct CsvReader {
    source_file: String,
    header: Vec<String>,
    records: csv::Reader<Box<dyn Read + Send>>,
    record: ByteRecord,
    row: u64,
    header_row: u64,
    /// Rows below the header read while looking for it.
    pending: VecDeque<RawRow>,
}

/// Excel's limit on columns (A…XFD): a CSV whose header has more is refused before any row
/// is read.
const MAX_COLUMNS: usize = 16_384;

/// Bytes read per block when scanning or sniffing a file.
const BLOCK: usize = 1 << 16;

/// Reads into `buf` until it is full or the file ends; the number of bytes read.
fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

/// One pass over a file: is it valid UTF-8, and is it blank (ASCII whitespace only once a
/// UTF-8 byte-order mark is set aside)?
fn scan_utf8(file: &mut impl Read) -> std::io::Result<(bool, bool)> {
    let mut buf = vec![0u8; BLOCK + 4];
    let mut pending = 0;
    let mut blank = true;
    let mut first = true;
    loop {
        let n = read_full(file, &mut buf[pending..pending + BLOCK])?;
        if n == 0 {
            return Ok((pending == 0, blank));
        }
        let len = pending + n;
        let mut text = &buf[pending..len];
        if first {
            text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
            first = false;
        }
        blank = blank && text.iter().all(u8::is_ascii_whitespace);
        pending = match std::str::from_utf8(&buf[..len]) {
            Ok(_) => 0,
            Err(err) if err.error_len().is_some() => return Ok((false, blank)),
            Err(err) => {
                let valid = err.valid_up_to();
                buf.copy_within(valid..len, 0);
                len - valid
            }
        };
    }
}

/// The start of the file up to the end of its first [`HEADER_SCAN_ROWS`] lines (line breaks
/// outside quotes), or all of it: everything [`sniff_delimiter`] looks at.
fn head_lines(file: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut quoted = false;
    let mut lines = 0;
    let mut block = vec![0u8; BLOCK];
    loop {
        let n = read_full(file, &mut block)?;
        for &byte in &block[..n] {
            head.push(byte);
            match byte {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => {
                    lines += 1;
                    if lines as u64 >= HEADER_SCAN_ROWS {
                        return Ok(head);
                    }
                }
                _ => {}
            }
        }
        if n < BLOCK {
            return Ok(head);
        }
    }
}

/// A CSV file ready for the record reader.
struct Text {
    stream: Box<dyn Read + Send>,
    delimiter: u8,
    /// Nothing but whitespace.
    blank: bool,
}

/// The file as a stream of UTF-8 text when it is UTF-8 (by a scan, or forced and valid);
/// `None` when it must be transcoded.
fn utf8_stream(path: &Path, forced: Option<TextEncoding>) -> std::io::Result<Option<Text>> {
    if forced == Some(TextEncoding::Gb18030) {
        return Ok(None);
    }
    let mut file = File::open(path)?;
    let mut magic = [0u8; 2];
    let n = read_full(&mut file, &mut magic)?;
    if forced.is_none() && n == 2 && (magic == *b"\xFF\xFE" || magic == *b"\xFE\xFF") {
        return Ok(None);
    }
    let mut file = File::open(path)?;
    let (valid, blank) = scan_utf8(&mut file)?;
    if !valid {
        return Ok(None);
    }
    let delimiter = sniff_delimiter(&head_lines(&mut File::open(path)?)?);
    Ok(Some(Text {
        stream: without_bom(File::open(path)?)?,
        delimiter,
        blank,
    }))
}

/// The stream without a leading UTF-8 byte-order mark.
fn without_bom(mut stream: impl Read + Send + 'static) -> std::io::Result<Box<dyn Read + Send>> {
    let mut head = [0u8; 3];
    let n = read_full(&mut stream, &mut head)?;
    if head[..n] == *UTF8_BOM {
        Ok(Box::new(stream))
    } else {
        Ok(Box::new(Cursor::new(head[..n].to_vec()).chain(stream)))
    }
}

/// The file transcoded to UTF-8 as it is read: a forced encoding, else UTF-16 by its BOM,
/// anything else (a file that is not valid UTF-8) as GB18030, a superset of GBK. Invalid
/// sequences become U+FFFD; a leading byte-order mark is dropped.
fn decoded_stream(path: &Path, forced: Option<TextEncoding>) -> std::io::Result<Text> {
    let mut magic = [0u8; 2];
    let n = read_full(&mut File::open(path)?, &mut magic)?;
    let (encoding, skip): (&'static Encoding, u64) = match forced {
        Some(TextEncoding::Gb18030) => (GB18030, 0),
        Some(TextEncoding::Utf8) => (UTF_8, 0),
        None if n == 2 && magic == *b"\xFF\xFE" => (UTF_16LE, 2),
        None if n == 2 && magic == *b"\xFE\xFF" => (UTF_16BE, 2),
        None => (GB18030, 0),
    };
    let open = || -> std::io::Result<Box<dyn Read + Send>> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(skip))?;
        without_bom(
            DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .build(file),
        )
    };
    Ok(Text {
        blank: is_blank(open()?)?,
        delimiter: sniff_delimiter(&head_lines(&mut open()?)?),
        stream: open()?,
    })
}

/// Nothing but ASCII whitespace: read until the first other byte.
fn is_blank(mut stream: impl Read) -> std::io::Result<bool> {
    let mut block = vec![0u8; BLOCK];
    loop {
        let n = read_full(&mut stream, &mut block)?;
        if !block[..n].iter().all(u8::is_ascii_whitespace) {
            return Ok(false);
        }
        if n < BLOCK {
            return Ok(true);
        }
    }
}

impl CsvReader {
    pub(super) fn open(
        path: &Path,
        source_file: String,
        options: &Options,
    ) -> Result<CsvReader, IngestError> {
        let cannot_read = |err: std::io::Error| unreadable(&source_file, io_reason(&err));
        refuse_workbook_or_archive(path, &source_file)?;
        let Text {
            stream,
            delimiter,
            blank,
        } = match utf8_stream(path, options.encoding).map_err(cannot_read)? {
            Some(streamed) => streamed,
            None => decoded_stream(path, options.encoding).map_err(cannot_read)?,
        };
        if blank {
            return Err(unreadable(&source_file, EMPTY_FILE));
        }
        let mut records = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(BLOCK)
            .from_reader(stream);
        let mut record = ByteRecord::new();
        let mut row = 0;
        let scan = {
            let mut next = || -> Result<Option<RawRow>, IngestError> {
                loop {
                    let more = records
                        .read_byte_record(&mut record)
                        .map_err(|err| unreadable(&source_file, format!("cannot read: {err}")))?;
                    if !more {
                        return Ok(None);
                    }
                    row += 1;
                    if record.len() > MAX_COLUMNS {
                        return Err(unreadable(
                            &source_file,
                            format!(
                                "{} columns; at most {} are read (Excel's limit)",
                                grouped(record.len() as u64),
                                grouped(MAX_COLUMNS as u64)
                            ),
                        ));
                    }
                    if !is_blank_record(&record) {
                        return Ok(Some(row_of(row, &record)));
                    }
                }
            };
            scan_for_header(&mut next, options)?
        };
        let found = header_found(scan, &source_file, options)?;
        Ok(CsvReader {
            source_file,
            header: found.header,
            records,
            record,
            row,
            header_row: found.row,
            pending: found.rest,
        })
    }
}

/// A workbook or archive given as a CSV is refused by its first bytes, before it is decoded.
fn refuse_workbook_or_archive(path: &Path, source_file: &str) -> Result<(), IngestError> {
    let cannot_read = |err: std::io::Error| unreadable(source_file, io_reason(&err));
    let mut magic = [0u8; 8];
    let n =
        read_full(&mut File::open(path).map_err(cannot_read)?, &mut magic).map_err(cannot_read)?;
    if magic[..n].starts_with(ZIP_MAGIC) || magic[..n].starts_with(OLE_MAGIC) {
        return Err(unreadable(
            source_file,
            "not a CSV text file (it looks like a workbook or archive)",
        ));
    }
    Ok(())
}

/// The header the scan found, or why there is none: a file of blank records without
/// `--header-row` keeps the short message, otherwise the first rows seen are shown.
fn header_found(scan: Scan, source_file: &str, options: &Options) -> Result<Found, IngestError> {
    match scan {
        Scan::Found(found) => Ok(found),
        Scan::Missing(seen) if seen.is_empty() && options.header_row().is_none() => {
            Err(unreadable(source_file, NO_HEADER))
        }
        Scan::Missing(seen) => Err(unreadable(
            source_file,
            no_header_message(&seen, None, false, options),
        )),
    }
}

impl RowReader for CsvReader {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn sheet(&self) -> Option<&str> {
        None
    }

    fn source_file(&self) -> &str {
        &self.source_file
    }

    fn field_count(&self) -> Option<usize> {
        Some(self.header.len())
    }

    fn header_row(&self) -> u64 {
        self.header_row
    }

    fn next_row(&mut self) -> Result<Option<RawRow>, IngestError> {
        let mut row = RawRow::default();
        Ok(self.next_row_into(&mut row)?.then_some(row))
    }

    fn next_row_into(&mut self, row: &mut RawRow) -> Result<bool, IngestError> {
        if let Some(pending) = self.pending.pop_front() {
            *row = pending;
            return Ok(true);
        }
        loop {
            let more = self
                .records
                .read_byte_record(&mut self.record)
                .map_err(|err| {
                    unreadable(
                        &self.source_file,
                        format!("cannot read row {}: {err}", self.row + 1),
                    )
                })?;
            if !more {
                return Ok(false);
            }
            self.row += 1;
            if is_blank_record(&self.record) {
                continue;
            }
            fill_row(self.row, &self.record, row);
            return Ok(true);
        }
    }
}

/// A record as a row: its fields' text copied once into the row's buffer when the record is
/// UTF-8 (every record of a decoded file), else each field on its own, read lossily.
fn row_of(row: u64, record: &ByteRecord) -> RawRow {
    let mut raw = RawRow::default();
    fill_row(row, record, &mut raw);
    raw
}

/// [`row_of`] into a row read before, its buffers kept: the rows of a large file are filled
/// again piece after piece instead of allocated anew.
fn fill_row(row: u64, record: &ByteRecord, raw: &mut RawRow) {
    raw.row = row;
    raw.cells.clear();
    raw.text.clear();
    let bytes = record.as_slice();
    if let (Ok(text), Ok(_)) = (std::str::from_utf8(bytes), u32::try_from(bytes.len())) {
        raw.cells.reserve(record.len());
        for range in (0..record.len()).filter_map(|i| record.range(i)) {
            if range.is_empty() {
                raw.cells.push(RawCell::Empty);
            } else if text.is_char_boundary(range.start) && text.is_char_boundary(range.end) {
                // Both ends fit in u32: the whole record does.
                let (start, end) = (range.start as u32, range.end as u32);
                raw.cells.push(RawCell::Field { start, end });
            } else {
                raw.cells.push(RawCell::text(
                    String::from_utf8_lossy(&bytes[range]).into_owned(),
                ));
            }
        }
        raw.text.push_str(text);
        return;
    }
    raw.cells.extend(record.iter().map(cell_of));
}

fn cell_of(field: &[u8]) -> RawCell {
    if field.is_empty() {
        RawCell::Empty
    } else {
        // Valid UTF-8 (every field of a decoded file) is copied as is, without the lossy scan.
        RawCell::text(match std::str::from_utf8(field) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(field).into_owned(),
        })
    }
}

fn is_blank_field(field: &[u8]) -> bool {
    field.iter().all(u8::is_ascii_whitespace)
        || (!field.is_ascii() && String::from_utf8_lossy(field).trim().is_empty())
}

fn is_blank_record(record: &ByteRecord) -> bool {
    record.iter().all(is_blank_field)
}

/// The delimiter of the first line that has one (title rows above the header usually have
/// none): the most frequent of comma, tab and semicolon outside quotes; comma on a tie or when
/// no line has one.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b'\t', 0), (b';', 0)];
    let mut quoted = false;
    for &byte in text {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted && counts.iter().any(|(_, count)| *count > 0) => break,
            b'\n' | b'\r' if !quoted => {}
            _ if !quoted => {
                for (delimiter, count) in &mut counts {
                    if byte == *delimiter {
                        *count += 1;
                    }
                }
            }
            _ => {}
        }
    }
    let mut best = counts[0];
    for candidate in &counts[1..] {
        if candidate.1 > best.1 {
            best = *candidate;
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{open, Options, RowReader};

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Every row, with each cell holding its own text.
    fn rows(reader: &mut dyn RowReader) -> Vec<RawRow> {
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row().unwrap() {
            rows.push(RawRow::new(row.row, row.owned_cells()));
        }
        rows
    }

    fn text(value: &str) -> RawCell {
        RawCell::text(value)
    }

    #[test]
    fn a_row_filled_again_is_the_row_read_afresh() {
        // Rows of every shape, each read into the buffers of the row before it: nothing of
        // a longer row, a row of other cells or a row of text cells may show through. The
        // shapes come again below the rows the header scan reads ahead.
        let dir = tempfile::tempdir().unwrap();
        let shapes = "T1,旗舰店,20.00,\"第一行\n第二行\"\n\
                      T2,,\n\
                      \n\
                      T3,专卖店,12.50,备注,多出的字段,再多一个\n\
                      T4\n\
                      T5,\"带,逗号\",0,\"\"\n";
        let times = HEADER_SCAN_ROWS as usize;
        let bytes = format!("工单号,店铺,金额,备注\n{}", shapes.repeat(times));
        let path = write(&dir, "shapes.csv", bytes.as_bytes());
        let mut fresh = open(&path, &Options::default()).unwrap();
        let mut again = open(&path, &Options::default()).unwrap();
        let mut row = RawRow::new(99, vec![RawCell::text("old"); 40]);
        row.text = "leftover text".into();
        let mut read = 0;
        while let Some(expected) = fresh.next_row().unwrap() {
            assert!(again.next_row_into(&mut row).unwrap());
            assert_eq!(row, expected, "row {}", expected.row);
            read += 1;
        }
        assert_eq!(read, 5 * times);
        let last = row.clone();
        assert!(!again.next_row_into(&mut row).unwrap());
        assert_eq!(row, last, "the end leaves the row as it was");
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("plain.csv", "工单号,店铺\nT1,旗舰店\n".as_bytes().to_vec()),
            (
                "bom.csv",
                [UTF8_BOM, "工单号,店铺\nT1,旗舰店\n".as_bytes()].concat(),
            ),
        ] {
            let path = write(&dir, name, &bytes);
            let mut reader = open(&path, &Options::default()).unwrap();
            assert_eq!(reader.header(), ["工单号", "店铺"], "{name}");
            let rows = rows(reader.as_mut());
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].row, 2);
            assert_eq!(rows[0].cells, [text("T1"), text("旗舰店")]);
        }
    }

    #[test]
    fn gbk_is_detected_and_can_be_forced() {
        let dir = tempfile::tempdir().unwrap();
        let (gbk, _, unmappable) = GB18030.encode("工单号,退款金额\nT1,￥20.00\n");
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&gbk).is_err(),
            "the fixture must not be UTF-8"
        );
        let path = write(&dir, "gbk.csv", &gbk);
        let mut reader = open(&path, &Options::default()).unwrap();
        assert_eq!(reader.header(), ["工单号", "退款金额"]);
        assert_eq!(
            rows(reader.as_mut())[0].cells,
            [text("T1"), text("￥20.00")]
        );

        let forced = Options {
            encoding: Some(TextEncoding::Gb18030),
            ..Options::default()
        };
        let reader = open(&path, &forced).unwrap();
        assert_eq!(reader.header(), ["工单号", "退款金额"]);

        let as_utf8 = Options {
            encoding: Some(TextEncoding::Utf8),
            header_row: Some(1),
            ..Options::default()
        };
        let reader = open(&path, &as_utf8).unwrap();
        assert_ne!(
            reader.header(),
            ["工单号", "退款金额"],
            "a forced encoding is obeyed, even when wrong"
        );
    }

    #[test]
    fn utf16_with_bom() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "ticket_id\tstore\r\nT1\t店\r\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let path = write(&dir, "unicode.txt", &bytes);
        let mut reader = open(&path, &Options::default()).unwrap();
        assert_eq!(reader.header(), ["ticket_id", "store"]);
        assert_eq!(rows(reader.as_mut())[0].cells, [text("T1"), text("店")]);
    }

    #[test]
    fn records_are_numbered_not_lines() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "ticket_id,note\nT1,\"two\nlines\"\nT2,x\n,\n\nT3,\"a\r\nb\r\nc\"\nT4,y\n";
        let path = write(&dir, "multi.csv", csv.as_bytes());
        let mut reader = open(&path, &Options::default()).unwrap();
        let rows = rows(reader.as_mut());
        let numbers: Vec<(u64, RawCell)> =
            rows.iter().map(|r| (r.row, r.cells[0].clone())).collect();
        assert_eq!(
            numbers,
            [
                (2, text("T1")),
                (3, text("T2")),
                (5, text("T3")),
                (6, text("T4")),
            ],
            "the blank record `,` keeps its number but is not read; an empty line is no record"
        );
        assert_eq!(rows[0].cells[1], text("two\nlines"));
    }

    #[test]
    fn ragged_rows_do_not_crash() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "ragged.csv",
            b"ticket_id,a,b\nT1,1\nT2,1,2,3\nT3,1,2\n",
        );
        let mut reader = open(&path, &Options::default()).unwrap();
        assert_eq!(reader.field_count(), Some(3));
        let lengths: Vec<usize> = rows(reader.as_mut())
            .iter()
            .map(|r| r.cells.len())
            .collect();
        assert_eq!(lengths, [2, 4, 3]);
    }

    #[test]
    fn a_large_utf8_file_is_streamed_across_blocks() {
        let header = "ticket_id,store\n";
        let pad = BLOCK - 1 - "T2,".len() - header.len();
        let mut text = format!("{header}P,{}\n", "x".repeat(pad - 3));
        text.push_str("T2,店\n");
        assert_eq!(
            text.find('店'),
            Some(BLOCK - 1),
            "a character across the block edge"
        );
        let bytes = text.as_bytes();
        assert_eq!(scan_utf8(&mut Cursor::new(bytes)).unwrap(), (true, false));
        let mut broken = bytes.to_vec();
        broken.push(0xFF);
        assert!(!scan_utf8(&mut Cursor::new(&broken)).unwrap().0);
        let cut = bytes[..BLOCK].to_vec();
        assert!(
            !scan_utf8(&mut Cursor::new(&cut)).unwrap().0,
            "a truncated character"
        );
        assert_eq!(scan_utf8(&mut Cursor::new(UTF8_BOM)).unwrap(), (true, true));

        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "large.csv", bytes);
        let mut reader = open(&path, &Options::default()).unwrap();
        let rows = rows(reader.as_mut());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].cells, [text_cell("T2"), text_cell("店")]);
    }

    fn text_cell(value: &str) -> RawCell {
        RawCell::text(value)
    }

    #[test]
    fn a_large_gbk_file_is_transcoded_as_it_is_read() {
        // Rows of two-byte characters with an odd offset, so that characters fall across
        // every edge of the transcoder's and the record reader's blocks.
        let mut text = String::from("工单号,店铺\n");
        const ROWS: usize = 8_000;
        for n in 0..ROWS {
            text.push_str(&format!("T{n},天猫旗舰店{}\n", "店".repeat(n % 7)));
        }
        let (gbk, _, unmappable) = GB18030.encode(&text);
        assert!(!unmappable);
        assert!(gbk.len() > 2 * BLOCK, "the fixture spans several blocks");
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "large-gbk.csv", &gbk);
        let mut reader = open(&path, &Options::default()).unwrap();
        assert_eq!(reader.header(), ["工单号", "店铺"]);
        let rows = rows(reader.as_mut());
        assert_eq!(rows.len(), ROWS);
        for (n, row) in rows.iter().enumerate() {
            let store = format!("天猫旗舰店{}", "店".repeat(n % 7));
            assert_eq!(row.cells, [text_cell(&format!("T{n}")), text_cell(&store)]);
            assert_eq!(row.row, n as u64 + 2);
        }
    }

    #[test]
    fn a_byte_order_mark_is_dropped_in_every_encoding() {
        let dir = tempfile::tempdir().unwrap();
        // U+FEFF is 84 31 95 33 in GB18030.
        let (gbk, _, _) = GB18030.encode("\u{FEFF}工单号;店铺\nT1;店\n");
        let mut utf16 = vec![0xFE, 0xFF];
        for unit in "\u{FEFF}ticket_id;store\nT1;店\n".encode_utf16() {
            utf16.extend(unit.to_be_bytes());
        }
        for (name, bytes, header) in [
            ("gbk.csv", gbk.to_vec(), ["工单号", "店铺"]),
            ("utf16be.csv", utf16, ["ticket_id", "store"]),
        ] {
            let path = write(&dir, name, &bytes);
            let mut reader = open(&path, &Options::default()).unwrap();
            assert_eq!(reader.header(), header, "{name}");
            assert_eq!(
                rows(reader.as_mut())[0].cells,
                [text_cell("T1"), text_cell("店")],
                "{name}: the delimiter is sniffed after transcoding"
            );
        }
    }

    #[test]
    fn lines_end_outside_quotes() {
        let mut text: &[u8] = b"a,\"b\nc\";d\ne;f;g\n";
        assert_eq!(head_lines(&mut text).unwrap(), b"a,\"b\nc\";d\ne;f;g\n");
        let long = "x\n".repeat(40);
        assert_eq!(
            head_lines(&mut long.as_bytes()).unwrap().len(),
            2 * HEADER_SCAN_ROWS as usize
        );
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1\t2"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"\"a,b\";c;d\n"), b';');
        assert_eq!(sniff_delimiter(b"ticket_id\n"), b',');
        assert_eq!(
            sniff_delimiter(
                "售后工单导出\n导出时间：2026-07-01\n工单号;店铺;政策\nT1;a,b;c\n".as_bytes()
            ),
            b';',
            "title rows without a delimiter are passed over"
        );
    }

    #[test]
    fn empty_and_headerless_files() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes, reason) in [
            ("zero.csv", &b""[..], EMPTY_FILE),
            ("spaces.csv", &b" \r\n\n "[..], EMPTY_FILE),
            ("bom.csv", UTF8_BOM, EMPTY_FILE),
            ("commas.csv", &b",,\n , ,\n"[..], NO_HEADER),
            // UTF-16 with its BOM, transcoded: two spaces and a line break.
            ("spaces16.csv", &b"\xFF\xFE \0 \0\n\0"[..], EMPTY_FILE),
            // Not UTF-8, so read as GB18030: one ideographic space (A1 A1), which is not
            // blank in the ASCII sense, then nothing a header could be made of.
            ("gbk.csv", &b" \xA1\xA1\n"[..], NO_HEADER),
        ] {
            let path = write(&dir, name, bytes);
            let err = open(&path, &Options::default()).err().unwrap();
            assert_eq!(err.to_string(), format!("{}: {reason}", path.display()));
        }
    }

    #[test]
    fn a_workbook_named_csv_is_not_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "book.csv", b"PK\x03\x04rest of a zip");
        let err = open(&path, &Options::default()).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: not a CSV text file (it looks like a workbook or archive)",
                path.display()
            )
        );
    }
}
