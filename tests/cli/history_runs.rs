//! `--history` run by run: the same as-of twice, a run killed in the middle of the history
//! write, `--previous` against `--history`, an untrusted run, and where the history may be.

use std::collections::BTreeSet;
use std::path::Path;

use calamine::{open_workbook_auto, Reader};
use rusqlite::Connection;

use crate::harness::{read_csv, read_json, Scratch};
use crate::history::{audit, count, Year, MONTH_ENDS};

fn runs_in(history: &Path) -> Vec<(String, u64)> {
    let db = Connection::open(history).unwrap();
    let runs = db
        .prepare("SELECT as_of, findings FROM runs ORDER BY as_of_epoch")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    runs
}

#[test]
fn the_same_as_of_again_replaces_that_run() {
    let scratch = Scratch::new();
    let year = Year::generate(&scratch, 330);
    let january = year.write(&scratch, 0);
    let february = year.write(&scratch, 1);
    let history = ["--history", "history.sqlite"];
    audit(&scratch, &january, "2026-01-31", "out/jan", &history);
    audit(&scratch, &january, "2026-02-28", "out/feb", &history);
    // February audited again on the corrected export: one February run, with its findings.
    audit(&scratch, &february, "2026-02-28", "out/feb", &history);
    let summary = read_json(&scratch.path("out/feb/summary.json"));
    let runs = runs_in(&scratch.path("history.sqlite"));
    assert_eq!(
        runs,
        [
            ("2026-01-31T23:59:59+08:00".to_owned(), runs[0].1),
            (
                "2026-02-28T23:59:59+08:00".to_owned(),
                summary["totals"]["findings"].as_u64().unwrap()
            ),
        ]
    );
    let db = Connection::open(scratch.path("history.sqlite")).unwrap();
    let rows = count(
        &db,
        "SELECT count(*) FROM findings JOIN runs USING (run_id) WHERE as_of_date = '2026-02-28'",
        [],
    );
    assert_eq!(rows, summary["totals"]["findings"].as_u64().unwrap());
    // The rerun compared with January, not with the February run it replaced.
    assert_eq!(
        summary["previous"]["history_as_of"],
        "2026-01-31T23:59:59+08:00"
    );

    let dropped = scratch.run(&["history", "history.sqlite", "--drop", "2026-01-31"]);
    assert_eq!(dropped.status, 0, "{}", dropped.stderr);
    assert_eq!(
        dropped.stdout,
        "history.sqlite: dropped the run as of 2026-01-31T23:59:59+08:00\n"
    );
    assert_eq!(runs_in(&scratch.path("history.sqlite")).len(), 1);
    let orphans = count(
        &db,
        "SELECT count(*) FROM findings WHERE run_id NOT IN (SELECT run_id FROM runs)",
        [],
    );
    assert_eq!(orphans, 0, "a dropped run's findings go with it");
}

#[test]
fn a_run_killed_while_writing_the_history_leaves_it_as_it_was() {
    let scratch = Scratch::new();
    let year = Year::generate(&scratch, 330);
    let history = ["--history", "history.sqlite"];
    for (month, as_of) in MONTH_ENDS.iter().enumerate().take(2) {
        let export = year.write(&scratch, month);
        audit(&scratch, &export, as_of, &format!("out/{as_of}"), &history);
    }
    let before = runs_in(&scratch.path("history.sqlite"));
    let march = year.write(&scratch, 2);
    let marker = scratch.path("paused");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rma-audit"))
        .args([
            "audit",
            &march.display().to_string(),
            "--as-of",
            "2026-03-31",
        ])
        .args([
            "--out",
            "out/2026-03-31",
            "--quiet",
            "--history",
            "history.sqlite",
        ])
        .env(rma_audit::history::PAUSE_FOR_TESTS, &marker)
        .current_dir(scratch.dir.path())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !marker.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "the run never reached the history write"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The outputs were in place before the history write began.
    assert!(scratch.path("out/2026-03-31/summary.json").is_file());

    let db = Connection::open(scratch.path("history.sqlite")).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(db);
    assert_eq!(runs_in(&scratch.path("history.sqlite")), before);
    let listed = scratch.run(&["history", "history.sqlite"]);
    assert_eq!(listed.stdout.lines().count(), 3, "{}", listed.stdout);

    // The same run again, not killed, is recorded.
    audit(&scratch, &march, "2026-03-31", "out/2026-03-31", &history);
    assert_eq!(runs_in(&scratch.path("history.sqlite")).len(), 3);
}

