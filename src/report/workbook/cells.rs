//! Cells and their formats: one [`Cell`] type for every value the workbook shows, written with
//! the right cell type (input text always as a string), and column widths that fit.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, Format, FormatAlign, FormatBorder,
    IntoExcelDateTime, Url, Workbook, Worksheet, XlsxError,
};

use super::widths::{digits_width, text_width};
use super::LocalTime;
use crate::finding::Severity;

/// Excel's limit on characters in one cell.
pub(super) const CELL_LIMIT: usize = 32_767;
pub(super) const CUT_MARKER: &str = "… [cut]";

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

pub(super) const DATETIME_FORMAT: &str = "yyyy-mm-dd hh:mm";
pub(super) const DATE_FORMAT: &str = "yyyy-mm-dd";
pub(super) const MONEY_FORMAT: &str = "#,##0.00";
const COUNT_FORMAT: &str = "#,##0";

/// The fill and font of a severity cell.
fn severity_colors(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Violation => ("#FFC7CE", "#9C0006"),
        Severity::Warning => ("#FFEB9C", "#7F4F00"),
        Severity::Info => ("#DDEBF7", "#1F4E78"),
    }
}

/// Every format the workbook uses, built once.
pub(super) struct Styles {
    pub title: Format,
    pub section: Format,
    pub header: Format,
    /// A header over a column of numbers: right-aligned like them.
    pub header_number: Format,
    pub label: Format,
    pub note: Format,
    pub warning_note: Format,
    pub date: Format,
    pub datetime: Format,
    pub money: Format,
    pub count: Format,
    pub decimal: Format,
    pub link_count: Format,
    pub link_text: Format,
    pub total_label: Format,
    pub total_count: Format,
    pub total_link_count: Format,
    pub total_money: Format,
    /// In `Severity::ALL` order: violation, warning, info.
    severity: [Format; 3],
    severity_header: [Format; 3],
    /// A listing's Severity column: bold, coloured by [`colour_severities`].
    severity_column: Format,
    /// The fill and font of each severity as a conditional format, in `Severity::ALL` order.
    severity_colour: [Format; 3],
}

impl Styles {
    pub fn new() -> Styles {
        let header = Format::new()
            .set_bold()
            .set_background_color("#D9E1F2")
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
        let link = Format::new().set_hyperlink().set_num_format(COUNT_FORMAT);
        let severity_colour = Severity::ALL.map(|s| {
            let (fill, font) = severity_colors(s);
            Format::new()
                .set_background_color(fill)
                .set_font_color(font)
        });
        let severity = severity_colour.clone().map(Format::set_bold);
        let severity_header = Severity::ALL.map(|s| {
            let (fill, font) = severity_colors(s);
            header
                .clone()
                .set_align(FormatAlign::Right)
                .set_background_color(fill)
                .set_font_color(font)
        });
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_font_color("#1F3864"),
            section: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color("#1F3864"),
            header: header.clone(),
            header_number: header.clone().set_align(FormatAlign::Right),
            label: Format::new().set_bold(),
            note: Format::new().set_italic().set_font_color("#595959"),
            warning_note: Format::new().set_bold().set_font_color("#9C0006"),
            date: Format::new()
                .set_num_format(DATE_FORMAT)
                .set_align(FormatAlign::Left),
            datetime: Format::new()
                .set_num_format(DATETIME_FORMAT)
                .set_align(FormatAlign::Left),
            money: Format::new().set_num_format(MONEY_FORMAT),
            count: Format::new().set_num_format(COUNT_FORMAT),
            decimal: Format::new().set_num_format("0.0"),
            link_count: link.clone(),
            link_text: Format::new().set_hyperlink(),
            total_label: total.clone(),
            total_count: total.clone().set_num_format(COUNT_FORMAT),
            total_link_count: link.set_bold().set_border_top(FormatBorder::Thin),
            total_money: total.set_num_format(MONEY_FORMAT),
            severity,
            severity_header,
            severity_column: Format::new().set_bold(),
            severity_colour,
        }
    }

    /// Registers, in a fixed order, every format a listing writes ([`put`] and the header
    /// row). Listings are written on several threads at once; with their formats known
    /// beforehand, the workbook's format table is the same whichever thread comes first.
    pub fn register(&self, workbook: &mut Workbook) {
        let listing_formats = [
            &self.header,
            &self.header_number,
            &self.count,
            &self.decimal,
            &self.money,
            &self.date,
            &self.datetime,
            &self.severity_column,
        ];
        for format in listing_formats {
            workbook.register_format(format);
        }
    }

    pub fn severity(&self, severity: Severity) -> &Format {
        &self.severity[severity_index(severity)]
    }

    pub fn severity_header(&self, severity: Severity) -> &Format {
        &self.severity_header[severity_index(severity)]
    }
}

/// The position of a severity in `Severity::ALL` (violation 0, warning 1, info 2).
pub(super) fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Violation => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

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
}

