//! Which sheets the workbook has and what they are called, decided before anything is written
//! so that the Summary can link to every one of them; and the [`Limits`] a listing is split
//! over numbered sheets by.

use crate::audit::AuditRun;
use crate::finding::{Category, Finding};
use crate::l10n::Texts;
use crate::tr;

/// Excel's limit on rows in one worksheet.
const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// Limits the workbook is written under. Tests lower them to exercise the splitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Limits {
    /// Rows one worksheet may hold, the header row included (Excel: 1,048,576). A listing
    /// longer than `rows_per_sheet - 1` rows continues on "Name (2)", "Name (3)", …
    pub rows_per_sheet: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            rows_per_sheet: EXCEL_MAX_ROWS,
        }
    }
}

impl Limits {
    /// Data rows per sheet: at least one, whatever the limit says.
    pub(super) fn data_rows(self) -> usize {
        self.rows_per_sheet.saturating_sub(1).max(1) as usize
    }
}

/// Rows below the Freight reconciliation's table on its last sheet: a gap, the total, a gap,
/// the note. The layout keeps room for them.
pub(super) const FREIGHT_ROWS_BELOW: usize = 4;

/// Rows below the Scorecards' table on its last sheet: a gap and the note.
pub(super) const SCORECARD_ROWS_BELOW: usize = 2;

/// The names of the sheets a listing is written to: `base`, then `base (2)`, `base (3)`, …
/// Always at least one sheet, so every link to a listing has a target.
fn sheet_names(base: &str, rows: usize, limits: Limits) -> Vec<String> {
    let sheets = rows.div_ceil(limits.data_rows()).max(1);
    (1..=sheets)
        .map(|n| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base} ({n})")
            }
        })
        .collect()
}

/// Which sheets the workbook has, decided before anything is written so that the Summary
/// can link to every one of them.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// The sheets of one table, in the run's language: Summary, Coverage, Review sample, Run.
    pub summary: String,
    pub coverage: String,
    pub review_sample_name: String,
    pub run: String,
    pub findings: Vec<String>,
    /// In `Category::ALL` order.
    pub categories: Vec<(Category, Vec<String>)>,
    /// The Freight reconciliation: couriers, then stores, the total and its note on the last.
    pub freight: Vec<String>,
    /// The Scorecards: stores, then agents, then couriers, the note on the last.
    pub scorecards: Vec<String>,
    pub rejected: Vec<String>,
    pub review_sample: bool,
}

impl Layout {
    /// Plans the sheets of `run`, whose findings held in memory are `findings`.
    pub(super) fn plan(
        run: &AuditRun,
        findings: &[&Finding],
        limits: Limits,
        texts: &Texts,
    ) -> Layout {
        let categories = Category::ALL
            .into_iter()
            .map(|category| {
                let rows = findings.iter().filter(|f| f.category == category).count() as u64
                    + run.spilled.count_in(category);
                (
                    category,
                    sheet_names(texts.label(category.title()), rows as usize, limits),
                )
            })
            .collect();
        let ledger = &run.freight_ledger;
        let freight_rows = ledger.by_courier.len() + ledger.by_store.len();
        Layout {
            summary: tr!(texts, "sheet-summary"),
            coverage: tr!(texts, "sheet-coverage"),
            review_sample_name: tr!(texts, "sheet-review-sample"),
            run: tr!(texts, "sheet-run"),
            findings: sheet_names(
                &tr!(texts, "sheet-findings"),
                run.finding_count() as usize,
                limits,
            ),
            categories,
            // Room is kept on the last sheet for the rows below the table.
            freight: sheet_names(
                &tr!(texts, "sheet-freight-reconciliation"),
                freight_rows + FREIGHT_ROWS_BELOW,
                limits,
            ),
            scorecards: sheet_names(
                &tr!(texts, "sheet-scorecards"),
                run.scorecards.len() + SCORECARD_ROWS_BELOW,
                limits,
            ),
            rejected: sheet_names(
                &tr!(texts, "sheet-rejected-rows"),
                run.rejection_count() as usize,
                limits,
            ),
            review_sample: !run.review_sample.is_empty(),
        }
    }

    pub(super) fn category_sheets(&self, category: Category) -> &[String] {
        self.categories
            .iter()
            .find(|(c, _)| *c == category)
            .map_or(&[][..], |(_, names)| names.as_slice())
    }

    /// Every listing split over more than one sheet: (its first sheet's name, sheet names).
    pub(super) fn splits(&self) -> Vec<(&str, &[String])> {
        let mut lists = vec![self.findings.as_slice()];
        lists.extend(self.categories.iter().map(|(_, names)| names.as_slice()));
        lists.extend([
            self.freight.as_slice(),
            self.scorecards.as_slice(),
            self.rejected.as_slice(),
        ]);
        lists
            .into_iter()
            .filter(|names| names.len() > 1)
            .map(|names| (names[0].as_str(), names))
            .collect()
    }
}
