//! Cell writers: one [`Cell`] type for every value the workbook shows, written with the right
//! cell type (input text always as a string) and the width its text needs returned, and the
//! links between sheets.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, IntoExcelDateTime, Url, Worksheet, XlsxError};

use super::local_time::LocalTime;
use super::styles::{Look, Styles};
use super::widths::{digits_width, text_width};
use crate::finding::Severity;

/// Excel's limit on characters in one cell.
const CELL_LIMIT: usize = 32_767;
const CUT_MARKER: &str = "… [cut]";

/// Text as a cell can hold it: cut with a visible marker past Excel's limit.
pub(super) fn cell_text(text: &str) -> Cow<'_, str> {
    // A text of at most CELL_LIMIT bytes has at most as many characters.
    if text.len() <= CELL_LIMIT || text.chars().count() <= CELL_LIMIT {
        return text.into();
    }
    let keep = CELL_LIMIT - CUT_MARKER.chars().count();
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(CUT_MARKER);
    cut.into()
}

/// How a blank store, agent or courier is shown.
pub(super) const BLANK: &str = "(blank)";

/// One value of one cell.
#[derive(Debug, Clone)]
pub(super) enum Cell<'a> {
    Blank,
    /// Any text, from the input or not: always a string cell.
    Text(Cow<'a, str>),
    Count(u64),
    /// A plain number (late by).
    Number(Decimal),
    Money(Decimal),
    Time(LocalTime),
    Bool(bool),
    Severity(Severity),
    /// A fixed word of the workbook (a category, a coded value such as `quality`), written
    /// in the run's language.
    Word(&'static str),
}

impl<'a> Cell<'a> {
    pub(super) fn text(text: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(text))
    }

    pub(super) fn owned(text: String) -> Cell<'a> {
        Cell::Text(Cow::Owned(text))
    }

    /// The same cell owning its text, for rows built from findings read back from disk.
    pub(super) fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Blank => Cell::Blank,
            Cell::Text(text) => Cell::Text(Cow::Owned(text.into_owned())),
            Cell::Count(n) => Cell::Count(n),
            Cell::Number(n) => Cell::Number(n),
            Cell::Money(n) => Cell::Money(n),
            Cell::Time(t) => Cell::Time(t),
            Cell::Bool(b) => Cell::Bool(b),
            Cell::Severity(s) => Cell::Severity(s),
            Cell::Word(w) => Cell::Word(w),
        }
    }

    /// A store, agent or courier name; the placeholder for a blank one (`(blank)`) is written
    /// in the run's language.
    pub(super) fn name(name: &'a str) -> Cell<'a> {
        if name == BLANK {
            Cell::Word(BLANK)
        } else {
            Cell::text(name)
        }
    }

    /// Optional text: blank when absent.
    pub(super) fn opt_text(text: Option<&'a str>) -> Cell<'a> {
        text.map_or(Cell::Blank, Cell::text)
    }

    pub(super) fn opt_money(amount: Option<Decimal>) -> Cell<'a> {
        amount.map_or(Cell::Blank, Cell::Money)
    }

    pub(super) fn opt_date(date: Option<NaiveDate>) -> Cell<'a> {
        date.map_or(Cell::Blank, |d| Cell::Time(LocalTime::Date(d)))
    }
}

/// Excel shows dates from 1900 to 9999; others are written as text so nothing is lost.
fn excel_can_show(date: NaiveDate) -> bool {
    (1900..=9999).contains(&date.year())
}

/// Writes one cell and returns the width its text needs.
pub(super) fn put(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    styles: &Styles,
) -> Result<f64, XlsxError> {
    put_in(sheet, row, col, cell, styles, Look::General, true)
}

