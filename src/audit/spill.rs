//! Findings beyond a memory budget, spilled to temporary files: an external merge sort.
//!
//! While the audit runs, findings and the tickets they are about are held in memory (in
//! [`AuditRun::findings`](super::AuditRun) and its flagged tickets). When they pass the budget,
//! they are sorted in the listing order and written out as one *run* per category; at the end
//! of the audit the rest follows. The report then reads the findings back: in any order for
//! counts, or merged from the runs in listing order for the listings — the same order, and so
//! the same bytes, as sorting them all in memory.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::sync::Arc;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::finding::{Category, Finding};
use crate::ticket::{CompactString, Ticket};

/// Findings and tickets held in memory before they are spilled (an estimate of their heap
/// size). `RMA_AUDIT_SPILL_BYTES` sets another budget (tests use a tiny one).
pub const DEFAULT_BUDGET: usize = 256 << 20;

/// The most runs kept before they are merged per category (see [`Spilled::spill`]): each
/// listing opens at most this many files at once.
pub const MAX_RUNS: usize = 96;

/// The spill budget in bytes: `RMA_AUDIT_SPILL_BYTES`, else [`DEFAULT_BUDGET`].
pub fn budget_from_env() -> usize {
    std::env::var("RMA_AUDIT_SPILL_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_BUDGET)
}

/// A finding with what its listing row needs: the ticket it is about (when kept) and the
/// instant of its `applied_at` that orders the listings.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    /// Seconds since the epoch of `applied_at` in the policy's timezone (a date is the start
    /// of its day); none when blank.
    pub applied: Option<i64>,
    /// The finding itself.
    pub finding: Finding,
    /// The ticket the finding is about, for the listing's context columns; `None` when the
    /// ticket was not kept.
    pub ticket: Option<Ticket>,
}

/// The seconds since the epoch of `ticket`'s `applied_at` in `zone`: the listing's time key.
pub fn applied_key(ticket: Option<&Ticket>, zone: Tz) -> Option<i64> {
    let when = ticket?.applied_at?;
    Some(match when.instant_in(zone) {
        Some(instant) => instant.timestamp(),
        // A date sorts as the start of its day.
        None => when
            .date_in(zone)
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp(),
    })
}

/// The order of every listing of findings: severity (violation, warning, info), then
/// `applied_at` newest first (blank last), then ticket id, rule and source. A total order:
/// no two findings have the same rule and source.
pub fn listing_order(
    a_time: Option<i64>,
    a: &Finding,
    b_time: Option<i64>,
    b: &Finding,
) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| match (a_time, b_time) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.ticket_id.cmp(&b.ticket_id))
        .then_with(|| a.rule.cmp(b.rule))
        .then_with(|| a.source.cmp(&b.source))
}

fn order(a: &Listed, b: &Listed) -> Ordering {
    listing_order(a.applied, &a.finding, b.applied, &b.finding)
}

/// A rough measure of the heap a finding and its ticket take, for the budget.
pub fn held_bytes(finding: &Finding) -> usize {
    std::mem::size_of::<Finding>()
        + finding.ticket_id.len()
        + finding.policy.len()
        + finding.policy_version.len()
        + finding.clause.len()
        + finding.expected.len()
        + finding.actual.len()
        + finding.explanation.len()
}

/// The same for a ticket.
pub fn ticket_bytes(ticket: &Ticket) -> usize {
    // A text is held inline up to 24 bytes; only a longer one takes the heap.
    let heap = |t: &CompactString| if t.is_heap_allocated() { t.len() } else { 0 };
    let text = |t: &Option<CompactString>| t.as_ref().map_or(0, heap);
    std::mem::size_of::<Ticket>()
        + heap(&ticket.ticket_id)
        + text(&ticket.policy)
        + text(&ticket.order_id)
        + text(&ticket.sku)
        + text(&ticket.exchange_sku)
        + text(&ticket.product_category)
        + text(&ticket.store)
        + text(&ticket.agent)
        + text(&ticket.courier)
        + ticket.kept.iter().map(|k| k.len() + 24).sum::<usize>()
}

/// One sorted run of one category: a temporary file of length-prefixed records, removed
/// when the last reference to it goes. Each reader opens the file anew, so readers on two
/// threads never share a file position.
#[derive(Debug)]
struct RunFile {
    file: tempfile::NamedTempFile,
    items: u64,
}

/// The findings of a run that passed the budget, on disk: sorted runs per category.
#[derive(Debug, Default, Clone)]
pub struct Spilled {
    /// For each spill, one run per category in `Category::ALL` order (empty ones omitted).
    runs: Vec<(Category, Arc<RunFile>)>,
    count: u64,
}

