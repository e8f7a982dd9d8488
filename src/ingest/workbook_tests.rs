//! Tests of the workbook readers, on workbooks written by the test itself.

use std::path::PathBuf;

use calamine::Range;
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Formula, Workbook};

use super::range::RangeReader;
use super::*;
use crate::ingest::{open, read_all, Options, Row, RowReader};
use crate::ticket::When;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

fn text(value: &str) -> RawCell {
    RawCell::text(value)
}

/// Every row, with each cell holding its own text.
fn all_rows(reader: &mut dyn RowReader) -> Vec<RawRow> {
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().unwrap() {
        rows.push(RawRow::new(row.row, row.owned_cells()));
    }
    rows
}

/// A workbook with `Tickets` first and `Other` second. Row 1 header;
/// row 2 a full ticket with date cells and formulas; row 3 blank (skipped); row 4 has gaps
/// and an error cell; row 5 starts in a later column.
fn tickets_workbook(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("tickets.xlsx");
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let datetime_format = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Tickets").unwrap();
    for (column, name) in [
        "Ticket ID",
        "delivered_at",
        "applied_at",
        "order_amount",
        "refund_amount",
        "activated",
        "cause",
    ]
    .into_iter()
    .enumerate()
    {
        sheet.write_string(0, column as u16, name).unwrap();
    }
    sheet.write_string(1, 0, "T1").unwrap();
    sheet
        .write_datetime_with_format(1, 1, at(2026, 10, 1, 0, 0), &date_format)
        .unwrap();
    sheet
        .write_datetime_with_format(1, 2, at(2026, 10, 3, 14, 30), &datetime_format)
        .unwrap();
    sheet.write_number(1, 3, 199.9).unwrap();
    sheet
        .write_formula(1, 4, Formula::new("=D2/2").set_result("99.95"))
        .unwrap();
    sheet.write_boolean(1, 5, true).unwrap();
    sheet.write_string(1, 6, "质量问题").unwrap();

    sheet.write_string(3, 0, "T2").unwrap();
    sheet
        .write_formula(3, 3, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    sheet.write_string(3, 6, "no reason").unwrap();

    sheet.write_string(4, 6, "quality").unwrap();

    let other = workbook.add_worksheet();
    other.set_name("Other").unwrap();
    other.write_string(0, 0, "工单号").unwrap();
    other.write_string(1, 0, "X1").unwrap();
    workbook.save(&path).unwrap();
    path
}

#[test]
fn xlsx_cells_stream_into_their_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = tickets_workbook(&dir);
    let mut reader = open(&path, &Options::default()).unwrap();
    assert_eq!(reader.sheet(), Some("Tickets"));
    assert_eq!(reader.header()[0], "Ticket ID");
    assert_eq!(reader.header().len(), 7);
    let rows = all_rows(reader.as_mut());
    let numbers: Vec<u64> = rows.iter().map(|row| row.row).collect();
    assert_eq!(
        numbers,
        [2, 4, 5],
        "the blank row 3 is skipped, numbers are the sheet's"
    );

    assert_eq!(
        rows[0].cells,
        [
            text("T1"),
            RawCell::DateTime(at(2026, 10, 1, 0, 0)),
            RawCell::DateTime(at(2026, 10, 3, 14, 30)),
            RawCell::Number(199.9),
            RawCell::Number(99.95),
            RawCell::Bool(true),
            text("质量问题"),
        ],
        "date cells, a formula's cached value"
    );
    assert_eq!(rows[1].cells[0], text("T2"));
    assert_eq!(
        rows[1].cells[1],
        RawCell::Empty,
        "a gap stays in its column"
    );
    assert_eq!(rows[1].cells[3], RawCell::error("#N/A"));
    assert_eq!(rows[1].cells[6], text("no reason"));
    assert_eq!(rows[2].cells.len(), 7);
    assert_eq!(rows[2].cells[0], RawCell::Empty);
    assert_eq!(rows[2].cells[6], text("quality"));
}

