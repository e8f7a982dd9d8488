//! `eligibility.*`: decisions the policy does not support — returns and exchanges outside
//! their windows, free service outside the warranty or under an exclusion, charges and
//! rejections inside it. Windows and warranty are judged on date(`applied_at`).

use chrono::NaiveDate;

use crate::finding::LateBy;
use crate::policy::{Counting, Window};
use crate::ticket::{Cause, Column, Decision, ServiceType};

use super::periods::days_between;
use super::reading::{all, any, count, money, note, Eval, Flag, Known, Trace, Unknown, Verdict};
use super::warranty::{
    coverage, exclusion, free_service_clause, in_warranty_not_excluded, outside_every_window,
    window_dates, within_window,
};

fn applied(e: &Eval<'_>, trace: &mut Trace) -> Known<NaiveDate> {
    let applied = e.date(Column::AppliedAt)?;
    note(trace, "applied_at date", applied);
    Ok(applied)
}

/// A window check: flagged when date(applied_at) is after the window's last allowed date.
fn outside_window(
    e: &Eval<'_>,
    window: &Window,
    what: &str,
    amount: Option<rust_decimal::Decimal>,
    trace: &mut Trace,
) -> Known<Verdict> {
    let applied = applied(e, trace)?;
    let (start, last) = window_dates(e, window)?;
    note(trace, window.from.name(), start);
    note(trace, "last allowed date", last);
    if applied <= last {
        return Ok(Verdict::Passed);
    }
    let late = days_between(last, applied);
    let counting = match window.counting {
        Counting::Inclusive => "that day counting as day 1",
        Counting::After => "after that day",
    };
    let started = match window.from {
        Column::DeliveredAt => format!("the goods were signed for on {start}"),
        other => format!("{} was {start}", other.name()),
    };
    Ok(Verdict::Flagged(Flag {
        clause: window.clause.clone(),
        expected: format!("{what} applied by {last}"),
        actual: format!("applied {applied}"),
        amount,
        late_by: Some(LateBy::days(late)),
        explanation: format!(
            "The {what} was applied for on {applied}, {} after the last allowed date {last}: {started} and {} allows {}, {counting}.",
            count(late, "day"),
            e.cite(&window.clause),
            count(window.days, "day"),
        ),
    }))
}

/// `eligibility.return-outside-window`
pub(crate) fn return_outside_window(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(window) = &e.policy.params.return_window else {
        return Ok(Verdict::OutOfScope);
    };
    if !all(&[
        Ok(e.decision_is(&[Decision::Refund])),
        e.cause_in(&window.causes),
    ])? {
        return Ok(Verdict::OutOfScope);
    }
    let amount = e.ticket.refund_amount.map(money);
    outside_window(e, window, "return", amount, trace)
}

/// `eligibility.return-condition-failed`
pub(crate) fn return_condition_failed(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let params = &e.policy.params;
    let (Some(conditions), Some(_)) = (&params.return_conditions, &params.return_window) else {
        return Ok(Verdict::OutOfScope);
    };
    if !all(&[
        Ok(e.decision_is(&[Decision::Refund])),
        e.cause_in(&[Cause::NoReason]),
    ])? {
        return Ok(Verdict::OutOfScope);
    }
    let checks = [
        (
            conditions.no_appearance_damage,
            Column::AppearanceDamaged,
            true,
            "the item is damaged",
        ),
        (
            conditions.package_complete,
            Column::PackageComplete,
            false,
            "the package is incomplete",
        ),
        (
            conditions.not_activated,
            Column::Activated,
            true,
            "the device was activated",
        ),
    ];
    let mut failed = Vec::new();
    let mut members = Vec::with_capacity(checks.len());
    for (_, column, failing, words) in checks.into_iter().filter(|c| c.0) {
        let value = e.flag(column);
        if let Some(value) = value {
            note(trace, column.name(), value);
        }
        if value == Some(failing) {
            failed.push(words);
        }
        members.push(
            value
                .map(|value| value == failing)
                .ok_or(Unknown::ReturnCondition(column.name())),
        );
    }
    if !any(&members)? {
        return Ok(Verdict::Passed);
    }
    Ok(Verdict::Flagged(Flag {
        clause: conditions.clause.clone(),
        expected: "return conditions met".into(),
        actual: failed.join(", "),
        amount: e.ticket.refund_amount.map(money),
        late_by: None,
        explanation: format!(
            "A no-reason return was refunded although {}, which {} does not allow.",
            failed.join(" and "),
            e.cite(&conditions.clause)
        ),
    }))
}

