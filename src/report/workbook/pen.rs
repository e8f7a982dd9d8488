//! A cursor for sheets laid out as stacked sections (Summary, Run): a section title, a header
//! row, rows, a total row, each cell's width remembered.

use std::borrow::Cow;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::cells::{put, put_link_count, put_link_text, Cell};
use super::styles::Styles;
use super::widths::{text_width, Widths};
use crate::finding::Severity;

/// A severity as a column title: `Violation`.
pub(super) fn severity_title(severity: Severity) -> String {
    let text = severity.as_str();
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

pub(super) struct Pen<'s> {
    pub sheet: &'s mut Worksheet,
    pub styles: &'s Styles,
    pub row: u32,
    pub widths: Widths,
}

impl<'s> Pen<'s> {
    pub(super) fn new(sheet: &'s mut Worksheet, styles: &'s Styles, widths: Widths) -> Pen<'s> {
        Pen {
            sheet,
            styles,
            row: 0,
            widths,
        }
    }

    /// Moves to the next row.
    pub(super) fn next(&mut self) {
        self.row += 1;
    }

    /// Leaves one empty row.
    pub(super) fn gap(&mut self) {
        self.row += 2;
    }

    /// A section title on its own row; the pen moves below it.
    pub(super) fn section(&mut self, title: &str) -> Result<(), XlsxError> {
        let title = self.styles.texts.label(title);
        self.sheet
            .write_string_with_format(self.row, 0, title, &self.styles.section)?;
        self.row += 1;
        Ok(())
    }

    /// A header row; the pen moves below it. Headers of the `numeric` columns are
    /// right-aligned over their numbers.
    pub(super) fn header<S: AsRef<str>>(
        &mut self,
        titles: &[S],
        numeric: &[u16],
    ) -> Result<(), XlsxError> {
        for (col, title) in titles.iter().enumerate() {
            let col = col as u16;
            let title = self.styles.texts.label(title.as_ref());
            let format = if numeric.contains(&col) {
                &self.styles.header_number
            } else {
                &self.styles.header
            };
            self.sheet
                .write_string_with_format(self.row, col, title, format)?;
            self.widths.fit(col, text_width(title) + 1.0);
        }
        self.row += 1;
        Ok(())
    }

    /// Over the header row just written, from `first_col` on, one title per severity
    /// (violation, warning, info) in that severity's colours.
    pub(super) fn severity_header(&mut self, first_col: u16) -> Result<(), XlsxError> {
        for (offset, severity) in Severity::ALL.into_iter().enumerate() {
            self.sheet.write_string_with_format(
                self.row - 1,
                first_col + offset as u16,
                self.styles.texts.label(&severity_title(severity)),
                self.styles.severity_header(severity),
            )?;
        }
        Ok(())
    }

    /// Any cell of the current row.
    pub(super) fn cell(&mut self, col: u16, cell: &Cell<'_>) -> Result<(), XlsxError> {
        let width = put(self.sheet, self.row, col, cell, self.styles)?;
        self.widths.fit(col, width);
        Ok(())
    }

    pub(super) fn text(&mut self, col: u16, text: &str) -> Result<(), XlsxError> {
        self.cell(col, &Cell::Text(Cow::Borrowed(text)))
    }

    /// Text in a given format (labels, totals, notes).
    pub(super) fn styled(
        &mut self,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        let text = self.styles.texts.label(text);
        self.sheet
            .write_string_with_format(self.row, col, text, format)?;
        self.widths.fit(col, text_width(text));
        Ok(())
    }

    /// A note that may run past its column: not counted in the width.
    pub(super) fn note(&mut self, text: &str, format: &Format) -> Result<(), XlsxError> {
        let text = self.styles.texts.label(text);
        self.sheet
            .write_string_with_format(self.row, 0, text, format)?;
        Ok(())
    }

    pub(super) fn count(&mut self, col: u16, count: u64, total: bool) -> Result<(), XlsxError> {
        let format = if total {
            &self.styles.total_count
        } else {
            &self.styles.count
        };
        self.sheet
            .write_number_with_format(self.row, col, count as f64, format)?;
        self.widths.fit(col, text_width(&count.to_string()) + 1.0);
        Ok(())
    }

    /// A count linking to the sheet (or cell) that lists its rows.
    pub(super) fn link(
        &mut self,
        col: u16,
        count: u64,
        target: &str,
        total: bool,
    ) -> Result<(), XlsxError> {
        let format = if total {
            &self.styles.total_link_count
        } else {
            &self.styles.link_count
        };
        put_link_count(self.sheet, self.row, col, count, target, format)?;
        self.widths.fit(col, text_width(&count.to_string()) + 1.0);
        Ok(())
    }

    /// Text linking to a sheet.
    pub(super) fn link_text(
        &mut self,
        col: u16,
        text: &str,
        target: &str,
    ) -> Result<(), XlsxError> {
        let text = self.styles.texts.label(text);
        put_link_text(self.sheet, self.row, col, text, target, self.styles)?;
        self.widths.fit(col, text_width(text));
        Ok(())
    }

    /// Text linking to a sheet that may run past its column: not counted in the width.
    pub(super) fn link_note(&mut self, text: &str, target: &str) -> Result<(), XlsxError> {
        let text = self.styles.texts.label(text);
        put_link_text(self.sheet, self.row, 0, text, target, self.styles)
    }

    pub(super) fn money(
        &mut self,
        col: u16,
        amount: Decimal,
        total: bool,
    ) -> Result<(), XlsxError> {
        if total {
            let value = rust_decimal::prelude::ToPrimitive::to_f64(&amount).unwrap_or(0.0);
            self.sheet
                .write_number_with_format(self.row, col, value, &self.styles.total_money)?;
            self.widths
                .fit(col, text_width(&crate::finding::format_money(amount)) + 2.0);
            Ok(())
        } else {
            self.cell(col, &Cell::Money(amount))
        }
    }

    /// Blank cells with the total row's top border, so the total row reads as one line.
    pub(super) fn total_rule(&mut self, cols: std::ops::Range<u16>) -> Result<(), XlsxError> {
        for col in cols {
            self.sheet
                .write_blank(self.row, col, &self.styles.total_label)?;
        }
        Ok(())
    }

    pub(super) fn finish(self) -> Result<(), XlsxError> {
        self.widths.apply(self.sheet)
    }
}
