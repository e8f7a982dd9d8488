//! The XLSX sheet reader that overlaps inflating and parsing. One thread inflates the sheet's
//! XML and cuts it into chunks of whole `<row>` elements; the chunks are parsed in parallel;
//! the same thread hands their rows on in sheet order, through the channel the calamine reader
//! uses ([`Message`]), so the header scan, sheet choice and everything after are shared.
//!
//! The shared strings and number formats are loaded first ([`parts`]); every cell is read as
//! calamine 0.38 reads it ([`cells`]), which the differential tests check. A chunk is first
//! scanned byte by byte for the shapes spreadsheet programs write (`<row>`, `<c>`, `<v>`,
//! single-run inline strings); at anything else — a comment, CDATA, a formula, rich text, an
//! entity, a failure — the whole chunk is parsed again with quick-xml, step by step as
//! calamine parses it. What this reader does not handle goes to calamine instead, before any
//! row is sent:
//!
//! - `RMA_AUDIT_XLSX_READER=calamine` ([`READER_ENV`]);
//! - parts it cannot locate or load (relationships, shared strings, styles) the way it expects;
//! - a sheet whose `<sheetData>` carries a namespace prefix (`<x:sheetData>`, whose rows end
//!   in `</x:row>`), or whose XML before `<sheetData>` is not as calamine expects (a
//!   `<dimension>` without a valid `ref`, no `<sheetData>` at all);
//! - a sheet part declared in an encoding other than UTF-8;
//! - a sheet with more than [`MAX_OPEN`] elements open at its `<sheetData>`.
//!
//! The chunks are parsed apart, each as if the sheet's root and `<sheetData>` were the only
//! elements open around its rows; calamine's one reader fails at an end tag when no element
//! is open. So each chunk's parse counts the elements open at its end, and a chunk that
//! starts with another count than the one assumed (after stray end tags, or an element left
//! open, or a `<sheetData>` that is not the root's child) is parsed again, in turn, with
//! that count open before it. The cut falls after a `</row>`, which may lie inside markup (an
//! attribute value, a processing instruction) or inside a text that runs on over rows; the
//! parse of such a chunk fails for want of what follows ([`Stop::CutShort`]), and the chunk is
//! joined to the following ones and parsed again.
//!
//! Memory stays bounded: at most [`WINDOW`] chunks of about [`CHUNK_BYTES`] are in flight, and
//! rows leave through the bounded channel. A single row whose XML passes [`MAX_ROW_BYTES`]
//! fails the sheet.
//!
//! The parse workers are rayon tasks (`rayon::spawn`): rayon is the crate's one parallel seam,
//! its pool already sized to the machine and shared with the audit's evaluation, so the parse
//! and the audit take turns on the same threads instead of oversubscribing the cores.

mod cells;
mod parts;
mod split;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::mpsc::{self, SyncSender};
use std::sync::Arc;

use quick_xml::events::Event;

use self::cells::{field, parse_chunk, put, Group, Parsed, Stop};
use self::parts::{attrs, Book};
use super::xlsx::{
    beyond_last_column, header_beyond_last_column, stream_guarded, Batcher, Message,
};
use crate::ingest::{RawCell, RawRow};

/// The environment variable that picks the XLSX reader: `calamine` for calamine's streaming
/// reader; anything else, or unset, for this one.
pub const READER_ENV: &str = "RMA_AUDIT_XLSX_READER";

/// XML bytes per chunk handed to a parse worker (cut at the last row end past this size).
/// Fuzzing builds cut small, so that what crosses a chunk's end is fuzzed too.
const CHUNK_BYTES: usize = if cfg!(fuzzing) { 256 } else { 1 << 20 };

/// Chunks read ahead of the row handed on: inflated, being parsed or parsed and waiting.
const WINDOW: usize = 8;

/// The most XML one row may take: a row this long is a damaged or hostile sheet.
pub(super) const MAX_ROW_BYTES: usize = 256 << 20;

/// The most elements that may be open around a chunk's rows (two in a sheet as programs write
/// it): each chunk parsed again is preceded by that many start tags, so the count bounds the
/// work. More before `<sheetData>` is left to calamine; more further on fails the sheet.
pub(super) const MAX_OPEN: usize = 10_000;

