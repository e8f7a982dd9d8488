//! The parts a sheet's cells are read against, loaded before the sheet: where the sheet's XML
//! lies in the zip, the shared strings, and which cell styles format numbers as dates.
//!
//! Each reader here follows calamine 0.38 (`xlsx/mod.rs`, `formats.rs`, `utils.rs`,
//! `attrs.rs`; MIT) step for step, so a cell reads the same through either reader: the
//! attribute scan, the `_xHHHH_` escapes, rich-text and phonetic runs, the date formats.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;

/// Why the metadata could not be loaded: the sheet is then read by calamine.
pub(super) type Unsupported = String;

/// A cell style's number format as far as a value is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CellFormat {
    Other,
    DateTime,
    TimeDelta,
}

/// What every chunk of the sheet is parsed against.
#[derive(Debug, Default)]
pub(super) struct Book {
    pub strings: Vec<String>,
    pub formats: Vec<CellFormat>,
    pub is_1904: bool,
}

/// The zip entry names, looked up as calamine does: `\` read as `/`, case ignored.
pub(super) struct Names(HashMap<String, String>);

impl Names {
    pub(super) fn of(archive: &zip::ZipArchive<BufReader<File>>) -> Names {
        Names(
            archive
                .file_names()
                .filter_map(Result::ok)
                .map(|name| {
                    (
                        name.replace('\\', "/").to_ascii_lowercase(),
                        name.to_string(),
                    )
                })
                .collect(),
        )
    }

    pub(super) fn get<'a>(&'a self, path: &'a str) -> &'a str {
        self.0
            .get(&path.to_ascii_lowercase())
            .map_or(path, String::as_str)
    }
}

/// An XML reader configured as calamine's.
pub(super) fn xml<R: BufRead>(source: R) -> Reader<R> {
    let mut reader = Reader::from_reader(source);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    reader
}

type Archive = zip::ZipArchive<BufReader<File>>;

/// A part of the archive read as XML.
type PartXml<'a> = Reader<BufReader<zip::read::ZipFile<'a, BufReader<File>>>>;

/// The part `path` as XML; `None` when the archive has no such part.
fn part<'a>(
    archive: &'a mut Archive,
    names: &Names,
    path: &str,
) -> Result<Option<PartXml<'a>>, Unsupported> {
    match archive.by_name(names.get(path)) {
        Ok(file) => Ok(Some(xml(BufReader::new(file)))),
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(err) => Err(format!("part {path}: {err}")),
    }
}

/// The path of sheet number `index` (0-based, in the workbook's order, every sheet type
/// counted), and the shared strings and number formats.
pub(super) fn load(
    path: &Path,
    index: usize,
    is_1904: bool,
) -> Result<(Book, String), Unsupported> {
    let file = File::open(path).map_err(|err| err.to_string())?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|err| err.to_string())?;
    let names = Names::of(&archive);
    let (dir, workbook) = office_document(&mut archive, &names)?;
    let rels = relationships(&mut archive, &names, &format!("{dir}_rels/{workbook}.rels"))?;
    let target = sheet_target(
        &mut archive,
        &names,
        &format!("{dir}{workbook}"),
        index,
        &rels,
    )?;
    let sheet = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    };
    let strings = shared_strings(&mut archive, &names, &format!("{dir}sharedStrings.xml"))?;
    let formats = number_formats(&mut archive, &names, &format!("{dir}styles.xml"))?;
    Ok((
        Book {
            strings,
            formats,
            is_1904,
        },
        names.get(&sheet).to_string(),
    ))
}

fn xml_error(err: impl std::fmt::Display) -> Unsupported {
    err.to_string()
}