#[test]
fn previous_from_the_history_equals_previous_from_the_directory() {
    let scratch = Scratch::new();
    let year = Year::generate(&scratch, 330);
    let history = ["--history", "history.sqlite"];
    for (month, as_of) in MONTH_ENDS.iter().enumerate().take(3) {
        let export = year.write(&scratch, month);
        audit(&scratch, &export, as_of, &format!("out/{as_of}"), &history);
    }
    let march = year.write(&scratch, 2);
    audit(
        &scratch,
        &march,
        "2026-03-31",
        "by-directory",
        &["--previous", "out/2026-02-28"],
    );
    let sheets = open_workbook_auto(scratch.path("by-directory/report.xlsx"))
        .unwrap()
        .sheet_names();
    assert!(
        !sheets.contains(&"Trends".to_owned()),
        "no history, no Trends: {sheets:?}"
    );
    let from_history = read_json(&scratch.path("out/2026-03-31/summary.json"));
    let from_directory = read_json(&scratch.path("by-directory/summary.json"));
    for key in ["found", "new", "persisting", "resolved"] {
        assert_eq!(
            from_history["previous"][key], from_directory["previous"][key],
            "{key}"
        );
    }
    assert!(from_history["previous"]["resolved"].as_u64().unwrap() > 0);
    assert!(from_history["previous"]["persisting"].as_u64().unwrap() > 0);
    // Every finding has the same status either way.
    let statuses = |path: &str| {
        let rows = read_csv(&scratch.path(path));
        let status = rows[0].iter().position(|h| h == "status").unwrap();
        rows[1..]
            .iter()
            .map(|row| (row[0].clone(), row[status].clone()))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        statuses("out/2026-03-31/findings.csv"),
        statuses("by-directory/findings.csv")
    );
    // And as recorded.
    let db = Connection::open(scratch.path("history.sqlite")).unwrap();
    let recorded_new = count(
        &db,
        "SELECT count(DISTINCT finding_id) FROM findings JOIN runs USING (run_id)
         WHERE as_of_date = '2026-03-31' AND status = 'new'",
        [],
    );
    assert_eq!(
        recorded_new,
        from_directory["previous"]["new"].as_u64().unwrap()
    );
}

