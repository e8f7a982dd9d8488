//! The bundled sample set: the audit finds exactly the violations the generator planted.

use std::collections::BTreeSet;

use crate::harness::{read_csv, read_json, Scratch};

type Key = (String, String, String, String, String, String);

fn keys(rows: Vec<Vec<String>>, columns: [&str; 6]) -> BTreeSet<Key> {
    let header = &rows[0];
    let index: Vec<usize> = columns
        .iter()
        .map(|c| header.iter().position(|h| h == c).expect(c))
        .collect();
    rows[1..]
        .iter()
        .map(|r| {
            let f = |i: usize| r[index[i]].clone();
            (f(0), f(1), f(2), f(3), f(4), f(5))
        })
        .collect()
}

pub(crate) fn sample_path(name: &str) -> String {
    format!("{}/sample-data/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_audit_finds_exactly_the_planted_violations() {
    let scratch = Scratch::new();
    let (en, zh, xlsx) = (
        sample_path("tickets-en.csv"),
        sample_path("tickets-zh-gbk.csv"),
        sample_path("tickets.xlsx"),
    );
    let run = scratch.run(&[
        "audit",
        &en,
        &zh,
        &xlsx,
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let columns = [
        "ticket_id",
        "rule",
        "severity",
        "amount",
        "late_by",
        "late_unit",
    ];
    let expected = keys(
        read_csv(sample_path("expected-findings.csv").as_ref()),
        columns,
    );
    let found = keys(read_csv(&scratch.path("out/findings.csv")), columns);
    assert!(expected.len() >= 60, "the sample plants every rule");
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_eq!(summary["totals"]["rows_rejected"], 0);
    // The one planted data.duplicate-ticket.
    assert_eq!(summary["totals"]["rows_duplicate"], 1);
}

#[test]
fn the_broken_file_is_rejected_row_by_row_and_balances() {
    let scratch = Scratch::new();
    let run = scratch.run(&[
        "audit",
        &sample_path("broken.csv"),
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
    ]);
    // 15 of its 21 rows are rejected: audited alone, the result is not to be trusted.
    assert_eq!(run.status, 4, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "rma-audit: untrusted: 15 of 21 rows rejected (71.4%), above --max-rejected 0.1"
        ),
        "{}",
        run.stderr
    );
    let summary = read_json(&scratch.path("out/summary.json"));
    let input = &summary["inputs"][0];
    let count = |key: &str| input[key].as_u64().unwrap();
    assert_eq!(count("rows_read"), 21);
    assert_eq!(count("rows_rejected"), 15);
    assert_eq!(count("rows_duplicate"), 1);
    assert_eq!(
        count("rows_read"),
        count("rows_audited") + count("rows_rejected") + count("rows_duplicate")
    );
    let rejected = read_csv(&scratch.path("out/rejected.csv"));
    let rows: BTreeSet<&str> = rejected[1..].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(rows.len(), 15, "every rejected row is listed: {rejected:?}");
}
