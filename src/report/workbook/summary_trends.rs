//! The lower half of the Summary: findings per month of application with a chart (every
//! month of the audited period, zeros included), the top stores, agents and couriers with a
//! link to their rates on the Scorecards, the comparison with the previous run, and notes.

use rust_xlsxwriter::{Chart, ChartLegendPosition, ChartSolidFill, ChartType, XlsxError};

use super::book::Book;
use super::cells::Cell;
use super::pen::{severity_title, Pen};
use super::tally::{Ranked, Tally, TOP};
use crate::finding::{Category, Severity};

/// Series colours of the chart, in `Category::ALL` order.
const CATEGORY_COLORS: [&str; 6] = [
    "#ED7D31", "#4472C4", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47",
];

/// The findings per month of application and per category, with a chart of them placed at
/// column `chart_col` beside the table.
pub(super) fn by_month(
    pen: &mut Pen<'_>,
    book: &Book<'_>,
    tally: &Tally,
    chart_col: u16,
) -> Result<(), XlsxError> {
    let findings = &book.layout.findings[0];
    pen.section("Findings by month of application")?;
    let section_row = pen.row - 1;
    let mut titles = vec!["Month"];
    titles.extend(Category::ALL.iter().map(|c| c.title()));
    titles.push("Total");
    pen.header(&titles, &[1, 2, 3, 4, 5, 6, 7])?;
    let first_data_row = pen.row;
    for (month, counts) in &tally.by_month {
        let month = month.label();
        pen.text(0, book.styles.texts.label(&month))?;
        for (offset, (category, count)) in Category::ALL.iter().zip(counts).enumerate() {
            let target = &book.layout.category_sheets(*category)[0];
            pen.link(1 + offset as u16, *count, target, false)?;
        }
        pen.link(7, counts.iter().sum(), findings, false)?;
        pen.next();
    }
    let last_data_row = pen.row.saturating_sub(1);
    if tally.by_month.is_empty() {
        let styles = pen.styles;
        pen.note("No findings.", &styles.note)?;
        pen.next();
    } else {
        let chart = month_chart(book, first_data_row, last_data_row);
        pen.sheet
            .insert_chart_with_offset(section_row, chart_col, &chart, 10, 0)?;
    }
    pen.gap();
    Ok(())
}

/// A stacked column chart of findings per category per month, fed from the table above.
fn month_chart(book: &Book<'_>, first_row: u32, last_row: u32) -> Chart {
    let texts = book.styles.texts;
    let mut chart = Chart::new(ChartType::ColumnStacked);
    for (offset, color) in CATEGORY_COLORS.iter().enumerate() {
        let col = 1 + offset as u16;
        chart
            .add_series()
            .set_name((book.layout.summary.as_str(), first_row - 1, col))
            .set_categories((book.layout.summary.as_str(), first_row, 0, last_row, 0))
            .set_values((book.layout.summary.as_str(), first_row, col, last_row, col))
            .set_format(ChartSolidFill::new().set_color(*color))
            .set_gap(60);
    }
    chart
        .title()
        .set_name(texts.label("Findings per category per month"));
    chart.x_axis().set_name(texts.label("Month of application"));
    chart.y_axis().set_name(texts.label("Findings"));
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(520).set_height(330);
    chart
}

pub(super) fn top_lists(
    pen: &mut Pen<'_>,
    book: &Book<'_>,
    tally: &Tally,
) -> Result<(), XlsxError> {
    let lists: [(&str, &str, &Ranked); 3] = [
        ("stores", "Store", &tally.stores),
        ("agents", "Agent", &tally.agents),
        ("couriers", "Courier", &tally.couriers),
    ];
    let findings = &book.layout.findings[0];
    let texts = book.styles.texts;
    for (plural, singular, ranked) in lists {
        pen.section(&crate::tr!(
            texts,
            "wb-top",
            top = TOP,
            what = texts.label(plural)
        ))?;
        let mut titles = vec![singular.to_owned(), "Findings".to_owned()];
        titles.extend(Severity::ALL.into_iter().map(severity_title));
        pen.header(&titles, &[1, 2, 3, 4])?;
        pen.severity_header(2)?;
        if ranked.is_empty() {
            let styles = pen.styles;
            pen.note("No findings.", &styles.note)?;
            pen.next();
        }
        for (name, counts) in ranked {
            pen.cell(0, &Cell::name(name))?;
            pen.link(1, counts.iter().sum(), findings, false)?;
            for (offset, count) in counts.iter().enumerate() {
                pen.link(2 + offset as u16, *count, findings, false)?;
            }
            pen.next();
        }
        pen.gap();
    }
    let styles = pen.styles;
    pen.row -= 1;
    pen.note(
        "Filter the Findings sheet on store, agent or courier to see the findings behind a line.",
        &styles.note,
    )?;
    pen.next();
    pen.link_note(
        "Rates per 100 tickets: see Scorecards",
        &book.layout.scorecards[0],
    )?;
    pen.gap();
    Ok(())
}

pub(super) fn previous(
    pen: &mut Pen<'_>,
    book: &Book<'_>,
    resolved_anchor: Option<&str>,
) -> Result<(), XlsxError> {
    let Some(previous) = &book.run.previous else {
        return Ok(());
    };
    let findings = &book.layout.findings[0];
    let styles = pen.styles;
    pen.section("Compared with the previous run")?;
    pen.styled(0, "Previous run", &styles.label)?;
    pen.text(1, &previous.path)?;
    pen.next();
    pen.header(&["Findings", "Count"], &[1])?;
    pen.styled(0, "New", &styles.label)?;
    pen.link(1, previous.new, findings, false)?;
    pen.styled(2, "Status \"new\" on the Findings sheet", &styles.note)?;
    pen.next();
    pen.styled(0, "Resolved", &styles.label)?;
    pen.link(
        1,
        previous.resolved,
        resolved_anchor.unwrap_or(&book.layout.run),
        false,
    )?;
    pen.styled(2, "Listed on the Run sheet", &styles.note)?;
    pen.next();
    pen.styled(0, "Persisting", &styles.label)?;
    pen.link(1, previous.persisting, findings, false)?;
    pen.styled(
        2,
        "Status \"persisting\" on the Findings sheet",
        &styles.note,
    )?;
    pen.gap();
    Ok(())
}

pub(super) fn notes(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    let splits = book.layout.splits();
    let warnings = book.run.warnings.len()
        + book
            .run
            .inputs
            .iter()
            .map(|i| i.warnings.len())
            .sum::<usize>();
    if splits.is_empty() && warnings == 0 {
        return Ok(());
    }
    let styles = pen.styles;
    pen.section("Notes")?;
    for (what, names) in splits {
        pen.note(
            &crate::tr!(
                book.styles.texts,
                "wb-split",
                what = what,
                count = names.len(),
                sheets = names.join(", "),
                rows = book.limits.rows_per_sheet
            ),
            &styles.warning_note,
        )?;
        pen.next();
    }
    if warnings > 0 {
        pen.link_note(
            &crate::tr!(book.styles.texts, "wb-warnings-count", count = warnings),
            &book.layout.run,
        )?;
        pen.next();
    }
    Ok(())
}
