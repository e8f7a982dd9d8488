//! A policy version's parameters in words, each with the clause it rests on, for the Run sheet.

use crate::policy::{
    Counting, Exclusions, Params, Period, Policy, ReturnConditions, ReturnLeg, Warranty,
    WarrantyTerm, Window,
};
use crate::ticket::Column;

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

fn list<T>(items: &[T], show: impl Fn(&T) -> &str) -> String {
    items.iter().map(show).collect::<Vec<_>>().join(", ")
}

fn columns(items: &[Column]) -> String {
    list(items, |c| c.name())
}

pub(super) fn period(period: Period) -> String {
    match period {
        Period::Months(1) => "1 month".to_owned(),
        Period::Months(months) => format!("{months} months"),
        Period::Days(days) => format!("{days} days (including the day of expiration)"),
    }
}

fn window(window: &Window) -> String {
    let counting = match window.counting {
        Counting::Inclusive => "the start day is day 1",
        Counting::After => "days after the start day",
    };
    format!(
        "{} days from {} ({counting}); causes: {}",
        window.days,
        window.from.name(),
        list(&window.causes, |c| c.as_str())
    )
}

fn term(term: &WarrantyTerm) -> String {
    let mut text = format!(
        "{} from the earliest of {}",
        period(term.period),
        columns(&term.starts)
    );
    if !term.earlier_if_known.is_empty() {
        text.push_str(&format!(
            ", or {} when known and earlier",
            columns(&term.earlier_if_known)
        ));
    }
    if !term.by_category.is_empty() {
        let by: Vec<String> = term
            .by_category
            .iter()
            .map(|(category, p)| format!("{category}: {}", period(*p)))
            .collect();
        text.push_str(&format!("; by product_category: {}", by.join(", ")));
    }
    text
}

fn warranty(warranty: &Warranty, params: &mut Vec<Param>) {
    let clause = Some(warranty.clause.as_str());
    match &warranty.without_proof {
        Some(without) => {
            params.push(param(
                "Warranty with proof of purchase",
                term(&warranty.with_proof),
                clause,
            ));
            params.push(param(
                "Warranty without proof of purchase",
                term(without),
                clause,
            ));
        }
        None => params.push(param("Warranty", term(&warranty.with_proof), clause)),
    }
    if let Some(extension) = warranty.extension_after_repair {
        params.push(param(
            "Warranty extension after a repair",
            format!("{} from last_repair_returned_at", period(extension)),
            warranty.extension_clause.as_deref().or(clause),
        ));
    }
}

/// Every parameter of a policy version, in the order of RULES.md.
pub(super) fn parameters(policy: &Policy) -> Vec<Param> {
    let p = &policy.params;
    let mut params = Vec::new();
    windows(p, &mut params);
    if let Some(c) = &p.return_conditions {
        params.push(return_conditions(c));
    }
    if let Some(w) = &p.warranty {
        warranty(w, &mut params);
    }
    params.push(exclusions(&p.exclusions));
    freight(policy, &mut params);
    deadlines(p, &mut params);
    service_promises(p, &mut params);
    for assumption in &policy.assumptions {
        params.push(param(
            "Assumption (not in the text)",
            assumption.clone(),
            None,
        ));
    }
    params
}

fn windows(p: &Params, params: &mut Vec<Param>) {
    if let Some(w) = &p.return_window {
        params.push(param("Return window", window(w), Some(&w.clause)));
    }
    if let Some(w) = &p.exchange_window {
        params.push(param("Exchange window", window(w), Some(&w.clause)));
    }
}

fn return_conditions(c: &ReturnConditions) -> Param {
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
        needs.join(", "),
        Some(&c.clause),
    )
}

fn exclusions(e: &Exclusions) -> Param {
    let mut excluded = vec![format!("causes {}", list(&e.causes, |c| c.as_str()))];
    if !e.when_true.is_empty() {
        excluded.push(format!("{} true", columns(&e.when_true)));
    }
    if !e.when_false.is_empty() {
        excluded.push(format!("{} false", columns(&e.when_false)));
    }
    param("Exclusions", excluded.join("; "), Some(&e.clause))
}

