//! Unit tests of the catalogue and of RULES.md's readings, on the shipped policies and calendars.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::fixtures::*;
use super::*;
use crate::finding::{Category, LateUnit, Severity};
use crate::ticket::{Cause, Decision, FreightPayer, FreightPayment, ServiceType};

fn run(ticket: &Ticket, policy: &Policy, as_of: DateTime<Utc>) -> Vec<RuleResult> {
    let calendars = calendars();
    let ctx = Context {
        as_of,
        calendars: &calendars,
        texts: crate::l10n::Texts::of(crate::l10n::Lang::En),
    };
    evaluate(ticket, policy, &ctx)
}

fn outcome(ticket: &Ticket, policy: &Policy, as_of: &str, rule: &str) -> Outcome {
    run(ticket, policy, end_of(as_of))
        .into_iter()
        .find(|r| r.rule == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
        .outcome
}

fn finding(outcome: Outcome) -> Finding {
    match outcome {
        Outcome::Flagged(finding) => *finding,
        other => panic!("expected a finding, got {other:?}"),
    }
}

fn refund(received: &str, refunded: Option<&str>) -> Ticket {
    Ticket {
        ticket_id: "T1".into(),
        decision: Some(Decision::Refund),
        applied_at: at("2025-09-20 10:00"),
        received_at: at(received),
        refunded_at: refunded.and_then(at),
        refund_amount: yuan("199.00"),
        ..Ticket::default()
    }
}

#[test]
fn evaluate_gives_one_result_per_rule_in_catalogue_order() {
    let per_ticket: Vec<&str> = CATALOGUE
        .iter()
        .map(|(rule, _)| *rule)
        .filter(|rule| *rule != DUPLICATE_TICKET)
        .collect();
    let results = run(&Ticket::default(), &joining(), end_of("2025-10-01"));
    let got: Vec<&str> = results.iter().map(|r| r.rule).collect();
    assert_eq!(got, per_ticket);
    for rule in RULES {
        assert_eq!(
            Category::of_rule(rule.id),
            Some(rule.category),
            "{}",
            rule.id
        );
        assert!(CATALOGUE.contains(&(rule.id, rule.category)), "{}", rule.id);
    }
    assert_eq!(CATALOGUE.len(), RULES.len());
    assert_eq!(RULE_COUNT, RULES.len() - 1);
}

#[test]
fn the_rules_md_refund_example_reads_as_written() {
    let ticket = refund("2025-09-29 10:00", Some("2025-10-14 09:00"));
    let found = finding(outcome(
        &ticket,
        &joining(),
        "2025-10-20",
        "refund-cycle.late",
    ));
    assert_eq!(
        found.explanation,
        "Refunded 2025-10-14, 1 working day after the deadline 2025-10-13: goods were put into \
         storage on 2025-09-29 and JOINING S4.1 allows 5 working days (cn calendar: National Day \
         holiday 10-01…10-08, 10-11 a make-up working day)."
    );
    assert_eq!(found.severity, Severity::Violation);
    assert_eq!(found.amount, Some(Decimal::new(19900, 2)));
    assert_eq!(found.late_by.unwrap().unit, LateUnit::WorkingDays);
    assert_eq!(found.late_by.unwrap().value, Decimal::ONE);
    assert_eq!(found.clause, "S4.1");
    let on_deadline = refund("2025-09-29 10:00", Some("2025-10-13 23:00"));
    assert_eq!(
        outcome(&on_deadline, &joining(), "2025-10-20", "refund-cycle.late"),
        Outcome::Passed
    );
}

#[test]
fn overdue_can_be_late_by_zero_on_the_weekend_after_the_deadline() {
    // Stored Fri 2025-11-07 → 5th working day Fri 2025-11-14; as-of Sat 11-15.
    let ticket = refund("2025-11-07 10:00", None);
    let found = finding(outcome(
        &ticket,
        &joining(),
        "2025-11-15",
        "refund-cycle.overdue",
    ));
    assert_eq!(found.late_by.unwrap().value, Decimal::ZERO);
    assert_eq!(
        outcome(&ticket, &joining(), "2025-11-14", "refund-cycle.overdue"),
        Outcome::Passed
    );
}

#[test]
fn before_receipt_wins_over_early() {
    let ticket = refund("2025-11-05 15:00", Some("2025-11-05 09:00"));
    assert!(matches!(
        outcome(
            &ticket,
            &joining(),
            "2025-12-01",
            "refund-cycle.before-receipt"
        ),
        Outcome::Flagged(_)
    ));
    assert_eq!(
        outcome(&ticket, &joining(), "2025-12-01", "refund-cycle.early"),
        Outcome::Passed
    );
    let same_day_after = refund("2025-11-05 09:00", Some("2025-11-05 15:00"));
    let early = finding(outcome(
        &same_day_after,
        &joining(),
        "2025-12-01",
        "refund-cycle.early",
    ));
    assert_eq!(early.severity, Severity::Info);
}

#[test]
fn only_rules_that_need_an_uncovered_date_are_not_evaluable() {
    let mut ticket = refund("2027-01-04 10:00", Some("2027-01-20 10:00"));
    ticket.applied_at = at("2027-01-01 10:00");
    ticket.reviewed_at = at("2027-01-03 10:00");
    let results = run(&ticket, &joining(), end_of("2027-02-01"));
    let of = |rule: &str| {
        results
            .iter()
            .find(|r| r.rule == rule)
            .unwrap()
            .outcome
            .clone()
    };
    let reason = Outcome::NotEvaluable("calendar does not cover 2027".into());
    assert_eq!(of("refund-cycle.late"), reason);
    assert_eq!(of("refund-cycle.early"), reason);
    assert_eq!(of("refund-cycle.before-receipt"), Outcome::Passed);
    assert!(matches!(of("review-sla.late"), Outcome::Flagged(_)));
}

#[test]
fn review_sla_counts_exact_seconds() {
    let mut ticket = Ticket {
        applied_at: at("2025-10-01 09:00"),
        reviewed_at: at("2025-10-02 09:00"),
        ..Ticket::default()
    };
    assert_eq!(
        outcome(&ticket, &joining(), "2025-10-05", "review-sla.late"),
        Outcome::Passed
    );
    ticket.reviewed_at = at("2025-10-02 09:01");
    let found = finding(outcome(
        &ticket,
        &joining(),
        "2025-10-05",
        "review-sla.late",
    ));
    assert_eq!(found.late_by.unwrap().value.to_string(), "0.0");
    assert_eq!(found.late_by.unwrap().unit, LateUnit::Hours);
    ticket.applied_at = on("2025-10-01");
    assert_eq!(
        outcome(&ticket, &joining(), "2025-10-05", "review-sla.late"),
        Outcome::NotEvaluable("applied_at has no time".into())
    );
    let waiting = Ticket {
        applied_at: at("2025-10-05 09:00"),
        ..Ticket::default()
    };
    let found = finding(outcome(
        &waiting,
        &joining(),
        "2025-10-06",
        "review-sla.overdue",
    ));
    assert_eq!(found.late_by.unwrap().value.to_string(), "15.0");
}

fn no_reason_collect(courier: &str, deducted: &str) -> Ticket {
    Ticket {
        decision: Some(Decision::Refund),
        cause: Some(Cause::NoReason),
        courier: Some(courier.into()),
        freight_payment: Some(FreightPayment::Collect),
        freight_payer: Some(FreightPayer::Customer),
        freight_deducted: yuan(deducted),
        ..Ticket::default()
    }
}

#[test]
fn the_deduction_must_be_exactly_the_policy_amount_except_for_sf() {
    let rule = "freight.deduction-mismatch";
    assert_eq!(
        outcome(
            &no_reason_collect("ZTO", "20"),
            &joining(),
            "2025-10-01",
            rule
        ),
        Outcome::Passed
    );
    let over = finding(outcome(
        &no_reason_collect("ZTO", "25"),
        &joining(),
        "2025-10-01",
        rule,
    ));
    assert_eq!(
        (over.severity, over.amount),
        (Severity::Violation, yuan("5.00"))
    );
    let under = finding(outcome(
        &no_reason_collect("ZTO", "15"),
        &joining(),
        "2025-10-01",
        rule,
    ));
    assert_eq!(
        (under.severity, under.amount),
        (Severity::Warning, yuan("5.00"))
    );
    for sf in ["SF", "sf", "顺丰", "SF快递"] {
        let ticket = no_reason_collect(sf, "25");
        assert_eq!(
            outcome(&ticket, &joining(), "2025-10-01", rule),
            Outcome::OutOfScope,
            "{sf}"
        );
    }
    let mut blank = no_reason_collect("ZTO", "20");
    blank.freight_deducted = None;
    assert_eq!(
        outcome(&blank, &joining(), "2025-10-01", rule),
        Outcome::NotEvaluable("no freight_deducted".into())
    );
}

#[test]
fn joining_windows_follow_its_own_example() {
    let mut ticket = Ticket {
        decision: Some(Decision::Refund),
        cause: Some(Cause::NoReason),
        delivered_at: Some(date("2025-05-01")),
        applied_at: at("2025-05-07 20:00"),
        ..Ticket::default()
    };
    let rule = "eligibility.return-outside-window";
    assert_eq!(
        outcome(&ticket, &joining(), "2025-06-01", rule),
        Outcome::Passed
    );
    ticket.applied_at = at("2025-05-08 08:00");
    let late = finding(outcome(&ticket, &joining(), "2025-06-01", rule));
    assert_eq!(late.late_by.unwrap().value, Decimal::ONE);
    assert_eq!(late.late_by.unwrap().unit, LateUnit::Days);
    ticket.decision = Some(Decision::Exchange);
    ticket.applied_at = at("2025-05-15 10:00");
    let rule = "eligibility.exchange-outside-window";
    assert_eq!(
        outcome(&ticket, &joining(), "2025-06-01", rule),
        Outcome::Passed
    );
    ticket.applied_at = at("2025-05-16 10:00");
    assert!(matches!(
        outcome(&ticket, &joining(), "2025-06-01", rule),
        Outcome::Flagged(_)
    ));
}

#[test]
fn warranty_or_extension_is_decided_by_one_known_member() {
    // Changkong: proof unknown, but the 60-day extension after a repair covers the date.
    let mut ticket = Ticket {
        decision: Some(Decision::PaidRepair),
        cause: Some(Cause::Quality),
        applied_at: at("2025-04-20 10:00"),
        last_repair_returned_at: Some(date("2025-03-01")),
        label_tampered: Some(false),
        unauthorized_repair: Some(false),
        authorized_channel: Some(true),
        repair_fee: yuan("80"),
        ..Ticket::default()
    };
    let rule = "eligibility.charged-in-warranty";
    let found = finding(outcome(&ticket, &changkong(), "2025-05-01", rule));
    assert_eq!(found.amount, yuan("80.00"));
    ticket.applied_at = at("2025-05-01 10:00"); // extension ended 2025-04-30
    assert_eq!(
        outcome(&ticket, &changkong(), "2025-06-01", rule),
        Outcome::NotEvaluable("no proof_of_purchase".into())
    );
    ticket.authorized_channel = None;
    ticket.applied_at = at("2025-04-20 10:00");
    assert_eq!(
        outcome(&ticket, &changkong(), "2025-06-01", rule),
        Outcome::NotEvaluable("exclusion unknown: authorized_channel blank".into())
    );
}

#[test]
fn rejected_exchanges_are_judged_per_policy() {
    let ticket = Ticket {
        decision: Some(Decision::Rejected),
        cause: Some(Cause::Quality),
        service_type: Some(ServiceType::Exchange),
        delivered_at: Some(date("2025-05-01")),
        activated_at: Some(date("2025-05-02")),
        proof_of_purchase: Some(true),
        applied_at: at("2025-07-01 10:00"),
        label_tampered: Some(false),
        unauthorized_repair: Some(false),
        authorized_channel: Some(true),
        purchased_overseas: Some(false),
        ..Ticket::default()
    };
    let rule = "eligibility.wrongly-rejected";
    assert_eq!(
        outcome(&ticket, &joining(), "2025-08-01", rule),
        Outcome::Passed
    );
    assert!(matches!(
        outcome(&ticket, &xinji(), "2025-08-01", rule),
        Outcome::Flagged(_)
    ));
    assert!(matches!(
        outcome(&ticket, &handset_oem(), "2025-08-01", rule),
        Outcome::Flagged(_)
    ));
    assert_eq!(
        outcome(&ticket, &changkong(), "2025-08-01", rule),
        Outcome::OutOfScope
    );
    assert_eq!(
        outcome(&ticket, &repair_service(), "2025-08-01", rule),
        Outcome::OutOfScope
    );
}

#[test]
fn timeline_problems_make_one_finding() {
    let ticket = Ticket {
        delivered_at: Some(date("2025-10-05")),
        applied_at: at("2025-10-03 10:00"),
        reviewed_at: at("2025-10-03 09:00"),
        refunded_at: on("2025-10-02"),
        ..Ticket::default()
    };
    let found = finding(outcome(
        &ticket,
        &joining(),
        "2025-11-01",
        "data.timeline-inconsistent",
    ));
    assert_eq!(
        found.actual.matches("before").count(),
        3,
        "{}",
        found.actual
    );
    assert_eq!(found.severity, Severity::Warning);
}

#[test]
fn scope_by_policy() {
    let applies =
        |rule: &str, policy: &Policy| rule_by_id(rule).is_some_and(|r| r.applies_to(policy));
    assert!(applies("review-sla.late", &joining()));
    assert!(!applies("review-sla.late", &xinji()));
    assert!(applies("turnaround.unpaid-held", &repair_service()));
    assert!(!applies(
        "eligibility.return-outside-window",
        &handset_oem()
    ));
    assert!(applies("freight.return-leg-charged", &changkong()));
    assert!(applies("data.duplicate-ticket", &xinji()));
    assert!(!applies("nope.rule", &xinji()));
    for rule in RULES {
        assert!(
            [
                joining(),
                changkong(),
                xinji(),
                handset_oem(),
                repair_service()
            ]
            .iter()
            .any(|p| rule.applies_to(p)),
            "{} applies to no shipped policy",
            rule.id
        );
    }
}
