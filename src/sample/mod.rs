//! `rma-audit sample`: generates realistic ticket exports for the shipped policies, with the
//! findings an audit of them must report.
//!
//! Everything comes from one seed (ChaCha8), so the same seed gives byte-identical files.
//! The tickets are split over `tickets-en.csv` (UTF-8, canonical headers), `tickets-zh-gbk.csv`
//! (GBK, Chinese headers and values) and `tickets.xlsx` (Excel date and number cells). Every
//! ticket complies with its policy under every rule of the catalogue, except the planted
//! cases, whose findings are listed in `expected-findings.csv` for an audit with
//! `--as-of 2026-11-15`. `broken.csv` holds rows an audit must reject.

mod broken;
mod build;
mod catalog;
mod compliant;
mod files;
mod planted;
mod planted_eligibility;
mod planted_freight;
mod sorted;
mod stream;
mod timeline;
mod write;

use std::borrow::Cow;
use std::path::PathBuf;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarSet, NotCovered};
use crate::finding::{LateBy, Severity};
use crate::policy::PolicySet;
use crate::ticket::Ticket;

use build::Ctx;
use catalog::Brand;

/// The as-of the sample's known answers hold for (`--as-of 2026-11-15`).
pub const SAMPLE_AS_OF: &str = "2026-11-15";

/// File names written into the output directory.
pub const EN_FILE: &str = "tickets-en.csv";
/// The export with Chinese headers, encoded in GBK.
pub const ZH_FILE: &str = "tickets-zh-gbk.csv";
/// The workbook export.
pub const XLSX_FILE: &str = "tickets.xlsx";
/// Rows the reader must reject.
pub const BROKEN_FILE: &str = "broken.csv";
/// The findings the planted cases must produce.
pub const EXPECTED_FILE: &str = "expected-findings.csv";
/// The whole-set exports of [`Layout::Full`]: every ticket in one CSV and in one workbook.
pub const FULL_CSV_FILE: &str = "tickets-full.csv";
/// The workbook counterpart of [`FULL_CSV_FILE`].
pub const FULL_XLSX_FILE: &str = "tickets-full.xlsx";

/// How the generated tickets are laid out over files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// The tickets shared out over `tickets-en.csv`, `tickets-zh-gbk.csv` and `tickets.xlsx`,
    /// with `broken.csv` beside them (the bundled sample set).
    #[default]
    Split,
    /// Every ticket in `tickets-full.csv` (UTF-8, canonical headers) and again in
    /// `tickets-full.xlsx` (streamed to disk, inline strings), for measuring large exports.
    Full,
}

/// What `rma-audit sample` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleOptions {
    /// Tickets over the three exports, planted cases included (each id once; the planted
    /// duplicate row comes on top).
    pub tickets: usize,
    /// Seed of the generator: the same seed gives the same bytes.
    pub seed: u64,
    /// Directory the files are written into (created when missing).
    pub out: PathBuf,
    /// Share of the tickets (0–1) that carry planted findings: the planted cases are repeated
    /// (with fresh random dates) until about this share is reached. `None`: each planted case
    /// once.
    pub violation_rate: Option<f64>,
    /// How the tickets are laid out over files.
    pub layout: Layout,
}

impl SampleOptions {
    /// The bundled sample's options: `tickets` over the split files, each planted case once.
    pub fn new(tickets: usize, seed: u64, out: PathBuf) -> SampleOptions {
        SampleOptions {
            tickets,
            seed,
            out,
            violation_rate: None,
            layout: Layout::Split,
        }
    }
}

/// One file written, and how many data rows it holds (header excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    /// Where it was written.
    pub path: PathBuf,
    /// Data rows it holds, header excluded.
    pub rows: usize,
}

/// What a run of the generator wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleReport {
    /// In write order: the three exports, `broken.csv`, `expected-findings.csv`.
    pub files: Vec<WrittenFile>,
    /// The workbooks not written because their tickets pass Excel's limit on rows in one
    /// sheet ([`EXCEL_MAX_ROWS`]), with the rows they would have held; the CSV files hold
    /// those tickets.
    pub skipped: Vec<WrittenFile>,
}

