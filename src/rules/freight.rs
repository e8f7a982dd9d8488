//! `freight.*`: freight charged to the customer where the policy puts it on the company,
//! deductions that differ from the policy's fixed amount, and freight the company failed to
//! recover.

use rust_decimal::Decimal;

use crate::finding::Severity;
use crate::policy::ReturnLeg;
use crate::ticket::{Cause, Column, Decision, FreightPayer, FreightPayment};

use crate::tr;

use super::reading::{all, money, note, Eval, Flag, Known, Trace, Unknown, Verdict};
use super::warranty::coverage;

/// The SF test of RULES.md: the courier contains `顺丰`, or a word starting with `sf`
/// (case-insensitive): `SF Express`, `sf`, `SF快递`, but not `transfer`.
pub fn is_sf(courier: &str) -> bool {
    courier.contains("顺丰")
        || courier
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word.len() >= 2 && word.as_bytes()[..2].eq_ignore_ascii_case(b"sf"))
}

/// The customer's freight burden for the customer→company parcel: `freight_deducted`, plus
/// `freight_amount` when the customer bore it and did not send it freight-collect. Returns
/// the burden and how it was made up.
fn customer_burden(e: &Eval<'_>, trace: &mut Trace) -> Known<(Decimal, String)> {
    let t = e.ticket;
    let deducted = e.money(t.freight_deducted, Column::FreightDeducted)?;
    let paid = match (t.freight_payer, t.freight_payment) {
        (_, Some(FreightPayment::Collect)) | (Some(FreightPayer::Company), _) => Decimal::ZERO,
        (Some(FreightPayer::Customer), Some(FreightPayment::Prepaid)) => {
            e.money(t.freight_amount, Column::FreightAmount)?
        }
        (Some(FreightPayer::Customer), None) => {
            return Err(Unknown::Blank(Column::FreightPayment.name()))
        }
        (None, _) => return Err(Unknown::Blank(Column::FreightPayer.name())),
    };
    let burden = deducted + paid;
    let breakdown = if paid.is_zero() {
        tr!(
            e.texts(),
            "freight-breakdown-deducted",
            deducted = money(deducted)
        )
    } else {
        tr!(
            e.texts(),
            "freight-breakdown-both",
            deducted = money(deducted),
            paid = money(paid)
        )
    };
    note(
        trace,
        "customer freight burden",
        format_args!("{} ({breakdown})", money(burden)),
    );
    Ok((burden, breakdown))
}

/// Within warranty on date(applied_at), for the rules that only apply in warranty.
fn in_warranty(e: &Eval<'_>, trace: &mut Trace) -> Known<bool> {
    let Some(warranty) = &e.policy.params.warranty else {
        return Ok(false);
    };
    let applied = e.date(Column::AppliedAt)?;
    let cover = coverage(e, warranty, applied)?;
    note(trace, "warranty", &cover);
    Ok(cover.covered)
}

