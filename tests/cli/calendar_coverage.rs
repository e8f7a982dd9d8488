//! Calendar honesty: a ticket in a year the calendar does not cover is not evaluable for the
//! working-day rules, counted with its reason, the run warns once naming the year, and the
//! result is untrusted (exit status 4) unless `--allow-uncovered` accepts the gap.

use crate::corpus::{csv_of, ticket};
use crate::harness::{read_json, Scratch};
use crate::hostile::{assert_balanced, totals};

const REASON: &str = "calendar does not cover 2027";

#[test]
fn tickets_outside_the_calendar_are_not_evaluable_and_warned_about_once() {
    let scratch = Scratch::new();
    let in_2027 = |id: &str, received: &str, refunded: &str| {
        ticket(
            id,
            &[
                ("delivered_at", "2027-03-01"),
                ("applied_at", "2027-03-02 10:00"),
                ("reviewed_at", "2027-03-02 12:00"),
                ("received_at", received),
                ("refunded_at", refunded),
            ],
        )
    };
    let rows = [
        in_2027("C1", "2027-03-05 10:00", "2027-03-30 10:00"),
        in_2027("C2", "2027-03-05 10:00", ""),
        in_2027("C3", "2027-03-05 10:00", "2027-03-06 10:00"),
        ticket("C4", &[]),
    ];
    scratch.write("future.csv", csv_of(&rows));
    let audit = |extra: &[&str]| {
        let mut args = vec![
            "audit",
            "future.csv",
            "--as-of",
            "2027-12-31",
            "--out",
            "out",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        scratch.run(&args)
    };
    let untrusted = audit(&[]);
    assert_eq!(untrusted.status, 4, "{}", untrusted.stderr);
    let run = audit(&["--allow-uncovered"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_balanced(&summary);
    assert_eq!(totals(&summary), (4, 4, 0, 0));

    let coverage = summary["coverage"].as_array().unwrap();
    let uncovered = |rule: &str| {
        coverage
            .iter()
            .find(|c| c["policy"] == "joining" && c["rule"] == rule)
            .map_or_else(
                || panic!("coverage of {rule}"),
                |c| c["reasons"][REASON].as_u64().unwrap_or(0),
            )
    };
    assert_eq!(uncovered("refund-cycle.late"), 2, "C1 and C3 refunded");
    assert_eq!(uncovered("refund-cycle.overdue"), 1, "C2 not refunded");
    let review = coverage
        .iter()
        .find(|c| c["policy"] == "joining" && c["rule"] == "review-sla.late")
        .unwrap();
    assert_eq!(review["evaluated"], 4, "hour rules need no calendar");
    let total: u64 = coverage
        .iter()
        .map(|c| c["reasons"][REASON].as_u64().unwrap_or(0))
        .sum();
    let findings = std::fs::read_to_string(scratch.path("out/findings.csv")).unwrap();
    assert!(
        !findings.contains("refund-cycle.late"),
        "nothing is guessed: {findings}"
    );

    let gap = format!(
        "rma-audit: warning: calendar cn does not cover 2027: {total} working-day checks were not evaluated"
    );
    let horizon = "rma-audit: warning: calendar cn covers working days up to 2026-12-31, \
                   365 days before the as-of 2027-12-31: add 2027 from the State Council's \
                   holiday notice (docs/CALENDARS.md)";
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warnings, [gap.as_str(), horizon]);
    let reason = format!(
        "calendar cn does not cover 2027: {total} working-day checks not evaluated (--allow-uncovered accepts this)"
    );
    let warnings: Vec<&str> = untrusted.stderr.lines().collect();
    assert_eq!(
        warnings,
        [
            gap.as_str(),
            horizon,
            &format!("rma-audit: untrusted: {reason}")
        ]
    );
    assert_eq!(
        read_json(&scratch.path("out/summary.json"))["untrusted"],
        serde_json::json!([]),
        "the last run allowed the gap"
    );
}
