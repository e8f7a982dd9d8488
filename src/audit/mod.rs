//! The audit driver: reads every input, resolves each ticket's policy version, evaluates the
//! rules in parallel (the one rayon seam), and gathers findings, rejections and coverage.
//!
//! Inputs are streamed in chunks so memory stays bounded, through a pipeline (the private
//! `pipeline` module): a reading thread fills the next chunk while rayon parses and evaluates
//! this one (`par_iter().map().collect()` keeps input order) and the chunk before is merged
//! into the run sequentially. The result is the same for any number of threads.

use crate::l10n::{Lang, Texts};
use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};

use crate::calendar::CalendarSet;
use crate::finding::{Finding, Severity};
use crate::ingest::{self, IngestError, Rejection, Row};
use crate::policy::{Policy, PolicySet};
use crate::rules::Context;
use crate::ticket::{Source, Ticket};

mod explain;
mod inputs;
mod ledger;
mod pipeline;
mod review;
mod scorecard;
pub mod spill;
mod tally;
#[cfg(test)]
mod tests;
mod trust;
mod waivers;

pub use explain::{explain, Explanation, Verdict};
pub use ledger::{money_side, money_totals, FreightLedger, LedgerRow, MoneySide, MoneyTotals};
pub use pipeline::FindingSink;
pub use review::{
    compare_previous, FindingStatus, PreviousComparison, PreviousRun, ResolvedFinding,
    ReviewSample, Triage, BASELINE_FILE,
};
pub use scorecard::{AppliedRange, ScoreBy, ScoreRow, Scorecards};
pub use trust::{missing_columns, untrusted_reasons, MissingColumn, TrustSettings};
pub use waivers::{Waiver, WaiverTally, WaiverUse, Waivers, WAIVERS_HEADER};

use pipeline::{Merger, Resolved, Resolver, Stage};
use tally::Tallies;

/// The rows of an input are merged in blocks of this many: within a block, the duplicate
/// findings come before the audited tickets' findings. (The order of `findings.csv`; the
/// pipeline evaluates smaller pieces.)
const CHUNK_ROWS: usize = 16_384;

/// Everything the audit needs, already checked.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// The ticket exports to audit (CSV or XLSX), in command-line order; that order is the
    /// `input` index of every [`Source`] and the order of the findings.
    pub inputs: Vec<PathBuf>,
    /// The instant open tickets are judged at (`--as-of`; a date means 23:59:59 that day),
    /// shown in the rules' timezone; also seeds the review sample.
    pub as_of: DateTime<FixedOffset>,
    /// `--policy`: the policy id or alias for every row.
    pub forced_policy: Option<String>,
    /// How the inputs are read: mapping, sheet, header row, date order, encoding, kept columns.
    pub read: ingest::Options,
    /// Compliant tickets to sample per policy for manual review (`--sample N`); 0 = none.
    pub sample_per_policy: usize,
    /// Bytes of findings held in memory before they are spilled to disk
    /// ([`spill::budget_from_env`]).
    pub spill_budget: usize,
    /// `--from` / `--to`: the tickets applied for in this period (inclusive, on the date of
    /// `applied_at` in the policy's timezone) are audited, the others counted out of period.
    pub period: Period,
    /// `--lang`: the language of the findings' texts and of the workbook.
    pub lang: Lang,
}

/// An inclusive period of application dates; an open end is unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    /// The first application date audited (`--from`); `None` = no lower bound.
    pub from: Option<chrono::NaiveDate>,
    /// The last application date audited (`--to`, inclusive); `None` = no upper bound.
    pub to: Option<chrono::NaiveDate>,
}

impl Period {
    /// Whether a period is set at all.
    pub fn is_set(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Whether an application date falls within the period, both ends included.
    pub fn contains(&self, date: chrono::NaiveDate) -> bool {
        self.from.is_none_or(|from| date >= from) && self.to.is_none_or(|to| date <= to)
    }
}

/// One input file's row accounting: read = audited + rejected + duplicate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSummary {
    /// The path as given on the command line.
    pub path: String,
    /// Hex SHA-256 of the file's bytes, so a report can be tied to the exact export it read.
    pub sha256: String,
    /// The worksheet read, for XLSX inputs; `None` for CSV.
    pub sheet: Option<String>,
    /// Data rows read (the header not counted): the sum of the five `rows_*` counts that follow.
    pub rows_read: u64,
    /// Rows whose ticket was audited: neither rejected, duplicate, superseded nor out of period.
    pub rows_audited: u64,
    /// Rows rejected: read but not audited, each with its reasons in `rejected.csv`.
    pub rows_rejected: u64,
    /// Rows repeating a ticket id already audited (in any input): not audited, each reported
    /// as a `data.duplicate-ticket` finding.
    pub rows_duplicate: u64,
    /// Rows of a ticket that a later row of it replaces (the mapping's `[latest]`).
    pub rows_superseded: u64,
    /// Rows applied for outside `--from`/`--to`.
    pub rows_out_of_period: u64,
    /// The canonical columns the input provides, in catalogue order.
    pub columns: Vec<&'static str>,
    /// Header warnings (mapped headers not found…).
    pub warnings: Vec<String>,
}

