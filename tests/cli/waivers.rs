//! Waivers: findings management has accepted stay listed as `waived` with their reason and
//! never count for `--fail-on`; expired and unmatched waivers are counted and listed.

use calamine::{open_workbook_auto, Data, Reader};

use crate::corpus::{csv_of, ticket};
use crate::harness::{read_csv, read_json, Scratch};

/// T2 reviewed late and T3 refunded late: two violations.
fn export() -> Vec<u8> {
    csv_of(&[
        ticket("T1", &[]),
        ticket("T2", &[("reviewed_at", "2025-09-04 12:00")]),
        ticket("T3", &[("refunded_at", "2025-09-30 10:00")]),
    ])
}

fn audit(scratch: &Scratch, as_of: &str, extra: &[&str]) -> crate::harness::Run {
    let mut args = vec!["audit", "tickets.csv", "--as-of", as_of, "--out", "out"];
    args.extend_from_slice(extra);
    args.push("--quiet");
    scratch.run(&args)
}

/// (ticket, rule, status) of every row of findings.csv.
fn statuses(scratch: &Scratch) -> Vec<(String, String, String)> {
    read_csv(&scratch.path("out/findings.csv"))
        .into_iter()
        .skip(1)
        .map(|row| (row[1].clone(), row[4].clone(), row[16].clone()))
        .collect()
}

/// The cells of a sheet as text, by row.
fn sheet(scratch: &Scratch, name: &str) -> Vec<Vec<String>> {
    let mut workbook = open_workbook_auto(scratch.path("out/report.xlsx")).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn waived_findings_stay_listed_and_do_not_fail_the_run() {
    let scratch = Scratch::new();
    scratch.write("tickets.csv", export());
    let first = audit(&scratch, "2025-11-15", &["--fail-on", "violation"]);
    assert_eq!(first.status, 1, "{}", first.stderr);
    let rows = read_csv(&scratch.path("out/findings.csv"));
    assert!(
        rows[1..].iter().all(|row| row[16].is_empty()),
        "no status without --previous or --waivers"
    );
    let t2 = rows
        .iter()
        .find(|row| row[1] == "T2")
        .map(|row| row[0].clone())
        .unwrap();
    scratch.write(
        "waivers.csv",
        format!(
            "finding_id,ticket_id,rule,reason,approved_by,expires\n\
             {t2},,,Review queue outage on 2025-09-03 (IT-4411),Li Wei,2025-11-15\n\
             ,T3,refund-cycle.late,Bank holiday backlog agreed with finance,Zhang Min,\n\
             ,T9,review-sla.late,Ticket since deleted,Zhang Min,\n"
        ),
    );

    let waived = audit(
        &scratch,
        "2025-11-15",
        &["--fail-on", "violation", "--waivers", "waivers.csv"],
    );
    assert_eq!(
        waived.status, 0,
        "waived violations never fail: {}",
        waived.stderr
    );
    assert_eq!(
        statuses(&scratch),
        [
            ("T2".into(), "review-sla.late".into(), "waived".into()),
            ("T3".into(), "refund-cycle.late".into(), "waived".into()),
        ]
    );
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_eq!(
        summary["waivers"],
        serde_json::json!({"path": "waivers.csv", "applied": 2, "expired": 0, "unmatched": 1, "findings_waived": 2})
    );
    let findings = sheet(&scratch, "Findings");
    let column = |name: &str| findings[0].iter().position(|h| h == name).unwrap();
    let (status, waiver, ticket_col) = (column("Status"), column("Waiver"), column("Ticket"));
    let t2_row = findings.iter().find(|row| row[ticket_col] == "T2").unwrap();
    assert_eq!(t2_row[status], "waived");
    assert_eq!(
        t2_row[waiver],
        "Review queue outage on 2025-09-03 (IT-4411) (approved by Li Wei, until 2025-11-15)"
    );
    let category = sheet(&scratch, "Refund cycle");
    assert_eq!(
        category[0][..2],
        ["Ticket", "Status"],
        "every listing sheet has the status, after the ticket"
    );
    assert_eq!(category[1][1], "waived");
    let run_sheet = sheet(&scratch, "Run");
    let unmatched = run_sheet
        .iter()
        .find(|row| row[0] == "T9 / review-sla.late")
        .expect("the unmatched waiver is listed on the Run sheet");
    assert_eq!(unmatched[2], "no such finding");

    // The day after it expires, T2's waiver no longer holds: its violation counts again.
    let expired = audit(
        &scratch,
        "2025-11-16",
        &["--fail-on", "violation", "--waivers", "waivers.csv"],
    );
    assert_eq!(expired.status, 1, "{}", expired.stderr);
    assert_eq!(
        statuses(&scratch),
        [
            ("T2".into(), "review-sla.late".into(), "new".into()),
            ("T3".into(), "refund-cycle.late".into(), "waived".into()),
        ]
    );
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_eq!(summary["waivers"]["expired"], 1);
    assert_eq!(summary["waivers"]["applied"], 1);
    let run_sheet = sheet(&scratch, "Run");
    let listed = run_sheet
        .iter()
        .find(|row| row[0] == format!("finding {t2}"))
        .expect("the expired waiver is listed");
    assert_eq!(listed[2], "expired");
}

#[test]
fn a_waivers_file_that_cannot_be_read_stops_the_run_naming_the_row() {
    let scratch = Scratch::new();
    scratch.write("tickets.csv", export());
    scratch.write("out/findings.csv", "earlier run\n");
    scratch.write(
        "waivers.csv",
        "finding_id,ticket_id,rule,reason,approved_by,expires\n\
         ,T3,refund-cycle.slow,Backlog,Zhang Min,\n\
         ,T2,review-sla.late,Outage,Li Wei,next week\n",
    );
    let run = audit(&scratch, "2025-11-15", &["--waivers", "waivers.csv"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "rma-audit: --waivers waivers.csv row 2, column rule: `refund-cycle.slow` is not a rule id (see docs/RULES.md)\n\
         rma-audit: --waivers waivers.csv row 3, column expires: `next week` is not a date (YYYY-MM-DD)\n"
    );
    assert_eq!(
        std::fs::read_to_string(scratch.path("out/findings.csv")).unwrap(),
        "earlier run\n",
        "nothing written"
    );
    let missing = audit(&scratch, "2025-11-15", &["--waivers", "nope.csv"]);
    assert_eq!(missing.status, 2);
    assert!(
        missing
            .stderr
            .starts_with("rma-audit: --waivers nope.csv: cannot read: "),
        "{}",
        missing.stderr
    );
}