/// Excel's limit on rows in one worksheet, the header row included: a workbook export with
/// more tickets than this allows is not written.
pub const EXCEL_MAX_ROWS: usize = 1_048_576;

/// Why the sample could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// The output directory could not be created.
    #[error("cannot create the output directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV file could not be built.
    #[error("cannot build {path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The CSV error.
        #[source]
        source: csv::Error,
    },
    /// A workbook could not be built.
    #[error("cannot build {path}: {source}")]
    Xlsx {
        /// The workbook.
        path: PathBuf,
        /// The workbook writer's error.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// A value of the Chinese export has no GBK form.
    #[error("cannot encode {path} as GBK: `{value}` has no GBK form")]
    Encoding {
        /// The file being written.
        path: PathBuf,
        /// The value without a GBK form.
        value: String,
    },
    /// The built-in `cn` calendar could not be loaded.
    #[error("cannot build the sample: the built-in calendar `cn` is unavailable: {reason}")]
    Calendar {
        /// Why it could not.
        reason: String,
    },
    /// The shipped policies could not be loaded.
    #[error("cannot build the sample: the policies are unavailable: {reason}")]
    Policies {
        /// Every problem found, separated by `; `.
        reason: String,
    },
    /// `--violation-rate` is not between 0 and 1.
    #[error("--violation-rate {0}: expected a share between 0 and 1")]
    ViolationRate(f64),
    #[error(
        "--tickets {requested} is too few: the sample plants {minimum} known cases and needs at least {minimum} tickets"
    )]
    /// `--tickets` is below the number of planted cases.
    TooFewTickets {
        /// The `--tickets` given.
        requested: usize,
        /// The number of planted cases.
        minimum: usize,
    },
    /// Tickets being sorted could not be spilled to (or read back from) a temporary file.
    #[error("cannot sort the tickets in a temporary file: {source}")]
    Spill {
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Generates the sample into `options.out` for the shipped policies, with the built-in `cn`
/// calendar.
pub fn generate(options: &SampleOptions) -> Result<SampleReport, SampleError> {
    let policies = PolicySet::load(None).map_err(|diagnostics| SampleError::Policies {
        reason: one_line(&diagnostics),
    })?;
    generate_for(options, &policies)
}

/// The problems of built-in data that does not load, on one line.
fn one_line(diagnostics: &[impl std::fmt::Display]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Generates the sample into `options.out` for `policies` (every limit, amount and clause of
/// the tickets and of their known answers is read from them), with the built-in `cn` calendar.
pub fn generate_for(
    options: &SampleOptions,
    policies: &PolicySet,
) -> Result<SampleReport, SampleError> {
    let calendars = CalendarSet::load(None).map_err(|diagnostics| SampleError::Calendar {
        reason: one_line(&diagnostics),
    })?;
    let calendar = calendars.get("cn").ok_or_else(|| SampleError::Calendar {
        reason: "no calendar with id `cn`".into(),
    })?;
    generate_within(options, policies, calendar, Limits::default())
}

/// [`generate_for`] under `limits`.
pub(crate) fn generate_within(
    options: &SampleOptions,
    policies: &PolicySet,
    calendar: &crate::calendar::Calendar,
    limits: Limits,
) -> Result<SampleReport, SampleError> {
    let drawing = stream::draw(options, calendar, policies, limits.tickets_per_run)?;
    files::files(drawing, options.layout, &options.out, limits)
}

/// What `rma-audit sample` says of a workbook it skipped: which, why, and where the tickets are.
pub fn skipped_note(file: &WrittenFile) -> String {
    format!(
        "skipped {}: its {} rows of tickets do not fit in one Excel sheet ({} rows under the header); the CSV files hold them",
        file.path.display(),
        file.rows,
        EXCEL_MAX_ROWS - 1,
    )
}

/// Limits the sample is generated under. Tests lower them to exercise skipping a workbook
/// and sorting in many runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Rows one worksheet may hold, the header row included ([`EXCEL_MAX_ROWS`]).
    pub rows_per_sheet: usize,
    /// Tickets held in memory before a sorted run of them is spilled.
    pub tickets_per_run: usize,
    /// Rows of the split layout's `tickets.xlsx` built in memory (shared strings, as the
    /// bundled sample has them); a longer sheet is streamed to disk (inline strings).
    pub workbook_rows_in_memory: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            rows_per_sheet: EXCEL_MAX_ROWS,
            tickets_per_run: stream::TICKETS_PER_RUN,
            workbook_rows_in_memory: 100_000,
        }
    }
}

