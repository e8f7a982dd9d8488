//! Column widths that fit: the width text needs (East Asian wide characters count twice),
//! tracked per column while cells are written.

use rust_xlsxwriter::{Worksheet, XlsxError};

/// The width text needs in a column, in Excel's character units: East Asian wide characters
/// count twice. Only the first line counts, and counting stops past any useful width.
pub(super) fn text_width(text: &str) -> f64 {
    // Only the first 202 bytes can matter: counting stops just past 200.
    let head = &text.as_bytes()[..text.len().min(202)];
    if head.is_ascii() {
        // One unit per character up to the first line break.
        let line = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
        return line.min(201) as f64;
    }
    let mut width = 0.0;
    for ch in text.chars() {
        if ch == '\n' || width > 200.0 {
            break;
        }
        width += if is_wide(ch) { 2.0 } else { 1.0 };
    }
    width
}

/// The most lines a wrapped cell is given: Excel's tallest row (409 points) holds 27.
pub(super) const MAX_LINES: u32 = 27;

/// The height of a row, in points, showing `lines` lines of text in the default font
/// (Calibri 11 has rows of 15 points).
pub(super) fn lines_height(lines: u32) -> f64 {
    15.0 * f64::from(lines.clamp(1, MAX_LINES))
}

/// How many lines `text` takes wrapped in a column `width` wide (Excel's character units,
/// the width of a digit), at most [`MAX_LINES`]: an estimate, for the rows of a listing,
/// whose heights must be known as they are written. Lines break at spaces, after a hyphen or
/// a slash, around each wide character and at every line break; a word longer than a line is
/// cut. Characters are as wide as in Calibri 11, rounded up ([`glyph_width`]), so that a row
/// rather gets a line too many than one too few.
pub(super) fn wrapped_lines(text: &str, width: f64) -> u32 {
    // The padding Excel leaves in a cell is about a character. Widths are counted in whole
    // twentieths of a digit, which every glyph width is, so the sums are exact.
    let room = ((width - 1.0).max(1.0) * f64::from(PARTS)).floor() as u32;
    // Short ASCII text on one line fits whatever its letters: no ASCII glyph is wider than 22.
    let bytes = text.as_bytes();
    if bytes.len() <= (room / 22) as usize && bytes.iter().all(|&b| b.is_ascii() && b != b'\n') {
        return 1;
    }
    let mut wrap = Wrap {
        room: room.max(1),
        lines: 1,
        used: 0,
        word: 0,
        space: false,
    };
    // Byte by byte: nearly all text is ASCII, and only a placed word can add a line.
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            at += 1;
            match byte {
                b'\n' => {
                    wrap.place();
                    wrap.lines += 1;
                    wrap.used = 0;
                    wrap.space = false;
                }
                b' ' | b'\t' => {
                    wrap.place();
                    wrap.space = true;
                }
                b'-' | b'/' => {
                    wrap.word += u32::from(ASCII_WIDTHS[usize::from(byte)]);
                    wrap.place();
                }
                _ => {
                    wrap.word += u32::from(ASCII_WIDTHS[usize::from(byte)]);
                    continue;
                }
            }
        } else {
            let Some(ch) = text[at..].chars().next() else {
                break;
            };
            at += ch.len_utf8();
            if is_wide(ch) {
                wrap.place();
                wrap.word = glyph_width(ch);
                wrap.place();
            } else {
                wrap.word += glyph_width(ch);
                continue;
            }
        }
        if wrap.lines >= MAX_LINES {
            return MAX_LINES;
        }
    }
    wrap.place();
    wrap.lines.min(MAX_LINES)
}

/// The unit of [`glyph_width`]: a twentieth of a digit's width.
const PARTS: u32 = 20;

/// The width of a character in Calibri 11, in twentieths of a digit's width, rounded up:
/// digits 1 (20), capitals a little wider, small letters narrower, spaces and punctuation
/// about half; a wide (East Asian) character somewhat over 2, as its font draws it.
#[inline]
fn glyph_width(ch: char) -> u32 {
    match ch {
        '\0'..='\x7f' => u32::from(ASCII_WIDTHS[ch as usize]),
        _ if is_wide(ch) => 44,
        _ => 20,
    }
}

