//! Exports as event logs and audits of a period: the mapping's `[latest]` audits each ticket's
//! latest row and counts the others superseded; `--from`/`--to` audit the tickets applied for
//! in the period and count the others out of period. Either way the findings are those of the
//! same tickets given as a bare table, and every row is accounted for.

use crate::harness::{read_csv, read_json, Scratch};
use crate::hostile::{assert_balanced, audit_with};
use crate::sample_data::sample_path;

/// findings.csv without its header, `source_file` and `source_row`, sorted.
fn findings_of(scratch: &Scratch) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = read_csv(&scratch.path("out/findings.csv"))
        .into_iter()
        .skip(1)
        .map(|mut row| {
            row.drain(14..16);
            row
        })
        .collect();
    rows.sort();
    rows
}

/// The sample export without the tickets whose id it repeats: (header, rows).
fn sample_rows() -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(sample_path("tickets-en.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut count = std::collections::HashMap::new();
    for row in &rows {
        *count.entry(row[0].to_owned()).or_insert(0) += 1;
    }
    let rows = rows.into_iter().filter(|r| count[&r[0]] == 1).collect();
    (header, rows)
}

fn write_csv(
    scratch: &Scratch,
    name: &str,
    header: &csv::StringRecord,
    rows: &[csv::StringRecord],
) {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header).unwrap();
    for row in rows {
        out.write_record(row).unwrap();
    }
    scratch.write(name, out.into_inner().unwrap());
}

#[test]
fn an_event_log_audits_each_ticket_on_its_latest_row() {
    let scratch = Scratch::new();
    let (header, rows) = sample_rows();
    write_csv(&scratch, "bare.csv", &header, &rows);
    let bare = audit_with(&scratch, &["bare.csv"], &["--quiet"], &[]);
    assert_eq!(bare.status, 0, "{}", bare.stderr);
    let expected = findings_of(&scratch);
    assert!(expected.len() > 10, "the sample has findings");

    // The log: every ticket's final row, and before it up to two earlier states in which the
    // later events have not happened yet (no review, no receipt, no refund, no decision);
    // shuffled, each row stamped with the time of its change.
    let blank_later = |row: &csv::StringRecord, stage: usize| -> csv::StringRecord {
        let later: &[&str] = match stage {
            0 => &[
                "decision",
                "reviewed_at",
                "customer_shipped_at",
                "received_at",
                "refunded_at",
            ],
            _ => &["received_at", "refunded_at"],
        };
        header
            .iter()
            .zip(row.iter())
            .map(|(column, value)| if later.contains(&column) { "" } else { value })
            .collect()
    };
    let mut log_header = header.clone();
    log_header.push_field("updated_at");
    let mut log: Vec<csv::StringRecord> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        for stage in 0..(i % 3) {
            let mut earlier = blank_later(row, stage);
            earlier.push_field(&format!("2026-01-0{} 0{}:00", stage + 1, i % 10));
            log.push(earlier);
        }
        let mut last = row.clone();
        last.push_field(&format!("2026-02-01 0{}:00", i % 10));
        log.push(last);
    }
    // A fixed shuffle: the rows of a ticket come in no particular order.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for i in (1..log.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        log.swap(i, (state % (i as u64 + 1)) as usize);
    }
    write_csv(&scratch, "log.csv", &log_header, &log);
    scratch.write("log.toml", "[latest]\nby = \"updated_at\"\n");
    let run = audit_with(&scratch, &["log.csv"], &["--mapping", "log.toml"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        findings_of(&scratch),
        expected,
        "the same findings as the final rows alone"
    );
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_balanced(&summary);
    let superseded = log.len() - rows.len();
    assert!(superseded > 100);
    assert_eq!(summary["totals"]["rows_superseded"], superseded as u64);
    assert_eq!(summary["totals"]["rows_audited"], rows.len() as u64);
    assert_eq!(summary["totals"]["rows_duplicate"], 0);
    assert!(
        run.stderr.contains(&format!(
            "{} rows read: {} audited, 0 rejected, 0 duplicate, {superseded} superseded;",
            log.len(),
            rows.len()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_period_audits_the_tickets_applied_for_in_it() {
    let scratch = Scratch::new();
    let (header, rows) = sample_rows();
    write_csv(&scratch, "all.csv", &header, &rows);
    let applied = header.iter().position(|h| h == "applied_at").unwrap();
    let in_october = |row: &csv::StringRecord| row[applied].starts_with("2025-10-");
    let october: Vec<csv::StringRecord> = rows.iter().filter(|r| in_october(r)).cloned().collect();
    assert!(october.len() > 20 && october.len() < rows.len());
    write_csv(&scratch, "october.csv", &header, &october);
    let bare = audit_with(&scratch, &["october.csv"], &["--quiet"], &[]);
    assert_eq!(bare.status, 0, "{}", bare.stderr);
    let expected = findings_of(&scratch);

    // A ticket without applied_at cannot be placed in the period: it is rejected.
    let mut undated = rows[0].clone();
    let mut fields: Vec<String> = undated.iter().map(str::to_owned).collect();
    fields[0] = "RMA-UNDATED".into();
    fields[applied] = String::new();
    undated = fields.iter().map(String::as_str).collect();
    let mut with_undated = rows.clone();
    with_undated.push(undated);
    write_csv(&scratch, "all.csv", &header, &with_undated);
    let run = audit_with(
        &scratch,
        &["all.csv"],
        &[
            "--from",
            "2025-10-01",
            "--to",
            "2025-10-31",
            "--max-rejected",
            "1",
        ],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(findings_of(&scratch), expected);
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_balanced(&summary);
    assert_eq!(summary["totals"]["rows_audited"], october.len() as u64);
    assert_eq!(
        summary["totals"]["rows_out_of_period"],
        (rows.len() - october.len()) as u64
    );
    let rejected = read_csv(&scratch.path("out/rejected.csv"));
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[1][3], "RMA-UNDATED");
    assert_eq!(rejected[1][6], "no applied_at for --from/--to");

    let backwards = audit_with(
        &scratch,
        &["all.csv"],
        &["--from", "2025-11-01", "--to", "2025-10-01"],
        &[],
    );
    assert_eq!(backwards.status, 2);
    assert_eq!(
        backwards.stderr,
        "rma-audit: --from 2025-11-01 is after --to 2025-10-01\n"
    );
}
