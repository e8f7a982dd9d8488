//! The rule catalogue of RULES.md: each rule a pure function of one ticket, its policy
//! version and the audit context. Rule kinds are code; their numbers, clauses and
//! applicability come from the policy.

mod data;
mod deadlines;
mod eligibility;
mod freight;
mod periods;
mod reading;
mod refund_cycle;
mod review_sla;
mod turnaround;
mod warranty;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::calendar::CalendarSet;
use crate::finding::{Category, Finding, Outcome, RuleResult};
use crate::policy::{Policy, ReturnLeg};
use crate::ticket::Ticket;

pub use freight::is_sf;

use reading::{Eval, Flag, Known, Trace, Verdict};

pub(crate) use reading::Unknown;

/// What every rule may read besides the ticket and its policy. No rule reads the clock.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The audit's as-of instant.
    pub as_of: DateTime<Utc>,
    pub calendars: &'a CalendarSet,
}

/// Every rule id with its category, in catalogue order. `data.duplicate-ticket` is decided by
/// the audit driver (it needs the whole run), every other rule here per ticket.
pub const CATALOGUE: &[(&str, Category)] = &[
    ("freight.charged-on-quality", Category::Freight),
    ("freight.deduction-mismatch", Category::Freight),
    ("freight.deduction-on-prepaid", Category::Freight),
    ("freight.return-leg-charged", Category::Freight),
    ("freight.not-recovered", Category::Freight),
    ("freight.collect-accepted", Category::Freight),
    ("review-sla.late", Category::ReviewSla),
    ("review-sla.overdue", Category::ReviewSla),
    ("refund-cycle.late", Category::RefundCycle),
    ("refund-cycle.overdue", Category::RefundCycle),
    ("refund-cycle.early", Category::RefundCycle),
    ("refund-cycle.before-receipt", Category::RefundCycle),
    ("turnaround.exchange-late", Category::Turnaround),
    ("turnaround.exchange-overdue", Category::Turnaround),
    ("turnaround.repair-late", Category::Turnaround),
    ("turnaround.repair-overdue", Category::Turnaround),
    ("turnaround.received-after-close", Category::Turnaround),
    ("turnaround.unpaid-held", Category::Turnaround),
    ("eligibility.return-outside-window", Category::Eligibility),
    ("eligibility.return-condition-failed", Category::Eligibility),
    ("eligibility.exchange-outside-window", Category::Eligibility),
    (
        "eligibility.free-service-out-of-warranty",
        Category::Eligibility,
    ),
    ("eligibility.free-service-excluded", Category::Eligibility),
    ("eligibility.charged-in-warranty", Category::Eligibility),
    ("eligibility.wrongly-rejected", Category::Eligibility),
    ("eligibility.exchange-model-mismatch", Category::Eligibility),
    ("eligibility.late-customer-shipment", Category::Eligibility),
    ("data.duplicate-ticket", Category::Data),
    ("data.timeline-inconsistent", Category::Data),
];

/// The rule decided by the audit driver rather than per ticket.
pub const DUPLICATE_TICKET: &str = "data.duplicate-ticket";

