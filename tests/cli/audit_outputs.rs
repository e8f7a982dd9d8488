//! Audits of good input: the four outputs and their row accounting.

use calamine::{open_workbook_auto, Reader};

use crate::harness::{read_csv, read_json, Scratch, HEADER};

/// Seven JOINING rows: one compliant, one reviewed 24 h 01 min after application, one refunded
/// a working day late across National Day 2025, one with two bad values, a duplicate, one
/// reviewed before it was applied for, and one with no policy.
fn joining_export() -> String {
    let rows = [
        "T1,JOINING,no_reason,refund,return,顺丰速运,Tmall,2025-09-01,2025-09-03 10:00,2025-09-03 15:00,2025-09-08 10:00,2025-09-11 10:00,299.00,12.00,customer,prepaid,0,yes,no,",
        "T2,joining,no_reason,refund,return,顺丰速运,Tmall,2025-09-01,2025-09-03 10:00,2025-09-04 10:01,2025-09-08 10:00,2025-09-11 10:00,299.00,12.00,customer,prepaid,0,yes,no,",
        "T3,joining,no_reason,refund,return,SF Express,JD,2025-09-01,2025-09-03 10:00,2025-09-03 11:00,2025-09-29 10:00,2025-10-14 10:00,459.00,12.00,customer,prepaid,0,yes,no,",
        "T4,joining,no_reason,refund,return,SF Express,JD,2025-09-01,yesterday,2025-09-03 11:00,2025-09-08 10:00,2025-09-11 10:00,-5,12.00,customer,prepaid,0,yes,no,",
        "T2,joining,no_reason,refund,return,顺丰速运,Tmall,2025-09-01,2025-09-03 10:00,2025-09-03 12:00,2025-09-08 10:00,2025-09-11 10:00,299.00,12.00,customer,prepaid,0,yes,no,",
        "T6,joining,no_reason,refund,return,顺丰速运,Tmall,2025-09-01,2025-09-03 10:00,2025-09-03 09:00,2025-09-08 10:00,2025-09-11 10:00,299.00,12.00,customer,prepaid,0,yes,no,",
        "T7,,no_reason,refund,return,顺丰速运,Tmall,2025-09-01,2025-09-03 10:00,2025-09-03 15:00,2025-09-08 10:00,2025-09-11 10:00,299.00,12.00,customer,prepaid,0,yes,no,",
    ];
    format!("{HEADER}\n{}\n", rows.join("\n"))
}

/// Audits [`joining_export`]; two of its seven rows are rejected by design, so the rejected
/// share allowed is raised above the default 10% (`--max-rejected 0.5`).
fn audit(scratch: &Scratch, extra: &[&str]) -> crate::harness::Run {
    scratch.write("tickets.csv", joining_export());
    let mut args = vec![
        "audit",
        "tickets.csv",
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
        "--max-rejected",
        "0.5",
    ];
    args.extend_from_slice(extra);
    scratch.run(&args)
}

/// (ticket, rule) of every finding in findings.csv.
fn finding_keys(scratch: &Scratch) -> Vec<(String, String)> {
    read_csv(&scratch.path("out/findings.csv"))
        .into_iter()
        .skip(1)
        .map(|row| (row[1].clone(), row[4].clone()))
        .collect()
}

#[test]
fn audit_writes_the_four_files_and_accounts_for_every_row() {
    let scratch = Scratch::new();
    let run = audit(&scratch, &[]);
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
    for file in [
        "findings.csv",
        "rejected.csv",
        "summary.json",
        "report.xlsx",
    ] {
        assert!(scratch.path("out").join(file).is_file(), "{file} written");
    }
    let leftovers: Vec<_> = std::fs::read_dir(scratch.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );

    let findings = std::fs::read(scratch.path("out/findings.csv")).unwrap();
    let header_line = findings.split(|b| *b == b'\n').next().unwrap();
    assert_eq!(
        header_line,
        b"finding_id,ticket_id,policy,policy_version,rule,category,severity,clause,expected,actual,amount,late_by,late_unit,explanation,source_file,source_row,status"
    );
    let rejected = read_csv(&scratch.path("out/rejected.csv"));
    assert_eq!(
        rejected[0],
        [
            "source_file",
            "sheet",
            "source_row",
            "ticket_id",
            "column",
            "value",
            "reason",
            "source_column",
            "column_letter"
        ]
    );

    let summary = read_json(&scratch.path("out/summary.json"));
    let totals = &summary["totals"];
    assert_eq!(totals["rows_read"], 7);
    assert_eq!(totals["rows_audited"], 4);
    assert_eq!(totals["rows_rejected"], 2);
    assert_eq!(totals["rows_duplicate"], 1);
    let input = &summary["inputs"][0];
    assert_eq!(input["path"], "tickets.csv");
    assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(summary["as_of"], "2026-11-15T23:59:59+08:00");
    assert_eq!(summary["tool"]["name"], "rma-audit");
    assert_eq!(
        totals["findings"].as_u64().unwrap() as usize,
        finding_keys(&scratch).len()
    );
    assert!(
        run.stderr
            .contains("7 rows read: 4 audited, 2 rejected, 1 duplicate"),
        "one-line result: {}",
        run.stderr
    );
}

