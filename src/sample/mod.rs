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
mod planted;
mod planted_eligibility;
mod planted_freight;
mod timeline;
mod write;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use crate::calendar::{Calendar, CalendarSet, NotCovered};
use crate::finding::{LateBy, Severity};
use crate::policy::PolicySet;
use crate::ticket::{Ticket, When};

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
}

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
}

/// Generates the sample into `options.out` for the shipped policies, with the built-in `cn`
/// calendar.
pub fn generate(options: &SampleOptions) -> Result<SampleReport, SampleError> {
    let policies = PolicySet::load(None).map_err(|diagnostics| SampleError::Policies {
        reason: diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    })?;
    generate_for(options, &policies)
}

/// Generates the sample into `options.out` for `policies` (every limit, amount and clause of
/// the tickets and of their known answers is read from them), with the built-in `cn` calendar.
pub fn generate_for(
    options: &SampleOptions,
    policies: &PolicySet,
) -> Result<SampleReport, SampleError> {
    let calendars = CalendarSet::load(None).map_err(|diagnostics| SampleError::Calendar {
        reason: diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    })?;
    let calendar = calendars.get("cn").ok_or_else(|| SampleError::Calendar {
        reason: "no calendar with id `cn`".into(),
    })?;
    let sample = Sample::build(options, calendar, policies)?;
    match options.layout {
        Layout::Split => sample.write(&options.out),
        Layout::Full => sample.write_full(&options.out),
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
/// share of flagged tickets and the spare compliant tickets leave room.
fn planted_drafts(ctx: &mut Ctx<'_>, options: &SampleOptions) -> Result<Vec<Draft>, SampleError> {
    let mut drafts = planted_round(ctx).map_err(not_covered)?;
    let minimum = drafts.len() + SPARE_TICKETS;
    if options.tickets < minimum {
        return Err(SampleError::TooFewTickets {
            requested: options.tickets,
            minimum,
        });
    }
    if let Some(rate) = options.violation_rate {
        let wanted = (rate * options.tickets as f64).round() as usize;
        let room = options.tickets - SPARE_TICKETS;
        let mut flagged = drafts.iter().filter(|d| !d.expected.is_empty()).count();
        'rounds: while flagged < wanted && drafts.len() < room {
            for draft in planted_round(ctx).map_err(not_covered)? {
                if flagged >= wanted || drafts.len() >= room {
                    break 'rounds;
                }
                flagged += usize::from(!draft.expected.is_empty());
                drafts.push(draft);
            }
        }
    }
    Ok(drafts)
}

/// Sends each ticket still free to go anywhere to one of the three exports at random (4 in
/// 10 English, 3 Chinese, 3 workbook); with [`Layout::Full`], every ticket to the one list.
fn assign_files(drafts: &mut [Draft], layout: Layout, rng: &mut ChaCha8Rng) {
    for draft in drafts {
        if layout == Layout::Full {
            // One list: both whole-set files hold every ticket.
            draft.target = Target::En;
        } else if draft.target == Target::Any {
            draft.target = match rng.random_range(0..10) {
                0..=3 => Target::En,
                4..=6 => Target::Zh,
                _ => Target::Xlsx,
            };
        }
    }
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
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expected {
    pub rule: &'static str,
    pub severity: Severity,
    pub amount: Option<Decimal>,
    pub late_by: Option<LateBy>,
}

impl Expected {
    pub(crate) fn new(rule: &'static str, severity: Severity) -> Expected {
        Expected {
            rule,
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
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExpectedRow {
    pub ticket_id: String,
    pub expected: Expected,
}

/// The whole sample in memory, ready to be written.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    pub en: Vec<Ticket>,
    pub zh: Vec<Ticket>,
    pub xlsx: Vec<Ticket>,
    /// `broken.csv` as text cells in canonical column order.
    pub broken: Vec<Vec<String>>,
    pub expected: Vec<ExpectedRow>,
}

/// Share of the compliant tickets per policy, in percent.
const BRAND_SHARE: [(Brand, u32); 5] = [
    (Brand::Joining, 35),
    (Brand::Changkong, 20),
    (Brand::Xinji, 15),
    (Brand::HandsetOem, 15),
    (Brand::RepairService, 15),
];

impl Sample {
    /// The whole sample for `options`: the planted cases, compliant tickets up to
    /// `options.tickets`, the broken rows, every ticket in its file and numbered, and the
    /// planted duplicate.
    pub(crate) fn build(
        options: &SampleOptions,
        calendar: &Calendar,
        policies: &PolicySet,
    ) -> Result<Sample, SampleError> {
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        if let Some(rate) = options.violation_rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err(SampleError::ViolationRate(rate));
            }
        }
        let mut ctx =
            Ctx::new(&mut rng, calendar, policies).map_err(|id| SampleError::Policies {
                reason: format!("no policy with id `{id}`"),
            })?;
        let mut drafts = planted_drafts(&mut ctx, options)?;
        while drafts.len() < options.tickets {
            let brand = pick_brand(ctx.rng);
            let ticket = compliant::ticket(&mut ctx, brand).map_err(not_covered)?;
            drafts.push(Draft::new(ticket, Target::Any));
        }
        let broken = broken::rows(&mut ctx).map_err(not_covered)?;
        let rng = ctx.rng;
        assign_files(&mut drafts, options.layout, rng);
        number(&mut drafts);
        let mut sample = Sample::from_drafts(drafts, broken);
        sample.plant_duplicate(rng);
        sample
            .expected
            .sort_by(|a, b| (&a.ticket_id, a.expected.rule).cmp(&(&b.ticket_id, b.expected.rule)));
        Ok(sample)
    }

    /// The tickets shared out over the three exports by their targets, and the findings
    /// planted in them; `broken.csv`'s rows as given.
    fn from_drafts(drafts: Vec<Draft>, broken: Vec<Vec<String>>) -> Sample {
        let mut sample = Sample {
            en: Vec::new(),
            zh: Vec::new(),
            xlsx: Vec::new(),
            broken,
            expected: Vec::new(),
        };
        for draft in drafts {
            for expected in draft.expected {
                sample.expected.push(ExpectedRow {
                    ticket_id: draft.ticket.ticket_id.clone(),
                    expected,
                });
            }
            match draft.target {
                Target::Zh => sample.zh.push(draft.ticket),
                Target::Xlsx => sample.xlsx.push(draft.ticket),
                Target::En | Target::Any => sample.en.push(draft.ticket),
            }
        }
        sample
    }

    /// Repeats one compliant English-file ticket further down the same file: the later row is
    /// the `data.duplicate-ticket` finding, the first one is audited.
    fn plant_duplicate(&mut self, rng: &mut ChaCha8Rng) {
        let planted: std::collections::BTreeSet<&str> = self
            .expected
            .iter()
            .map(|row| row.ticket_id.as_str())
            .collect();
        let candidates: Vec<usize> = (0..self.en.len().saturating_sub(1))
            .filter(|&i| !planted.contains(self.en[i].ticket_id.as_str()))
            .collect();
        if candidates.is_empty() {
            return;
        }
        let original = candidates[rng.random_range(0..candidates.len())];
        let position = rng.random_range(original + 1..=self.en.len());
        let copy = self.en[original].clone();
        self.expected.push(ExpectedRow {
            ticket_id: copy.ticket_id.clone(),
            expected: Expected::new("data.duplicate-ticket", Severity::Warning),
        });
        self.en.insert(position, copy);
    }

    /// Writes every file into `dir`, each atomically (a temporary name, then a rename).
    pub(crate) fn write(&self, dir: &Path) -> Result<SampleReport, SampleError> {
        std::fs::create_dir_all(dir).map_err(|source| SampleError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let outputs: [(&str, usize, Vec<u8>); 5] = [
            (
                EN_FILE,
                self.en.len(),
                write::en_csv(&self.en, &dir.join(EN_FILE))?,
            ),
            (
                ZH_FILE,
                self.zh.len(),
                write::zh_csv(&self.zh, &dir.join(ZH_FILE))?,
            ),
            (
                XLSX_FILE,
                self.xlsx.len(),
                write::xlsx(&self.xlsx, &dir.join(XLSX_FILE))?,
            ),
            (
                BROKEN_FILE,
                self.broken.len(),
                write::text_csv(&self.broken, &dir.join(BROKEN_FILE))?,
            ),
            (
                EXPECTED_FILE,
                self.expected.len(),
                write::expected_csv(&self.expected, &dir.join(EXPECTED_FILE))?,
            ),
        ];
        let mut files = Vec::new();
        for (name, rows, bytes) in outputs {
            let path = dir.join(name);
            write_atomically(dir, &path, &bytes)?;
            files.push(WrittenFile { path, rows });
        }
        Ok(SampleReport { files })
    }
}

impl Sample {
    /// Writes the [`Layout::Full`] files into `dir`: every ticket in one CSV and one
    /// workbook (both streamed to disk), and the known answers.
    pub(crate) fn write_full(&self, dir: &Path) -> Result<SampleReport, SampleError> {
        std::fs::create_dir_all(dir).map_err(|source| SampleError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let tickets = &self.en;
        let csv_path = dir.join(FULL_CSV_FILE);
        write_streamed(dir, &csv_path, |temp| {
            write::en_csv_to(tickets, temp, &csv_path)
        })?;
        let xlsx_path = dir.join(FULL_XLSX_FILE);
        write_streamed(dir, &xlsx_path, |temp| {
            write::xlsx_streamed(tickets, temp, &xlsx_path)
        })?;
        let expected_path = dir.join(EXPECTED_FILE);
        let expected = write::expected_csv(&self.expected, &expected_path)?;
        write_atomically(dir, &expected_path, &expected)?;
        Ok(SampleReport {
            files: vec![
                WrittenFile {
                    path: csv_path,
                    rows: tickets.len(),
                },
                WrittenFile {
                    path: xlsx_path,
                    rows: tickets.len(),
                },
                WrittenFile {
                    path: expected_path,
                    rows: self.expected.len(),
                },
            ],
        })
    }
}

/// Writes `path` through `fill`, which streams into a temporary file beside it; the file is
/// renamed into place only when complete.
fn write_streamed(
    dir: &Path,
    path: &Path,
    fill: impl FnOnce(&Path) -> Result<(), SampleError>,
) -> Result<(), SampleError> {
    let failed = |source| SampleError::Write {
        path: path.to_path_buf(),
        source,
    };
    let temp = tempfile::Builder::new()
        .prefix(".sample-")
        .tempfile_in(dir)
        .map_err(failed)?;
    fill(temp.path())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(failed)?;
    }
    temp.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}

fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), SampleError> {
    let failed = |source| SampleError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".sample-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Readable like any file the user writes, not private like a temporary file.
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    file.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}

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

/// Numbers the tickets in order of application, per year: `RMA-2025-000001`…
fn number(drafts: &mut [Draft]) {
    drafts.sort_by_key(|draft| applied_key(&draft.ticket));
    let mut year = 0;
    let mut sequence = 0;
    for draft in drafts {
        let applied_year = applied_key(&draft.ticket).format("%Y").to_string();
        let applied_year: i32 = applied_year.parse().unwrap_or_default();
        if applied_year != year {
            year = applied_year;
            sequence = 0;
        }
        sequence += 1;
        draft.ticket.ticket_id = format!("RMA-{year}-{sequence:06}");
    }
}

fn applied_key(ticket: &Ticket) -> chrono::NaiveDateTime {
    match ticket.applied_at {
        Some(When::Local(local)) => local,
        Some(When::Date(date)) => date.and_time(chrono::NaiveTime::MIN),
        Some(When::Fixed(fixed)) => fixed.naive_local(),
        None => chrono::NaiveDateTime::MIN,
    }
}

#[cfg(test)]
mod tests;
