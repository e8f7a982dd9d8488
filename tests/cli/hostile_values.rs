//! Hostile values: every kind of unreadable value is a rejected row with its reason; odd but
//! readable values (spaces, full-width digits, formulas, hidden rows) are audited.

use crate::corpus::{csv_of, header_row, sheet_xml, ticket, xlsx_of, Xc, Xrow};
use crate::harness::{read_csv, Scratch};
use crate::hostile::{assert_stops, audit_ok, rejection, rejections, totals};

const AMBIGUOUS: &str = "day/month order is ambiguous; pass --date-order dmy|mdy";
const OUT_OF_RANGE: &str = "date out of range 1990–2100";

#[test]
fn every_unreadable_value_is_rejected_with_its_reason() {
    let scratch = Scratch::new();
    let rows = [
        ticket("V01", &[("applied_at", "yesterday")]),
        ticket("V02", &[("delivered_at", "2026-02-30")]),
        ticket("V03", &[("applied_at", "01/10/2026")]),
        ticket("V04", &[("refund_amount", "-5")]),
        ticket("V05", &[("refund_amount", "twenty")]),
        ticket("V06", &[("freight_amount", "1,23")]),
        ticket("V07", &[("cause", "boredom")]),
        ticket("V08", &[("decision", "maybe later")]),
        ticket("V09", &[("service_type", "teleport")]),
        ticket("V10", &[("freight_payer", "nobody")]),
        ticket("V11", &[("freight_payment", "barter")]),
        ticket("V12", &[("package_complete", "perhaps")]),
        ticket("V13", &[("policy", "acme")]),
        ticket("", &[]),
        ticket("V15", &[("policy", "")]),
        ticket("V16", &[("delivered_at", "1989-12-31")]),
        ticket("V17", &[("refunded_at", "2101-01-01 10:00")]),
        ticket("V18", &[("delivered_at", "12")]),
        ticket(
            "V19",
            &[
                ("applied_at", "soon"),
                ("refund_amount", "-1"),
                ("cause", "??"),
            ],
        ),
        ticket("V20", &[]),
    ];
    scratch.write("values.csv", csv_of(&rows));
    let summary = audit_ok(&scratch, "values.csv", &[]);
    assert_eq!(totals(&summary), (20, 1, 19, 0));
    assert_eq!(
        rejections(&scratch),
        [
            rejection(2, "V01", "applied_at", "not a date"),
            rejection(3, "V02", "delivered_at", "not a date"),
            rejection(4, "V03", "applied_at", AMBIGUOUS),
            rejection(5, "V04", "refund_amount", "negative amount"),
            rejection(6, "V05", "refund_amount", "not an amount"),
            rejection(7, "V06", "freight_amount", "not an amount"),
            rejection(8, "V07", "cause", "unknown cause value"),
            rejection(9, "V08", "decision", "unknown decision value"),
            rejection(10, "V09", "service_type", "unknown service_type value"),
            rejection(11, "V10", "freight_payer", "unknown freight_payer value"),
            rejection(
                12,
                "V11",
                "freight_payment",
                "unknown freight_payment value"
            ),
            rejection(13, "V12", "package_complete", "not a yes/no value"),
            rejection(14, "V13", "policy", "unknown policy `acme`"),
            rejection(15, "", "ticket_id", "ticket_id is blank"),
            rejection(
                16,
                "V15",
                "policy",
                "policy is blank (fill the column or pass --policy)"
            ),
            rejection(17, "V16", "delivered_at", OUT_OF_RANGE),
            rejection(18, "V17", "refunded_at", OUT_OF_RANGE),
            rejection(19, "V18", "delivered_at", OUT_OF_RANGE),
            rejection(20, "V19", "cause", "unknown cause value"),
            rejection(20, "V19", "applied_at", "not a date"),
            rejection(20, "V19", "refund_amount", "negative amount"),
        ]
    );
    let values: Vec<String> = read_csv(&scratch.path("out/rejected.csv"))
        .into_iter()
        .skip(1)
        .map(|r| r[5].clone())
        .collect();
    assert_eq!(values[0], "yesterday", "the value as found");
    assert_eq!(values[3], "'-5", "a leading minus is neutralised");

    // The ambiguous date reads with an order.
    let summary = audit_ok(&scratch, "values.csv", &["--date-order", "dmy"]);
    assert_eq!(totals(&summary), (20, 2, 18, 0));
}

