//! Planted violations with their known answers: freight, review SLA, refund cycle and
//! turnaround. Each case starts from a compliant ticket and changes only what the rule
//! looks at, so it trips exactly the findings listed with it; most come in pairs on both
//! sides of a limit (the last allowed day passes, the day after flags).

use chrono::{NaiveDate, NaiveDateTime};

use super::build::{self, applied_and_start, Ctx};
use super::catalog::Brand;
use super::timeline::{as_of, at, hours_late, local, plus_days, plus_months, ymd, yuan};
use super::{Draft, Expected, Target};
use crate::calendar::NotCovered;
use crate::finding::{LateBy, Severity};
use crate::ticket::{Cause, FreightPayer, FreightPayment, ServiceType, Ticket};

/// Every planted case of this module, in a fixed order.
pub fn all(ctx: &mut Ctx<'_>) -> Result<Vec<Draft>, NotCovered> {
    let mut out = Vec::new();
    freight(ctx, &mut out)?;
    review_sla(ctx, &mut out)?;
    refund_cycle(ctx, &mut out)?;
    turnaround(ctx, &mut out)?;
    ctx.clear();
    Ok(out)
}

/// A random closed application date with a delivery `min..=max` days before it.
pub fn random_dates(ctx: &mut Ctx<'_>, min: i64, max: i64) -> (NaiveDateTime, NaiveDate) {
    applied_and_start(ctx, ymd(2025, 2, 1), ymd(2026, 9, 30), min, max)
}

fn joining_no_reason(ctx: &mut Ctx<'_>) -> Result<Ticket, NotCovered> {
    let (applied, delivered) = random_dates(ctx, 1, 6);
    build::refund(ctx, Brand::Joining, Cause::NoReason, delivered, applied)
}

/// A JOINING no-reason return paid on delivery through `courier`, with `deducted` taken.
fn joining_collect(ctx: &mut Ctx<'_>, courier: &str, deducted: i64) -> Result<Ticket, NotCovered> {
    let mut ticket = joining_no_reason(ctx)?;
    ticket.courier = Some(courier.to_string());
    ticket.remote_area = None;
    ticket.freight_payment = Some(FreightPayment::Collect);
    ticket.freight_payer = Some(FreightPayer::Customer);
    set_deduction(&mut ticket, deducted);
    Ok(ticket)
}

fn set_deduction(ticket: &mut Ticket, deducted: i64) {
    ticket.freight_deducted = Some(yuan(deducted));
    ticket.refund_amount = ticket.order_amount.map(|paid| paid - yuan(deducted));
}

fn changkong_repair(ctx: &mut Ctx<'_>, cause: Cause) -> Result<Ticket, NotCovered> {
    let (applied, delivered) = random_dates(ctx, 16, 150);
    build::free_repair(ctx, Brand::Changkong, cause, delivered, applied)
}

fn brand_repair(ctx: &mut Ctx<'_>, brand: Brand) -> Result<Ticket, NotCovered> {
    let (applied, delivered) = random_dates(ctx, 16, 150);
    build::free_repair(ctx, brand, Cause::Quality, delivered, applied)
}