#[test]
fn an_untrusted_run_is_not_recorded_and_the_next_compares_with_the_last_trusted() {
    let scratch = Scratch::new();
    let year = Year::generate(&scratch, 330);
    let history = ["--history", "history.sqlite"];
    let january = year.write(&scratch, 0);
    audit(&scratch, &january, "2026-01-31", "out/jan", &history);
    // February's export lost every ticket date: nothing can be audited.
    let broken = scratch.write(
        "exports/broken.csv",
        "ticket_id,policy,applied_at\nRMA-1,JOINING,not a date\nRMA-2,JOINING,not a date\n",
    );
    let run = scratch.run(&[
        "audit",
        &broken.display().to_string(),
        "--as-of",
        "2026-02-28",
        "--out",
        "out/feb",
        "--quiet",
        "--history",
        "history.sqlite",
    ]);
    assert_eq!(run.status, 4, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "rma-audit: history.sqlite: this run cannot be trusted and is not recorded in the history"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(runs_in(&scratch.path("history.sqlite")).len(), 1);
    let trends = crate::hostile::sheet_texts(&scratch.path("out/feb/report.xlsx"), "Trends");
    assert!(
        trends.iter().any(|t| t
            == "This run cannot be trusted and is not recorded in the history: the next run \
                compares with the last run recorded."),
        "{trends:?}"
    );
    // March compares with January: what January found and March still has persists.
    audit(&scratch, &january, "2026-03-31", "out/mar", &history);
    let summary = read_json(&scratch.path("out/mar/summary.json"));
    assert_eq!(
        summary["previous"]["history_as_of"],
        "2026-01-31T23:59:59+08:00"
    );
    assert_eq!(summary["previous"]["resolved"], 0);
}

#[test]
fn a_history_inside_the_output_directory_is_refused() {
    let scratch = Scratch::new();
    let export = scratch.write(
        "tickets.csv",
        "ticket_id,policy,applied_at\nRMA-1,JOINING,2026-01-05\n",
    );
    let run = scratch.run(&[
        "audit",
        &export.display().to_string(),
        "--as-of",
        "2026-01-31",
        "--out",
        "out",
        "--history",
        "out/history.sqlite",
    ]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "rma-audit: --history out/history.sqlite: inside --out out, which each run replaces; \
         keep the history beside it\n"
    );
}

#[test]
fn runs_sharing_a_history_at_once_are_all_recorded() {
    let scratch = Scratch::new();
    let year = Year::generate(&scratch, 330);
    let history = ["--history", "shared.sqlite"];
    let january = year.write(&scratch, 0);
    audit(&scratch, &january, MONTH_ENDS[0], "out/first", &history);
    // Three runs started together on the same history (as a re-run of a quarter might be).
    let children: Vec<std::process::Child> = MONTH_ENDS[1..4]
        .iter()
        .enumerate()
        .map(|(offset, as_of)| {
            let export = year.write(&scratch, 1 + offset).display().to_string();
            std::process::Command::new(env!("CARGO_BIN_EXE_rma-audit"))
                .args(["audit", &export, "--as-of", as_of, "--quiet"])
                .args(["--out", &format!("out/{as_of}")])
                .args(history)
                .current_dir(scratch.dir.path())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    let runs = runs_in(&scratch.path("shared.sqlite"));
    assert_eq!(runs.len(), 4, "{runs:?}");
    let db = Connection::open(scratch.path("shared.sqlite")).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    for (as_of, findings) in runs {
        let date = &as_of[..10];
        let summary = read_json(&scratch.path(&format!(
            "out/{}/summary.json",
            if date == MONTH_ENDS[0] { "first" } else { date }
        )));
        assert_eq!(
            findings,
            summary["totals"]["findings"].as_u64().unwrap(),
            "{as_of}"
        );
    }
}

/// Every recorded finding as the history has it, in a fixed order.
fn recorded_findings(history: &Path) -> Vec<Vec<String>> {
    let db = Connection::open(history).unwrap();
    let mut select = db
        .prepare(
            "SELECT finding_id, status, ticket_id, rule, store, agent, courier, applied_month,
                    amount, amount_cents, money_side, late_by, late_unit, source_row
             FROM findings ORDER BY run_id, finding_id, source_row",
        )
        .unwrap();
    let rows = select
        .query_map([], |row| {
            (0..14)
                .map(|i| {
                    row.get::<_, rusqlite::types::Value>(i)
                        .map(|value| format!("{value:?}"))
                })
                .collect()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows
}

#[test]
fn findings_spilled_to_disk_are_recorded_as_those_held_in_memory() {
    let scratch = Scratch::new();
    let year = Year::generate(&scratch, 330);
    for (history, budget) in [("held.sqlite", None), ("spilled.sqlite", Some("2000"))] {
        for (month, as_of) in MONTH_ENDS.iter().enumerate().take(2) {
            let export = year.write(&scratch, month).display().to_string();
            let out = format!("out-{history}/{as_of}");
            let args = [
                "audit",
                &export,
                "--as-of",
                as_of,
                "--out",
                &out,
                "--quiet",
                "--history",
                history,
            ];
            let env: Vec<(&str, &str)> = budget
                .map(|b| ("RMA_AUDIT_SPILL_BYTES", b))
                .into_iter()
                .collect();
            let run = scratch.run_with_env(&args, &env);
            assert_eq!(run.status, 0, "{}", run.stderr);
        }
    }
    let held = recorded_findings(&scratch.path("held.sqlite"));
    assert!(held.len() > 100);
    assert!(
        held.iter().any(|row| row[1] == "Text(\"persisting\")")
            && held
                .iter()
                .any(|row| row[10] == "Text(\"customer_overcharged\")")
    );
    assert_eq!(recorded_findings(&scratch.path("spilled.sqlite")), held);
}
