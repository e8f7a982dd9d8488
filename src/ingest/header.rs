//! Header and value folding: the one spelling-insensitive key used to match headers, enum
//! values and `--keep-columns` names, and the full-width → ASCII folding of GBK exports; and
//! finding the header row below an export's title rows.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};

use super::values::display;
use super::{IngestError, Options, RawRow};
use crate::ticket::Column;

/// The rows of a sheet (by row number) the header is looked for in.
pub(super) const HEADER_SCAN_ROWS: u64 = 30;

/// The header of an input and the rows already read below it.
#[derive(Debug)]
pub(super) struct Found {
    pub header: Vec<String>,
    /// The header's row number (1-based).
    pub row: u64,
    /// Rows below the header read while looking for it, in order.
    pub rest: VecDeque<RawRow>,
}

/// What looking for the header found.
#[derive(Debug)]
pub(super) enum Scan {
    Found(Found),
    /// No header: the first rows seen (at most three), none when the sheet is blank.
    Missing(Vec<RawRow>),
}

/// The cells of a row as header text, trimmed.
pub(super) fn header_cells(row: &RawRow) -> Vec<String> {
    (0..row.cells.len())
        .map(|index| display(row.cell(index)).trim().to_string())
        .collect()
}

/// Every known header spelling, folded: canonical names, Chinese headers, the mapping's
/// source headers.
fn known_headers(options: &Options) -> HashMap<String, Column> {
    let mut known = HashMap::new();
    for column in Column::ALL {
        known.insert(fold(column.name()), *column);
        for chinese in column.chinese_headers() {
            known.insert(fold(chinese), *column);
        }
    }
    if let Some(mapping) = &options.mapping {
        for (source, column) in mapping.columns() {
            known.insert(fold(source), *column);
        }
    }
    known
}

/// Reads rows from `next` until the header is found: with `options.header_row()` that row;
/// else the first row among the first [`HEADER_SCAN_ROWS`] that holds a ticket_id header and
/// at least two other known headers, or failing one, the first that holds a ticket_id header
/// (or, with `options.any_header`, the first row). Rows above the header are dropped.
pub(super) fn scan_for_header(
    next: &mut dyn FnMut() -> Result<Option<RawRow>, IngestError>,
    options: &Options,
) -> Result<Scan, IngestError> {
    let fixed = options.header_row();
    let limit = fixed.unwrap_or(HEADER_SCAN_ROWS);
    let known = known_headers(options);
    let mut buffer: Vec<RawRow> = Vec::new();
    let mut chosen: Option<usize> = None;
    let mut weak: Option<usize> = None;
    while let Some(row) = next()? {
        let number = row.row;
        buffer.push(row);
        if number > limit {
            break;
        }
        let index = buffer.len() - 1;
        if let Some(fixed) = fixed {
            if number == fixed {
                chosen = Some(index);
                break;
            }
            continue;
        }
        let mut columns = HashSet::new();
        for cell in header_cells(&buffer[index]) {
            if let Some(column) = known.get(&fold(&cell)) {
                columns.insert(*column);
            }
        }
        if columns.contains(&Column::TicketId) {
            if columns.len() >= 3 {
                chosen = Some(index);
                break;
            }
            weak.get_or_insert(index);
        }
    }
    if fixed.is_none() {
        chosen = chosen.or(weak);
        if options.any_header {
            chosen = chosen.or((!buffer.is_empty()).then_some(0));
        }
    }
    if let Some(index) = chosen {
        let mut rest: VecDeque<RawRow> = buffer.drain(index..).collect();
        let header_row = rest.pop_front().expect("the chosen row");
        Ok(Scan::Found(Found {
            header: header_cells(&header_row),
            row: header_row.row,
            rest,
        }))
    } else {
        buffer.retain(|row| row.row <= limit);
        buffer.truncate(3);
        Ok(Scan::Missing(buffer))
    }
}

