//! The audit pipeline of one input. A reading thread streams raw rows in chunks through a
//! bounded channel; each chunk is parsed, resolved and evaluated under rayon while the chunk
//! before it is merged into the run (and its findings handed to the sink), and the file's
//! SHA-256 is computed on a thread of its own. Chunks are merged strictly in file order, so
//! the result is the same for any number of threads and any timing. Memory goes round: the
//! rows of an evaluated chunk go back to the reading thread to be filled again ([`Spares`]),
//! and a merged chunk's vector of items takes the next chunk's.

use crate::l10n::Texts;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::ScopedJoinHandle;

use rayon::prelude::*;

use super::inputs::Piece;
use super::tally::Tallies;
use super::{
    duplicate_finding, id_hash, AuditConfig, AuditError, AuditRun, InputSummary, Period, RowOrigin,
    SeenIds, Spilling, CHUNK_ROWS,
};
use crate::finding::Finding;
use crate::ingest::{IngestError, RawRow, Rejection, Row, RowReader, Schema};
use crate::policy::{Policy, PolicySet};
use crate::rules::{self, Context, Verdicts};
use crate::ticket::Ticket;

/// Receives the findings of each merged chunk, in the order of `findings.csv`.
pub type FindingSink<'s> = dyn FnMut(&[Finding]) -> std::io::Result<()> + Send + 's;

/// What a ticket resolved to before evaluation.
pub(super) enum Resolved<'p> {
    Audit(Box<Ticket>, &'p Policy),
    Reject(Vec<Rejection>),
}

/// Resolves rows to a policy version, with the policy names prepared once per run.
pub(super) struct Resolver<'p> {
    policies: &'p PolicySet,
    forced: Option<&'p str>,
    /// Lower-cased ids and trimmed, lower-cased aliases with their policy id, in the order
    /// [`PolicySet::lookup`] tries them.
    names: Vec<(String, &'p str)>,
    /// Every version of each policy id, in the set's order.
    versions: foldhash::HashMap<&'p str, Vec<&'p Policy>>,
}

impl<'p> Resolver<'p> {
    pub(super) fn new(policies: &'p PolicySet, config: &'p AuditConfig) -> Resolver<'p> {
        let mut names = Vec::new();
        let mut versions: foldhash::HashMap<&str, Vec<&Policy>> = Default::default();
        for policy in policies.versions() {
            names.push((policy.id.to_lowercase(), policy.id.as_str()));
            for alias in &policy.aliases {
                names.push((alias.trim().to_lowercase(), policy.id.as_str()));
            }
            versions.entry(policy.id.as_str()).or_default().push(policy);
        }
        Resolver {
            policies,
            forced: config.forced_policy.as_deref(),
            names,
            versions,
        }
    }

    /// [`PolicySet::lookup`] without allocating for the usual ASCII names.
    fn lookup(&self, text: &str) -> Option<&'p str> {
        let wanted = text.trim();
        if !wanted.is_ascii() {
            return self.policies.lookup(text);
        }
        // `wanted` is ASCII: its lower-case form equals a key exactly when the key is ASCII
        // and equal ignoring ASCII case (every key is already lower-case).
        self.names
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(wanted))
            .map(|(_, id)| *id)
    }

    /// The policy and version of a parsed row, or why it cannot be audited.
    pub(super) fn resolve(&self, row: Row, origin: &RowOrigin) -> Resolved<'p> {
        let ticket = match row {
            Row::Rejected(problems) => return Resolved::Reject(problems),
            Row::Ticket(ticket) => ticket,
        };
        let from_row = self.forced.is_none();
        let reject = |ticket: &Ticket, value: &str, reason: String| {
            let (source_column, column_letter) = origin
                .policy_column
                .clone()
                .filter(|_| from_row)
                .unwrap_or_default();
            Resolved::Reject(vec![Rejection {
                source_file: origin.file.clone(),
                sheet: origin.sheet.clone(),
                source_row: ticket.source.row,
                ticket_id: Some(ticket.ticket_id.to_string()),
                column: "policy".into(),
                value: value.to_owned(),
                reason,
                source_column,
                column_letter,
            }])
        };
        let named = self.forced.or(ticket.policy.as_deref());
        let Some(named) = named else {
            return reject(
                &ticket,
                "",
                "policy is blank (fill the column or pass --policy)".into(),
            );
        };
        let Some(id) = self.lookup(named) else {
            return reject(&ticket, named, format!("unknown policy `{named}`"));
        };
        let versions = self.versions.get(id).map_or(&[][..], Vec::as_slice);
        let policy = match (&ticket.applied_at, versions) {
            (Some(_) | None, []) => {
                return reject(&ticket, named, format!("unknown policy `{named}`"))
            }
            (Some(applied), [first, ..]) => {
                let date = applied.date_in(first.timezone);
                match versions.iter().find(|p| p.in_force_on(date)) {
                    Some(policy) => *policy,
                    None => {
                        return reject(
                            &ticket,
                            named,
                            format!("no version of policy {id} in force on {date} (applied_at)"),
                        )
                    }
                }
            }
            (None, [only]) => *only,
            (None, _) => {
                return reject(
                    &ticket,
                    named,
                    format!(
                        "applied_at is blank: cannot choose between the versions of policy {id}"
                    ),
                )
            }
        };
        Resolved::Audit(ticket, policy)
    }
}

