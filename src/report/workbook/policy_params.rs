//! A policy version's parameters in words, each with the clause it rests on, for the Run sheet.

use crate::l10n::Texts;
use crate::policy::{
    Counting, Exclusions, Params, Period, Policy, ReturnConditions, ReturnLeg, Warranty,
    WarrantyTerm, Window,
};
use crate::ticket::Column;
use crate::tr;

/// One parameter: what it is, its value in words, the clause id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Param {
    pub name: &'static str,
    pub value: String,
    pub clause: String,
}

fn param(name: &'static str, value: String, clause: Option<&str>) -> Param {
    Param {
        name,
        value,
        clause: clause.unwrap_or_default().to_owned(),
    }
}

/// Coded values (causes) in the words of `t`, comma-separated.
fn causes(t: &Texts, items: &[crate::ticket::Cause]) -> String {
    let words: Vec<&str> = items.iter().map(|c| t.label(c.as_str())).collect();
    words.join(&tr!(t, "list-comma"))
}

fn columns(t: &Texts, items: &[Column]) -> String {
    let names: Vec<&str> = items.iter().map(|c| t.field(*c)).collect();
    names.join(&tr!(t, "list-comma"))
}

pub(super) fn period(t: &Texts, period: Period) -> String {
    match period {
        Period::Months(months) => tr!(t, "pp-months", n = months),
        Period::Days(days) => tr!(t, "pp-days-inclusive", n = days),
    }
}

fn window(t: &Texts, window: &Window) -> String {
    let counting = match window.counting {
        Counting::Inclusive => "the start day is day 1",
        Counting::After => "days after the start day",
    };
    tr!(
        t,
        "pp-window",
        days = window.days,
        from = t.field(window.from),
        counting = t.label(counting),
        causes = causes(t, &window.causes)
    )
}

fn term(t: &Texts, term: &WarrantyTerm) -> String {
    let mut text = tr!(
        t,
        "pp-term",
        period = period(t, term.period),
        starts = columns(t, &term.starts)
    );
    if !term.earlier_if_known.is_empty() {
        text.push_str(&tr!(
            t,
            "pp-term-earlier",
            columns = columns(t, &term.earlier_if_known)
        ));
    }
    if !term.by_category.is_empty() {
        let by: Vec<String> = term
            .by_category
            .iter()
            .map(|(category, p)| {
                tr!(
                    t,
                    "pp-category-period",
                    category = category,
                    period = period(t, *p)
                )
            })
            .collect();
        text.push_str(&tr!(
            t,
            "pp-term-by-category",
            periods = by.join(&tr!(t, "list-comma"))
        ));
    }
    text
}

fn warranty(t: &Texts, warranty: &Warranty, params: &mut Vec<Param>) {
    let clause = Some(warranty.clause.as_str());
    match &warranty.without_proof {
        Some(without) => {
            params.push(param(
                "Warranty with proof of purchase",
                term(t, &warranty.with_proof),
                clause,
            ));
            params.push(param(
                "Warranty without proof of purchase",
                term(t, without),
                clause,
            ));
        }
        None => params.push(param("Warranty", term(t, &warranty.with_proof), clause)),
    }
    if let Some(extension) = warranty.extension_after_repair {
        params.push(param(
            "Warranty extension after a repair",
            tr!(
                t,
                "pp-from",
                period = period(t, extension),
                column = t.field(Column::LastRepairReturnedAt)
            ),
            warranty.extension_clause.as_deref().or(clause),
        ));
    }
}

/// Every parameter of a policy version, in the order of RULES.md.
pub(super) fn parameters(policy: &Policy, t: &Texts) -> Vec<Param> {
    let p = &policy.params;
    let mut params = Vec::new();
    windows(t, p, &mut params);
    if let Some(c) = &p.return_conditions {
        params.push(return_conditions(t, c));
    }
    if let Some(w) = &p.warranty {
        warranty(t, w, &mut params);
    }
    params.push(exclusions(t, &p.exclusions));
    freight(t, policy, &mut params);
    deadlines(t, p, &mut params);
    service_promises(t, p, &mut params);
    for assumption in &policy.assumptions {
        params.push(param(
            "Assumption (not in the text)",
            assumption.clone(),
            None,
        ));
    }
    params
}

fn windows(t: &Texts, p: &Params, params: &mut Vec<Param>) {
    if let Some(w) = &p.return_window {
        params.push(param("Return window", window(t, w), Some(&w.clause)));
    }
    if let Some(w) = &p.exchange_window {
        params.push(param("Exchange window", window(t, w), Some(&w.clause)));
    }
}

fn return_conditions(t: &Texts, c: &ReturnConditions) -> Param {
    let mut needs = Vec::new();
    if c.package_complete {
        needs.push("package complete");
    }
    if c.no_appearance_damage {
        needs.push("no appearance damage");
    }
    if c.not_activated {
        needs.push("not activated");
    }
    param(
        "No-reason return conditions",
        needs
            .iter()
            .map(|need| t.label(need))
            .collect::<Vec<_>>()
            .join(&tr!(t, "list-comma")),
        Some(&c.clause),
    )
}

fn exclusions(t: &Texts, e: &Exclusions) -> Param {
    let mut excluded = vec![tr!(t, "pp-causes", causes = causes(t, &e.causes))];
    if !e.when_true.is_empty() {
        let value = t.label("yes");
        excluded.push(tr!(
            t,
            "pp-flag",
            columns = columns(t, &e.when_true),
            value = value
        ));
    }
    if !e.when_false.is_empty() {
        let value = t.label("no");
        excluded.push(tr!(
            t,
            "pp-flag",
            columns = columns(t, &e.when_false),
            value = value
        ));
    }
    param(
        "Exclusions",
        excluded.join(&tr!(t, "list-semicolon")),
        Some(&e.clause),
    )
}

