//! The parallel XLSX reader against calamine's on the same workbooks: written by
//! rust_xlsxwriter (inline and shared strings), by hand (rich text, rows and cells without
//! `r`, every cell type, comments and CDATA, 1904 dates, sheets past one chunk), by LibreOffice
//! (a committed fixture, and a conversion when `libreoffice` is installed, which it must be
//! where `CI` is set), and hostile ones.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Formula, Workbook};

use super::handled;
use crate::ingest::fuzzing::{xlsx_read, XlsxRead};
use crate::ingest::{CellRef, RawCell, RawRow};

/// Both readers' reads of `path`, which must agree (compared as printed, so that a NaN equals
/// itself); the fast reader must read the sheet itself.
fn agree(path: &Path) -> Result<XlsxRead, String> {
    let calamine = xlsx_read(path, false);
    let fast = xlsx_read(path, true);
    assert_eq!(
        format!("{fast:?}"),
        format!("{calamine:?}"),
        "{}",
        path.display()
    );
    fast
}

fn cells(read: &XlsxRead, row: u64) -> Vec<CellRef<'_>> {
    let (_, cells) = read
        .rows
        .iter()
        .find(|(at, _)| *at == row)
        .expect("the row");
    cells
        .iter()
        .map(|cell| match cell {
            RawCell::Text(text) => CellRef::Text(text),
            RawCell::Empty => CellRef::Empty,
            other => RawRow::new(row, vec![other.clone()]).cell(0).to_owned_ref(),
        })
        .collect()
}

trait Owned {
    fn to_owned_ref(self) -> CellRef<'static>;
}

impl Owned for CellRef<'_> {
    fn to_owned_ref(self) -> CellRef<'static> {
        match self {
            CellRef::Text(_) | CellRef::Error(_) => CellRef::Text("(text)"),
            CellRef::Empty => CellRef::Empty,
            CellRef::Number(n) => CellRef::Number(n),
            CellRef::Bool(b) => CellRef::Bool(b),
            CellRef::DateTime(at) => CellRef::DateTime(at),
        }
    }
}

fn date(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

/// A ticket export as rust_xlsxwriter writes it: a title row, a header on row 3, `rows`
/// tickets with every kind of cell, a merged title, gaps.
fn written(dir: &Path, name: &str, inline: bool, rows: u32) -> PathBuf {
    let path = dir.join(name);
    let mut workbook = Workbook::new();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let moment = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let money = Format::new().set_num_format("#,##0.00");
    let span = Format::new().set_num_format("[h]:mm");
    let sheet = if inline {
        workbook.add_worksheet_with_constant_memory().unwrap()
    } else {
        workbook.add_worksheet()
    };
    sheet.set_name("工单").unwrap();
    sheet
        .merge_range(0, 0, 0, 3, "售后工单 2026-10", &Format::new())
        .unwrap();
    for (column, header) in [
        "ticket_id",
        "delivered_at",
        "applied_at",
        "order_amount",
        "refund_amount",
        "activated",
        "cause",
        "span",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, column as u16, *header).unwrap();
    }
    for at in 0..rows {
        let row = 3 + at;
        sheet.write_string(row, 0, format!("T{at:06}")).unwrap();
        sheet
            .write_datetime_with_format(row, 1, date(2026, 10, 1 + at % 28, 0, 0), &day)
            .unwrap();
        sheet
            .write_datetime_with_format(row, 2, date(2026, 10, 3, at % 24, 30), &moment)
            .unwrap();
        sheet
            .write_number_with_format(row, 3, 199.9 + f64::from(at), &money)
            .unwrap();
        if at % 7 == 0 {
            sheet
                .write_formula(row, 4, Formula::new("=NA()").set_result("#N/A"))
                .unwrap();
        } else {
            sheet
                .write_formula(
                    row,
                    4,
                    Formula::new(format!("=D{}/2", row + 1)).set_result("99.95"),
                )
                .unwrap();
        }
        if at % 3 != 0 {
            sheet.write_boolean(row, 5, at % 2 == 0).unwrap();
        }
        let cause = match at % 4 {
            0 => "质量问题",
            1 => "  leading and trailing  ",
            2 => "line one\nline two _x000D_ & <tag>",
            _ => "",
        };
        sheet.write_string(row, 6, cause).unwrap();
        sheet.write_number_with_format(row, 7, 1.5, &span).unwrap();
    }
    workbook.save(&path).unwrap();
    path
}

