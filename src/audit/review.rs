//! What a reviewer adds to an audit: a reproducible sample of compliant tickets to spot-check
//! (`--sample N`), and the comparison with an earlier run (`--previous DIR`).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::waivers::{Waiver, Waivers};
use crate::finding::Finding;
use crate::ticket::Ticket;

/// Reservoir samples of compliant tickets, one per policy, seeded from the as-of so the same
/// audit picks the same tickets.
#[derive(Debug, Clone)]
pub struct ReviewSample {
    per_policy: usize,
    rng: ChaCha8Rng,
    pools: BTreeMap<String, Pool>,
}

/// One policy's compliant tickets: how many were offered, and the ones picked.
#[derive(Debug, Clone, Default)]
struct Pool {
    seen: u64,
    picked: Vec<Ticket>,
}

impl Default for ReviewSample {
    fn default() -> ReviewSample {
        ReviewSample {
            per_policy: 0,
            rng: ChaCha8Rng::seed_from_u64(0),
            pools: BTreeMap::new(),
        }
    }
}

impl ReviewSample {
    /// An empty sample of up to `per_policy` tickets per policy (0 = no sampling), its
    /// random choices seeded from `as_of`.
    pub fn new(per_policy: usize, as_of: DateTime<FixedOffset>) -> ReviewSample {
        ReviewSample {
            per_policy,
            rng: ChaCha8Rng::seed_from_u64(as_of.timestamp() as u64),
            ..ReviewSample::default()
        }
    }

    /// Offers a compliant ticket of `policy` (tickets arrive in input order). Called for
    /// every compliant ticket: the policy's name is copied once, when it is first seen.
    pub fn offer(&mut self, policy: &str, ticket: &Ticket) {
        if self.per_policy == 0 {
            return;
        }
        if !self.pools.contains_key(policy) {
            self.pools.insert(policy.to_owned(), Pool::default());
        }
        let pool = self.pools.get_mut(policy).expect("the pool was just added");
        pool.seen += 1;
        if pool.picked.len() < self.per_policy {
            pool.picked.push(ticket.clone());
        } else {
            let slot = self.rng.random_range(0..pool.seen);
            if let Some(place) = pool.picked.get_mut(slot as usize) {
                *place = ticket.clone();
            }
        }
    }

    /// The sampled tickets by policy, each policy's in input order.
    pub fn by_policy(&self) -> Vec<(&str, Vec<&Ticket>)> {
        self.pools
            .iter()
            .map(|(policy, pool)| {
                let mut tickets: Vec<&Ticket> = pool.picked.iter().collect();
                tickets.sort_by_key(|t| t.source);
                (policy.as_str(), tickets)
            })
            .collect()
    }

    /// Compliant tickets seen per policy (the population sampled from).
    pub fn population(&self, policy: &str) -> u64 {
        self.pools.get(policy).map_or(0, |pool| pool.seen)
    }

    /// Whether no compliant ticket was offered (or sampling is off).
    pub fn is_empty(&self) -> bool {
        self.pools.is_empty()
    }
}

/// Where a finding stands against the earlier run and the waivers: the `status` column of
/// `findings.csv` and of every listing sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingStatus {
    /// Not in the earlier run (or no `--previous` was given) and not waived.
    New,
    /// The earlier run (`--previous`) had the same `finding_id`; not waived.
    Persisting,
    /// Covered by a waiver in force; never counts for `--fail-on`.
    Waived,
}

impl FindingStatus {
    /// The word written in the `status` column: `new`, `persisting` or `waived`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::New => "new",
            FindingStatus::Persisting => "persisting",
            FindingStatus::Waived => "waived",
        }
    }
}

/// A finding of the earlier run that this run no longer has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedFinding {
    /// The finding's stable id (16 hex digits) in the earlier `findings.csv`.
    pub finding_id: String,
    /// The ticket the finding was about, as the earlier run wrote it.
    pub ticket_id: String,
    /// The rule id, e.g. `refund-cycle.late`.
    pub rule: String,
    /// The severity as written there: `violation`, `warning` or `info`.
    pub severity: String,
}

