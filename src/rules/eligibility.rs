//! `eligibility.*`: decisions the policy does not support — returns and exchanges outside
//! their windows, free service outside the warranty or under an exclusion, charges and
//! rejections inside it. Windows and warranty are judged on date(`applied_at`).

use chrono::NaiveDate;

use crate::finding::LateBy;
use crate::policy::{Counting, Window};
use crate::ticket::{Cause, Column, CompactString, Decision, ServiceType};

use super::periods::days_between;
use crate::tr;

use super::reading::{all, any, money, note, Eval, Flag, Known, Trace, Unknown, Verdict};
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
    let texts = e.texts();
    let counting = match window.counting {
        Counting::Inclusive => "inclusive",
        Counting::After => "after",
    };
    let started = match window.from {
        Column::DeliveredAt => tr!(texts, "window-started-delivered", start = start),
        other => tr!(
            texts,
            "window-started-other",
            column = e.field(other),
            start = start
        ),
    };
    let what = tr!(texts, "window-what", what = what);
    Ok(Verdict::Flagged(Flag {
        clause: window.clause.clone(),
        expected: tr!(texts, "window-expected", what = what, last = last),
        actual: tr!(texts, "window-actual", applied = applied),
        amount,
        late_by: Some(LateBy::days(late)),
        explanation: tr!(
            texts,
            "window-explanation",
            what = what,
            applied = applied,
            late_days = e.days(late),
            last = last,
            started = started,
            cite = e.cite(&window.clause),
            window_days = e.days(window.days),
            counting = tr!(texts, "window-counting", counting = counting)
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
            "damaged",
        ),
        (
            conditions.package_complete,
            Column::PackageComplete,
            false,
            "incomplete",
        ),
        (
            conditions.not_activated,
            Column::Activated,
            true,
            "activated",
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
            failed.push(tr!(e.texts(), "condition-failed", check = words));
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
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: conditions.clause.clone(),
        expected: tr!(texts, "condition-expected"),
        actual: failed.join(&tr!(texts, "list-comma")),
        amount: e.ticket.refund_amount.map(money),
        late_by: None,
        explanation: tr!(
            texts,
            "condition-explanation",
            failed = failed.join(&tr!(texts, "list-and")),
            cite = e.cite(&conditions.clause)
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

fn decision_text(e: &Eval<'_>) -> String {
    e.value(e.ticket.decision.map_or("", Decision::as_str))
}

/// The free service granted, in words.
fn free_service_words(e: &Eval<'_>) -> String {
    let decision = e.ticket.decision.map_or("", Decision::as_str);
    tr!(e.texts(), "free-service", decision = decision)
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
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: warranty.clause.clone(),
        expected: tr!(texts, "out-of-warranty-expected", last = last),
        actual: tr!(
            texts,
            "out-of-warranty-actual",
            decision = decision_text(e),
            applied = applied
        ),
        amount: None,
        late_by: Some(LateBy::days(late)),
        explanation: tr!(
            texts,
            "out-of-warranty-explanation",
            service = service,
            applied = applied,
            late_days = e.days(late),
            last = last,
            cover = cover.text(texts),
            cite = e.cite(&warranty.clause)
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
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: tr!(texts, "excluded-expected"),
        actual: tr!(
            texts,
            "excluded-actual",
            decision = decision_text(e),
            excluded = excluded
        ),
        amount: None,
        late_by: None,
        explanation: tr!(
            texts,
            "excluded-explanation",
            service = service,
            cite = e.cite(clause),
            excluded = excluded
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
    let texts = e.texts();
    let fee_text = fee.map_or_else(|| tr!(texts, "charged-fee-unknown"), |fee| fee.to_string());
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: tr!(texts, "charged-expected"),
        actual: tr!(texts, "charged-actual", fee = fee_text),
        amount: fee,
        late_by: None,
        explanation: tr!(
            texts,
            "charged-explanation",
            fee = fee_text,
            applied = applied,
            cover = description.text(texts),
            cite = e.cite(&clause)
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
        let basis = last.map(|l| tr!(e.texts(), "rejected-basis-window", last = l));
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
        let basis = description.as_ref().map(|d| {
            tr!(
                e.texts(),
                "rejected-basis-warranty",
                cover = d.text(e.texts())
            )
        });
        (description.is_some(), clause, basis.unwrap_or_default())
    };
    if !within {
        return Ok(Verdict::Passed);
    }
    let texts = e.texts();
    let asked = e.value(asked.as_str());
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: tr!(texts, "rejected-expected", asked = asked),
        actual: tr!(texts, "rejected-actual"),
        amount: None,
        late_by: None,
        explanation: tr!(
            texts,
            "rejected-explanation",
            asked = asked,
            applied = applied,
            basis = basis,
            cite = e.cite(&clause)
        ),
    }))
}

/// `eligibility.exchange-model-mismatch`: exchange_sku set and ≠ sku (trimmed, exact).
pub(crate) fn exchange_model_mismatch(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(clause) = &e.policy.params.exchange_same_model_clause else {
        return Ok(Verdict::OutOfScope);
    };
    let text = |value: &Option<CompactString>| {
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
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: tr!(texts, "model-expected", sku = sku),
        actual: tr!(texts, "model-actual", exchange_sku = exchange_sku),
        amount: None,
        late_by: None,
        explanation: tr!(
            texts,
            "model-explanation",
            exchange_sku = exchange_sku,
            sku = sku,
            cite = e.cite(clause)
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
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: limit.clause.clone(),
        expected: tr!(texts, "shipment-expected", last = last),
        actual: tr!(texts, "shipment-actual", shipped = shipped),
        amount: e.ticket.refund_amount.map(money),
        late_by: Some(LateBy::days(late)),
        explanation: tr!(
            texts,
            "shipment-explanation",
            shipped = shipped,
            late_days = e.days(late),
            last = last,
            reviewed = reviewed,
            cite = e.cite(&limit.clause),
            limit = limit.days
        ),
    }))
}