/// One round of every planted case, in a fixed order.
fn planted_round(ctx: &mut Ctx<'_>) -> Result<Vec<Draft>, NotCovered> {
    let mut drafts = planted::all(ctx)?;
    drafts.extend(planted_eligibility::all(ctx)?);
    Ok(drafts)
}

fn not_covered(err: NotCovered) -> SampleError {
    SampleError::Calendar {
        reason: err.to_string(),
    }
}

/// Compliant tickets kept beyond the planted ones: they keep every file non-empty and give
/// the planted duplicate an original to repeat.
const SPARE_TICKETS: usize = 10;

/// One round of the planted cases, then more rounds while `--violation-rate` asks for a larger
/// share of flagged tickets and the spare compliant tickets leave room; each handed to `push`.
fn planted_drafts(
    ctx: &mut Ctx<'_>,
    options: &SampleOptions,
    push: &mut impl FnMut(Draft) -> Result<(), SampleError>,
) -> Result<(), SampleError> {
    let first = planted_round(ctx).map_err(not_covered)?;
    let minimum = first.len() + SPARE_TICKETS;
    if options.tickets < minimum {
        return Err(SampleError::TooFewTickets {
            requested: options.tickets,
            minimum,
        });
    }
    let mut drafts = first.len();
    let mut flagged = first.iter().filter(|d| !d.expected.is_empty()).count();
    for draft in first {
        push(draft)?;
    }
    let Some(rate) = options.violation_rate else {
        return Ok(());
    };
    let wanted = (rate * options.tickets as f64).round() as usize;
    let room = options.tickets - SPARE_TICKETS;
    while flagged < wanted && drafts < room {
        for draft in planted_round(ctx).map_err(not_covered)? {
            if flagged >= wanted || drafts >= room {
                return Ok(());
            }
            flagged += usize::from(!draft.expected.is_empty());
            drafts += 1;
            push(draft)?;
        }
    }
    Ok(())
}

/// Where a generated ticket goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    En,
    Zh,
    Xlsx,
    /// Any of the three, chosen at random.
    Any,
}

/// One finding an audit must report for a planted ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Expected {
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    pub amount: Option<Decimal>,
    pub late_by: Option<LateBy>,
}

impl Expected {
    pub(crate) fn new(rule: &'static str, severity: Severity) -> Expected {
        Expected {
            rule: Cow::Borrowed(rule),
            severity,
            amount: None,
            late_by: None,
        }
    }

    pub(crate) fn amount(mut self, amount: Option<Decimal>) -> Expected {
        self.amount = amount;
        self
    }

    pub(crate) fn late(mut self, late_by: LateBy) -> Expected {
        self.late_by = Some(late_by);
        self
    }
}

/// A generated ticket before it is numbered, with where it goes and what it must trip.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub ticket: Ticket,
    pub target: Target,
    pub expected: Vec<Expected>,
}

impl Draft {
    pub(crate) fn new(ticket: Ticket, target: Target) -> Draft {
        Draft {
            ticket,
            target,
            expected: Vec::new(),
        }
    }

    pub(crate) fn expect(mut self, expected: Expected) -> Draft {
        self.expected.push(expected);
        self
    }
}

/// One row of `expected-findings.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExpectedRow {
    pub ticket_id: String,
    pub expected: Expected,
}

/// Share of the compliant tickets per policy, in percent.
const BRAND_SHARE: [(Brand, u32); 5] = [
    (Brand::Joining, 35),
    (Brand::Changkong, 20),
    (Brand::Xinji, 15),
    (Brand::HandsetOem, 15),
    (Brand::RepairService, 15),
];

fn pick_brand(rng: &mut ChaCha8Rng) -> Brand {
    let mut roll = rng.random_range(0..100);
    for (brand, share) in BRAND_SHARE {
        if roll < share {
            return brand;
        }
        roll -= share;
    }
    Brand::Joining
}

#[cfg(test)]
mod tests;
