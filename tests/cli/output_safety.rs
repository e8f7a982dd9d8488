//! Text from the input is data, never a formula: string cells in report.xlsx, and a `'`
//! prefix in the CSV outputs for fields a spreadsheet would read as a formula.

use std::io::Read;

use calamine::{open_workbook_auto, Data, Reader};

use crate::corpus::{csv_of, ticket};
use crate::harness::{read_csv, Scratch};
use crate::hostile::{audit_ok, totals};

const HYPERLINK: &str = "=HYPERLINK(\"http://x\",\"y\")";

/// Every worksheet part of an XLSX package: (name, XML).
fn worksheet_parts(path: &std::path::Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut parts = Vec::new();
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).unwrap();
        let name = part.name().unwrap().into_owned();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            let mut xml = String::new();
            part.read_to_string(&mut xml).unwrap();
            parts.push((name, xml));
        }
    }
    parts
}

#[test]
fn formula_like_input_stays_text_in_every_output() {
    let scratch = Scratch::new();
    let late = ("reviewed_at", "2025-09-04 11:00");
    let rows = [
        ticket(HYPERLINK, &[late, ("store", "+cmd")]),
        ticket("+cmd", &[late, ("store", "-2+3")]),
        ticket("-2+3", &[late, ("store", "@SUM(A1)")]),
        ticket(
            "@SUM(A1)",
            &[("refund_amount", "-2+3"), ("courier", HYPERLINK)],
        ),
        ticket("\tT5", &[late, ("store", "=1+1")]),
    ];
    scratch.write("inject.csv", csv_of(&rows));
    let summary = audit_ok(&scratch, "inject.csv", &[]);
    assert_eq!(totals(&summary), (5, 4, 1, 0));

    // findings.csv: the ticket ids, as a spreadsheet must show them.
    let findings = read_csv(&scratch.path("out/findings.csv"));
    let ids: Vec<&str> = findings[1..].iter().map(|r| r[1].as_str()).collect();
    for expected in ["'=HYPERLINK(\"http://x\",\"y\")", "'+cmd", "'-2+3", "T5"] {
        assert!(ids.contains(&expected), "{expected} in {ids:?}");
    }
    for row in &findings[1..] {
        for field in row {
            assert!(
                !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "findings.csv field {field:?}"
            );
        }
    }
    // rejected.csv: the ticket id and the value as found, prefixed.
    let rejected = read_csv(&scratch.path("out/rejected.csv"));
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(
        (
            &rejected[1][3][..],
            &rejected[1][4][..],
            &rejected[1][5][..]
        ),
        ("'@SUM(A1)", "refund_amount", "'-2+3")
    );

    // report.xlsx: no formula anywhere, and the text as the input wrote it in string cells.
    let report = scratch.path("out/report.xlsx");
    let parts = worksheet_parts(&report);
    assert!(parts.len() >= 5, "{} worksheets", parts.len());
    for (name, xml) in &parts {
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "{name} holds a formula"
        );
    }
    let mut workbook = open_workbook_auto(&report).unwrap();
    for sheet in workbook.sheet_names() {
        let formulas = workbook.worksheet_formula(&sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet}: formulas"
        );
    }
    let strings: Vec<String> = workbook
        .worksheet_range("Findings")
        .unwrap()
        .used_cells()
        .filter_map(|(_, _, cell)| match cell {
            Data::String(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    for text in [HYPERLINK, "+cmd", "-2+3", "@SUM(A1)", "=1+1", "T5"] {
        assert!(
            strings.iter().any(|s| s == text),
            "{text:?} as a string cell in Findings"
        );
    }
    let rejected_sheet: Vec<String> = workbook
        .worksheet_range("Rejected rows")
        .unwrap()
        .used_cells()
        .filter_map(|(_, _, cell)| match cell {
            Data::String(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(rejected_sheet.iter().any(|s| s == "@SUM(A1)"));
    assert!(rejected_sheet.iter().any(|s| s == "-2+3"));
}