fn cause_text(e: &Eval<'_>) -> &'static str {
    e.ticket.cause.map_or("", Cause::as_str)
}

/// `freight.charged-on-quality`
pub(crate) fn charged_on_quality(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let rules = &e.policy.params.freight;
    if rules.company_bears.is_empty() || !e.cause_in(&rules.company_bears)? {
        return Ok(Verdict::OutOfScope);
    }
    note(trace, "cause", cause_text(e));
    if rules.company_bears_only_in_warranty && !in_warranty(e, trace)? {
        return Ok(Verdict::OutOfScope);
    }
    let (burden, breakdown) = customer_burden(e, trace)?;
    if burden <= Decimal::ZERO {
        return Ok(Verdict::Passed);
    }
    let clause = rules.company_bears_clause.clone().unwrap_or_default();
    let texts = e.texts();
    let explanation = tr!(
        texts,
        "freight-quality-explanation",
        burden = money(burden),
        breakdown = breakdown,
        cause = e.value(cause_text(e)),
        cite = e.cite(&clause)
    );
    Ok(Verdict::Flagged(Flag {
        clause,
        expected: tr!(texts, "freight-burden-expected"),
        actual: tr!(texts, "freight-burden-actual", burden = money(burden)),
        amount: Some(money(burden)),
        late_by: None,
        explanation,
    }))
}

/// The courier is exempt from the deduction (SF), or unknown.
fn not_sf(e: &Eval<'_>) -> Known<bool> {
    let courier = e
        .ticket
        .courier
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    courier
        .map(|courier| !is_sf(courier))
        .ok_or(Unknown::Blank(Column::Courier.name()))
}

/// `freight.deduction-mismatch`
pub(crate) fn deduction_mismatch(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(deduction) = &e.policy.params.freight.deduction else {
        return Ok(Verdict::OutOfScope);
    };
    let remote = e.ticket.remote_area == Some(true);
    let scope = all(&[
        Ok(e.decision_is(&[Decision::Refund])),
        e.cause_in(&deduction.causes),
        e.payment_is(FreightPayment::Collect),
        if deduction.exempt_sf {
            not_sf(e)
        } else {
            Ok(true)
        },
        Ok(!(deduction.exempt_remote_area && remote)),
    ])?;
    if !scope {
        return Ok(Verdict::OutOfScope);
    }
    let courier = e.ticket.courier.as_deref().unwrap_or("");
    note(trace, "courier", format_args!("{courier} (not SF)"));
    let deducted = e.money(e.ticket.freight_deducted, Column::FreightDeducted)?;
    note(trace, "freight_deducted", money(deducted));
    note(trace, "expected deduction", money(deduction.amount));
    let (severity, amount, direction) = match deducted.cmp(&deduction.amount) {
        std::cmp::Ordering::Equal => return Ok(Verdict::Passed),
        std::cmp::Ordering::Greater => (Severity::Violation, deducted - deduction.amount, "over"),
        std::cmp::Ordering::Less => (Severity::Warning, deduction.amount - deducted, "under"),
    };
    let texts = e.texts();
    let explanation = tr!(
        texts,
        "freight-mismatch-explanation",
        deducted = money(deducted),
        courier = courier,
        cite = e.cite(&deduction.clause),
        expected = money(deduction.amount),
        difference = money(amount),
        direction = direction
    );
    let flag = Flag {
        clause: deduction.clause.clone(),
        expected: tr!(texts, "freight-deducted", amount = money(deduction.amount)),
        actual: tr!(texts, "freight-deducted", amount = money(deducted)),
        amount: Some(money(amount)),
        late_by: None,
        explanation,
    };
    Ok(match severity {
        Severity::Violation => Verdict::Flagged(flag),
        lower => Verdict::FlaggedAs(lower, flag),
    })
}

/// `freight.deduction-on-prepaid`
pub(crate) fn deduction_on_prepaid(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(deduction) = &e.policy.params.freight.deduction else {
        return Ok(Verdict::OutOfScope);
    };
    let scope = all(&[
        e.cause_in(&deduction.causes),
        e.payment_is(FreightPayment::Prepaid),
    ])?;
    if !scope {
        return Ok(Verdict::OutOfScope);
    }
    let deducted = e.money(e.ticket.freight_deducted, Column::FreightDeducted)?;
    note(trace, "freight_deducted", money(deducted));
    if deducted <= Decimal::ZERO {
        return Ok(Verdict::Passed);
    }
    let texts = e.texts();
    let explanation = tr!(
        texts,
        "freight-prepaid-explanation",
        deducted = money(deducted),
        cite = e.cite(&deduction.clause)
    );
    Ok(Verdict::Flagged(Flag {
        clause: deduction.clause.clone(),
        expected: tr!(texts, "freight-prepaid-expected"),
        actual: tr!(texts, "freight-deducted", amount = money(deducted)),
        amount: Some(money(deducted)),
        late_by: None,
        explanation,
    }))
}

/// `freight.return-leg-charged`
pub(crate) fn return_leg_charged(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let clause = match &e.policy.params.freight.return_leg {
        None => return Ok(Verdict::OutOfScope),
        Some(ReturnLeg::Always { clause }) => clause,
        Some(ReturnLeg::CausesInWarranty { causes, clause }) => {
            if !e.cause_in(causes)? {
                return Ok(Verdict::OutOfScope);
            }
            note(trace, "cause", cause_text(e));
            if !in_warranty(e, trace)? {
                return Ok(Verdict::OutOfScope);
            }
            clause
        }
    };
    let charged = e.money(
        e.ticket.return_freight_charged,
        Column::ReturnFreightCharged,
    )?;
    note(trace, "return_freight_charged", money(charged));
    if charged <= Decimal::ZERO {
        return Ok(Verdict::Passed);
    }
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: tr!(texts, "freight-return-leg-expected"),
        actual: tr!(texts, "freight-return-leg-actual", charged = money(charged)),
        amount: Some(money(charged)),
        late_by: None,
        explanation: tr!(
            texts,
            "freight-return-leg-explanation",
            charged = money(charged),
            cite = e.cite(clause)
        ),
    }))
}

