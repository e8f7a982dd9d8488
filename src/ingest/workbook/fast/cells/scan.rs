//! The quick path through a chunk: the shapes spreadsheet programs write for rows and cells,
//! read byte by byte without an XML event reader. It takes `<row>` and `</row>`, and `<c>`
//! (or `<c/>`) holding `<v>` values and inline strings of one `<t>`, whitespace between them,
//! up to the chunk's end or `</sheetData>`.
//!
//! It gives the chunk back (`None`) at anything else: a comment, CDATA or processing
//! instruction, a formula, rich text, any entity or `&`, a carriage return in text (XML folds
//! it), a prefixed or unknown element, text outside a value, a malformed tag, text that is
//! not UTF-8, and every failure (a bad reference, a cell past column XFD, a value its type
//! refuses). The chunk is then parsed by [`ChunkParser::run`], which follows calamine step by
//! step; so that parse decides every case this one does not take. On what it does take, the
//! quick path does what `run` does, through the same steps ([`ChunkParser::open_cell`],
//! [`read_v`], [`ChunkParser::close_cell`]); the differential tests and fuzz targets hold the
//! two readers to the same cells.

use super::{read_v, row_of, ChunkParser, Kind, RowAt, Value};
use crate::ingest::workbook::fast::parts::unescape_xml;

/// Scans `chunk` into `parser`: whether `</sheetData>` was met, or `None` to have the chunk
/// parsed in full (`parser` is then left part-filled and must be dropped).
pub(super) fn scan(parser: &mut ChunkParser<'_>, chunk: &[u8], last: bool) -> Option<bool> {
    if !chunk.starts_with(super::super::OPEN) {
        return None;
    }
    let mut cursor = Cursor {
        xml: std::str::from_utf8(chunk).ok()?,
        at: super::super::OPEN.len(),
    };
    loop {
        cursor.skip_whitespace();
        if cursor.at == cursor.xml.len() {
            // The quick-xml parse names what a last chunk lacks.
            return (!last).then_some(false);
        }
        match cursor.tag()? {
            Tag::End(Name::Row) => {
                close(parser)?;
                parser.end_row();
            }
            Tag::End(Name::SheetData) => {
                close(parser)?;
                return Some(true);
            }
            Tag::Start(Name::Row) => {
                let ([r], empty) = cursor.attributes(["r"])?;
                if let Some(r) = r {
                    parser.row = RowAt::At(row_of(r).ok()?);
                }
                if empty {
                    parser.end_row();
                } else {
                    parser.depth += 1;
                }
            }
            Tag::Start(Name::C) => {
                let ([r, s, t], empty) = cursor.attributes(["r", "s", "t"])?;
                let (row, column, style, kind) = parser.open_cell(r, s, t).ok()?;
                let value = if empty {
                    Value::Empty
                } else {
                    cell_value(parser, &mut cursor, style, kind)?
                };
                parser.close_cell(row, column, value).ok()?;
            }
            _ => return None,
        }
    }
}

/// An end tag outside a cell (a cell's tags are taken only in pairs): it closes the element
/// last opened, `None` when none is open, where the full parse fails.
fn close(parser: &mut ChunkParser<'_>) -> Option<()> {
    parser.depth = parser.depth.checked_sub(1)?;
    Some(())
}

/// The children of a `<c>` up to its `</c>`: the last value read, as in `run`.
fn cell_value(
    parser: &mut ChunkParser<'_>,
    cursor: &mut Cursor<'_>,
    style: Option<usize>,
    kind: Kind,
) -> Option<Value> {
    let mut value = Value::Empty;
    loop {
        cursor.skip_whitespace();
        value = match cursor.tag()? {
            Tag::End(Name::C) => return Some(value),
            Tag::Start(Name::V) => {
                let ([], empty) = cursor.attributes([])?;
                let text = if empty {
                    ""
                } else {
                    cursor.text_until(b"</v>")?
                };
                v_value(parser, text, style, kind)?
            }
            Tag::Start(Name::Is) => {
                let ([], false) = cursor.attributes([])? else {
                    return None;
                };
                inline_string(parser, cursor)?;
                Value::Inline
            }
            _ => return None,
        };
    }
}

/// A `<v>` by the cell's type, as `run` reads it: text without entities or carriage returns
/// reads the same raw as decoded.
fn v_value(
    parser: &ChunkParser<'_>,
    text: &str,
    style: Option<usize>,
    kind: Kind,
) -> Option<Value> {
    match kind {
        Kind::InlineString => Some(Value::Empty),
        Kind::None | Kind::Number | Kind::Shared | Kind::Bool | Kind::Error if text.is_empty() => {
            Some(Value::Empty)
        }
        _ => read_v(parser.book, text, style, kind).ok(),
    }
}

