//! The sample generated as a stream: every ticket drawn from the seed in turn, sorted by
//! application time in runs spilled to temporary files, then merged, numbered and handed to
//! the writers one at a time; the known answers likewise. What stays in memory for the whole
//! run is 13 bytes per ticket (its application time and where it goes) and one run.
//!
//! The files are the ones an in-memory build gives: the same draws from the generator in the
//! same order, tickets numbered in application order (ties in the order they were drawn), the
//! planted duplicate at the same place, the known answers in ticket id and rule order.

use chrono::NaiveDateTime;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::build::Ctx;
use super::sorted::ExternalSort;
use super::{
    broken, compliant, not_covered, pick_brand, planted_drafts, Draft, Expected, ExpectedRow,
    Layout, SampleError, SampleOptions, Target,
};
use crate::calendar::Calendar;
use crate::finding::Severity;
use crate::policy::PolicySet;
use crate::ticket::{Ticket, When};

/// Tickets held in memory before a sorted run of them is spilled.
pub(super) const TICKETS_PER_RUN: usize = 1 << 16;

/// Where the numbered tickets and the known answers go, in file order.
pub(super) trait Sink {
    /// The next ticket of the file `target` names ([`Target::En`], [`Target::Zh`] or
    /// [`Target::Xlsx`]).
    fn ticket(&mut self, target: Target, ticket: &Ticket) -> Result<(), SampleError>;
    /// The next row of the known answers.
    fn expected(&mut self, row: &ExpectedRow) -> Result<(), SampleError>;
}

/// A drawn ticket waiting to be numbered, ordered by application time, then by draw.
#[derive(Debug, Serialize, Deserialize)]
struct Drawn {
    applied: NaiveDateTime,
    index: u64,
    ticket: Ticket,
    expected: Vec<Expected>,
}

impl PartialEq for Drawn {
    fn eq(&self, other: &Self) -> bool {
        (self.applied, self.index) == (other.applied, other.index)
    }
}

impl Eq for Drawn {}

impl PartialOrd for Drawn {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Drawn {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.applied, self.index).cmp(&(other.applied, other.index))
    }
}

/// A row of the known answers waiting for its place: ticket id, rule, then the order it was
/// found in.
#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    row: ExpectedRow,
    index: u64,
}

impl Answer {
    fn key(&self) -> (&str, &str, u64) {
        (&self.row.ticket_id, &self.row.expected.rule, self.index)
    }
}

impl PartialEq for Answer {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Answer {}

impl PartialOrd for Answer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Answer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

const EN: u8 = 0;
const ZH: u8 = 1;
const XLSX: u8 = 2;
const ANY: u8 = 3;
/// Marks a ticket with planted findings.
const FLAGGED: u8 = 4;

fn code(target: Target) -> u8 {
    match target {
        Target::En => EN,
        Target::Zh => ZH,
        Target::Xlsx => XLSX,
        Target::Any => ANY,
    }
}

fn target(mark: u8) -> Target {
    match mark & 3 {
        ZH => Target::Zh,
        XLSX => Target::Xlsx,
        _ => Target::En,
    }
}

fn spill_failed(source: std::io::Error) -> SampleError {
    SampleError::Spill { source }
}

/// The tickets drawn so far, sorted in spilled runs, with what each needs remembered.
struct Tickets {
    sorted: ExternalSort<Drawn>,
    /// Application time of each ticket, in draw order.
    applied: Vec<NaiveDateTime>,
    /// Target code and [`FLAGGED`] of each ticket, in draw order.
    marks: Vec<u8>,
}

impl Tickets {
    fn push(&mut self, draft: Draft) -> Result<(), SampleError> {
        let applied = applied_time(&draft.ticket);
        let mark = code(draft.target)
            | if draft.expected.is_empty() {
                0
            } else {
                FLAGGED
            };
        let index = self.applied.len() as u64;
        self.applied.push(applied);
        self.marks.push(mark);
        self.sorted
            .push(Drawn {
                applied,
                index,
                ticket: draft.ticket,
                expected: draft.expected,
            })
            .map_err(spill_failed)
    }
}

/// Every ticket drawn and sorted, with where each goes: ready to be numbered and written.
pub(super) struct Drawing {
    tickets: Tickets,
    /// The rows of `broken.csv`.
    pub broken: Vec<Vec<String>>,
    /// The generator, past every draw made so far.
    rng: ChaCha8Rng,
    per_run: usize,
}

impl Drawing {
    /// Tickets going to the file of `target`, the planted duplicate included.
    pub(super) fn rows(&self, target: Target) -> usize {
        let wanted = code(target);
        let count = self
            .tickets
            .marks
            .iter()
            .filter(|m| *m & 3 == wanted)
            .count();
        count + usize::from(target == Target::En && self.duplicate_candidates() > 0)
    }

