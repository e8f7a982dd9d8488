//! Broken policy directories: `policies check` lists every problem and exits 2; an audit with
//! such a directory stops before it reads any input.

use crate::harness::{snapshot, Scratch, HEADER};

/// A policy file: id, version, effective dates, the clause its warranty cites, and extra TOML.
fn policy(
    id: &str,
    version: &str,
    from: &str,
    to: Option<&str>,
    clause: &str,
    extra: &str,
) -> String {
    let to = to.map_or(String::new(), |to| format!("effective_to = {to}\n"));
    format!(
        r#"id = "{id}"
name = "Policy {id}"
aliases = ["{id}"]
currency = "CNY"
timezone = "Asia/Shanghai"
calendar = "cn"
version = "{version}"
effective_from = {from}
{to}
[clauses]
"W1" = "12 months from delivery"
"X1" = "man-made damage is not covered"

[warranty]
starts = ["delivered_at"]
period = "12 months"
clause = "{clause}"

[exclusions]
causes = ["man_made"]
clause = "X1"
{extra}"#
    )
}

/// A directory with one problem per file, and two files whose versions overlap.
fn broken_dir(scratch: &Scratch) {
    let acme_1 = policy("acme", "1", "2000-01-01", Some("2026-01-01"), "W1", "");
    let acme_2 = policy("acme", "2", "2025-06-01", None, "W1", "");
    let bolt = policy("bolt", "1", "2000-01-01", None, "W9", "");
    let crux = policy(
        "crux",
        "1",
        "2000-01-01",
        None,
        "W1",
        "\n[teleport]\nclause = \"W1\"\n",
    );
    let full = policy("echo", "1", "2000-01-01", None, "W1", "");
    let echo = &full[..full.find("[exclusions]").unwrap()];
    scratch.write("pol/acme-1.toml", acme_1);
    scratch.write("pol/acme-2.toml", acme_2);
    scratch.write("pol/bolt.toml", bolt);
    scratch.write("pol/crux.toml", crux);
    scratch.write(
        "pol/dent.toml",
        "id = \"dent\"\nname = \"Dent\nversion = 1\n",
    );
    scratch.write("pol/echo.toml", echo);
}

const PROBLEMS: &str = "\
rma-audit: pol/bolt.toml: warranty.clause: missing clause `W9`
rma-audit: pol/crux.toml: teleport: unknown rule kind `teleport`
rma-audit: pol/dent.toml: -: TOML syntax error at line 2, column 13: invalid basic string, expected `\"`
rma-audit: pol/echo.toml: exclusions: missing required field
rma-audit: pol/acme-2.toml: effective_from: version `2` of policy `acme` (2025-06-01..) overlaps version `1` (2000-01-01..2026-01-01) in pol/acme-1.toml
";

#[test]
fn policies_check_lists_every_problem() {
    let scratch = Scratch::new();
    broken_dir(&scratch);
    let run = scratch.run(&["policies", "check", "pol"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("{PROBLEMS}rma-audit: 5 problem(s) in pol\n")
    );
    assert_eq!(run.stdout, "");

    scratch.write(
        "good/acme.toml",
        policy("acme", "1", "2000-01-01", None, "W1", ""),
    );
    let run = scratch.run(&["policies", "check", "good"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "good: every policy file is valid\n");
}

#[test]
fn an_audit_with_a_broken_policy_directory_stops_before_reading_input() {
    let scratch = Scratch::new();
    broken_dir(&scratch);
    scratch.write("out/findings.csv", "earlier run\n");
    let before = snapshot(&scratch.path("out"));
    // The input does not exist: the policies are checked first.
    let run = scratch.run(&[
        "audit",
        "missing.csv",
        "--policies",
        "pol",
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(run.stderr, PROBLEMS);
    assert_eq!(snapshot(&scratch.path("out")), before);

    scratch.write("t.csv", format!("{HEADER}\n"));
    let run = scratch.run(&["audit", "t.csv", "--policies", "nowhere", "--out", "out"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "rma-audit: nowhere: -: directory does not exist\n"
    );
    assert_eq!(snapshot(&scratch.path("out")), before);
}