impl InputSummary {
    /// The summary of an input about to be read: its name, sheet, columns and header warnings.
    fn start(
        path: &std::path::Path,
        reader: &dyn ingest::RowReader,
        schema: &ingest::Schema,
    ) -> InputSummary {
        InputSummary {
            path: path.display().to_string(),
            sheet: reader.sheet().map(str::to_owned),
            columns: crate::ticket::Column::ALL
                .iter()
                .filter(|c| schema.provides(**c))
                .map(|c| c.name())
                .collect(),
            warnings: schema.warnings().to_vec(),
            ..InputSummary::default()
        }
    }
}

/// Coverage of one rule for one policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Audited tickets the rule applies to: `evaluated` + `not_evaluable`.
    pub in_scope: u64,
    /// In-scope tickets the rule could decide: `passed` + `flagged`.
    pub evaluated: u64,
    /// Tickets evaluated with no breach found.
    pub passed: u64,
    /// Tickets evaluated with a breach: one finding each.
    pub flagged: u64,
    /// In-scope tickets the rule could not decide because an input it needs is blank,
    /// absent or outside a calendar; their reasons are in `reasons`.
    pub not_evaluable: u64,
    /// Not-evaluable reason → count.
    pub reasons: BTreeMap<String, u64>,
}

/// The result of an audit, ready for the report writers.
#[derive(Debug, Clone, Default)]
pub struct AuditRun {
    /// The language of the findings' texts (`--lang`), which the workbook is written in too.
    pub lang: Lang,
    /// Each coverage reason of `coverage` (English, as summary.json keys them) in `lang`.
    pub reason_texts: BTreeMap<String, String>,
    /// Each warning of `warnings` (English, as summary.json and standard error have them)
    /// that has a translation, in `lang`.
    pub warning_texts: BTreeMap<String, String>,
    /// The as-of instant the run judged open tickets at; `None` only in an empty default run.
    pub as_of: Option<DateTime<FixedOffset>>,
    /// One row reconciliation per input file, in command-line order.
    pub inputs: Vec<InputSummary>,
    /// In input order (file, row), then catalogue order within a ticket.
    pub findings: Vec<Finding>,
    /// The rejected rows' problems still held in memory, in input order, one per problem (a
    /// row can have several); those past the budget are in [`AuditRun::rejections_spilled`].
    pub rejections: Vec<Rejection>,
    /// (policy id, rule id) → coverage, for every rule that applies to a policy used.
    pub coverage: BTreeMap<(String, &'static str), Coverage>,
    /// The tickets that have findings, by source, for the report's context columns.
    pub flagged_tickets: foldhash::HashMap<Source, Box<Ticket>>,
    /// The policy versions tickets were judged by: (id, version) → version.
    pub policies_used: BTreeMap<(String, String), Policy>,
    /// Run-level warnings, each once (e.g. `calendar cn does not cover 2027: 3 working-day
    /// checks were not evaluated`).
    pub warnings: Vec<String>,
    /// Audited tickets per policy id.
    pub tickets_by_policy: BTreeMap<String, u64>,
    /// Freight deductions by courier and by store, over every audited ticket.
    pub freight_ledger: FreightLedger,
    /// Tickets audited and their findings per store, agent and courier.
    pub scorecards: Scorecards,
    /// The earliest and latest dates of application among the audited tickets.
    pub applied_range: AppliedRange,
    /// A reproducible random sample of compliant tickets per policy (`--sample N`).
    pub review_sample: ReviewSample,
    /// The names of the `--keep-columns`, in the order of `Ticket::kept`.
    pub kept_columns: Vec<String>,
    /// The comparison with an earlier run (`--previous`), filled in by the caller.
    pub previous: Option<PreviousComparison>,
    /// What decides each finding's status (`--previous`, `--waivers`), set by the caller.
    pub triage: Triage,
    /// How the waivers met the findings (`--waivers`), filled in by the caller.
    pub waiver_use: Option<WaiverUse>,
    /// Working-day checks not evaluated because a calendar does not cover a year.
    pub uncovered: Vec<Uncovered>,
    /// Canonical column → the rules that found it blank (or absent) for some ticket and so
    /// could not be evaluated.
    pub blank_inputs: BTreeMap<&'static str, std::collections::BTreeSet<&'static str>>,
    /// Calendars the run used that end soon after the as-of (the calendar horizon).
    pub horizon: Vec<String>,
    /// Why the result cannot be trusted (exit status 4); empty when it can.
    pub untrusted: Vec<String>,
    /// The last trusted run's findings, kept beside an untrusted result so the next run
    /// compares with them ([`BASELINE_FILE`]).
    pub baseline: Option<Baseline>,
    /// The rejections past the memory budget, on disk; they come before [`AuditRun::rejections`].
    pub rejections_spilled: spill::Appended<Rejection>,
    /// The findings past the memory budget, on disk. When it is not empty, every finding is
    /// there and [`AuditRun::findings`] is empty.
    pub spilled: spill::Spilled,
    /// The estimated heap of `findings` and `flagged_tickets`, against the spill budget.
    pub held_bytes: usize,
}

/// Where an untrusted run's baseline comes from: the earlier run it compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// The earlier run's directory.
    pub from: String,
    /// The file its findings were read from.
    pub source: PathBuf,
    /// The canonical columns that run read.
    pub columns_read: Option<Vec<String>>,
}