/// [`glyph_width`] of each ASCII character, looked up rather than matched: every character of
/// every wrapped cell of a listing passes here.
const ASCII_WIDTHS: [u8; 128] = {
    let mut widths = [20; 128];
    let mut byte = 0;
    while byte < 128 {
        widths[byte] = match byte as u8 {
            b'0'..=b'9' => 20,
            b'A'..=b'Z' => 22,
            b'a'..=b'z' => 17,
            b' ' | b'.' | b',' | b':' | b';' | b'(' | b')' | b'\'' | b'-' | b'/' | b'!' | b'|' => {
                12
            }
            _ => 20,
        };
        byte += 1;
    }
    widths
};

/// Text being laid out in lines by [`wrapped_lines`], in [`glyph_width`] units.
struct Wrap {
    /// The width a line holds.
    room: u32,
    lines: u32,
    /// The width the current line holds so far.
    used: u32,
    /// The width of the word being read, not yet placed.
    word: u32,
    /// A space comes before that word.
    space: bool,
}

impl Wrap {
    /// Places the word read on the current line, or else on the next ones.
    fn place(&mut self) {
        if self.word == 0 {
            return;
        }
        let gap = if self.space && self.used > 0 {
            glyph_width(' ')
        } else {
            0
        };
        if self.used + gap + self.word <= self.room {
            self.used += gap + self.word;
        } else {
            if self.used > 0 {
                self.lines += 1;
            }
            // A word longer than a line takes as many more lines as it fills.
            let rest = self.word;
            let extra = (rest - 1) / self.room;
            self.lines = self.lines.saturating_add(extra);
            self.used = rest - extra * self.room;
        }
        self.word = 0;
        self.space = false;
    }
}

/// The width of a whole number's digits, as `text_width(&n.to_string())` gives it.
pub(super) fn digits_width(n: u64) -> f64 {
    (n.checked_ilog10().unwrap_or(0) + 1) as f64
}

fn is_wide(ch: char) -> bool {
    matches!(ch,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}')
}

/// The widths of a sheet's columns, grown as cells are written and applied at the end
/// (constant-memory sheets write their column widths when the file is saved).
#[derive(Debug, Clone)]
pub(super) struct Widths {
    widths: Vec<f64>,
    max: Vec<f64>,
}

impl Widths {
    /// One column per `(minimum, maximum)` pair.
    pub(super) fn new(bounds: &[(f64, f64)]) -> Widths {
        Widths {
            widths: bounds.iter().map(|(min, _)| *min).collect(),
            max: bounds.iter().map(|(_, max)| *max).collect(),
        }
    }

    pub(super) fn fit(&mut self, col: u16, width: f64) {
        let col = col as usize;
        if col >= self.widths.len() {
            self.widths.resize(col + 1, 8.0);
            self.max.resize(col + 1, 60.0);
        }
        let wanted = (width + 1.5).min(self.max[col]);
        if wanted > self.widths[col] {
            self.widths[col] = wanted;
        }
    }

    /// Whether column `col` has grown to its maximum width, which no cell can change.
    pub(super) fn is_full(&self, col: u16) -> bool {
        let col = col as usize;
        match (self.widths.get(col), self.max.get(col)) {
            (Some(width), Some(max)) => width >= max,
            _ => false,
        }
    }

    pub(super) fn apply(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, width) in self.widths.iter().enumerate() {
            sheet.set_column_width(col as u16, *width)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`wrapped_lines`] read character by character, without its shortcuts.
    fn wrapped_lines_by_chars(text: &str, width: f64) -> u32 {
        let room = ((width - 1.0).max(1.0) * f64::from(PARTS)).floor() as u32;
        let mut wrap = Wrap {
            room: room.max(1),
            lines: 1,
            used: 0,
            word: 0,
            space: false,
        };
        for ch in text.chars() {
            match ch {
                '\n' => {
                    wrap.place();
                    wrap.lines += 1;
                    wrap.used = 0;
                    wrap.space = false;
                }
                ' ' | '\t' => {
                    wrap.place();
                    wrap.space = true;
                }
                '-' | '/' => {
                    wrap.word += glyph_width(ch);
                    wrap.place();
                }
                _ if is_wide(ch) => {
                    wrap.place();
                    wrap.word = glyph_width(ch);
                    wrap.place();
                }
                _ => wrap.word += glyph_width(ch),
            }
        }
        wrap.place();
        wrap.lines.min(MAX_LINES)
    }

