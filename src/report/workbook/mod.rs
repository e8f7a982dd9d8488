//! `report.xlsx`, the workbook people read. Sheets, in order: Summary, Findings, one sheet per
//! category (Freight, Review SLA, Refund cycle, Turnaround, Eligibility, Data), Freight
//! reconciliation, Coverage, Rejected rows, Review sample (only with `--sample`), Run.
//!
//! Input text is always written as a string cell, never as a formula. Listings are written in
//! constant-memory mode, sorted before writing, and split over numbered sheets ("Findings (2)")
//! when they exceed Excel's row limit; so is the Freight reconciliation, whose tables by courier
//! and by store can be that long. The same run gives the same bytes: the document's
//! creation time is derived from the as-of and nothing else depends on the clock.

mod cells;
mod coverage;
mod findings;
mod freight;
mod listing;
mod local_time;
mod pen;
mod policy_params;
mod run_sheet;
mod styles;
mod summary_sheet;
mod summary_trends;
mod tally;
#[cfg(test)]
mod tests;
mod ticket_values;
mod widths;

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use rayon::prelude::*;
use rust_xlsxwriter::{DocProperties, Workbook, Worksheet, XlsxError};

use super::summary::Summary;
use super::RunMeta;
use crate::audit::AuditRun;
use crate::finding::{Category, Finding};
use crate::ticket::Ticket;

use styles::Styles;

/// Excel's limit on rows in one worksheet.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// The deflate level of the workbook's parts (1 fastest … 9 smallest; rust_xlsxwriter's default
/// is 6). On a million-ticket audit level 2 saves the workbook about 3 s sooner than level 6
/// and makes it about a quarter larger (34.7 MB instead of 27.9 MB); level 1 would save about
/// 0.5 s more and make it 37 % larger again (47.3 MB).
pub const ZIP_COMPRESSION_LEVEL: u8 = 2;

/// Limits the workbook is written under. Tests lower them to exercise the splitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
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
    fn data_rows(self) -> usize {
        self.rows_per_sheet.saturating_sub(1).max(1) as usize
    }
}

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
struct Layout {
    findings: Vec<String>,
    /// In `Category::ALL` order.
    categories: Vec<(Category, Vec<String>)>,
    /// The Freight reconciliation: couriers, then stores, the total and its note on the last.
    freight: Vec<String>,
    rejected: Vec<String>,
    review_sample: bool,
}

const FREIGHT_RECONCILIATION: &str = "Freight reconciliation";
const COVERAGE: &str = "Coverage";
const REVIEW_SAMPLE: &str = "Review sample";
const RUN: &str = "Run";
const SUMMARY: &str = "Summary";

impl Layout {
    fn category_sheets(&self, category: Category) -> &[String] {
        self.categories
            .iter()
            .find(|(c, _)| *c == category)
            .map_or(&[][..], |(_, names)| names.as_slice())
    }

    /// Every listing split over more than one sheet: (what, sheet names).
    fn splits(&self) -> Vec<(&str, &[String])> {
        let mut splits = vec![("Findings", self.findings.as_slice())];
        for (category, names) in &self.categories {
            splits.push((category.title(), names.as_slice()));
        }
        splits.push((FREIGHT_RECONCILIATION, self.freight.as_slice()));
        splits.push(("Rejected rows", self.rejected.as_slice()));
        splits.retain(|(_, names)| names.len() > 1);
        splits
    }
}

/// Everything the sheet writers read, computed once.
struct Book<'a> {
    run: &'a AuditRun,
    meta: &'a RunMeta,
    summary: &'a Summary,
    styles: Styles,
    layout: Layout,
    limits: Limits,
    /// Every finding, newest first within severity (see [`sort_findings`]).
    sorted: Vec<&'a Finding>,
    /// (policy id, version) → the policy's timezone, for showing instants in local time.
    zones: foldhash::HashMap<(&'a str, &'a str), Tz>,
}

impl<'a> Book<'a> {
    fn new(run: &'a AuditRun, meta: &'a RunMeta, summary: &'a Summary, limits: Limits) -> Book<'a> {
        let zones: foldhash::HashMap<(&str, &str), Tz> = run
            .policies_used
            .iter()
            .map(|((id, version), policy)| ((id.as_str(), version.as_str()), policy.timezone))
            .collect();
        let sorted = sort_findings(run, &zones);
        let categories = Category::ALL
            .into_iter()
            .map(|category| {
                let rows = sorted.iter().filter(|f| f.category == category).count() as u64
                    + run.spilled.count_in(category);
                (
                    category,
                    sheet_names(category.title(), rows as usize, limits),
                )
            })
            .collect();
        let ledger = &run.freight_ledger;
        let freight_rows = ledger.by_courier.len() + ledger.by_store.len();
        let layout = Layout {
            findings: sheet_names("Findings", run.finding_count() as usize, limits),
            categories,
            // Room is kept on the last sheet for the rows below the table.
            freight: sheet_names(
                FREIGHT_RECONCILIATION,
                freight_rows + freight::ROWS_BELOW,
                limits,
            ),
            rejected: sheet_names("Rejected rows", run.rejection_count() as usize, limits),
            review_sample: !run.review_sample.is_empty(),
        };
        Book {
            run,
            meta,
            summary,
            styles: Styles::new(),
            layout,
            limits,
            sorted,
            zones,
        }
    }

    /// The ticket a finding held in memory is about, when the run kept it.
    fn ticket(&self, finding: &Finding) -> Option<&'a Ticket> {
        self.run.flagged_tickets.get(&finding.source).map(|t| &**t)
    }

    fn zone(&self, finding: &Finding) -> Option<Tz> {
        self.zones
            .get(&(finding.policy.as_str(), finding.policy_version.as_str()))
            .copied()
    }

