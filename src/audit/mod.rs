//! The audit driver: reads every input, resolves each ticket's policy version, evaluates the
//! rules in parallel (the one rayon seam), and gathers findings, rejections and coverage.
//!
//! Inputs are processed in chunks so memory stays bounded: a chunk of raw rows is parsed and
//! evaluated under rayon (`par_iter().map().collect()` keeps input order), then merged into the
//! run sequentially. The result is the same for any number of threads.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;

use crate::calendar::CalendarSet;
use crate::finding::{Category, Finding, Outcome, RuleResult, Severity};
use crate::ingest::{self, IngestError, RawRow, Rejection, Row};
use crate::policy::{Policy, PolicySet};
use crate::rules::{self, Context};
use crate::ticket::{Source, Ticket};

mod explain;
mod ledger;
mod review;

pub use explain::{explain, Explanation, Verdict};
pub use ledger::{money_side, money_totals, FreightLedger, LedgerRow, MoneySide, MoneyTotals};
pub use review::{compare_previous, FindingStatus, PreviousComparison, ReviewSample};

/// Rows parsed and evaluated together; large enough to keep both cores busy, small enough to
/// keep memory flat.
const CHUNK_ROWS: usize = 16_384;

/// Everything the audit needs, already checked.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    pub inputs: Vec<PathBuf>,
    pub as_of: DateTime<FixedOffset>,
    /// `--policy`: the policy id or alias for every row.
    pub forced_policy: Option<String>,
    pub read: ingest::Options,
    /// Compliant tickets to sample per policy for manual review (`--sample N`); 0 = none.
    pub sample_per_policy: usize,
}

/// One input file's row accounting: read = audited + rejected + duplicate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSummary {
    /// The path as given on the command line.
    pub path: String,
    pub sha256: String,
    pub sheet: Option<String>,
    pub rows_read: u64,
    pub rows_audited: u64,
    pub rows_rejected: u64,
    pub rows_duplicate: u64,
    /// Header warnings (mapped headers not found…).
    pub warnings: Vec<String>,
}

/// Coverage of one rule for one policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub in_scope: u64,
    pub evaluated: u64,
    pub passed: u64,
    pub flagged: u64,
    pub not_evaluable: u64,
    /// Not-evaluable reason → count.
    pub reasons: BTreeMap<String, u64>,
}

impl Coverage {
    fn record(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::OutOfScope => return,
            Outcome::Passed => {
                self.evaluated += 1;
                self.passed += 1;
            }
            Outcome::Flagged(_) => {
                self.evaluated += 1;
                self.flagged += 1;
            }
            Outcome::NotEvaluable(reason) => {
                self.not_evaluable += 1;
                *self.reasons.entry(reason.clone()).or_default() += 1;
            }
        }
        self.in_scope += 1;
    }
}

/// The result of an audit, ready for the report writers.
#[derive(Debug, Clone, Default)]
pub struct AuditRun {
    pub as_of: Option<DateTime<FixedOffset>>,
    pub inputs: Vec<InputSummary>,
    /// In input order (file, row), then catalogue order within a ticket.
    pub findings: Vec<Finding>,
    pub rejections: Vec<Rejection>,
    /// (policy id, rule id) → coverage, for every rule that applies to a policy used.
    pub coverage: BTreeMap<(String, &'static str), Coverage>,
    /// The tickets that have findings, by source, for the report's context columns.
    pub flagged_tickets: HashMap<Source, Ticket>,
    /// The policy versions tickets were judged by: (id, version) → version.
    pub policies_used: BTreeMap<(String, String), Policy>,
    /// Run-level warnings, each once (e.g. `calendar cn does not cover 2027: 3 working-day
    /// checks were not evaluated`).
    pub warnings: Vec<String>,
    /// Audited tickets per policy id.
    pub tickets_by_policy: BTreeMap<String, u64>,
    /// Freight deductions by courier and by store, over every audited ticket.
    pub freight_ledger: FreightLedger,
    /// A reproducible random sample of compliant tickets per policy (`--sample N`).
    pub review_sample: ReviewSample,
    /// The names of the `--keep-columns`, in the order of `Ticket::kept`.
    pub kept_columns: Vec<String>,
    /// The comparison with an earlier run (`--previous`), filled in by the caller.
    pub previous: Option<PreviousComparison>,
}

impl AuditRun {
    pub fn rows_read(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_read).sum()
    }