/// Working-day checks a calendar could not decide: it does not cover `year`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    /// The calendar id, e.g. `cn`.
    pub calendar: String,
    /// The calendar year the calendar file has no days for.
    pub year: i32,
    /// Rule evaluations left not evaluable because they needed working days of that year.
    pub checks: u64,
}

impl AuditRun {
    /// Data rows read over every input.
    pub fn rows_read(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_read).sum()
    }

    /// Rows whose ticket was audited, over every input.
    pub fn rows_audited(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_audited).sum()
    }

    /// Rows rejected over every input: read but not audited, their reasons in `rejected.csv`.
    pub fn rows_rejected(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_rejected).sum()
    }

    /// Rows repeating an already audited ticket id, over every input.
    pub fn rows_duplicate(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_duplicate).sum()
    }

    /// Rows replaced by a later row of the same ticket (the mapping's `[latest]`), over every
    /// input.
    pub fn rows_superseded(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_superseded).sum()
    }

    /// Rows applied for outside `--from`/`--to`, over every input.
    pub fn rows_out_of_period(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_out_of_period).sum()
    }

    /// How many findings the run has, held or spilled.
    pub fn finding_count(&self) -> u64 {
        self.findings.len() as u64 + self.spilled.len()
    }

    /// Visits every finding with the ticket it is about (when kept), in no particular order:
    /// from memory, or read back from the spill files.
    pub fn each_finding(
        &self,
        mut visit: impl FnMut(&Finding, Option<&Ticket>),
    ) -> std::io::Result<()> {
        for finding in &self.findings {
            let ticket = self.flagged_tickets.get(&finding.source).map(|t| &**t);
            visit(finding, ticket);
        }
        self.spilled
            .each(|item| visit(&item.finding, item.ticket.as_ref()))
    }

    /// The worst severity among the findings.
    pub fn worst_severity(&self) -> std::io::Result<Option<Severity>> {
        let mut worst = None;
        self.each_finding(|f, _| worst = worst.max(Some(f.severity)))?;
        Ok(worst)
    }

    /// The worst severity among the findings that count for `--fail-on`: none waived, and
    /// with `only_new` none the previous run had.
    pub fn worst_failing(&self, only_new: bool) -> std::io::Result<Option<Severity>> {
        let mut worst = None;
        self.each_finding(|f, _| {
            if self.triage.counts_for_failure(f, only_new) {
                worst = worst.max(Some(f.severity));
            }
        })?;
        Ok(worst)
    }

    /// Counts a finding (and its ticket, when it is the first of its ticket) against the
    /// spill budget.
    fn hold(&mut self, finding: Finding, ticket: Option<Box<Ticket>>) {
        self.held_bytes += spill::held_bytes(&finding);
        if let Some(ticket) = ticket {
            self.held_bytes += spill::ticket_bytes(&ticket);
            self.flagged_tickets.insert(ticket.source, ticket);
        }
        self.findings.push(finding);
    }

    /// How many rejections the run has, held or spilled.
    pub fn rejection_count(&self) -> u64 {
        self.rejections.len() as u64 + self.rejections_spilled.len()
    }

    /// Visits every rejection in input order: those on disk, then those held.
    pub fn each_rejection(&self, mut visit: impl FnMut(&Rejection)) -> std::io::Result<()> {
        for rejection in self.rejections_spilled.iter()? {
            visit(&rejection?);
        }
        self.rejections.iter().for_each(visit);
        Ok(())
    }

    /// Sorts the held findings and writes them to the spill files, with their tickets; appends
    /// the held rejections to theirs.
    fn spill_held(
        &mut self,
        zones: &foldhash::HashMap<(String, String), chrono_tz::Tz>,
    ) -> std::io::Result<()> {
        let tickets = std::mem::take(&mut self.flagged_tickets);
        let items = std::mem::take(&mut self.findings)
            .into_iter()
            .map(|finding| {
                let ticket = tickets.get(&finding.source).map(|t| (**t).clone());
                let zone = zones
                    .get(&(finding.policy.clone(), finding.policy_version.clone()))
                    .copied()
                    .unwrap_or(chrono_tz::UTC);
                spill::Listed {
                    applied: spill::applied_key(ticket.as_ref(), zone),
                    finding,
                    ticket,
                }
            })
            .collect();
        self.held_bytes = 0;
        self.rejections_spilled.append(&self.rejections)?;
        self.rejections.clear();
        self.spilled.spill(items)
    }

    /// The canonical columns any input provides, in catalogue order.
    pub fn columns_read(&self) -> Vec<&'static str> {
        crate::ticket::Column::ALL
            .iter()
            .map(|c| c.name())
            .filter(|name| self.inputs.iter().any(|i| i.columns.contains(name)))
            .collect()
    }
}

