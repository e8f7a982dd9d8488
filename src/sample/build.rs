//! Ticket builders: one function per kind of case (a no-reason return, a warranty repair…),
//! each producing a ticket that complies with its policy under every rule of RULES.md.
//! The random sample and the planted violations both start from these.

use super::catalog::{self, Brand, COURIERS, SF};
use super::timeline::{
    date_between, local, office_time_after, plus_days, plus_minutes, time_between, yuan,
};
use crate::calendar::{Calendar, NotCovered};
use crate::policy::{Deduction, Policy, PolicySet, ReturnLeg, Window};
use crate::ticket::{Cause, Column, Decision, FreightPayer, FreightPayment, ServiceType, Ticket};
use chrono::{NaiveDate, NaiveDateTime};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// What every builder needs: the seeded generator, the compiled policies every limit is read
/// from, and their working-day calendar.
pub(super) struct Ctx<'a> {
    pub rng: &'a mut ChaCha8Rng,
    pub calendar: &'a Calendar,
    /// The policy of each brand, in [`Brand::ALL`] order.
    policies: [&'a Policy; Brand::ALL.len()],
    /// Fixed minutes from application to review (may be negative); random when `None`.
    pub review_minutes: Option<i64>,
    /// Fixed moment the customer sent the parcel; random when `None`.
    pub shipped: Option<NaiveDateTime>,
    /// Fixed moment the parcel was received into storage; random when `None`.
    pub received: Option<NaiveDateTime>,
}

impl<'a> Ctx<'a> {
    /// `Err` names the brand whose policy `policies` lacks.
    pub(super) fn new(
        rng: &'a mut ChaCha8Rng,
        calendar: &'a Calendar,
        policies: &'a PolicySet,
    ) -> Result<Ctx<'a>, &'static str> {
        let mut resolved = Vec::with_capacity(Brand::ALL.len());
        for brand in Brand::ALL {
            let id = brand.policy_id();
            resolved.push(policies.versions_of(id).next().ok_or(id)?);
        }
        let policies = resolved.try_into().map_err(|_| "")?;
        Ok(Ctx {
            rng,
            calendar,
            policies,
            review_minutes: None,
            shipped: None,
            received: None,
        })
    }

    /// The compiled policy of `brand`.
    pub(super) fn policy(&self, brand: Brand) -> &'a Policy {
        self.policies[brand as usize]
    }

    /// Drops every fixed moment: the next ticket is timed at random again.
    pub(super) fn clear(&mut self) {
        self.review_minutes = None;
        self.shipped = None;
        self.received = None;
    }

    /// The `n`-th working day after `date`, at an office-hours time.
    fn working_day_time(&mut self, date: NaiveDate, n: u32) -> Result<NaiveDateTime, NotCovered> {
        let day = self.calendar.add_working_days(date, n)?;
        Ok(time_between(self.rng, day, 9, 18))
    }

    /// A moment `1..=max_days` days after `after`, in office hours.
    fn days_later(&mut self, after: NaiveDateTime, min_days: i64, max_days: i64) -> NaiveDateTime {
        let days = self.rng.random_range(min_days..=max_days);
        office_time_after(self.rng, plus_days(after.date(), days), after)
    }
}

/// The fields every ticket has: policy, order, item, store, agent, and the condition flags
/// as a compliant case has them (no exclusion, authorised channel, proof given).
pub(super) fn base(ctx: &mut Ctx<'_>, brand: Brand) -> Ticket {
    let item = brand.product(ctx.rng);
    let store = catalog::pick(ctx.rng, catalog::STORES).0;
    let agent = catalog::pick(ctx.rng, catalog::AGENTS).0;
    Ticket {
        policy: Some(brand.spelling(ctx.rng).into()),
        order_id: Some(catalog::order_id(ctx.rng).into()),
        sku: Some(item.sku.into()),
        product_category: Some(item.category.into()),
        store: Some(store.into()),
        agent: Some(agent.into()),
        order_amount: Some(item.price),
        proof_of_purchase: Some(true),
        label_tampered: Some(false),
        unauthorized_repair: Some(false),
        authorized_channel: Some(true),
        purchased_overseas: Some(false),
        // Exports mark only remote addresses; blank means not remote.
        remote_area: ctx.rng.random_bool(0.04).then_some(true),
        ..Ticket::default()
    }
}

