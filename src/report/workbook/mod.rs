//! `report.xlsx`, the workbook people read. Sheets, in order: Summary, Findings, one sheet per
//! category (Freight, Review SLA, Refund cycle, Turnaround, Eligibility, Data), Freight
//! reconciliation, Scorecards, Trends (only with `--history`), Coverage, Rejected rows, Review
//! sample (only with `--sample`), Run.
//!
//! Input text is always written as a string cell, never as a formula. Listings are written in
//! constant-memory mode, sorted before writing, and split over numbered sheets ("Findings (2)")
//! when they exceed Excel's row limit; so are the Freight reconciliation, whose tables by
//! courier and by store can be that long, and the Scorecards (by store, agent and courier). The same run gives the same bytes: the document's
//! creation time is derived from the as-of and nothing else depends on the clock.
//!
//! # Layers
//!
//! The modules form four layers. A module imports from the layers below its own and, within its
//! layer, only from modules listed before it here; nothing but the tests imports from this
//! file. Read from the bottom up (`tests/layers.rs` checks the imports).
//!
//! 1. **Cells**, which import nothing else of the workbook: [`local_time`] (a point in time as
//!    a sheet shows it), [`styles`] (every format, built once), [`widths`] (the width text
//!    needs, and the lines it wraps to), then [`cells`] (one value written as the right cell
//!    type, and links).
//! 2. **Blocks** the sheets are made of. [`pen`] writes stacked sections (Summary, Run) and
//!    [`listing`] writes tables continued over numbered sheets, readable and printable (long
//!    texts wrapped, the ticket kept in view, landscape one page wide); [`ticket_values`] and
//!    [`policy_params`] turn a ticket and a policy into cells and words; [`layout`] plans
//!    and names the sheets, [`book`] holds everything the sheet writers read (the run, its
//!    findings sorted once, the layout, the styles), and [`tally`] counts what the Summary
//!    shows.
//! 3. **Sheets**, one writer per sheet or kind of sheet, each reading the [`book::Book`]:
//!    [`summary_trends`] (the Summary's lower half), [`summary_sheet`], [`findings`] (the
//!    Findings and category sheets), [`freight`], [`scorecards`], [`coverage`] (Coverage,
//!    Rejected rows, Review sample), [`run_sheet`], [`trends_sheet`].
//! 4. **Assembly**, this file: it builds the Book, writes the two listings of findings and the
//!    other sheets side by side, adds the sheets in order and saves.

// 1. Cells
mod cells;
mod local_time;
mod styles;
mod widths;

// 2. Blocks
mod book;
mod layout;
mod listing;
mod pen;
mod policy_params;
mod tally;
mod ticket_values;

// 3. Sheets
mod coverage;
mod findings;
mod freight;
mod run_sheet;
mod scorecards;
mod summary_sheet;
mod summary_trends;
mod trends_sheet;

#[cfg(test)]
mod tests;

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, Write};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{DocProperties, Workbook, Worksheet, XlsxError};
use zip::{ZipArchive, ZipWriter};

use super::summary::Summary;
use super::RunMeta;
use crate::audit::AuditRun;
use book::Book;
use layout::Limits;