impl Spilled {
    /// Whether anything was spilled (then every finding is on disk).
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// How many findings are on disk.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// How many findings of `category` are on disk.
    pub fn count_in(&self, category: Category) -> u64 {
        self.runs
            .iter()
            .filter(|(c, _)| *c == category)
            .map(|(_, run)| run.items)
            .sum()
    }

    /// Sorts `items` and writes them as one run per category. Past [`MAX_RUNS`] runs, the
    /// runs of each category are merged into one, so a listing never opens more files than that.
    pub fn spill(&mut self, mut items: Vec<Listed>) -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        if self.runs.len() >= MAX_RUNS {
            self.compact()?;
        }
        items.sort_by(order);
        for category in Category::ALL {
            let mut matching = items
                .iter()
                .filter(|i| i.finding.category == category)
                .peekable();
            if matching.peek().is_none() {
                continue;
            }
            let file = tempfile::Builder::new()
                .prefix(".rma-audit-spill-")
                .tempfile()?;
            let mut out = BufWriter::with_capacity(64 << 10, file.as_file());
            let mut written = 0u64;
            for item in matching {
                write_record(&mut out, item)?;
                written += 1;
            }
            out.flush()?;
            drop(out);
            self.runs.push((
                category,
                Arc::new(RunFile {
                    file,
                    items: written,
                }),
            ));
            self.count += written;
        }
        Ok(())
    }

    /// Merges the runs of each category into one run.
    fn compact(&mut self) -> io::Result<()> {
        let mut runs = Vec::new();
        for category in Category::ALL {
            if self.count_in(category) == 0 {
                continue;
            }
            let file = tempfile::Builder::new()
                .prefix(".rma-audit-spill-")
                .tempfile()?;
            let mut out = BufWriter::with_capacity(64 << 10, file.as_file());
            let mut written = 0u64;
            for item in self.sorted(Some(category))? {
                write_record(&mut out, &item?)?;
                written += 1;
            }
            out.flush()?;
            drop(out);
            runs.push((
                category,
                Arc::new(RunFile {
                    file,
                    items: written,
                }),
            ));
        }
        self.runs = runs;
        Ok(())
    }

    /// Every spilled finding, run after run (no particular order).
    pub fn each(&self, mut visit: impl FnMut(Listed)) -> io::Result<()> {
        for (_, run) in &self.runs {
            let mut reader = reader_of(run)?;
            for _ in 0..run.items {
                visit(read_record(&mut reader)?);
            }
        }
        Ok(())
    }

    /// The spilled findings of `category` (all, with none), merged in listing order.
    pub fn sorted(&self, category: Option<Category>) -> io::Result<Merged> {
        let mut heads = BinaryHeap::new();
        let mut readers = Vec::new();
        for (run_category, run) in &self.runs {
            if category.is_some_and(|c| c != *run_category) {
                continue;
            }
            let mut reader = reader_of(run)?;
            if run.items > 0 {
                let first = read_record(&mut reader)?;
                heads.push(Head {
                    item: first,
                    source: readers.len(),
                });
            }
            readers.push((reader, run.items.saturating_sub(1)));
        }
        Ok(Merged { heads, readers })
    }
}

/// The spilled findings merged in listing order; yields errors reading the runs.
pub struct Merged {
    heads: BinaryHeap<Head>,
    /// Each run's reader and the records it has left.
    readers: Vec<(BufReader<File>, u64)>,
}

impl Iterator for Merged {
    type Item = io::Result<Listed>;

    fn next(&mut self) -> Option<io::Result<Listed>> {
        let Head { item, source } = self.heads.pop()?;
        let (reader, left) = &mut self.readers[source];
        if *left > 0 {
            *left -= 1;
            match read_record(reader) {
                Ok(next) => self.heads.push(Head { item: next, source }),
                Err(err) => return Some(Err(err)),
            }
        }
        Some(Ok(item))
    }
}

/// The next finding of one run, ordered so that the heap's greatest is the listing's first.
struct Head {
    item: Listed,
    source: usize,
}

impl PartialEq for Head {
    fn eq(&self, other: &Head) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Head) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head {
    fn cmp(&self, other: &Head) -> Ordering {
        order(&other.item, &self.item).then_with(|| other.source.cmp(&self.source))
    }
}

fn reader_of(run: &RunFile) -> io::Result<BufReader<File>> {
    Ok(BufReader::with_capacity(
        64 << 10,
        File::open(run.file.path())?,
    ))
}

/// A [`Listed`] as it is written to a spill file: the rule id as text.
#[derive(Serialize, Deserialize)]
struct Record {
    applied: Option<i64>,
    ticket_id: String,
    policy: String,
    policy_version: String,
    rule: String,
    severity: crate::finding::Severity,
    clause: String,
    expected: String,
    actual: String,
    amount: Option<rust_decimal::Decimal>,
    late_by: Option<crate::finding::LateBy>,
    explanation: String,
    source: crate::ticket::Source,
    ticket: Option<Ticket>,
}

