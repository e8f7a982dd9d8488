//! One chunk of a sheet's `<sheetData>` (whole `<row>` elements) parsed into row groups: the
//! cells of consecutive positions on one row, each as [`RawCell`]s at their column. Every step
//! follows calamine 0.38's `XlsxCellReader::next_cell` and `read_value`, so the same XML gives
//! the same cells; the row number of a row without an `r` attribute is counted from the
//! chunk's start and settled, in order, when the chunk is assembled.

use calamine::{DataRef, ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::Event;
use quick_xml::name::QName;
use quick_xml::Reader;

use super::parts::{
    attrs, local, read_string_into, read_text, unescape_xml, xml, Book, CellFormat, TextScratch,
};
use crate::ingest::workbook::{from_data_ref, MAX_COLUMNS};
use crate::ingest::RawCell;

mod scan;

/// A row number: known, or so many row ends after the row the chunk starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RowAt {
    At(u32),
    After(u32),
}

impl RowAt {
    fn next(self) -> RowAt {
        match self {
            RowAt::At(row) => RowAt::At(row.wrapping_add(1)),
            RowAt::After(ends) => RowAt::After(ends.wrapping_add(1)),
        }
    }

    /// The row number, given the row the chunk starts on.
    pub(super) fn settle(self, start: u32) -> u32 {
        match self {
            RowAt::At(row) => row,
            RowAt::After(ends) => start.wrapping_add(ends),
        }
    }
}

/// Consecutive cells of one row: what calamine's stream gives between two row changes.
#[derive(Debug)]
pub(super) struct Group {
    pub row: RowAt,
    pub cells: Vec<RawCell>,
    /// The text of the group's [`RawCell::Field`]s.
    pub text: String,
}

/// Why a chunk stopped before its end.
#[derive(Debug)]
pub(super) enum Stop {
    /// A cell past column XFD, on this row.
    BeyondLastColumn(RowAt),
    /// The XML cannot be read (calamine is asked for its own words).
    Malformed(String),
    /// The chunk, not the last, ends inside markup or inside an element being read: a row
    /// end tag in an attribute value or in a text that goes on past rows, where the chunk was
    /// cut. The parse has to go on into the following chunks.
    CutShort,
    /// Chunks joined after a cut short passed [`MAX_ROW_BYTES`](super::MAX_ROW_BYTES).
    TooLong,
    /// More than [`MAX_OPEN`](super::MAX_OPEN) elements are open before the chunk.
    TooDeep,
}

/// A parsed chunk.
#[derive(Debug)]
pub(super) struct Parsed {
    pub groups: Vec<Group>,
    /// The row a following chunk starts on.
    pub end: RowAt,
    /// The elements open at the chunk's end, counting those open around it at its start
    /// (the ones its XML starts with): the count a following chunk starts with. 0 when the
    /// chunk did not read to its end (finished or stopped).
    pub depth: usize,
    /// `</sheetData>` was met: nothing after this chunk is read.
    pub finished: bool,
    pub stop: Option<Stop>,
}

impl Parsed {
    /// A chunk that yields nothing and stops the sheet.
    pub(super) fn failed(stop: Stop) -> Parsed {
        Parsed {
            groups: Vec::new(),
            end: RowAt::After(0),
            depth: 0,
            finished: false,
            stop: Some(stop),
        }
    }
}

/// Parses one chunk that starts with [`OPEN`](super::OPEN); `last` when no more XML follows
/// it: by the quick path when it takes the chunk ([`scan`]), in full otherwise.
pub(super) fn parse_chunk(chunk: &[u8], book: &Book, last: bool) -> Parsed {
    let mut parser = ChunkParser::new(book);
    parser.depth = super::OPEN_DEPTH;
    match scan::scan(&mut parser, chunk, last) {
        Some(finished) => parser.into_parsed(Ok(finished)),
        None => parse_chunk_in_full(chunk, book, last),
    }
}

