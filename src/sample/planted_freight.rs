//! Planted freight violations with their known answers: who bears the customer→company
//! parcel, the fixed deduction and its exemptions, the return leg, pay on delivery.

use rust_decimal::Decimal;

use super::build::{self, Ctx};
use super::catalog::Brand;
use super::planted::{joining_no_reason, random_dates};
use super::timeline::yuan;
use super::{Draft, Expected, Target};
use crate::calendar::NotCovered;
use crate::finding::Severity;
use crate::ticket::{Cause, FreightPayer, FreightPayment, Ticket};

/// A JOINING no-reason return paid on delivery through `courier`, with `deducted` taken.
fn joining_collect(
    ctx: &mut Ctx<'_>,
    courier: &str,
    deducted: Decimal,
) -> Result<Ticket, NotCovered> {
    let mut ticket = joining_no_reason(ctx)?;
    ticket.courier = Some(courier.into());
    ticket.remote_area = None;
    ticket.freight_payment = Some(FreightPayment::Collect);
    ticket.freight_payer = Some(FreightPayer::Customer);
    set_deduction(&mut ticket, deducted);
    Ok(ticket)
}

fn set_deduction(ticket: &mut Ticket, deducted: Decimal) {
    ticket.freight_deducted = Some(deducted);
    ticket.refund_amount = ticket.order_amount.map(|paid| paid - deducted);
}

fn changkong_repair(ctx: &mut Ctx<'_>, cause: Cause) -> Result<Ticket, NotCovered> {
    let (applied, delivered) = random_dates(ctx, 16, 150);
    build::free_repair(ctx, Brand::Changkong, cause, delivered, applied)
}

fn brand_repair(ctx: &mut Ctx<'_>, brand: Brand) -> Result<Ticket, NotCovered> {
    let (applied, delivered) = random_dates(ctx, 16, 150);
    build::free_repair(ctx, brand, Cause::Quality, delivered, applied)
}

pub(super) fn freight(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    freight_on_quality(ctx, out)?;
    if let Some(deduction) = ctx.policy(Brand::Joining).params.freight.deduction.as_ref() {
        deductions(ctx, out, deduction.amount)?;
    }
    return_leg(ctx, out)?;
    freight_not_recovered(ctx, out)
}

/// Freight the policy puts on the company for quality cases, left on the customer.
fn freight_on_quality(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    use Severity::Violation;
    let deduction = ctx.policy(Brand::Joining).params.freight.deduction.as_ref();
    let deducted = deduction.map_or(yuan(20), |d| d.amount);
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

    // JOINING R3.1: quality return paid on delivery, yet the R3.2 deduction taken as if
    // no-reason.
    let (applied, delivered) = random_dates(ctx, 1, 6);
    let mut t = build::refund(ctx, Brand::Joining, Cause::Quality, delivered, applied)?;
    t.freight_payer = Some(FreightPayer::Company);
    t.freight_payment = Some(FreightPayment::Collect);
    set_deduction(&mut t, deducted);
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.charged-on-quality", Violation).amount(Some(deducted))),
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

    Ok(())
}

/// JOINING R3.2 deductions of `amount`: 5.00 over, 5.00 short, right; exempt parcels; and a
/// deduction on a prepaid parcel.
fn deductions(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>, amount: Decimal) -> Result<(), NotCovered> {
    use Severity::{Violation, Warning};
    let t = joining_collect(ctx, "ZTO Express", amount + yuan(5))?;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.deduction-mismatch", Violation).amount(Some(yuan(5)))),
    );
    let t = joining_collect(ctx, "Yunda", amount - yuan(5))?;
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.deduction-mismatch", Warning).amount(Some(yuan(5)))),
    );
    let t = joining_collect(ctx, "YTO Express", amount)?;
    out.push(Draft::new(t, Target::Any));
    // Exempt parcels: SF without deduction, 顺丰 with one (flagged by no rule), a remote area.
    let mut t = joining_collect(ctx, "SF Express", yuan(0))?;
    t.freight_payer = None;
    out.push(Draft::new(t, Target::En));
    let t = joining_collect(ctx, "SF Express", amount)?;
    out.push(Draft::new(t, Target::Zh));
    let mut t = joining_collect(ctx, "EMS", yuan(0))?;
    t.remote_area = Some(true);
    t.freight_payer = None;
    out.push(Draft::new(t, Target::Any));

    // JOINING R3.2: prepaid by the customer and the deduction taken as well.
    let mut t = joining_no_reason(ctx)?;
    t.freight_payment = Some(FreightPayment::Prepaid);
    t.freight_payer = Some(FreightPayer::Customer);
    set_deduction(&mut t, amount);
    out.push(
        Draft::new(t, Target::Any)
            .expect(Expected::new("freight.deduction-on-prepaid", Violation).amount(Some(amount))),
    );
    Ok(())
}

fn return_leg(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    use Severity::Violation;
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

    Ok(())
}

fn freight_not_recovered(ctx: &mut Ctx<'_>, out: &mut Vec<Draft>) -> Result<(), NotCovered> {
    use Severity::Warning;
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
    set_deduction(&mut t, yuan(0));
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
