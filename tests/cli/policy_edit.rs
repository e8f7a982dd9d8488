//! One policy fact, one place: a copy of the shipped JOINING file with its refund cycle
//! stretched from 5 to 6 working days (S4.1), loaded as a `--policies` override, moves the
//! rule, the sample generator's planted findings and the audit together.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone};
use rma_audit::calendar::CalendarSet;
use rma_audit::finding::Outcome;
use rma_audit::policy::PolicySet;
use rma_audit::rules::{evaluate, Context};
use rma_audit::sample::{self, SampleOptions};
use rma_audit::ticket::{Decision, Ticket, When};

use crate::harness::{read_csv, Scratch};

/// The shipped policy files copied into `policies/`, JOINING's cycle ending on day 6.
fn edited_policies(scratch: &Scratch) -> PolicySet {
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/data/policies");
    for entry in std::fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            let mut text = std::fs::read_to_string(&path).unwrap();
            if path.file_name().is_some_and(|name| name == "joining.toml") {
                assert!(text.contains("latest_working_days = 5\n"));
                text = text.replace("latest_working_days = 5\n", "latest_working_days = 6\n");
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            scratch.write(&format!("policies/{name}"), text);
        }
    }
    PolicySet::load(Some(&scratch.path("policies"))).expect("the edited copy loads")
}

fn local(text: &str) -> Option<When> {
    Some(When::Local(
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap(),
    ))
}

/// `refund-cycle.late` on a refund made on the 6th working day after storage (received
/// Monday 2025-09-29; the 5th working day is 10-13, the 6th 10-14).
fn refund_on_day_six(policies: &PolicySet) -> Outcome {
    let calendars = CalendarSet::load(None).unwrap();
    let ticket = Ticket {
        ticket_id: "T1".into(),
        decision: Some(Decision::Refund),
        applied_at: local("2025-09-25 10:00"),
        received_at: local("2025-09-29 10:00"),
        refunded_at: local("2025-10-14 15:00"),
        refund_amount: Some("199.00".parse().unwrap()),
        ..Ticket::default()
    };
    let day = NaiveDate::from_ymd_opt(2025, 10, 31).unwrap();
    let ctx = Context {
        as_of: chrono::Utc.from_utc_datetime(&day.and_hms_opt(15, 0, 0).unwrap()),
        calendars: &calendars,
        texts: rma_audit::l10n::Texts::of(rma_audit::l10n::Lang::En),
    };
    let policy = policies.version_on("joining", day).unwrap();
    let results = evaluate(&ticket, policy, &ctx);
    let result = results.into_iter().find(|r| r.rule == "refund-cycle.late");
    result.unwrap().outcome
}

/// The `refund-cycle.*` rows of a findings or known-answers file: (ticket, rule, late_by).
fn refund_cycle_rows(path: &std::path::Path) -> BTreeSet<(String, String, String)> {
    let rows = read_csv(path);
    let column = |name: &str| rows[0].iter().position(|h| h == name).expect(name);
    let (ticket, rule, late_by) = (column("ticket_id"), column("rule"), column("late_by"));
    rows[1..]
        .iter()
        .filter(|row| row[rule].starts_with("refund-cycle."))
        .map(|row| (row[ticket].clone(), row[rule].clone(), row[late_by].clone()))
        .collect()
}

#[test]
fn a_refund_cycle_edited_in_the_policy_file_moves_rules_sample_and_audit() {
    let scratch = Scratch::new();
    let edited = edited_policies(&scratch);
    let shipped = PolicySet::load(None).unwrap();

    // The rule: day 6 is late under the shipped file, on time under the edited one.
    assert!(matches!(refund_on_day_six(&shipped), Outcome::Flagged(_)));
    assert_eq!(refund_on_day_six(&edited), Outcome::Passed);

    // The generator: the planted refund-cycle findings follow the file.
    let options = |dir: &str| SampleOptions::new(300, 1, scratch.path(dir));
    sample::generate_for(&options("shipped"), &shipped).unwrap();
    sample::generate_for(&options("edited"), &edited).unwrap();
    let planted =
        |dir: &str| refund_cycle_rows(&scratch.path(&format!("{dir}/expected-findings.csv")));
    let (before, after) = (planted("shipped"), planted("edited"));
    assert!(!after.is_empty());
    assert_ne!(
        before, after,
        "the planted refund-cycle findings follow the policy"
    );

    // The audit with the edited file finds exactly what the generator planted for it.
    let files = ["tickets-en.csv", "tickets-zh-gbk.csv", "tickets.xlsx"];
    let inputs: Vec<String> = files
        .iter()
        .map(|f| scratch.path(&format!("edited/{f}")).display().to_string())
        .collect();
    let audit = |policies: &[&str], out: &str| {
        let mut args: Vec<&str> = vec!["audit"];
        args.extend(inputs.iter().map(String::as_str));
        args.extend(["--as-of", "2026-11-15", "--out", out, "--quiet"]);
        args.extend(policies);
        let run = scratch.run(&args);
        assert_eq!(run.status, 0, "{}", run.stderr);
        refund_cycle_rows(&scratch.path(&format!("{out}/findings.csv")))
    };
    assert_eq!(audit(&["--policies", "policies"], "with-edit"), after);
    // The shipped file judges the same tickets differently.
    assert_ne!(audit(&[], "without-edit"), after);
}