/// Parses one chunk with quick-xml, as calamine parses a sheet: one reader over the whole
/// chunk, so an end tag fails when no element is open, counting those the chunk's XML opens
/// before its rows.
pub(super) fn parse_chunk_in_full(chunk: &[u8], book: &Book, last: bool) -> Parsed {
    let mut parser = ChunkParser::new(book);
    let mut xml_read = Vec::with_capacity(chunk.len() + CHUNK_END.len());
    xml_read.extend_from_slice(chunk);
    xml_read.extend_from_slice(CHUNK_END);
    let mut reader = xml(&xml_read[..]);
    let outcome = match parser.run(&mut reader, last) {
        // The parse failed past the chunk's own XML, for want of what follows it.
        Err(Stop::Malformed(_)) if !last && reader.buffer_position() > chunk.len() as u64 => {
            Err(Stop::CutShort)
        }
        outcome => outcome,
    };
    parser.into_parsed(outcome)
}

/// What the full parse reads after a chunk's XML: a processing instruction, which the parse
/// meets at the top level once the chunk's own events are all read, while the reader still
/// holds its count of open elements ([`open_elements`]).
const CHUNK_END: &[u8] = b"<?rma-audit chunk-end?>";

/// [`CHUNK_END`]'s content as quick-xml gives it.
const CHUNK_END_CONTENT: &str = "rma-audit chunk-end";

/// The elements `reader` has open, found by giving it end tags until one closes nothing (it
/// keeps the count to itself). The reader is used up.
fn open_elements(reader: &mut Reader<&[u8]>) -> usize {
    let mut open = 0;
    loop {
        *reader.get_mut() = b"</_>";
        match reader.read_event() {
            Ok(Event::End(_)) => open += 1,
            _ => return open,
        }
    }
}

struct ChunkParser<'b> {
    book: &'b Book,
    groups: Vec<Group>,
    row: RowAt,
    column: u32,
    value_buf: Vec<u8>,
    /// The qualified name of the cell's child being read.
    closing: String,
    /// Buffers for reading inline strings.
    scratch: TextScratch,
    /// The inline string just read ([`Value::Inline`]).
    inline: String,
    /// The elements open where the quick path has read to ([`Parsed::depth`]).
    depth: usize,
}

fn malformed(err: impl std::fmt::Display) -> Stop {
    Stop::Malformed(err.to_string())
}