#[test]
fn workbooks_written_by_rust_xlsxwriter_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    for (name, inline) in [("inline.xlsx", true), ("shared.xlsx", false)] {
        let path = written(dir.path(), name, inline, 40);
        assert_eq!(handled(&path, 0), Ok(()));
        let read = agree(&path).unwrap();
        assert_eq!(read.header_row, 3);
        assert_eq!(read.rows.len(), 40);
        assert_eq!(read.rows[0].0, 4);
        let first = cells(&read, 4);
        assert_eq!(first[1], CellRef::DateTime(date(2026, 10, 1, 0, 0)));
        assert_eq!(first[2], CellRef::DateTime(date(2026, 10, 3, 0, 30)));
        assert_eq!(first[3], CellRef::Number(199.9));
        assert_eq!(first[7], CellRef::Number(1.5), "a duration stays a number");
    }
}

#[test]
fn a_sheet_of_many_chunks_reads_alike_and_in_order() {
    // About 4 MB of sheet XML: four chunks or more, parsed out of order, handed on in order.
    let dir = tempfile::tempdir().unwrap();
    for (name, inline) in [("big-inline.xlsx", true), ("big-shared.xlsx", false)] {
        let path = written(dir.path(), name, inline, 12_000);
        let read = agree(&path).unwrap();
        assert_eq!(read.rows.len(), 12_000);
        assert!(read.rows.windows(2).all(|pair| pair[0].0 + 1 == pair[1].0));
    }
}