/// The workbook part's folder (`xl/`) and name (`workbook.xml`) from `_rels/.rels`.
fn office_document(archive: &mut Archive, names: &Names) -> Result<(String, String), Unsupported> {
    let mut reader = part(archive, names, "_rels/.rels")?.ok_or("no _rels/.rels")?;
    let mut buf = Vec::new();
    let mut target = None;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if local(e.name()) == "Relationship" => {
                let [kind, to] = attrs(&e, ["Type", "Target"])?;
                if kind.is_some_and(|kind| kind.ends_with("/relationships/officeDocument")) {
                    if let Some(to) = to {
                        target = Some(
                            quick_xml::escape::unescape(to)
                                .map_err(xml_error)?
                                .into_owned(),
                        );
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let target = target.ok_or("no office document relationship")?;
    let (dir, name) = match target.rfind('/') {
        Some(at) => target.split_at(at + 1),
        None => ("", target.as_str()),
    };
    let name = if name.is_empty() {
        "workbook.xml"
    } else {
        name
    };
    Ok((
        dir.strip_prefix('/').unwrap_or(dir).to_string(),
        name.to_string(),
    ))
}

/// The workbook's relationships: id → target.
fn relationships(
    archive: &mut Archive,
    names: &Names,
    path: &str,
) -> Result<HashMap<String, String>, Unsupported> {
    let mut reader = part(archive, names, path)?.ok_or("no workbook relationships")?;
    let mut buf = Vec::new();
    let mut found = HashMap::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if local(e.name()) == "Relationship" => {
                let [id, target] = attrs(&e, ["Id", "Target"])?;
                if let Some(id) = id {
                    found.insert(id.to_string(), target.unwrap_or_default().to_string());
                }
            }
            Event::Eof => return Ok(found),
            _ => {}
        }
    }
}

/// The relationship target of the `index`-th `<sheet>` of the workbook part.
fn sheet_target(
    archive: &mut Archive,
    names: &Names,
    path: &str,
    index: usize,
    rels: &HashMap<String, String>,
) -> Result<String, Unsupported> {
    let mut reader = part(archive, names, path)?.ok_or("no workbook part")?;
    let mut buf = Vec::new();
    let mut seen = 0;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if local(e.name()) == "sheet" => {
                if seen == index {
                    let mut id = None;
                    for attr in RawAttrs::of(&e)? {
                        let (key, value) = attr?;
                        if local_name_matches(key, "id") {
                            id = Some(value);
                        }
                    }
                    return id
                        .and_then(|id| rels.get(id))
                        .cloned()
                        .ok_or_else(|| "sheet relationship not found".to_string());
                }
                seen += 1;
            }
            Event::Eof => return Err("sheet not found in the workbook part".to_string()),
            _ => {}
        }
    }
}

/// The shared strings, as calamine reads them (`read_shared_strings`).
fn shared_strings(
    archive: &mut Archive,
    names: &Names,
    path: &str,
) -> Result<Vec<String>, Unsupported> {
    let Some(mut reader) = part(archive, names, path)? else {
        return Ok(Vec::new());
    };
    let mut strings = Vec::new();
    let mut buf = Vec::new();
    let mut inner = Vec::new();
    let mut in_sst = false;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if !in_sst && local(e.name()) == "sst" => in_sst = true,
            Event::Start(e) if in_sst && local(e.name()) == "si" => {
                let closing = e.name().as_ref().to_string();
                if let Some(text) = read_string(&mut reader, QName(&closing), &mut inner)? {
                    strings.push(text);
                }
            }
            Event::End(e) if in_sst && local(e.name()) == "sst" => return Ok(strings),
            Event::Eof => return Err("shared strings end early".to_string()),
            _ => {}
        }
    }
}