/// Writes one cell of a column whose format is `column`'s (see [`Look`]) and returns the
/// width its text needs, or 0 without `measure` (for a column that is as wide as it may
/// grow: the width of a long text is the costly part of writing it). A cell that looks
/// different carries its own format.
pub(super) fn put_in(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    styles: &Styles,
    column: Look,
    measure: bool,
) -> Result<f64, XlsxError> {
    let own = |look: Look| {
        if look == column {
            None
        } else {
            Some(styles.of_look(look))
        }
    };
    let width = |text: &str| if measure { text_width(text) } else { 0.0 };
    Ok(match cell {
        Cell::Blank => 0.0,
        Cell::Text(text) => {
            let text = cell_text(text);
            sheet.write_string(row, col, text.as_ref())?;
            width(&text)
        }
        Cell::Count(count) => {
            write_number(sheet, row, col, *count as f64, own(Look::Count))?;
            digits_width(*count) + 1.0
        }
        Cell::Number(value) => {
            write_number(sheet, row, col, to_f64(*value), own(Look::Decimal))?;
            if measure {
                text_width(&value.to_string())
            } else {
                0.0
            }
        }
        Cell::Money(amount) => {
            write_number(sheet, row, col, to_f64(*amount), own(Look::Money))?;
            if measure {
                text_width(&crate::finding::format_money(*amount)) + 2.0
            } else {
                0.0
            }
        }
        Cell::Time(LocalTime::Date(date)) if excel_can_show(*date) => {
            write_datetime(sheet, row, col, date, own(Look::Date))?;
            10.0
        }
        Cell::Time(LocalTime::DateTime(local)) if excel_can_show(local.date()) => {
            write_datetime(sheet, row, col, local, own(Look::DateTime))?;
            16.0
        }
        Cell::Time(LocalTime::Date(date)) => {
            let text = date.format("%Y-%m-%d").to_string();
            sheet.write_string(row, col, &text)?;
            width(&text)
        }
        Cell::Time(LocalTime::DateTime(local)) => {
            let text = local.format("%Y-%m-%d %H:%M").to_string();
            sheet.write_string(row, col, &text)?;
            width(&text)
        }
        Cell::Bool(value) => {
            let word = styles.texts.label(if *value { "yes" } else { "no" });
            sheet.write_string(row, col, word)?;
            width(word).max(3.0)
        }
        Cell::Word(word) => {
            let word = styles.texts.label(word);
            sheet.write_string(row, col, word)?;
            width(word)
        }
        // In a severity column the colour is the column's (`colour_severities`).
        Cell::Severity(severity) if column == Look::Severity => {
            let word = styles.texts.label(severity.as_str());
            sheet.write_string(row, col, word)?;
            width(word)
        }
        Cell::Severity(severity) => {
            let word = styles.texts.label(severity.as_str());
            sheet.write_string_with_format(row, col, word, styles.severity(*severity))?;
            width(word)
        }
    })
}

fn write_number(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: f64,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(format) => sheet.write_number_with_format(row, col, value, format)?,
        None => sheet.write_number(row, col, value)?,
    };
    Ok(())
}

fn write_datetime(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: impl IntoExcelDateTime,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(format) => sheet.write_datetime_with_format(row, col, value, format)?,
        None => sheet.write_datetime(row, col, value)?,
    };
    Ok(())
}

/// A count that links to the sheet listing those rows; the cell stays a number.
pub(super) fn put_link_count(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    count: u64,
    target: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    let url = Url::new(internal_link(target)).set_tip(format!("Go to {target}"));
    sheet.write_url_with_text(row, col, url, count.to_string())?;
    sheet.write_number_with_format(row, col, count as f64, format)?;
    Ok(())
}

/// A text cell that links to a place in the workbook.
pub(super) fn put_link_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    target: &str,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let url = Url::new(internal_link(target)).set_text(cell_text(text).as_ref());
    sheet.write_url_with_format(row, col, url, &styles.link_text)?;
    Ok(())
}

/// `internal:'Sheet name'!A1`, or a given cell when `target` already names one.
pub(super) fn internal_link(target: &str) -> String {
    if target.contains('!') {
        format!("internal:{target}")
    } else {
        format!("internal:'{}'!A1", target.replace('\'', "''"))
    }
}

/// A reference to a cell of a sheet, for links: `'Run'!A12`.
pub(super) fn cell_ref(sheet: &str, row: u32, col: u16) -> String {
    format!(
        "'{}'!{}",
        sheet.replace('\'', "''"),
        rust_xlsxwriter::utility::row_col_to_cell(row, col)
    )
}

fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_a_marker() {
        let long = "x".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), CELL_LIMIT);
        assert!(cut.ends_with(CUT_MARKER));
        assert_eq!(cell_text("short"), "short");
    }

    #[test]
    fn links_quote_sheet_names() {
        assert_eq!(internal_link("Review SLA"), "internal:'Review SLA'!A1");
        assert_eq!(internal_link("'Run'!A9"), "internal:'Run'!A9");
        assert_eq!(cell_ref("Run", 8, 0), "'Run'!A9");
    }
}
