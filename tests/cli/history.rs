//! `--history`: twelve monthly runs into one history, the Trends sheet against the database
//! and the runs' `summary.json`, the same as-of twice, a run killed in the middle of the
//! history write, `--previous` against `--history`, and `rma-audit history`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Range, Reader};
use rusqlite::Connection;

use crate::harness::{read_csv, read_json, Scratch};

/// The last day of each month of 2026: the as-ofs of twelve monthly runs.
pub(crate) const MONTH_ENDS: [&str; 12] = [
    "2026-01-31",
    "2026-02-28",
    "2026-03-31",
    "2026-04-30",
    "2026-05-31",
    "2026-06-30",
    "2026-07-31",
    "2026-08-31",
    "2026-09-30",
    "2026-10-31",
    "2026-11-30",
    "2026-12-31",
];

/// A generated export's header and rows (`rma-audit sample --layout full`).
struct Export {
    header: csv::StringRecord,
    rows: Vec<csv::StringRecord>,
}

fn generate(scratch: &Scratch, seed: u64, tickets: usize) -> Export {
    let dir = format!("generated-{seed}");
    let run = scratch.run(&[
        "sample",
        "--tickets",
        &tickets.to_string(),
        "--seed",
        &seed.to_string(),
        "--layout",
        "full",
        "--out",
        &dir,
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_path(scratch.path(&dir).join("tickets-full.csv")).unwrap();
    Export {
        header: reader.headers().unwrap().clone(),
        rows: reader.records().map(Result::unwrap).collect(),
    }
}

/// The monthly exports of a year, each a realistic mix: a backlog generated once that shrinks
/// month by month (its findings persist for months, then are resolved), and each month's
/// own tickets (ids prefixed with the month), which stay in the exports for up to five
/// months before they are closed.
pub(crate) struct Year {
    backlog: Export,
    monthly: Vec<Export>,
}

impl Year {
    pub(crate) fn generate(scratch: &Scratch, tickets: usize) -> Year {
        Year {
            backlog: generate(scratch, 1, tickets),
            monthly: (0..12)
                .map(|m| generate(scratch, 100 + m, tickets / 3))
                .collect(),
        }
    }

    /// Writes month `month`'s export (0 = January) and returns its path.
    pub(crate) fn write(&self, scratch: &Scratch, month: usize) -> PathBuf {
        let path = scratch.path(&format!("exports/{:02}.csv", month + 1));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut writer = csv::Writer::from_path(&path).unwrap();
        writer.write_record(&self.backlog.header).unwrap();
        for (index, row) in self.backlog.rows.iter().enumerate() {
            if index % 12 >= month {
                writer.write_record(row).unwrap();
            }
        }
        for (batch, export) in self.monthly.iter().enumerate().take(month + 1) {
            let age = month - batch;
            for (index, row) in export.rows.iter().enumerate() {
                if age < 5 && index % 5 >= age {
                    let mut fields: Vec<String> = row.iter().map(str::to_owned).collect();
                    fields[0] = format!("M{:02}-{}", batch + 1, fields[0]);
                    writer.write_record(&fields).unwrap();
                }
            }
        }
        writer.flush().unwrap();
        path
    }
}

pub(crate) fn audit(scratch: &Scratch, export: &Path, as_of: &str, out: &str, extra: &[&str]) {
    let export = export.display().to_string();
    let mut args = vec!["audit", &export, "--as-of", as_of, "--out", out, "--quiet"];
    args.extend_from_slice(extra);
    let run = scratch.run(&args);
    assert_eq!(run.status, 0, "{as_of}: {}", run.stderr);
}

fn count(db: &Connection, sql: &str, params: impl rusqlite::Params) -> u64 {
    db.query_row(sql, params, |row| row.get::<_, i64>(0))
        .unwrap() as u64
}

/// The Trends sheet's rows by their label in column A: the numbers across the runs.
fn trends_rows(report: &Path) -> (Vec<String>, BTreeMap<String, Vec<f64>>) {
    let mut workbook = open_workbook_auto(report).unwrap();
    let range: Range<Data> = workbook.worksheet_range("Trends").unwrap();
    let mut header = Vec::new();
    let mut rows = BTreeMap::new();
    for row in range.rows() {
        let label = row[0].to_string();
        if label == "As of" {
            header = row[1..].iter().map(ToString::to_string).collect();
        } else if !label.is_empty() && !header.is_empty() {
            let numbers: Vec<f64> = row[1..]
                .iter()
                .filter_map(|cell| match cell {
                    Data::Float(f) => Some(*f),
                    Data::Int(i) => Some(*i as f64),
                    _ => None,
                })
                .collect();
            if !numbers.is_empty() {
                rows.entry(label).or_insert(numbers);
            }
        }
    }
    (header, rows)
}

/// The findings per category of a summary, from its counts per rule.
fn categories_of(summary: &serde_json::Value) -> BTreeMap<String, u64> {
    let mut by_category = BTreeMap::new();
    for (rule, count) in summary["findings_by_rule"].as_object().unwrap() {
        let category = rule.split('.').next().unwrap().to_owned();
        *by_category.entry(category).or_insert(0) += count.as_u64().unwrap();
    }
    by_category
}

#[test]
fn twelve_monthly_runs_agree_across_trends_sheet_database_and_summaries() {
    let scratch = Scratch::new();
    let year = Year::generate(&scratch, 330);
    for (month, as_of) in MONTH_ENDS.iter().enumerate() {
        let export = year.write(&scratch, month);
        let out = format!("reports/{as_of}");
        audit(
            &scratch,
            &export,
            as_of,
            &out,
            &["--history", "history.sqlite"],
        );
    }
    let summaries: Vec<serde_json::Value> = MONTH_ENDS
        .iter()
        .map(|as_of| read_json(&scratch.path(&format!("reports/{as_of}/summary.json"))))
        .collect();
    let db = Connection::open(scratch.path("history.sqlite")).unwrap();
    let run_ids: Vec<i64> = db
        .prepare("SELECT run_id FROM runs ORDER BY as_of_epoch")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(run_ids.len(), 12);

    // The database against each run's summary.json.
    let mut ids_before = BTreeSet::new();
    for (month, (run_id, summary)) in run_ids.iter().zip(&summaries).enumerate() {
        let as_of = summary["as_of"].as_str().unwrap();
        let ids: BTreeSet<String> = db
            .prepare("SELECT finding_id FROM findings WHERE run_id = ?1")
            .unwrap()
            .query_map([run_id], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let rows = count(
            &db,
            "SELECT count(*) FROM findings WHERE run_id = ?1",
            [run_id],
        );
        assert_eq!(
            rows,
            summary["totals"]["findings"].as_u64().unwrap(),
            "{as_of}"
        );
        let audited = count(
            &db,
            "SELECT rows_audited FROM runs WHERE run_id = ?1",
            [run_id],
        );
        assert_eq!(audited, summary["totals"]["rows_audited"].as_u64().unwrap());
        let previous = &summary["previous"];
        assert_eq!(previous["found"], month > 0, "{as_of}");
        let new = ids.difference(&ids_before).count() as u64;
        let resolved = ids_before.difference(&ids).count() as u64;
        assert_eq!(new, previous["new"].as_u64().unwrap(), "{as_of}: new");
        assert_eq!(
            resolved,
            previous["resolved"].as_u64().unwrap(),
            "{as_of}: resolved"
        );
        let mut by_category = BTreeMap::new();
        let mut select = db
            .prepare("SELECT category, count(*) FROM findings WHERE run_id = ?1 GROUP BY category")
            .unwrap();
        for row in select
            .query_map([run_id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })
            .unwrap()
        {
            let (category, n) = row.unwrap();
            by_category.insert(category, n as u64);
        }
        let mut expected = categories_of(summary);
        expected.retain(|_, n| *n > 0);
        assert_eq!(by_category, expected, "{as_of}");
        ids_before = ids;
    }
    // The data is realistic only if findings came and went: some persisted, some resolved.
    let total_resolved: u64 = summaries
        .iter()
        .map(|s| s["previous"]["resolved"].as_u64().unwrap())
        .sum();
    let total_persisting: u64 = summaries
        .iter()
        .map(|s| s["previous"]["persisting"].as_u64().unwrap())
        .sum();
    assert!(total_resolved > 0 && total_persisting > 0);

    // The Trends sheet of December against the summaries.
    let (header, rows) = trends_rows(&scratch.path("reports/2026-12-31/report.xlsx"));
    assert_eq!(
        header,
        MONTH_ENDS
            .iter()
            .map(|d| (*d).to_owned())
            .collect::<Vec<_>>()
    );
    let column = |label: &str| {
        rows.get(label)
            .unwrap_or_else(|| panic!("no row {label}"))
            .clone()
    };
    let from_summaries = |value: &dyn Fn(&serde_json::Value) -> f64| {
        summaries.iter().map(value).collect::<Vec<f64>>()
    };
    let number =
        |s: &serde_json::Value, pointer: &str| s.pointer(pointer).unwrap().as_u64().unwrap() as f64;
    assert_eq!(
        column("Tickets audited"),
        from_summaries(&|s| number(s, "/totals/rows_audited"))
    );
    assert_eq!(
        column("Findings"),
        from_summaries(&|s| number(s, "/totals/findings"))
    );
    assert_eq!(
        column("Violations"),
        from_summaries(&|s| number(s, "/findings_by_severity/violation"))
    );
    assert_eq!(
        column("New"),
        from_summaries(&|s| number(s, "/previous/new"))
    );
    assert_eq!(
        column("Resolved"),
        from_summaries(&|s| number(s, "/previous/resolved"))
    );
    let rates = from_summaries(&|s| {
        number(s, "/findings_by_severity/violation") * 100.0 / number(s, "/totals/rows_audited")
    });
    for (shown, expected) in column("Violations per 100 tickets").iter().zip(&rates) {
        assert!((shown - expected).abs() < 1e-9, "{shown} vs {expected}");
    }
    for (category, title) in [
        ("freight", "Freight"),
        ("review-sla", "Review SLA"),
        ("refund-cycle", "Refund cycle"),
        ("turnaround", "Turnaround"),
        ("eligibility", "Eligibility"),
        ("data", "Data"),
    ] {
        let expected =
            from_summaries(&|s| categories_of(s).get(category).copied().unwrap_or(0) as f64);
        assert_eq!(column(title), expected, "{title}");
    }

    // The open findings' ages: from the month each id first appears in the history, computed
    // here from the database.
    let mut first_month: BTreeMap<String, usize> = BTreeMap::new();
    for (month, run_id) in run_ids.iter().enumerate() {
        let mut select = db
            .prepare("SELECT finding_id FROM findings WHERE run_id = ?1")
            .unwrap();
        for id in select
            .query_map([run_id], |row| row.get::<_, String>(0))
            .unwrap()
        {
            first_month.entry(id.unwrap()).or_insert(month);
        }
    }
    let mut bands = [0.0; 4];
    let mut select = db
        .prepare("SELECT DISTINCT finding_id FROM findings WHERE run_id = ?1")
        .unwrap();
    for id in select
        .query_map([run_ids[11]], |row| row.get::<_, String>(0))
        .unwrap()
    {
        let months = 11 - first_month[&id.unwrap()];
        bands[match months {
            0 => 0,
            1..=2 => 1,
            3..=5 => 2,
            _ => 3,
        }] += 1.0;
    }
    assert!(
        bands.iter().all(|n| *n > 0.0),
        "every band is exercised: {bands:?}"
    );
    let shown: Vec<f64> = [
        "Under 1 month",
        "1 to 3 months",
        "3 to 6 months",
        "6 months or more",
    ]
    .iter()
    .map(|label| column(label)[0])
    .collect();
    assert_eq!(shown, bands);

    // rma-audit history lists the same runs.
    let listed = scratch.run(&["history", "history.sqlite"]);
    assert_eq!(listed.status, 0, "{}", listed.stderr);
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(lines.len(), 13, "{}", listed.stdout);
    assert_eq!(
        lines[0],
        "as_of                        tickets   findings        new   resolved"
    );
    let last = &summaries[11];
    assert_eq!(
        lines[12].split_whitespace().collect::<Vec<_>>(),
        [
            "2026-12-31T23:59:59+08:00".to_owned(),
            last["totals"]["rows_audited"].to_string(),
            last["totals"]["findings"].to_string(),
            last["previous"]["new"].to_string(),
            last["previous"]["resolved"].to_string(),
        ]
    );
}

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
