//! `data.*`: problems of the export itself. `data.duplicate-ticket` needs the whole run and
//! is decided by the audit driver; `data.timeline-inconsistent` is decided here, one finding
//! per ticket naming every inconsistent pair.

use crate::ticket::{Column, When};
use crate::tr;

use super::reading::{note, Eval, Flag, Known, Trace, Unknown, Verdict};

/// `data.timeline-inconsistent`: reviewed_at, received_at or refunded_at before applied_at;
/// applied_at before delivered_at. An OR: one inconsistent pair decides it. A blank event
/// (reviewed_at, received_at, refunded_at) has not happened and is no inconsistency; a blank
/// delivered_at is unknown, so with no inconsistent pair the check is not evaluable.
pub(crate) fn timeline_inconsistent(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let applied = e
        .ticket
        .applied_at
        .ok_or(Unknown::Blank(Column::AppliedAt.name()))?;
    let applied_text = e.show(applied);
    note(trace, "applied_at", applied_text);
    let applied_moment = e.moment(applied);
    let mut problems: Vec<String> = Vec::new();
    for column in [Column::ReviewedAt, Column::ReceivedAt, Column::RefundedAt] {
        if let Some(value) = e.when(column) {
            if e.moment(value).before(&applied_moment) {
                problems.push(tr!(
                    e.texts(),
                    "timeline-before-applied",
                    column = e.field(column),
                    value = e.show(value),
                    applied = applied_text
                ));
            }
        }
    }
    match e.ticket.delivered_at {
        Some(delivered) => {
            if applied_moment.before(&e.moment(When::Date(delivered))) {
                problems.push(tr!(
                    e.texts(),
                    "timeline-applied-before-delivered",
                    applied = applied_text,
                    delivered = delivered
                ));
            }
        }
        None if problems.is_empty() => {
            return Err(Unknown::Blank(Column::DeliveredAt.name()));
        }
        None => note(trace, "delivered_at", "blank (not compared)"),
    }
    if problems.is_empty() {
        return Ok(Verdict::Passed);
    }
    for problem in &problems {
        note(trace, "inconsistent", problem);
    }
    let texts = e.texts();
    let actual = problems.join(&tr!(texts, "list-semicolon"));
    let explanation = tr!(texts, "timeline-explanation", problems = actual);
    Ok(Verdict::Flagged(Flag {
        clause: String::new(),
        expected: tr!(texts, "timeline-expected"),
        actual,
        amount: None,
        late_by: None,
        explanation,
    }))
}
