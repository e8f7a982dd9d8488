//! The bundled sample set: the audit finds exactly the violations the generator planted.

use std::collections::BTreeSet;
use std::path::Path;

use crate::harness::{read_csv, read_json, Scratch};

type Key = (String, String, String, String, String, String);

/// The columns of `expected-findings.csv`, which the generator writes beside its exports.
const KEY_COLUMNS: [&str; 6] = [
    "ticket_id",
    "rule",
    "severity",
    "amount",
    "late_by",
    "late_unit",
];

/// The findings of a CSV (`findings.csv` or `expected-findings.csv`) by [`KEY_COLUMNS`].
fn keys(path: &Path) -> BTreeSet<Key> {
    let rows = read_csv(path);
    let header = &rows[0];
    let index: Vec<usize> = KEY_COLUMNS
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

/// The audit found exactly the planted findings; `context` names the run in the message.
fn assert_same_findings(expected: &BTreeSet<Key>, found: &BTreeSet<Key>, context: &str) {
    let missing: Vec<_> = expected.difference(found).take(10).collect();
    let extra: Vec<_> = found.difference(expected).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{context}: missing {missing:#?}\nunexpected {extra:#?}"
    );
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
    let expected = keys(sample_path("expected-findings.csv").as_ref());
    assert!(expected.len() >= 60, "the sample plants every rule");
    assert_same_findings(
        &expected,
        &keys(&scratch.path("out/findings.csv")),
        "sample",
    );
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_eq!(summary["totals"]["rows_rejected"], 0);
    // The one planted data.duplicate-ticket.
    assert_eq!(summary["totals"]["rows_duplicate"], 1);
}

/// A generated export of 20,000 tickets in one CSV: read in pieces of 4,096 rows whose
/// buffers are filled again piece after piece, on one thread and on two, the audit still
/// finds exactly what the generator planted.
#[test]
fn a_generated_export_read_in_many_pieces_gives_the_planted_findings() {
    let scratch = Scratch::new();
    let made = scratch.run(&[
        "sample",
        "--tickets",
        "20000",
        "--seed",
        "3",
        "--violation-rate",
        "0.15",
        "--layout",
        "full",
        "--out",
        "gen",
    ]);
    assert_eq!(made.status, 0, "{}", made.stderr);
    let expected = keys(&scratch.path("gen/expected-findings.csv"));
    assert!(expected.len() > 2_000, "{} planted", expected.len());
    for threads in ["1", "2"] {
        let out = format!("out-{threads}");
        let run = scratch.run_with_env(
            &[
                "audit",
                "gen/tickets-full.csv",
                "--as-of",
                "2026-11-15",
                "--out",
                &out,
                "--quiet",
            ],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert!(run.status == 0 || run.status == 4, "{}", run.stderr);
        let found = keys(&scratch.path(&out).join("findings.csv"));
        assert_same_findings(&expected, &found, &format!("{threads} thread(s)"));
        let summary = read_json(&scratch.path(&out).join("summary.json"));
        // The 20,000 tickets and the one duplicate row the generator plants.
        assert_eq!(summary["totals"]["rows_read"], 20_001);
        assert_eq!(summary["totals"]["rows_duplicate"], 1);
    }
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
