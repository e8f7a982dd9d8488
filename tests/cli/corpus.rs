//! The hostile-input corpus, generated: ticket rows from one compliant template, CSV text
//! written by the `csv` crate, minimal XLSX packages written by hand (so a test controls every
//! cell: error cells, formulas, merged cells, hidden rows), and an encrypted OOXML container.

use std::io::Write;

use crate::harness::HEADER;

/// A compliant JOINING ticket in the columns of [`HEADER`]: no findings at as-of 2026-11-15.
pub(crate) const TEMPLATE: &str = "T1,joining,no_reason,refund,return,顺丰速运,Tmall,2025-09-01,2025-09-03 10:00,2025-09-03 15:00,2025-09-08 10:00,2025-09-11 10:00,299.00,12.00,customer,prepaid,0,yes,no,";

/// The columns of [`HEADER`].
pub(crate) fn columns() -> Vec<&'static str> {
    HEADER.split(',').collect()
}

/// The template row with ticket id `id` and the given `(column, value)` replacements.
pub(crate) fn ticket(id: &str, changes: &[(&str, &str)]) -> Vec<String> {
    let names = columns();
    let mut fields: Vec<String> = TEMPLATE.split(',').map(str::to_owned).collect();
    fields[0] = id.to_owned();
    for (column, value) in changes {
        let at = names
            .iter()
            .position(|name| name == column)
            .unwrap_or_else(|| panic!("no column {column}"));
        fields[at] = (*value).to_owned();
    }
    fields
}

/// CSV text of [`HEADER`] and `rows`, quoted where needed.
pub(crate) fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    writer.write_record(columns()).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

/// A zip archive of `(name, bytes)` parts, deflated.
pub(crate) fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Rewrites the uncompressed size that `bytes` (a zip from [`zip_of`]) declares for `part`,
/// in its local header and in the central directory alike, as a forger would; the deflated
/// stream and everything else stay as they were.
pub(crate) fn claim_size(bytes: &mut [u8], part: &str, uncompressed: u32) {
    let name = part.as_bytes();
    let find = |signature: &[u8], name_at: usize| -> usize {
        (0..bytes.len().saturating_sub(name_at + name.len()))
            .find(|&at| {
                bytes[at..].starts_with(signature) && bytes[at + name_at..].starts_with(name)
            })
            .unwrap_or_else(|| panic!("no {part} header"))
    };
    let local = find(b"PK\x03\x04", 30);
    let central = find(b"PK\x01\x02", 46);
    bytes[local + 22..local + 26].copy_from_slice(&uncompressed.to_le_bytes());
    bytes[central + 24..central + 28].copy_from_slice(&uncompressed.to_le_bytes());
}

