//! Finance ties out: `summary.json` `money.freight`, the Freight reconciliation sheet's total
//! line and the Freight findings of `findings.csv` agree to the cent.

use calamine::{open_workbook_auto, Data, Reader};
use rust_decimal::Decimal;

use rma_audit::audit::{money_side, MoneySide};
use rma_audit::finding::{Category, Finding, Severity};

use crate::harness::{read_csv, read_json, Scratch};
use crate::sample_data::sample_path;

fn money(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|_| panic!("an amount: `{text}`"))
}

/// (over-charged, under-recovered) over the Freight rows of findings.csv, by each finding's
/// money side.
fn from_findings(scratch: &Scratch) -> (Decimal, Decimal) {
    let mut sides = (Decimal::ZERO, Decimal::ZERO);
    for row in read_csv(&scratch.path("out/findings.csv"))
        .into_iter()
        .skip(1)
    {
        if row[5] != "freight" || row[10].is_empty() {
            continue;
        }
        let rule = rma_audit::rules::CATALOGUE
            .iter()
            .map(|(rule, _)| *rule)
            .find(|rule| *rule == row[4])
            .expect("a catalogue rule");
        let finding = Finding {
            ticket_id: row[1].clone(),
            policy: row[2].clone(),
            policy_version: row[3].clone(),
            rule,
            category: Category::Freight,
            severity: if row[6] == "violation" {
                Severity::Violation
            } else {
                Severity::Warning
            },
            clause: String::new(),
            expected: String::new(),
            actual: String::new(),
            amount: Some(money(&row[10])),
            late_by: None,
            explanation: String::new(),
            source: Default::default(),
        };
        match money_side(&finding) {
            Some(MoneySide::CustomerOvercharged) => sides.0 += money(&row[10]),
            Some(MoneySide::CompanyUnderrecovered) => sides.1 += money(&row[10]),
            None => {}
        }
    }
    sides
}

/// The Freight reconciliation's total line: taken, expected, over-charged, under-recovered,
/// net (from the last of its sheets).
fn from_sheet(scratch: &Scratch) -> [Decimal; 5] {
    let mut workbook = open_workbook_auto(scratch.path("out/report.xlsx")).unwrap();
    let name = workbook
        .sheet_names()
        .into_iter()
        .rfind(|n| n.starts_with("Freight reconciliation"))
        .expect("a Freight reconciliation sheet");
    let range = workbook.worksheet_range(&name).unwrap();
    let total = range
        .rows()
        .find(|row| matches!(row.first(), Some(Data::String(s)) if s == "Total"))
        .expect("a Total line");
    let number = |col: usize| match &total[col] {
        Data::Float(f) => Decimal::try_from(*f).unwrap().round_dp(2),
        other => panic!("column {col}: {other:?}"),
    };
    [number(3), number(4), number(6), number(7), number(8)]
}

fn assert_ties_out(scratch: &Scratch) {
    let summary = read_json(&scratch.path("out/summary.json"));
    let freight = &summary["money"]["freight"];
    let json = |key: &str| money(freight[key].as_str().expect(key));
    let sheet = from_sheet(scratch);
    assert_eq!(
        [
            json("deducted"),
            json("expected"),
            json("customer_overcharged"),
            json("company_underrecovered"),
            json("net")
        ],
        sheet,
        "summary.json and the Freight reconciliation sheet"
    );
    assert_eq!(
        (json("customer_overcharged"), json("company_underrecovered")),
        from_findings(scratch),
        "summary.json and the Freight findings"
    );
    assert_eq!(
        json("net"),
        json("customer_overcharged") - json("company_underrecovered")
    );
}

#[test]
fn freight_ties_out_on_the_sample() {
    let scratch = Scratch::new();
    let inputs = [
        "tickets-en.csv",
        "tickets-zh-gbk.csv",
        "tickets.xlsx",
        "broken.csv",
    ]
    .map(sample_path);
    let mut args = vec!["audit"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["--as-of", "2026-11-15", "--out", "out", "--quiet"]);
    let run = scratch.run(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_ties_out(&scratch);
    // The sample has freight money on both sides, so the check is not of zeros.
    let freight = &read_json(&scratch.path("out/summary.json"))["money"]["freight"];
    assert_ne!(freight["customer_overcharged"], "0.00");
    assert_ne!(freight["company_underrecovered"], "0.00");
}

/// A generated export: `TIE_OUT_TICKETS` tickets (20,000 by default; the 100,000 of the
/// release check with `TIE_OUT_TICKETS=100000`), 15 % with planted findings.
#[test]
fn freight_ties_out_on_a_generated_export() {
    let scratch = Scratch::new();
    let tickets = std::env::var("TIE_OUT_TICKETS").unwrap_or_else(|_| "20000".into());
    let made = scratch.run(&[
        "sample",
        "--tickets",
        &tickets,
        "--violation-rate",
        "0.15",
        "--out",
        "gen",
    ]);
    assert_eq!(made.status, 0, "{}", made.stderr);
    let run = scratch.run(&[
        "audit",
        "gen/tickets-en.csv",
        "gen/tickets-zh-gbk.csv",
        "gen/tickets.xlsx",
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
        "--quiet",
    ]);
    assert!(run.status == 0 || run.status == 4, "{}", run.stderr);
    assert_ties_out(&scratch);
}