    pub fn rows_audited(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_audited).sum()
    }

    pub fn rows_rejected(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_rejected).sum()
    }

    pub fn rows_duplicate(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_duplicate).sum()
    }

    /// The worst severity among the findings.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// A failure that stops the run before anything is written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Input(#[from] IngestError),
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// What a ticket resolved to before evaluation.
enum Resolved<'p> {
    Audit(Box<Ticket>, &'p Policy),
    Reject(Vec<Rejection>),
}

/// Runs the audit over every input. Nothing is written here.
pub fn run(
    config: &AuditConfig,
    policies: &PolicySet,
    calendars: &CalendarSet,
    mut progress: impl FnMut(u64),
) -> Result<AuditRun, AuditError> {
    let ctx = Context {
        as_of: config.as_of.with_timezone(&Utc),
        calendars,
    };
    let mut run = AuditRun {
        as_of: Some(config.as_of),
        kept_columns: config.read.keep_columns.clone(),
        review_sample: ReviewSample::new(config.sample_per_policy, config.as_of),
        ..AuditRun::default()
    };
    let mut seen: HashSet<String> = HashSet::new();
    // (calendar id, `does not cover YYYY`) → working-day checks not evaluated.
    let mut uncovered_years: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut rows_done = 0u64;

    for (index, path) in config.inputs.iter().enumerate() {
        let display = path.display().to_string();
        let mut reader = ingest::open(path, &config.read)?;
        let sha256 = sha256_file(path).map_err(|source| AuditError::Io {
            path: display.clone(),
            source,
        })?;
        // From the reader, so CSV rows with the wrong number of fields are rejected.
        let schema = ingest::Schema::for_reader(reader.as_ref(), index, &config.read)?;
        let mut summary = InputSummary {
            path: display.clone(),
            sha256,
            sheet: reader.sheet().map(str::to_owned),
            warnings: schema.warnings().to_vec(),
            ..InputSummary::default()
        };

        let origin = RowOrigin {
            file: display.clone(),
            sheet: summary.sheet.clone(),
        };
        let mut chunk: Vec<RawRow> = Vec::with_capacity(CHUNK_ROWS);
        loop {
            let next = reader.next_row()?;
            let at_end = next.is_none();
            if let Some(raw) = next {
                chunk.push(raw);
            }
            if chunk.len() == CHUNK_ROWS || (at_end && !chunk.is_empty()) {
                let rows = std::mem::take(&mut chunk);
                summary.rows_read += rows.len() as u64;
                let resolved: Vec<Resolved<'_>> = rows
                    .par_iter()
                    .map(|raw| resolve(schema.parse(raw), &origin, config, policies))
                    .collect();
                let mut batch: Vec<(Box<Ticket>, &Policy)> = Vec::with_capacity(resolved.len());
                for item in resolved {
                    match item {
                        Resolved::Reject(problems) => {
                            summary.rows_rejected += 1;
                            run.rejections.extend(problems);
                        }
                        Resolved::Audit(ticket, policy) => {
                            if seen.insert(ticket.ticket_id.clone()) {
                                summary.rows_audited += 1;
                                batch.push((ticket, policy));
                            } else {
                                summary.rows_duplicate += 1;
                                let finding = duplicate_finding(&ticket, policy, &display);
                                run.flagged_tickets.insert(ticket.source, *ticket);
                                run.findings.push(finding);
                            }
                        }
                    }
                }
                let results: Vec<Vec<RuleResult>> = batch
                    .par_iter()
                    .map(|(ticket, policy)| rules::evaluate(ticket, policy, &ctx))
                    .collect();
                for ((ticket, policy), results) in batch.into_iter().zip(results) {
                    merge(&mut run, ticket, policy, results, &mut uncovered_years);
                }
                rows_done += rows.len() as u64;
                progress(rows_done);
            }
            if at_end {
                break;
            }
        }
        run.inputs.push(summary);
    }
    for ((calendar, gap), checks) in uncovered_years {
        let checks = match checks {
            1 => "1 working-day check was".to_string(),
            n => format!("{n} working-day checks were"),
        };
        run.warnings
            .push(format!("calendar {calendar} {gap}: {checks} not evaluated"));
    }
    Ok(run)
}