/// A few cells of `rows`, for a message: `row 1: `售后工单导出`; row 2: `导出时间：…``.
pub(super) fn first_cells(rows: &[RawRow]) -> String {
    const CELLS: usize = 4;
    const CHARS: usize = 24;
    let shown: Vec<String> = rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = header_cells(row)
                .into_iter()
                .filter(|cell| !cell.is_empty())
                .collect();
            let mut parts: Vec<String> = cells
                .iter()
                .take(CELLS)
                .map(|cell| {
                    let cell = cell.replace(['\n', '\r'], " ");
                    if cell.chars().count() > CHARS {
                        let cut: String = cell.chars().take(CHARS - 1).collect();
                        format!("`{cut}…`")
                    } else {
                        format!("`{cell}`")
                    }
                })
                .collect();
            if cells.len() > CELLS {
                parts.push("…".to_string());
            }
            format!("row {}: {}", row.row, parts.join(", "))
        })
        .collect();
    shown.join("; ")
}

/// The message for an input without a header: which sheet, what was seen, and the flags that
/// help. `sheet` names the sheet(s) tried; `workbook` adds `--sheet` to the suggestions.
pub(super) fn no_header_message(
    seen: &[RawRow],
    sheet: Option<&str>,
    workbook: bool,
    options: &Options,
) -> String {
    let place = match sheet {
        Some(sheet) => format!(" of {sheet}"),
        None => String::new(),
    };
    let seen = if seen.is_empty() {
        "it is blank".to_string()
    } else {
        format!("first cells seen: {}", first_cells(seen))
    };
    let flags = if workbook {
        "try --sheet NAME, --header-row N or --mapping FILE (to name the export's ticket id header)"
    } else {
        "try --header-row N or --mapping FILE (to name the export's ticket id header)"
    };
    match options.header_row() {
        Some(row) => format!(
            "no ticket_id column: header row {row}{place} is blank or past the end ({seen}); {flags}"
        ),
        None => format!(
            "no ticket_id column: no row among the first {HEADER_SCAN_ROWS}{place} has a ticket_id header ({seen}); {flags}"
        ),
    }
}

/// Folds a full-width ASCII character (`Ｔ`, `２`, `／`, ideographic space) to its ASCII form.
pub(super) fn half_width_char(ch: char) -> char {
    match ch {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
        '\u{3000}' => ' ',
        _ => ch,
    }
}

/// The text with full-width ASCII folded to ASCII; borrows when nothing changes.
pub(super) fn half_width(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(|ch| half_width_char(ch) != ch) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(half_width_char).collect())
    }
}

/// True for characters that never carry meaning in a header: byte-order marks and
/// zero-width spaces some exports leave in the first header cell.
fn is_invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}'
    )
}

/// The matching key of a header or enum value: full-width folded, trimmed, lower-cased, and
/// every run of spaces, `-` and `_` folded to one `_` (`Ticket ID`, `ticket_id`, `TICKET-ID`
/// and `ｔｉｃｋｅｔ＿ｉｄ` all fold to `ticket_id`).
pub(super) fn fold(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut separator = false;
    for ch in text.chars() {
        if is_invisible(ch) {
            continue;
        }
        let ch = half_width_char(ch);
        if ch.is_whitespace() || ch == '-' || ch == '_' {
            separator = !key.is_empty();
            continue;
        }
        if separator {
            key.push('_');
            separator = false;
        }
        key.extend(ch.to_lowercase());
    }
    key
}