    proptest::proptest! {
        #[test]
        fn the_shortcuts_change_no_line_count(
            text in proptest::prop_oneof![
                "[a-zA-Z0-9 .,/\\-\n\t退款工作日é]{0,400}",
                // Wide capitals and few spaces: lines that only just fit or do not.
                "[A-Z]{1,12}( [A-Z]{1,12}){0,20}",
            ],
            width in 2.0f64..120.0,
        ) {
            proptest::prop_assert_eq!(
                wrapped_lines(&text, width),
                wrapped_lines_by_chars(&text, width)
            );
        }
    }

    #[test]
    fn wrapped_lines_break_at_spaces_hyphens_and_wide_characters() {
        // 11 digits of room in a column 12 wide.
        assert_eq!(wrapped_lines("", 12.0), 1);
        assert_eq!(wrapped_lines("0123456789 0", 12.0), 2);
        assert_eq!(wrapped_lines("0123456789", 12.0), 1);
        // Small letters are narrower than digits: 12 of them fit, 13 do not.
        assert_eq!(wrapped_lines("twelveletter", 12.0), 1);
        assert_eq!(wrapped_lines("thirteenlette", 12.0), 2);
        assert_eq!(wrapped_lines("one two three four five six seven", 12.0), 3);
        assert_eq!(wrapped_lines("a\nb\nc", 40.0), 3);
        // A word longer than a line is cut.
        assert_eq!(wrapped_lines(&"0".repeat(30), 12.0), 3);
        // A hyphenated id breaks after its hyphens.
        assert_eq!(
            wrapped_lines("eligibility.free-service-out-of-warranty", 25.0),
            2
        );
        // Wide characters: a line may break between any two.
        assert_eq!(wrapped_lines("顺丰速运", 10.0), 1);
        assert_eq!(wrapped_lines("顺丰速运顺丰速运", 10.0), 2);
        assert_eq!(wrapped_lines(&"顺".repeat(1000), 10.0), MAX_LINES);
        assert_eq!(lines_height(1), 15.0);
        assert_eq!(lines_height(3), 45.0);
        assert_eq!(lines_height(100), 15.0 * 27.0);
    }

    #[test]
    fn a_column_is_full_once_a_cell_grows_it_to_its_maximum() {
        let mut widths = Widths::new(&[(8.0, 12.0), (10.0, 10.0)]);
        assert!(!widths.is_full(0));
        // A column whose minimum is its maximum cannot grow.
        assert!(widths.is_full(1));
        widths.fit(0, 9.0);
        assert!(!widths.is_full(0));
        widths.fit(0, 40.0);
        assert!(widths.is_full(0));
        // Columns past the bounds grow as cells come, to 60.
        assert!(!widths.is_full(5));
        widths.fit(5, 100.0);
        assert!(widths.is_full(5));
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(text_width("abc"), 3.0);
        assert_eq!(text_width("顺丰速运"), 8.0);
        assert_eq!(text_width("ab\ncdef"), 2.0);
    }

    /// The character-by-character count, as the ASCII shortcut must reproduce it.
    fn counted(text: &str) -> f64 {
        let mut width = 0.0;
        for ch in text.chars() {
            if ch == '\n' || width > 200.0 {
                break;
            }
            width += if is_wide(ch) { 2.0 } else { 1.0 };
        }
        width
    }

    #[test]
    fn the_ascii_shortcut_counts_as_the_general_loop() {
        let long = "x".repeat(500);
        let wide_after = format!("{}顺丰", "x".repeat(300));
        let wide_first = format!("顺{}", "x".repeat(300));
        let late_break = format!("{}\nab", "x".repeat(250));
        for text in [
            wide_after.as_str(),
            wide_first.as_str(),
            late_break.as_str(),
            "",
            "a",
            "abc\n",
            "\nabc",
            long.as_str(),
            &long[..200],
            &long[..201],
            &long[..202],
        ] {
            assert_eq!(text_width(text), counted(text), "{} chars", text.len());
        }
        for n in [0u64, 1, 9, 10, 99, 100, 1_048_576, u64::MAX] {
            assert_eq!(digits_width(n), text_width(&n.to_string()), "{n}");
        }
    }
}