/// One evaluated row. (Nearly every row is audited, so boxing the large variant would only
/// add an allocation per ticket.)
#[allow(clippy::large_enum_variant)]
enum Item<'p> {
    Reject(Vec<Rejection>),
    Audit(Box<Ticket>, &'p Policy, Verdicts),
    /// A row of a ticket whose later row is audited (the mapping's `[latest]`).
    Superseded,
    /// A row applied for outside `--from`/`--to`.
    OutOfPeriod,
}

/// One chunk of rows, parsed, resolved and evaluated, in file order.
struct Evaluated<'p> {
    rows_read: u64,
    items: Vec<Item<'p>>,
}

/// What stays the same over the rows of one input.
pub(super) struct Stage<'a, 'p> {
    pub schema: &'a Schema,
    pub origin: &'a RowOrigin,
    pub resolver: &'a Resolver<'p>,
    pub ctx: &'a Context<'a>,
    pub period: Period,
    /// With the mapping's `[latest]`: the row audited for each ticket id.
    pub winners: Option<&'a Winners>,
    /// Where evaluated pieces go back to the input's reading thread.
    pub spares: &'a Spares,
}

/// Ticket id (hashed) → the row number of its latest row.
pub(super) type Winners = foldhash::HashMap<u128, u64>;

/// A parsed row that is not audited, and why.
enum NotAudited {
    Reject(Vec<Rejection>),
    OutOfPeriod,
}

impl NotAudited {
    fn item<'p>(self) -> Item<'p> {
        match self {
            NotAudited::Reject(problems) => Item::Reject(problems),
            NotAudited::OutOfPeriod => Item::OutOfPeriod,
        }
    }
}

/// What becomes of a parsed row before its rules are evaluated: rejected, out of period, or
/// a ticket with the policy version it is judged by.
fn admit<'p>(
    row: Row,
    origin: &RowOrigin,
    resolver: &Resolver<'p>,
    period: Period,
) -> Result<(Box<Ticket>, &'p Policy), NotAudited> {
    let row = match row {
        Row::Ticket(ticket) if period.is_set() && ticket.applied_at.is_none() => {
            Row::Rejected(vec![Rejection {
                source_file: origin.file.clone(),
                sheet: origin.sheet.clone(),
                source_row: ticket.source.row,
                ticket_id: Some(ticket.ticket_id.to_string()),
                column: "applied_at".into(),
                value: String::new(),
                reason: "no applied_at for --from/--to".into(),
                source_column: String::new(),
                column_letter: String::new(),
            }])
        }
        row => row,
    };
    match resolver.resolve(row, origin) {
        Resolved::Reject(problems) => Err(NotAudited::Reject(problems)),
        Resolved::Audit(ticket, policy) => {
            let applied = ticket.applied_at.map(|when| when.date_in(policy.timezone));
            if period.is_set() && !applied.is_some_and(|date| period.contains(date)) {
                return Err(NotAudited::OutOfPeriod);
            }
            Ok((ticket, policy))
        }
    }
}

