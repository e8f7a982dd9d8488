//! The bulk of the sample: random tickets that comply with their policy under every rule.
//! Each brand has a mix of cases typical of it; every case keeps clear of the rules' limits.

use rand::Rng;

use super::build::{self, applied_and_start, Ctx};
use super::catalog::Brand;
use super::timeline::{first_date, last_date, plus_days, time_between, ymd};
use crate::calendar::NotCovered;
use crate::ticket::{Cause, ServiceType, Ticket};

/// The kinds of case, each with a weight per brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    NoReasonRefund,
    QualityRefund,
    LogisticsRefund,
    QualityExchange,
    QualityRepair,
    SoftwareRepair,
    ManMadePaidRepair,
    QualityPaidOutOfWarranty,
    DeclinedQuote,
    RejectedLateReturn,
    RejectedActivatedReturn,
    RejectedCosmetic,
    RejectedOverseas,
    RejectedTampered,
    Pending,
}

fn mix(brand: Brand) -> &'static [(Case, u32)] {
    use Case::{
        DeclinedQuote, LogisticsRefund, ManMadePaidRepair, NoReasonRefund, Pending,
        QualityExchange, QualityPaidOutOfWarranty, QualityRefund, QualityRepair,
        RejectedActivatedReturn, RejectedCosmetic, RejectedLateReturn, RejectedOverseas,
        RejectedTampered, SoftwareRepair,
    };
    match brand {
        Brand::Joining => &[
            (NoReasonRefund, 30),
            (QualityRefund, 12),
            (LogisticsRefund, 5),
            (QualityExchange, 12),
            (QualityRepair, 15),
            (ManMadePaidRepair, 10),
            (QualityPaidOutOfWarranty, 4),
            (RejectedLateReturn, 6),
            (RejectedCosmetic, 4),
            (Pending, 2),
        ],
        Brand::Changkong => &[
            (NoReasonRefund, 25),
            (QualityRefund, 12),
            (QualityRepair, 20),
            (SoftwareRepair, 8),
            (ManMadePaidRepair, 15),
            (QualityPaidOutOfWarranty, 8),
            (RejectedActivatedReturn, 6),
            (Pending, 2),
        ],
        Brand::Xinji => &[
            (QualityRepair, 35),
            (QualityExchange, 20),
            (ManMadePaidRepair, 20),
            (QualityPaidOutOfWarranty, 10),
            (RejectedOverseas, 5),
            (RejectedCosmetic, 8),
            (Pending, 2),
        ],
        Brand::HandsetOem => &[
            (QualityRepair, 35),
            (QualityExchange, 15),
            (ManMadePaidRepair, 20),
            (QualityPaidOutOfWarranty, 10),
            (RejectedCosmetic, 8),
            (Pending, 2),
        ],
        Brand::RepairService => &[
            (QualityRepair, 40),
            (ManMadePaidRepair, 25),
            (DeclinedQuote, 8),
            (RejectedTampered, 8),
            (Pending, 2),
        ],
    }
}

/// Closed tickets are applied for in this range, so that every event of their timeline
/// (at most about four weeks) lies before the sample as-of.
fn closed_range() -> (chrono::NaiveDate, chrono::NaiveDate) {
    (ymd(2025, 1, 20), ymd(2026, 10, 15))
}

/// One random compliant ticket of `brand`.
pub(super) fn ticket(ctx: &mut Ctx<'_>, brand: Brand) -> Result<Ticket, NotCovered> {
    let weights = mix(brand);
    let total: u32 = weights.iter().map(|(_, w)| w).sum();
    let mut roll = ctx.rng.random_range(0..total);
    let mut case = weights[0].0;
    for (candidate, weight) in weights {
        if roll < *weight {
            case = *candidate;
            break;
        }
        roll -= weight;
    }
    build_case(ctx, brand, case)
}

fn build_case(ctx: &mut Ctx<'_>, brand: Brand, case: Case) -> Result<Ticket, NotCovered> {
    Ok(match case {
        Case::NoReasonRefund => refund(ctx, brand, Cause::NoReason)?,
        Case::QualityRefund => refund(ctx, brand, Cause::Quality)?,
        Case::LogisticsRefund => refund(ctx, brand, Cause::Logistics)?,
        Case::QualityExchange => exchange(ctx, brand)?,
        Case::QualityRepair => free_repair(ctx, brand, Cause::Quality)?,
        Case::SoftwareRepair => free_repair(ctx, brand, Cause::Software)?,
        Case::ManMadePaidRepair | Case::QualityPaidOutOfWarranty | Case::DeclinedQuote => {
            paid_repair(ctx, brand, case)?
        }
        Case::RejectedLateReturn
        | Case::RejectedActivatedReturn
        | Case::RejectedCosmetic
        | Case::RejectedOverseas
        | Case::RejectedTampered => rejected(ctx, brand, case),
        Case::Pending => pending(ctx, brand),
    })
}