impl<'b> ChunkParser<'b> {
    fn new(book: &'b Book) -> ChunkParser<'b> {
        ChunkParser {
            book,
            groups: Vec::new(),
            row: RowAt::After(0),
            column: 0,
            value_buf: Vec::with_capacity(256),
            closing: String::with_capacity(16),
            scratch: TextScratch::default(),
            inline: String::with_capacity(256),
            depth: 0,
        }
    }

    fn into_parsed(self, outcome: Result<bool, Stop>) -> Parsed {
        let (finished, stop) = match outcome {
            Ok(finished) => (finished, None),
            Err(stop) => (false, Some(stop)),
        };
        let depth = if finished || stop.is_some() {
            0
        } else {
            self.depth
        };
        Parsed {
            groups: self.groups,
            end: self.row,
            depth,
            finished,
            stop,
        }
    }

    fn end_row(&mut self) {
        self.row = self.row.next();
        self.column = 0;
    }

    /// A `<c>`'s place, style and type from its `r`, `s` and `t`.
    fn open_cell(
        &mut self,
        position: Option<&str>,
        style: Option<&str>,
        kind: Option<&str>,
    ) -> Result<(RowAt, u32, Option<usize>, Kind), Stop> {
        let (row, column) = match position {
            Some(reference) => {
                let (row, column) = row_column(reference)?;
                self.column = column;
                (RowAt::At(row), column)
            }
            None => (self.row, self.column),
        };
        let style = style
            .map(|style| atoi_simd::parse::<usize, true, false>(style.as_bytes()).unwrap_or(0));
        Ok((row, column, style, Kind::of(kind)))
    }

    /// A cell read: the next one's column counted on, the value placed.
    fn close_cell(&mut self, row: RowAt, column: u32, value: Value) -> Result<(), Stop> {
        self.column = self.column.wrapping_add(1);
        if column >= MAX_COLUMNS {
            return Err(Stop::BeyondLastColumn(row));
        }
        self.place(row, column, value);
        Ok(())
    }

    /// Reads cells until `</sheetData>` (true) or the chunk's end (false).
    fn run(&mut self, reader: &mut Reader<&[u8]>, last: bool) -> Result<bool, Stop> {
        loop {
            // Events borrow from the chunk: nothing is copied out of it.
            let cell = match reader.read_event().map_err(malformed)? {
                Event::Start(e) if local(e.name()) == "row" => {
                    if let [Some(r)] = attrs(&e, ["r"]).map_err(Stop::Malformed)? {
                        self.row = RowAt::At(row_of(r)?);
                    }
                    continue;
                }
                Event::End(e) if local(e.name()) == "row" => {
                    self.end_row();
                    continue;
                }
                Event::Start(e) if local(e.name()) == "c" => {
                    let [position, style, kind] =
                        attrs(&e, ["r", "s", "t"]).map_err(Stop::Malformed)?;
                    self.open_cell(position, style, kind)?
                }
                Event::End(e) if local(e.name()) == "sheetData" => return Ok(true),
                // CHUNK_END, whole: the chunk's XML is read to its end.
                Event::PI(pi)
                    if !last && reader.get_ref().is_empty() && &*pi == CHUNK_END_CONTENT =>
                {
                    self.depth = open_elements(reader);
                    return Ok(false);
                }
                Event::Eof if last => return Err(malformed("the sheet data ends early")),
                // CHUNK_END was read as part of other markup.
                Event::Eof => return Err(malformed("the chunk ends inside markup")),
                _ => continue,
            };
            let (row, column, style, kind) = cell;
            self.cell(reader, row, column, style, kind)?;
        }
    }

    /// One `<c>` element's value, placed in its row.
    fn cell(
        &mut self,
        reader: &mut Reader<&[u8]>,
        row: RowAt,
        column: u32,
        style: Option<usize>,
        kind: Kind,
    ) -> Result<(), Stop> {
        let mut value = Value::Empty;
        loop {
            let child = match reader.read_event().map_err(malformed)? {
                Event::Start(child) => {
                    self.closing.clear();
                    self.closing.push_str(child.name().as_ref());
                    match local(child.name()) {
                        "is" => Child::Is,
                        "v" => Child::V,
                        "f" => Child::F,
                        _ => Child::Other,
                    }
                }
                Event::End(end) if local(end.name()) == "c" => break,
                Event::Eof => return Err(malformed("a cell ends early")),
                _ => continue,
            };
            let closing = std::mem::take(&mut self.closing);
            let read = self.value(reader, child, QName(&closing), style, kind);
            self.closing = closing;
            value = read?;
        }
        self.close_cell(row, column, value)
    }

    /// calamine's `read_value`: the cell's `<v>`, `<is>` or `<f>`.
    fn value(
        &mut self,
        reader: &mut Reader<&[u8]>,
        child: Child,
        name: QName<'_>,
        style: Option<usize>,
        kind: Kind,
    ) -> Result<Value, Stop> {
        match (child, kind) {
            (Child::Is, _) => {
                self.inline.clear();
                read_string_into(
                    reader,
                    name,
                    &mut self.value_buf,
                    &mut self.scratch,
                    &mut self.inline,
                )
                .map_err(Stop::Malformed)?;
                Ok(Value::Inline)
            }
            (Child::V, Kind::InlineString) | (Child::F, _) => {
                reader.read_to_end(name).map_err(malformed)?;
                Ok(Value::Empty)
            }
            (Child::V, Kind::None | Kind::Number | Kind::Shared | Kind::Bool | Kind::Error) => {
                let value = match reader.read_event().map_err(malformed)? {
                    Event::Text(t) => read_v(self.book, &t, style, kind)?,
                    Event::End(end) if end.name() == name => return Ok(Value::Empty),
                    Event::Eof => return Err(malformed("a value ends early")),
                    _ => Value::Empty,
                };
                reader.read_to_end(name).map_err(malformed)?;
                Ok(value)
            }
            (Child::V, _) => {
                let text =
                    read_text(reader, name, &mut self.value_buf, false).map_err(Stop::Malformed)?;
                read_v(self.book, &text, style, kind)
            }
            (Child::Other, _) => Err(malformed("a cell holds an element other than v, f or is")),
        }
    }

    /// Places a cell as calamine's stream gives it to the row builder: a new group when the
    /// row changes, an empty value opening the row without filling a column.
    fn place(&mut self, row: RowAt, column: u32, value: Value) {
        if self.groups.last().is_none_or(|group| group.row != row) {
            let (width, text) = self
                .groups
                .last()
                .map_or((0, 0), |group| (group.cells.len(), group.text.len()));
            self.groups.push(Group {
                row,
                cells: Vec::with_capacity(width),
                text: String::with_capacity(text),
            });
        }
        let group = self.groups.last_mut().expect("just pushed");
        let cell = match value {
            Value::Empty => return,
            Value::Cell(cell) => cell,
            Value::Text(text) => field(&mut group.text, &text),
            Value::Inline => field(&mut group.text, &self.inline),
            Value::Shared(index) => field(&mut group.text, &self.book.strings[index]),
        };
        put(&mut group.cells, column as usize, cell);
    }
}

/// calamine's `read_v`: a `<v>` read by the cell's type and style.
fn read_v(book: &Book, v: &str, style: Option<usize>, kind: Kind) -> Result<Value, Stop> {
    let format = match style {
        Some(id) => book.formats.get(id).copied(),
        None => Some(CellFormat::Other),
    };
    match kind {
        Kind::Shared => {
            if v.is_empty() {
                return Ok(Value::Empty);
            }
            let index = atoi_simd::parse::<usize, true, false>(v.as_bytes()).unwrap_or(0);
            match book.strings.get(index) {
                Some(_) => Ok(Value::Shared(index)),
                None => Err(malformed("a shared string index past the table")),
            }
        }
        Kind::Bool => match v.trim() {
            "" => Ok(Value::Empty),
            "0" => Ok(Value::Cell(RawCell::Bool(false))),
            "1" => Ok(Value::Cell(RawCell::Bool(true))),
            flag if flag.eq_ignore_ascii_case("false") => Ok(Value::Cell(RawCell::Bool(false))),
            flag if flag.eq_ignore_ascii_case("true") => Ok(Value::Cell(RawCell::Bool(true))),
            _ => Err(malformed("a boolean cell that is neither 0 nor 1")),
        },
        Kind::Date => Ok(Value::Cell(from_data_ref(&DataRef::DateTimeIso(
            v.to_string(),
        )))),
        Kind::Error => v
            .parse::<calamine::CellErrorType>()
            .map(|error| Value::Cell(RawCell::error(error.to_string())))
            .map_err(malformed),
        Kind::Formula => Ok(Value::Text(unescape_xml(v).into_owned())),
        Kind::Number | Kind::None => {
            if v.is_empty() {
                return Ok(Value::Empty);
            }
            match fast_float2::parse::<f64, _>(v.as_bytes()) {
                Ok(number) => Ok(Value::Cell(number_cell(number, format, book.is_1904))),
                Err(_) if kind == Kind::None => Ok(Value::Text(v.to_string())),
                Err(_) => Err(malformed("a number cell that is no number")),
            }
        }
        Kind::InlineString | Kind::Unknown => Err(malformed("an unknown cell type")),
    }
}

/// A cell's `t` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No `t`: a number, or text when it is none.
    None,
    Number,
    Shared,
    Bool,
    Error,
    /// `str`: a formula's text result.
    Formula,
    /// `d`: an ISO 8601 date.
    Date,
    /// `inlineStr` or `is`.
    InlineString,
    Unknown,
}

