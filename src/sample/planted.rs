//! Planted violations with their known answers: review SLA, refund cycle and
//! turnaround. Each case starts from a compliant ticket and changes only what the rule
//! looks at, so it trips exactly the findings listed with it; most come in pairs on both
//! sides of a limit (the last allowed day passes, the day after flags).

use chrono::{NaiveDate, NaiveDateTime};

use super::build::{self, applied_and_start, Ctx};
use super::catalog::Brand;
use super::timeline::{as_of, at, hours_late, local, plus_days, plus_months, ymd};
use super::{Draft, Expected, Target};
use crate::calendar::NotCovered;
use crate::finding::{LateBy, Severity};
use crate::policy::Period;
use crate::ticket::{Cause, ServiceType, Ticket};

/// Every planted case of this module, in a fixed order.
pub(super) fn all(ctx: &mut Ctx<'_>) -> Result<Vec<Draft>, NotCovered> {
    let mut out = Vec::new();
    super::planted_freight::freight(ctx, &mut out)?;
    review_sla(ctx, &mut out)?;
    refund_cycle(ctx, &mut out)?;
    turnaround(ctx, &mut out)?;
    ctx.clear();
    Ok(out)
}

/// A random closed application date with a delivery `min..=max` days before it.
pub(super) fn random_dates(ctx: &mut Ctx<'_>, min: i64, max: i64) -> (NaiveDateTime, NaiveDate) {
    applied_and_start(ctx, ymd(2025, 2, 1), ymd(2026, 9, 30), min, max)
}

pub(super) fn joining_no_reason(ctx: &mut Ctx<'_>) -> Result<Ticket, NotCovered> {
    let (applied, delivered) = random_dates(ctx, 1, 6);
    build::refund(ctx, Brand::Joining, Cause::NoReason, delivered, applied)
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
    let joining = &ctx.policy(Brand::Joining).params;
    if let Some(exchange) = joining.exchange_turnaround.as_ref() {
        exchange_turnaround(ctx, out, exchange.working_days)?;
    }
    if let Some(repair) = ctx
        .policy(Brand::Changkong)
        .params
        .repair_turnaround
        .as_ref()
    {
        repair_turnaround(ctx, out, repair.working_days)?;
    }
    let repair_service = &ctx.policy(Brand::RepairService).params;
    if let Some(close) = repair_service.receipt_close.as_ref() {
        received_after_close(ctx, out, i64::from(close.days))?;
    }
    if let Some(hold) = repair_service.unpaid_hold.as_ref() {
        unpaid_held(ctx, out, hold.period)?;
    }
    Ok(())
}

/// JOINING S4.2, `days` working days from storage (shipped: 7; received Thursday 2026-02-12,
/// the deadline is the make-up Saturday 02-28 and Monday 03-02 is late by 1). Then one still
/// unshipped.
fn exchange_turnaround(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<Draft>,
    days: u32,
) -> Result<(), NotCovered> {
    use Severity::Violation;
    let received = at(ymd(2026, 2, 12), 14, 10);
    let deadline = ctx.calendar.add_working_days(received.date(), days)?;
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
    let deadline = ctx.calendar.add_working_days(received.date(), days)?;
    let late = working_days(ctx, deadline, as_of().date())?;
    out.push(Draft::new(t, Target::Any).expect(
        Expected::new("turnaround.exchange-overdue", Violation).late(LateBy::working_days(late)),
    ));

    Ok(())
}

/// Changkong IV.5, `days` working days from approval (shipped: 3; approved Monday 2025-09-29,
/// the deadline is 10-10 and the make-up Saturday 10-11 is late by 1). Then one still in repair.
fn repair_turnaround(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>, days: u32) -> Result<(), NotCovered> {
    use Severity::Violation;
    let approved = at(ymd(2025, 9, 29), 10, 0);
    let deadline = ctx.calendar.add_working_days(approved.date(), days)?;
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
    let deadline = ctx.calendar.add_working_days(approved.date(), days)?;
    let late = working_days(ctx, deadline, as_of().date())?;
    out.push(Draft::new(t, Target::Any).expect(
        Expected::new("turnaround.repair-overdue", Violation).late(LateBy::working_days(late)),
    ));

    Ok(())
}

/// repair-service 4.2: received `limit` days after applying passes, a day more is 1 day late.
fn received_after_close(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<Draft>,
    limit: i64,
) -> Result<(), NotCovered> {
    let applied = at(ymd(2026, 5, 4), 10, 0);
    for days in [limit, limit + 1] {
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
        if days > limit {
            draft = draft.expect(
                Expected::new("turnaround.received-after-close", Severity::Warning)
                    .late(LateBy::days(days - limit)),
            );
        }
        out.push(draft);
    }
    Ok(())
}

/// repair-service 2.6: quote unpaid for longer than `hold` at the as-of.
fn unpaid_held(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>, hold: Period) -> Result<(), NotCovered> {
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
        let limit = match hold {
            Period::Months(months) => plus_months(quoted, months),
            Period::Days(days) => plus_days(quoted, i64::from(days)),
        };
        let mut draft = Draft::new(t, Target::Any);
        if as_of().date() > limit {
            let late = (as_of().date() - limit).num_days();
            draft = draft.expect(
                Expected::new("turnaround.unpaid-held", Severity::Warning).late(LateBy::days(late)),
            );
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