fn freight(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    use Severity::{Violation, Warning};
    // JOINING R3.1: quality return, but the customer prepaid the parcel and was not refunded it.
    let (applied, delivered) = random_dates(ctx, 1, 6);
    let mut t = build::refund(ctx, Brand::Joining, Cause::Quality, delivered, applied)?;
    t.freight_payer = Some(FreightPayer::Customer);
    t.freight_payment = Some(FreightPayment::Prepaid);
    let burden = t.freight_amount;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.charged-on-quality", Violation).amount(burden)),
    );

    // JOINING R3.1: quality return paid on delivery, yet 20.00 deducted as if no-reason.
    let (applied, delivered) = random_dates(ctx, 1, 6);
    let mut t = build::refund(ctx, Brand::Joining, Cause::Quality, delivered, applied)?;
    t.freight_payer = Some(FreightPayer::Company);
    t.freight_payment = Some(FreightPayment::Collect);
    set_deduction(&mut t, 20);
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.charged-on-quality", Violation).amount(Some(yuan(20)))),
    );

    // Changkong III.1: quality repair in warranty, inbound parcel left on the customer.
    let mut t = changkong_repair(ctx, Cause::Quality)?;
    t.freight_payer = Some(FreightPayer::Customer);
    t.freight_payment = Some(FreightPayment::Prepaid);
    let burden = t.freight_amount;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.charged-on-quality", Violation).amount(burden)),
    );

    // JOINING R3.2 deductions: 25 (over by 5), 15 (short by 5), 20 (right).
    let t = joining_collect(ctx, "ZTO Express", 25)?;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.deduction-mismatch", Violation).amount(Some(yuan(5)))),
    );
    let t = joining_collect(ctx, "Yunda", 15)?;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.deduction-mismatch", Warning).amount(Some(yuan(5)))),
    );
    let t = joining_collect(ctx, "YTO Express", 20)?;
    out.push(Draft::new(t, Target::Any));
    // Exempt parcels: SF without deduction, 顺丰 with one (flagged by no rule), a remote area.
    let mut t = joining_collect(ctx, "SF Express", 0)?;
    t.freight_payer = None;
    out.push(Draft::new(t, Target::En));
    let t = joining_collect(ctx, "SF Express", 20)?;
    out.push(Draft::new(t, Target::Zh));
    let mut t = joining_collect(ctx, "EMS", 0)?;
    t.remote_area = Some(true);
    t.freight_payer = None;
    out.push(Draft::new(t, Target::Any));

    // JOINING R3.2: prepaid by the customer and 20.00 deducted as well.
    let mut t = joining_no_reason(ctx)?;
    t.freight_payment = Some(FreightPayment::Prepaid);
    t.freight_payer = Some(FreightPayer::Customer);
    set_deduction(&mut t, 20);
    out.push(
        Draft::new(t, Target::Any).expect(
            Expected::new("freight.deduction-on-prepaid", Violation).amount(Some(yuan(20))),
        ),
    );

    // Return leg charged where the company owes it: repair-service 2.1, Changkong quality.
    let mut t = brand_repair(ctx, Brand::RepairService)?;
    t.return_freight_charged = Some(yuan(15));
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.return-leg-charged", Violation).amount(Some(yuan(15)))),
    );
    let mut t = changkong_repair(ctx, Cause::Quality)?;
    t.return_freight_charged = Some(yuan(12));
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.return-leg-charged", Violation).amount(Some(yuan(12)))),
    );

    // Freight the policy puts on the customer, borne by the company.
    let mut t = brand_repair(ctx, Brand::HandsetOem)?;
    t.freight_payer = Some(FreightPayer::Company);
    let cost = t.freight_amount;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.not-recovered", Warning).amount(cost)),
    );
    let (applied, delivered) = random_dates(ctx, 1, 7);
    let mut t = build::refund(ctx, Brand::Changkong, Cause::Logistics, delivered, applied)?;
    t.freight_payer = Some(FreightPayer::Company);
    let cost = t.freight_amount;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.not-recovered", Warning).amount(cost)),
    );
    let mut t = changkong_repair(ctx, Cause::Software)?;
    t.freight_payer = Some(FreightPayer::Company);
    let cost = t.freight_amount;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.not-recovered", Warning).amount(cost)),
    );
    let mut t = joining_no_reason(ctx)?;
    t.freight_payment = Some(FreightPayment::Prepaid);
    t.freight_payer = Some(FreightPayer::Company);
    set_deduction(&mut t, 0);
    let cost = t.freight_amount;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.not-recovered", Warning).amount(cost)),
    );
    let mut t = brand_repair(ctx, Brand::RepairService)?;
    t.freight_payer = Some(FreightPayer::Company);
    let cost = t.freight_amount;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.not-recovered", Warning).amount(cost)),
    );

    // repair-service 2.1: no payment on delivery, yet a collect parcel was accepted.
    let mut t = brand_repair(ctx, Brand::RepairService)?;
    t.freight_payment = Some(FreightPayment::Collect);
    out.push(Draft::new(t, Target::Any).expect(Expected::new("freight.collect-accepted", Warning)));
    Ok(())
}