#[test]
fn xlsx_rows_parse_into_tickets_and_rejections() {
    let dir = tempfile::tempdir().unwrap();
    let path = tickets_workbook(&dir);
    let (info, rows) = read_all(&path, 1, &Options::default()).unwrap();
    assert_eq!(info.sheet.as_deref(), Some("Tickets"));
    assert_eq!(info.source_file, path.display().to_string());
    assert_eq!(rows.len(), 3);
    let Row::Ticket(first) = &rows[0] else {
        panic!("row 2 is a ticket: {:?}", rows[0]);
    };
    assert_eq!(first.ticket_id, "T1");
    assert_eq!(first.delivered_at, NaiveDate::from_ymd_opt(2026, 10, 1));
    assert_eq!(first.applied_at, Some(When::Local(at(2026, 10, 3, 14, 30))));
    assert_eq!(first.order_amount, Some("199.9".parse().unwrap()));
    assert_eq!(first.refund_amount, Some("99.95".parse().unwrap()));
    assert_eq!(first.activated, Some(true));
    assert_eq!(first.source.input, 1);
    assert_eq!(first.source.row, 2);

    let Row::Ticket(error_cell) = &rows[1] else {
        panic!("row 4's #N/A error cell reads as blank: {:?}", rows[1]);
    };
    assert_eq!(error_cell.order_amount, None);
    // Without `#N/A` among the blank tokens, the error cell is a rejection.
    let only_question_marks = Options {
        mapping: Some(crate::ingest::Mapping::parse("null_values = [\"?\"]\n", "m.toml").unwrap()),
        ..Options::default()
    };
    let (_, strict) = read_all(&path, 1, &only_question_marks).unwrap();
    let Row::Rejected(error_cell) = &strict[1] else {
        panic!("row 4 holds an error cell: {:?}", strict[1]);
    };
    assert_eq!(error_cell.len(), 1);
    assert_eq!(error_cell[0].source_row, 4);
    assert_eq!(error_cell[0].sheet.as_deref(), Some("Tickets"));
    assert_eq!(error_cell[0].column, "order_amount");
    assert_eq!(error_cell[0].reason, "cell error #N/A");

    let Row::Rejected(no_id) = &rows[2] else {
        panic!("row 5 has no ticket id: {:?}", rows[2]);
    };
    assert_eq!(no_id[0].reason, "ticket_id is blank");
    assert_eq!(no_id[0].source_row, 5);
}

#[test]
fn xlsx_sheet_is_chosen_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = tickets_workbook(&dir);
    let other = Options {
        sheet: Some("other".to_string()),
        ..Options::default()
    };
    let mut reader = open(&path, &other).unwrap();
    assert_eq!(reader.sheet(), Some("Other"));
    assert_eq!(reader.header(), ["工单号"]);
    assert_eq!(all_rows(reader.as_mut())[0].cells, [text("X1")]);

    let missing = Options {
        sheet: Some("Refunds".to_string()),
        ..Options::default()
    };
    let err = open(&path, &missing).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no sheet named `Refunds` (sheets: `Tickets`, `Other`)",
            path.display()
        )
    );
}

#[test]
fn xlsx_header_may_start_below_row_one_and_large_sheets_stream_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Big.XLSX");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(2, 1, "ticket_id").unwrap();
    for index in 0..1300u32 {
        sheet
            .write_string(3 + index, 1, format!("T{index}"))
            .unwrap();
    }
    workbook.save(&path).unwrap();
    let mut reader = open(&path, &Options::default()).unwrap();
    assert_eq!(reader.header(), ["", "ticket_id"]);
    let rows = all_rows(reader.as_mut());
    assert_eq!(rows.len(), 1300);
    assert_eq!(rows[0].row, 4);
    assert_eq!(rows[0].cells, [RawCell::Empty, text("T0")]);
    assert_eq!(rows[1299].row, 1303);
    assert_eq!(rows[1299].cells[1], text("T1299"));
    assert!(
        reader.next_row().unwrap().is_none(),
        "the end stays the end"
    );
}

#[test]
fn an_empty_sheet_has_no_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.xlsx");
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    workbook.save(&path).unwrap();
    let err = open(&path, &Options::default()).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!("{}: no header row in sheet `Sheet1`", path.display())
    );
}

#[test]
fn a_reader_dropped_early_stops_the_reading_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drop.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "ticket_id").unwrap();
    for index in 1..5000u32 {
        sheet.write_number(index, 0, index).unwrap();
    }
    workbook.save(&path).unwrap();
    let mut reader = open(&path, &Options::default()).unwrap();
    let first = reader.next_row().unwrap().unwrap();
    assert_eq!(first.cells, [RawCell::Number(1.0)]);
    drop(reader);
    // The thread notices the closed channel on its next send and ends; reopening works.
    assert!(open(&path, &Options::default()).is_ok());
}

