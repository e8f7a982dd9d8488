//! Column widths that fit: the width text needs (East Asian wide characters count twice),
//! tracked per column while cells are written, and header rows.

use std::borrow::Cow;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::Styles;

/// The width text needs in a column, in Excel's character units: East Asian wide characters
/// count twice. Only the first line counts, and counting stops past any useful width.
pub(super) fn text_width(text: &str) -> f64 {
    let mut width = 0.0;
    for ch in text.chars() {
        if ch == '\n' || width > 200.0 {
            break;
        }
        width += if is_wide(ch) { 2.0 } else { 1.0 };
    }
    width
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

/// Writes a header row, leaving room for the autofilter button. `numeric[col]` right-aligns
/// the header over a column of numbers.
pub(super) fn put_header(
    sheet: &mut Worksheet,
    row: u32,
    headers: &[(Cow<'_, str>, bool)],
    styles: &Styles,
    widths: &mut Widths,
) -> Result<(), XlsxError> {
    for (col, (header, numeric)) in headers.iter().enumerate() {
        let col = col as u16;
        let format = if *numeric {
            &styles.header_number
        } else {
            &styles.header
        };
        sheet.write_string_with_format(row, col, header.as_ref(), format)?;
        widths.fit(col, text_width(header) + 2.5);
    }
    Ok(())
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
}
