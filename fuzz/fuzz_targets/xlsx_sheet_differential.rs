//! Arbitrary bytes as the worksheet XML (and shared strings and styles) of a valid XLSX
//! package, read by the parallel reader and by calamine's: both must give the same header,
//! rows and cells, or fail with the same message.
//!
//! The input is a selector byte, then the sheet's rows, then optionally `0xFF` and the body of
//! the shared strings part, then optionally `0xFF` and the body of the styles part (`0xFF`
//! never occurs in UTF-8, so the parts can hold any text). The selector's bits:
//!
//! | bit | when set |
//! |---|---|
//! | 0 | the parts are deflated (else stored) |
//! | 1 | the rows are followed by `</sheetData></worksheet>` |
//! | 2 | the workbook counts dates from 1904 |
//! | 3 | without a styles body, the package has styles with date formats (else none) |
//! | 4 | without a shared strings body, the package has four shared strings (else none) |
//! | 5 | the rows are the whole sheet part, without the usual beginning |
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// Before the rows: a realistic worksheet start, so that the bytes are parsed as rows.
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:H9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>"#;

const SHEET_END: &str = "</sheetData></worksheet>";

/// Styles 1–4: a custom date, a currency, a date and time, a duration.
const STYLES: &str = r#"<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/><numFmt numFmtId="165" formatCode="&quot;¥&quot;#,##0.00"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/><xf numFmtId="22"/><xf numFmtId="46"/></cellXfs>"#;

const SST: &str = r#"<si><t>ticket_id</t></si><si><r><t>rich </t></r><r><rPr><b/></rPr><t xml:space="preserve">退货 </t></r></si><si><t xml:space="preserve">  kept  </t></si><si><t>a_x000D_b &amp; c</t></si>"#;

/// A minimal package: one sheet, `Tickets`, with the given parts.
fn package(sheet: &[u8], sst: Option<&[u8]>, styles: Option<&[u8]>, selector: u8) -> Vec<u8> {
    let pr = if selector & 4 != 0 {
        r#"<workbookPr date1904="1"/>"#
    } else {
        ""
    };
    let workbook = format!(
        r#"<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{pr}<sheets><sheet name="Tickets" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let sst = sst.map(|body| {
        [
            format!(r#"<sst xmlns="{MAIN}">"#).as_bytes(),
            body,
            b"</sst>",
        ]
        .concat()
    });
    let styles = styles.map(|body| {
        [
            format!(r#"<styleSheet xmlns="{MAIN}">"#).as_bytes(),
            body,
            b"</styleSheet>",
        ]
        .concat()
    });
    let mut parts: Vec<(&str, &[u8])> = vec![
        (
            "_rels/.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        ("xl/workbook.xml", workbook.as_bytes()),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(sst) = &sst {
        parts.push(("xl/sharedStrings.xml", sst));
    }
    if let Some(styles) = &styles {
        parts.push(("xl/styles.xml", styles));
    }
    let method = if selector & 1 != 0 {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        writer.start_file(name, options).expect("a zip entry");
        writer.write_all(bytes).expect("a zip entry's bytes");
    }
    writer.finish().expect("the zip").into_inner()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let mut segments = rest.split(|&byte| byte == 0xFF);
    let rows = segments.next().unwrap_or_default();
    let sst = segments
        .next()
        .or((selector & 16 != 0).then_some(SST.as_bytes()));
    let styles = segments
        .next()
        .or((selector & 8 != 0).then_some(STYLES.as_bytes()));
    let sheet = if selector & 32 != 0 {
        rows.to_vec()
    } else {
        let end = if selector & 2 != 0 { SHEET_END } else { "" };
        [SHEET_START.as_bytes(), rows, end.as_bytes()].concat()
    };
    rma_audit_fuzz::readers_agree(&package(&sheet, sst, styles, selector));
});
