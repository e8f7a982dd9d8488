//! `--history`: twelve monthly runs into one history, the Trends sheet against the database
//! and the runs' `summary.json`, and `rma-audit history`; the generated year of exports the
//! other history tests use.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Range, Reader};
use rusqlite::Connection;

use crate::harness::{read_json, Scratch};

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

pub(crate) fn count(db: &Connection, sql: &str, params: impl rusqlite::Params) -> u64 {
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
        let history = ["--history", "history.sqlite"];
        audit(
            &scratch,
            &export,
            as_of,
            &format!("reports/{as_of}"),
            &history,
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
    database_agrees_with_summaries(&db, &run_ids, &summaries);
    let rows = trends_rows(&scratch.path("reports/2026-12-31/report.xlsx"));
    trends_sheet_agrees_with_summaries(&rows, &summaries);
    ages_agree_with_database(&rows, &db, &run_ids);
    listing_agrees_with_summaries(&scratch, &summaries);
}

/// Every finding id a run recorded, each once.
fn finding_ids(db: &Connection, run_id: i64) -> BTreeSet<String> {
    db.prepare("SELECT finding_id FROM findings WHERE run_id = ?1")
        .unwrap()
        .query_map([run_id], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Each run's rows, tickets, categories, and new and resolved (worked out here from the
/// findings of consecutive runs) against its summary.json.
fn database_agrees_with_summaries(
    db: &Connection,
    run_ids: &[i64],
    summaries: &[serde_json::Value],
) {
    let mut ids_before = BTreeSet::new();
    for (month, (run_id, summary)) in run_ids.iter().zip(summaries).enumerate() {
        let as_of = summary["as_of"].as_str().unwrap();
        let totals = &summary["totals"];
        let rows = count(
            db,
            "SELECT count(*) FROM findings WHERE run_id = ?1",
            [run_id],
        );
        assert_eq!(rows, totals["findings"].as_u64().unwrap(), "{as_of}");
        let audited = count(
            db,
            "SELECT rows_audited FROM runs WHERE run_id = ?1",
            [run_id],
        );
        assert_eq!(audited, totals["rows_audited"].as_u64().unwrap());
        let ids = finding_ids(db, *run_id);
        let previous = &summary["previous"];
        assert_eq!(previous["found"], month > 0, "{as_of}");
        let new = ids.difference(&ids_before).count() as u64;
        let resolved = ids_before.difference(&ids).count() as u64;
        assert_eq!(new, previous["new"].as_u64().unwrap(), "{as_of}: new");
        assert_eq!(resolved, previous["resolved"].as_u64().unwrap(), "{as_of}");
        let mut select = db
            .prepare("SELECT category, count(*) FROM findings WHERE run_id = ?1 GROUP BY category")
            .unwrap();
        let by_category: BTreeMap<String, u64> = select
            .query_map([run_id], |row| {
                Ok((row.get(0)?, row.get::<_, i64>(1)? as u64))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut expected = categories_of(summary);
        expected.retain(|_, n| *n > 0);
        assert_eq!(by_category, expected, "{as_of}");
        ids_before = ids;
    }
    // The data is realistic only if findings came and went: some persisted, some resolved.
    let total = |key: &str| -> u64 {
        summaries
            .iter()
            .map(|s| s["previous"][key].as_u64().unwrap())
            .sum()
    };
    assert!(total("resolved") > 0 && total("persisting") > 0);
}

/// December's Trends sheet: a column per month, each number as that month's summary.json has it.
fn trends_sheet_agrees_with_summaries(
    (header, rows): &(Vec<String>, BTreeMap<String, Vec<f64>>),
    summaries: &[serde_json::Value],
) {
    assert_eq!(header, &MONTH_ENDS.map(str::to_owned));
    let row = |label: &str| rows.get(label).unwrap_or_else(|| panic!("no row {label}"));
    let number =
        |s: &serde_json::Value, pointer: &str| s.pointer(pointer).unwrap().as_f64().unwrap();
    let each = |pointer: &str| {
        summaries
            .iter()
            .map(|s| number(s, pointer))
            .collect::<Vec<_>>()
    };
    assert_eq!(row("Tickets audited"), &each("/totals/rows_audited"));
    assert_eq!(row("Findings"), &each("/totals/findings"));
    assert_eq!(row("Violations"), &each("/findings_by_severity/violation"));
    assert_eq!(row("New"), &each("/previous/new"));
    assert_eq!(row("Resolved"), &each("/previous/resolved"));
    let rates = summaries.iter().map(|s| {
        number(s, "/findings_by_severity/violation") * 100.0 / number(s, "/totals/rows_audited")
    });
    for (shown, expected) in row("Violations per 100 tickets").iter().zip(rates) {
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
        let expected: Vec<f64> = (summaries.iter())
            .map(|s| categories_of(s).get(category).copied().unwrap_or(0) as f64)
            .collect();
        assert_eq!(row(title), &expected, "{title}");
    }
}

/// The open findings' ages on the sheet against when each id's unbroken presence in the
/// runs began, worked out here from the database (the runs are a month apart, on the months'
/// last days); and the `first_seen` recorded with each finding of the last run.
fn ages_agree_with_database(
    (_, rows): &(Vec<String>, BTreeMap<String, Vec<f64>>),
    db: &Connection,
    run_ids: &[i64],
) {
    let runs: Vec<BTreeSet<String>> = run_ids.iter().map(|id| finding_ids(db, *id)).collect();
    let first_month = |id: &str| {
        let mut month = 11;
        while month > 0 && runs[month - 1].contains(id) {
            month -= 1;
        }
        month
    };
    let mut first_seen = db
        .prepare("SELECT DISTINCT finding_id, first_seen FROM findings WHERE run_id = ?1")
        .unwrap();
    for row in first_seen
        .query_map([run_ids[11]], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .unwrap()
    {
        let (id, date) = row.unwrap();
        assert_eq!(date, MONTH_ENDS[first_month(&id)], "{id}");
    }
    let mut bands = [0.0; 4];
    for id in &runs[11] {
        bands[match 11 - first_month(id) {
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
    .map(|label| rows[*label][0])
    .collect();
    assert_eq!(shown, bands);
    assert_eq!(rows["Total"], [bands.iter().sum::<f64>()]);
}

/// `rma-audit history` lists the twelve runs, December as its summary has it.
fn listing_agrees_with_summaries(scratch: &Scratch, summaries: &[serde_json::Value]) {
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