/// A minimal compound file holding an `EncryptedPackage` stream: the container Excel
/// writes for a password-protected .xlsx.
fn encrypted_container() -> Vec<u8> {
    const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&1u32.to_le_bytes());
    header[48..52].copy_from_slice(&1u32.to_le_bytes());
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
    header[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
    for slot in header[76..512].chunks_mut(4) {
        slot.copy_from_slice(&FREE.to_le_bytes());
    }
    header[76..80].copy_from_slice(&0u32.to_le_bytes());

    let mut fat = vec![0u8; 512];
    for slot in fat.chunks_mut(4) {
        slot.copy_from_slice(&FREE.to_le_bytes());
    }
    fat[..4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
    fat[4..8].copy_from_slice(&END_OF_CHAIN.to_le_bytes());

    let mut directory = vec![0u8; 512];
    for (slot, name, kind) in [(0usize, "Root Entry", 5u8), (1, "EncryptedPackage", 2)] {
        let entry = &mut directory[slot * 128..(slot + 1) * 128];
        let units: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        entry[..units.len()].copy_from_slice(&units);
        entry[64..66].copy_from_slice(&((units.len() + 2) as u16).to_le_bytes());
        entry[66] = kind;
        entry[116..120].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
    }
    [header, fat, directory].concat()
}

#[test]
fn unreadable_workbooks_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "locked.xlsx",
            encrypted_container(),
            "encrypted or password-protected workbook",
        ),
        (
            "archive.xlsx",
            b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec(),
            "not a spreadsheet: cannot be read as .xlsx",
        ),
        (
            "text.xlsm",
            b"ticket_id\nT1\n".to_vec(),
            "not a spreadsheet: cannot be read as .xlsm",
        ),
        (
            "text.xls",
            b"ticket_id\nT1\n".to_vec(),
            "not a spreadsheet: cannot be read as .xls",
        ),
        (
            "text.ods",
            b"ticket_id\nT1\n".to_vec(),
            "not a spreadsheet: cannot be read as .ods",
        ),
        (
            "text.xlsb",
            b"ticket_id\nT1\n".to_vec(),
            "not a spreadsheet: cannot be read as .xlsb",
        ),
    ];
    for (name, bytes, reason) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = open(&path, &Options::default()).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!("{}: {reason}", path.display()),
            "{name}"
        );
    }
}

#[test]
fn range_rows_keep_absolute_rows_and_columns() {
    let mut range: Range<Data> = Range::new((1, 1), (5, 3));
    range.set_value((1, 2), Data::String("ticket_id".into()));
    range.set_value((1, 3), Data::String("applied_at".into()));
    range.set_value((2, 2), Data::Float(1001.0));
    range.set_value((2, 3), Data::DateTimeIso("2026-10-01T14:30:00".to_string()));
    range.set_value((4, 1), Data::Bool(true));
    range.set_value((5, 3), Data::DateTimeIso("2026-10-02".to_string()));
    let mut reader = RangeReader::new("book.ods".to_string(), "Sheet1".to_string(), range).unwrap();
    assert_eq!(reader.header(), ["", "", "ticket_id", "applied_at"]);
    let rows = all_rows(&mut reader);
    assert_eq!(rows.len(), 3, "row 4 of the sheet is blank");
    assert_eq!(rows[0].row, 3);
    assert_eq!(
        rows[0].cells,
        [
            RawCell::Empty,
            RawCell::Empty,
            RawCell::Number(1001.0),
            RawCell::DateTime(at(2026, 10, 1, 14, 30)),
        ]
    );
    assert_eq!(rows[1].row, 5);
    assert_eq!(rows[1].cells[1], RawCell::Bool(true));
    assert_eq!(rows[2].row, 6);
    assert_eq!(rows[2].cells[3], RawCell::DateTime(at(2026, 10, 2, 0, 0)));
}

#[test]
fn an_empty_range_has_no_header() {
    let range: Range<Data> = Range::empty();
    let err = RangeReader::new("book.ods".to_string(), "S".to_string(), range)
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "book.ods: no header row in sheet `S`");
}