/// The row to audit for each ticket id of an input read with the mapping's `[latest]`: among
/// the rows that would be audited (read, resolved, in the period), the one with the latest
/// `by` value; of equal values, the later row. A first pass over the input.
pub(super) fn latest_rows(
    mut reader: Box<dyn RowReader>,
    schema: &Schema,
    origin: &RowOrigin,
    resolver: &Resolver<'_>,
    period: Period,
) -> Result<Winners, AuditError> {
    let mut best: foldhash::HashMap<u128, (Option<chrono::NaiveDateTime>, u64)> =
        Default::default();
    loop {
        let mut chunk = Vec::with_capacity(PIECE_ROWS);
        while chunk.len() < PIECE_ROWS {
            match reader.next_row()? {
                Some(raw) => chunk.push(raw),
                None => break,
            }
        }
        if chunk.is_empty() {
            break;
        }
        let keyed: Vec<(u128, Option<chrono::NaiveDateTime>, u64)> = chunk
            .par_iter()
            .filter_map(|raw| {
                let key = schema.latest_key(raw);
                let (ticket, _) = admit(schema.parse(raw), origin, resolver, period).ok()?;
                Some((id_hash(&ticket.ticket_id), key, ticket.source.row))
            })
            .collect();
        for (id, key, row) in keyed {
            let entry = best.entry(id).or_insert((key, row));
            if (key, row) >= *entry {
                *entry = (key, row);
            }
        }
    }
    Ok(best.into_iter().map(|(id, (_, row))| (id, row)).collect())
}

impl<'p> Stage<'_, 'p> {
    /// With `[latest]`: whether another row of this ticket is the one audited.
    fn is_superseded(&self, ticket: &Ticket) -> bool {
        self.winners.is_some_and(|winners| {
            winners.get(&id_hash(&ticket.ticket_id)) != Some(&ticket.source.row)
        })
    }

    /// Parses, resolves and evaluates a piece on every core, keeping file order, into `items`
    /// (empty; the vector of a piece merged before); then hands the piece's rows back to the
    /// reading thread.
    fn evaluate(&self, rows: Vec<RawRow>, mut items: Vec<Item<'p>>) -> Evaluated<'p> {
        let rows_read = rows.len() as u64;
        items.par_extend(rows.par_iter().map(|raw| {
            let row = self.schema.parse(raw);
            match admit(row, self.origin, self.resolver, self.period) {
                Err(not_audited) => not_audited.item(),
                Ok((ticket, _)) if self.is_superseded(&ticket) => Item::Superseded,
                Ok((ticket, policy)) => {
                    let verdicts = rules::evaluate_quiet(&ticket, policy, self.ctx);
                    Item::Audit(ticket, policy, verdicts)
                }
            }
        }));
        self.spares.give(rows);
        Evaluated { rows_read, items }
    }
}

/// Rows evaluated together: small enough that the pieces in flight (one being read, one
/// waiting, one evaluated, one merged) stay a few megabytes, large enough to keep both cores
/// busy.
const PIECE_ROWS: usize = CHUNK_ROWS / 4;
const _: () = assert!(CHUNK_ROWS.is_multiple_of(PIECE_ROWS));

/// The sequential side: everything merged so far.
pub(super) struct Merger<'r, 'p, 's> {
    pub run: &'r mut AuditRun,
    pub seen: &'r mut SeenIds,
    pub spilling: &'r Spilling,
    pub tallies: &'r mut Tallies<'p>,
    pub sink: &'r mut FindingSink<'s>,
    pub summary: InputSummary,
    pub rows_done: u64,
    /// Rows merged so far in the current block of [`CHUNK_ROWS`] rows.
    pub block_rows: usize,
    /// The audited tickets' findings of the current block, held back until it ends.
    pub deferred: Vec<Finding>,
}