impl Record {
    fn of(item: &Listed) -> Record {
        let f = &item.finding;
        Record {
            applied: item.applied,
            ticket_id: f.ticket_id.clone(),
            policy: f.policy.clone(),
            policy_version: f.policy_version.clone(),
            rule: f.rule.to_owned(),
            severity: f.severity,
            clause: f.clause.clone(),
            expected: f.expected.clone(),
            actual: f.actual.clone(),
            amount: f.amount,
            late_by: f.late_by,
            explanation: f.explanation.clone(),
            source: f.source,
            ticket: item.ticket.clone(),
        }
    }

    fn into_listed(self) -> io::Result<Listed> {
        let rule = crate::rules::CATALOGUE
            .iter()
            .find(|(rule, _)| *rule == self.rule)
            .map(|(rule, _)| *rule)
            .ok_or_else(|| io::Error::other(format!("spill file: unknown rule `{}`", self.rule)))?;
        let category = Category::of_rule(rule)
            .ok_or_else(|| io::Error::other(format!("spill file: no category for `{rule}`")))?;
        Ok(Listed {
            applied: self.applied,
            finding: Finding {
                ticket_id: self.ticket_id,
                policy: self.policy,
                policy_version: self.policy_version,
                rule,
                category,
                severity: self.severity,
                clause: self.clause,
                expected: self.expected,
                actual: self.actual,
                amount: self.amount,
                late_by: self.late_by,
                explanation: self.explanation,
                source: self.source,
            },
            ticket: self.ticket,
        })
    }
}

/// Writes one value as a spill file holds it: its postcard bytes after their length.
fn write_frame(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let bytes = postcard::to_stdvec(value).map_err(io::Error::other)?;
    out.write_all(&(bytes.len() as u32).to_le_bytes())?;
    out.write_all(&bytes)
}

/// Reads back one value written by [`write_frame`].
fn read_frame<T: serde::de::DeserializeOwned>(reader: &mut impl Read) -> io::Result<T> {
    let mut length = [0u8; 4];
    reader.read_exact(&mut length)?;
    let mut bytes = vec![0u8; u32::from_le_bytes(length) as usize];
    reader.read_exact(&mut bytes)?;
    postcard::from_bytes(&bytes).map_err(io::Error::other)
}

fn write_record(out: &mut impl Write, item: &Listed) -> io::Result<()> {
    write_frame(out, &Record::of(item))
}

fn read_record(reader: &mut impl Read) -> io::Result<Listed> {
    read_frame::<Record>(reader)?.into_listed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{LateBy, Severity};
    use crate::ticket::{Source, When};

    fn listed(row: u64, rule: &'static str, severity: Severity, day: Option<u32>) -> Listed {
        let ticket = Ticket {
            ticket_id: format!("T{}", row % 7).into(),
            store: Some("天猫旗舰店".into()),
            applied_at: day.map(|d| {
                When::Local(
                    chrono::NaiveDate::from_ymd_opt(2025, 9, d)
                        .unwrap()
                        .and_hms_opt(10, 0, 0)
                        .unwrap(),
                )
            }),
            refund_amount: Some(rust_decimal::Decimal::new(29900, 2)),
            source: Source { input: 0, row },
            kept: vec!["备注".into()],
            ..Ticket::default()
        };
        let finding = Finding {
            ticket_id: ticket.ticket_id.to_string(),
            policy: "joining".into(),
            policy_version: "2024".into(),
            rule,
            category: Category::of_rule(rule).unwrap(),
            severity,
            clause: "S4.1".into(),
            expected: "refund by 2025-09-15".into(),
            actual: "refunded 2025-09-30".into(),
            amount: Some(rust_decimal::Decimal::new(29900, 2)),
            late_by: Some(LateBy::working_days(11)),
            explanation: "late".into(),
            source: ticket.source,
        };
        Listed {
            applied: applied_key(Some(&ticket), chrono_tz::Asia::Shanghai),
            finding,
            ticket: Some(ticket),
        }
    }

    fn items(range: std::ops::Range<u64>) -> Vec<Listed> {
        let rules = [
            "refund-cycle.late",
            "review-sla.late",
            "data.duplicate-ticket",
        ];
        let severities = [Severity::Violation, Severity::Warning, Severity::Info];
        range
            .map(|row| {
                let day = (row % 5 != 0).then_some(1 + (row % 28) as u32);
                listed(
                    row,
                    rules[(row % 3) as usize],
                    severities[(row % 2) as usize],
                    day,
                )
            })
            .collect()
    }

    #[test]
    fn merged_runs_come_back_in_the_order_of_one_sort_in_memory() {
        let all = items(2..500);
        let mut expected = all.clone();
        expected.sort_by(order);
        let mut spilled = Spilled::default();
        for chunk in all.chunks(37) {
            spilled.spill(chunk.to_vec()).unwrap();
        }
        assert_eq!(spilled.len(), 498);
        let merged: Vec<Listed> = spilled.sorted(None).unwrap().map(Result::unwrap).collect();
        assert_eq!(
            merged, expected,
            "records survive the round trip, in listing order"
        );
        let refunds: Vec<Listed> = spilled
            .sorted(Some(Category::RefundCycle))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected_refunds: Vec<Listed> = expected
            .iter()
            .filter(|i| i.finding.category == Category::RefundCycle)
            .cloned()
            .collect();
        assert_eq!(refunds, expected_refunds);
        let mut seen = 0;
        spilled.each(|_| seen += 1).unwrap();
        assert_eq!(seen, 498);
    }

    #[test]
    fn many_runs_are_merged_and_keep_their_order() {
        let all = items(2..900);
        let mut expected = all.clone();
        expected.sort_by(order);
        let mut spilled = Spilled::default();
        for chunk in all.chunks(2) {
            spilled.spill(chunk.to_vec()).unwrap();
        }
        assert!(spilled.runs.len() <= MAX_RUNS + Category::ALL.len());
        assert_eq!(spilled.len(), 898);
        let merged: Vec<Listed> = spilled.sorted(None).unwrap().map(Result::unwrap).collect();
        assert_eq!(merged, expected);
    }

    #[test]
    fn nothing_spilled_is_empty() {
        let mut spilled = Spilled::default();
        spilled.spill(Vec::new()).unwrap();
        assert!(spilled.is_empty());
        assert_eq!(spilled.sorted(None).unwrap().count(), 0);
    }
}

