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
    use Case::*;
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
pub fn ticket(ctx: &mut Ctx<'_>, brand: Brand) -> Result<Ticket, NotCovered> {
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
    let (from, to) = closed_range();
    // Return windows: JOINING counts the delivery day as day 1 (7 days ⇒ at most 6 days
    // after), Changkong counts 7 days after.
    let return_days = if brand == Brand::Joining { 6 } else { 7 };
    Ok(match case {
        Case::NoReasonRefund | Case::QualityRefund | Case::LogisticsRefund => {
            let cause = match case {
                Case::NoReasonRefund => Cause::NoReason,
                Case::QualityRefund => Cause::Quality,
                _ => Cause::Logistics,
            };
            let (applied, delivered) = applied_and_start(ctx, from, to, 1, return_days);
            build::refund(ctx, brand, cause, delivered, applied)?
        }
        Case::QualityExchange => {
            // JOINING: inside the 15-day exchange window; others: well inside the warranty.
            let (min, max) = if brand == Brand::Joining {
                (1, 14)
            } else {
                (10, 330)
            };
            let (applied, delivered) = applied_and_start(ctx, from, to, min, max);
            build::exchange(ctx, brand, delivered, applied)?
        }
        Case::QualityRepair | Case::SoftwareRepair => {
            let cause = if case == Case::SoftwareRepair {
                Cause::Software
            } else {
                Cause::Quality
            };
            // Changkong's warranty is 180 days from purchase, repair-service's length is set
            // per category by its policy file: keep well inside both.
            let max = match brand {
                Brand::Changkong | Brand::RepairService => 150,
                _ => 330,
            };
            let (applied, delivered) = applied_and_start(ctx, from, to, 16, max);
            build::free_repair(ctx, brand, cause, delivered, applied)?
        }
        Case::ManMadePaidRepair => {
            let (applied, delivered) = applied_and_start(ctx, from, to, 10, 500);
            build::paid_repair(ctx, brand, Cause::ManMade, delivered, applied, true)?
        }
        Case::QualityPaidOutOfWarranty => {
            // Past every warranty: 12 months (JOINING, XINJI, handset-oem) or 180 days
            // from purchase (Changkong).
            let min = if brand == Brand::Changkong { 220 } else { 400 };
            let (applied, delivered) = applied_and_start(ctx, ymd(2026, 3, 1), to, min, 650);
            build::paid_repair(ctx, brand, Cause::Quality, delivered, applied, false)?
        }
        Case::DeclinedQuote => {
            let (applied, delivered) = applied_and_start(ctx, from, to, 10, 500);
            build::declined_quote(ctx, brand, delivered, applied)?
        }
        Case::RejectedLateReturn => {
            let (applied, delivered) = applied_and_start(ctx, from, to, 10, 40);
            build::rejected(
                ctx,
                brand,
                ServiceType::Return,
                Cause::NoReason,
                delivered,
                applied,
            )
        }
        Case::RejectedActivatedReturn => {
            let (applied, delivered) = applied_and_start(ctx, from, to, 1, return_days);
            let mut ticket = build::rejected(
                ctx,
                brand,
                ServiceType::Return,
                Cause::NoReason,
                delivered,
                applied,
            );
            ticket.activated = Some(true);
            ticket.package_complete = Some(true);
            ticket.appearance_damaged = Some(false);
            ticket
        }
        Case::RejectedCosmetic => {
            let service = if brand == Brand::Joining {
                ServiceType::Return
            } else {
                ServiceType::Exchange
            };
            let max = if brand == Brand::Joining {
                return_days
            } else {
                300
            };
            let (applied, delivered) = applied_and_start(ctx, from, to, 1, max);
            build::rejected(ctx, brand, service, Cause::Cosmetic, delivered, applied)
        }
        Case::RejectedOverseas => {
            let (applied, delivered) = applied_and_start(ctx, from, to, 10, 300);
            let mut ticket = build::rejected(
                ctx,
                brand,
                ServiceType::Repair,
                Cause::Quality,
                delivered,
                applied,
            );
            ticket.purchased_overseas = Some(true);
            ticket
        }
        Case::RejectedTampered => {
            let (applied, delivered) = applied_and_start(ctx, from, to, 10, 300);
            let mut ticket = build::rejected(
                ctx,
                brand,
                ServiceType::Repair,
                Cause::ManMade,
                delivered,
                applied,
            );
            ticket.label_tampered = Some(true);
            ticket
        }
        Case::Pending => {
            let day = super::timeline::date_between(
                ctx.rng,
                ymd(2026, 11, 9),
                plus_days(last_date(), -1),
            );
            let applied = time_between(ctx.rng, day, 8, 22);
            let back = ctx.rng.random_range(16..=120);
            let delivered = plus_days(day, -back).max(first_date());
            let (service, cause) = match brand {
                Brand::Joining | Brand::HandsetOem | Brand::Xinji => {
                    (ServiceType::Repair, Cause::Quality)
                }
                Brand::Changkong => (ServiceType::Repair, Cause::Software),
                Brand::RepairService => (ServiceType::Repair, Cause::Quality),
            };
            build::pending(ctx, brand, service, cause, delivered, applied)
        }
    })
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
