//! The subcommands besides `audit`: explain, policies, calendars, sample, and their help.

use crate::harness::Scratch;

fn sample_path(name: &str) -> String {
    format!("{}/sample-data/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn explain_shows_every_rule_and_the_reasoning_of_a_finding() {
    let scratch = Scratch::new();
    let run = scratch.run(&[
        "explain",
        &sample_path("tickets-zh-gbk.csv"),
        "--ticket",
        "RMA-2025-000693",
        "--as-of",
        "2026-11-15",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.contains("Policy joining, version 1"), "{out}");
    let line = |rule: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(rule))
            .unwrap_or_else(|| panic!("{rule} in {out}"))
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("refund-cycle.late"),
        "FLAGGED violation (clause S4.1), amount 399.00, late by 1 working days"
    );
    assert_eq!(line("turnaround.repair-late"), "not in scope");
    assert_eq!(line("review-sla.late"), "passed");
    assert!(out.contains("deadline: 2025-10-13 (5th working day after 2025-09-29, cn calendar)"));
    assert!(out.contains("National Day holiday 10-01…10-08, 10-11 a make-up working day"));
    for (rule, _) in rma_audit::rules::CATALOGUE {
        if *rule != "data.duplicate-ticket" {
            assert!(out.contains(rule), "{rule} is explained");
        }
    }
}

#[test]
fn explain_names_a_missing_ticket() {
    let scratch = Scratch::new();
    let input = sample_path("tickets-en.csv");
    let run = scratch.run(&[
        "explain",
        &input,
        "--ticket",
        "NOPE",
        "--as-of",
        "2026-11-15",
    ]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        format!("rma-audit: {input}: no ticket with id `NOPE`\n")
    );
}