/// `<is><t>…</t></is>` into the parser's inline buffer, after the `<is>`; trimmed unless
/// `xml:space="preserve"`, then Excel's `_xHHHH_` escapes decoded.
fn inline_string(parser: &mut ChunkParser<'_>, cursor: &mut Cursor<'_>) -> Option<()> {
    cursor.skip_whitespace();
    if cursor.tag()? != Tag::Start(Name::T) {
        return None;
    }
    let ([space], false) = cursor.attributes(["xml:space"])? else {
        return None;
    };
    let raw = cursor.text_until(b"</t>")?;
    cursor.skip_whitespace();
    if !cursor.eat(b"</is>") {
        return None;
    }
    let text = if space == Some("preserve") {
        raw
    } else {
        raw.trim_matches([' ', '\t', '\r', '\n'])
    };
    parser.inline.clear();
    parser.inline.push_str(&unescape_xml(text));
    Some(())
}

/// The element names the quick path knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Row,
    C,
    V,
    Is,
    T,
    SheetData,
    Other,
}

/// A tag up to its name: a start tag's attributes are read next ([`Cursor::attributes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Start(Name),
    End(Name),
}

struct Cursor<'x> {
    xml: &'x str,
    at: usize,
}

/// Where the XML whitespace that starts at `at` ends.
fn past_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\r' | b'\n') {
        at += 1;
    }
    at
}

impl<'x> Cursor<'x> {
    fn bytes(&self) -> &'x [u8] {
        self.xml.as_bytes()
    }

    fn skip_whitespace(&mut self) {
        self.at = past_whitespace(self.bytes(), self.at);
    }

    /// The tag at the cursor, which must be at its `<`, read up to its name (an end tag up
    /// to its `>`); `None` for anything but a start or end tag with a plain name.
    fn tag(&mut self) -> Option<Tag> {
        // The tags of every cell first, as writers write them.
        if self.eat(b"</c>") {
            return Some(Tag::End(Name::C));
        }
        if self.bytes()[self.at..].starts_with(b"<c ") {
            self.at += 2;
            return Some(Tag::Start(Name::C));
        }
        if self.bytes()[self.at..].starts_with(b"<v>") {
            self.at += 2;
            return Some(Tag::Start(Name::V));
        }
        let bytes = self.bytes();
        if bytes.get(self.at) != Some(&b'<') {
            return None;
        }
        let end_tag = bytes.get(self.at + 1) == Some(&b'/');
        let start = self.at + 1 + usize::from(end_tag);
        let mut at = start;
        while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        if at == start || !bytes[start].is_ascii_alphabetic() {
            return None;
        }
        let name = match &bytes[start..at] {
            b"c" => Name::C,
            b"v" => Name::V,
            b"row" => Name::Row,
            b"is" => Name::Is,
            b"t" => Name::T,
            b"sheetData" => Name::SheetData,
            _ => Name::Other,
        };
        if end_tag {
            if bytes.get(at) != Some(&b'>') {
                return None;
            }
            self.at = at + 1;
            return Some(Tag::End(name));
        }
        self.at = at;
        Some(Tag::Start(name))
    }

    /// A start tag's attributes, from just past its name to past its `>`: the values of
    /// `keys`, as `parts::attrs` reads them (a later duplicate replaces an earlier one until
    /// as many keys were seen as asked for), and whether the tag is empty (`/>`). `None`
    /// unless every attribute is plain: a key of name characters, `=`, a quoted value
    /// without `<`, `>` or `&`, whitespace before each.
    fn attributes<const N: usize>(
        &mut self,
        keys: [&str; N],
    ) -> Option<([Option<&'x str>; N], bool)> {
        let xml = self.xml;
        let bytes = xml.as_bytes();
        let mut values = [None; N];
        let mut found = 0;
        let mut at = self.at;
        loop {
            let spaced = at;
            at = past_whitespace(bytes, at);
            match *bytes.get(at)? {
                b'>' => {
                    self.at = at + 1;
                    return Some((values, false));
                }
                b'/' if bytes.get(at + 1) == Some(&b'>') => {
                    self.at = at + 2;
                    return Some((values, true));
                }
                _ if at == spaced => return None,
                _ => {}
            }
            let key = at;
            while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b':') {
                at += 1;
            }
            let key = &xml[key..at];
            at = past_whitespace(bytes, at);
            if key.is_empty() || bytes.get(at) != Some(&b'=') {
                return None;
            }
            at += 1;
            at = past_whitespace(bytes, at);
            let quote @ (b'"' | b'\'') = *bytes.get(at)? else {
                return None;
            };
            let value = at + 1;
            at = value;
            loop {
                match *bytes.get(at)? {
                    byte if byte == quote => break,
                    b'<' | b'>' | b'&' => return None,
                    _ => at += 1,
                }
            }
            if found < N {
                if let Some(index) = keys.iter().position(|wanted| same_key(wanted, key)) {
                    values[index] = Some(&xml[value..at]);
                    found += 1;
                }
            }
            at += 1;
        }
    }

    /// The text up to `end_tag`, past which the cursor moves; `None` for text with markup,
    /// an entity or a carriage return.
    fn text_until(&mut self, end_tag: &[u8]) -> Option<&'x str> {
        let start = self.at;
        let end = start + plain_text_length(&self.bytes()[start..]);
        self.at = end;
        self.eat(end_tag).then_some(&self.xml[start..end])
    }

    /// Moves past `literal` when the cursor is at it.
    fn eat(&mut self, literal: &[u8]) -> bool {
        let found = self.bytes()[self.at..].starts_with(literal);
        if found {
            self.at += literal.len();
        }
        found
    }
}

