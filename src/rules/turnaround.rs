//! `turnaround.*`: exchange and repair deadlines in working days, parcels received after the
//! application should have been closed, and unpaid repairs held past the policy's limit.

use crate::finding::LateBy;
use crate::policy::WorkingDayDeadline;
use crate::ticket::{Column, Decision};

use super::deadlines::{self, WorkingDeadline};
use super::periods::{days_between, describe_period, period_end, plus_days};
use super::reading::{note, Eval, Flag, Known, Trace, Verdict};
use crate::tr;

fn exchange_deadline(params: &WorkingDayDeadline) -> WorkingDeadline<'_> {
    WorkingDeadline {
        start: Column::ReceivedAt,
        kind: "exchange",
        action: Column::ExchangeShippedAt,
        working_days: params.working_days,
        clause: &params.clause,
        amount: None,
    }
}

fn repair_deadline(params: &WorkingDayDeadline) -> WorkingDeadline<'_> {
    WorkingDeadline {
        start: Column::RepairApprovedAt,
        kind: "repair",
        action: Column::RepairedAt,
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
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: limit.clause.clone(),
        expected: tr!(texts, "close-expected", close = close),
        actual: tr!(texts, "close-actual", received = received),
        amount: None,
        late_by: Some(LateBy::days(late)),
        explanation: tr!(
            texts,
            "close-explanation",
            received = received,
            late_days = e.days(late),
            close = close,
            applied = applied,
            cite = e.cite(&limit.clause),
            limit = limit.days
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
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: hold.clause.clone(),
        expected: tr!(texts, "held-expected", end = end),
        actual: tr!(texts, "held-actual", as_of = as_of),
        amount: None,
        late_by: Some(LateBy::days(late)),
        explanation: tr!(
            texts,
            "held-explanation",
            as_of = as_of,
            late_days = e.days(late),
            end = end,
            quoted = quoted,
            cite = e.cite(&hold.clause),
            period = describe_period(texts, hold.period)
        ),
    }))
}