/// Days from delivery to the last day of the policy's return window (7 when it has none).
fn return_days(ctx: &Ctx<'_>, brand: Brand) -> i64 {
    let window = ctx.policy(brand).params.return_window.as_ref();
    window.map_or(7, build::last_day_offset)
}

fn refund(ctx: &mut Ctx<'_>, brand: Brand, cause: Cause) -> Result<Ticket, NotCovered> {
    let (from, to) = closed_range();
    let (applied, delivered) = applied_and_start(ctx, from, to, 1, return_days(ctx, brand));
    build::refund(ctx, brand, cause, delivered, applied)
}

fn exchange(ctx: &mut Ctx<'_>, brand: Brand) -> Result<Ticket, NotCovered> {
    let (from, to) = closed_range();
    // Inside the exchange window where the policy has one; otherwise well inside the warranty.
    let (min, max) = match &ctx.policy(brand).params.exchange_window {
        Some(window) => (1, build::last_day_offset(window)),
        None => (10, 330),
    };
    let (applied, delivered) = applied_and_start(ctx, from, to, min, max);
    build::exchange(ctx, brand, delivered, applied)
}

fn free_repair(ctx: &mut Ctx<'_>, brand: Brand, cause: Cause) -> Result<Ticket, NotCovered> {
    let (from, to) = closed_range();
    // Changkong's warranty is 180 days from purchase, repair-service's length is set
    // per category by its policy file: keep well inside both.
    let max = match brand {
        Brand::Changkong | Brand::RepairService => 150,
        _ => 330,
    };
    let (applied, delivered) = applied_and_start(ctx, from, to, 16, max);
    build::free_repair(ctx, brand, cause, delivered, applied)
}

fn paid_repair(ctx: &mut Ctx<'_>, brand: Brand, case: Case) -> Result<Ticket, NotCovered> {
    let (from, to) = closed_range();
    if case == Case::QualityPaidOutOfWarranty {
        // Past every warranty: 12 months (JOINING, XINJI, handset-oem) or 180 days
        // from purchase (Changkong).
        let min = if brand == Brand::Changkong { 220 } else { 400 };
        let (applied, delivered) = applied_and_start(ctx, ymd(2026, 3, 1), to, min, 650);
        return build::paid_repair(ctx, brand, Cause::Quality, delivered, applied, false);
    }
    let (applied, delivered) = applied_and_start(ctx, from, to, 10, 500);
    if case == Case::DeclinedQuote {
        build::declined_quote(ctx, brand, delivered, applied)
    } else {
        build::paid_repair(ctx, brand, Cause::ManMade, delivered, applied, true)
    }
}

fn rejected(ctx: &mut Ctx<'_>, brand: Brand, case: Case) -> Ticket {
    let (from, to) = closed_range();
    let return_days = return_days(ctx, brand);
    let has_return_window = ctx.policy(brand).params.return_window.is_some();
    let (min, max, service, cause) = match case {
        Case::RejectedLateReturn => (10, 40, ServiceType::Return, Cause::NoReason),
        Case::RejectedActivatedReturn => (1, return_days, ServiceType::Return, Cause::NoReason),
        Case::RejectedCosmetic if has_return_window => {
            (1, return_days, ServiceType::Return, Cause::Cosmetic)
        }
        Case::RejectedCosmetic => (1, 300, ServiceType::Exchange, Cause::Cosmetic),
        Case::RejectedOverseas => (10, 300, ServiceType::Repair, Cause::Quality),
        _ => (10, 300, ServiceType::Repair, Cause::ManMade),
    };
    let (applied, delivered) = applied_and_start(ctx, from, to, min, max);
    let mut ticket = build::rejected(ctx, brand, service, cause, delivered, applied);
    match case {
        Case::RejectedActivatedReturn => {
            ticket.activated = Some(true);
            ticket.package_complete = Some(true);
            ticket.appearance_damaged = Some(false);
        }
        Case::RejectedOverseas => ticket.purchased_overseas = Some(true),
        Case::RejectedTampered => ticket.label_tampered = Some(true),
        _ => {}
    }
    ticket
}

fn pending(ctx: &mut Ctx<'_>, brand: Brand) -> Ticket {
    let day = super::timeline::date_between(ctx.rng, ymd(2026, 11, 9), plus_days(last_date(), -1));
    let applied = time_between(ctx.rng, day, 8, 22);
    let back = ctx.rng.random_range(16..=120);
    let delivered = plus_days(day, -back).max(first_date());
    let cause = if brand == Brand::Changkong {
        Cause::Software
    } else {
        Cause::Quality
    };
    build::pending(ctx, brand, ServiceType::Repair, cause, delivered, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_brand_has_a_mix_with_weight() {
        for brand in Brand::ALL {
            assert!(mix(brand).iter().map(|(_, w)| w).sum::<u32>() > 0);
        }
    }
}