impl<'p> Merger<'_, 'p, '_> {
    /// Merges one piece of the input in file order. Within each block of [`CHUNK_ROWS`] rows
    /// of an input, the duplicate findings come first, then the audited tickets' findings
    /// (the order `findings.csv` has always had); `last` ends the input and so its block.
    /// The piece's items are taken out, its vector left empty for the next piece.
    fn merge(&mut self, chunk: &mut Evaluated<'p>, last: bool) -> std::io::Result<()> {
        let run = &mut *self.run;
        let summary = &mut self.summary;
        summary.rows_read += chunk.rows_read;
        let first = run.findings.len();
        for item in chunk.items.drain(..) {
            match item {
                Item::Superseded => summary.rows_superseded += 1,
                Item::OutOfPeriod => summary.rows_out_of_period += 1,
                Item::Reject(problems) => {
                    summary.rows_rejected += 1;
                    run.held_bytes += problems.iter().map(rejection_bytes).sum::<usize>();
                    run.rejections.extend(problems);
                }
                Item::Audit(ticket, policy, verdicts) => {
                    if !self.seen.insert(&ticket.ticket_id) {
                        summary.rows_duplicate += 1;
                        let finding =
                            duplicate_finding(&ticket, policy, &summary.path, Texts::of(run.lang));
                        run.scorecards.record_finding(&ticket, &finding);
                        run.hold(finding, Some(ticket));
                        continue;
                    }
                    summary.rows_audited += 1;
                    self.tallies.record(policy, &verdicts.tallies);
                    run.freight_ledger
                        .record(&ticket, policy, &verdicts.findings);
                    run.scorecards.record_ticket(&ticket, &verdicts.findings);
                    if let Some(applied) = ticket.applied_at {
                        run.applied_range.record(applied.date_in(policy.timezone));
                    }
                    if verdicts.findings.is_empty() {
                        run.review_sample.offer(&policy.id, &ticket);
                    } else {
                        run.held_bytes += super::spill::ticket_bytes(&ticket);
                        run.flagged_tickets.insert(ticket.source, ticket);
                        self.deferred.extend(verdicts.findings);
                    }
                }
            }
        }
        self.rows_done += chunk.rows_read;
        self.block_rows += chunk.rows_read as usize;
        let block_ends = last || self.block_rows >= CHUNK_ROWS;
        if block_ends {
            for finding in self.deferred.drain(..) {
                run.hold(finding, None);
            }
            self.block_rows = 0;
        }
        (self.sink)(&run.findings[first..])?;
        // Only between blocks: a deferred finding's ticket is already among the held ones.
        // The ticket ids seen take their share of the budget: the more tickets, the sooner
        // findings go to disk (but never in pieces under a sixteenth of it).
        let room = self
            .spilling
            .budget
            .saturating_sub(self.seen.heap_bytes())
            .max(self.spilling.budget / 16);
        if block_ends && run.held_bytes > room {
            run.spill_held(&self.spilling.zones)?;
        }
        Ok(())
    }
}

/// The most cells (and text bytes, counted in cells) a chunk holds: a sheet thousands of
/// columns wide is read in chunks of fewer rows, so the few chunks in flight stay tens of
/// megabytes however wide the rows are.
const CHUNK_CELLS: usize = 1 << 21;

/// Pieces of rows evaluated and handed back to their input's reading thread, which fills
/// their rows again ([`RowReader::next_row_into`]) instead of allocating two buffers a row
/// and freeing them on another thread: on a large CSV that churn had the allocator taking
/// fresh pages from the kernel all run long.
#[derive(Clone, Default)]
pub(super) struct Spares(Arc<Mutex<Vec<Vec<RawRow>>>>);

impl Spares {
    /// Pieces kept at most: as many as are in flight between the reading thread and the
    /// merge, so that memory stays what the pieces in flight take.
    const KEPT: usize = 3;

    /// A piece handed back, or an empty one.
    fn take(&self) -> Vec<RawRow> {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        kept.pop().unwrap_or_default()
    }

