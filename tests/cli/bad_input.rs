//! Input that cannot be read at all: exit 2, one pinned line, nothing written.

use crate::harness::{snapshot, Scratch, HEADER};

/// Runs an audit of `input` into an `out/` that already holds an earlier run's files, and
/// checks the run failed with `message` and left `out/` exactly as it was.
fn assert_unreadable(scratch: &Scratch, input: &str, message: &str) {
    scratch.write("out/findings.csv", "earlier run\n");
    scratch.write("out/summary.json", "{}\n");
    let before = snapshot(&scratch.path("out"));
    let run = scratch.run(&["audit", input, "--as-of", "2026-11-15", "--out", "out"]);
    assert_eq!(run.status, 2, "{input}: {}", run.stderr);
    assert_eq!(run.stderr, format!("rma-audit: {message}\n"), "{input}");
    assert_eq!(
        snapshot(&scratch.path("out")),
        before,
        "{input}: out/ untouched"
    );
}

#[test]
fn a_missing_file_stops_the_run() {
    let scratch = Scratch::new();
    assert_unreadable(&scratch, "nowhere.csv", "nowhere.csv: no such file");
}

#[test]
fn an_empty_file_stops_the_run() {
    let scratch = Scratch::new();
    scratch.write("empty.csv", "");
    assert_unreadable(&scratch, "empty.csv", "empty.csv: empty file");
}

#[test]
fn a_file_without_ticket_id_stops_the_run() {
    let scratch = Scratch::new();
    scratch.write("noid.csv", "order_id,store\nO1,Tmall\n");
    assert_unreadable(
        &scratch,
        "noid.csv",
        "noid.csv: no ticket_id column: no row among the first 30 has a ticket_id header (first \
         cells seen: row 1: `order_id`, `store`; row 2: `O1`, `Tmall`); try --header-row N or \
         --mapping FILE (to name the export's ticket id header)",
    );
}

#[test]
fn a_zip_that_is_not_a_workbook_stops_the_run() {
    let scratch = Scratch::new();
    scratch.write("fake.xlsx", b"PK\x03\x04not really a workbook");
    assert_unreadable(
        &scratch,
        "fake.xlsx",
        "fake.xlsx: not a spreadsheet: cannot be read as .xlsx",
    );
}

#[test]
fn an_unknown_file_type_stops_the_run() {
    let scratch = Scratch::new();
    scratch.write("notes.pdf", "%PDF-1.7");
    assert_unreadable(
        &scratch,
        "notes.pdf",
        "notes.pdf: unsupported file type `.pdf` (expected .csv, .txt, .tsv, .xlsx, .xlsm, .xls, .xlsb, .ods or .parquet)",
    );
}

#[test]
fn one_unreadable_input_among_good_ones_writes_nothing() {
    let scratch = Scratch::new();
    scratch.write(
        "good.csv",
        format!("{HEADER}\nT1,joining,no_reason,refund,return,SF,Tmall,2025-09-01,2025-09-03 10:00,,,,,,,,,,,\n"),
    );
    scratch.write("empty.csv", "");
    scratch.write("out/findings.csv", "earlier run\n");
    let before = snapshot(&scratch.path("out"));
    let run = scratch.run(&[
        "audit",
        "good.csv",
        "empty.csv",
        "--out",
        "out",
        "--as-of",
        "2026-11-15",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(run.stderr, "rma-audit: empty.csv: empty file\n");
    assert_eq!(snapshot(&scratch.path("out")), before);
}

#[test]
fn bad_usage_exits_2() {
    let scratch = Scratch::new();
    scratch.write("t.csv", format!("{HEADER}\n"));
    let run = scratch.run(&["audit", "t.csv", "--as-of", "15/11/2026"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("--as-of 15/11/2026: expected a date"),
        "{}",
        run.stderr
    );
    let run = scratch.run(&[
        "audit",
        "t.csv",
        "--policy",
        "nobody",
        "--as-of",
        "2026-11-15",
    ]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "rma-audit: --policy nobody: no such policy (see `rma-audit policies list`)\n"
    );
    assert_eq!(scratch.run(&["audit"]).status, 2, "no input");
    assert_eq!(scratch.run(&["frobnicate"]).status, 2, "unknown command");
}

#[test]
fn a_broken_mapping_file_stops_the_run() {
    let scratch = Scratch::new();
    scratch.write("t.csv", format!("{HEADER}\n"));
    scratch.write("map.toml", "[columns]\n\"Id\" = \"no_such_column\"\n");
    let run = scratch.run(&[
        "audit",
        "t.csv",
        "--mapping",
        "map.toml",
        "--as-of",
        "2026-11-15",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("rma-audit: map.toml"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no_such_column"), "{}", run.stderr);
}