/// The earlier run `--previous DIR` names, read before this run's outputs replace it. A
/// directory that does not exist or holds no `findings.csv` is the first night: nothing was
/// found, and every finding is new.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviousRun {
    /// The earlier run's directory, as given.
    pub path: String,
    /// Whether the directory held a `findings.csv`.
    pub found: bool,
    /// The earlier findings by `finding_id`, in file order.
    findings: Vec<ResolvedFinding>,
    ids: HashSet<String>,
    /// The canonical columns the earlier run read (its `summary.json` `columns_read`), when
    /// it recorded them.
    pub columns_read: Option<Vec<String>>,
    /// The file the earlier findings were read from: `findings.csv`, or the baseline an
    /// untrusted run kept (`baseline-findings.csv`).
    pub findings_file: std::path::PathBuf,
    /// The as-of of the run read from a history (`--history` without `--previous`); `None`
    /// when the earlier run is a directory.
    pub history_as_of: Option<String>,
}

/// The file an untrusted run keeps the last trusted run's findings in, so that the night
/// after a broken export compares with the last result worth trusting.
pub const BASELINE_FILE: &str = "baseline-findings.csv";

impl PreviousRun {
    /// Reads `dir/findings.csv` and the `columns_read` of `dir/summary.json`; when that run
    /// was untrusted and kept a baseline, the baseline's findings and columns instead.
    pub fn load(dir: &Path) -> Result<PreviousRun, String> {
        let summary = read_summary(&dir.join("summary.json"));
        let baseline = summary
            .as_ref()
            .and_then(|s| s.get("baseline"))
            .filter(|b| b.is_object());
        let (path, columns_read) = match baseline {
            Some(baseline) => (dir.join(BASELINE_FILE), columns_of(baseline)),
            None => (
                dir.join("findings.csv"),
                summary.as_ref().and_then(columns_of),
            ),
        };
        let mut previous = PreviousRun {
            path: dir.display().to_string(),
            findings_file: path.clone(),
            ..PreviousRun::default()
        };
        if !path.is_file() {
            return Ok(previous);
        }
        previous.found = true;
        previous.columns_read = columns_read;
        let shown = path.display().to_string();
        let mut reader =
            csv::Reader::from_path(&path).map_err(|e| format!("--previous {shown}: {e}"))?;
        let headers = reader
            .headers()
            .map_err(|e| format!("--previous {shown}: {e}"))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let Some(id_column) = column("finding_id") else {
            return Err(format!(
                "--previous {shown}: no finding_id column; is it an rma-audit findings.csv?"
            ));
        };
        let text_of = |record: &csv::StringRecord, name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .map(|v| v.strip_prefix('\'').unwrap_or(v).to_owned())
                .unwrap_or_default()
        };
        for record in reader.records() {
            let record = record.map_err(|e| format!("--previous {shown}: {e}"))?;
            let id = record.get(id_column).unwrap_or_default().to_owned();
            if !previous.ids.insert(id.clone()) {
                continue;
            }
            previous.findings.push(ResolvedFinding {
                finding_id: id,
                ticket_id: text_of(&record, "ticket_id"),
                rule: text_of(&record, "rule"),
                severity: text_of(&record, "severity"),
            });
        }
        Ok(previous)
    }

    /// The earlier run recorded in a history: `path` names the history file, `as_of` the run
    /// (`None` when the history holds no earlier run: the first night).
    pub fn from_history(
        path: String,
        as_of: Option<String>,
        columns_read: Option<Vec<String>>,
        findings: Vec<ResolvedFinding>,
    ) -> PreviousRun {
        let mut previous = PreviousRun {
            path,
            found: as_of.is_some(),
            columns_read,
            history_as_of: as_of,
            ..PreviousRun::default()
        };
        for finding in findings {
            if previous.ids.insert(finding.finding_id.clone()) {
                previous.findings.push(finding);
            }
        }
        previous
    }

    /// Whether the earlier run had the finding with this id.
    pub fn had(&self, finding_id: &str) -> bool {
        self.ids.contains(finding_id)
    }
}

/// An earlier `summary.json`, when it is there and readable.
fn read_summary(path: &Path) -> Option<serde_json::Value> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The `columns_read` list of a summary (or of its baseline); none when the key is absent (a
/// run of an older version).
fn columns_of(json: &serde_json::Value) -> Option<Vec<String>> {
    let columns = json.get("columns_read")?.as_array()?;
    Some(
        columns
            .iter()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect(),
    )
}

/// This run against an earlier one, by `finding_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviousComparison {
    /// The earlier run's directory.
    pub path: String,
    /// Whether it held a `findings.csv` (false on the first night).
    pub found: bool,
    /// Findings of this run the earlier run did not have (every finding on the first night).
    pub new: u64,
    /// Findings of the earlier run this run no longer has.
    pub resolved: u64,
    /// Findings both runs have, by `finding_id`.
    pub persisting: u64,
    /// The resolved findings themselves, in the earlier file's order.
    pub resolved_findings: Vec<ResolvedFinding>,
    /// The as-of of the earlier run when it was read from a history (`path` is then the
    /// history file).
    pub history_as_of: Option<String>,
}