/// The review SLA, the working-day cycles and turnarounds, and the day and period limits.
fn deadlines(t: &Texts, p: &Params, params: &mut Vec<Param>) {
    if let Some(sla) = &p.review_sla {
        params.push(param(
            "Review within",
            tr!(
                t,
                "pp-hours-of",
                hours = sla.hours,
                column = t.field(Column::AppliedAt)
            ),
            Some(&sla.clause),
        ));
    }
    if let Some(cycle) = &p.refund_cycle {
        params.push(param(
            "Refund cycle",
            tr!(
                t,
                "pp-working-days-range",
                from = cycle.earliest_working_days,
                to = cycle.latest_working_days,
                column = t.field(Column::ReceivedAt)
            ),
            Some(&cycle.clause),
        ));
    }
    turnarounds(t, p, params);
    day_and_period_limits(t, p, params);
}

fn turnarounds(t: &Texts, p: &Params, params: &mut Vec<Param>) {
    if let Some(turnaround) = &p.exchange_turnaround {
        params.push(param(
            "Exchange shipped within",
            tr!(
                t,
                "pp-working-days-after",
                n = turnaround.working_days,
                column = t.field(Column::ReceivedAt)
            ),
            Some(&turnaround.clause),
        ));
    }
    if let Some(turnaround) = &p.repair_turnaround {
        params.push(param(
            "Repair finished within",
            tr!(
                t,
                "pp-working-days-after",
                n = turnaround.working_days,
                column = t.field(Column::RepairApprovedAt)
            ),
            Some(&turnaround.clause),
        ));
    }
}

fn day_and_period_limits(t: &Texts, p: &Params, params: &mut Vec<Param>) {
    if let Some(limit) = &p.receipt_close {
        params.push(param(
            "Application closed when not received within",
            tr!(
                t,
                "pp-days-after",
                n = limit.days,
                column = t.field(Column::AppliedAt)
            ),
            Some(&limit.clause),
        ));
    }
    if let Some(limit) = &p.unpaid_hold {
        params.push(param(
            "Unpaid repair returned after",
            tr!(
                t,
                "pp-from",
                period = period(t, limit.period),
                column = t.field(Column::QuoteNotifiedAt)
            ),
            Some(&limit.clause),
        ));
    }
    if let Some(limit) = &p.customer_shipment {
        params.push(param(
            "Customer ships the return within",
            tr!(
                t,
                "pp-days-after",
                n = limit.days,
                column = t.field(Column::ReviewedAt)
            ),
            Some(&limit.clause),
        ));
    }
}

/// The same-model exchange and free service in warranty, which have a clause but no number.
fn service_promises(t: &Texts, p: &Params, params: &mut Vec<Param>) {
    if let Some(clause) = &p.exchange_same_model_clause {
        params.push(param(
            "Exchange for the same model",
            t.label("exchange_sku must equal sku").to_owned(),
            Some(clause),
        ));
    }
    if let Some(clause) = &p.free_service_clause {
        params.push(param(
            "Free service in warranty",
            t.label("repair or replacement free of charge").to_owned(),
            Some(clause),
        ));
    }
}

fn freight(t: &Texts, policy: &Policy, params: &mut Vec<Param>) {
    let f = &policy.params.freight;
    if !f.company_bears.is_empty() {
        let mut value = tr!(t, "pp-causes", causes = causes(t, &f.company_bears));
        if f.company_bears_only_in_warranty {
            value.push_str(&tr!(t, "pp-within-warranty-only"));
        }
        params.push(param(
            "Company bears inbound freight",
            value,
            f.company_bears_clause.as_deref(),
        ));
    }
    if let Some(customer) = &f.customer_bears {
        params.push(param(
            "Customer bears inbound freight",
            tr!(t, "pp-causes", causes = causes(t, customer)),
            f.customer_bears_clause.as_deref(),
        ));
    } else if f.customer_bears_clause.is_some() {
        params.push(param(
            "Customer bears inbound freight",
            t.label("every cause").to_owned(),
            f.customer_bears_clause.as_deref(),
        ));
    }
    if let Some(d) = &f.deduction {
        let mut exempt = Vec::new();
        if d.exempt_sf {
            exempt.push(t.label("SF Express"));
        }
        if d.exempt_remote_area {
            exempt.push(t.label("remote areas"));
        }
        let exempt = if exempt.is_empty() {
            String::new()
        } else {
            tr!(t, "pp-not-for", exempt = exempt.join(&tr!(t, "pp-or")))
        };
        params.push(param(
            "Freight deduction on pay-on-delivery returns",
            tr!(
                t,
                "pp-deduction",
                amount = crate::finding::format_money(d.amount),
                currency = policy.currency,
                causes = causes(t, &d.causes),
                exempt = exempt
            ),
            Some(&d.clause),
        ));
    }
    match &f.return_leg {
        Some(ReturnLeg::Always { clause }) => {
            params.push(param(
                "Company pays the return leg",
                t.label("always").to_owned(),
                Some(clause),
            ));
        }
        Some(ReturnLeg::CausesInWarranty { causes, clause }) => params.push(param(
            "Company pays the return leg",
            tr!(t, "pp-causes-in-warranty", causes = self::causes(t, causes)),
            Some(clause),
        )),
        None => {}
    }
    if let Some(clause) = &f.collect_refused_clause {
        params.push(param(
            "Pay on delivery",
            t.label("not accepted").to_owned(),
            Some(clause),
        ));
    }
}