/// Items past the budget appended to one temporary file, in the order they came: the
/// rejections of a run. They are read back in that order, the file's before the held ones.
#[derive(Debug, Clone)]
pub struct Appended<T> {
    file: Option<Arc<tempfile::NamedTempFile>>,
    count: u64,
    _items: std::marker::PhantomData<fn() -> T>,
}

impl<T> Default for Appended<T> {
    fn default() -> Appended<T> {
        Appended {
            file: None,
            count: 0,
            _items: std::marker::PhantomData,
        }
    }
}

impl<T: Serialize + serde::de::DeserializeOwned> Appended<T> {
    /// How many items are on disk.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether nothing was spilled to the file.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Appends `items` to the file.
    pub fn append(&mut self, items: &[T]) -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        if self.file.is_none() {
            let file = tempfile::Builder::new()
                .prefix(".rma-audit-spill-")
                .tempfile()?;
            self.file = Some(Arc::new(file));
        }
        let Some(file) = &self.file else {
            return Ok(());
        };
        let handle = std::fs::OpenOptions::new().append(true).open(file.path())?;
        let mut out = BufWriter::with_capacity(64 << 10, handle);
        for item in items {
            write_frame(&mut out, item)?;
        }
        out.flush()?;
        self.count += items.len() as u64;
        Ok(())
    }

    /// The items on disk, in the order they were appended.
    pub fn iter(&self) -> io::Result<impl Iterator<Item = io::Result<T>>> {
        let mut reader = match &self.file {
            Some(file) => Some(BufReader::with_capacity(64 << 10, File::open(file.path())?)),
            None => None,
        };
        let mut left = self.count;
        Ok(std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            Some(read_frame(reader.as_mut()?))
        }))
    }
}

#[cfg(test)]
mod appended_tests {
    use super::*;
    use crate::ingest::Rejection;

    fn rejection(row: u64) -> Rejection {
        Rejection {
            source_file: "导出.csv".into(),
            sheet: row.is_multiple_of(2).then(|| "工单".into()),
            source_row: row,
            ticket_id: Some(format!("T{row}")),
            column: "applied_at".into(),
            value: "yesterday".into(),
            reason: "not a date".into(),
            source_column: "申请时间".into(),
            column_letter: "I".into(),
        }
    }

    #[test]
    fn appended_items_come_back_in_order() {
        let mut appended = Appended::<Rejection>::default();
        assert_eq!(appended.iter().unwrap().count(), 0);
        let first: Vec<Rejection> = (2..40).map(rejection).collect();
        let second: Vec<Rejection> = (40..45).map(rejection).collect();
        appended.append(&first).unwrap();
        appended.append(&second).unwrap();
        let back: Vec<Rejection> = appended.iter().unwrap().map(Result::unwrap).collect();
        assert_eq!(back, first.into_iter().chain(second).collect::<Vec<_>>());
        assert_eq!(appended.len(), 43);
    }
}
