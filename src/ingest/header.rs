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
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
