//! The rule registry: one row per rule of RULES.md's catalogue with its id, category,
//! severity, the function that evaluates it and the policies it is in scope for. The
//! catalogue, the per-ticket evaluation order, the coverage scope and the docs check all read
//! this table; nothing else lists rule ids.

use crate::finding::{Category, Severity};
use crate::policy::{Params, Policy, ReturnLeg};

use super::reading::{Eval, Known, Trace, Verdict};
use super::{data, eligibility, freight, refund_cycle, review_sla, turnaround};

/// A per-ticket rule: a pure function of the ticket, its policy version and the context.
pub(crate) type RuleFn = fn(&Eval<'_>, &mut Trace) -> Known<Verdict>;

/// One rule of the catalogue.
#[derive(Clone, Copy)]
pub struct Rule {
    /// `category.name`, as findings, waivers and RULES.md spell it.
    pub id: &'static str,
    /// The catalogue section it belongs to (freight, review-sla…).
    pub category: Category,
    /// The severity of its findings. `freight.deduction-mismatch` lowers it to warning when
    /// the deduction fell short (an under-recovery, not a customer over-charged).
    pub severity: Severity,
    /// How it is evaluated per ticket; `None` for `data.duplicate-ticket`, which the audit
    /// driver decides (it needs the whole run).
    pub(crate) check: Option<RuleFn>,
    /// Is it in scope for some ticket of a policy with these parameters? (Coverage rows are
    /// written for these.)
    scope: fn(&Params) -> bool,
}

impl Rule {
    /// Is the rule in scope for some ticket of `policy`?
    pub fn applies_to(&self, policy: &Policy) -> bool {
        (self.scope)(&policy.params)
    }

    /// Is it evaluated per ticket (every rule but `data.duplicate-ticket`)?
    pub fn per_ticket(&self) -> bool {
        self.check.is_some()
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("category", &self.category)
            .field("severity", &self.severity)
            .finish_non_exhaustive()
    }
}

const fn rule(
    id: &'static str,
    category: Category,
    severity: Severity,
    check: Option<RuleFn>,
    scope: fn(&Params) -> bool,
) -> Rule {
    Rule {
        id,
        category,
        severity,
        check,
        scope,
    }
}

fn always(_: &Params) -> bool {
    true
}

fn return_leg_owed(p: &Params) -> bool {
    match &p.freight.return_leg {
        None => false,
        Some(ReturnLeg::Always { .. }) => true,
        Some(ReturnLeg::CausesInWarranty { causes, .. }) => {
            !causes.is_empty() && p.warranty.is_some()
        }
    }
}

use Category::{Data, Eligibility, Freight, RefundCycle, ReviewSla, Turnaround};
use Severity::{Info, Violation, Warning};

/// Every rule, in catalogue order (the order of the findings and of [`super::evaluate`]'s
/// results).
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    rule("freight.charged-on-quality", Freight, Violation, Some(freight::charged_on_quality), |p| !p.freight.company_bears.is_empty()),
    rule("freight.deduction-mismatch", Freight, Violation, Some(freight::deduction_mismatch), |p| p.freight.deduction.is_some()),
    rule("freight.deduction-on-prepaid", Freight, Violation, Some(freight::deduction_on_prepaid), |p| p.freight.deduction.is_some()),
    rule("freight.return-leg-charged", Freight, Violation, Some(freight::return_leg_charged), return_leg_owed),
    rule("freight.not-recovered", Freight, Warning, Some(freight::not_recovered), |p| p.freight.customer_bears_clause.is_some()),
    rule("freight.collect-accepted", Freight, Warning, Some(freight::collect_accepted), |p| p.freight.collect_refused_clause.is_some()),
    rule("review-sla.late", ReviewSla, Violation, Some(review_sla::late), |p| p.review_sla.is_some()),
    rule("review-sla.overdue", ReviewSla, Violation, Some(review_sla::overdue), |p| p.review_sla.is_some()),
    rule("refund-cycle.late", RefundCycle, Violation, Some(refund_cycle::late), |p| p.refund_cycle.is_some()),
    rule("refund-cycle.overdue", RefundCycle, Violation, Some(refund_cycle::overdue), |p| p.refund_cycle.is_some()),
    rule("refund-cycle.early", RefundCycle, Info, Some(refund_cycle::early), |p| p.refund_cycle.is_some()),
    rule("refund-cycle.before-receipt", RefundCycle, Warning, Some(refund_cycle::before_receipt), |p| p.refund_cycle.is_some()),
    rule("turnaround.exchange-late", Turnaround, Violation, Some(turnaround::exchange_late), |p| p.exchange_turnaround.is_some()),
    rule("turnaround.exchange-overdue", Turnaround, Violation, Some(turnaround::exchange_overdue), |p| p.exchange_turnaround.is_some()),
    rule("turnaround.repair-late", Turnaround, Violation, Some(turnaround::repair_late), |p| p.repair_turnaround.is_some()),
    rule("turnaround.repair-overdue", Turnaround, Violation, Some(turnaround::repair_overdue), |p| p.repair_turnaround.is_some()),
    rule("turnaround.received-after-close", Turnaround, Warning, Some(turnaround::received_after_close), |p| p.receipt_close.is_some()),
    rule("turnaround.unpaid-held", Turnaround, Warning, Some(turnaround::unpaid_held), |p| p.unpaid_hold.is_some()),
    rule("eligibility.return-outside-window", Eligibility, Violation, Some(eligibility::return_outside_window), |p| p.return_window.is_some()),
    rule("eligibility.return-condition-failed", Eligibility, Warning, Some(eligibility::return_condition_failed), |p| p.return_window.is_some() && p.return_conditions.is_some()),
    rule("eligibility.exchange-outside-window", Eligibility, Violation, Some(eligibility::exchange_outside_window), |p| p.exchange_window.is_some()),
    rule("eligibility.free-service-out-of-warranty", Eligibility, Violation, Some(eligibility::free_service_out_of_warranty), |p| p.warranty.is_some()),
    rule("eligibility.free-service-excluded", Eligibility, Warning, Some(eligibility::free_service_excluded), always),
    rule("eligibility.charged-in-warranty", Eligibility, Violation, Some(eligibility::charged_in_warranty), |p| p.warranty.is_some()),
    rule("eligibility.wrongly-rejected", Eligibility, Warning, Some(eligibility::wrongly_rejected), |p| p.return_window.is_some() || p.warranty.is_some()),
    rule("eligibility.exchange-model-mismatch", Eligibility, Warning, Some(eligibility::exchange_model_mismatch), |p| p.exchange_same_model_clause.is_some()),
    rule("eligibility.late-customer-shipment", Eligibility, Warning, Some(eligibility::late_customer_shipment), |p| p.customer_shipment.is_some()),
    DUPLICATE_TICKET_RULE,
    rule("data.timeline-inconsistent", Data, Warning, Some(data::timeline_inconsistent), always),
];