/// Purchase and delivery dates: bought, then signed for 1–3 days later.
pub(super) fn set_purchase(
    ctx: &mut Ctx<'_>,
    ticket: &mut Ticket,
    brand: Brand,
    delivered: NaiveDate,
) {
    let purchased = plus_days(delivered, -ctx.rng.random_range(1..=3));
    ticket.delivered_at = Some(delivered);
    ticket.purchased_at = Some(purchased.max(super::timeline::first_date()));
    let starts = ctx.policy(brand).params.warranty.as_ref();
    if starts.is_some_and(|w| w.with_proof.starts.contains(&Column::ActivatedAt)) {
        // Activated on or after delivery: the warranty runs from the purchase, the earlier.
        ticket.activated_at = Some(plus_days(delivered, ctx.rng.random_range(0..=2)));
    }
}

/// Applied, then reviewed 30 minutes to 20 hours later (inside JOINING's 24 hours).
fn set_review(ctx: &mut Ctx<'_>, ticket: &mut Ticket, applied: NaiveDateTime) -> NaiveDateTime {
    let minutes = match ctx.review_minutes {
        Some(minutes) => minutes,
        None => ctx.rng.random_range(30..=20 * 60),
    };
    let reviewed = plus_minutes(applied, minutes);
    ticket.applied_at = local(applied);
    ticket.reviewed_at = local(reviewed);
    reviewed
}

/// The customer→company parcel: sent 1–2 days after review, received 1–3 days later.
fn set_parcel(ctx: &mut Ctx<'_>, ticket: &mut Ticket, reviewed: NaiveDateTime) -> NaiveDateTime {
    let shipped = match (ctx.shipped, ctx.received) {
        (Some(shipped), _) => shipped,
        (None, Some(received)) => plus_minutes(received, -ctx.rng.random_range(26 * 60..=40 * 60)),
        (None, None) => ctx.days_later(reviewed, 1, 2),
    };
    let received = match ctx.received {
        Some(received) => received,
        None => ctx.days_later(shipped, 1, 3),
    };
    ticket.customer_shipped_at = local(shipped);
    ticket.received_at = local(received);
    received
}

/// Who bears the customer→company freight under the policy, and the company→customer leg.
/// `in_warranty` matters to Changkong only (III.1: quality within warranty).
pub(super) fn set_freight(
    ctx: &mut Ctx<'_>,
    ticket: &mut Ticket,
    brand: Brand,
    cause: Cause,
    in_warranty: bool,
) {
    let courier = catalog::courier(ctx.rng);
    ticket.freight_amount = Some(catalog::freight_cost(ctx.rng, courier));
    ticket.courier = Some(courier.into());
    ticket.freight_deducted = Some(yuan(0));
    let freight = &ctx.policy(brand).params.freight;
    let company_bears = freight.company_bears.contains(&cause)
        && (in_warranty || !freight.company_bears_only_in_warranty);
    if company_bears {
        ticket.freight_payer = Some(FreightPayer::Company);
        ticket.freight_payment = Some(if ctx.rng.random_bool(0.5) {
            FreightPayment::Collect
        } else {
            FreightPayment::Prepaid
        });
    } else {
        ticket.freight_payer = Some(FreightPayer::Customer);
        ticket.freight_payment = Some(FreightPayment::Prepaid);
    }
}