/// A package around the sheet XML, with `sst` (a shared strings part), `styles` and the
/// workbook's `workbookPr` as given; `deflate` false stores the parts.
fn package(
    sheet: &str,
    sst: Option<&str>,
    styles: Option<&str>,
    pr: &str,
    deflate: bool,
) -> Vec<u8> {
    let workbook = format!(
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{pr}<sheets><sheet name="Notes" sheetId="2" r:id="rId2"/><sheet name="Tickets" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let notes = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>read me</t></is></c></row></sheetData></worksheet>"#;
    let mut parts: Vec<(&str, &str)> = vec![
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        ("xl/workbook.xml", &workbook),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/notes.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/worksheets/notes.xml", notes),
    ];
    if let Some(sst) = sst {
        parts.push(("xl/sharedStrings.xml", sst));
    }
    if let Some(styles) = styles {
        parts.push(("xl/styles.xml", styles));
    }
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        writer
            .start_file(
                name,
                zip::write::SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn worksheet(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:H9"/><sheetData>{rows}</sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>"#
    )
}

const STYLES: &str = r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/><numFmt numFmtId="165" formatCode="&quot;¥&quot;#,##0.00"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/><xf numFmtId="22"><alignment wrapText="1"/></xf><xf numFmtId="46"/></cellXfs></styleSheet>"#;

const SST: &str = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>ticket_id</t></si><si><r><t>rich </t></r><r><rPr><b/></rPr><t xml:space="preserve">退货 </t></r><rPh sb="0" eb="1"><t>tuihuo</t></rPh></si><si><t xml:space="preserve">  kept  </t></si><si><t>a_x000D_b &amp; c</t></si></sst>"#;

/// Every cell type and the shapes calamine accepts: rows and cells without `r`, empty cells,
/// a duplicated row number, rows out of order, comments and CDATA.
fn hand_written_rows() -> String {
    [
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>applied_at</t></is></c><c t="inlineStr"><is><t>amount</t></is></c><c t="inlineStr"><is><t>cause</t></is></c><c t="inlineStr"><is><t>flag</t></is></c></row>"#,
        r#"<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" s="1"><v>46300</v></c><c r="C2" s="2"><v>12.5</v></c><c r="D2" t="s"><v>2</v></c><c r="E2" t="b"><v>1</v></c></row>"#,
        r#"<row><c t="s"><v>3</v></c><c s="3"><v>46300.75</v></c><c t="e"><v>#DIV/0!</v></c><c t="str"><f>A1</f><v>x &lt; y</v></c><c t="b"><v>false</v></c></row>"#,
        r#"<row><c t="inlineStr"><is><t>T4</t></is></c><c/><c><v></v></c><c t="d"><v>2026-10-02T08:00:00</v></c><c s="4"><v>1.25</v></c></row>"#,
        r#"<!-- a comment with </row> inside --><row r="7"><c r="A7" t="inlineStr"><is><t><![CDATA[T7 </row> <c>]]></t></is></c><c r="D7"><v>not a number</v></c></row>"#,
        r#"<row r="7"><c r="B7"><v>7</v></c></row><row r="6"><c r="A6" t="inlineStr"><is><t>T6</t></is></c></row>"#,
        r#"<row r="8"><c r="A8" t="inlineStr"><is><t>   </t></is></c></row><row r="9" spans="1:3"><c r="A9" t="inlineStr"><is><t>T9</t></is></c><c r="C9" s="99"><v>3</v></c></row>"#,
    ]
    .concat()
}

#[test]
fn hand_written_cells_of_every_kind_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hand.xlsx");
    std::fs::write(
        &path,
        package(
            &worksheet(&hand_written_rows()),
            Some(SST),
            Some(STYLES),
            "",
            true,
        ),
    )
    .unwrap();
    assert_eq!(handled(&path, 1), Ok(()));
    let read = agree(&path).unwrap();
    assert_eq!(
        read.header,
        ["ticket_id", "applied_at", "amount", "cause", "flag"]
    );
    assert_eq!(
        read.notes.len(),
        1,
        "sheet `Notes` passed over: {:?}",
        read.notes
    );
    let numbers: Vec<u64> = read.rows.iter().map(|(row, _)| *row).collect();
    assert_eq!(
        numbers,
        [2, 3, 4, 7, 6, 9],
        "row 7 twice in a row is one row; row 8 is blank"
    );
    assert_eq!(
        cells(&read, 2)[1],
        CellRef::DateTime(date(2026, 10, 5, 0, 0))
    );
    assert_eq!(
        cells(&read, 3)[1],
        CellRef::DateTime(date(2026, 10, 5, 18, 0))
    );
    assert_eq!(
        cells(&read, 4)[3],
        CellRef::DateTime(date(2026, 10, 2, 8, 0))
    );
    let (_, rich) = &read.rows[0];
    assert_eq!(
        rich[0],
        RawCell::text("rich退货 "),
        "a run without xml:space is trimmed"
    );
    assert_eq!(rich[3], RawCell::text("  kept  "));
    let (_, escaped) = &read.rows[1];
    assert_eq!(escaped[0], RawCell::text("a\rb & c"));
    assert_eq!(escaped[2], RawCell::error("#DIV/0!"));
    assert_eq!(escaped[3], RawCell::text("x < y"));
}

#[test]
fn dates_count_from_1904_when_the_workbook_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mac.xlsx");
    let pr = r#"<workbookPr date1904="1"/>"#;
    std::fs::write(
        &path,
        package(
            &worksheet(&hand_written_rows()),
            Some(SST),
            Some(STYLES),
            pr,
            true,
        ),
    )
    .unwrap();
    let read = agree(&path).unwrap();
    // 46300 days from 1904-01-01 is four years and a day later than from 1900.
    assert_eq!(
        cells(&read, 2)[1],
        CellRef::DateTime(date(2030, 10, 6, 0, 0))
    );
}