/// The length of the plain text that starts `bytes`: up to its first `<`, or the `&` or
/// carriage return the quick path leaves to the full parse. Eight bytes at a time.
fn plain_text_length(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // Per byte of `word`, the high bit set where it equals `byte`; exact up to the first.
    let equal = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut at = 0;
    while let Some(next) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(next.try_into().expect("eight bytes"));
        let stops = equal(word, b'<') | equal(word, b'&') | equal(word, b'\r');
        if stops != 0 {
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|byte| matches!(byte, b'<' | b'&' | b'\r'))
        .unwrap_or(bytes.len() - at)
}

/// Whether two keys are the same: a loop over bytes, for keys of a letter or two.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::workbook::fast::cells::{parse_chunk, parse_chunk_in_full};
    use crate::ingest::workbook::fast::parts::{Book, CellFormat};

    fn book() -> Book {
        Book {
            strings: vec!["shared zero".to_string(), "shared one".to_string()],
            formats: vec![CellFormat::Other, CellFormat::DateTime, CellFormat::Other],
            is_1904: false,
        }
    }

    fn chunk(rows: &str, end: bool) -> Vec<u8> {
        let mut xml = super::super::super::OPEN.to_vec();
        xml.extend_from_slice(rows.as_bytes());
        if end {
            xml.extend_from_slice(b"</sheetData></worksheet>");
        }
        xml
    }

    /// Whether the quick path takes `rows` in a chunk that ends the sheet data, one that
    /// does not and one that does not but should (the last), having checked that it reads
    /// what it takes as the full parse does.
    fn taken(rows: &str) -> [bool; 3] {
        let book = book();
        [(true, true), (false, false), (false, true)].map(|(end, last)| {
            let xml = chunk(rows, end);
            let mut parser = ChunkParser::new(&book);
            parser.depth = super::super::super::OPEN_DEPTH;
            let quick = scan(&mut parser, &xml, last);
            let full = format!("{:?}", parse_chunk_in_full(&xml, &book, last));
            assert_eq!(
                format!("{:?}", parse_chunk(&xml, &book, last)),
                full,
                "{rows}"
            );
            if let Some(finished) = quick {
                assert_eq!(
                    format!("{:?}", parser.into_parsed(Ok(finished))),
                    full,
                    "{rows}"
                );
            }
            quick.is_some()
        })
    }

    #[test]
    fn the_shapes_writers_use_are_taken_and_read_as_the_full_parse_reads_them() {
        for rows in [
            r#"<row r="2" spans="1:3"><c r="A2" t="inlineStr"><is><t>T1</t></is></c><c r="B2" s="1"><v>46300.5</v></c><c r="C2" t="s"><v>1</v></c></row>"#,
            "<row>\n  <c t=\"inlineStr\">\n <is> <t xml:space=\"preserve\"> a b </t> </is> </c>\n</row>",
            r#"<row r="3"><c r="A3" t="inlineStr"><is><t>  trimmed	</t></is></c><c/><c s="2"/><c><v></v></c><c><v/></c></row>"#,
            r#"<row r='4'><c r='B4' t='b'><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><v>text</v></c><c t="d"><v>2026-10-02T08:00:00</v></c></row>"#,
            r#"<row r="5"/><row><c t="n"><v>12</v></c><c><v> 12 </v></c><c><v>not a number</v></c><c t="inlineStr"><v>ignored</v></c></row>"#,
            r#"<row r="6"><c r="A6" t="inlineStr"><is><t>a_x000D_b 退货</t></is></c><c r="A6"><v>2</v></c></row><row r="6"><c r="C6"><v>3</v></c></row>"#,
            r#"<row r="7"><c r="A7" r="B7" s="1" t="inlineStr"><is><t>dup</t></is></c></row>"#,
        ] {
            // The last chunk that lacks `</sheetData>` fails in the full parse's words.
            assert_eq!(taken(rows), [true, true, false], "{rows}");
        }
    }

    #[test]
    fn other_shapes_are_left_to_the_full_parse() {
        for rows in [
            r#"<!-- note --><row r="2"><c r="A2"><v>1</v></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[x]]></t></is></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><t>a &amp; b</t></is></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><t>a&#13;b</t></is></c></row>"#,
            "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>a\r\nb</t></is></c></row>",
            r#"<row r="2"><c r="A2" t="str"><f>A1</f><v>1</v></c></row>"#,
            r#"<row r="2"><c r="A2" t="str"><v>1</v><f>A1</f></c><c><f>SUM(A1)</f></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><r><t>rich</t></r></is></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><t>one</t><t>two</t></is></c></row>"#,
            r#"<x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c></x:row>"#,
            r#"<row r="2"><c r="A2" t="b"><v>2</v></c></row>"#,
            r#"<row r="2"><c r="A2" t="s"><v>9</v></c></row>"#,
            r#"<row r="2"><c r="XFE2"><v>1</v></c></row>"#,
            r#"<row r="2"><c r="A2"><v>1</v><extra/></c></row>"#,
            r#"<row r="2"><c r="A2" x="a>b"><v>1</v></c></row>"#,
            r#"<row r="2"><c r="A2" x=unquoted><v>1</v></c></row>"#,
            r#"<row r="2">stray text<c r="A2"><v>1</v></c></row>"#,
            r#"<row r="2"><c r="A2"><v>1</v></c"#,
            r#"<row r="-1"><c><v>1</v></c></row>"#,
            // The third row end closes the root: the full parse fails there.
            r#"<row r="2"><c r="A2"><v>1</v></c></row></row></row></row>"#,
        ] {
            assert_eq!(taken(rows), [false; 3], "{rows}");
        }
    }

    #[test]
    fn row_ends_without_a_row_close_the_elements_around_the_rows() {
        // Two stray row ends close the chunk's root and `<sheetData>`: the chunk reads to its
        // end with none open, and its `</sheetData>` would close nothing.
        let rows = r#"<row r="2"><c r="A2"><v>1</v></c></row></row></row>"#;
        assert_eq!(taken(rows), [false, true, false]);
        assert_eq!(parse_chunk(&chunk(rows, false), &book(), false).depth, 0);
        // A row left open counts as open.
        let open = r#"<row r="2"><c r="A2"><v>1</v></c><row r="3">"#;
        assert_eq!(taken(open), [true, true, false]);
        assert_eq!(parse_chunk(&chunk(open, false), &book(), false).depth, 4);
    }

    proptest::proptest! {
        #[test]
        fn plain_text_ends_where_a_byte_by_byte_search_ends_it(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<u8>(),
                    proptest::sample::select(vec![b'<', b'&', b'\r', b';', b'=', 0x80, 0xff]),
                ],
                0..40,
            )
        ) {
            let expected = bytes
                .iter()
                .position(|byte| matches!(byte, b'<' | b'&' | b'\r'))
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(plain_text_length(&bytes), expected);
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_left_to_the_full_parse() {
        let book = book();
        let mut xml = chunk(r#"<row r="2"><c r="A2" t="inlineStr"><is><t>"#, false);
        xml.extend_from_slice(b"\xff</t></is></c></row>");
        let mut parser = ChunkParser::new(&book);
        assert_eq!(scan(&mut parser, &xml, false), None);
        assert_eq!(
            format!("{:?}", parse_chunk(&xml, &book, false)),
            format!("{:?}", parse_chunk_in_full(&xml, &book, false))
        );
    }
}