#[test]
fn spaces_and_full_width_characters_are_read() {
    let scratch = Scratch::new();
    let collect = |id: &str, deducted: &str| {
        ticket(
            id,
            &[
                ("delivered_at", "２０２５／０９／０１"),
                ("applied_at", "２０２５年９月３日 １０：００"),
                ("refund_amount", " ￥２９９．００ "),
                ("courier", "ZTO"),
                ("freight_payment", "到付"),
                ("freight_deducted", deducted),
            ],
        )
    };
    let rows = [
        collect("  W1  ", "￥２５"),
        collect("W2", "２０元"),
        ticket(
            "\u{3000}W3\t",
            &[("cause", " Quality Problem "), ("policy", " JOINING ")],
        ),
    ];
    scratch.write("wide.csv", csv_of(&rows));
    let summary = audit_ok(&scratch, "wide.csv", &[]);
    assert_eq!(totals(&summary), (3, 3, 0, 0), "{:?}", rejections(&scratch));
    let findings = read_csv(&scratch.path("out/findings.csv"));
    let mismatch: Vec<(&str, &str)> = findings
        .iter()
        .filter(|r| r[4] == "freight.deduction-mismatch")
        .map(|r| (r[1].as_str(), r[10].as_str()))
        .collect();
    assert_eq!(mismatch, [("W1", "5.00")], "trimmed id, ￥２５ read as 25");
}

#[test]
fn workbook_cells_errors_formulas_merges_and_hidden_rows() {
    let scratch = Scratch::new();
    let text = |fields: Vec<String>| -> Vec<Xc> { fields.into_iter().map(Xc::Text).collect() };
    // `#N/A` reads as blank (a blank token); other error cells are rejected.
    let mut error_na = text(ticket("X2", &[]));
    error_na[12] = Xc::Error("#DIV/0!");
    let mut error_value = text(ticket("X3", &[]));
    error_value[8] = Xc::Error("#VALUE!");
    let mut formulas = text(ticket("", &[]));
    formulas[0] = Xc::FormulaText("\"X\"&4", "X4".into());
    formulas[12] = Xc::FormulaNumber("200+99", 299.0);
    // B5:B6 merged: the policy shows once, the second row's cell is empty.
    let merged_top = text(ticket("X5", &[]));
    let mut merged_below = text(ticket("X6", &[]));
    merged_below[1] = Xc::Empty;
    let mut hidden = Xrow {
        cells: text(ticket("X7", &[("reviewed_at", "2025-09-04 11:00")])),
        hidden: true,
    };
    hidden.cells[13] = Xc::Number(12.0);
    let rows = vec![
        header_row(),
        Xrow {
            cells: error_na,
            hidden: false,
        },
        Xrow {
            cells: error_value,
            hidden: false,
        },
        Xrow {
            cells: formulas,
            hidden: false,
        },
        Xrow {
            cells: merged_top,
            hidden: false,
        },
        Xrow {
            cells: merged_below,
            hidden: false,
        },
        hidden,
    ];
    scratch.write("cells.xlsx", xlsx_of(&sheet_xml(&rows, &["B5:B6"], 0)));
    let summary = audit_ok(&scratch, "cells.xlsx", &[]);
    assert_eq!(totals(&summary), (6, 3, 3, 0));
    let rejected = read_csv(&scratch.path("out/rejected.csv"));
    let lines: Vec<[&str; 5]> = rejected[1..]
        .iter()
        .map(|r| {
            [
                r[1].as_str(),
                r[2].as_str(),
                r[3].as_str(),
                r[4].as_str(),
                r[6].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        lines,
        [
            ["Tickets", "2", "X2", "refund_amount", "cell error #DIV/0!"],
            ["Tickets", "3", "X3", "applied_at", "cell error #VALUE!"],
            [
                "Tickets",
                "6",
                "X6",
                "policy",
                "policy is blank (fill the column or pass --policy)"
            ],
        ]
    );
    let findings = read_csv(&scratch.path("out/findings.csv"));
    assert!(
        findings
            .iter()
            .any(|r| r[1] == "X7" && r[4] == "review-sla.late" && r[15] == "7"),
        "the hidden row is audited: {findings:?}"
    );
    assert!(
        !findings.iter().any(|r| r[1] == "X4" || r[1] == "X5"),
        "the formula row reads its cached values and is compliant: {findings:?}"
    );
}

#[test]
fn two_headers_for_one_column_stop_the_run() {
    let scratch = Scratch::new();
    scratch.write("dup.csv", "ticket_id,policy,工单号\nT1,joining,T1\n");
    assert_stops(
        &scratch,
        "dup.csv",
        &[],
        "dup.csv: headers `ticket_id` (column A) and `工单号` (column C) both map to ticket_id",
    );
    scratch.write(
        "twice.csv",
        "Ticket ID,Store,policy, store \nT1,A,joining,B\n",
    );
    assert_stops(
        &scratch,
        "twice.csv",
        &[],
        "twice.csv: headers `Store` (column B) and `store` (column D) both map to store",
    );
}