/// The company→customer leg charged to the customer, for tickets that send something back.
fn set_return_leg(
    ctx: &mut Ctx<'_>,
    ticket: &mut Ticket,
    brand: Brand,
    cause: Cause,
    in_warranty: bool,
) {
    let owed = match &ctx.policy(brand).params.freight.return_leg {
        None => false,
        Some(ReturnLeg::Always { .. }) => true,
        Some(ReturnLeg::CausesInWarranty { causes, .. }) => causes.contains(&cause) && in_warranty,
    };
    let charged = if owed {
        yuan(0)
    } else {
        brand.return_leg_fee(ctx.rng)
    };
    ticket.return_freight_charged = Some(charged);
}

/// A return refunded (JOINING or Changkong): applied inside the return window that starts at
/// `delivered`, goods complete and undamaged, refunded inside the policy's cycle.
pub(super) fn refund(
    ctx: &mut Ctx<'_>,
    brand: Brand,
    cause: Cause,
    delivered: NaiveDate,
    applied: NaiveDateTime,
) -> Result<Ticket, NotCovered> {
    let mut ticket = base(ctx, brand);
    set_purchase(ctx, &mut ticket, brand, delivered);
    ticket.service_type = Some(ServiceType::Return);
    ticket.cause = Some(cause);
    ticket.decision = Some(Decision::Refund);
    ticket.package_complete = Some(true);
    ticket.appearance_damaged = Some(false);
    ticket.activated = Some(cause != Cause::NoReason);
    let reviewed = set_review(ctx, &mut ticket, applied);
    let received = set_parcel(ctx, &mut ticket, reviewed);
    set_freight(ctx, &mut ticket, brand, cause, true);
    let params = &ctx.policy(brand).params;
    if let Some(deduction) = params.freight.deduction.as_ref() {
        if deduction.causes.contains(&cause) {
            set_deducted_freight(ctx, &mut ticket, deduction);
        }
    }
    let refunded = match &params.refund_cycle {
        Some(cycle) => {
            // Inside the cycle, most often in its middle.
            let (first, last) = (cycle.earliest_working_days, cycle.latest_working_days);
            let middle = first.midpoint(last);
            let n = *catalog::pick(ctx.rng, &[first, middle, middle, middle, last]);
            ctx.working_day_time(received.date(), n)?
        }
        None => ctx.days_later(received, 1, 4),
    };
    ticket.refunded_at = local(refunded);
    let deducted = ticket.freight_deducted.unwrap_or_default();
    ticket.refund_amount = ticket.order_amount.map(|paid| paid - deducted);
    Ok(ticket)
}

/// A return under a fixed freight deduction (JOINING R3.2): the customer bears the freight;
/// paid on delivery it is recovered by deducting the policy's amount, except where exempt.
fn set_deducted_freight(ctx: &mut Ctx<'_>, ticket: &mut Ticket, deduction: &Deduction) {
    ticket.freight_payer = Some(FreightPayer::Customer);
    if ctx.rng.random_bool(0.5) {
        ticket.freight_payment = Some(FreightPayment::Prepaid);
        ticket.freight_deducted = Some(yuan(0));
        return;
    }
    ticket.freight_payment = Some(FreightPayment::Collect);
    let sf = ticket.courier.as_deref() == Some(COURIERS[SF].0);
    if (deduction.exempt_sf && sf)
        || (deduction.exempt_remote_area && ticket.remote_area == Some(true))
    {
        // Exempt: nothing deducted, the company bore the courier; the export leaves the
        // payer blank rather than name who finally bore it.
        ticket.freight_deducted = Some(yuan(0));
        ticket.freight_payer = None;
    } else {
        ticket.freight_deducted = Some(deduction.amount);
    }
}