fn review_sla(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    // JOINING S2: 24 h 00 min passes, 24 h 01 min is late by 0.0 h, 30 h 30 min by 6.5 h.
    for (minutes, target) in [
        (24 * 60, Target::En),
        (24 * 60 + 1, Target::Zh),
        (30 * 60 + 30, Target::Xlsx),
    ] {
        ctx.review_minutes = Some(minutes);
        let delivered = ymd(2026, 3, 2);
        let t = build::refund(
            ctx,
            Brand::Joining,
            Cause::NoReason,
            delivered,
            at(ymd(2026, 3, 4), 10, 15),
        )?;
        ctx.clear();
        let mut draft = Draft::new(t, target);
        if minutes > 24 * 60 {
            let late = hours_late(minutes * 60, 24);
            draft = draft.expect(
                Expected::new("review-sla.late", Severity::Violation).late(LateBy::hours(late)),
            );
        }
        out.push(draft);
    }
    // Open and never reviewed: as-of 2026-11-15 23:59:59.
    for (applied, overdue) in [
        (at(ymd(2026, 11, 13), 14, 0), true),
        (
            ymd(2026, 11, 14).and_hms_opt(23, 59, 0).unwrap_or_default(),
            true,
        ),
        (
            ymd(2026, 11, 14)
                .and_hms_opt(23, 59, 59)
                .unwrap_or_default(),
            false,
        ),
    ] {
        let delivered = plus_days(applied.date(), -40);
        let mut t = build::pending(
            ctx,
            Brand::Joining,
            ServiceType::Repair,
            Cause::Quality,
            delivered,
            applied,
        );
        t.reviewed_at = None;
        let mut draft = Draft::new(t, Target::En);
        if overdue {
            let elapsed = (as_of() - applied).num_seconds();
            draft = draft.expect(
                Expected::new("review-sla.overdue", Severity::Violation)
                    .late(LateBy::hours(hours_late(elapsed, 24))),
            );
        }
        out.push(draft);
    }
    Ok(())
}

/// A JOINING no-reason refund whose goods were put into storage at `received`.
fn joining_received(ctx: &mut Ctx<'_>, received: NaiveDateTime) -> Result<Ticket, NotCovered> {
    let applied = at(plus_days(received.date(), -5), 10, 0);
    let delivered = plus_days(applied.date(), -2);
    ctx.received = Some(received);
    let ticket = build::refund(ctx, Brand::Joining, Cause::NoReason, delivered, applied);
    ctx.clear();
    ticket
}

fn working_days(ctx: &Ctx<'_>, after: NaiveDate, upto: NaiveDate) -> Result<u32, NotCovered> {
    ctx.calendar.working_days_after(after, upto)
}

fn refund_cycle(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    let Some(cycle) = ctx.policy(Brand::Joining).params.refund_cycle.as_ref() else {
        return Ok(());
    };
    let (earliest, latest) = (cycle.earliest_working_days, cycle.latest_working_days);
    refunds_around_the_deadline(ctx, out, latest)?;
    refunds_never_paid(ctx, out, latest)?;
    refunds_early(ctx, out, earliest)?;
    refunds_before_receipt(ctx, out)
}

/// Refunds on the deadline (the `latest`-th working day after storage) and the working day
/// after, across National Day 2025 and Spring Festival 2026; 2026-03-03 also counts the 02-28
/// make-up Saturday.
fn refunds_around_the_deadline(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<Draft>,
    latest: u32,
) -> Result<(), NotCovered> {
    for received in [
        at(ymd(2025, 9, 29), 14, 0),
        at(ymd(2026, 2, 12), 11, 20),
        at(ymd(2026, 5, 6), 16, 5),
    ] {
        let deadline = ctx.calendar.add_working_days(received.date(), latest)?;
        let next = ctx.calendar.add_working_days(deadline, 1)?;
        let mut refund_days = vec![deadline, next];
        if received.date() == ymd(2026, 2, 12) {
            refund_days.push(ymd(2026, 3, 3));
        }
        if received.date() == ymd(2026, 5, 6) {
            refund_days = vec![ymd(2026, 5, 20)];
        }
        for refunded in refund_days {
            let mut t = joining_received(ctx, received)?;
            t.refunded_at = local(at(refunded, 15, 30));
            let late = working_days(ctx, deadline, refunded)?;
            let mut draft = Draft::new(t.clone(), Target::Any);
            if late > 0 {
                draft = draft.expect(
                    Expected::new("refund-cycle.late", Severity::Violation)
                        .amount(t.refund_amount)
                        .late(LateBy::working_days(late)),
                );
            }
            out.push(draft);
        }
    }
    Ok(())
}

