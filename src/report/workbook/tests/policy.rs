//! A JOINING-like policy version for the workbook tests.

use std::collections::BTreeMap;

use crate::policy::*;
use crate::ticket::{Cause, Column};

use super::fixture::money;

fn date(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn joining() -> Policy {
    let clause = |quote: &str| Clause {
        quote: quote.to_owned(),
    };
    let clauses: BTreeMap<String, Clause> = [
        ("R1", "return within 7 days of signing"),
        ("R3.1", "quality: we bear the freight"),
        ("R3.2", "personal reason: 20 yuan deducted on pay-on-return"),
        ("S2", "review within 24 hours"),
        ("S4.1", "refund within 3-5 working days"),
        ("S4.2", "exchange shipped within 7 working days"),
        ("W2.4", "one-year repair"),
        ("W3", "exclusions"),
    ]
    .into_iter()
    .map(|(id, quote)| (id.to_owned(), clause(quote)))
    .collect();
    Policy {
        id: "joining".into(),
        name: "JOINING after-sales policy".into(),
        aliases: vec!["JOINING".into(), "九鼎".into()],
        currency: "CNY".into(),
        timezone: chrono_tz::Asia::Shanghai,
        calendar: "cn".into(),
        version: "2025.1".into(),
        effective_from: date("2000-01-01"),
        effective_to: None,
        clauses,
        assumptions: vec!["refund_amount is the amount refunded".into()],
        params: Params {
            return_window: Some(Window {
                days: 7,
                counting: Counting::Inclusive,
                from: Column::DeliveredAt,
                causes: vec![Cause::NoReason, Cause::Quality],
                clause: "R1".into(),
            }),
            exchange_window: None,
            return_conditions: None,
            warranty: Some(Warranty {
                with_proof: WarrantyTerm {
                    starts: vec![Column::DeliveredAt],
                    period: Period::Months(12),
                    by_category: BTreeMap::new(),
                },
                without_proof: None,
                extension_after_repair: None,
                clause: "W2.4".into(),
                extension_clause: None,
            }),
            exclusions: Exclusions {
                causes: vec![Cause::ManMade, Cause::ForceMajeure, Cause::Cosmetic],
                when_true: vec![Column::LabelTampered],
                when_false: vec![Column::AuthorizedChannel],
                clause: "W3".into(),
            },
            freight: FreightRules {
                company_bears: vec![Cause::Quality, Cause::Logistics],
                company_bears_only_in_warranty: false,
                company_bears_clause: Some("R3.1".into()),
                customer_bears: Some(vec![Cause::NoReason]),
                customer_bears_clause: Some("R3.2".into()),
                deduction: Some(Deduction {
                    amount: money("20"),
                    causes: vec![Cause::NoReason],
                    exempt_sf: true,
                    exempt_remote_area: true,
                    clause: "R3.2".into(),
                }),
                return_leg: None,
                collect_refused_clause: None,
            },
            review_sla: Some(HourSla {
                hours: 24,
                clause: "S2".into(),
            }),
            refund_cycle: Some(RefundCycle {
                earliest_working_days: 3,
                latest_working_days: 5,
                clause: "S4.1".into(),
            }),
            exchange_turnaround: Some(WorkingDayDeadline {
                working_days: 7,
                clause: "S4.2".into(),
            }),
            repair_turnaround: None,
            receipt_close: None,
            unpaid_hold: None,
            customer_shipment: None,
            exchange_same_model_clause: None,
            free_service_clause: None,
        },
        sha256: "ab".repeat(32),
        origin: "built-in".into(),
    }
}