impl Kind {
    fn of(t: Option<&str>) -> Kind {
        match t {
            None => Kind::None,
            Some("n") => Kind::Number,
            Some("s") => Kind::Shared,
            Some("b") => Kind::Bool,
            Some("e") => Kind::Error,
            Some("str") => Kind::Formula,
            Some("d") => Kind::Date,
            Some("inlineStr" | "is") => Kind::InlineString,
            Some(_) => Kind::Unknown,
        }
    }
}

/// A `<c>` element's child.
#[derive(Debug, Clone, Copy)]
enum Child {
    Is,
    V,
    F,
    Other,
}

/// A cell's value before it is placed.
enum Value {
    Empty,
    Cell(RawCell),
    Text(String),
    /// The text of an `<is>` element, held in the parser's `inline` buffer.
    Inline,
    Shared(usize),
}

/// Text kept in the row's buffer, as the calamine path keeps it.
pub(super) fn field(buffer: &mut String, text: &str) -> RawCell {
    let start = buffer.len();
    match (u32::try_from(start), u32::try_from(start + text.len())) {
        (Ok(start), Ok(end)) => {
            buffer.push_str(text);
            RawCell::Field { start, end }
        }
        _ => RawCell::text(text),
    }
}

/// A cell at its column, gaps empty; a later cell at a filled column replaces it.
pub(super) fn put(cells: &mut Vec<RawCell>, column: usize, cell: RawCell) {
    if cells.len() < column {
        cells.resize(column, RawCell::Empty);
    }
    if cells.len() == column {
        cells.push(cell);
    } else {
        cells[column] = cell;
    }
}

