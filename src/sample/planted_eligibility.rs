//! Planted violations with their known answers: eligibility (windows, warranty, exclusions,
//! rejections, exchange model, customer shipment) and the export's own timeline.

use chrono::{NaiveDate, NaiveDateTime};

use super::build::{self, Ctx};
use super::catalog::Brand;
use super::planted::random_dates;
use super::timeline::{at, local, months_last_covered, plus_days, ymd};
use super::{Draft, Expected, Target};
use crate::calendar::NotCovered;
use crate::finding::{LateBy, Severity};
use crate::ticket::{Cause, ServiceType, Ticket};

/// Every planted case of this module, in a fixed order.
pub(super) fn all(ctx: &mut Ctx<'_>) -> Result<Vec<Draft>, NotCovered> {
    let mut out = Vec::new();
    windows(ctx, &mut out)?;
    warranty(ctx, &mut out)?;
    exclusions_and_charges(ctx, &mut out)?;
    rejections(ctx, &mut out);
    exchange_model_and_shipment(ctx, &mut out)?;
    timeline(ctx, &mut out)?;
    ctx.clear();
    Ok(out)
}

/// Days from `last` (the last allowed date) to `date`.
fn days_past(last: NaiveDate, date: NaiveDate) -> i64 {
    (date - last).num_days()
}

fn windows(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    return_windows(ctx, out)?;
    return_conditions(ctx, out)?;
    exchange_window(ctx, out)
}

/// Refunds applied for on the last day of the return window and the day after.
fn return_windows(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    const RULE: &str = "eligibility.return-outside-window";
    // JOINING R1's own example: signed for May 1 → return by May 7 (inclusive counting).
    let delivered = ymd(2026, 5, 1);
    let last = plus_days(delivered, 6);
    for applied in [last, plus_days(last, 1)] {
        let t = build::refund(
            ctx,
            Brand::Joining,
            Cause::NoReason,
            delivered,
            at(applied, 10, 0),
        )?;
        out.push(flag_if_late(
            t,
            RULE,
            Severity::Violation,
            last,
            applied,
            true,
        ));
    }
    // Changkong B1: within 7 days *after* delivery: day 7 passes, day 8 (a quality return) flags.
    let delivered = ymd(2026, 6, 10);
    let last = plus_days(delivered, 7);
    for (applied, cause) in [
        (last, Cause::NoReason),
        (plus_days(last, 1), Cause::Quality),
    ] {
        let t = build::refund(ctx, Brand::Changkong, cause, delivered, at(applied, 16, 45))?;
        out.push(flag_if_late(
            t,
            RULE,
            Severity::Violation,
            last,
            applied,
            true,
        ));
    }
    Ok(())
}

/// How a no-reason return fails one of its conditions.
type ConditionFailure = fn(&mut Ticket);

/// No-reason refunds inside the window that fail a return condition: a damaged appearance and
/// an incomplete package (JOINING), an activated device (Changkong).
fn return_conditions(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    const RULE: &str = "eligibility.return-condition-failed";
    let failures: [(Brand, i64, ConditionFailure); 3] = [
        (Brand::Joining, 6, |t| t.appearance_damaged = Some(true)),
        (Brand::Joining, 6, |t| t.package_complete = Some(false)),
        (Brand::Changkong, 7, |t| t.activated = Some(true)),
    ];
    for (brand, max_days, fail) in failures {
        let (applied, delivered) = random_dates(ctx, 1, max_days);
        let mut t = build::refund(ctx, brand, Cause::NoReason, delivered, applied)?;
        fail(&mut t);
        let amount = t.refund_amount;
        out.push(
            Draft::new(t, Target::Any)
                .expect(Expected::new(RULE, Severity::Warning).amount(amount)),
        );
    }
    Ok(())
}

/// JOINING R1: exchange by May 15 for goods signed for on May 1.
fn exchange_window(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    let delivered = ymd(2026, 5, 1);
    let last = plus_days(delivered, 14);
    for applied in [last, plus_days(last, 1)] {
        let t = build::exchange(ctx, Brand::Joining, delivered, at(applied, 9, 5))?;
        out.push(flag_if_late(
            t,
            "eligibility.exchange-outside-window",
            Severity::Violation,
            last,
            applied,
            false,
        ));
    }
    Ok(())
}