#[test]
fn stored_parts_and_parts_without_styles_or_strings_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stored.xlsx");
    std::fs::write(
        &path,
        package(
            &worksheet(&hand_written_rows()),
            Some(SST),
            Some(STYLES),
            "",
            false,
        ),
    )
    .unwrap();
    assert_eq!(handled(&path, 1), Ok(()));
    agree(&path).unwrap();
    let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>ticket_id</t></is></c></row><row r="2"><c r="A2"><v>7</v></c><c r="B2" s="1"><v>46300</v></c></row>"#;
    std::fs::write(&path, package(&worksheet(rows), None, None, "", true)).unwrap();
    let read = agree(&path).unwrap();
    assert_eq!(
        read.rows,
        [(2, vec![RawCell::Number(7.0), RawCell::Number(46300.0)])]
    );
}

#[test]
fn what_the_fast_reader_leaves_to_calamine_still_reads_alike() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prefixed.xlsx");
    // Rows with a namespace prefix end in `</x:row>`: no cut point, so calamine reads them.
    let prefixed = r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>ticket_id</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>T1</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"#;
    std::fs::write(&path, package(prefixed, None, None, "", true)).unwrap();
    assert_eq!(handled(&path, 1), Err("the sheet's prelude".to_string()));
    assert_eq!(agree(&path).unwrap().rows, [(2, vec![RawCell::text("T1")])]);
    // Declared in another encoding.
    let latin = worksheet(&hand_written_rows()).replace("UTF-8", "ISO-8859-1");
    std::fs::write(&path, package(&latin, Some(SST), Some(STYLES), "", true)).unwrap();
    assert_eq!(handled(&path, 1), Err("not UTF-8".to_string()));
    agree(&path).unwrap();
    // A dimension calamine refuses: it says why, in its words.
    let bad_dimension = worksheet(&hand_written_rows()).replace("A1:H9", "A1:");
    std::fs::write(
        &path,
        package(&bad_dimension, Some(SST), Some(STYLES), "", true),
    )
    .unwrap();
    assert!(handled(&path, 1).is_err());
    assert!(agree(&path).is_err());
}

#[test]
fn strict_ooxml_namespaces_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strict.xlsx");
    let strict = worksheet(&hand_written_rows()).replace(
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    );
    std::fs::write(
        &path,
        package(
            &strict,
            Some(SST),
            Some(STYLES),
            r#"<workbookPr date1904="true"/>"#,
            true,
        ),
    )
    .unwrap();
    assert_eq!(handled(&path, 1), Ok(()));
    let read = agree(&path).unwrap();
    assert_eq!(
        cells(&read, 2)[1],
        CellRef::DateTime(date(2030, 10, 6, 0, 0))
    );
}