/// `eligibility.exchange-outside-window`
pub(crate) fn exchange_outside_window(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(window) = &e.policy.params.exchange_window else {
        return Ok(Verdict::OutOfScope);
    };
    if !e.decision_is(&[Decision::Exchange]) {
        return Ok(Verdict::OutOfScope);
    }
    outside_window(e, window, "exchange", None, trace)
}

const FREE_SERVICE: [Decision; 2] = [Decision::FreeRepair, Decision::Exchange];

fn decision_text(e: &Eval<'_>) -> &'static str {
    e.ticket.decision.map_or("", Decision::as_str)
}

/// The free service granted, in words.
fn free_service_words(e: &Eval<'_>) -> &'static str {
    match e.ticket.decision {
        Some(Decision::Exchange) => "a free replacement (exchange)",
        _ => "a free repair",
    }
}

/// `eligibility.free-service-out-of-warranty`
pub(crate) fn free_service_out_of_warranty(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(warranty) = &e.policy.params.warranty else {
        return Ok(Verdict::OutOfScope);
    };
    if !e.decision_is(&FREE_SERVICE) {
        return Ok(Verdict::OutOfScope);
    }
    let applied = applied(e, trace)?;
    let cover = coverage(e, warranty, applied);
    if let Ok(cover) = &cover {
        note(trace, "warranty", cover);
    }
    let out = all(&[
        cover.as_ref().map(|c| !c.covered).map_err(|u| *u),
        outside_every_window(e, applied),
    ])?;
    if !out {
        return Ok(Verdict::Passed);
    }
    let cover = cover?;
    let last = cover.last_covered.unwrap_or(applied);
    let late = days_between(last, applied);
    let service = free_service_words(e);
    Ok(Verdict::Flagged(Flag {
        clause: warranty.clause.clone(),
        expected: format!("applied by {last} for free service"),
        actual: format!("{} granted, applied {applied}", decision_text(e)),
        amount: None,
        late_by: Some(LateBy::days(late)),
        explanation: format!(
            "Granted {service} on an application of {applied}, {} after the warranty's last covered date {last}: {} ({}), and no return or exchange window was open.",
            count(late, "day"),
            cover,
            e.cite(&warranty.clause)
        ),
    }))
}

/// `eligibility.free-service-excluded`
pub(crate) fn free_service_excluded(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    if !e.decision_is(&FREE_SERVICE) {
        return Ok(Verdict::OutOfScope);
    }
    let Some(excluded) = exclusion(e)? else {
        return Ok(Verdict::Passed);
    };
    note(trace, "exclusion", &excluded);
    let clause = &e.policy.params.exclusions.clause;
    let service = free_service_words(e);
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: "no free service under an exclusion".into(),
        actual: format!("{} granted with {excluded}", decision_text(e)),
        amount: None,
        late_by: None,
        explanation: format!(
            "Granted {service} although an exclusion of {} applies ({excluded}).",
            e.cite(clause)
        ),
    }))
}

/// `eligibility.charged-in-warranty`
pub(crate) fn charged_in_warranty(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    if e.policy.params.warranty.is_none()
        || !all(&[
            Ok(e.decision_is(&[Decision::PaidRepair])),
            e.cause_in(&[Cause::Quality]),
        ])?
    {
        return Ok(Verdict::OutOfScope);
    }
    let applied = applied(e, trace)?;
    let Some(description) = in_warranty_not_excluded(e, applied, trace)? else {
        return Ok(Verdict::Passed);
    };
    let clause = free_service_clause(e);
    let fee = e.ticket.repair_fee.map(money);
    let fee_text = fee.map_or_else(|| "a fee".to_string(), |fee| fee.to_string());
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: "free repair".into(),
        actual: format!("paid repair, repair_fee {fee_text}"),
        amount: fee,
        late_by: None,
        explanation: format!(
            "Charged {fee_text} for a quality repair applied for on {applied}, within the warranty ({description}) and with no exclusion, where {} provides free repair.",
            e.cite(&clause)
        ),
    }))
}