/// A quality exchange: applied at `applied` (inside JOINING's 15-day window or the warranty),
/// same SKU sent back within 1–5 working days of storage.
pub(super) fn exchange(
    ctx: &mut Ctx<'_>,
    brand: Brand,
    delivered: NaiveDate,
    applied: NaiveDateTime,
) -> Result<Ticket, NotCovered> {
    let mut ticket = base(ctx, brand);
    set_purchase(ctx, &mut ticket, brand, delivered);
    ticket.service_type = Some(ServiceType::Exchange);
    ticket.cause = Some(Cause::Quality);
    ticket.decision = Some(Decision::Exchange);
    ticket.activated = Some(true);
    ticket.appearance_damaged = Some(false);
    ticket.package_complete = Some(true);
    let reviewed = set_review(ctx, &mut ticket, applied);
    let received = set_parcel(ctx, &mut ticket, reviewed);
    set_freight(ctx, &mut ticket, brand, Cause::Quality, true);
    set_return_leg(ctx, &mut ticket, brand, Cause::Quality, true);
    let n = ctx
        .rng
        .random_range(1..=inside(ctx.policy(brand).params.exchange_turnaround.as_ref(), 5));
    ticket.exchange_shipped_at = local(ctx.working_day_time(received.date(), n)?);
    ticket.exchange_sku = ticket.sku.clone();
    Ok(ticket)
}

/// A free repair in warranty (cause quality or software), repaired within 1–2 working days
/// of approval.
pub(super) fn free_repair(
    ctx: &mut Ctx<'_>,
    brand: Brand,
    cause: Cause,
    delivered: NaiveDate,
    applied: NaiveDateTime,
) -> Result<Ticket, NotCovered> {
    let mut ticket = base(ctx, brand);
    set_purchase(ctx, &mut ticket, brand, delivered);
    ticket.service_type = Some(ServiceType::Repair);
    ticket.cause = Some(cause);
    ticket.decision = Some(Decision::FreeRepair);
    ticket.activated = Some(true);
    ticket.appearance_damaged = Some(false);
    let reviewed = set_review(ctx, &mut ticket, applied);
    let received = set_parcel(ctx, &mut ticket, reviewed);
    set_freight(ctx, &mut ticket, brand, cause, true);
    set_return_leg(ctx, &mut ticket, brand, cause, true);
    let approved = ctx.days_later(received, 0, 1);
    let n = ctx.rng.random_range(1..=repair_days(ctx, brand));
    let repaired = ctx.working_day_time(approved.date(), n)?;
    let returned = ctx.days_later(repaired, 0, 1);
    ticket.repair_approved_at = local(approved);
    ticket.repaired_at = local(repaired);
    ticket.returned_to_customer_at = local(returned);
    Ok(ticket)
}

/// A paid repair the customer agreed to: man-made damage, or quality out of warranty
/// (`in_warranty` false). Quoted, paid, repaired within 1–2 working days, sent back.
pub(super) fn paid_repair(
    ctx: &mut Ctx<'_>,
    brand: Brand,
    cause: Cause,
    delivered: NaiveDate,
    applied: NaiveDateTime,
    in_warranty: bool,
) -> Result<Ticket, NotCovered> {
    let mut ticket = base(ctx, brand);
    set_purchase(ctx, &mut ticket, brand, delivered);
    ticket.service_type = Some(ServiceType::Repair);
    ticket.cause = Some(cause);
    ticket.decision = Some(Decision::PaidRepair);
    ticket.activated = Some(true);
    ticket.appearance_damaged = Some(cause == Cause::ManMade);
    let reviewed = set_review(ctx, &mut ticket, applied);
    let received = set_parcel(ctx, &mut ticket, reviewed);
    set_freight(ctx, &mut ticket, brand, cause, in_warranty);
    set_return_leg(ctx, &mut ticket, brand, cause, in_warranty);
    let quoted = ctx.days_later(received, 1, 2);
    let paid = ctx.days_later(quoted, 0, 3);
    let approved = plus_minutes(paid, ctx.rng.random_range(10..=90));
    let n = ctx.rng.random_range(1..=repair_days(ctx, brand));
    let repaired = ctx.working_day_time(approved.date(), n)?;
    let returned = ctx.days_later(repaired, 0, 1);
    ticket.quote_notified_at = local(quoted);
    ticket.paid_at = local(paid);
    ticket.repair_approved_at = local(approved);
    ticket.repaired_at = local(repaired);
    ticket.returned_to_customer_at = local(returned);
    ticket.repair_fee = Some(yuan(*catalog::pick(
        ctx.rng,
        &[59, 89, 129, 199, 299, 459, 699],
    )));
    Ok(ticket)
}