impl<'a> Cell<'a> {
    pub fn text(text: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(text))
    }

    pub fn owned(text: String) -> Cell<'a> {
        Cell::Text(Cow::Owned(text))
    }

    /// The same cell owning its text, for rows built from findings read back from disk.
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Blank => Cell::Blank,
            Cell::Text(text) => Cell::Text(Cow::Owned(text.into_owned())),
            Cell::Count(n) => Cell::Count(n),
            Cell::Number(n) => Cell::Number(n),
            Cell::Money(n) => Cell::Money(n),
            Cell::Time(t) => Cell::Time(t),
            Cell::Bool(b) => Cell::Bool(b),
            Cell::Severity(s) => Cell::Severity(s),
        }
    }

    /// Optional text: blank when absent.
    pub fn opt_text(text: Option<&'a str>) -> Cell<'a> {
        text.map_or(Cell::Blank, Cell::text)
    }

    pub fn opt_money(amount: Option<Decimal>) -> Cell<'a> {
        amount.map_or(Cell::Blank, Cell::Money)
    }

    pub fn opt_date(date: Option<NaiveDate>) -> Cell<'a> {
        date.map_or(Cell::Blank, |d| Cell::Time(LocalTime::Date(d)))
    }
}

/// Excel shows dates from 1900 to 9999; others are written as text so nothing is lost.
fn excel_can_show(date: NaiveDate) -> bool {
    (1900..=9999).contains(&date.year())
}

/// The number format most cells of a listing's column have. It is set once on the column,
/// and those cells are written without a format of their own: rust_xlsxwriter finds a cell's
/// format by hashing it, a large share of the time spent writing a listing (benches/README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    General,
    Date,
    DateTime,
    Money,
    Count,
    Decimal,
    /// Severity names, coloured by the column's conditional formats ([`colour_severities`]).
    Severity,
}

impl Styles {
    /// The format of a column whose cells mostly look like `look`.
    pub fn of_look(&self, look: Look) -> Option<&Format> {
        match look {
            Look::General => None,
            Look::Date => Some(&self.date),
            Look::DateTime => Some(&self.datetime),
            Look::Money => Some(&self.money),
            Look::Count => Some(&self.count),
            Look::Decimal => Some(&self.decimal),
            Look::Severity => Some(&self.severity_column),
        }
    }
}

/// Colours the severity names in rows `first_row..=last_row` of column `col` (a [`Look::Severity`]
/// column) by conditional formats, one per severity: the same fill and font as a severity cell
/// elsewhere, stored once for the column instead of once per cell.
pub(super) fn colour_severities(
    sheet: &mut Worksheet,
    col: u16,
    first_row: u32,
    last_row: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (severity, colour) in Severity::ALL.iter().zip(&styles.severity_colour) {
        let rule = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::EqualTo(severity.as_str()))
            .set_format(colour);
        sheet.add_conditional_format(first_row, col, last_row, col, &rule)?;
    }
    Ok(())
}

/// Writes one cell and returns the width its text needs.
pub(super) fn put(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    styles: &Styles,
) -> Result<f64, XlsxError> {
    put_in(sheet, row, col, cell, styles, Look::General)
}

/// Writes one cell of a column whose format is `column`'s (see [`Look`]) and returns the
/// width its text needs. A cell that looks different carries its own format.
pub(super) fn put_in(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    styles: &Styles,
    column: Look,
) -> Result<f64, XlsxError> {
    let own = |look: Look| {
        if look == column {
            None
        } else {
            styles.of_look(look)
        }
    };
    Ok(match cell {
        Cell::Blank => 0.0,
        Cell::Text(text) => {
            let text = cell_text(text);
            sheet.write_string(row, col, text.as_ref())?;
            text_width(&text)
        }
        Cell::Count(count) => {
            write_number(sheet, row, col, *count as f64, own(Look::Count))?;
            digits_width(*count) + 1.0
        }
        Cell::Number(value) => {
            write_number(sheet, row, col, to_f64(*value), own(Look::Decimal))?;
            text_width(&value.to_string())
        }
        Cell::Money(amount) => {
            write_number(sheet, row, col, to_f64(*amount), own(Look::Money))?;
            text_width(&crate::finding::format_money(*amount)) + 2.0
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
            text_width(&text)
        }
        Cell::Time(LocalTime::DateTime(local)) => {
            let text = local.format("%Y-%m-%d %H:%M").to_string();
            sheet.write_string(row, col, &text)?;
            text_width(&text)
        }
        Cell::Bool(value) => {
            sheet.write_string(row, col, if *value { "yes" } else { "no" })?;
            3.0
        }
        // In a severity column the colour is the column's (`colour_severities`).
        Cell::Severity(severity) if column == Look::Severity => {
            sheet.write_string(row, col, severity.as_str())?;
            text_width(severity.as_str())
        }
        Cell::Severity(severity) => {
            sheet.write_string_with_format(
                row,
                col,
                severity.as_str(),
                styles.severity(*severity),
            )?;
            text_width(severity.as_str())
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

/// The colour of a sheet's tab, by the kind of sheet.
pub(super) fn tab_color(kind: TabKind) -> Color {
    match kind {
        TabKind::Summary => Color::RGB(0x1F3864),
        TabKind::Findings => Color::RGB(0xC00000),
        TabKind::Category => Color::RGB(0xED7D31),
        TabKind::Finance => Color::RGB(0x548235),
        TabKind::Audit => Color::RGB(0x7F7F7F),
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum TabKind {
    Summary,
    Findings,
    Category,
    Finance,
    Audit,
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
