//! Formats, built once: the [`Styles`] every sheet writes with, the [`Look`] a listing's column
//! is formatted by, severity colours (as cell formats and as conditional formats) and tab
//! colours.

use crate::l10n::Texts;
use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, Format, FormatAlign, FormatBorder,
    Workbook, Worksheet, XlsxError,
};

use crate::finding::Severity;

const DATETIME_FORMAT: &str = "yyyy-mm-dd hh:mm";
const DATE_FORMAT: &str = "yyyy-mm-dd";
const MONEY_FORMAT: &str = "#,##0.00";
const COUNT_FORMAT: &str = "#,##0";

/// The fill and font of a severity cell.
fn severity_colors(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Violation => ("#FFC7CE", "#9C0006"),
        Severity::Warning => ("#FFEB9C", "#7F4F00"),
        Severity::Info => ("#DDEBF7", "#1F4E78"),
    }
}

/// Every format the workbook uses, built once, and the words it is written in.
pub(super) struct Styles {
    /// The run's catalogue: every fixed label passes through [`Texts::label`] as written.
    pub texts: &'static Texts,
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
    /// A listing's column of short text: top-aligned, like every listing cell, so that a row
    /// made tall by a wrapped text still reads from its top line.
    pub top: Format,
    /// A listing's column of long text: wrapped within the column's width, top-aligned.
    pub wrap: Format,
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
    pub(super) fn new(texts: &'static Texts) -> Styles {
        let header = Format::new()
            .set_bold()
            .set_background_color("#D9E1F2")
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        // Every format a listing's cells take is top-aligned (a listing's rows grow with
        // their wrapped texts); elsewhere rows are one line high and it makes no difference.
        let top = Format::new().set_align(FormatAlign::Top);
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
            texts,
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
            date: top
                .clone()
                .set_num_format(DATE_FORMAT)
                .set_align(FormatAlign::Left),
            datetime: top
                .clone()
                .set_num_format(DATETIME_FORMAT)
                .set_align(FormatAlign::Left),
            money: top.clone().set_num_format(MONEY_FORMAT),
            count: top.clone().set_num_format(COUNT_FORMAT),
            decimal: top.clone().set_num_format("0.0"),
            wrap: top.clone().set_text_wrap(),
            top: top.clone(),
            link_count: link.clone(),
            link_text: Format::new().set_hyperlink(),
            total_label: total.clone(),
            total_count: total.clone().set_num_format(COUNT_FORMAT),
            total_link_count: link.set_bold().set_border_top(FormatBorder::Thin),
            total_money: total.set_num_format(MONEY_FORMAT),
            severity,
            severity_header,
            severity_column: top.set_bold(),
            severity_colour,
        }
    }

    /// Registers, in a fixed order, every format a listing writes (its cells and its header
    /// row). Listings are written on several threads at once; with their formats known
    /// beforehand, the workbook's format table is the same whichever thread comes first.
    pub(super) fn register(&self, workbook: &mut Workbook) {
        let listing_formats = [
            &self.header,
            &self.header_number,
            &self.top,
            &self.wrap,
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

    pub(super) fn severity(&self, severity: Severity) -> &Format {
        &self.severity[severity_index(severity)]
    }

    pub(super) fn severity_header(&self, severity: Severity) -> &Format {
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

/// The number format most cells of a listing's column have. It is set once on the column,
/// and those cells are written without a format of their own: rust_xlsxwriter finds a cell's
/// format by hashing it, a large share of the time spent writing a listing (benches/README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    /// Short text, on one line.
    General,
    /// Long text, wrapped within the column's width.
    Wrap,
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
    pub(super) fn of_look(&self, look: Look) -> &Format {
        match look {
            Look::General => &self.top,
            Look::Wrap => &self.wrap,
            Look::Date => &self.date,
            Look::DateTime => &self.datetime,
            Look::Money => &self.money,
            Look::Count => &self.count,
            Look::Decimal => &self.decimal,
            Look::Severity => &self.severity_column,
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
