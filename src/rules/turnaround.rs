//! `turnaround.*`: exchange and repair deadlines in working days, parcels received after the
//! application should have been closed, and unpaid repairs held past the policy's limit.

use crate::finding::LateBy;
use crate::policy::WorkingDayDeadline;
use crate::ticket::{Column, Decision};

use super::deadlines::{self, WorkingDeadline};
use super::periods::{days_between, describe_period, period_end, plus_days};
use super::reading::{count, note, Eval, Flag, Known, Trace, Verdict};

fn exchange_deadline(params: &WorkingDayDeadline) -> WorkingDeadline<'_> {
    WorkingDeadline {
        start: Column::ReceivedAt,
        start_phrase: "the returned goods were put into storage",
        action: Column::ExchangeShippedAt,
        action_done: "Exchange shipped",
        action_pending: "Exchange not shipped",
        working_days: params.working_days,
        clause: &params.clause,
        amount: None,
    }
}

fn repair_deadline(params: &WorkingDayDeadline) -> WorkingDeadline<'_> {
    WorkingDeadline {
        start: Column::RepairApprovedAt,
        start_phrase: "the repair was approved",
        action: Column::RepairedAt,
        action_done: "Repaired",
        action_pending: "Not repaired",
        working_days: params.working_days,
        clause: &params.clause,
        amount: None,
    }
}

/// The exchange deadline, when the policy has one and the ticket was decided as an exchange.
fn exchange<'p>(e: &Eval<'p>) -> Option<WorkingDeadline<'p>> {
    e.policy
        .params
        .exchange_turnaround
        .as_ref()
        .filter(|_| e.decision_is(&[Decision::Exchange]))
        .map(exchange_deadline)
}

/// The repair deadline, when the policy has one and the repair was approved.
fn repair<'p>(e: &Eval<'p>) -> Option<WorkingDeadline<'p>> {
    e.policy
        .params
        .repair_turnaround
        .as_ref()
        .filter(|_| e.ticket.repair_approved_at.is_some())
        .map(repair_deadline)
}

/// `turnaround.exchange-late`
pub(crate) fn exchange_late(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    match exchange(e) {
        None => Ok(Verdict::OutOfScope),
        Some(rule) => deadlines::late(e, &rule, trace),
    }
}

/// `turnaround.exchange-overdue`
pub(crate) fn exchange_overdue(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    match exchange(e) {
        None => Ok(Verdict::OutOfScope),
        Some(rule) => deadlines::overdue(e, &rule, trace),
    }
}

/// `turnaround.repair-late`
pub(crate) fn repair_late(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    match repair(e) {
        None => Ok(Verdict::OutOfScope),
        Some(rule) => deadlines::late(e, &rule, trace),
    }
}

/// `turnaround.repair-overdue`
pub(crate) fn repair_overdue(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    match repair(e) {
        None => Ok(Verdict::OutOfScope),
        Some(rule) => deadlines::overdue(e, &rule, trace),
    }
}

/// `turnaround.received-after-close`: date(received_at) > date(applied_at) + N days.
pub(crate) fn received_after_close(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(limit) = &e.policy.params.receipt_close else {
        return Ok(Verdict::OutOfScope);
    };
    let applied = e.date(Column::AppliedAt)?;
    let received = e.date(Column::ReceivedAt)?;
    let close = plus_days(applied, limit.days);
    note(trace, "applied_at", applied);
    note(trace, "received_at", received);
    note(
        trace,
        "closes",
        format_args!("{close} (applied + {} days)", limit.days),
    );
    if received <= close {
        return Ok(Verdict::Passed);
    }
    let late = days_between(close, received);
    Ok(Verdict::Flagged(Flag {
        clause: limit.clause.clone(),
        expected: format!("received_at by {close}"),
        actual: format!("received_at {received}"),
        amount: None,
        late_by: Some(LateBy::days(late)),
        explanation: format!(
            "Received {received}, {} after {close}: applied {applied} and {} closes an application whose device has not arrived within {} days.",
            count(late, "day"),
            e.cite(&limit.clause),
            limit.days
        ),
    }))
}

/// `turnaround.unpaid-held`: a quoted paid repair neither paid nor sent back, with date(as-of)
/// past the quote date + the policy's period.
pub(crate) fn unpaid_held(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(hold) = &e.policy.params.unpaid_hold else {
        return Ok(Verdict::OutOfScope);
    };
    if !e.decision_is(&[Decision::PaidRepair]) {
        return Ok(Verdict::OutOfScope);
    }
    for column in [Column::PaidAt, Column::ReturnedToCustomerAt] {
        if let Some(when) = e.when(column) {
            note(trace, column.name(), e.show(when));
            return Ok(Verdict::Passed);
        }
    }
    let quoted = e.date(Column::QuoteNotifiedAt)?;
    let end = period_end(quoted, hold.period);
    let as_of = e.as_of_date();
    note(trace, "quote_notified_at", quoted);
    note(trace, "hold ends", end);
    note(trace, "as_of date", as_of);
    if as_of <= end {
        return Ok(Verdict::Passed);
    }
    let late = days_between(end, as_of);
    Ok(Verdict::Flagged(Flag {
        clause: hold.clause.clone(),
        expected: format!("paid or returned to the customer by {end}"),
        actual: format!("unpaid and held at as-of {as_of}"),
        amount: None,
        late_by: Some(LateBy::days(late)),
        explanation: format!(
            "Still held unpaid at the as-of date {as_of}, {} after {end}: the quote was sent {quoted} and {} returns equipment unpaid for more than {}.",
            count(late, "day"),
            e.cite(&hold.clause),
            describe_period(hold.period)
        ),
    }))
}
