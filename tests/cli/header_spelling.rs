//! A misspelled header is not read as its column, but the run says what it was likely meant to be.

use crate::harness::{read_json, Scratch, HEADER};

#[test]
fn a_misspelled_header_is_a_warning_on_standard_error_and_in_the_summary() {
    let scratch = Scratch::new();
    let header = HEADER.replace("received_at", "recieved_at");
    assert_ne!(header, HEADER);
    scratch.write(
        "tickets.csv",
        format!(
            "{header}\nT1,joining,no_reason,refund,return,SF,Tmall,2025-09-01,2025-09-03 10:00,,2025-09-06 10:00,,,,,,,,,\n"
        ),
    );
    let run = scratch.run(&[
        "audit",
        "tickets.csv",
        "--as-of",
        "2025-11-15",
        "--out",
        "out",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let warning = "tickets.csv: header `recieved_at` (column K) is not a known column; \
                   did you mean `received_at`?";
    assert!(
        run.stderr
            .lines()
            .any(|line| line == format!("rma-audit: warning: {warning}")),
        "{}",
        run.stderr
    );
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_eq!(summary["warnings"], serde_json::json!([warning]));
    // The column it was meant to be is missing, and the summary says which rules that cost.
    let missing = summary["missing_columns"].as_array().unwrap();
    let received = missing
        .iter()
        .find(|m| m["column"] == "received_at")
        .expect("received_at is missing");
    assert_eq!(
        received["rules"],
        serde_json::json!(["refund-cycle.overdue"]),
        "{received}"
    );
}