/// A number as its cell style shows it: a date (from its serial), a duration or a number.
fn number_cell(number: f64, format: Option<CellFormat>, is_1904: bool) -> RawCell {
    match format {
        Some(CellFormat::DateTime) => RawCell::excel_date(&ExcelDateTime::new(
            number,
            ExcelDateTimeType::DateTime,
            is_1904,
        )),
        _ => RawCell::Number(number),
    }
}

/// calamine's `get_row_and_optional_column`: `B12` → row 11, column 1.
fn reference(text: &str) -> Result<(u32, Option<u32>), Stop> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut column: u32 = 0;
    let mut row: u32 = 0;
    while at < bytes.len() {
        match bytes[at] {
            c @ b'A'..=b'Z' => column = column * 26 + u32::from(c - b'A') + 1,
            c @ b'a'..=b'z' => column = column * 26 + u32::from(c - b'a') + 1,
            c @ b'0'..=b'9' => {
                row = u32::from(c - b'0');
                at += 1;
                break;
            }
            _ => return Err(malformed("a cell reference that is not alphanumeric")),
        }
        at += 1;
    }
    while at < bytes.len() {
        match bytes[at] {
            c @ b'0'..=b'9' => row = row * 10 + u32::from(c - b'0'),
            _ => return Err(malformed("a cell reference that is not alphanumeric")),
        }
        at += 1;
    }
    let row = row
        .checked_sub(1)
        .ok_or_else(|| malformed("a cell reference without a row"))?;
    Ok((row, column.checked_sub(1)))
}

/// Whether a `<dimension ref>` reads as calamine reads it without failing: one or two
/// references, the second not before the first.
pub(super) fn valid_dimension(range: &str) -> bool {
    let parts: Result<Vec<(u32, u32)>, Stop> = range.split(':').map(row_column).collect();
    match parts.as_deref() {
        Ok([_]) => true,
        Ok([start, end]) => end.0 >= start.0 && end.1 >= start.1,
        _ => false,
    }
}

fn row_of(text: &str) -> Result<u32, Stop> {
    reference(text).map(|(row, _)| row)
}

fn row_column(text: &str) -> Result<(u32, u32), Stop> {
    match reference(text)? {
        (row, Some(column)) => Ok((row, column)),
        (_, None) => Err(malformed("a cell reference without a column")),
    }
}
