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
    pub fn new(bounds: &[(f64, f64)]) -> Widths {
        Widths {
            widths: bounds.iter().map(|(min, _)| *min).collect(),
            max: bounds.iter().map(|(_, max)| *max).collect(),
        }
    }

    pub fn fit(&mut self, col: u16, width: f64) {
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

    pub fn apply(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, width) in self.widths.iter().enumerate() {
            sheet.set_column_width(col as u16, *width)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