/// Whether the reader in force is this one (not forced to calamine by [`READER_ENV`]).
pub(super) fn chosen() -> bool {
    std::env::var(READER_ENV).map_or(true, |value| !value.trim().eq_ignore_ascii_case("calamine"))
}

/// The sheet to read: its name, its place among all the workbook's sheets and the epoch.
pub(super) struct Sheet {
    pub path: PathBuf,
    pub name: String,
    pub index: usize,
    pub is_1904: bool,
}

/// Reads `sheet` and sends its rows; calamine reads it instead when this reader cannot.
pub(super) fn stream(sheet: &Sheet, sender: SyncSender<Message>) {
    let Ok((book, part)) = parts::load(&sheet.path, sheet.index, sheet.is_1904) else {
        return fallback(sheet, sender);
    };
    let archive = File::open(&sheet.path)
        .ok()
        .and_then(|file| zip::ZipArchive::new(BufReader::new(file)).ok());
    let Some(mut archive) = archive else {
        return fallback(sheet, sender);
    };
    let Ok(file) = archive.by_name(&part) else {
        return fallback(sheet, sender);
    };
    let mut data = BufReader::with_capacity(64 << 10, file);
    if !declared_utf8(&mut data) {
        return fallback(sheet, sender);
    }
    let Some((empty, depth)) = skip_prelude(&mut data) else {
        return fallback(sheet, sender);
    };
    let mut pipeline = Pipeline {
        sheet,
        book: Arc::new(book),
        assembler: Assembler::new(sender),
        depth,
        joining: None,
    };
    if empty {
        pipeline.assembler.finish();
    } else {
        pipeline.run(&mut data);
    }
}

/// Whether this reader reads the sheet itself (`Ok`) or hands it to calamine (why).
#[cfg(test)]
pub(super) fn handled(path: &std::path::Path, index: usize) -> Result<(), String> {
    let (_, part) = parts::load(path, index, false)?;
    let file = File::open(path).map_err(|err| err.to_string())?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|err| err.to_string())?;
    let file = archive.by_name(&part).map_err(|err| err.to_string())?;
    let mut data = BufReader::new(file);
    if !declared_utf8(&mut data) {
        return Err("not UTF-8".to_string());
    }
    skip_prelude(&mut data)
        .map(|_| ())
        .ok_or_else(|| "the sheet's prelude".to_string())
}

/// calamine's streaming reader on this thread.
fn fallback(sheet: &Sheet, sender: SyncSender<Message>) {
    match super::xlsx::open_calamine(&sheet.path) {
        Ok(workbook) => stream_guarded(workbook, sheet.name.clone(), sender),
        Err(err) => {
            let _ = sender.send(Message::Failed(err));
        }
    }
}

/// Whether the part is UTF-8 as far as its start says (no UTF-16 byte order mark, no other
/// encoding declared): the chunks are parsed without the XML declaration.
fn declared_utf8(stream: &mut impl BufRead) -> bool {
    let Ok(start) = stream.fill_buf() else {
        return false;
    };
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let start = start.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(start);
    if !start.starts_with(b"<?xml") {
        return true;
    }
    let declaration = start.split(|byte| *byte == b'>').next().unwrap_or_default();
    let declaration = String::from_utf8_lossy(declaration).to_ascii_lowercase();
    match declaration.split_once("encoding") {
        None => true,
        Some((_, rest)) => {
            let name: String = rest
                .chars()
                .skip_while(|c| matches!(c, ' ' | '=' | '"' | '\''))
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            name == "utf-8" || name == "utf8"
        }
    }
}