#[test]
fn explain_shows_why_a_row_was_rejected() {
    let scratch = Scratch::new();
    scratch.write(
        "t.csv",
        "ticket_id,policy,applied_at,refund_amount\nT9,joining,someday,-3\n",
    );
    let run = scratch.run(&[
        "explain",
        "t.csv",
        "--ticket",
        "T9",
        "--as-of",
        "2026-11-15",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Rejected: the row was not audited."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("applied_at: `someday`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("refund_amount: `-3`"), "{}", run.stdout);
}

#[test]
fn policies_list_and_show_the_shipped_policies() {
    let scratch = Scratch::new();
    let run = scratch.run(&["policies", "list"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for id in [
        "joining",
        "changkong",
        "xinji",
        "handset-oem",
        "repair-service",
    ] {
        assert!(run.stdout.contains(id), "{id} listed");
    }
    let run = scratch.run(&["policies", "show", "JOINING"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("\"S4.1\" = \"Return processing cycle"),
        "{}",
        run.stdout
    );
    let run = scratch.run(&["policies", "show", "nobody"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "rma-audit: no policy `nobody` (see `rma-audit policies list`)\n"
    );
}

#[test]
fn policies_check_passes_the_shipped_directory() {
    let scratch = Scratch::new();
    let dir = format!("{}/data/policies", env!("CARGO_MANIFEST_DIR"));
    let run = scratch.run(&["policies", "check", &dir]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{dir}: every policy file is valid\n"));
}

#[test]
fn calendars_show_prints_the_working_days_as_csv() {
    let scratch = Scratch::new();
    let run = scratch.run(&[
        "calendars",
        "show",
        "cn",
        "--from",
        "2025-09-28",
        "--to",
        "2025-10-01",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "date,working_day,kind,name\n\
         2025-09-28,true,makeup_workday,National Day\n\
         2025-09-29,true,weekday,\n\
         2025-09-30,true,weekday,\n\
         2025-10-01,false,holiday,National Day\n"
    );
    let run = scratch.run(&["calendars", "list"]);
    assert!(run.stdout.starts_with("cn "), "{}", run.stdout);
}

#[test]
fn calendars_check_passes_the_shipped_directory() {
    let scratch = Scratch::new();
    let dir = format!("{}/data/calendars", env!("CARGO_MANIFEST_DIR"));
    let run = scratch.run(&["calendars", "check", &dir]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{dir}: every calendar file is valid\n"));
    assert_eq!(run.stderr, "");
}

/// A year added with the usual mistakes. The 2027 dates are made up for the test: they are
/// not the State Council's.
const NEXT_YEAR: &str = r#"id = "cn"
name = "China (State Council holiday arrangements)"
years = [2026, 2027]

[[source]]
year = 2026
title = "国务院办公厅关于2026年部分节假日安排的通知"
issued = "2025-11-04"

[[holiday]]
name = "New Year's Day"
dates = ["2026-01-01..2026-01-03"]
makeup = ["2026-01-04"]

[[holiday]]
name = "Spring Festival"
dates = ["2027-02-06..2027-02-13", "2027-02-13"]
makeup = ["2027-02-15", "2027-02-06"]
date = ["2027-02-20"]

[[holiday]]
name = "Labour Day"
dates = ["2027-05-01..2027-05-02"]

[[holiday]]
name = "New Year's Day"
dates = ["2027-12-31..2028-01-01"]
"#;

#[test]
fn calendars_check_lists_every_problem_of_every_file() {
    let scratch = Scratch::new();
    scratch.write("bad/cn.toml", NEXT_YEAR);
    scratch.write(
        "bad/shop.toml",
        "id = \"shop\"\nname = \"Shop\nyears = [2026, 2026]\n",
    );
    scratch.write("bad/notes.txt", "not a calendar file: not checked");
    let run = scratch.run(&["calendars", "check", "bad"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let expected = [
        "rma-audit: bad/cn.toml:3: source: 2027 is covered but no [[source]] cites the notice its dates come from",
        "rma-audit: bad/cn.toml:17: holiday[1].dates[1]: 2027-02-13 is already declared by holiday[1].dates[0] (line 17)",
        "rma-audit: bad/cn.toml:18: holiday[1].makeup[0]: 2027-02-15 is a Monday; a make-up working day must be a Saturday or Sunday",
        "rma-audit: bad/cn.toml:18: holiday[1].makeup[1]: 2027-02-06 is declared a make-up working day here and a holiday by holiday[1].dates[0] (line 17); it can only be one",
        "rma-audit: bad/cn.toml:19: holiday[1].date: unknown key `date` (known: name, name_zh, note, dates, makeup)",
        "rma-audit: bad/cn.toml:23: holiday[2].dates[0]: 2027-05-01…2027-05-02 are a weekend with no weekday off beside it: a weekend is off anyway, so this changes no working day; check the date against the notice, or say in `note` why the notice lists it",
        "rma-audit: bad/cn.toml:27: holiday[3].dates[0]: 2028-01-01 is outside the covered years 2026–2027",
        "rma-audit: bad/shop.toml:2: -: TOML syntax error at column 13: invalid basic string, expected `\"`",
        "rma-audit: 8 problem(s) in bad",
    ];
    assert_eq!(run.stderr.lines().collect::<Vec<_>>(), expected);

    // The same file fails to load, with the same problems, wherever `--calendars` is given.
    let run = scratch.run(&["calendars", "list", "--calendars", "bad"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        expected[..expected.len() - 1]
    );
}

#[test]
fn calendars_check_names_an_empty_or_missing_directory() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.path("empty")).unwrap();
    let run = scratch.run(&["calendars", "check", "empty"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "rma-audit: empty: -: no calendar files (*.toml) in directory\n\
         rma-audit: 1 problem(s) in empty\n"
    );
    let run = scratch.run(&["calendars", "check", "nowhere"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "rma-audit: nowhere: -: directory does not exist\nrma-audit: 1 problem(s) in nowhere\n"
    );
}

#[test]
fn sample_writes_reproducible_exports() {
    let scratch = Scratch::new();
    let run = scratch.run(&["sample", "--tickets", "300", "--seed", "7", "--out", "a"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    scratch.run(&["sample", "--tickets", "300", "--seed", "7", "--out", "b"]);
    for file in [
        "tickets-en.csv",
        "tickets-zh-gbk.csv",
        "tickets.xlsx",
        "expected-findings.csv",
    ] {
        let a = std::fs::read(scratch.path("a").join(file)).unwrap();
        let b = std::fs::read(scratch.path("b").join(file)).unwrap();
        assert!(a == b, "{file} is the same for the same seed");
    }
}

#[test]
fn every_flag_is_explained_in_help() {
    let scratch = Scratch::new();
    let help = scratch.run(&["audit", "--help"]).stdout;
    for flag in [
        "--out",
        "--as-of",
        "--policy ",
        "--policies",
        "--calendars",
        "--mapping",
        "--sheet",
        "--date-order",
        "--encoding",
        "--keep-columns",
        "--fail-on",
        "--previous",
        "--sample",
        "--quiet",
    ] {
        assert!(help.contains(flag), "audit --help mentions {flag}");
    }
    for command in [
        &["explain", "--help"][..],
        &["sample", "--help"],
        &["policies", "--help"],
        &["calendars", "show", "--help"],
        &["calendars", "check", "--help"],
    ] {
        let run = scratch.run(command);
        assert_eq!(run.status, 0, "{command:?}");
        assert!(run.stdout.contains("Usage: rma-audit"), "{command:?}");
    }
}