/// `freight.not-recovered`
pub(crate) fn not_recovered(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let rules = &e.policy.params.freight;
    let Some(clause) = &rules.customer_bears_clause else {
        return Ok(Verdict::OutOfScope);
    };
    if let Some(causes) = &rules.customer_bears {
        if !e.cause_in(causes)? {
            return Ok(Verdict::OutOfScope);
        }
        note(trace, "cause", cause_text(e));
    }
    let payer = e
        .ticket
        .freight_payer
        .ok_or(Unknown::Blank(Column::FreightPayer.name()))?;
    note(trace, "freight_payer", payer);
    if payer == FreightPayer::Customer {
        return Ok(Verdict::Passed);
    }
    let amount = e.ticket.freight_amount.map(money);
    let texts = e.texts();
    let amount_text = amount.map_or_else(
        || tr!(texts, "freight-amount-unknown"),
        |a| tr!(texts, "freight-amount-known", amount = a),
    );
    let why = match &rules.customer_bears {
        None => tr!(texts, "freight-why-all"),
        Some(_) => tr!(texts, "freight-why-cause", cause = e.value(cause_text(e))),
    };
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: tr!(texts, "freight-not-recovered-expected"),
        actual: tr!(texts, "freight-not-recovered-actual"),
        amount,
        late_by: None,
        explanation: tr!(
            texts,
            "freight-not-recovered-explanation",
            amount = amount_text,
            cite = e.cite(clause),
            why = why
        ),
    }))
}

/// `freight.collect-accepted`
pub(crate) fn collect_accepted(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(clause) = &e.policy.params.freight.collect_refused_clause else {
        return Ok(Verdict::OutOfScope);
    };
    let received = e.ticket.received_at;
    if !all(&[
        e.payment_is(FreightPayment::Collect),
        Ok(received.is_some()),
    ])? {
        return Ok(Verdict::Passed);
    }
    let Some(received) = received.map(|r| e.show(r)) else {
        return Ok(Verdict::Passed);
    };
    note(trace, "freight_payment", "collect");
    note(trace, "received_at", received);
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: tr!(texts, "freight-collect-expected"),
        actual: tr!(texts, "freight-collect-actual"),
        amount: None,
        late_by: None,
        explanation: tr!(
            texts,
            "freight-collect-explanation",
            received = received,
            cite = e.cite(clause)
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sf_is_recognised_by_word_or_chinese_name() {
        for courier in [
            "SF",
            "sf",
            "SF Express",
            "SF快递",
            "顺丰速运",
            "(SF) express",
            "Sf-Express",
        ] {
            assert!(is_sf(courier), "{courier}");
        }
        for courier in ["transfer", "ZTO", "中通", "ESF", "韵达"] {
            assert!(!is_sf(courier), "{courier}");
        }
    }
}