/// Reads up to `<sheetData>` as calamine's `XlsxCellReader::new`: whether the sheet has no
/// rows (`<sheetData/>`) and how many elements are open after the `<sheetData>` start tag
/// (itself included); `None` when calamine should read the sheet (it fails there, or
/// something here is not handled).
fn skip_prelude(stream: &mut impl BufRead) -> Option<(bool, usize)> {
    let mut reader = quick_xml::Reader::from_reader(stream);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    let mut buf = Vec::new();
    // The reader fails at an end tag when none is open, as calamine's does.
    let mut depth: usize = 0;
    loop {
        buf.clear();
        let (e, empty) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                depth += 1;
                (e, false)
            }
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => continue,
        };
        match e.local_name().as_ref() {
            "dimension" => match attrs(&e, ["ref"]) {
                Ok([Some(range)]) if cells::valid_dimension(range) => {}
                _ => return None,
            },
            "sheetData" if e.name().prefix().is_none() && depth <= MAX_OPEN => {
                return Some((empty, depth))
            }
            "sheetData" => return None,
            _ => {}
        }
    }
}

/// The inflating thread's work: chunks out to the workers, rows on in order.
struct Pipeline<'s> {
    sheet: &'s Sheet,
    book: Arc<Book>,
    assembler: Assembler,
    /// The elements open where the next chunk to hand on starts.
    depth: usize,
    /// A chunk cut short ([`Stop::CutShort`]) and the chunks joined to it since, with the
    /// size it grows to before it is parsed again (twice its size when cut short, so that a
    /// long stretch of such XML is parsed a bounded number of times).
    joining: Option<(Chunk, usize)>,
}

impl Pipeline<'_> {
    fn run(&mut self, data: &mut impl Read) {
        let (done, results) = mpsc::channel::<(usize, Chunk, Parsed)>();
        let mut cutter = Cutter::default();
        let mut ready: BTreeMap<usize, (Chunk, Parsed)> = BTreeMap::new();
        let (mut sent, mut handed) = (0, 0);
        let mut ended = false;
        loop {
            while let Some((chunk, parsed)) = ready.remove(&handed) {
                handed += 1;
                let Some(parsed) = self.settle(chunk, parsed) else {
                    continue;
                };
                if !self.hand_on(parsed) {
                    return;
                }
            }
            if !ended && sent - handed < WINDOW {
                let chunk = match cutter.next(data) {
                    Ok(chunk) => chunk,
                    Err(reason) => {
                        self.assembler.fail(reason);
                        return;
                    }
                };
                ended = chunk.last;
                self.dispatch(sent, chunk, done.clone());
                sent += 1;
                continue;
            }
            match results.recv() {
                Ok((index, chunk, parsed)) => {
                    ready.insert(index, (chunk, parsed));
                }
                Err(_) => return,
            }
        }
    }

    fn dispatch(&self, index: usize, chunk: Chunk, done: mpsc::Sender<(usize, Chunk, Parsed)>) {
        let book = Arc::clone(&self.book);
        rayon::spawn(move || {
            let parsed = guarded(|| parse_chunk(&chunk.xml, &book, chunk.last));
            let _ = done.send((index, chunk, parsed));
        });
    }

    /// The parse of the next chunk in order as it reads in the whole sheet: parsed again when
    /// other elements are open before it than its parse assumed, or joined to the following
    /// chunks when it was cut short (`None` until enough are joined). Joined chunks past
    /// [`MAX_ROW_BYTES`], or more than [`MAX_OPEN`] elements open, fail the sheet.
    fn settle(&mut self, chunk: Chunk, mut parsed: Parsed) -> Option<Parsed> {
        if self.depth > MAX_OPEN {
            return Some(Parsed::failed(Stop::TooDeep));
        }
        let (chunk, joined) = match self.joining.take() {
            Some((mut head, goal)) => {
                head.join(&chunk);
                if head.xml.len() > MAX_ROW_BYTES {
                    return Some(Parsed::failed(Stop::TooLong));
                }
                if head.xml.len() < goal && !head.last {
                    self.joining = Some((head, goal));
                    return None;
                }
                (head, true)
            }
            None => (chunk, false),
        };
        if joined || self.depth != OPEN_DEPTH {
            parsed = chunk.parse_with_open(self.depth, &self.book);
        }
        if matches!(parsed.stop, Some(Stop::CutShort)) {
            let goal = 2 * chunk.xml.len();
            self.joining = Some((chunk, goal));
            return None;
        }
        Some(parsed)
    }

    /// False when the sheet is done (finished, failed, or nobody reads on).
    fn hand_on(&mut self, parsed: Parsed) -> bool {
        self.depth = parsed.depth;
        let start = self.assembler.start;
        for group in parsed.groups {
            if !self.assembler.push(group) {
                return false;
            }
        }
        match parsed.stop {
            Some(Stop::BeyondLastColumn(at)) => {
                let row = at.settle(start);
                let reason = if self.assembler.width > 0 {
                    beyond_last_column(row)
                } else {
                    header_beyond_last_column(row)
                };
                self.assembler.fail(reason);
                false
            }
            Some(Stop::Malformed(why)) => {
                let reason = calamine_failure(self.sheet)
                    .unwrap_or_else(|| format!("the sheet's XML is malformed ({why})"));
                self.assembler.fail(reason);
                false
            }
            Some(Stop::TooLong) => {
                self.assembler.fail(row_too_long());
                false
            }
            Some(Stop::TooDeep) => {
                self.assembler.fail(format!(
                    "the sheet's XML leaves more than {MAX_OPEN} elements open around its rows"
                ));
                false
            }
            // Only a chunk that is not the last is cut short, and it is joined to the next.
            Some(Stop::CutShort) => {
                self.assembler
                    .fail("the sheet's XML is malformed (it ends inside markup)".to_string());
                false
            }
            None if parsed.finished => {
                self.assembler.finish();
                false
            }
            None => {
                self.assembler.start = parsed.end.settle(start);
                true
            }
        }
    }
}