/// A paid repair quoted but declined: the device went back unrepaired, nothing was paid.
pub(super) fn declined_quote(
    ctx: &mut Ctx<'_>,
    brand: Brand,
    delivered: NaiveDate,
    applied: NaiveDateTime,
) -> Result<Ticket, NotCovered> {
    let mut ticket = paid_repair(ctx, brand, Cause::ManMade, delivered, applied, false)?;
    let quoted = ticket.quote_notified_at;
    ticket.paid_at = None;
    ticket.repair_approved_at = None;
    ticket.repaired_at = None;
    ticket.repair_fee = None;
    if let Some(crate::ticket::When::Local(quoted)) = quoted {
        ticket.returned_to_customer_at = local(ctx.days_later(quoted, 3, 10));
    }
    Ok(ticket)
}

/// An application turned down at review: nothing was sent in.
pub(super) fn rejected(
    ctx: &mut Ctx<'_>,
    brand: Brand,
    service: ServiceType,
    cause: Cause,
    delivered: NaiveDate,
    applied: NaiveDateTime,
) -> Ticket {
    let mut ticket = base(ctx, brand);
    set_purchase(ctx, &mut ticket, brand, delivered);
    ticket.service_type = Some(service);
    ticket.cause = Some(cause);
    ticket.decision = Some(Decision::Rejected);
    ticket.activated = Some(true);
    ticket.appearance_damaged = Some(matches!(cause, Cause::ManMade | Cause::Cosmetic));
    set_review(ctx, &mut ticket, applied);
    ticket
}

/// An application still open at the as-of: reviewed, nothing decided or received yet.
pub(super) fn pending(
    ctx: &mut Ctx<'_>,
    brand: Brand,
    service: ServiceType,
    cause: Cause,
    delivered: NaiveDate,
    applied: NaiveDateTime,
) -> Ticket {
    let mut ticket = rejected(ctx, brand, service, cause, delivered, applied);
    ticket.decision = None;
    ticket
}

/// A random applied date for a closed ticket, and a random start `min..=max` days before it
/// (never before the sample's first date).
pub(super) fn applied_and_start(
    ctx: &mut Ctx<'_>,
    from: NaiveDate,
    to: NaiveDate,
    min_days: i64,
    max_days: i64,
) -> (NaiveDateTime, NaiveDate) {
    let applied_day = date_between(ctx.rng, from, to);
    let room = (applied_day - super::timeline::first_date()).num_days();
    let max_days = max_days.min(room).max(0);
    let min_days = min_days.min(max_days);
    let start = plus_days(applied_day, -ctx.rng.random_range(min_days..=max_days));
    (time_between(ctx.rng, applied_day, 8, 22), start)
}

/// The most working days a compliant ticket takes for a step with this deadline: `usual`, or
/// fewer so as to stay two working days clear of the deadline.
fn inside(deadline: Option<&crate::policy::WorkingDayDeadline>, usual: u32) -> u32 {
    deadline.map_or(usual, |d| d.working_days.saturating_sub(2).clamp(1, usual))
}

/// Working days from approval to repair: at most 2, and clear of the repair turnaround.
fn repair_days(ctx: &Ctx<'_>, brand: Brand) -> u32 {
    let turnaround = ctx.policy(brand).params.repair_turnaround.as_ref();
    turnaround.map_or(2, |d| d.working_days.saturating_sub(1).clamp(1, 2))
}

/// Days from the window's start to its last allowed day.
pub(super) fn last_day_offset(window: &Window) -> i64 {
    let days = i64::from(window.days);
    match window.counting {
        crate::policy::Counting::Inclusive => days - 1,
        crate::policy::Counting::After => days,
    }
}
