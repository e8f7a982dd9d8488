//! Listings: one header row and one row per item, written in constant-memory mode (rows in
//! increasing order) and continued on numbered sheets when a sheet is full.

use std::borrow::Cow;

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::cells::{put_in, Cell};
use super::styles::{colour_severities, tab_color, Look, Styles, TabKind};
use super::widths::{lines_height, text_width, wrapped_lines, Widths};

/// The rows of a listing sheet whose height is fitted to their wrapped text (see
/// `SheetListing::push`).
const SIZED_ROWS: usize = 100_000;

/// A column of a listing: its header and the width bounds of its cells.
#[derive(Debug, Clone)]
pub(super) struct Head {
    pub title: Cow<'static, str>,
    pub min: f64,
    pub max: f64,
    /// A column of numbers: its header is right-aligned like them.
    pub numeric: bool,
    /// The format most of its cells have, set on the column.
    pub look: Look,
    /// A column that says which row this is (the ticket id): it stays in view, with the
    /// columns before it, when the sheet scrolls right.
    pub key: bool,
}

impl Head {
    pub(super) fn new(title: impl Into<Cow<'static, str>>, min: f64, max: f64) -> Head {
        Head {
            title: title.into(),
            min,
            max,
            numeric: false,
            look: Look::General,
            key: false,
        }
    }

    /// The same head over the column that says which row this is.
    pub(super) fn key(mut self) -> Head {
        self.key = true;
        self
    }

    /// The same head over a column of numbers.
    pub(super) fn numeric(mut self) -> Head {
        self.numeric = true;
        self
    }

    /// The same head over a column whose cells mostly look like `look`.
    pub(super) fn look(mut self, look: Look) -> Head {
        self.look = look;
        self
    }
}

/// The sheets of a listing, as planned by the layout: standalone constant-memory worksheets,
/// so that listings can be written side by side and added to the workbook in order afterwards.
pub(super) fn new_sheets(
    workbook: &mut Workbook,
    names: &[String],
) -> Result<Vec<Worksheet>, XlsxError> {
    names
        .iter()
        .map(|_| workbook.new_worksheet_with_constant_memory())
        .collect()
}

/// Writes `rows` under `heads` over `sheets`, named `names`, each holding at most `per_sheet`
/// rows under its own header, with an autofilter, the header row and the key columns frozen,
/// and printed as [`print_setup`] says; returns how many rows it wrote. Every format it
/// uses must already be registered with the workbook ([`Styles::register`]), so that the
/// workbook's format table does not depend on which listing is written first.
pub(super) fn write_listing<'a>(
    sheets: &mut [Worksheet],
    names: &[String],
    heads: &[Head],
    rows: impl Iterator<Item = Vec<Cell<'a>>>,
    per_sheet: usize,
    styles: &Styles,
    tab: TabKind,
) -> Result<usize, XlsxError> {
    let mut count = 0;
    let rows = rows.inspect(|_| count += 1);
    write_split_table(sheets, names, heads, rows, per_sheet, styles, tab)?;
    Ok(count)
}

/// Empty sheets that stand in a workbook for the sheets of a listing of `rows` rows under
/// `columns` headers written into another workbook: what the workbook itself says of those
/// sheets (their names, autofilter ranges and rows repeated on each printed page) is as
/// [`write_listing`] leaves it.
pub(super) fn stand_ins(
    names: &[String],
    columns: usize,
    rows: usize,
    per_sheet: usize,
) -> Result<Vec<Worksheet>, XlsxError> {
    let mut left = rows;
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let written = left.min(per_sheet);
        left -= written;
        let mut sheet = Worksheet::new();
        sheet.set_name(name)?;
        sheet.set_repeat_rows(0, 0)?;
        sheet.autofilter(0, 0, written as u32, columns.saturating_sub(1) as u16)?;
        sheets.push(sheet);
    }
    Ok(sheets)
}

/// [`write_listing`], returning where the table ended on the last sheet, for writing totals
/// or notes below it. `None` when there are no sheets.
pub(super) fn write_split_table<'a>(
    sheets: &mut [Worksheet],
    names: &[String],
    heads: &[Head],
    rows: impl Iterator<Item = Vec<Cell<'a>>>,
    per_sheet: usize,
    styles: &Styles,
    tab: TabKind,
) -> Result<Option<TableEnd>, XlsxError> {
    let mut rows = rows;
    let mut end = None;
    for (sheet, name) in sheets.iter_mut().zip(names) {
        let mut listing = SheetListing::start(sheet, name, heads, styles, tab)?;
        while listing.written < per_sheet {
            let Some(cells) = rows.next() else { break };
            listing.push(sheet, &cells, styles)?;
        }
        listing.finish(sheet, heads.len(), styles)?;
        end = Some(TableEnd {
            next_row: listing.written as u32 + 1,
            widths: listing.widths,
        });
    }
    Ok(end)
}

/// One sheet of a listing being written.
struct SheetListing {
    widths: Widths,
    /// Each column's [`Look`], as set on the sheet.
    looks: Vec<Look>,
    /// The width a wrapped column's texts wrap in, by column (`None` for columns that do not
    /// wrap). It is the column's maximum width: a text only wraps in a column that grew to it.
    wraps: Vec<Option<f64>>,
    written: usize,
}