/// The ticket, with the finding `rule` when `applied` is past `last` (days late; the refund
/// amount when `with_refund`).
fn flag_if_late(
    ticket: Ticket,
    rule: &'static str,
    severity: Severity,
    last: NaiveDate,
    applied: NaiveDate,
    with_refund: bool,
) -> Draft {
    let late = days_past(last, applied);
    let amount = if with_refund {
        ticket.refund_amount
    } else {
        None
    };
    let draft = Draft::new(ticket, Target::Any);
    if late > 0 {
        draft.expect(
            Expected::new(rule, severity)
                .amount(amount)
                .late(LateBy::days(late)),
        )
    } else {
        draft
    }
}

/// Free service asked for at the end of a warranty: on its last day (no finding) and after it.
fn warranty(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    year_long_warranties(ctx, out)?;
    changkong_warranty_in_days(ctx, out)?;
    late_free_replacement(ctx, out)
}

/// The ticket, with `eligibility.free-service-out-of-warranty` when `applied` is past `last`,
/// the warranty's last day.
fn out_of_warranty_if_late(ticket: Ticket, last: NaiveDate, applied: NaiveDate) -> Draft {
    const RULE: &str = "eligibility.free-service-out-of-warranty";
    flag_if_late(ticket, RULE, Severity::Violation, last, applied, false)
}

fn year_long_warranties(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    // JOINING W2.4, one year from delivery, month-end clamped: 2025-01-31 → 2026-01-30.
    let delivered = ymd(2025, 1, 31);
    let last = months_last_covered(delivered, 12);
    for applied in [last, plus_days(last, 1)] {
        let t = build::free_repair(
            ctx,
            Brand::Joining,
            Cause::Quality,
            delivered,
            at(applied, 10, 0),
        )?;
        out.push(out_of_warranty_if_late(t, last, applied));
    }
    // XINJI D: 12 months from the earlier of activation and purchase (purchase here).
    let purchased = ymd(2025, 3, 10);
    let last = months_last_covered(purchased, 12);
    let applied = ymd(2026, 4, 20);
    let mut t = build::free_repair(
        ctx,
        Brand::Xinji,
        Cause::Quality,
        ymd(2025, 3, 11),
        at(applied, 14, 0),
    )?;
    t.purchased_at = Some(purchased);
    t.activated_at = Some(ymd(2025, 3, 12));
    out.push(out_of_warranty_if_late(t, last, applied));
    Ok(())
}

/// Changkong I.1: 180 days from purchase, 60 days after an earlier repair, 240 days from
/// factory shipment without proof, each including the expiration day.
fn changkong_warranty_in_days(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    // 180 days from purchase.
    let purchased = ymd(2025, 11, 3);
    let last = plus_days(purchased, 180);
    for applied in [last, plus_days(last, 1)] {
        let mut t = changkong_free_repair(ctx, plus_days(purchased, 2), at(applied, 11, 0))?;
        t.purchased_at = Some(purchased);
        out.push(out_of_warranty_if_late(t, last, applied));
    }
    // The note: 60 days after an earlier repair was sent back.
    let repair_returned = ymd(2026, 3, 10);
    let last = plus_days(repair_returned, 60);
    for applied in [last, plus_days(last, 1)] {
        let mut t = changkong_free_repair(ctx, ymd(2025, 3, 3), at(applied, 15, 0))?;
        t.purchased_at = Some(ymd(2025, 3, 1));
        t.last_repair_returned_at = Some(repair_returned);
        out.push(out_of_warranty_if_late(t, last, applied));
    }
    // Without proof: 240 days from factory shipment.
    let factory = ymd(2025, 6, 2);
    let last = plus_days(factory, 240);
    for applied in [last, plus_days(last, 1)] {
        let mut t = changkong_free_repair(ctx, ymd(2025, 6, 20), at(applied, 9, 40))?;
        t.proof_of_purchase = Some(false);
        t.purchased_at = None;
        t.factory_shipped_at = Some(factory);
        out.push(out_of_warranty_if_late(t, last, applied));
    }
    Ok(())
}

fn changkong_free_repair(
    ctx: &mut Ctx<'_>,
    delivered: NaiveDate,
    applied: NaiveDateTime,
) -> Result<Ticket, NotCovered> {
    build::free_repair(ctx, Brand::Changkong, Cause::Quality, delivered, applied)
}

