//! The rule catalogue of RULES.md: each rule a pure function of one ticket, its policy
//! version and the audit context. Rule kinds are code, listed once in the registry
//! ([`RULES`]); their numbers, clauses and applicability come from the policy.

mod data;
mod deadlines;
mod eligibility;
mod freight;
mod periods;
mod reading;
mod refund_cycle;
mod registry;
mod review_sla;
mod turnaround;
mod warranty;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod zh_tests;

use chrono::{DateTime, Utc};

use crate::calendar::CalendarSet;
use crate::finding::{Finding, Outcome, RuleResult, Severity};
use crate::l10n::Texts;
use crate::policy::Policy;
use crate::ticket::Ticket;

pub use freight::is_sf;
pub use registry::{
    rule_by_id, Rule, CATALOGUE, DUPLICATE_TICKET, DUPLICATE_TICKET_RULE, RULES, RULE_COUNT,
};

use reading::{Eval, Flag, Trace, Verdict};

pub(crate) use reading::Unknown;

/// What every rule may read besides the ticket and its policy. No rule reads the clock.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The audit's as-of instant.
    pub as_of: DateTime<Utc>,
    /// The working-day calendars, by id.
    pub calendars: &'a CalendarSet,
    /// The catalogue the findings' texts are written from (the readers' language).
    pub texts: &'a Texts,
}

/// The per-ticket rule ids, in catalogue order (the order of [`evaluate`]'s results).
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    registry::per_ticket().map(|(rule, _)| rule.id)
}

fn finding(
    ticket: &Ticket,
    policy: &Policy,
    rule: &Rule,
    severity: Severity,
    flag: Flag,
) -> Finding {
    Finding {
        ticket_id: ticket.ticket_id.to_string(),
        policy: policy.id.clone(),
        policy_version: policy.version.clone(),
        rule: rule.id,
        category: rule.category,
        severity,
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
    registry::per_ticket()
        .map(|(rule, check)| {
            let mut trace = Trace::new();
            let outcome = match check(&eval, &mut trace) {
                Ok(Verdict::OutOfScope) => Outcome::OutOfScope,
                Ok(Verdict::Passed) => Outcome::Passed,
                Ok(Verdict::Flagged(flag)) => {
                    Outcome::Flagged(Box::new(finding(ticket, policy, rule, rule.severity, flag)))
                }
                Ok(Verdict::FlaggedAs(severity, flag)) => {
                    Outcome::Flagged(Box::new(finding(ticket, policy, rule, severity, flag)))
                }
                Err(unknown) => Outcome::NotEvaluable(unknown.to_string()),
            };
            RuleResult {
                rule: rule.id,
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
    for (tally, (rule, check)) in tallies.iter_mut().zip(registry::per_ticket()) {
        let mut trace = Trace::off();
        *tally = match check(&eval, &mut trace) {
            Ok(Verdict::OutOfScope) => Tally::OutOfScope,
            Ok(Verdict::Passed) => Tally::Passed,
            Ok(Verdict::Flagged(flag)) => {
                findings.push(finding(ticket, policy, rule, rule.severity, flag));
                Tally::Flagged
            }
            Ok(Verdict::FlaggedAs(severity, flag)) => {
                findings.push(finding(ticket, policy, rule, severity, flag));
                Tally::Flagged
            }
            Err(unknown) => Tally::NotEvaluable(unknown),
        };
    }
    Verdicts { tallies, findings }
}