impl PreviousComparison {
    /// Compares the run whose finding ids are `current` with the earlier run.
    pub fn new(previous: &PreviousRun, current: &HashSet<String>) -> PreviousComparison {
        let resolved_findings: Vec<ResolvedFinding> = previous
            .findings
            .iter()
            .filter(|f| !current.contains(&f.finding_id))
            .cloned()
            .collect();
        let persisting = current.iter().filter(|id| previous.had(id)).count() as u64;
        PreviousComparison {
            path: previous.path.clone(),
            found: previous.found,
            new: current.len() as u64 - persisting,
            resolved: resolved_findings.len() as u64,
            persisting,
            resolved_findings,
            history_as_of: previous.history_as_of.clone(),
        }
    }
}

/// Reads `dir/findings.csv` of an earlier run and compares it with `findings`.
pub fn compare_previous(dir: &Path, findings: &[Finding]) -> Result<PreviousComparison, String> {
    let current: HashSet<String> = findings.iter().map(Finding::finding_id).collect();
    Ok(PreviousComparison::new(&PreviousRun::load(dir)?, &current))
}

/// What decides each finding's status: the earlier run (`--previous`) and the waivers
/// (`--waivers`). With neither, findings have no status.
#[derive(Debug, Clone, Default)]
pub struct Triage {
    /// The earlier run (`--previous`) that tells new findings from persisting ones; `None`
    /// without the option.
    pub previous: Option<PreviousRun>,
    /// The waivers file (`--waivers`) that marks findings waived; `None` without the option.
    pub waivers: Option<Waivers>,
}

impl Triage {
    /// Whether findings carry a status at all.
    pub fn is_active(&self) -> bool {
        self.previous.is_some() || self.waivers.is_some()
    }

    /// The status of `finding` (none without `--previous` and `--waivers`), with the waiver
    /// that covers it.
    pub fn status(&self, finding: &Finding) -> Option<(FindingStatus, Option<&Waiver>)> {
        if !self.is_active() {
            return None;
        }
        self.status_by_id(finding, &finding.finding_id())
    }

    /// [`Triage::status`] for a caller that has the finding's id already.
    pub fn status_by_id(
        &self,
        finding: &Finding,
        id: &str,
    ) -> Option<(FindingStatus, Option<&Waiver>)> {
        if !self.is_active() {
            return None;
        }
        if let Some(waiver) = self.waivers.as_ref().and_then(|w| w.covering(finding, id)) {
            return Some((FindingStatus::Waived, Some(waiver)));
        }
        match &self.previous {
            Some(previous) if previous.had(id) => Some((FindingStatus::Persisting, None)),
            _ => Some((FindingStatus::New, None)),
        }
    }

    /// Whether `finding` counts for `--fail-on`: never when waived; with `only_new`, only
    /// when the earlier run did not have it.
    pub fn counts_for_failure(&self, finding: &Finding, only_new: bool) -> bool {
        match self.status(finding) {
            None | Some((FindingStatus::New, _)) => true,
            Some((FindingStatus::Persisting, _)) => !only_new,
            Some((FindingStatus::Waived, _)) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(id: &str, row: u64) -> Ticket {
        Ticket {
            ticket_id: id.into(),
            source: crate::ticket::Source { input: 0, row },
            ..Ticket::default()
        }
    }

    #[test]
    fn the_same_as_of_picks_the_same_sample() {
        let as_of = DateTime::parse_from_rfc3339("2026-11-15T23:59:59+08:00").unwrap();
        let pick = |as_of| {
            let mut sample = ReviewSample::new(3, as_of);
            for row in 2..200 {
                sample.offer("joining", &ticket(&format!("T{row}"), row));
            }
            sample.by_policy()[0]
                .1
                .iter()
                .map(|t| t.ticket_id.clone())
                .collect::<Vec<_>>()
        };
        let first = pick(as_of);
        assert_eq!(first.len(), 3);
        assert_eq!(first, pick(as_of));
        let other = DateTime::parse_from_rfc3339("2026-11-16T23:59:59+08:00").unwrap();
        assert_ne!(first, pick(other), "another as-of draws another sample");
    }

    #[test]
    fn no_sample_unless_asked() {
        let mut sample = ReviewSample::default();
        sample.offer("joining", &ticket("T1", 2));
        assert!(sample.is_empty());
    }
}