/// What calamine says of the sheet: its failure, `None` when it reads the whole sheet. Asked
/// when the XML cannot be read, so that both readers fail in the same words.
fn calamine_failure(sheet: &Sheet) -> Option<String> {
    let workbook = match super::xlsx::open_calamine(&sheet.path) {
        Ok(workbook) => workbook,
        Err(err) => return Some(err),
    };
    let (sender, receiver) = mpsc::sync_channel(4);
    let name = sheet.name.clone();
    std::thread::scope(|scope| {
        scope.spawn(move || stream_guarded(workbook, name, sender));
        receiver.iter().find_map(|message| match message {
            Message::Failed(reason) => Some(reason),
            Message::Rows(_) | Message::Done => None,
        })
    })
}

/// A parse that panicked is a sheet that cannot be read.
fn guarded(parse: impl FnOnce() -> Parsed) -> Parsed {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse))
        .unwrap_or_else(|_| Parsed::failed(Stop::Malformed("the parser failed on it".to_string())))
}

/// A piece of the sheet's XML holding whole rows, after [`OPEN`].
struct Chunk {
    xml: Vec<u8>,
    /// Nothing follows: the part ended (or failed to inflate further).
    last: bool,
}

impl Chunk {
    /// `next`'s rows appended to this chunk's.
    fn join(&mut self, next: &Chunk) {
        self.xml.extend_from_slice(&next.xml[OPEN.len()..]);
        self.last = next.last;
    }

    /// The chunk parsed in full with `depth` elements open before its rows instead of
    /// [`OPEN_DEPTH`].
    fn parse_with_open(&self, depth: usize, book: &Book) -> Parsed {
        let rows = &self.xml[OPEN.len()..];
        let mut xml = Vec::with_capacity(3 * depth + rows.len());
        for _ in 0..depth {
            xml.extend_from_slice(b"<_>");
        }
        xml.extend_from_slice(rows);
        guarded(|| cells::parse_chunk_in_full(&xml, book, self.last))
    }
}

/// What every chunk starts with: the elements open around the rows in a sheet, so that the
/// parse of a chunk sees `</sheetData>` close an open element, as calamine's parse does.
const OPEN: &[u8] = b"<worksheet><sheetData>";

/// The elements [`OPEN`] opens.
const OPEN_DEPTH: usize = 2;

/// Cuts the inflating XML after row ends.
struct Cutter {
    carry: Vec<u8>,
}

impl Default for Cutter {
    fn default() -> Cutter {
        Cutter {
            carry: OPEN.to_vec(),
        }
    }
}