impl SheetListing {
    fn start(
        sheet: &mut Worksheet,
        name: &str,
        heads: &[Head],
        styles: &Styles,
        tab: TabKind,
    ) -> Result<SheetListing, XlsxError> {
        sheet.set_name(name)?;
        sheet.set_tab_color(tab_color(tab));
        // The header row stays in view, and so do the columns up to the last key column.
        let frozen = heads.iter().rposition(|h| h.key).map_or(0, |col| col + 1);
        sheet.set_freeze_panes(1, frozen as u16)?;
        print_setup(sheet)?;
        let bounds: Vec<(f64, f64)> = heads.iter().map(|h| (h.min, h.max)).collect();
        let mut widths = Widths::new(&bounds);
        let titles: Vec<(Cow<'_, str>, bool)> =
            heads.iter().map(|h| (h.title.clone(), h.numeric)).collect();
        put_header(sheet, 0, &titles, styles, &mut widths)?;
        let mut looks = Vec::with_capacity(heads.len());
        for (col, head) in heads.iter().enumerate() {
            sheet.set_column_format(col as u16, styles.of_look(head.look))?;
            looks.push(head.look);
        }
        let wraps = heads
            .iter()
            .map(|h| (h.look == Look::Wrap).then_some(h.max))
            .collect();
        Ok(SheetListing {
            widths,
            looks,
            wraps,
            written: 0,
        })
    }

    fn push(
        &mut self,
        sheet: &mut Worksheet,
        cells: &[Cell<'_>],
        styles: &Styles,
    ) -> Result<(), XlsxError> {
        let row = self.written as u32 + 1;
        let sized = self.written < SIZED_ROWS;
        let mut lines = 1;
        for (col, cell) in cells.iter().enumerate() {
            if let (true, Some(Some(wrap)), Cell::Text(text)) = (sized, self.wraps.get(col), cell) {
                lines = lines.max(wrapped_lines(text, *wrap));
            }
            let col = col as u16;
            let look = self.looks.get(col as usize).copied();
            let look = look.unwrap_or(Look::General);
            // A column as wide as it may grow stays so: its cells need not be measured.
            let measure = !self.widths.is_full(col);
            let width = put_in(sheet, row, col, cell, styles, look, measure)?;
            if measure {
                self.widths.fit(col, width);
            }
        }
        // The row's height is set as it is written: applications do not all fit it to the
        // wrapped text themselves (LibreOffice keeps one line), and in constant-memory mode
        // it cannot be set once the next row is written. The writer keeps every row height it
        // is given until the workbook is saved, so heights are set on the first
        // [`SIZED_ROWS`] rows of a sheet only: past them the memory would grow with the
        // listing, and a reader of a listing that long filters it before reading rows.
        if lines > 1 {
            sheet.set_row_height(row, lines_height(lines))?;
        }
        self.written += 1;
        Ok(())
    }

    fn finish(
        &self,
        sheet: &mut Worksheet,
        columns: usize,
        styles: &Styles,
    ) -> Result<(), XlsxError> {
        let last_col = columns.saturating_sub(1) as u16;
        let last_row = self.written as u32;
        sheet.autofilter(0, 0, last_row, last_col)?;
        if last_row > 0 {
            for (col, look) in self.looks.iter().enumerate() {
                if *look == Look::Severity {
                    colour_severities(sheet, col as u16, 1, last_row, styles)?;
                }
            }
        }
        self.widths.apply(sheet)
    }
}

/// How a listing prints: landscape on A4, one page wide and as many pages tall as it takes,
/// the header row repeated on every page, with gridlines, narrow side margins, and the sheet's
/// name and the page number in the footer.
fn print_setup(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    const A4: u8 = 9;
    sheet.set_landscape();
    sheet.set_paper_size(A4);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_print_gridlines(true);
    // Inches: left, right, top, bottom, header, footer.
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_footer("&L&A&R&P / &N");
    Ok(())
}

/// Writes a header row, leaving room for the autofilter button. `numeric[col]` right-aligns
/// the header over a column of numbers.
fn put_header(
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
        let header = styles.texts.label(header.as_ref());
        sheet.write_string_with_format(row, col, header, format)?;
        widths.fit(col, text_width(header) + 2.5);
    }
    Ok(())
}

/// A small table on a sheet of its own (written in normal mode): header, rows, autofilter,
/// frozen header. Returns the widths so a caller may write more below.
pub(super) fn write_table<'a>(
    sheet: &mut Worksheet,
    name: &str,
    heads: &[Head],
    rows: impl Iterator<Item = Vec<Cell<'a>>>,
    styles: &Styles,
    tab: TabKind,
) -> Result<TableEnd, XlsxError> {
    let mut listing = SheetListing::start(sheet, name, heads, styles, tab)?;
    for cells in rows {
        listing.push(sheet, &cells, styles)?;
    }
    listing.finish(sheet, heads.len(), styles)?;
    Ok(TableEnd {
        next_row: listing.written as u32 + 1,
        widths: listing.widths,
    })
}

/// Where a table ended, for writing notes or totals below it.
pub(super) struct TableEnd {
    pub next_row: u32,
    pub widths: Widths,
}