#[test]
fn the_one_line_result_counts_in_the_singular_too() {
    let scratch = Scratch::new();
    let audit = |file: &str, out: &str| {
        scratch.run(&["audit", file, "--as-of", "2026-11-15", "--out", out])
    };
    // The same ticket twice: one row audited (nothing to find in a bare ticket), one
    // reported as a duplicate, which is the run's one finding.
    scratch.write("one.csv", "ticket_id,policy\nT1,joining\nT1,joining\n");
    let run = audit("one.csv", "out");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "2 rows read: 1 audited, 0 rejected, 1 duplicate; \
             1 finding (0 violation, 1 warning, 0 info)"
        ),
        "one-line result: {}",
        run.stderr
    );
    scratch.write("single.csv", "ticket_id,policy\nT1,nobody\n");
    let run = audit("single.csv", "o2");
    assert!(
        run.stderr
            .contains("1 row read: 0 audited, 1 rejected, 0 duplicate; 0 findings"),
        "one-line result: {}",
        run.stderr
    );
}

#[test]
fn findings_name_the_rules_that_fired() {
    let scratch = Scratch::new();
    let run = audit(&scratch, &[]);
    assert_eq!(run.status, 0, "stderr: {}", run.stderr);
    let keys = finding_keys(&scratch);
    let has = |ticket: &str, rule: &str| keys.contains(&(ticket.into(), rule.into()));
    assert!(has("T2", "review-sla.late"), "{keys:?}");
    assert!(has("T3", "refund-cycle.late"), "{keys:?}");
    assert!(has("T2", "data.duplicate-ticket"), "{keys:?}");
    assert!(has("T6", "data.timeline-inconsistent"), "{keys:?}");
    assert!(
        !keys.iter().any(|(ticket, _)| ticket == "T1"),
        "T1 is compliant: {keys:?}"
    );

    let rows = read_csv(&scratch.path("out/findings.csv"));
    let late = rows
        .iter()
        .find(|r| r[1] == "T3" && r[4] == "refund-cycle.late")
        .unwrap();
    assert_eq!(
        (
            &late[6][..],
            &late[7][..],
            &late[10][..],
            &late[11][..],
            &late[12][..]
        ),
        ("violation", "S4.1", "459.00", "1", "working_days")
    );
    assert!(
        late[13].contains("2025-10-13"),
        "names the deadline: {}",
        late[13]
    );
    let review = rows
        .iter()
        .find(|r| r[1] == "T2" && r[4] == "review-sla.late")
        .unwrap();
    assert_eq!((&review[11][..], &review[12][..]), ("0.0", "hours"));
}

#[test]
fn rejected_rows_list_every_problem() {
    let scratch = Scratch::new();
    audit(&scratch, &[]);
    let rejected = read_csv(&scratch.path("out/rejected.csv"));
    let t4: Vec<&Vec<String>> = rejected.iter().filter(|r| r[3] == "T4").collect();
    let columns: Vec<&str> = t4.iter().map(|r| r[4].as_str()).collect();
    assert_eq!(columns, ["applied_at", "refund_amount"], "{rejected:?}");
    assert!(t4.iter().all(|r| r[2] == "5" && r[0] == "tickets.csv"));
    let t7 = rejected.iter().find(|r| r[3] == "T7").unwrap();
    assert_eq!(t7[4], "policy");
}

#[test]
fn the_workbook_reads_back() {
    let scratch = Scratch::new();
    audit(&scratch, &[]);
    let mut workbook = open_workbook_auto(scratch.path("out/report.xlsx")).unwrap();
    let names = workbook.sheet_names();
    for sheet in ["Summary", "Findings", "Rejected rows"] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let findings = workbook.worksheet_range("Findings").unwrap();
    let expected = finding_keys(&scratch).len();
    assert_eq!(
        findings.height(),
        expected + 1,
        "header + one row per finding"
    );
}