/// Approved but never paid out (with the shipped cycle: overdue by 4, overdue by 0 (deadline
/// Friday 11-13, as-of Sunday), and not yet due (deadline Monday 11-16)).
fn refunds_never_paid(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<Draft>,
    latest: u32,
) -> Result<(), NotCovered> {
    for received in [
        at(ymd(2026, 11, 2), 10, 30),
        at(ymd(2026, 11, 6), 15, 0),
        at(ymd(2026, 11, 9), 9, 40),
    ] {
        let mut t = joining_received(ctx, received)?;
        t.refunded_at = None;
        let deadline = ctx.calendar.add_working_days(received.date(), latest)?;
        let mut draft = Draft::new(t.clone(), Target::Any);
        if as_of().date() > deadline {
            let late = working_days(ctx, deadline, as_of().date())?;
            draft = draft.expect(
                Expected::new("refund-cycle.overdue", Severity::Violation)
                    .amount(t.refund_amount)
                    .late(LateBy::working_days(late)),
            );
        }
        out.push(draft);
    }
    Ok(())
}

/// Early: the 1st working day and the same day as storage; the `earliest`-th working day passes.
fn refunds_early(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>, earliest: u32) -> Result<(), NotCovered> {
    let received = at(ymd(2026, 6, 8), 11, 0);
    for (refunded, early) in [
        (
            at(ctx.calendar.add_working_days(received.date(), 1)?, 10, 0),
            true,
        ),
        (at(received.date(), 16, 20), true),
        (
            at(
                ctx.calendar.add_working_days(received.date(), earliest)?,
                10,
                0,
            ),
            false,
        ),
    ] {
        let mut t = joining_received(ctx, received)?;
        t.refunded_at = local(refunded);
        let mut draft = Draft::new(t, Target::Any);
        if early {
            draft = draft.expect(Expected::new("refund-cycle.early", Severity::Info));
        }
        out.push(draft);
    }
    Ok(())
}

/// Refunded before the goods came back: earlier the same day, and two days before.
fn refunds_before_receipt(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    for (received, refunded) in [
        (at(ymd(2026, 4, 20), 15, 0), at(ymd(2026, 4, 20), 9, 30)),
        (at(ymd(2026, 8, 19), 10, 0), at(ymd(2026, 8, 17), 17, 45)),
    ] {
        let mut t = joining_received(ctx, received)?;
        t.refunded_at = local(refunded);
        let amount = t.refund_amount;
        out.push(Draft::new(t, Target::Any).expect(
            Expected::new("refund-cycle.before-receipt", Severity::Warning).amount(amount),
        ));
    }
    Ok(())
}

