//! The Trends sheet (with `--history`): the last runs side by side — tickets, findings by
//! category, violations and their rate, new and resolved — with a line chart, and this run's
//! open findings by how long they have been open. Its labels are English texts of the
//! workbook catalogue, shown in the run's language.

use rust_xlsxwriter::{Chart, ChartLegendPosition, ChartType, Worksheet, XlsxError};

use super::book::Book;
use super::pen::Pen;
use super::styles::{tab_color, TabKind};
use super::widths::Widths;
use crate::finding::{Category, Severity};
use crate::l10n::Texts;
use crate::report::{TrendRun, Trends};

/// The age bands' labels, in [`crate::report::AGE_BANDS`] order.
const AGE_LABELS: [&str; 4] = [
    "Under 1 month",
    "1 to 3 months",
    "3 to 6 months",
    "6 months or more",
];

/// Writes the Trends sheet of a run with a history.
pub(super) fn write(
    sheet: &mut Worksheet,
    book: &Book<'_>,
    trends: &Trends,
) -> Result<(), XlsxError> {
    let texts = book.styles.texts;
    let name = crate::tr!(texts, "sheet-trends");
    sheet.set_name(&name)?;
    sheet.set_tab_color(tab_color(TabKind::Summary));
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    let mut runs: Vec<TrendRun> = trends.earlier.clone();
    runs.push(this_run(book));
    let mut bounds = vec![(11.0, 14.0); runs.len() + 1];
    bounds[0] = (28.0, 40.0);
    let mut pen = Pen::new(sheet, &book.styles, Widths::new(&bounds));
    let styles = pen.styles;
    pen.sheet.write_string_with_format(
        0,
        0,
        texts.label("Trends: the last runs side by side"),
        &styles.title,
    )?;
    pen.row = 1;
    pen.styled(0, texts.label("History file"), &styles.label)?;
    pen.text(1, &trends.history)?;
    pen.next();
    pen.note(
        texts.label(
            "The runs recorded before this one (oldest first) and this run, in the last column.",
        ),
        &styles.note,
    )?;
    pen.next();
    if !trends.recorded {
        pen.note(texts.label("This run cannot be trusted and is not recorded in the history: the next run compares with the last run recorded."), &styles.warning_note)?;
        pen.next();
    }
    pen.next();
    let first_row = runs_table(&mut pen, &runs)?;
    let ages_row = pen.row;
    ages(&mut pen, trends)?;
    let chart = runs_chart(texts, &name, first_row, runs.len() as u16);
    pen.sheet
        .insert_chart_with_offset(ages_row, 3, &chart, 10, 0)?;
    pen.finish()
}

/// This run's column, from its summary.
fn this_run(book: &Book<'_>) -> TrendRun {
    let summary = book.summary;
    let mut run = TrendRun {
        as_of: book.run.as_of.unwrap_or_default().date_naive(),
        tickets: summary.totals.rows_audited,
        violations: (summary
            .findings_by_severity
            .get(Severity::Violation.as_str()))
        .copied()
        .unwrap_or(0),
        ..TrendRun::default()
    };
    for (rule, count) in &summary.findings_by_rule {
        if let Some(category) = Category::of_rule(rule) {
            run.add(category, *count);
        }
    }
    match &summary.previous {
        Some(previous) => (run.new, run.resolved) = (previous.new, previous.resolved),
        None => run.new = run.findings(),
    }
    run
}

/// The runs as columns, one measure a row; returns the row of the first category.
fn runs_table(pen: &mut Pen<'_>, runs: &[TrendRun]) -> Result<u32, XlsxError> {
    let texts = pen.styles.texts;
    pen.section(texts.label("Runs side by side"))?;
    let mut titles = vec![texts.label("As of").to_owned()];
    titles.extend(runs.iter().map(|run| run.as_of.to_string()));
    let numeric: Vec<u16> = (1..=runs.len() as u16).collect();
    pen.header(&titles, &numeric)?;
    let styles = pen.styles;
    let counts = |pen: &mut Pen<'_>, title: &str, value: &dyn Fn(&TrendRun) -> u64| {
        pen.styled(0, title, &styles.label)?;
        for (offset, run) in runs.iter().enumerate() {
            pen.count(1 + offset as u16, value(run), false)?;
        }
        pen.next();
        Ok::<(), XlsxError>(())
    };
    counts(pen, texts.label("Tickets audited"), &|run| run.tickets)?;
    let first_category = pen.row;
    for (index, category) in Category::ALL.iter().enumerate() {
        counts(pen, category.title(), &|run| run.by_category[index])?;
    }
    counts(pen, texts.label("Findings"), &TrendRun::findings)?;
    counts(pen, texts.label("Violations"), &|run| run.violations)?;
    pen.styled(0, texts.label("Violations per 100 tickets"), &styles.label)?;
    for (offset, run) in runs.iter().enumerate() {
        if let Some(rate) = run.violations_per_100() {
            pen.sheet.write_number_with_format(
                pen.row,
                1 + offset as u16,
                rate,
                &styles.decimal,
            )?;
        }
    }
    pen.next();
    counts(pen, texts.label("New"), &|run| run.new)?;
    counts(pen, texts.label("Resolved"), &|run| run.resolved)?;
    pen.gap();
    Ok(first_category)
}

/// This run's open findings by age band, with their total.
fn ages(pen: &mut Pen<'_>, trends: &Trends) -> Result<(), XlsxError> {
    let texts = pen.styles.texts;
    pen.section(texts.label("Open findings by how long they have been open"))?;
    pen.header(&[texts.label("Open for"), texts.label("Findings")], &[1])?;
    for (band, count) in AGE_LABELS.iter().zip(trends.ages) {
        pen.text(0, texts.label(band))?;
        pen.count(1, count, false)?;
        pen.next();
    }
    let styles = pen.styles;
    pen.styled(0, texts.label("Total"), &styles.total_label)?;
    pen.count(1, trends.ages.iter().sum(), true)?;
    pen.next();
    Ok(())
}

/// A line per category across the runs, fed from the table's category rows.
fn runs_chart(texts: &Texts, sheet: &str, first_category_row: u32, runs: u16) -> Chart {
    let mut chart = Chart::new(ChartType::Line);
    for offset in 0..Category::ALL.len() as u32 {
        let row = first_category_row + offset;
        chart
            .add_series()
            .set_name((sheet, row, 0))
            .set_categories((
                sheet,
                first_category_row - 2,
                1,
                first_category_row - 2,
                runs,
            ))
            .set_values((sheet, row, 1, row, runs));
    }
    chart
        .title()
        .set_name(texts.label("Findings per category, run by run"));
    chart.y_axis().set_name(texts.label("Findings"));
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(560).set_height(320);
    chart
}