/// A failure that stops the run before anything is written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// An input or the `--mapping` file cannot be read at all (exit status 2).
    #[error(transparent)]
    Input(#[from] IngestError),
    /// An input could not be hashed, or the thread reading it could not start (exit status 2).
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The input as given on the command line.
        path: String,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The findings sink failed (its error names the file).
    #[error("{0}")]
    Output(std::io::Error),
    /// Findings could not be spilled to temporary files.
    #[error("cannot spill findings to a temporary file: {0}")]
    Spill(std::io::Error),
}

/// Runs the audit over every input. Nothing is written here.
pub fn run(
    config: &AuditConfig,
    policies: &PolicySet,
    calendars: &CalendarSet,
    progress: impl FnMut(u64),
) -> Result<AuditRun, AuditError> {
    run_streaming(config, policies, calendars, progress, &mut |_| Ok(()))
}

/// Runs the audit over every input, handing each merged chunk's findings to `sink` as soon
/// as they are final (in the order of [`AuditRun::findings`]), so `findings.csv` is written
/// while later rows are still being evaluated. `progress` gets the rows done after each
/// chunk.
pub fn run_streaming(
    config: &AuditConfig,
    policies: &PolicySet,
    calendars: &CalendarSet,
    mut progress: impl FnMut(u64),
    sink: &mut FindingSink<'_>,
) -> Result<AuditRun, AuditError> {
    let ctx = Context {
        as_of: config.as_of.with_timezone(&Utc),
        calendars,
        texts: Texts::of(config.lang),
    };
    let mut run = AuditRun {
        as_of: Some(config.as_of),
        lang: config.lang,
        kept_columns: config.read.keep_columns.clone(),
        review_sample: ReviewSample::new(config.sample_per_policy, config.as_of),
        ..AuditRun::default()
    };
    let resolver = Resolver::new(policies, config);
    let spilling = Spilling {
        budget: config.spill_budget,
        zones: policies
            .versions()
            .iter()
            .map(|p| ((p.id.clone(), p.version.clone()), p.timezone))
            .collect(),
    };
    let mut seen = SeenIds::default();
    let mut tallies = Tallies::default();
    let mut rows_done = 0u64;

    std::thread::scope(|scope| -> Result<(), AuditError> {
        let resolver = &resolver;
        let mut queue = inputs::Queue::new(scope, config, resolver);
        for index in 0..config.inputs.len() {
            let (input, opened) = queue.take(index)?;
            let stage = Stage {
                schema: &opened.schema,
                origin: &opened.origin,
                resolver,
                ctx: &ctx,
                period: config.period,
                winners: opened.winners.as_ref(),
                spares: &input.spares,
            };
            let merger = Merger {
                run: &mut run,
                seen: &mut seen,
                spilling: &spilling,
                tallies: &mut tallies,
                sink: &mut *sink,
                summary: opened.summary,
                rows_done,
                block_rows: 0,
                deferred: Vec::new(),
            };
            let (summary, done) =
                pipeline::run_input(&input.pieces, input.hashing, &stage, merger, &mut progress)?;
            rows_done = done;
            run.inputs.push(summary);
        }
        Ok(())
    })?;
    tallies.fold_into(&mut run);
    if !run.spilled.is_empty() {
        run.spill_held(&spilling.zones).map_err(AuditError::Spill)?;
    }
    Ok(run)
}

