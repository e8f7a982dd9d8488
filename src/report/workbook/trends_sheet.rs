//! The Trends sheet (with `--history`): the last runs side by side — tickets, findings by
//! category, violations and their rate, new and resolved — with a line chart, and this run's
//! open findings by how long they have been open. Every text the sheet shows is in [`LABELS`].

use rust_xlsxwriter::{Chart, ChartLegendPosition, ChartType, Worksheet, XlsxError};

use super::book::Book;
use super::pen::Pen;
use super::styles::{tab_color, TabKind};
use super::widths::Widths;
use crate::finding::{Category, Severity};
use crate::report::{TrendRun, Trends};

/// Every label of the Trends sheet: (message key, English). One table, so the texts can move
/// into the message catalogues as they are.
pub(super) const LABELS: [(&str, &str); 21] = [
    ("trends-sheet", "Trends"),
    ("trends-title", "Trends: the last runs side by side"),
    ("trends-history", "History file"),
    (
        "trends-intro",
        "The runs recorded before this one (oldest first) and this run, in the last column.",
    ),
    (
        "trends-not-recorded",
        "This run cannot be trusted and is not recorded in the history: the next run compares with the last run recorded.",
    ),
    ("trends-runs", "Runs side by side"),
    ("trends-as-of", "As of"),
    ("trends-tickets", "Tickets audited"),
    ("trends-findings", "Findings"),
    ("trends-violations", "Violations"),
    ("trends-violations-per-100", "Violations per 100 tickets"),
    ("trends-new", "New"),
    ("trends-resolved", "Resolved"),
    ("trends-chart-title", "Findings per category, run by run"),
    ("trends-ages", "Open findings by how long they have been open"),
    ("trends-open-for", "Open for"),
    ("trends-age-under-1", "Under 1 month"),
    ("trends-age-1-3", "1 to 3 months"),
    ("trends-age-3-6", "3 to 6 months"),
    ("trends-age-over-6", "6 months or more"),
    ("trends-total", "Total"),
];

/// The English text of a label key of [`LABELS`].
pub(super) fn label(key: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("no Trends label `{key}`"))
}

/// The age bands' label keys, in [`crate::report::AGE_BANDS`] order.
const AGE_KEYS: [&str; 4] = [
    "trends-age-under-1",
    "trends-age-1-3",
    "trends-age-3-6",
    "trends-age-over-6",
];

/// Writes the Trends sheet of a run with a history.
pub(super) fn write(
    sheet: &mut Worksheet,
    book: &Book<'_>,
    trends: &Trends,
) -> Result<(), XlsxError> {
    let name = label("trends-sheet");
    sheet.set_name(name)?;
    sheet.set_tab_color(tab_color(TabKind::Summary));
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    let mut runs: Vec<TrendRun> = trends.earlier.clone();
    runs.push(this_run(book));
    let mut bounds = vec![(11.0, 14.0); runs.len() + 1];
    bounds[0] = (28.0, 40.0);
    let mut pen = Pen::new(sheet, &book.styles, Widths::new(&bounds));
    let styles = pen.styles;
    pen.sheet
        .write_string_with_format(0, 0, label("trends-title"), &styles.title)?;
    pen.row = 1;
    pen.styled(0, label("trends-history"), &styles.label)?;
    pen.text(1, &trends.history)?;
    pen.next();
    pen.note(label("trends-intro"), &styles.note)?;
    pen.next();
    if !trends.recorded {
        pen.note(label("trends-not-recorded"), &styles.warning_note)?;
        pen.next();
    }
    pen.next();
    let first_row = runs_table(&mut pen, &runs)?;
    let ages_row = pen.row;
    ages(&mut pen, trends)?;
    let chart = runs_chart(name, first_row, runs.len() as u16);
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
    pen.section(label("trends-runs"))?;
    let mut titles = vec![label("trends-as-of").to_owned()];
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
    counts(pen, label("trends-tickets"), &|run| run.tickets)?;
    let first_category = pen.row;
    for (index, category) in Category::ALL.iter().enumerate() {
        counts(pen, category.title(), &|run| run.by_category[index])?;
    }
    counts(pen, label("trends-findings"), &TrendRun::findings)?;
    counts(pen, label("trends-violations"), &|run| run.violations)?;
    pen.styled(0, label("trends-violations-per-100"), &styles.label)?;
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
    counts(pen, label("trends-new"), &|run| run.new)?;
    counts(pen, label("trends-resolved"), &|run| run.resolved)?;
    pen.gap();
    Ok(first_category)
}

/// This run's open findings by age band, with their total.
fn ages(pen: &mut Pen<'_>, trends: &Trends) -> Result<(), XlsxError> {
    pen.section(label("trends-ages"))?;
    pen.header(&[label("trends-open-for"), label("trends-findings")], &[1])?;
    for (key, count) in AGE_KEYS.iter().zip(trends.ages) {
        pen.text(0, label(key))?;
        pen.count(1, count, false)?;
        pen.next();
    }
    let styles = pen.styles;
    pen.styled(0, label("trends-total"), &styles.total_label)?;
    pen.count(1, trends.ages.iter().sum(), true)?;
    pen.next();
    Ok(())
}

/// A line per category across the runs, fed from the table's category rows.
fn runs_chart(sheet: &str, first_category_row: u32, runs: u16) -> Chart {
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
    chart.title().set_name(label("trends-chart-title"));
    chart.y_axis().set_name(label("trends-findings"));
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(560).set_height(320);
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_key_is_given_once() {
        let mut keys: Vec<&str> = LABELS.iter().map(|(key, _)| *key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), LABELS.len());
        for key in AGE_KEYS {
            assert!(!label(key).is_empty());
        }
    }
}