fn turnaround(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    use Severity::{Violation, Warning};
    // JOINING S4.2: 7 working days from storage. Received Thursday 2026-02-12: the deadline
    // is the make-up Saturday 02-28; Monday 03-02 is late by 1. Then one still unshipped.
    let received = at(ymd(2026, 2, 12), 14, 10);
    let deadline = ctx.calendar.add_working_days(received.date(), 7)?;
    for shipped in [deadline, ctx.calendar.add_working_days(deadline, 1)?] {
        let mut t = joining_exchange_received(ctx, received)?;
        t.exchange_shipped_at = local(at(shipped, 11, 0));
        let late = working_days(ctx, deadline, shipped)?;
        let mut draft = Draft::new(t, Target::Any);
        if late > 0 {
            draft = draft.expect(
                Expected::new("turnaround.exchange-late", Violation)
                    .late(LateBy::working_days(late)),
            );
        }
        out.push(draft);
    }
    let received = at(ymd(2026, 10, 27), 10, 0);
    let mut t = joining_exchange_received(ctx, received)?;
    t.exchange_shipped_at = None;
    let deadline = ctx.calendar.add_working_days(received.date(), 7)?;
    let late = working_days(ctx, deadline, as_of().date())?;
    out.push(Draft::new(t, Target::Any).expect(
        Expected::new("turnaround.exchange-overdue", Violation).late(LateBy::working_days(late)),
    ));

    // Changkong IV.5: 3 working days from approval. Approved Monday 2025-09-29: the deadline is
    // 10-10; the make-up Saturday 10-11 is late by 1. Then one still in repair.
    let approved = at(ymd(2025, 9, 29), 10, 0);
    let deadline = ctx.calendar.add_working_days(approved.date(), 3)?;
    for repaired in [deadline, ctx.calendar.add_working_days(deadline, 1)?] {
        let mut t = changkong_approved(ctx, approved)?;
        t.repaired_at = local(at(repaired, 16, 0));
        t.returned_to_customer_at = local(at(plus_days(repaired, 1), 10, 0));
        let late = working_days(ctx, deadline, repaired)?;
        let mut draft = Draft::new(t, Target::Any);
        if late > 0 {
            draft = draft.expect(
                Expected::new("turnaround.repair-late", Violation).late(LateBy::working_days(late)),
            );
        }
        out.push(draft);
    }
    let approved = at(ymd(2026, 11, 5), 10, 0);
    let mut t = changkong_approved(ctx, approved)?;
    t.repaired_at = None;
    t.returned_to_customer_at = None;
    let deadline = ctx.calendar.add_working_days(approved.date(), 3)?;
    let late = working_days(ctx, deadline, as_of().date())?;
    out.push(Draft::new(t, Target::Any).expect(
        Expected::new("turnaround.repair-overdue", Violation).late(LateBy::working_days(late)),
    ));

    // repair-service 4.2: received 15 days after applying passes, 16 days is 1 day late.
    let applied = at(ymd(2026, 5, 4), 10, 0);
    for days in [15, 16] {
        ctx.received = Some(at(plus_days(applied.date(), days), 11, 30));
        let t = build::free_repair(
            ctx,
            Brand::RepairService,
            Cause::Quality,
            plus_days(applied.date(), -60),
            applied,
        )?;
        ctx.clear();
        let mut draft = Draft::new(t, Target::Any);
        if days > 15 {
            draft = draft.expect(
                Expected::new("turnaround.received-after-close", Warning)
                    .late(LateBy::days(days - 15)),
            );
        }
        out.push(draft);
    }

    // repair-service 2.6: quote unpaid for more than a month at the as-of.
    for quoted in [ymd(2026, 10, 14), ymd(2026, 10, 15), ymd(2026, 8, 3)] {
        let applied = at(plus_days(quoted, -6), 9, 15);
        ctx.received = Some(at(plus_days(quoted, -1), 14, 0));
        let mut t = build::paid_repair(
            ctx,
            Brand::RepairService,
            Cause::ManMade,
            plus_days(applied.date(), -200),
            applied,
            false,
        )?;
        ctx.clear();
        t.quote_notified_at = local(at(quoted, 10, 0));
        t.paid_at = None;
        t.repair_approved_at = None;
        t.repaired_at = None;
        t.returned_to_customer_at = None;
        t.repair_fee = None;
        let limit = plus_months(quoted, 1);
        let mut draft = Draft::new(t, Target::Any);
        if as_of().date() > limit {
            let late = (as_of().date() - limit).num_days();
            draft = draft
                .expect(Expected::new("turnaround.unpaid-held", Warning).late(LateBy::days(late)));
        }
        out.push(draft);
    }
    Ok(())
}

fn joining_exchange_received(
    ctx: &mut Ctx<'_>,
    received: NaiveDateTime,
) -> Result<Ticket, NotCovered> {
    let applied = at(plus_days(received.date(), -4), 9, 30);
    ctx.received = Some(received);
    let ticket = build::exchange(ctx, Brand::Joining, plus_days(applied.date(), -3), applied);
    ctx.clear();
    ticket
}

/// A Changkong quality repair in warranty, approved at `approved`.
fn changkong_approved(ctx: &mut Ctx<'_>, approved: NaiveDateTime) -> Result<Ticket, NotCovered> {
    let applied = at(plus_days(approved.date(), -5), 9, 0);
    ctx.received = Some(at(plus_days(approved.date(), -1), 15, 0));
    let mut ticket = build::free_repair(
        ctx,
        Brand::Changkong,
        Cause::Quality,
        plus_days(applied.date(), -30),
        applied,
    )?;
    ctx.clear();
    ticket.repair_approved_at = local(approved);
    Ok(ticket)
}