/// handset-oem T2: a free replacement three days after the year from delivery.
fn late_free_replacement(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    let delivered = ymd(2025, 2, 28);
    let last = months_last_covered(delivered, 12);
    let applied = ymd(2026, 3, 2);
    let t = build::exchange(ctx, Brand::HandsetOem, delivered, at(applied, 10, 30))?;
    out.push(out_of_warranty_if_late(t, last, applied));
    Ok(())
}

fn exclusions_and_charges(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    use Severity::{Violation, Warning};
    const EXCLUDED: &str = "eligibility.free-service-excluded";
    let (applied, delivered) = random_dates(ctx, 16, 300);
    let mut t = build::free_repair(ctx, Brand::Xinji, Cause::Quality, delivered, applied)?;
    t.purchased_overseas = Some(true);
    out.push(Draft::new(t, Target::Any).expect(Expected::new(EXCLUDED, Warning)));
    let (applied, delivered) = random_dates(ctx, 16, 300);
    let mut t = build::free_repair(ctx, Brand::Xinji, Cause::Quality, delivered, applied)?;
    t.proof_of_purchase = Some(false);
    out.push(Draft::new(t, Target::Any).expect(Expected::new(EXCLUDED, Warning)));
    let (applied, delivered) = random_dates(ctx, 16, 300);
    let mut t = build::exchange(ctx, Brand::HandsetOem, delivered, applied)?;
    t.label_tampered = Some(true);
    out.push(Draft::new(t, Target::Any).expect(Expected::new(EXCLUDED, Warning)));
    let (applied, delivered) = random_dates(ctx, 16, 300);
    let mut t = build::free_repair(ctx, Brand::Joining, Cause::ManMade, delivered, applied)?;
    t.appearance_damaged = Some(true);
    out.push(Draft::new(t, Target::Any).expect(Expected::new(EXCLUDED, Warning)));

    // Quality repairs charged while in warranty.
    const CHARGED: &str = "eligibility.charged-in-warranty";
    for brand in [Brand::HandsetOem, Brand::Xinji] {
        let (applied, delivered) = random_dates(ctx, 16, 300);
        let t = build::paid_repair(ctx, brand, Cause::Quality, delivered, applied, true)?;
        let fee = t.repair_fee;
        out.push(Draft::new(t, Target::Any).expect(Expected::new(CHARGED, Violation).amount(fee)));
    }
    // JOINING: the warranty's last day (2026-03-30) is still free; the day after may be charged.
    let delivered = ymd(2025, 3, 31);
    let last = months_last_covered(delivered, 12);
    for applied in [last, plus_days(last, 1)] {
        let t = build::paid_repair(
            ctx,
            Brand::Joining,
            Cause::Quality,
            delivered,
            at(applied, 13, 20),
            applied <= last,
        )?;
        let fee = t.repair_fee;
        let draft = Draft::new(t, Target::Any);
        out.push(if applied <= last {
            draft.expect(Expected::new(CHARGED, Violation).amount(fee))
        } else {
            draft
        });
    }
    Ok(())
}

/// Quality claims rejected: inside the window or warranty of the service asked they are
/// flagged; outside it, or where the policy has no such service, they are not.
fn rejections(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) {
    // In the window or warranty of the service asked: flagged.
    for (brand, service, min_days, max_days) in [
        (Brand::Joining, ServiceType::Return, 1, 6),
        (Brand::HandsetOem, ServiceType::Repair, 16, 300),
        (Brand::Xinji, ServiceType::Exchange, 16, 300),
    ] {
        let (applied, delivered) = random_dates(ctx, min_days, max_days);
        out.push(rejection(ctx, brand, service, delivered, applied, true));
    }
    // JOINING exchange: day 15 is inside the window, day 16 outside (no finding).
    let delivered = ymd(2026, 7, 6);
    for (days, flagged) in [(14, true), (15, false)] {
        let applied = at(plus_days(delivered, days), 20, 10);
        out.push(rejection(
            ctx,
            Brand::Joining,
            ServiceType::Exchange,
            delivered,
            applied,
            flagged,
        ));
    }
    // Exchange asked under policies without an exchange window: out of scope.
    for brand in [Brand::Changkong, Brand::RepairService] {
        let (applied, delivered) = random_dates(ctx, 16, 150);
        out.push(rejection(
            ctx,
            brand,
            ServiceType::Exchange,
            delivered,
            applied,
            false,
        ));
    }
}