impl Cutter {
    /// The next chunk; the last one holds what remains when the part ends or fails to inflate
    /// (the parse then tells whether `</sheetData>` came first).
    fn next(&mut self, stream: &mut impl Read) -> Result<Chunk, String> {
        let mut want = CHUNK_BYTES;
        let mut scanned = 0;
        loop {
            let ended = fill(&mut self.carry, stream, want);
            if let Some(cut) = split::last_row_end(&self.carry[scanned..]).map(|at| scanned + at) {
                if !ended {
                    let mut rest = Vec::with_capacity(CHUNK_BYTES + (64 << 10));
                    rest.extend_from_slice(OPEN);
                    rest.extend_from_slice(&self.carry[cut..]);
                    self.carry.truncate(cut);
                    let xml = std::mem::replace(&mut self.carry, rest);
                    return Ok(Chunk { xml, last: false });
                }
            }
            if ended {
                return Ok(Chunk {
                    xml: std::mem::take(&mut self.carry),
                    last: true,
                });
            }
            if self.carry.len() > MAX_ROW_BYTES {
                return Err(row_too_long());
            }
            // A row end split across reads is found on the next scan: start just before.
            scanned = self.carry.len().saturating_sub(16);
            want = self.carry.len() + CHUNK_BYTES;
        }
    }
}

/// Why a sheet fails whose row, or stretch of XML that must be parsed at once, passes
/// [`MAX_ROW_BYTES`].
fn row_too_long() -> String {
    format!(
        "a row of the sheet takes more than {} MB of XML",
        MAX_ROW_BYTES >> 20
    )
}

/// Reads until `buffer` holds `want` bytes; true when the stream ended (or failed). The
/// buffer's spare room is not zeroed first (`read_to_end` tracks what it filled).
fn fill(buffer: &mut Vec<u8>, stream: &mut impl Read, want: usize) -> bool {
    let Some(missing) = want
        .checked_sub(buffer.len())
        .filter(|missing| *missing > 0)
    else {
        return false;
    };
    buffer.reserve(missing);
    match stream.by_ref().take(missing as u64).read_to_end(buffer) {
        Ok(read) => read < missing,
        Err(_) => true,
    }
}

/// Groups into rows, in sheet order, as calamine's row builder: consecutive groups of one row
/// make one row, blank rows are dropped, rows leave in batches.
struct Assembler {
    rows: Batcher,
    /// The row the next chunk starts on (for rows without an `r`).
    start: u32,
    current: Option<(u32, Vec<RawCell>, String)>,
    /// The widest row handed on so far (0: none had a value yet).
    width: usize,
}

impl Assembler {
    fn new(sender: SyncSender<Message>) -> Assembler {
        Assembler {
            rows: Batcher::new(sender),
            start: 0,
            current: None,
            width: 0,
        }
    }

    /// False when nobody reads on.
    fn push(&mut self, group: Group) -> bool {
        let row = group.row.settle(self.start);
        match &mut self.current {
            Some((current, cells, text)) if *current == row => {
                merge(cells, text, group);
                true
            }
            _ => {
                let sent = self.flush();
                self.current = Some((row, group.cells, group.text));
                sent
            }
        }
    }

    fn flush(&mut self) -> bool {
        let Some((row, cells, text)) = self.current.take() else {
            return true;
        };
        self.width = self.width.max(cells.len());
        self.rows.push(RawRow {
            row: u64::from(row) + 1,
            cells,
            text,
        })
    }

    fn finish(&mut self) {
        if self.flush() {
            self.rows.finish();
        }
    }

    /// The row in progress and the batch not yet sent are dropped, as calamine's builder
    /// drops them.
    fn fail(&mut self, reason: String) {
        self.rows.fail(reason);
    }
}

/// A second group of the row in progress laid over it: its values at their columns.
fn merge(cells: &mut Vec<RawCell>, text: &mut String, group: Group) {
    for (column, cell) in group.cells.into_iter().enumerate() {
        let cell = match cell {
            RawCell::Empty => continue,
            RawCell::Field { start, end } => field(
                text,
                group.text.get(start as usize..end as usize).unwrap_or(""),
            ),
            cell => cell,
        };
        put(cells, column, cell);
    }
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