/// The deflate level of the workbook's parts (1 fastest … 9 smallest; rust_xlsxwriter's default
/// is 6). Level 2 saves a large workbook much sooner than level 6 for a somewhat larger file;
/// level 1 would be a little faster again but much larger (figures: benches/README.md).
pub const ZIP_COMPRESSION_LEVEL: u8 = 2;

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
fn write_with_limits(
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
            .set_title(book.styles.texts.label("rma-audit report"))
            .set_subject(crate::tr!(
                book.styles.texts,
                "wb-doc-subject",
                as_of = summary.as_of
            ))
            .set_author("rma-audit")
            .set_creation_datetime(&creation_time(run)),
    );

    // Every format a listing uses is registered before any listing is written: the Findings
    // sheet and the category sheets are written side by side, and the format table must not
    // depend on which of them comes first.
    book.styles.register(&mut workbook);
    // The Findings listing is written into a workbook of its own, which registers the same
    // formats in the same order: its sheets' cells carry the same format indices.
    let mut side = Workbook::new();
    side.set_zip_compression_level(ZIP_COMPRESSION_LEVEL);
    book.styles.register(&mut side);
    let mut findings_sheets = listing::new_sheets(&mut side, &book.layout.findings)?;
    let mut category_sheets = Vec::new();
    for (_, names) in &book.layout.categories {
        category_sheets.push(listing::new_sheets(&mut workbook, names)?);
    }
    let mut freight_sheets = listing::new_sheets(&mut workbook, &book.layout.freight)?;
    let mut scorecard_sheets = listing::new_sheets(&mut workbook, &book.layout.scorecards)?;
    let mut rejected_sheets = listing::new_sheets(&mut workbook, &book.layout.rejected)?;

    // The Findings listing on one core, then its workbook saved there (its parts deflated);
    // the category listings and the small sheets on the other, then the workbook of every
    // sheet saved there, with empty stand-ins for the Findings sheets. The two listings are
    // about the same size, so both cores deflate at the same time; the parts are then put
    // together into one file without inflating them again.
    let findings_rows = findings::findings_rows(&book);
    let (side_file, main_file) = rayon::join(
        || -> Result<File, XlsxError> {
            let written = findings::write_findings(&mut findings_sheets, &book)?;
            if written != findings_rows {
                return Err(XlsxError::ParameterError(format!(
                    "the Findings listing has {written} rows, {findings_rows} were planned"
                )));
            }
            // A sheet where the Summary is, so the Findings sheets have the same part names
            // and, not being the first sheet, are not the selected one.
            side.push_worksheet(Worksheet::new());
            for sheet in findings_sheets {
                side.push_worksheet(sheet);
            }
            save_to_temp_and_drop(side)
        },
        || -> Result<File, XlsxError> {
            let small = SmallSheets::write(
                &book,
                &mut freight_sheets,
                &mut scorecard_sheets,
                &mut rejected_sheets,
            )?;
            for ((category, _), sheets) in book.layout.categories.iter().zip(&mut category_sheets) {
                findings::write_category(sheets, &book, *category)?;
            }
            workbook.push_worksheet(small.summary);
            for sheet in findings::stand_ins(&book, findings_rows)? {
                workbook.push_worksheet(sheet);
            }
            for sheet in category_sheets.into_iter().flatten() {
                workbook.push_worksheet(sheet);
            }
            for sheet in freight_sheets.into_iter().chain(scorecard_sheets) {
                workbook.push_worksheet(sheet);
            }
            if let Some(sheet) = small.trends {
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
            save_to_temp_and_drop(workbook)
        },
    );
    // The Summary is sheet 1 of both workbooks; the Findings sheets follow it.
    let findings_parts: Vec<String> = (0..book.layout.findings.len())
        .map(|n| format!("xl/worksheets/sheet{}.xml", n + 2))
        .collect();
    combine(main_file?, side_file?, &findings_parts, path)
}

/// Saves a workbook into an anonymous temporary file, rewound for reading, and drops it on
/// the same thread: its sheets' temporary files (the listings' XML, hundreds of megabytes at a
/// million findings) are closed and freed while the other half of the workbook is still
/// being written, not afterwards on one core.
fn save_to_temp_and_drop(mut workbook: Workbook) -> Result<File, XlsxError> {
    let mut file = BufWriter::new(tempfile::tempfile()?);
    workbook.save_to_writer(&mut file)?;
    drop(workbook);
    let mut file = file
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    file.rewind()?;
    Ok(file)
}

/// Writes `path`: every part of the `main` workbook in its order, those named in `taken`
/// taken from `side` instead, each copied as it was compressed.
fn combine(main: File, side: File, taken: &[String], path: &Path) -> Result<(), XlsxError> {
    let mut main = ZipArchive::new(BufReader::new(main))?;
    let mut side = ZipArchive::new(BufReader::new(side))?;
    let mut out = ZipWriter::new(BufWriter::new(File::create(path)?));
    for index in 0..main.len() {
        let part = main.by_index_raw(index)?;
        if taken.iter().any(|name| name.as_bytes() == part.name_raw()) {
            let name = part.name_raw().to_owned();
            drop(part);
            out.raw_copy_file(side.by_name_raw(&name)?)?;
        } else {
            out.raw_copy_file(part)?;
        }
    }
    out.finish()?.flush()?;
    Ok(())
}

/// Every sheet but the two listings of findings, written while those are: the Summary, the
/// Freight reconciliation, the Scorecards and the Rejected rows (into the sheets the layout
/// planned), the Coverage, the Review sample, the Trends and the Run.
struct SmallSheets {
    summary: Worksheet,
    coverage: Worksheet,
    review_sample: Option<Worksheet>,
    trends: Option<Worksheet>,
    run: Worksheet,
}

impl SmallSheets {
    fn write(
        book: &Book<'_>,
        freight: &mut [Worksheet],
        scorecards: &mut [Worksheet],
        rejected: &mut [Worksheet],
    ) -> Result<SmallSheets, XlsxError> {
        // The Run sheet comes last but is built first: the Summary links to a cell on it.
        let (run, resolved_anchor) = run_sheet::build(book)?;
        let mut summary = Worksheet::new();
        summary_sheet::write(&mut summary, book, resolved_anchor.as_deref())?;
        freight::write(freight, book)?;
        scorecards::write(scorecards, book)?;
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
        let trends = match &book.meta.trends {
            Some(trends) => {
                let mut sheet = Worksheet::new();
                trends_sheet::write(&mut sheet, book, trends)?;
                Some(sheet)
            }
            None => None,
        };
        Ok(SmallSheets {
            summary,
            coverage,
            review_sample,
            trends,
            run,
        })
    }
}
