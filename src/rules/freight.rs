//! `freight.*`: freight charged to the customer where the policy puts it on the company,
//! deductions that differ from the policy's fixed amount, and freight the company failed to
//! recover.

use rust_decimal::Decimal;

use crate::finding::Severity;
use crate::policy::ReturnLeg;
use crate::ticket::{Cause, Column, Decision, FreightPayer, FreightPayment};

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
        format!("{} deducted from the refund", money(deducted))
    } else {
        format!(
            "{} deducted from the refund + {} paid on a prepaid parcel",
            money(deducted),
            money(paid)
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
    let explanation = format!(
        "The customer bore {} of return freight ({breakdown}) on a {} ticket, although {} has the company bear it.",
        money(burden),
        cause_text(e),
        e.cite(&clause)
    );
    Ok(Verdict::Flagged(Flag {
        clause,
        expected: "customer freight burden 0.00".into(),
        actual: format!("customer freight burden {}", money(burden)),
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
    let (severity, amount, word) = match deducted.cmp(&deduction.amount) {
        std::cmp::Ordering::Equal => return Ok(Verdict::Passed),
        std::cmp::Ordering::Greater => (
            Severity::Violation,
            deducted - deduction.amount,
            "over-charged",
        ),
        std::cmp::Ordering::Less => (
            Severity::Warning,
            deduction.amount - deducted,
            "under-recovered",
        ),
    };
    let explanation = format!(
        "Deducted {} from the refund of a no-reason return sent freight-collect with {courier}, but {} sets the deduction at exactly {} ({} {word}).",
        money(deducted),
        e.cite(&deduction.clause),
        money(deduction.amount),
        money(amount)
    );
    let flag = Flag {
        clause: deduction.clause.clone(),
        expected: format!("freight_deducted {}", money(deduction.amount)),
        actual: format!("freight_deducted {}", money(deducted)),
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
    let explanation = format!(
        "Deducted {} freight from the refund of a no-reason return the customer had already sent prepaid; {} provides a deduction only on freight-collect returns.",
        money(deducted),
        e.cite(&deduction.clause)
    );
    Ok(Verdict::Flagged(Flag {
        clause: deduction.clause.clone(),
        expected: "freight_deducted 0.00 (prepaid parcel)".into(),
        actual: format!("freight_deducted {}", money(deducted)),
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
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: "return_freight_charged 0.00".into(),
        actual: format!("return_freight_charged {}", money(charged)),
        amount: Some(money(charged)),
        late_by: None,
        explanation: format!(
            "Charged the customer {} for sending the item back, although {} has the company pay the company→customer leg.",
            money(charged),
            e.cite(clause)
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
    let amount_text =
        amount.map_or_else(|| "the freight".to_string(), |a| format!("the {a} freight"));
    let why = match &rules.customer_bears {
        None => "the customer bears the inbound freight".to_string(),
        Some(_) => format!(
            "the customer bears the inbound freight for cause {}",
            cause_text(e)
        ),
    };
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: "freight_payer customer".into(),
        actual: "freight_payer company".into(),
        amount,
        late_by: None,
        explanation: format!(
            "The company bore {amount_text} of the customer's parcel, but under {} {why}.",
            e.cite(clause)
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
    let received = received.map(|r| e.show(r).to_string()).unwrap_or_default();
    note(trace, "freight_payment", "collect");
    note(trace, "received_at", &received);
    Ok(Verdict::Flagged(Flag {
        clause: clause.clone(),
        expected: "freight_payment prepaid (no payment on delivery)".into(),
        actual: "freight_payment collect, parcel received".into(),
        amount: None,
        late_by: None,
        explanation: format!(
            "A freight-collect parcel was accepted on {received}, although {} accepts no payment on delivery.",
            e.cite(clause)
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