/// The rule decided by the audit driver rather than per ticket.
pub const DUPLICATE_TICKET: &str = "data.duplicate-ticket";

/// The registry row of [`DUPLICATE_TICKET`].
pub const DUPLICATE_TICKET_RULE: Rule = rule(DUPLICATE_TICKET, Data, Warning, None, always);

/// The number of per-ticket rules: every rule but `data.duplicate-ticket`.
pub const RULE_COUNT: usize = {
    let mut count = 0;
    let mut i = 0;
    while i < RULES.len() {
        if RULES[i].check.is_some() {
            count += 1;
        }
        i += 1;
    }
    count
};

const PAIRS: [(&str, Category); RULES.len()] = {
    let mut pairs = [("", Data); RULES.len()];
    let mut i = 0;
    while i < RULES.len() {
        pairs[i] = (RULES[i].id, RULES[i].category);
        i += 1;
    }
    pairs
};

/// Every rule id with its category, in catalogue order: [`RULES`] seen as pairs.
pub const CATALOGUE: &[(&str, Category)] = &PAIRS;

/// The rule with this id.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

/// The per-ticket rules, in catalogue order.
pub(crate) fn per_ticket() -> impl Iterator<Item = (&'static Rule, RuleFn)> {
    RULES
        .iter()
        .filter_map(|rule| rule.check.map(|check| (rule, check)))
}