/// When and how the merged findings are spilled to disk.
pub(crate) struct Spilling {
    /// Bytes of findings, tickets and rejections held, with the ticket ids seen, before the
    /// findings are spilled.
    pub budget: usize,
    /// (policy id, version) → timezone, for the listing order's time key.
    pub zones: foldhash::HashMap<(String, String), chrono_tz::Tz>,
}

/// The ticket ids seen so far, as 128-bit hashes: 16 bytes an id however long it is, instead
/// of a copy of it. Two distinct ids share a hash with a chance of about n²/2¹²⁹ (below
/// 10⁻²³ for a billion tickets).
#[derive(Debug, Default)]
pub(crate) struct SeenIds {
    hashes: foldhash::HashSet<u128>,
}

impl SeenIds {
    /// Records `id`; false when it was already seen.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        self.hashes.insert(id_hash(id))
    }

    /// The heap the set takes: a 16-byte hash and a control byte per slot.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.hashes.capacity() * 17
    }
}

/// A 128-bit hash of a ticket id from two independently seeded 64-bit hashes; the seeds are
/// fixed, so the same id always hashes the same.
pub(crate) fn id_hash(id: &str) -> u128 {
    use std::hash::BuildHasher;
    const SEEDS: [u64; 2] = [0x9e37_79b9_7f4a_7c15, 0xc2b2_ae3d_27d4_eb4f];
    let [low, high] = SEEDS.map(|seed| foldhash::quality::FixedState::with_seed(seed).hash_one(id));
    (u128::from(high) << 64) | u128::from(low)
}

/// The file and sheet rows of one input come from, for rejections.
struct RowOrigin {
    file: String,
    sheet: Option<String>,
    /// The input's policy header as written and its column letter, when it has one.
    policy_column: Option<(String, String)>,
}

/// Resolves the policy and version of a parsed row, or says why it cannot be audited.
fn resolve<'p>(
    row: Row,
    origin: &RowOrigin,
    config: &'p AuditConfig,
    policies: &'p PolicySet,
) -> Resolved<'p> {
    Resolver::new(policies, config).resolve(row, origin)
}

/// A parsed row resolved: its ticket with the policy version it is audited under, or the
/// row's rejections.
pub type Resolution<'p> = Result<(Box<Ticket>, &'p Policy), Vec<Rejection>>;

/// Resolves parsed rows of one input (read with `schema`) to the policy versions the audit
/// evaluates them under: each row's ticket with its policy, or the row's rejections. The
/// audit's own resolution, for callers that evaluate tickets themselves.
pub fn resolve_rows<'p>(
    rows: impl IntoIterator<Item = Row>,
    schema: &ingest::Schema,
    config: &'p AuditConfig,
    policies: &'p PolicySet,
) -> Vec<Resolution<'p>> {
    let resolver = Resolver::new(policies, config);
    let origin = RowOrigin {
        file: schema.source_file().to_owned(),
        sheet: schema.sheet().map(str::to_owned),
        policy_column: schema.source_of(crate::ticket::Column::Policy),
    };
    rows.into_iter()
        .map(|row| match resolver.resolve(row, &origin) {
            Resolved::Audit(ticket, policy) => Ok((ticket, policy)),
            Resolved::Reject(problems) => Err(problems),
        })
        .collect()
}

fn duplicate_finding(ticket: &Ticket, policy: &Policy, file: &str, texts: &Texts) -> Finding {
    let rule = &crate::rules::DUPLICATE_TICKET_RULE;
    Finding {
        ticket_id: ticket.ticket_id.to_string(),
        policy: policy.id.clone(),
        policy_version: policy.version.clone(),
        rule: rule.id,
        category: rule.category,
        severity: rule.severity,
        clause: String::new(),
        expected: crate::tr!(texts, "duplicate-expected"),
        actual: crate::tr!(texts, "duplicate-actual", ticket = ticket.ticket_id),
        amount: None,
        late_by: None,
        explanation: crate::tr!(
            texts,
            "duplicate-explanation",
            ticket = ticket.ticket_id,
            file = file,
            row = ticket.source.row
        ),
        source: ticket.source,
    }
}

/// Hex SHA-256 of a file, streamed.
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(format!("{:x}", hasher.finalize()))
}
