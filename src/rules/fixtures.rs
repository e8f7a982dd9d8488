//! Hand-built policies, calendar and ticket values for the rule unit tests: the five shipped
//! policies as RULES.md reads them, and a `cn` calendar with National Day 2025 and Spring
//! Festival 2026.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::calendar::{Calendar, CalendarSet, DayKind, SpecialDay};
use crate::policy::{
    Clause, Counting, DayLimit, Deduction, Exclusions, FreightRules, HourSla, Params, Period,
    PeriodLimit, Policy, RefundCycle, ReturnConditions, ReturnLeg, Warranty, WarrantyTerm, Window,
    WorkingDayDeadline,
};
use crate::ticket::{Cause, Column, When};

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A local datetime `2025-10-01 14:30`.
pub fn at(text: &str) -> Option<When> {
    Some(When::Local(
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap(),
    ))
}

pub fn on(text: &str) -> Option<When> {
    Some(When::Date(date(text)))
}

pub fn yuan(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

/// The end of a day in Asia/Shanghai, as `--as-of DATE` gives it.
pub fn end_of(text: &str) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&date(text).and_hms_opt(23, 59, 59).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

pub fn calendars() -> CalendarSet {
    let mut special = BTreeMap::new();
    let mut mark = |from: &str, to: &str, kind: DayKind, name: &str| {
        let mut day = date(from);
        while day <= date(to) {
            let name = name.to_string();
            special.insert(day, SpecialDay { kind, name });
            day = day.succ_opt().unwrap();
        }
    };
    mark("2025-10-01", "2025-10-08", DayKind::Holiday, "National Day");
    mark(
        "2025-09-28",
        "2025-09-28",
        DayKind::MakeupWorkday,
        "National Day",
    );
    mark(
        "2025-10-11",
        "2025-10-11",
        DayKind::MakeupWorkday,
        "National Day",
    );
    mark(
        "2026-02-15",
        "2026-02-23",
        DayKind::Holiday,
        "Spring Festival",
    );
    mark(
        "2026-02-14",
        "2026-02-14",
        DayKind::MakeupWorkday,
        "Spring Festival",
    );
    mark(
        "2026-02-28",
        "2026-02-28",
        DayKind::MakeupWorkday,
        "Spring Festival",
    );
    CalendarSet::from_calendars([Calendar::new("cn", "China", 2024, 2026, special, "")])
}

const COMMON_CAUSES: [Cause; 3] = [Cause::ManMade, Cause::ForceMajeure, Cause::Cosmetic];

fn exclusions(clause: &str, when_true: &[Column], when_false: &[Column]) -> Exclusions {
    Exclusions {
        causes: COMMON_CAUSES.to_vec(),
        when_true: [Column::LabelTampered, Column::UnauthorizedRepair]
            .into_iter()
            .chain(when_true.iter().copied())
            .collect(),
        when_false: [Column::AuthorizedChannel]
            .into_iter()
            .chain(when_false.iter().copied())
            .collect(),
        clause: clause.into(),
    }
}

fn term(starts: &[Column], period: Period) -> WarrantyTerm {
    WarrantyTerm {
        starts: starts.to_vec(),
        earlier_if_known: Vec::new(),
        period,
        by_category: BTreeMap::new(),
    }
}

fn warranty(with_proof: WarrantyTerm, clause: &str) -> Warranty {
    Warranty {
        with_proof,
        without_proof: None,
        extension_after_repair: None,
        clause: clause.into(),
        extension_clause: None,
    }
}

fn no_freight() -> FreightRules {
    FreightRules {
        company_bears: Vec::new(),
        company_bears_only_in_warranty: false,
        company_bears_clause: None,
        customer_bears: None,
        customer_bears_clause: None,
        deduction: None,
        return_leg: None,
        collect_refused_clause: None,
    }
}

fn params(warranty: Warranty, exclusions: Exclusions) -> Params {
    Params {
        return_window: None,
        exchange_window: None,
        return_conditions: None,
        warranty: Some(warranty),
        exclusions,
        freight: no_freight(),
        review_sla: None,
        refund_cycle: None,
        exchange_turnaround: None,
        repair_turnaround: None,
        receipt_close: None,
        unpaid_hold: None,
        customer_shipment: None,
        exchange_same_model_clause: None,
        free_service_clause: None,
        exchange_in_warranty_clause: None,
    }
}

fn policy(id: &str, name: &str, params: Params) -> Policy {
    Policy {
        id: id.into(),
        name: name.into(),
        aliases: Vec::new(),
        currency: "CNY".into(),
        timezone: chrono_tz::Asia::Shanghai,
        calendar: "cn".into(),
        version: "2025.1".into(),
        effective_from: date("2000-01-01"),
        effective_to: None,
        clauses: BTreeMap::from([(
            "R1".to_string(),
            Clause {
                quote: String::new(),
            },
        )]),
        assumptions: Vec::new(),
        params,
        sha256: String::new(),
        origin: "built-in".into(),
        source: String::new(),
    }
}

fn window(days: u32, counting: Counting, causes: &[Cause], clause: &str) -> Window {
    Window {
        days,
        counting,
        from: Column::DeliveredAt,
        causes: causes.to_vec(),
        clause: clause.into(),
    }
}

pub fn joining() -> Policy {
    let mut p = params(
        warranty(term(&[Column::DeliveredAt], Period::Months(12)), "W2.4"),
        exclusions("W3", &[], &[]),
    );
    p.return_window = Some(window(
        7,
        Counting::Inclusive,
        &[Cause::NoReason, Cause::Quality],
        "R1",
    ));
    p.exchange_window = Some(window(15, Counting::Inclusive, &[Cause::Quality], "R1"));
    p.return_conditions = Some(ReturnConditions {
        package_complete: true,
        no_appearance_damage: true,
        not_activated: false,
        clause: "W2.1".into(),
    });
    p.freight.company_bears = vec![Cause::Quality, Cause::Logistics];
    p.freight.company_bears_clause = Some("R3.1".into());
    p.freight.customer_bears = Some(vec![Cause::NoReason]);
    p.freight.customer_bears_clause = Some("R3.2".into());
    p.freight.deduction = Some(Deduction {
        amount: Decimal::new(2000, 2),
        causes: vec![Cause::NoReason],
        exempt_sf: true,
        exempt_remote_area: true,
        clause: "R3.2".into(),
    });
    p.review_sla = Some(HourSla {
        hours: 24,
        clause: "S2".into(),
    });
    p.refund_cycle = Some(RefundCycle {
        earliest_working_days: 3,
        latest_working_days: 5,
        clause: "S4.1".into(),
    });
    p.exchange_turnaround = Some(WorkingDayDeadline {
        working_days: 7,
        clause: "S4.2".into(),
    });
    p.exchange_same_model_clause = Some("R4".into());
    p.free_service_clause = Some("W2.4".into());
    policy("joining", "JOINING", p)
}

pub fn changkong() -> Policy {
    let mut w = warranty(term(&[Column::PurchasedAt], Period::Days(180)), "I.1");
    w.without_proof = Some(term(&[Column::FactoryShippedAt], Period::Days(240)));
    w.extension_after_repair = Some(Period::Days(60));
    w.extension_clause = Some("I.1".into());
    let mut p = params(w, exclusions("B2.4", &[], &[]));
    p.return_window = Some(window(
        7,
        Counting::After,
        &[Cause::NoReason, Cause::Quality],
        "B1",
    ));
    p.return_conditions = Some(ReturnConditions {
        package_complete: true,
        no_appearance_damage: true,
        not_activated: true,
        clause: "B1".into(),
    });
    p.freight.company_bears = vec![Cause::Quality];
    p.freight.company_bears_only_in_warranty = true;
    p.freight.company_bears_clause = Some("III.1".into());
    p.freight.customer_bears = Some(vec![
        Cause::NoReason,
        Cause::Logistics,
        Cause::ManMade,
        Cause::ForceMajeure,
        Cause::Cosmetic,
        Cause::Software,
    ]);
    p.freight.customer_bears_clause = Some("III.1".into());
    p.freight.return_leg = Some(ReturnLeg::CausesInWarranty {
        causes: vec![Cause::Quality],
        clause: "III.1".into(),
    });
    p.repair_turnaround = Some(WorkingDayDeadline {
        working_days: 3,
        clause: "IV.5".into(),
    });
    p.free_service_clause = Some("I.1".into());
    p.customer_shipment = Some(DayLimit {
        days: 7,
        clause: "B2.7".into(),
    });
    policy("changkong", "Changkong", p)
}

pub fn xinji() -> Policy {
    let w = warranty(
        term(
            &[Column::ActivatedAt, Column::PurchasedAt],
            Period::Months(12),
        ),
        "D",
    );

    let mut p = params(
        w,
        exclusions(
            "E",
            &[Column::PurchasedOverseas],
            &[Column::ProofOfPurchase],
        ),
    );
    p.free_service_clause = Some("P".into());
    p.exchange_in_warranty_clause = Some("P".into());
    policy("xinji", "XINJI", p)
}

pub fn handset_oem() -> Policy {
    let w = warranty(term(&[Column::DeliveredAt], Period::Months(12)), "T2");

    let mut p = params(w, exclusions("T3", &[], &[]));
    p.freight.customer_bears_clause = Some("T1".into());
    p.exchange_in_warranty_clause = Some("T2".into());
    p.free_service_clause = Some("T2".into());
    policy("handset-oem", "handset-oem", p)
}

pub fn repair_service() -> Policy {
    let mut with_proof = term(&[Column::PurchasedAt], Period::Months(12));
    with_proof.earlier_if_known = vec![Column::DeliveredAt];
    let mut w = warranty(with_proof, "2.4");
    w.without_proof = Some(term(&[Column::FactoryShippedAt], Period::Months(12)));
    let mut p = params(w, exclusions("1.3", &[], &[]));
    p.freight.customer_bears_clause = Some("2.1".into());
    p.freight.return_leg = Some(ReturnLeg::Always {
        clause: "2.1".into(),
    });
    p.freight.collect_refused_clause = Some("2.1".into());
    p.receipt_close = Some(DayLimit {
        days: 15,
        clause: "4.2".into(),
    });
    p.unpaid_hold = Some(PeriodLimit {
        period: Period::Months(1),
        clause: "2.6".into(),
    });
    p.free_service_clause = Some("1.3".into());
    policy("repair-service", "repair-service", p)
}

#[test]
fn the_fixtures_are_the_shipped_policies() {
    let shipped = crate::policy::PolicySet::load(None).expect("the shipped policies load");
    for fixture in [
        joining(),
        changkong(),
        xinji(),
        handset_oem(),
        repair_service(),
    ] {
        let policy = shipped.versions_of(&fixture.id).next().expect("shipped");
        assert_eq!(policy.params, fixture.params, "{}", fixture.id);
    }
}