/// `eligibility.wrongly-rejected`: judged on the service asked.
pub(crate) fn wrongly_rejected(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    if !all(&[
        Ok(e.decision_is(&[Decision::Rejected])),
        e.cause_in(&[Cause::Quality]),
    ])? {
        return Ok(Verdict::OutOfScope);
    }
    let params = &e.policy.params;
    let asked = e
        .ticket
        .service_type
        .ok_or(Unknown::Blank(Column::ServiceType.name()))?;
    let window = match asked {
        ServiceType::Return => match &params.return_window {
            Some(window) => Some(window),
            None => return Ok(Verdict::OutOfScope),
        },
        ServiceType::Exchange => match (&params.exchange_window, &params.warranty) {
            (Some(window), _) => Some(window),
            (None, Some(_)) if params.exchange_in_warranty_clause.is_some() => None,
            _ => return Ok(Verdict::OutOfScope),
        },
        ServiceType::Repair if params.warranty.is_some() => None,
        ServiceType::Repair => return Ok(Verdict::OutOfScope),
    };
    note(trace, "service_type", asked);
    let applied = applied(e, trace)?;
    let (within, clause, basis) = if let Some(window) = window {
        let within = within_window(e, window, applied)
            .map(|within| within && window.causes.contains(&Cause::Quality));
        let last = window_dates(e, window).map(|(_, last)| last);
        if let Ok(last) = last {
            note(trace, "last allowed date", last);
        }
        let basis = last.map(|l| format!("within the window ending {l}"));
        let excluded = exclusion(e);
        let holds = all(&[
            within,
            excluded.as_ref().map(Option::is_none).map_err(|u| *u),
        ])?;
        (holds, window.clause.clone(), basis.unwrap_or_default())
    } else {
        let description = in_warranty_not_excluded(e, applied, trace)?;
        let clause = match asked {
            ServiceType::Exchange => params
                .exchange_in_warranty_clause
                .clone()
                .unwrap_or_default(),
            _ => free_service_clause(e),
        };
        let basis = description
            .as_ref()
            .map(|d| format!("within the warranty ({d})"));
        (description.is_some(), clause, basis.unwrap_or_default())
    };
    if !within {
        return Ok(Verdict::Passed);
    }
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: format!("{asked} granted"),
        actual: "rejected".into(),
        amount: None,
        late_by: None,
        explanation: format!(
            "Rejected a quality {asked} request applied for on {applied}, {basis} and with no exclusion, which {} grants.",
            e.cite(&clause)
        ),
    }))
}

/// `eligibility.exchange-model-mismatch`: exchange_sku set and ≠ sku (trimmed, exact).
pub(crate) fn exchange_model_mismatch(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(clause) = &e.policy.params.exchange_same_model_clause else {
        return Ok(Verdict::OutOfScope);
    };
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let exchange_sku = text(&e.ticket.exchange_sku);
    if exchange_sku.is_none() && !e.decision_is(&[Decision::Exchange]) {
        return Ok(Verdict::OutOfScope);
    }
    let exchange_sku = exchange_sku.ok_or(Unknown::Blank(Column::ExchangeSku.name()))?;
    let sku = text(&e.ticket.sku).ok_or(Unknown::Blank(Column::Sku.name()))?;
    note(trace, "sku", &sku);
    note(trace, "exchange_sku", &exchange_sku);
    if sku == exchange_sku {
        return Ok(Verdict::Passed);
    }
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: format!("exchange_sku {sku}"),
        actual: format!("exchange_sku {exchange_sku}"),
        amount: None,
        late_by: None,
        explanation: format!(
            "Sent {exchange_sku} in exchange for {sku}, although {} exchanges for the same model, specification and colour.",
            e.cite(clause)
        ),
    }))
}

/// `eligibility.late-customer-shipment`: date(customer_shipped_at) > date(reviewed_at) + N.
pub(crate) fn late_customer_shipment(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(limit) = &e.policy.params.customer_shipment else {
        return Ok(Verdict::OutOfScope);
    };
    if !e.decision_is(&[Decision::Refund]) {
        return Ok(Verdict::OutOfScope);
    }
    let reviewed = e.date(Column::ReviewedAt)?;
    let shipped = e.date(Column::CustomerShippedAt)?;
    let last = super::periods::plus_days(reviewed, limit.days);
    note(trace, "reviewed_at date", reviewed);
    note(trace, "customer_shipped_at date", shipped);
    note(trace, "last allowed date", last);
    if shipped <= last {
        return Ok(Verdict::Passed);
    }
    let late = days_between(last, shipped);
    Ok(Verdict::Flagged(Flag {
        clause: limit.clause.clone(),
        expected: format!("customer_shipped_at by {last}"),
        actual: format!("customer_shipped_at {shipped}"),
        amount: e.ticket.refund_amount.map(money),
        late_by: Some(LateBy::days(late)),
        explanation: format!(
            "Refunded although the customer shipped the item on {shipped}, {} after {last}: the return was confirmed on {reviewed} and {} refuses returns not sent within {} days.",
            count(late, "day"),
            e.cite(&limit.clause),
            limit.days
        ),
    }))
}