    /// Hands back a piece whose rows are no longer needed.
    fn give(&self, rows: Vec<RawRow>) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() < Self::KEPT {
            kept.push(rows);
        }
    }
}

/// Reads `reader` to the end in pieces of [`PIECE_ROWS`] rows (fewer for very wide rows, see
/// [`CHUNK_CELLS`]), filling rows from `spares` where it has some, and hands them to `send`;
/// stops early when it returns false (nobody receives any more).
pub(super) fn read_chunks(
    mut reader: Box<dyn RowReader>,
    spares: &Spares,
    mut send: impl FnMut(Result<Vec<RawRow>, IngestError>) -> bool,
) {
    loop {
        let mut chunk = spares.take();
        let mut filled = 0;
        let mut cells = 0usize;
        while filled < PIECE_ROWS && cells < CHUNK_CELLS {
            if filled == chunk.len() {
                chunk.push(RawRow::default());
            }
            let raw = &mut chunk[filled];
            match reader.next_row_into(raw) {
                Ok(true) => {
                    cells += raw.cells.len() + raw.text.len() / 16;
                    filled += 1;
                }
                Ok(false) => break,
                Err(err) => {
                    send(Err(err));
                    return;
                }
            }
        }
        chunk.truncate(filled);
        let at_end = filled < PIECE_ROWS && cells < CHUNK_CELLS;
        if !chunk.is_empty() && !send(Ok(chunk)) {
            return;
        }
        if at_end {
            return;
        }
    }
}

/// Runs one input through the pipeline, its rows taken from `pieces` (the input's reading
/// thread) and its SHA-256 from `hashing`: returns its summary with the SHA-256 filled in.
pub(super) fn run_input<'p>(
    pieces: &Receiver<Result<Piece, AuditError>>,
    hashing: ScopedJoinHandle<'_, std::io::Result<String>>,
    stage: &Stage<'_, 'p>,
    mut merger: Merger<'_, 'p, '_>,
    progress: &mut dyn FnMut(u64),
) -> Result<(InputSummary, u64), AuditError> {
    let mut pending: Option<Evaluated<'p>> = None;
    // The items' vector of the piece merged last, filled again by the next piece: a piece's
    // items take hundreds of kilobytes, which the allocator would otherwise take afresh
    // from the kernel for each piece.
    let mut spare_items = Vec::new();
    loop {
        let rows = match pieces.recv() {
            Ok(Ok(Piece::Rows(rows))) => rows,
            Ok(Ok(Piece::Opened(_))) => continue,
            Ok(Err(err)) => return Err(err),
            Err(_) => break,
        };
        let previous = pending.take();
        let items = std::mem::take(&mut spare_items);
        let (evaluated, merged) = rayon::join(
            || stage.evaluate(rows, items),
            || {
                previous
                    .map(|mut chunk| merger.merge(&mut chunk, false).map(|()| chunk.items))
                    .transpose()
            },
        );
        if let Some(emptied) = merged.map_err(AuditError::Output)? {
            spare_items = emptied;
            progress(merger.rows_done);
        }
        pending = Some(evaluated);
    }
    if let Some(mut chunk) = pending.take() {
        merger.merge(&mut chunk, true).map_err(AuditError::Output)?;
        progress(merger.rows_done);
    }
    let sha256 = hashing
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("hashing stopped")))
        .map_err(|source| AuditError::Io {
            path: merger.summary.path.clone(),
            source,
        })?;
    let mut summary = merger.summary;
    summary.sha256 = sha256;
    Ok((summary, merger.rows_done))
}

/// A rough measure of the heap a rejection takes, for the spill budget.
fn rejection_bytes(rejection: &Rejection) -> usize {
    std::mem::size_of::<Rejection>()
        + rejection.source_file.len()
        + rejection.sheet.as_ref().map_or(0, String::len)
        + rejection.ticket_id.as_ref().map_or(0, String::len)
        + rejection.column.len()
        + rejection.value.len()
        + rejection.reason.len()
        + rejection.source_column.len()
        + rejection.column_letter.len()
}