type RuleFn = fn(&Eval<'_>, &mut Trace) -> Known<Verdict>;

/// The per-ticket rules, in catalogue order (every catalogue rule but `data.duplicate-ticket`).
#[rustfmt::skip]
const RULES: &[(&str, Category, RuleFn)] = &[
    ("freight.charged-on-quality", Category::Freight, freight::charged_on_quality),
    ("freight.deduction-mismatch", Category::Freight, freight::deduction_mismatch),
    ("freight.deduction-on-prepaid", Category::Freight, freight::deduction_on_prepaid),
    ("freight.return-leg-charged", Category::Freight, freight::return_leg_charged),
    ("freight.not-recovered", Category::Freight, freight::not_recovered),
    ("freight.collect-accepted", Category::Freight, freight::collect_accepted),
    ("review-sla.late", Category::ReviewSla, review_sla::late),
    ("review-sla.overdue", Category::ReviewSla, review_sla::overdue),
    ("refund-cycle.late", Category::RefundCycle, refund_cycle::late),
    ("refund-cycle.overdue", Category::RefundCycle, refund_cycle::overdue),
    ("refund-cycle.early", Category::RefundCycle, refund_cycle::early),
    ("refund-cycle.before-receipt", Category::RefundCycle, refund_cycle::before_receipt),
    ("turnaround.exchange-late", Category::Turnaround, turnaround::exchange_late),
    ("turnaround.exchange-overdue", Category::Turnaround, turnaround::exchange_overdue),
    ("turnaround.repair-late", Category::Turnaround, turnaround::repair_late),
    ("turnaround.repair-overdue", Category::Turnaround, turnaround::repair_overdue),
    ("turnaround.received-after-close", Category::Turnaround, turnaround::received_after_close),
    ("turnaround.unpaid-held", Category::Turnaround, turnaround::unpaid_held),
    ("eligibility.return-outside-window", Category::Eligibility, eligibility::return_outside_window),
    ("eligibility.return-condition-failed", Category::Eligibility, eligibility::return_condition_failed),
    ("eligibility.exchange-outside-window", Category::Eligibility, eligibility::exchange_outside_window),
    ("eligibility.free-service-out-of-warranty", Category::Eligibility, eligibility::free_service_out_of_warranty),
    ("eligibility.free-service-excluded", Category::Eligibility, eligibility::free_service_excluded),
    ("eligibility.charged-in-warranty", Category::Eligibility, eligibility::charged_in_warranty),
    ("eligibility.wrongly-rejected", Category::Eligibility, eligibility::wrongly_rejected),
    ("eligibility.exchange-model-mismatch", Category::Eligibility, eligibility::exchange_model_mismatch),
    ("eligibility.late-customer-shipment", Category::Eligibility, eligibility::late_customer_shipment),
    ("data.timeline-inconsistent", Category::Data, data::timeline_inconsistent),
];

/// The number of per-ticket rules: every catalogue rule but `data.duplicate-ticket`.
pub const RULE_COUNT: usize = RULES.len();

/// The per-ticket rule ids, in catalogue order (the order of [`evaluate`]'s results).
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|&(rule, _, _)| rule)
}

fn finding(
    ticket: &Ticket,
    policy: &Policy,
    rule: &'static str,
    category: Category,
    flag: Flag,
) -> Finding {
    Finding {
        ticket_id: ticket.ticket_id.clone(),
        policy: policy.id.clone(),
        policy_version: policy.version.clone(),
        rule,
        category,
        severity: flag.severity,
        clause: flag.clause,
        expected: flag.expected,
        actual: flag.actual,
        amount: flag.amount,
        late_by: flag.late_by,
        explanation: flag.explanation,
        source: ticket.source,
    }
}

/// Evaluates every rule of the catalogue (except `data.duplicate-ticket`) on one ticket:
/// exactly one result per rule, in catalogue order, each with the trace `explain` prints.
pub fn evaluate(ticket: &Ticket, policy: &Policy, ctx: &Context<'_>) -> Vec<RuleResult> {
    let eval = Eval::new(ticket, policy, ctx);
    RULES
        .iter()
        .map(|&(rule, category, check)| {
            let mut trace = Trace::new();
            let outcome = match check(&eval, &mut trace) {
                Ok(Verdict::OutOfScope) => Outcome::OutOfScope,
                Ok(Verdict::Passed) => Outcome::Passed,
                Ok(Verdict::Flagged(flag)) => {
                    Outcome::Flagged(Box::new(finding(ticket, policy, rule, category, flag)))
                }
                Err(unknown) => Outcome::NotEvaluable(unknown.to_string()),
            };
            RuleResult {
                rule,
                outcome,
                trace: trace.into_lines(),
            }
        })
        .collect()
}

/// The findings of one ticket, in catalogue order, as the audit computes them: the outcomes
/// of [`evaluate`] without formatting its trace.
pub fn findings(ticket: &Ticket, policy: &Policy, ctx: &Context<'_>) -> Vec<Finding> {
    evaluate_quiet(ticket, policy, ctx).findings
}