/// A quality claim for `service` rejected, with `eligibility.wrongly-rejected` when `flagged`.
fn rejection(
    ctx: &mut Ctx<'_>,
    brand: Brand,
    service: ServiceType,
    delivered: NaiveDate,
    applied: NaiveDateTime,
    flagged: bool,
) -> Draft {
    let t = build::rejected(ctx, brand, service, Cause::Quality, delivered, applied);
    let draft = Draft::new(t, Target::Any);
    if flagged {
        draft.expect(Expected::new(
            "eligibility.wrongly-rejected",
            Severity::Warning,
        ))
    } else {
        draft
    }
}

fn exchange_model_and_shipment(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    use Severity::Warning;
    const MODEL: &str = "eligibility.exchange-model-mismatch";
    // JOINING R4: another colour, the same SKU in lower case (compared exactly), and the same
    // SKU with a trailing space (trimmed: no finding).
    let variants: [(SkuVariant, bool, Target); 3] = [
        (other_colour, true, Target::Any),
        (|sku| sku.to_lowercase(), true, Target::Any),
        (|sku| format!("{sku} "), false, Target::En),
    ];
    for (variant, flagged, target) in variants {
        let (applied, delivered) = random_dates(ctx, 1, 14);
        let mut t = build::exchange(ctx, Brand::Joining, delivered, applied)?;
        t.exchange_sku = t.sku.as_deref().map(|sku| variant(sku).into());
        let draft = Draft::new(t, target);
        out.push(if flagged {
            draft.expect(Expected::new(MODEL, Warning))
        } else {
            draft
        });
    }
    // Changkong B2.7: reviewed 2026-07-02; sent in on 07-09 passes, on 07-10 is a day late.
    let reviewed = ymd(2026, 7, 2);
    for shipped in [plus_days(reviewed, 7), plus_days(reviewed, 8)] {
        ctx.review_minutes = Some(120);
        ctx.shipped = Some(at(shipped, 15, 0));
        let t = build::refund(
            ctx,
            Brand::Changkong,
            Cause::NoReason,
            ymd(2026, 6, 28),
            at(reviewed, 9, 0),
        )?;
        ctx.clear();
        let amount = t.refund_amount;
        let late = days_past(plus_days(reviewed, 7), shipped);
        let draft = Draft::new(t, Target::Any);
        out.push(if late > 0 {
            draft.expect(
                Expected::new("eligibility.late-customer-shipment", Warning)
                    .amount(amount)
                    .late(LateBy::days(late)),
            )
        } else {
            draft
        });
    }
    Ok(())
}

/// How an exchange SKU is derived from the SKU sold.
type SkuVariant = fn(&str) -> String;

/// The SKU with its colour segment changed (`JN-P60-BLK-256` → `JN-P60-WHT-256`).
fn other_colour(sku: &str) -> String {
    let mut parts: Vec<&str> = sku.split('-').collect();
    if parts.len() >= 3 {
        parts[2] = if parts[2] == "WHT" { "BLK" } else { "WHT" };
    }
    parts.join("-")
}

fn timeline(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    const RULE: &str = "data.timeline-inconsistent";
    // Received at the service desk the day before the application was keyed in.
    let (applied, delivered) = random_dates(ctx, 30, 200);
    ctx.received = Some(at(plus_days(applied.date(), -1), 10, 0));
    let mut t = build::free_repair(ctx, Brand::Xinji, Cause::Quality, delivered, applied)?;
    ctx.clear();
    t.customer_shipped_at = None;
    out.push(Draft::new(t, Target::Any).expect(Expected::new(RULE, Severity::Warning)));
    // Reviewed 90 minutes before the application time.
    let (applied, delivered) = random_dates(ctx, 30, 200);
    ctx.review_minutes = Some(-90);
    let t = build::free_repair(ctx, Brand::HandsetOem, Cause::Quality, delivered, applied)?;
    ctx.clear();
    out.push(Draft::new(t, Target::Any).expect(Expected::new(RULE, Severity::Warning)));
    // Applied two days before the goods were signed for.
    let (applied, _) = random_dates(ctx, 30, 200);
    let mut t = build::paid_repair(
        ctx,
        Brand::HandsetOem,
        Cause::ManMade,
        plus_days(applied.date(), 2),
        applied,
        false,
    )?;
    t.delivered_at = Some(plus_days(applied.date(), 2));
    t.applied_at = local(applied);
    out.push(Draft::new(t, Target::Any).expect(Expected::new(RULE, Severity::Warning)));
    Ok(())
}