/// The compressed size the central directory of `bytes` gives `part`.
pub(crate) fn compressed_size(bytes: &[u8], part: &str) -> u32 {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let index = archive.index_for_name(part).expect("the part");
    archive.by_index_data(index).unwrap().compressed_size() as u32
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The spreadsheet column letter of a zero-based index (only A–Z needed here).
fn letter(index: usize) -> char {
    (b'A' + index as u8) as char
}

/// One cell of a hand-written sheet.
#[derive(Clone)]
pub(crate) enum Xc {
    Text(String),
    Number(f64),
    /// An error cell (`#N/A`, `#VALUE!`).
    Error(&'static str),
    /// A formula with its cached numeric result.
    FormulaNumber(&'static str, f64),
    /// A formula with its cached text result.
    FormulaText(&'static str, String),
    Empty,
}

/// A hand-written sheet row: its cells and whether the row is hidden.
pub(crate) struct Xrow {
    pub cells: Vec<Xc>,
    pub hidden: bool,
}

impl Xrow {
    /// A visible row of text cells.
    pub(crate) fn text(fields: &[String]) -> Xrow {
        Xrow {
            cells: fields.iter().map(|f| Xc::Text(f.clone())).collect(),
            hidden: false,
        }
    }
}

fn cell_xml(reference: &str, cell: &Xc) -> String {
    match cell {
        Xc::Text(text) if text.is_empty() => String::new(),
        Xc::Text(text) => format!(
            r#"<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
            escape(text)
        ),
        Xc::Number(number) => format!(r#"<c r="{reference}"><v>{number}</v></c>"#),
        Xc::Error(error) => format!(r#"<c r="{reference}" t="e"><v>{error}</v></c>"#),
        Xc::FormulaNumber(formula, value) => format!(
            r#"<c r="{reference}"><f>{}</f><v>{value}</v></c>"#,
            escape(formula)
        ),
        Xc::FormulaText(formula, value) => format!(
            r#"<c r="{reference}" t="str"><f>{}</f><v>{}</v></c>"#,
            escape(formula),
            escape(value)
        ),
        Xc::Empty => String::new(),
    }
}

/// The worksheet XML of `rows` (row 1 first), with optional merged ranges and extra bytes of
/// padding inside `sheetData` (to make a sheet part as large as a test needs).
pub(crate) fn sheet_xml(rows: &[Xrow], merged: &[&str], padding: usize) -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (at, row) in rows.iter().enumerate() {
        let number = at + 1;
        let hidden = if row.hidden { r#" hidden="1""# } else { "" };
        xml.push_str(&format!(r#"<row r="{number}"{hidden}>"#));
        for (column, cell) in row.cells.iter().enumerate() {
            xml.push_str(&cell_xml(&format!("{}{number}", letter(column)), cell));
        }
        xml.push_str("</row>");
    }
    let mut bytes = xml.into_bytes();
    bytes.extend(std::iter::repeat_n(b' ', padding));
    bytes.extend_from_slice(b"</sheetData>");
    if !merged.is_empty() {
        let cells: String = merged
            .iter()
            .map(|range| format!(r#"<mergeCell ref="{range}"/>"#))
            .collect();
        bytes.extend_from_slice(
            format!(
                r#"<mergeCells count="{}">{cells}</mergeCells>"#,
                merged.len()
            )
            .as_bytes(),
        );
    }
    bytes.extend_from_slice(b"</worksheet>");
    bytes
}

/// A minimal XLSX package around one worksheet part named `Tickets`.
pub(crate) fn xlsx_of(sheet: &[u8]) -> Vec<u8> {
    let content_types = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let rels = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Tickets" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let workbook_rels = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    zip_of(&[
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

/// A header row of [`HEADER`] as text cells.
pub(crate) fn header_row() -> Xrow {
    Xrow::text(
        &columns()
            .iter()
            .map(std::string::ToString::to_string)
            .collect::<Vec<_>>(),
    )
}

const FREE: u32 = 0xFFFF_FFFF;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;

/// One 128-byte directory entry of a compound file.
fn directory_entry(name: &str, kind: u8, right: u32, child: u32, start: u32, size: u32) -> Vec<u8> {
    let mut entry = vec![0u8; 128];
    let utf16: Vec<u8> = name
        .encode_utf16()
        .chain(std::iter::once(0))
        .flat_map(u16::to_le_bytes)
        .collect();
    entry[..utf16.len()].copy_from_slice(&utf16);
    entry[64..66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
    entry[66] = kind;
    entry[67] = 1; // black
    entry[68..72].copy_from_slice(&FREE.to_le_bytes()); // left sibling: none
    entry[72..76].copy_from_slice(&right.to_le_bytes());
    entry[76..80].copy_from_slice(&child.to_le_bytes());
    entry[116..120].copy_from_slice(&start.to_le_bytes());
    entry[120..124].copy_from_slice(&size.to_le_bytes());
    entry
}

/// What Excel writes for a workbook saved with a password: not a zip but an OLE compound file
/// (MS-CFB, version 3, 512-byte sectors) holding an `EncryptionInfo` and an `EncryptedPackage`
/// stream (MS-OFFCRYPTO). The streams' contents here are filler; the container is valid.
///
/// Layout: header, sector 0 = FAT, 1 = directory, 2 = mini FAT, 3 = mini stream holding the
/// two 64-byte streams.
pub(crate) fn encrypted_ooxml() -> Vec<u8> {
    let sector = |words: &[u32]| -> Vec<u8> {
        let mut bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        while bytes.len() < 512 {
            bytes.extend(FREE.to_le_bytes());
        }
        bytes
    };
    let mut header = vec![0u8; 76];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes()); // minor version
    header[26..28].copy_from_slice(&3u16.to_le_bytes()); // major version 3
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes()); // little-endian
    header[30..32].copy_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    header[32..34].copy_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    header[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
    header[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
    header[56..60].copy_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    header[60..64].copy_from_slice(&2u32.to_le_bytes()); // mini FAT at sector 2
    header[64..68].copy_from_slice(&1u32.to_le_bytes()); // one mini FAT sector
    header[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes()); // no DIFAT sectors
    header[72..76].copy_from_slice(&0u32.to_le_bytes());
    header.extend(sector(&[0]).into_iter().take(109 * 4)); // DIFAT: FAT in sector 0

    let fat = sector(&[FAT_SECTOR, END_OF_CHAIN, END_OF_CHAIN, END_OF_CHAIN]);
    let mut directory = Vec::new();
    directory.extend(directory_entry("Root Entry", 5, FREE, 1, 3, 128));
    // "EncryptionInfo" sorts before the longer "EncryptedPackage": its right sibling.
    directory.extend(directory_entry("EncryptionInfo", 2, 2, FREE, 0, 64));
    directory.extend(directory_entry("EncryptedPackage", 2, FREE, FREE, 1, 64));
    directory.extend(vec![0u8; 128]);
    let mini_fat = sector(&[END_OF_CHAIN, END_OF_CHAIN]);
    let mut mini_stream = Vec::new();
    mini_stream.extend([4u8, 0, 4, 0, 0x40, 0, 0, 0]); // EncryptionInfo: agile, v4.4
    mini_stream.resize(64, 0);
    mini_stream.extend(1024u64.to_le_bytes()); // EncryptedPackage: plaintext size
    mini_stream.resize(512, 0xA5);

    [header, fat, directory, mini_fat, mini_stream].concat()
}