/// How far the folded header `key` is from the folded known header `known`, when it is close
/// enough to be a misspelling of it: the edit distance over characters, a swap of two
/// neighbours counting as one edit (`recieved_at` → `received_at` is 1).
///
/// Close means, for ASCII names, at most 2 edits when both have 6 or more characters; when the
/// shorter has 4 or 5, only a swap of two neighbours (`stroe`, `agnet`), since one letter
/// added, dropped or changed turns short names into other common headers (`Case` → `cause`,
/// `Score` → `store`); names of 3 characters or fewer (`sku`, `id`, `spu`) are never close to
/// anything. For other scripts (Chinese headers), at most 1 edit from a known header of 4 or
/// more characters (`申请时问` → `申请时间`), from a header of 3 or more: 2- and 3-character
/// Chinese headers one character apart are usually different words (`客户`/`客服`,
/// `运单号`/`订单号`). Scripts are never compared with each other.
pub(super) fn closeness(key: &str, known: &str) -> Option<usize> {
    if key.is_ascii() != known.is_ascii() {
        return None;
    }
    let key_len = key.chars().count();
    let known_len = known.chars().count();
    let shortest = key_len.min(known_len);
    let allowed = if !known.is_ascii() {
        usize::from(known_len >= 4 && key_len >= 3)
    } else if shortest >= 6 {
        2
    } else {
        usize::from(shortest >= 4 && key_len == known_len)
    };
    if allowed == 0 || key_len.abs_diff(known_len) > allowed {
        return None;
    }
    let distance = strsim::osa_distance(key, known);
    if distance == 0 || distance > allowed {
        return None;
    }
    let short_ascii = known.is_ascii() && shortest < 6;
    // One edit that takes two without swaps is a swap of neighbours.
    (!short_ascii || strsim::levenshtein(key, known) == 2).then_some(distance)
}

/// The spreadsheet letter of a zero-based column index: 0 → `A`, 26 → `AA`.
pub(super) fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut rest = index + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(b'A' + digit as u8);
        rest = (rest - 1) / 26;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_fold_case_spaces_dashes_and_underscores() {
        for header in [
            "Ticket ID",
            "ticket_id",
            "TICKET-ID",
            "  ticket   id ",
            "ticket__id",
            "Ticket - ID",
            "\u{FEFF}ticket_id",
        ] {
            assert_eq!(fold(header), "ticket_id", "{header:?}");
        }
    }

    #[test]
    fn full_width_headers_fold_to_ascii() {
        assert_eq!(fold("ＴＩＣＫＥＴ＿ＩＤ"), "ticket_id");
        assert_eq!(fold("Ｔｉｃｋｅｔ\u{3000}ＩＤ"), "ticket_id");
        assert_eq!(half_width("￥２０／１"), "￥20/1");
        assert!(matches!(half_width("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn chinese_headers_fold_unchanged() {
        assert_eq!(fold(" 工单号 "), "工单号");
        assert_eq!(fold("退款 时间"), "退款_时间");
    }

    #[test]
    fn misspellings_are_close_and_other_words_are_not() {
        assert_eq!(closeness("recieved_at", "received_at"), Some(1));
        assert_eq!(closeness("recieved_att", "received_at"), Some(2));
        assert_eq!(closeness("stroe", "store"), Some(1));
        assert_eq!(closeness("申请时问", "申请时间"), Some(1));
        assert_eq!(closeness("申请时", "申请时间"), Some(1));
        assert_eq!(closeness("rceived_at", "received_at"), Some(1));
        assert_eq!(closeness("sotre", "store"), Some(1));
        assert_eq!(closeness("agnet", "agent"), Some(1));
        // The same, too far for the length, too short, or another script.
        assert_eq!(closeness("上次维修寄还日期", "上次维修寄还日期"), None);
        assert_eq!(closeness("recd_at", "received_at"), None);
        assert_eq!(closeness("stre", "store"), None);
        assert_eq!(closeness("stores", "store"), None);
        assert_eq!(closeness("score", "store"), None);
        assert_eq!(closeness("case", "cause"), None);
        assert_eq!(closeness("stoer_x", "store"), None);
        assert_eq!(closeness("spu", "sku"), None);
        assert_eq!(closeness("ksu", "sku"), None);
        assert_eq!(closeness("客户", "客服"), None);
        assert_eq!(closeness("运单号", "订单号"), None);
        assert_eq!(closeness("申请时间", "applied_at"), None);
        assert_eq!(closeness("申请时问", "申请时间(北京)"), None);
    }

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
