//! Header and value folding: the one spelling-insensitive key used to match headers, enum
//! values and `--keep-columns` names, and the full-width → ASCII folding of GBK exports.

use std::borrow::Cow;

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
