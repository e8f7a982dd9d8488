//! `refund-cycle.*`: refunds outside the working-day cycle counted from the goods' receipt
//! into storage (JOINING S4.1), and refunds issued before the receipt.

use crate::policy::RefundCycle;
use crate::ticket::{Column, Decision};

use super::deadlines::{self, nth_working_day, WorkingDeadline};
use super::periods::plus_days;
use super::reading::{money, note, Eval, Flag, Known, Trace, Unknown, Verdict};
use crate::tr;

/// The cycle, when the policy has one and the ticket was decided as a refund.
fn cycle<'p>(e: &Eval<'p>) -> Option<&'p RefundCycle> {
    e.policy
        .params
        .refund_cycle
        .as_ref()
        .filter(|_| e.decision_is(&[Decision::Refund]))
}

fn deadline<'p>(e: &Eval<'_>, cycle: &'p RefundCycle) -> WorkingDeadline<'p> {
    WorkingDeadline {
        start: Column::ReceivedAt,
        kind: "refund",
        action: Column::RefundedAt,
        working_days: cycle.latest_working_days,
        clause: &cycle.clause,
        amount: e.ticket.refund_amount.map(money),
    }
}

/// `refund-cycle.late`
pub(crate) fn late(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    match cycle(e) {
        None => Ok(Verdict::OutOfScope),
        Some(cycle) => deadlines::late(e, &deadline(e, cycle), trace),
    }
}

/// `refund-cycle.overdue`
pub(crate) fn overdue(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    match cycle(e) {
        None => Ok(Verdict::OutOfScope),
        Some(cycle) => deadlines::overdue(e, &deadline(e, cycle), trace),
    }
}

/// Was the refund issued before the goods were received? (instants when both have times,
/// else dates). `None` when not refunded yet.
fn refunded_before_receipt(e: &Eval<'_>, trace: &mut Trace) -> Known<Option<bool>> {
    let Some(refunded) = e.ticket.refunded_at else {
        note(trace, "refunded_at", "blank (not yet)");
        return Ok(None);
    };
    let received = e
        .ticket
        .received_at
        .ok_or(Unknown::Blank(Column::ReceivedAt.name()))?;
    note(trace, "received_at", e.show(received));
    note(trace, "refunded_at", e.show(refunded));
    Ok(Some(e.before(refunded, received)))
}

/// `refund-cycle.early`: refunded on or after the receipt date but before the earliest
/// working day of the cycle. A refund before receipt is `before-receipt` instead.
pub(crate) fn early(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(cycle) = cycle(e) else {
        return Ok(Verdict::OutOfScope);
    };
    match refunded_before_receipt(e, trace)? {
        None | Some(true) => return Ok(Verdict::Passed),
        Some(false) => {}
    }
    let received = e.date(Column::ReceivedAt)?;
    let refunded = e.date(Column::RefundedAt)?;
    let calendar = e.calendar()?;
    let earliest = nth_working_day(
        calendar,
        received,
        cycle.earliest_working_days,
        "earliest expected refund",
        trace,
    )?;
    if refunded >= earliest {
        return Ok(Verdict::Passed);
    }
    let texts = e.texts();
    let holidays = calendar
        .describe_between_in(plus_days(received, 1), earliest, texts)
        .map(|text| tr!(texts, "holidays", text = text))
        .unwrap_or_default();
    Ok(Verdict::Flagged(Flag {
        clause: cycle.clause.clone(),
        expected: tr!(
            texts,
            "refund-early-expected",
            earliest = earliest,
            nth = tr!(texts, "nth-working-day", n = cycle.earliest_working_days),
            received = received
        ),
        actual: tr!(texts, "refund-early-actual", refunded = refunded),
        amount: None,
        late_by: None,
        explanation: tr!(
            texts,
            "refund-early-explanation",
            refunded = refunded,
            earliest = earliest,
            received = received,
            cite = e.cite(&cycle.clause),
            from = cycle.earliest_working_days,
            to = cycle.latest_working_days,
            holidays = holidays
        ),
    }))
}

/// `refund-cycle.before-receipt`
pub(crate) fn before_receipt(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(cycle) = cycle(e) else {
        return Ok(Verdict::OutOfScope);
    };
    if refunded_before_receipt(e, trace)? != Some(true) {
        return Ok(Verdict::Passed);
    }
    let (Some(refunded), Some(received)) = (e.ticket.refunded_at, e.ticket.received_at) else {
        return Ok(Verdict::Passed);
    };
    let (refunded, received) = (e.show(refunded), e.show(received));
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: cycle.clause.clone(),
        expected: tr!(texts, "refund-before-receipt-expected", received = received),
        actual: tr!(texts, "refund-before-receipt-actual", refunded = refunded),
        amount: e.ticket.refund_amount.map(money),
        late_by: None,
        explanation: tr!(
            texts,
            "refund-before-receipt-explanation",
            refunded = refunded,
            received = received,
            cite = e.cite(&cycle.clause)
        ),
    }))
}