/// One rule's outcome as the audit counts it for coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tally {
    OutOfScope,
    Passed,
    Flagged,
    /// Not evaluable, with the reason (displayed as [`Outcome::NotEvaluable`] says it).
    NotEvaluable(Unknown),
}

/// The rules' verdicts on one ticket, as the audit needs them.
#[derive(Debug, Clone)]
pub(crate) struct Verdicts {
    /// One per rule, in [`rule_ids`] order.
    pub tallies: [Tally; RULE_COUNT],
    /// The findings, in catalogue order.
    pub findings: Vec<Finding>,
}

/// [`evaluate`] without the trace: the same outcomes and findings, nothing formatted that
/// the audit does not write.
pub(crate) fn evaluate_quiet(ticket: &Ticket, policy: &Policy, ctx: &Context<'_>) -> Verdicts {
    let eval = Eval::new(ticket, policy, ctx);
    let mut tallies = [Tally::OutOfScope; RULE_COUNT];
    let mut findings = Vec::new();
    for (tally, &(rule, category, check)) in tallies.iter_mut().zip(RULES) {
        let mut trace = Trace::off();
        *tally = match check(&eval, &mut trace) {
            Ok(Verdict::OutOfScope) => Tally::OutOfScope,
            Ok(Verdict::Passed) => Tally::Passed,
            Ok(Verdict::Flagged(flag)) => {
                findings.push(finding(ticket, policy, rule, category, flag));
                Tally::Flagged
            }
            Err(unknown) => Tally::NotEvaluable(unknown),
        };
    }
    Verdicts { tallies, findings }
}

/// Is `rule` in scope for some ticket of `policy`? (Coverage rows are written for these.)
/// Unknown rule ids are not.
pub fn rule_applies_to(rule: &str, policy: &Policy) -> bool {
    let p = &policy.params;
    let freight = &p.freight;
    match rule {
        "freight.charged-on-quality" => !freight.company_bears.is_empty(),
        "freight.deduction-mismatch" | "freight.deduction-on-prepaid" => {
            freight.deduction.is_some()
        }
        "freight.return-leg-charged" => match &freight.return_leg {
            None => false,
            Some(ReturnLeg::Always { .. }) => true,
            Some(ReturnLeg::CausesInWarranty { causes, .. }) => {
                !causes.is_empty() && p.warranty.is_some()
            }
        },
        "freight.not-recovered" => freight.customer_bears_clause.is_some(),
        "freight.collect-accepted" => freight.collect_refused_clause.is_some(),
        "review-sla.late" | "review-sla.overdue" => p.review_sla.is_some(),
        "refund-cycle.late"
        | "refund-cycle.overdue"
        | "refund-cycle.early"
        | "refund-cycle.before-receipt" => p.refund_cycle.is_some(),
        "turnaround.exchange-late" | "turnaround.exchange-overdue" => {
            p.exchange_turnaround.is_some()
        }
        "turnaround.repair-late" | "turnaround.repair-overdue" => p.repair_turnaround.is_some(),
        "turnaround.received-after-close" => p.receipt_close.is_some(),
        "turnaround.unpaid-held" => p.unpaid_hold.is_some(),
        "eligibility.return-outside-window" => p.return_window.is_some(),
        "eligibility.return-condition-failed" => {
            p.return_window.is_some() && p.return_conditions.is_some()
        }
        "eligibility.exchange-outside-window" => p.exchange_window.is_some(),
        "eligibility.free-service-out-of-warranty" | "eligibility.charged-in-warranty" => {
            p.warranty.is_some()
        }
        "eligibility.free-service-excluded" => true,
        "eligibility.wrongly-rejected" => p.return_window.is_some() || p.warranty.is_some(),
        "eligibility.exchange-model-mismatch" => p.exchange_same_model_clause.is_some(),
        "eligibility.late-customer-shipment" => p.customer_shipment.is_some(),
        "data.duplicate-ticket" | "data.timeline-inconsistent" => true,
        _ => false,
    }
}