#[test]
fn cell_conversion() {
    assert_eq!(from_data(&Data::Int(7)), RawCell::Number(7.0));
    assert_eq!(
        from_data(&Data::Error(calamine::CellErrorType::Div0)),
        RawCell::error("#DIV/0!")
    );
    assert_eq!(from_iso("not iso"), text("not iso"));
    assert_eq!(
        from_data(&Data::DurationIso("PT1H".to_string())),
        text("PT1H")
    );
}

#[test]
fn sheets_are_chosen_loosely_and_listed_when_missing() {
    let sheets = vec!["Tickets".to_string(), "Sheet 2".to_string()];
    assert_eq!(choose_sheet(&sheets, None), Ok("Tickets".to_string()));
    assert_eq!(
        choose_sheet(&sheets, Some("sheet 2 ")),
        Ok("Sheet 2".to_string())
    );
    assert_eq!(
        choose_sheet(&sheets, Some("x")),
        Err("no sheet named `x` (sheets: `Tickets`, `Sheet 2`)".to_string())
    );
    assert_eq!(
        choose_sheet(&[], None),
        Err("workbook has no worksheets".to_string())
    );
}

/// A minimal XLSX package (sheet `Tickets`) around the `sheetData` rows given as XML.
fn xlsx_with_rows(rows_xml: &str) -> Vec<u8> {
    use std::io::Write;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows_xml}</sheetData></worksheet>"#
    );
    let parts: [(&str, &str); 4] = [
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Tickets" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", &sheet),
    ];
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn inline(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn a_cell_past_the_last_column_is_refused_not_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.xlsx");
    // ZZZZZZ is column 321,272,406: a row that wide would take gigabytes.
    let rows = format!(
        r#"<row r="1">{}</row><row r="2">{}{}</row>"#,
        inline("A1", "ticket_id"),
        inline("A2", "T1"),
        inline("ZZZZZZ2", "far away")
    );
    std::fs::write(&path, xlsx_with_rows(&rows)).unwrap();
    // The row is read while the header is looked for.
    let err = match open(&path, &Options::default()) {
        Err(err) => err,
        Ok(mut reader) => match reader.next_row() {
            Err(err) => err,
            Ok(row) => panic!("read a row of {} cells", row.map_or(0, |r| r.cells.len())),
        },
    };
    assert_eq!(
        err.to_string(),
        format!(
            "{}: cannot read sheet `Tickets`: a cell in row 2 lies beyond column XFD, the last \
             column a sheet can have",
            path.display()
        )
    );
    // The last column itself is read.
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
        inline("A1", "ticket_id"),
        inline("XFD1", "note"),
        inline("A2", "T1"),
        inline("XFD2", "edge")
    );
    std::fs::write(&path, xlsx_with_rows(&rows)).unwrap();
    let mut reader = open(&path, &Options::default()).unwrap();
    let row = reader.next_row().unwrap().unwrap();
    let row = RawRow::new(row.row, row.owned_cells());
    assert_eq!(row.cells.len(), 16_384);
    assert_eq!(row.cells[16_383], text("edge"));
}

#[test]
fn fuzz_crash_cbd93196_stops_cleanly() {
    // A column reference of 16 letters: calamine's column arithmetic overflows on it (a panic
    // on the reading thread where overflow is checked). The file must fail, never crash.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.xlsx");
    std::fs::write(
        &path,
        include_bytes!(
            "../../tests/fuzz-regressions/xlsx/crash-cbd931965bbc2902bdbaad599b65f50c2ae85da3"
        ),
    )
    .unwrap();
    // The fuzzer also left `[Content_Types].xml` declaring 16.5 MB from 228 compressed bytes:
    // the zip guard refuses the file before calamine opens it.
    let result = read_all(&path, 0, &Options::default());
    let err = result.expect_err("the damaged workbook is refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: part [Content_Types].xml inflates 72,436 times its compressed size (limit \
             100:1): refused as a zip bomb",
            path.display()
        )
    );
    // The workbook reader on its own, past the guard, fails on the column reference.
    let shown = path.display().to_string();
    let message = match open_xlsx(&path, shown.clone(), &Options::default()) {
        Err(err) => err.to_string(),
        Ok(mut reader) => loop {
            match reader.next_row() {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("the damaged sheet read to its end"),
                Err(err) => break err.to_string(),
            }
        },
    };
    assert!(
        message.starts_with(&format!("{shown}: cannot read sheet `T`: ")),
        "{message}"
    );
}