    /// English-file tickets without planted findings, the last one excepted: the tickets
    /// the duplicate may repeat.
    fn duplicate_candidates(&self) -> usize {
        let Tickets { applied, marks, .. } = &self.tickets;
        let mut last_en: Option<(NaiveDateTime, usize)> = None;
        let mut unflagged = 0;
        for (index, mark) in marks.iter().enumerate() {
            if mark & 3 == EN {
                unflagged += usize::from(mark & FLAGGED == 0);
                last_en = last_en.max(Some((applied[index], index)));
            }
        }
        let last_unflagged = last_en.is_some_and(|(_, index)| marks[index] & FLAGGED == 0);
        unflagged - usize::from(last_unflagged)
    }
}

/// Draws the whole sample for `options`: the planted cases, compliant tickets up to
/// `options.tickets`, the broken rows, and the file of every ticket.
pub(super) fn draw(
    options: &SampleOptions,
    calendar: &Calendar,
    policies: &PolicySet,
    per_run: usize,
) -> Result<Drawing, SampleError> {
    if let Some(rate) = options.violation_rate {
        if !(0.0..=1.0).contains(&rate) {
            return Err(SampleError::ViolationRate(rate));
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut tickets = Tickets {
        sorted: ExternalSort::new(per_run),
        applied: Vec::new(),
        marks: Vec::new(),
    };
    let mut ctx = Ctx::new(&mut rng, calendar, policies).map_err(|id| SampleError::Policies {
        reason: format!("no policy with id `{id}`"),
    })?;
    planted_drafts(&mut ctx, options, &mut |draft| tickets.push(draft))?;
    while tickets.applied.len() < options.tickets {
        let brand = pick_brand(ctx.rng);
        let ticket = compliant::ticket(&mut ctx, brand).map_err(not_covered)?;
        tickets.push(Draft::new(ticket, Target::Any))?;
    }
    let broken = broken::rows(&mut ctx).map_err(not_covered)?;
    // Every ticket still free to go anywhere goes to one of the three exports at random (4 in
    // 10 English, 3 Chinese, 3 workbook); with the full layout, every ticket to the one list.
    for mark in &mut tickets.marks {
        if options.layout == Layout::Full {
            *mark = (*mark & FLAGGED) | EN;
        } else if *mark & 3 == ANY {
            let goes = match rng.random_range(0..10) {
                0..=3 => EN,
                4..=6 => ZH,
                _ => XLSX,
            };
            *mark = (*mark & FLAGGED) | goes;
        }
    }
    Ok(Drawing {
        tickets,
        broken,
        rng,
        per_run,
    })
}

/// The planted duplicate: which unflagged English-file ticket it repeats (counting them in
/// file order), then where the copy goes once that ticket's place is known.
struct Duplicate {
    /// Unflagged English-file tickets before the original.
    original: Option<usize>,
    /// English-file tickets to write before the copy, and the copy, until it is written.
    copy: Option<(usize, Ticket)>,
    /// The id the copy repeats, once the original is known.
    id: Option<String>,
}

impl Drawing {
    /// Numbers the tickets in application order and hands them to `sink`, the planted
    /// duplicate among them, then the known answers in order. Returns the number of rows of
    /// the known answers.
    pub(super) fn emit(mut self, sink: &mut impl Sink) -> Result<usize, SampleError> {
        let en_rows = self.tickets.marks.iter().filter(|m| *m & 3 == EN).count();
        let candidates = self.duplicate_candidates();
        let mut duplicate = Duplicate {
            original: (candidates > 0).then(|| self.rng.random_range(0..candidates)),
            copy: None,
            id: None,
        };
        let mut answers = ExternalSort::new(self.per_run);
        let mut numbering = Numbering::default();
        let (mut en_written, mut unflagged_seen, mut answer_index) = (0, 0, 0u64);
        for drawn in self.tickets.sorted.into_sorted().map_err(spill_failed)? {
            let Drawn {
                applied,
                index,
                mut ticket,
                expected,
            } = drawn.map_err(spill_failed)?;
            ticket.ticket_id = numbering.next(applied).into();
            let mark = self.tickets.marks[index as usize];
            for expected in expected {
                let row = ExpectedRow {
                    ticket_id: ticket.ticket_id.to_string(),
                    expected,
                };
                answers
                    .push(Answer {
                        row,
                        index: answer_index,
                    })
                    .map_err(spill_failed)?;
                answer_index += 1;
            }
            if target(mark) != Target::En {
                sink.ticket(target(mark), &ticket)?;
                continue;
            }
            write_copy_before(&mut duplicate, en_written, sink)?;
            sink.ticket(Target::En, &ticket)?;
            if mark & FLAGGED == 0 {
                if duplicate.original == Some(unflagged_seen) {
                    let position = self.rng.random_range(en_written + 1..=en_rows);
                    duplicate.id = Some(ticket.ticket_id.to_string());
                    duplicate.copy = Some((position, ticket));
                }
                unflagged_seen += 1;
            }
            en_written += 1;
        }
        write_copy_before(&mut duplicate, en_written, sink)?;
        if let Some(ticket_id) = duplicate.id {
            let row = ExpectedRow {
                ticket_id,
                expected: Expected::new("data.duplicate-ticket", Severity::Warning),
            };
            answers
                .push(Answer {
                    row,
                    index: answer_index,
                })
                .map_err(spill_failed)?;
        }
        let mut rows = 0;
        for answer in answers.into_sorted().map_err(spill_failed)? {
            sink.expected(&answer.map_err(spill_failed)?.row)?;
            rows += 1;
        }
        Ok(rows)
    }
}

/// Writes the duplicate's copy when `written` English-file tickets precede its place.
fn write_copy_before(
    duplicate: &mut Duplicate,
    written: usize,
    sink: &mut impl Sink,
) -> Result<(), SampleError> {
    if duplicate
        .copy
        .as_ref()
        .is_some_and(|(at, _)| *at == written)
    {
        if let Some((_, copy)) = duplicate.copy.take() {
            sink.ticket(Target::En, &copy)?;
        }
    }
    Ok(())
}

/// Ticket ids in order of application, per year: `RMA-2025-000001`…
#[derive(Default)]
struct Numbering {
    year: i32,
    sequence: u32,
}

impl Numbering {
    fn next(&mut self, applied: NaiveDateTime) -> String {
        let applied_year = applied.format("%Y").to_string();
        let applied_year: i32 = applied_year.parse().unwrap_or_default();
        if applied_year != self.year {
            self.year = applied_year;
            self.sequence = 0;
        }
        self.sequence += 1;
        format!("RMA-{}-{:06}", self.year, self.sequence)
    }
}

/// The application time a ticket is numbered by (a date counts as its midnight).
pub(super) fn applied_time(ticket: &Ticket) -> NaiveDateTime {
    match ticket.applied_at {
        Some(When::Local(local)) => local,
        Some(When::Date(date)) => date.and_time(chrono::NaiveTime::MIN),
        Some(When::Fixed(fixed)) => fixed.naive_local(),
        None => NaiveDateTime::MIN,
    }
}
