//! The Scorecards sheet and the months of the Summary, read back from `report.xlsx`: every
//! audited ticket counted once per table, rates sorted, every month of the audited period shown.

use calamine::{open_workbook_auto, Data, Reader};

use crate::harness::{read_json, Scratch, HEADER};
use crate::sample_data::sample_path;

/// Every cell of a sheet, as a grid anchored at A1.
fn grid(path: &std::path::Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let (first_row, first_col) = range.start().unwrap_or_default();
    let (height, width) = range.get_size();
    let mut grid = vec![vec![Data::Empty; first_col as usize + width]; first_row as usize + height];
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            grid[first_row as usize + r][first_col as usize + c] = cell.clone();
        }
    }
    grid
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// (scorecard, name, tickets audited, findings, rate) of every row of the Scorecards table.
type Line = (String, String, f64, f64, Option<f64>);

fn scorecard_lines(path: &std::path::Path) -> Vec<Line> {
    let grid = grid(path, "Scorecards");
    let header: Vec<String> = grid[0].iter().map(text).collect();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (by, name, tickets, findings, rate) = (
        col("Scorecard"),
        col("Name"),
        col("Tickets audited"),
        col("Findings"),
        col("Findings per 100 tickets"),
    );
    grid[1..]
        .iter()
        .take_while(|row| !text(&row[by]).is_empty())
        .map(|row| {
            (
                text(&row[by]),
                text(&row[name]),
                number(&row[tickets]),
                number(&row[findings]),
                match &row[rate] {
                    Data::Empty => None,
                    cell => Some(number(cell)),
                },
            )
        })
        .collect()
}

#[test]
fn on_the_sample_each_scorecard_sums_to_the_tickets_audited() {
    let scratch = Scratch::new();
    let (en, zh, xlsx) = (
        sample_path("tickets-en.csv"),
        sample_path("tickets-zh-gbk.csv"),
        sample_path("tickets.xlsx"),
    );
    let run = scratch.run(&[
        "audit",
        &en,
        &zh,
        &xlsx,
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let summary = read_json(&scratch.path("out/summary.json"));
    let audited = summary["totals"]["rows_audited"].as_f64().unwrap();
    let findings = summary["totals"]["findings"].as_f64().unwrap();
    assert!(audited > 100.0, "{audited}");
    let lines = scorecard_lines(&scratch.path("out/report.xlsx"));
    for table in ["Store", "Agent", "Courier"] {
        let rows: Vec<&Line> = lines.iter().filter(|l| l.0 == table).collect();
        assert!(rows.len() > 1, "{table}");
        let tickets: f64 = rows.iter().map(|l| l.2).sum();
        assert_eq!(tickets, audited, "{table}: every audited ticket once");
        let found: f64 = rows.iter().map(|l| l.3).sum();
        assert_eq!(found, findings, "{table}: every finding once");
        for pair in rows.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let rate = |l: &Line| l.4.unwrap_or(f64::NEG_INFINITY);
            assert!(
                rate(a) > rate(b)
                    || (rate(a) == rate(b) && (a.2 > b.2 || (a.2 == b.2 && a.1 <= b.1))),
                "{table}: {a:?} before {b:?}"
            );
        }
    }
}

/// A ticket of `month` (2025) that [`row`] makes compliant, or with a review 24 h 01 min late.
fn row(id: &str, month: u32, day: u32, late_review: bool) -> String {
    // Applied on a Wednesday, received the next Monday, refunded that Thursday: within the
    // review SLA and the refund cycle, in months without public holidays.
    let at = |d: u32| format!("2025-{month:02}-{d:02}");
    let reviewed = if late_review {
        format!("{} 10:01", at(day + 1))
    } else {
        format!("{} 15:00", at(day))
    };
    format!(
        "{id},JOINING,no_reason,refund,return,顺丰速运,Tmall,{},{} 10:00,{reviewed},{} 10:00,{} 10:00,299.00,12.00,customer,prepaid,0,yes,no,",
        at(day - 2),
        at(day),
        at(day + 5),
        at(day + 8),
    )
}

#[test]
fn a_month_without_findings_shows_with_zeros() {
    let scratch = Scratch::new();
    // Findings in July and October; August has a compliant ticket; September no ticket.
    let rows = [
        row("J1", 7, 9, true),
        row("A1", 8, 6, false),
        row("O1", 10, 15, true),
    ];
    scratch.write("tickets.csv", format!("{HEADER}\n{}\n", rows.join("\n")));
    let run = scratch.run(&[
        "audit",
        "tickets.csv",
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let summary = grid(&scratch.path("out/report.xlsx"), "Summary");
    let top = summary
        .iter()
        .position(|row| text(&row[0]) == "Findings by month of application")
        .unwrap();
    let months: Vec<(String, f64)> = summary[top + 2..]
        .iter()
        .take_while(|row| !text(&row[0]).is_empty())
        .map(|row| (text(&row[0]), number(&row[7])))
        .collect();
    assert_eq!(
        months,
        [
            ("2025-07".to_owned(), 1.0),
            ("2025-08".to_owned(), 0.0),
            ("2025-09".to_owned(), 0.0),
            ("2025-10".to_owned(), 1.0),
        ],
        "every month from the first to the last, and no (no applied_at) row"
    );
    // Three tickets audited on each scorecard, the compliant one included.
    let lines = scorecard_lines(&scratch.path("out/report.xlsx"));
    let store: Vec<&Line> = lines.iter().filter(|l| l.0 == "Store").collect();
    assert_eq!(store.len(), 1);
    assert_eq!((store[0].2, store[0].3), (3.0, 2.0));
    assert_eq!(store[0].4, Some(66.7));
}