    /// The input file a finding or rejection came from.
    fn input_path(&self, input: usize) -> &'a str {
        self.run.inputs.get(input).map_or("", |i| i.path.as_str())
    }
}

/// The order of every listing of findings: severity (violation, warning, info), then
/// `applied_at` newest first (blank last), then ticket id, rule and source.
fn sort_findings<'a>(
    run: &'a AuditRun,
    zones: &foldhash::HashMap<(&str, &str), Tz>,
) -> Vec<&'a Finding> {
    let applied = |finding: &Finding| {
        let zone = zones
            .get(&(finding.policy.as_str(), finding.policy_version.as_str()))
            .copied()
            .unwrap_or(chrono_tz::UTC);
        let ticket = run.flagged_tickets.get(&finding.source).map(|t| &**t);
        crate::audit::spill::applied_key(ticket, zone)
    };
    let mut keyed: Vec<(Option<i64>, &Finding)> =
        run.findings.par_iter().map(|f| (applied(f), f)).collect();
    // The same order the spill files are merged in (a total order, so the sort's stability
    // does not matter), sorted on every core.
    keyed.par_sort_by(|(a_time, a), (b_time, b)| {
        crate::audit::spill::listing_order(*a_time, a, *b_time, b)
    });
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// The document's creation time: the as-of in UTC, or a fixed date for a run without one, so
/// that the same run always gives the same bytes.
fn creation_time(run: &AuditRun) -> NaiveDateTime {
    match run.as_of {
        Some(as_of) => as_of.naive_utc(),
        None => NaiveDate::from_ymd_opt(2000, 1, 1)
            .unwrap_or_default()
            .and_time(chrono::NaiveTime::MIN),
    }
}

pub(super) fn write(
    run: &AuditRun,
    meta: &RunMeta,
    summary: &Summary,
    path: &Path,
) -> Result<(), XlsxError> {
    write_with_limits(run, meta, summary, path, Limits::default())
}

/// Writes the workbook under explicit limits (the default is Excel's).
pub(super) fn write_with_limits(
    run: &AuditRun,
    meta: &RunMeta,
    summary: &Summary,
    path: &Path,
    limits: Limits,
) -> Result<(), XlsxError> {
    let book = Book::new(run, meta, summary, limits);
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(ZIP_COMPRESSION_LEVEL);
    workbook.set_properties(
        &DocProperties::new()
            .set_title("rma-audit report")
            .set_subject(format!("After-sales audit as of {}", summary.as_of))
            .set_author("rma-audit")
            .set_creation_datetime(&creation_time(run)),
    );

    // Every format a listing uses is registered before any listing is written: the Findings
    // sheet and the category sheets are written side by side, and the format table must not
    // depend on which of them comes first.
    book.styles.register(&mut workbook);
    let mut findings_sheets = listing::new_sheets(&mut workbook, &book.layout.findings)?;
    let mut category_sheets = Vec::new();
    for (_, names) in &book.layout.categories {
        category_sheets.push(listing::new_sheets(&mut workbook, names)?);
    }
    let mut freight_sheets = listing::new_sheets(&mut workbook, &book.layout.freight)?;
    let mut rejected_sheets = listing::new_sheets(&mut workbook, &book.layout.rejected)?;

    // The Findings listing on one core; the category listings and the small sheets on the
    // other (the two listings are about the same size, the small sheets a few per cent).
    let (findings, rest) = rayon::join(
        || findings::write_findings(&mut findings_sheets, &book),
        || -> Result<SmallSheets, XlsxError> {
            let small = SmallSheets::write(&book, &mut freight_sheets, &mut rejected_sheets)?;
            for ((category, _), sheets) in book.layout.categories.iter().zip(&mut category_sheets) {
                findings::write_category(sheets, &book, *category)?;
            }
            Ok(small)
        },
    );
    findings?;
    let small = rest?;

    workbook.push_worksheet(small.summary);
    for sheet in findings_sheets
        .into_iter()
        .chain(category_sheets.into_iter().flatten())
    {
        workbook.push_worksheet(sheet);
    }
    for sheet in freight_sheets {
        workbook.push_worksheet(sheet);
    }
    workbook.push_worksheet(small.coverage);
    for sheet in rejected_sheets {
        workbook.push_worksheet(sheet);
    }
    if let Some(sheet) = small.review_sample {
        workbook.push_worksheet(sheet);
    }
    workbook.push_worksheet(small.run);
    workbook.save(path)
}

/// Every sheet but the two listings of findings, written while those are: the Summary, the
/// Freight reconciliation and the Rejected rows (into the sheets the layout planned), the
/// Coverage, the Review sample and the Run.
struct SmallSheets {
    summary: Worksheet,
    coverage: Worksheet,
    review_sample: Option<Worksheet>,
    run: Worksheet,
}

impl SmallSheets {
    fn write(
        book: &Book<'_>,
        freight: &mut [Worksheet],
        rejected: &mut [Worksheet],
    ) -> Result<SmallSheets, XlsxError> {
        // The Run sheet comes last but is built first: the Summary links to a cell on it.
        let (run, resolved_anchor) = run_sheet::build(book)?;
        let mut summary = Worksheet::new();
        summary_sheet::write(&mut summary, book, resolved_anchor.as_deref())?;
        freight::write(freight, book)?;
        let mut coverage = Worksheet::new();
        coverage::write_coverage(&mut coverage, book)?;
        coverage::write_rejected(rejected, book)?;
        let review_sample = if book.layout.review_sample {
            let mut sheet = Worksheet::new();
            coverage::write_review_sample(&mut sheet, book)?;
            Some(sheet)
        } else {
            None
        };
        Ok(SmallSheets {
            summary,
            coverage,
            review_sample,
            run,
        })
    }
}