/// The review SLA, the working-day cycles and turnarounds, and the day and period limits.
fn deadlines(p: &Params, params: &mut Vec<Param>) {
    if let Some(sla) = &p.review_sla {
        params.push(param(
            "Review within",
            format!("{} hours of applied_at", sla.hours),
            Some(&sla.clause),
        ));
    }
    if let Some(cycle) = &p.refund_cycle {
        params.push(param(
            "Refund cycle",
            format!(
                "{}–{} working days after received_at",
                cycle.earliest_working_days, cycle.latest_working_days
            ),
            Some(&cycle.clause),
        ));
    }
    turnarounds(p, params);
    day_and_period_limits(p, params);
}

fn turnarounds(p: &Params, params: &mut Vec<Param>) {
    if let Some(t) = &p.exchange_turnaround {
        params.push(param(
            "Exchange shipped within",
            format!("{} working days after received_at", t.working_days),
            Some(&t.clause),
        ));
    }
    if let Some(t) = &p.repair_turnaround {
        params.push(param(
            "Repair finished within",
            format!("{} working days after repair_approved_at", t.working_days),
            Some(&t.clause),
        ));
    }
}

fn day_and_period_limits(p: &Params, params: &mut Vec<Param>) {
    if let Some(limit) = &p.receipt_close {
        params.push(param(
            "Application closed when not received within",
            format!("{} days after applied_at", limit.days),
            Some(&limit.clause),
        ));
    }
    if let Some(limit) = &p.unpaid_hold {
        params.push(param(
            "Unpaid repair returned after",
            format!("{} from quote_notified_at", period(limit.period)),
            Some(&limit.clause),
        ));
    }
    if let Some(limit) = &p.customer_shipment {
        params.push(param(
            "Customer ships the return within",
            format!("{} days after reviewed_at", limit.days),
            Some(&limit.clause),
        ));
    }
}

/// The same-model exchange and free service in warranty, which have a clause but no number.
fn service_promises(p: &Params, params: &mut Vec<Param>) {
    if let Some(clause) = &p.exchange_same_model_clause {
        params.push(param(
            "Exchange for the same model",
            "exchange_sku must equal sku".to_owned(),
            Some(clause),
        ));
    }
    if let Some(clause) = &p.free_service_clause {
        params.push(param(
            "Free service in warranty",
            "repair or replacement free of charge".to_owned(),
            Some(clause),
        ));
    }
}

fn freight(policy: &Policy, params: &mut Vec<Param>) {
    let f = &policy.params.freight;
    if !f.company_bears.is_empty() {
        let mut value = format!("causes {}", list(&f.company_bears, |c| c.as_str()));
        if f.company_bears_only_in_warranty {
            value.push_str(", within warranty only");
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
            format!("causes {}", list(customer, |c| c.as_str())),
            f.customer_bears_clause.as_deref(),
        ));
    } else if f.customer_bears_clause.is_some() {
        params.push(param(
            "Customer bears inbound freight",
            "every cause".to_owned(),
            f.customer_bears_clause.as_deref(),
        ));
    }
    if let Some(d) = &f.deduction {
        let mut exempt = Vec::new();
        if d.exempt_sf {
            exempt.push("SF Express");
        }
        if d.exempt_remote_area {
            exempt.push("remote areas");
        }
        let exempt = if exempt.is_empty() {
            String::new()
        } else {
            format!("; not for {}", exempt.join(" or "))
        };
        params.push(param(
            "Freight deduction on pay-on-delivery returns",
            format!(
                "{} {} for causes {}{exempt}",
                crate::finding::format_money(d.amount),
                policy.currency,
                list(&d.causes, |c| c.as_str())
            ),
            Some(&d.clause),
        ));
    }
    match &f.return_leg {
        Some(ReturnLeg::Always { clause }) => {
            params.push(param(
                "Company pays the return leg",
                "always".to_owned(),
                Some(clause),
            ));
        }
        Some(ReturnLeg::CausesInWarranty { causes, clause }) => params.push(param(
            "Company pays the return leg",
            format!("causes {} within warranty", list(causes, |c| c.as_str())),
            Some(clause),
        )),
        None => {}
    }
    if let Some(clause) = &f.collect_refused_clause {
        params.push(param(
            "Pay on delivery",
            "not accepted".to_owned(),
            Some(clause),
        ));
    }
}