/// Each cell style's number format (`cellXfs`), as calamine classifies it.
fn number_formats(
    archive: &mut Archive,
    names: &Names,
    path: &str,
) -> Result<Vec<CellFormat>, Unsupported> {
    let Some(mut reader) = part(archive, names, path)? else {
        return Ok(Vec::new());
    };
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut formats = Vec::new();
    let mut in_xfs = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if local(e.name()) == "numFmt" => {
                let [id, code] = attrs(&e, ["numFmtId", "formatCode"])?;
                if let (Some(id), Some(code)) = (id, code) {
                    let code = quick_xml::escape::unescape(code).map_err(xml_error)?;
                    custom.insert(id.to_string(), code.into_owned());
                }
            }
            Event::Start(e) if local(e.name()) == "cellXfs" => in_xfs = true,
            Event::End(e) if local(e.name()) == "cellXfs" => in_xfs = false,
            Event::Start(e) if in_xfs && local(e.name()) == "xf" => {
                let [id] = attrs(&e, ["numFmtId"])?;
                formats.push(id.map_or(CellFormat::Other, |id| match custom.get(id) {
                    Some(code) => custom_format(code),
                    None => builtin_format(id),
                }));
                // An `xf` holds no nested `xf`: its alignment and protection are passed over.
                let closing = e.name().as_ref().to_string();
                reader
                    .read_to_end_into(QName(&closing), &mut Vec::new())
                    .map_err(xml_error)?;
            }
            Event::Eof => return Ok(formats),
            _ => {}
        }
    }
}

/// calamine's `detect_custom_number_format`: a date, a duration (`[h]`) or a number.
pub(super) fn custom_format(format: &str) -> CellFormat {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return CellFormat::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return CellFormat::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0)
            | ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return CellFormat::DateTime
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    CellFormat::Other
}

/// calamine's `builtin_format_by_id`.
fn builtin_format(id: &str) -> CellFormat {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" | "27"
        | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51" | "52"
        | "53" | "54" | "55" | "56" | "57" | "58" => CellFormat::DateTime,
        "46" => CellFormat::TimeDelta,
        _ => CellFormat::Other,
    }
}

/// An `<si>` or `<is>` string as calamine's `read_string` reads it: the text of every `<t>`
/// (rich-text runs in order, phonetic runs skipped), each trimmed unless `xml:space="preserve"`
/// and with Excel's `_xHHHH_` escapes decoded. `Some` once the element ends.
pub(super) fn read_string<R: BufRead>(
    reader: &mut Reader<R>,
    closing: QName<'_>,
    buf: &mut Vec<u8>,
) -> Result<Option<String>, Unsupported> {
    let mut out = String::new();
    read_string_into(reader, closing, buf, &mut TextScratch::default(), &mut out)?;
    Ok(Some(out))
}

/// Buffers [`read_string_into`] reuses from string to string.
#[derive(Debug, Default)]
pub(super) struct TextScratch {
    events: Vec<u8>,
    end: String,
    raw: String,
}