#[test]
fn malformed_sheets_fail_in_calamines_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>ticket_id</t></is></c></row>"#;
    for bad in [
        r#"<row r="2"><c r="A2" t="b"><v>maybe</v></c></row>"#,
        r#"<row r="2"><c r="A2" t="s"><v>9</v></c></row>"#,
        r#"<row r="2"><c r="A2" t="zz"><v>1</v></c></row>"#,
        r#"<row r="2"><c r="A2" t="e"><v>#WHAT?</v></c></row>"#,
        r#"<row r="2"><c r="A2" t="n"><v>x1</v></c></row>"#,
        r#"<row r="2"><c r="2A"><v>1</v></c></row>"#,
        r#"<row r="2"><c r="A2"><w>1</w></c></row>"#,
        r#"<row r="2"><c r="A2" t="str"><v>&bogus;</v></c></row>"#,
        r#"<row r="two"><c><v>1</v></c></row>"#,
    ] {
        let rows: String = std::iter::once(header.to_string())
            .chain(
                (3..700)
                    .map(|row| format!(r#"<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>"#)),
            )
            .collect::<String>()
            .replacen("<row r=\"3\">", &format!("{bad}<row r=\"3\">"), 1);
        std::fs::write(&path, package(&worksheet(&rows), None, None, "", true)).unwrap();
        let err = agree(&path).expect_err(bad);
        assert!(err.contains("cannot read sheet `Tickets`: "), "{err}");
    }
    // The sheet data cut off.
    let cut = worksheet(header).replace("</sheetData>", "");
    std::fs::write(&path, package(&cut, None, None, "", true)).unwrap();
    agree(&path).expect_err("no end of the sheet data");
}

/// `count` numbered rows from row 2, one number cell each, with `extra` put before the
/// `</row>` of the rows named in it.
fn numbered_rows(count: u32, extra: &[(u32, &str)]) -> String {
    let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>ticket_id</t></is></c></row>"#;
    let mut rows = header.to_string();
    for row in 2..count + 2 {
        let inside = extra
            .iter()
            .find(|(at, _)| *at == row)
            .map_or("", |(_, xml)| *xml);
        rows += &format!(r#"<row r="{row}"><c r="A{row}"><v>{row}</v></c>{inside}</row>"#);
    }
    rows
}

#[test]
fn end_tags_without_a_start_fail_where_calamines_do() {
    // calamine reads the sheet with one XML reader, which fails at an end tag when no element
    // is open; the chunks are parsed apart, so the elements left open carry from one to the
    // next.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unmatched.xlsx");
    // No root start tag (found by fuzzing): `</sheetData>` closes nothing.
    let rootless = r#" worksheet xmlns="htt0://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ticket_id</t></is></c><c r="B2" t="inlineStr"><is><t>applied_at</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is>=t>T1</t></is></c><c r="B2" s="1"><v>46300</v></c></row></sheetData></worksheet>"#;
    std::fs::write(&path, package(rootless, None, Some(STYLES), "", true)).unwrap();
    let err = agree(&path).unwrap_err();
    assert!(err.contains("does not match any open tag"), "{err}");
    // Row ends the quick path takes: the third closes the root.
    let rows = numbered_rows(3, &[]).replace("<row r=\"3\">", "</row></row></row><row r=\"3\">");
    std::fs::write(&path, package(&worksheet(&rows), None, None, "", true)).unwrap();
    let err = agree(&path).unwrap_err();
    assert!(err.contains("does not match any open tag"), "{err}");
    // About 3.5 MB of rows, four chunks: each stray end tag closes one more of the elements
    // open around the rows; the third, in the last chunk, closes the root.
    let stray = [(3, "</x>"), (40_000, "</x>"), (70_000, "</x>")];
    let rows = numbered_rows(75_000, &stray);
    std::fs::write(&path, package(&worksheet(&rows), None, None, "", true)).unwrap();
    let err = agree(&path).unwrap_err();
    assert!(err.contains("does not match any open tag"), "{err}");
    // An element left open in the first chunk lets two more end tags pass in the last.
    let rows = numbered_rows(75_000, &[(3, "<x>"), (70_000, "</x></x>")]);
    std::fs::write(&path, package(&worksheet(&rows), None, None, "", true)).unwrap();
    assert_eq!(agree(&path).unwrap().rows.len(), 75_000);
    // Two stray end tags in the first chunk and none after: the end of the sheet data closes
    // nothing.
    let rows = numbered_rows(75_000, &[(3, "</x></x>")]);
    std::fs::write(&path, package(&worksheet(&rows), None, None, "", true)).unwrap();
    let err = agree(&path).unwrap_err();
    assert!(err.contains("does not match any open tag"), "{err}");
    // `<sheetData>` inside another element of the root: three open around every chunk.
    let nested = worksheet(&numbered_rows(40_000, &[]))
        .replace("<sheetData>", "<extLst><sheetData>")
        .replace("</sheetData>", "</sheetData></extLst>");
    std::fs::write(&path, package(&nested, None, None, "", true)).unwrap();
    assert_eq!(handled(&path, 1), Ok(()));
    assert_eq!(agree(&path).unwrap().rows.len(), 40_000);
    // Nested past the bound on open elements: calamine reads it.
    let deep = worksheet(&numbered_rows(10, &[]))
        .replace(
            "<sheetData>",
            &format!("{}<sheetData>", "<e>".repeat(super::MAX_OPEN)),
        )
        .replace(
            "</sheetData>",
            &format!("</sheetData>{}", "</e>".repeat(super::MAX_OPEN)),
        );
    std::fs::write(&path, package(&deep, None, None, "", true)).unwrap();
    assert_eq!(handled(&path, 1), Err("the sheet's prelude".to_string()));
    assert_eq!(agree(&path).unwrap().rows.len(), 10);
}

#[test]
fn row_end_tags_inside_markup_across_a_cut_read_alike() {
    // The sheet is cut after the last `</row>` in its first megabyte; here that one lies in
    // an attribute value, a processing instruction or a text that runs on over rows, so the
    // parse of the first chunk ends inside them and goes on into the next.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.xlsx");
    let padding = "p".repeat(1_500_000);
    for (name, inside) in [
        ("attribute", format!(r#"<x a="</row>{padding}"/>"#)),
        ("instruction", format!("<?x </row>{padding}?>")),
        (
            "text",
            format!(
                r#"<c r="B12000" t="inlineStr"><is><t>runs on<w></row>{}</t></is></c>"#,
                numbered_rows(40_000, &[]).replace("ticket_id", "in the text")
            ),
        ),
    ] {
        let rows = numbered_rows(30_000, &[(12_000, inside.as_str())]);
        std::fs::write(&path, package(&worksheet(&rows), None, None, "", true)).unwrap();
        let read = agree(&path).expect(name);
        assert!(
            read.rows.len() >= 29_999,
            "{name}: {} rows",
            read.rows.len()
        );
    }
}

#[test]
fn a_cell_past_column_xfd_fails_alike_in_the_header_or_below() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.xlsx");
    // No row was complete before the cell: calamine calls it the header's.
    let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>ticket_id</t></is></c><c r="XFE1"><v>1</v></c></row>"#;
    std::fs::write(&path, package(&worksheet(header), None, None, "", true)).unwrap();
    let err = agree(&path).unwrap_err();
    assert!(err.ends_with("the header (row 1) has cells past column XFD; at most 16,384 columns are read (Excel's limit)"), "{err}");
    let below = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>ticket_id</t></is></c></row><row r="2"><c r="A2"><v>2</v></c><c r="ZZZZ2"><v>1</v></c></row>"#;
    std::fs::write(&path, package(&worksheet(below), None, None, "", true)).unwrap();
    let err = agree(&path).unwrap_err();
    assert!(
        err.ends_with("a cell in row 2 lies beyond column XFD, the last column a sheet can have"),
        "{err}"
    );
}

#[test]
fn a_workbook_written_by_libreoffice_reads_alike() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xlsx/libreoffice.xlsx");
    let read = agree(&fixture).unwrap();
    assert!(handled(&fixture, 0).is_ok());
    assert!(read.rows.len() >= 5, "{} rows", read.rows.len());
}

#[test]
fn a_workbook_converted_by_libreoffice_now_reads_alike() {
    let Ok(status) = std::process::Command::new("libreoffice")
        .arg("--version")
        .output()
    else {
        // CI installs LibreOffice before the tests: there a missing one is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "libreoffice is not installed, and CI is set"
        );
        eprintln!("libreoffice is not installed: the conversion test is skipped");
        return;
    };
    assert!(status.status.success());
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("tickets.csv");
    let mut text = String::from("ticket_id,applied_at,refund_amount,cause,activated\n");
    for at in 0..300 {
        text += &format!(
            "T{at},2026-10-{:02} 14:30,{}.5,\"质量 {at}\",{}\n",
            1 + at % 28,
            at * 3,
            at % 2 == 0
        );
    }
    std::fs::write(&csv, text).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let out = std::process::Command::new("libreoffice")
        // The CSV import filter: comma, double quote, UTF-8 (76), from line 1.
        .args([
            profile.as_str(),
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&csv)
        .output()
        .unwrap();
    let path = dir.path().join("tickets.xlsx");
    assert!(path.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(handled(&path, 0).is_ok());
    let read = agree(&path).unwrap();
    assert_eq!(read.rows.len(), 300);
    assert!(
        matches!(cells(&read, 2)[1], CellRef::DateTime(_)),
        "LibreOffice reads the dates as dates"
    );
}

#[test]
fn chunks_cut_short_are_joined_until_they_double_and_no_further_than_the_row_limit() {
    use super::cells::{Parsed, Stop};
    use super::{Chunk, Pipeline, Sheet, MAX_OPEN, MAX_ROW_BYTES, OPEN, OPEN_DEPTH};

    let sheet = Sheet {
        path: PathBuf::new(),
        name: "Tickets".to_string(),
        index: 0,
        is_1904: false,
    };
    let (sender, _receiver) = std::sync::mpsc::sync_channel(4);
    let mut pipeline = Pipeline {
        sheet: &sheet,
        book: std::sync::Arc::new(super::parts::Book {
            strings: Vec::new(),
            formats: Vec::new(),
            is_1904: false,
        }),
        assembler: super::Assembler::new(sender),
        depth: OPEN_DEPTH,
        joining: None,
    };
    let chunk = |rows: &str, last: bool| Chunk {
        xml: [OPEN, rows.as_bytes()].concat(),
        last,
    };
    // A row end inside an attribute value: the chunk is cut short and waits for the next.
    let head = format!(
        r#"<row r="1"><c r="A1"><v>1</v></c><x a="{}</row>"#,
        "p".repeat(100)
    );
    let cut = chunk(&head, false);
    let parsed = super::cells::parse_chunk(&cut.xml, &pipeline.book, false);
    assert!(matches!(parsed.stop, Some(Stop::CutShort)), "{parsed:?}");
    assert!(pipeline.settle(cut, parsed).is_none());
    // Joined with too little to double it: still waiting.
    let more = chunk(&"q".repeat(50), false);
    assert!(pipeline
        .settle(more, Parsed::failed(Stop::CutShort))
        .is_none());
    // Doubled: parsed again as one, the attribute closed.
    let rest = chunk(
        &format!(
            r#"{}"/></row><row r="2"><c r="A2"><v>2</v></c></row>"#,
            "r".repeat(200)
        ),
        false,
    );
    let parsed = pipeline
        .settle(rest, Parsed::failed(Stop::CutShort))
        .expect("parsed");
    assert!(parsed.stop.is_none(), "{parsed:?}");
    assert_eq!(parsed.groups.len(), 2);
    assert_eq!(parsed.depth, OPEN_DEPTH);
    // A stretch past the row limit fails the sheet instead of growing on.
    pipeline.joining = Some((chunk(&"p".repeat(MAX_ROW_BYTES), false), 2 * MAX_ROW_BYTES));
    let parsed = pipeline
        .settle(chunk("</row>", false), Parsed::failed(Stop::CutShort))
        .expect("failed");
    assert!(matches!(parsed.stop, Some(Stop::TooLong)), "{parsed:?}");
    // Elements left open beyond the bound: the sheet fails before the chunk is parsed again.
    pipeline.joining = None;
    pipeline.depth = MAX_OPEN;
    let parsed = pipeline
        .settle(chunk("<row/>", false), Parsed::failed(Stop::CutShort))
        .expect("parsed");
    assert_eq!(parsed.depth, MAX_OPEN, "{parsed:?}");
    pipeline.depth = MAX_OPEN + 1;
    let parsed = pipeline
        .settle(chunk("<row/>", false), Parsed::failed(Stop::CutShort))
        .expect("failed");
    assert!(matches!(parsed.stop, Some(Stop::TooDeep)), "{parsed:?}");
}