#[test]
fn the_same_audit_gives_the_same_bytes_with_any_number_of_threads() {
    let scratch = Scratch::new();
    let outputs = |env: &[(&str, &str)]| {
        scratch.write("tickets.csv", joining_export());
        let run = scratch.run_with_env(
            &[
                "audit",
                "tickets.csv",
                "--as-of",
                "2026-11-15",
                "--out",
                "out",
                "--max-rejected",
                "0.5",
            ],
            env,
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        [
            "findings.csv",
            "summary.json",
            "rejected.csv",
            "report.xlsx",
        ]
        .map(|f| std::fs::read(scratch.path("out").join(f)).unwrap())
    };
    let first = outputs(&[]);
    assert_eq!(first, outputs(&[]), "two runs, same bytes");
    assert_eq!(
        first,
        outputs(&[("RAYON_NUM_THREADS", "1")]),
        "one thread, same bytes"
    );
}

#[test]
fn fail_on_sets_the_exit_status() {
    let scratch = Scratch::new();
    assert_eq!(audit(&scratch, &["--fail-on", "violation"]).status, 1);
    assert_eq!(audit(&scratch, &["--fail-on", "never"]).status, 0);
    assert_eq!(audit(&scratch, &[]).status, 0, "default is never");
}

#[test]
fn the_default_output_directory_is_named_after_the_as_of_date() {
    let scratch = Scratch::new();
    scratch.write("tickets.csv", joining_export());
    let run = scratch.run(&[
        "audit",
        "tickets.csv",
        "--as-of",
        "2026-11-15",
        "--max-rejected",
        "0.5",
        "--quiet",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(scratch.path("reports/2026-11-15/summary.json").is_file());
    // --quiet prints nothing but what an unattended job must hear: here, that the calendar
    // ends 46 days after the as-of.
    assert_eq!(
        run.stderr,
        "rma-audit: warning: calendar cn covers working days up to 2026-12-31, 46 days after \
         the as-of 2026-11-15: add 2027 from the State Council's holiday notice \
         (docs/CALENDARS.md)\n"
    );
}

#[test]
fn several_inputs_read_at_once_give_the_bytes_of_a_one_thread_run() {
    let scratch = Scratch::new();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for name in ["tickets-zh-gbk.csv", "tickets.xlsx"] {
        std::fs::copy(sample.join(name), scratch.path(name)).unwrap();
    }
    // The English file's rows in two overlapping parts, first and last: the rows both hold
    // are duplicates in the last input only when the inputs are merged in command-line order.
    let english = std::fs::read_to_string(sample.join("tickets-en.csv")).unwrap();
    let lines: Vec<&str> = english.lines().collect();
    let part = |rows: std::ops::Range<usize>| {
        let mut text = lines[0].to_string() + "\n";
        for line in &lines[rows] {
            text.push_str(line);
            text.push('\n');
        }
        text
    };
    scratch.write("first.csv", part(1..500));
    scratch.write("last.csv", part(300..lines.len()));
    let inputs = [
        "first.csv",
        "tickets.xlsx",
        "tickets-zh-gbk.csv",
        "last.csv",
    ];
    let outputs = |threads: &str| {
        let mut args = vec!["audit"];
        args.extend(inputs);
        args.extend([
            "--as-of",
            "2026-11-15",
            "--out",
            "out",
            "--max-rejected",
            "1",
        ]);
        let run = scratch.run_with_env(&args, &[("RAYON_NUM_THREADS", threads)]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        [
            "findings.csv",
            "summary.json",
            "rejected.csv",
            "report.xlsx",
        ]
        .map(|f| std::fs::read(scratch.path("out").join(f)).unwrap())
    };
    let one = outputs("1");
    let findings = String::from_utf8(one[0].clone()).unwrap();
    assert!(
        findings
            .lines()
            .filter(|l| l.contains("data.duplicate-ticket") && l.contains("last.csv"))
            .count()
            >= 200,
        "the rows the parts share are duplicates in the last"
    );
    assert!(one == outputs("4"), "four threads, same bytes");
    assert!(one == outputs("2"), "two threads, same bytes");
}

#[test]
fn an_input_that_cannot_be_opened_fails_the_same_with_inputs_read_ahead() {
    let scratch = Scratch::new();
    scratch.write("tickets.csv", joining_export());
    let run = |threads: &str| {
        scratch.run_with_env(
            &[
                "audit",
                "tickets.csv",
                "missing.csv",
                "--as-of",
                "2026-11-15",
                "--out",
                "out",
                "--max-rejected",
                "0.5",
            ],
            &[("RAYON_NUM_THREADS", threads)],
        )
    };
    let (one, four) = (run("1"), run("4"));
    assert_ne!(one.status, 0);
    assert_eq!((one.status, &one.stderr), (four.status, &four.stderr));
    assert!(one.stderr.contains("missing.csv"), "{}", one.stderr);
}