/// [`read_string`] appending to `out`, allocating nothing once `scratch` has grown.
pub(super) fn read_string_into<R: BufRead>(
    reader: &mut Reader<R>,
    closing: QName<'_>,
    buf: &mut Vec<u8>,
    scratch: &mut TextScratch,
    out: &mut String,
) -> Result<(), Unsupported> {
    let mut phonetic = false;
    loop {
        buf.clear();
        match reader.read_event_into(buf).map_err(xml_error)? {
            Event::Start(e) if local(e.name()) == "rPh" => phonetic = true,
            Event::End(e) if e.name() == closing => return Ok(()),
            Event::End(e) if local(e.name()) == "rPh" => phonetic = false,
            Event::Start(e) if local(e.name()) == "t" && !phonetic => {
                let preserve = matches!(attrs(&e, ["xml:space"])?, [Some("preserve")]);
                scratch.end.clear();
                scratch.end.push_str(e.name().as_ref());
                scratch.raw.clear();
                let TextScratch { events, end, raw } = scratch;
                read_text_into(reader, QName(end), events, true, raw)?;
                let value = if preserve {
                    raw.as_str()
                } else {
                    raw.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.push_str(&unescape_xml(value));
            }
            Event::Eof => return Err("a string ends early".to_string()),
            _ => {}
        }
    }
}

/// The text up to the element's end: text, entities and (with `cdata`) CDATA sections.
pub(super) fn read_text<R: BufRead>(
    reader: &mut Reader<R>,
    closing: QName<'_>,
    buf: &mut Vec<u8>,
    cdata: bool,
) -> Result<String, Unsupported> {
    let mut value = String::new();
    read_text_into(reader, closing, buf, cdata, &mut value)?;
    Ok(value)
}

/// [`read_text`] appending to `value`.
fn read_text_into<R: BufRead>(
    reader: &mut Reader<R>,
    closing: QName<'_>,
    buf: &mut Vec<u8>,
    cdata: bool,
    value: &mut String,
) -> Result<(), Unsupported> {
    loop {
        buf.clear();
        match reader.read_event_into(buf).map_err(xml_error)? {
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::CData(t) if cdata => value.push_str(&t.xml10_content()),
            Event::GeneralRef(e) => unescape_entity(&e, value)?,
            Event::End(end) if end.name() == closing => return Ok(()),
            Event::Eof => return Err("a text ends early".to_string()),
            _ => {}
        }
    }
}

fn unescape_entity(entity: &BytesRef<'_>, out: &mut String) -> Result<(), Unsupported> {
    let name: &str = entity.as_ref();
    if let Some(text) = quick_xml::escape::resolve_xml_entity(name) {
        out.push_str(text);
        return Ok(());
    }
    match entity.resolve_char_ref().map_err(xml_error)? {
        Some(c) => {
            out.push(c);
            Ok(())
        }
        None => Err(format!("unknown entity &{name};")),
    }
}

/// Excel's `_xHHHH_` escapes (a UTF-16 unit each) decoded, as calamine's `unescape_xml`.
pub(super) fn unescape_xml(original: &str) -> Cow<'_, str> {
    let Some((mut index, mut unit)) = find_escape(original, 0) else {
        return Cow::Borrowed(original);
    };
    let mut out = String::with_capacity(original.len());
    let mut copied = 0;
    loop {
        out.push_str(&original[copied..index]);
        index += 7;
        match unit {
            0xD800..=0xDBFF => match parse_escape(original, index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += 7;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find_escape(original, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
    Cow::Owned(out)
}

fn find_escape(original: &str, mut start: usize) -> Option<(usize, u16)> {
    while let Some(offset) = memchr::memchr(b'_', &original.as_bytes()[start..]) {
        let index = start + offset;
        if let Some(unit) = parse_escape(original, index) {
            return Some((index, unit));
        }
        start = index + 1;
    }
    None
}

fn parse_escape(original: &str, index: usize) -> Option<u16> {
    let bytes = original.as_bytes().get(index..index + 7)?;
    if bytes[0] != b'_' || bytes[1] != b'x' || bytes[6] != b'_' {
        return None;
    }
    let hex = &bytes[2..6];
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

/// An element's local name: what follows the first `:` of `name`, or all of it (quick-xml's
/// `local_name`, with the colon found by `memchr` rather than char by char).
pub(super) fn local(name: QName<'_>) -> &str {
    let QName(raw) = name;
    match memchr::memchr(b':', raw.as_bytes()) {
        Some(colon) => &raw[colon + 1..],
        None => raw,
    }
}

/// An element's attributes as calamine scans them (`attrs.rs`): `key="value"` pairs split
/// on `=` and quotes, values raw (entities left as written).
pub(super) struct RawAttrs<'a> {
    raw: &'a str,
    pos: usize,
}

impl<'a> RawAttrs<'a> {
    pub(super) fn of(e: &'a BytesStart<'_>) -> Result<RawAttrs<'a>, Unsupported> {
        Ok(RawAttrs {
            raw: e.attributes_raw(),
            pos: 0,
        })
    }
}

impl<'a> Iterator for RawAttrs<'a> {
    type Item = Result<(&'a str, &'a str), Unsupported>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = self.raw;
        let bytes = raw.as_bytes();
        let len = bytes.len();
        let mut pos = self.pos;
        while pos < len && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= len {
            self.pos = pos;
            return None;
        }
        let key_start = pos;
        while pos < len && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= len {
            self.pos = len;
            return Some(Err("an attribute without `=`".to_string()));
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < len && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let Some(&quote @ (b'"' | b'\'')) = bytes.get(pos) else {
            self.pos = len;
            return Some(Err("an unquoted attribute value".to_string()));
        };
        pos += 1;
        let value_start = pos;
        while pos < len && bytes[pos] != quote {
            pos += 1;
        }
        let value = &raw[value_start..pos];
        if pos < len {
            pos += 1;
        }
        self.pos = pos;
        Some(Ok((key, value)))
    }
}

fn local_name_matches(key: &str, local: &str) -> bool {
    key == local
        || key
            .strip_suffix(local)
            .is_some_and(|prefix| prefix.as_bytes().last() == Some(&b':'))
}

/// The values of the attributes `keys`, as calamine's `get_attrs!`: a later duplicate
/// replaces an earlier one until as many keys were seen as asked for.
pub(super) fn attrs<'a, const N: usize>(
    e: &'a BytesStart<'_>,
    keys: [&str; N],
) -> Result<[Option<&'a str>; N], Unsupported> {
    let mut values = [None; N];
    let mut found = 0;
    for attr in RawAttrs::of(e)? {
        let (key, value) = attr?;
        if let Some(at) = keys.iter().position(|wanted| *wanted == key) {
            values[at] = Some(value);
            found += 1;
            if found == N {
                break;
            }
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_are_told_from_numbers_as_calamine_tells_them() {
        for (code, format) in [
            ("DD/MM/YY", CellFormat::DateTime),
            ("H:MM:SS;@", CellFormat::DateTime),
            ("yyyy-mm-dd hh:mm", CellFormat::DateTime),
            ("[h]:mm:ss", CellFormat::TimeDelta),
            ("#,##0.00", CellFormat::Other),
            ("\"$\"#,##0_);[Red](\"$\"#,##0)", CellFormat::Other),
            ("#,##0.0####\" YMD\"", CellFormat::Other),
            ("*-yyyy-mm-dd", CellFormat::DateTime),
            ("[>=100][Magenta].00", CellFormat::Other),
        ] {
            assert_eq!(custom_format(code), format, "{code}");
        }
        assert_eq!(builtin_format("14"), CellFormat::DateTime);
        assert_eq!(builtin_format("46"), CellFormat::TimeDelta);
        assert_eq!(builtin_format("4"), CellFormat::Other);
    }

    #[test]
    fn excel_escapes_decode_to_characters() {
        assert_eq!(unescape_xml("a_x000D_b"), "a\rb");
        assert_eq!(unescape_xml("_xD83D__xDCF7_"), "\u{1F4F7}");
        // `_x005F_` is `_`: an escape written as text.
        assert_eq!(unescape_xml("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_xml("_xD83D_"), "\u{FFFD}");
        assert_eq!(unescape_xml("plain_x00"), "plain_x00");
    }

    #[test]
    fn rich_text_joins_its_runs_and_drops_the_phonetic_ones() {
        let text = "<si><r><t>退</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\"> 货 </t></r>\
                    <rPh sb=\"0\" eb=\"1\"><t>tui</t></rPh></si>";
        let mut reader = xml(text.as_bytes());
        let mut buf = Vec::new();
        let Event::Start(start) = reader.read_event_into(&mut buf).unwrap() else {
            panic!("a start")
        };
        let closing = start.name().as_ref().to_string();
        let read = read_string(&mut reader, QName(&closing), &mut Vec::new()).unwrap();
        assert_eq!(read.as_deref(), Some("退 货 "));
    }
}