/// The file and sheet rows of one input come from, for rejections.
struct RowOrigin {
    file: String,
    sheet: Option<String>,
}

/// Resolves the policy and version of a parsed row, or says why it cannot be audited.
fn resolve<'p>(
    row: Row,
    origin: &RowOrigin,
    config: &AuditConfig,
    policies: &'p PolicySet,
) -> Resolved<'p> {
    let ticket = match row {
        Row::Rejected(problems) => return Resolved::Reject(problems),
        Row::Ticket(ticket) => ticket,
    };
    let reject = |ticket: &Ticket, value: &str, reason: String| {
        Resolved::Reject(vec![Rejection {
            source_file: origin.file.clone(),
            sheet: origin.sheet.clone(),
            source_row: ticket.source.row,
            ticket_id: Some(ticket.ticket_id.clone()),
            column: "policy".into(),
            value: value.to_owned(),
            reason,
        }])
    };
    let named = config.forced_policy.as_deref().or(ticket.policy.as_deref());
    let Some(named) = named else {
        return reject(
            &ticket,
            "",
            "policy is blank (fill the column or pass --policy)".into(),
        );
    };
    let Some(id) = policies.lookup(named) else {
        return reject(&ticket, named, format!("unknown policy `{named}`"));
    };
    let versions: Vec<&Policy> = policies.versions_of(id).collect();
    let policy = match (&ticket.applied_at, versions.as_slice()) {
        (Some(applied), _) => {
            let date = applied.date_in(versions[0].timezone);
            match policies.version_on(id, date) {
                Some(policy) => policy,
                None => {
                    return reject(
                        &ticket,
                        named,
                        format!("no version of policy {id} in force on {date} (applied_at)"),
                    )
                }
            }
        }
        (None, [only]) => only,
        (None, _) => {
            return reject(
                &ticket,
                named,
                format!("applied_at is blank: cannot choose between the versions of policy {id}"),
            )
        }
    };
    Resolved::Audit(ticket, policy)
}

fn duplicate_finding(ticket: &Ticket, policy: &Policy, file: &str) -> Finding {
    Finding {
        ticket_id: ticket.ticket_id.clone(),
        policy: policy.id.clone(),
        policy_version: policy.version.clone(),
        rule: "data.duplicate-ticket",
        category: Category::Data,
        severity: Severity::Warning,
        clause: String::new(),
        expected: "each ticket_id once".into(),
        actual: format!("ticket_id {} seen again", ticket.ticket_id),
        amount: None,
        late_by: None,
        explanation: format!(
            "Ticket {} appears again in {file} row {}; the first row with this id was audited \
             and this one was not.",
            ticket.ticket_id, ticket.source.row
        ),
        source: ticket.source,
    }
}

fn merge(
    run: &mut AuditRun,
    ticket: Box<Ticket>,
    policy: &Policy,
    results: Vec<RuleResult>,
    uncovered: &mut BTreeMap<(String, String), u64>,
) {
    *run.tickets_by_policy.entry(policy.id.clone()).or_default() += 1;
    run.policies_used
        .entry((policy.id.clone(), policy.version.clone()))
        .or_insert_with(|| policy.clone());
    let mut flagged = false;
    let first_finding = run.findings.len();
    for result in results {
        if let Outcome::NotEvaluable(reason) = &result.outcome {
            if let Some(gap) = reason.strip_prefix("calendar ") {
                if gap.starts_with("does not cover") {
                    *uncovered
                        .entry((policy.calendar.clone(), gap.to_string()))
                        .or_default() += 1;
                }
            }
        }
        run.coverage
            .entry((policy.id.clone(), result.rule))
            .or_default()
            .record(&result.outcome);
        if let Outcome::Flagged(finding) = result.outcome {
            flagged = true;
            run.findings.push(*finding);
        }
    }
    run.freight_ledger
        .record(&ticket, policy, &run.findings[first_finding..]);
    if flagged {
        run.flagged_tickets.insert(ticket.source, *ticket);
    } else {
        run.review_sample.offer(&policy.id, &ticket);
    }
}

/// Hex SHA-256 of a file, streamed.
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
