//! The workbook read back: sheets, headers, totals, links, text safety, splitting and
//! reproducible bytes.
//!
//! The workbook's tests follow one convention. A test of one file's functions sits inline at
//! the bottom of that file (`cells.rs`, `widths.rs`). A test that writes a whole workbook and
//! reads it back is here, and holds only `#[test]` functions: the run it writes comes from
//! `fixture.rs`, and every helper that reads the written file back is in `read.rs`.
//! `layers.rs` checks the module's layers.

mod fixture;
mod layers;
mod read;

use calamine::Data;

use super::Limits;
use crate::audit::AuditRun;
use fixture::*;
use read::*;

const CATEGORY_SHEETS: [&str; 6] = [
    "Freight",
    "Review SLA",
    "Refund cycle",
    "Turnaround",
    "Eligibility",
    "Data",
];

#[test]
fn every_sheet_is_present_in_order() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    let mut expected = vec!["Summary", "Findings"];
    expected.extend(CATEGORY_SHEETS);
    expected.extend([
        "Freight reconciliation",
        "Scorecards",
        "Coverage",
        "Rejected rows",
        "Review sample",
        "Run",
    ]);
    assert_eq!(sheet_names(&written.path), expected);

    let mut plain = run.clone();
    plain.review_sample = crate::audit::ReviewSample::default();
    let written = write(&plain, &meta(), Limits::default());
    let names = sheet_names(&written.path);
    assert!(!names.iter().any(|n| n == "Review sample"), "{names:?}");
    assert_eq!(names.last().map(String::as_str), Some("Run"));
}

#[test]
fn header_rows_are_exact() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    let path = &written.path;
    let findings =
        "Ticket,Status,Severity,Category,Rule,Clause,Policy,Version,Store,Agent,Courier,\
Applied at,Start event,Start at,End event,End at,Expected,Actual,Amount,Late by,Unit,Explanation,\
Source file,Row,order_note";
    assert_eq!(header(path, "Findings").join(","), findings);
    let key = "Ticket,Status,Severity,Rule,Clause,Policy";
    let tail = "Expected,Actual,Explanation,Source file,Row,order_note";
    let middles = [
        ("Freight", "Store,Courier,Cause,Decision,Freight payment,Freight payer,Freight amount,Freight deducted,Return freight charged,Remote area,Amount,Money side"),
        ("Review SLA", "Store,Agent,Applied at,Reviewed at,Late by (hours)"),
        ("Refund cycle", "Store,Agent,Received at,Refunded at,Refund amount,Late by (working days),Amount"),
        ("Turnaround", "Store,Agent,Decision,Start event,Start at,End event,End at,Late by,Unit"),
        ("Eligibility", "Store,Agent,Service type,Cause,Decision,Delivered at,Purchased at,Activated at,Applied at,Proof of purchase,SKU,Exchange SKU,Refund amount,Repair fee,Days past limit,Amount,Money side"),
        ("Data", "Store,Agent,Delivered at,Applied at,Reviewed at,Received at,Refunded at"),
    ];
    for (sheet, middle) in middles {
        assert_eq!(
            header(path, sheet).join(","),
            format!("{key},{middle},{tail}"),
            "{sheet}"
        );
    }
    assert_eq!(
        header(path, "Freight reconciliation").join(","),
        "By,Name,Tickets,Deductions taken (CNY),Deductions expected (CNY),Taken − expected,\
Customer over-charged,Company under-recovered,Net (over-charged − under-recovered)"
    );
    assert_eq!(
        header(path, "Scorecards").join(","),
        "Scorecard,Name,Tickets audited,Tickets with findings,Findings,Findings per 100 tickets,\
Violations,Money at stake (CNY)"
    );
    assert_eq!(
        header(path, "Coverage").join(","),
        "Policy,Rule,Category,In scope,Evaluated,Passed,Flagged,Not evaluable,Not evaluable: reasons"
    );
    assert_eq!(
        header(path, "Rejected rows").join(","),
        "Ticket,Source file,Sheet,Row,Column,Value,Reason,Header in the export,Letter"
    );
    assert_eq!(
        header(path, "Review sample").join(","),
        "Ticket,Policy,Compliant tickets,Sampled,Store,Agent,Courier,Service type,Cause,Decision,\
Delivered at,Applied at,Reviewed at,Received at,Refunded at,Refund amount,Source file,Row,\
Reviewed by,Review note,order_note"
    );
    // No header is a snake_case name, but for the kept columns, named as the export names them.
    for sheet in sheet_names(path) {
        for title in header(path, &sheet) {
            assert!(
                !title.contains('_') || title == "order_note",
                "{sheet}: {title}"
            );
        }
    }
}

#[test]
fn summary_totals_equal_the_findings_listed() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    let path = &written.path;
    let findings = records(path, "Findings");
    assert_eq!(findings.len(), 25);
    let count = |severity: &str| {
        findings
            .iter()
            .filter(|r| text(field(r, "Severity")) == severity)
            .count() as f64
    };
    let summary = grid(path, "Summary");
    let section = "Findings by category and severity";
    let total = summary_row(&summary, section, "Total");
    assert_eq!(number(&total[1]), count("violation"));
    assert_eq!(number(&total[2]), count("warning"));
    assert_eq!(number(&total[3]), count("info"));
    assert_eq!(number(&total[4]), 25.0);
    for sheet in CATEGORY_SHEETS {
        let row = summary_row(&summary, section, sheet);
        let listed = records(path, sheet).len() as f64;
        assert_eq!(number(&row[4]), listed, "{sheet}");
        let by_severity: f64 = (1..=3).map(|c| number(&row[c])).sum();
        assert_eq!(by_severity, listed, "{sheet}");
    }

    let month_total: f64 = {
        let (top, _) = find(&summary, "Findings by month of application");
        summary[top + 2..]
            .iter()
            .take_while(|row| !text(&row[0]).is_empty())
            .map(|row| number(&row[7]))
            .sum()
    };
    assert_eq!(month_total, 25.0);
    let no_date = summary_row(
        &summary,
        "Findings by month of application",
        "(no applied_at)",
    );
    assert_eq!(number(&no_date[7]), 1.0);

    let inputs = summary_row(
        &summary,
        "Inputs and row reconciliation (read = audited + rejected + duplicates)",
        "Total",
    );
    let read: Vec<f64> = (2..=6).map(|c| number(&inputs[c])).collect();
    assert_eq!(read, vec![52.0, 46.0, 4.0, 2.0, 52.0]);
    assert_eq!(text(&inputs[7]), "yes");

    let summary_json = crate::report::Summary::build(&run, &meta()).unwrap();
    let over = summary_row(&summary, "Money at stake (CNY)", "Customer over-charged");
    let under = summary_row(&summary, "Money at stake (CNY)", "Company under-recovered");
    assert_eq!(
        format!("{:.2}", number(&over[2])),
        summary_json.money.customer_overcharged
    );
    assert_eq!(
        format!("{:.2}", number(&under[2])),
        summary_json.money.company_underrecovered
    );
    assert_eq!(summary_json.money.customer_overcharged, "177.00");

    let previous = summary_row(&summary, "Compared with the previous run", "Persisting");
    let persisting = findings
        .iter()
        .filter(|r| text(field(r, "Status")) == "persisting")
        .count() as f64;
    assert_eq!(number(&previous[1]), persisting);
    assert_eq!(persisting, 10.0);
}

#[test]
fn every_hyperlink_points_to_an_existing_sheet() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    let names = sheet_names(&written.path);
    let sheets = sheet_xml(&written.path);
    let mut summary_links = Vec::new();
    for (sheet, xml) in &sheets {
        for (cell, location) in hyperlinks(xml) {
            let (target, _) = split_location(&location);
            assert!(names.contains(&target), "{sheet}!{cell} → {location}");
            if sheet == "Summary" {
                summary_links.push((cell, location));
            }
        }
    }
    assert!(summary_links.len() > 60, "{}", summary_links.len());

    let summary = grid(&written.path, "Summary");
    let link_of = |row: usize, col: usize| {
        let cell = rust_xlsxwriter::utility::row_col_to_cell(row as u32, col as u16);
        summary_links
            .iter()
            .find(|(c, _)| *c == cell)
            .map_or_else(|| panic!("no link at {cell}"), |(_, l)| l.clone())
    };
    let (top, _) = find(&summary, "Findings by category and severity");
    let (review, _) = summary[top..]
        .iter()
        .enumerate()
        .find(|(_, row)| text(&row[0]) == "Review SLA")
        .unwrap();
    assert_eq!(link_of(top + review, 4), "'Review SLA'!A1");
    let (inputs, _) = find(
        &summary,
        "Inputs and row reconciliation (read = audited + rejected + duplicates)",
    );
    assert_eq!(link_of(inputs + 2, 4), "'Rejected rows'!A1");
    assert_eq!(link_of(inputs + 2, 5), "'Data'!A1");

    // The resolved count links to the list of resolved findings on the Run sheet.
    let (resolved_row, _) = find(&summary, "Resolved");
    assert_eq!(number(&summary[resolved_row][1]), 1.0);
    let (target, cell) = split_location(&link_of(resolved_row, 1));
    assert_eq!(target, "Run");
    let (row, col) = parse_ref(&cell);
    let run_grid = grid(&written.path, "Run");
    assert!(text(&run_grid[row][col]).starts_with("Findings resolved since the previous run"));
    assert_eq!(text(&run_grid[row + 2][1]), "JD-0999");
}

#[test]
fn formula_like_input_stays_text() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    for (sheet, xml) in sheet_xml(&written.path) {
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "{sheet} has a formula"
        );
    }
    let findings = records(&written.path, "Findings");
    let row = findings
        .iter()
        .find(|r| *field(r, "Ticket") == Data::String(FORMULA_TICKET.into()))
        .expect("the formula-looking ticket id is a string cell");
    assert_eq!(
        *field(row, "Explanation"),
        Data::String(format!("Finding 0: -2+3 is text, so is {FORMULA_AGENT}."))
    );
    assert!(findings
        .iter()
        .any(|r| *field(r, "Store") == Data::String(FORMULA_STORE.into())));
    assert!(findings
        .iter()
        .any(|r| *field(r, "Agent") == Data::String(FORMULA_AGENT.into())));
    assert!(findings
        .iter()
        .any(|r| *field(r, "Actual") == Data::String(FORMULA_VALUE.into())));
    let rejected = records(&written.path, "Rejected rows");
    assert_eq!(rejected.len(), 4);
    assert_eq!(
        *field(&rejected[0], "Value"),
        Data::String(FORMULA_VALUE.into())
    );
    assert_eq!(
        *field(&rejected[1], "Value"),
        Data::String("2025-13-01".into())
    );
    assert_eq!(*field(&rejected[2], "Value"), Data::String("-5".into()));
    let freight = records(&written.path, "Freight reconciliation");
    assert!(freight
        .iter()
        .any(|r| *field(r, "Name") == Data::String(FORMULA_STORE.into())));
}

#[test]
fn long_listings_continue_on_numbered_sheets() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits { rows_per_sheet: 10 });
    let names = sheet_names(&written.path);
    let expected = [
        "Summary",
        "Findings",
        "Findings (2)",
        "Findings (3)",
        "Freight",
        "Review SLA",
        "Refund cycle",
        "Turnaround",
        "Eligibility",
        "Data",
        "Freight reconciliation",
        "Scorecards",
        "Scorecards (2)",
        "Coverage",
        "Rejected rows",
        "Review sample",
        "Run",
    ];
    assert_eq!(names, expected);
    let parts: Vec<usize> = ["Findings", "Findings (2)", "Findings (3)"]
        .iter()
        .map(|sheet| {
            assert_eq!(header(&written.path, sheet)[0], "Ticket");
            records(&written.path, sheet).len()
        })
        .collect();
    assert_eq!(parts, vec![9, 9, 7]);
    let one_sheet = write(&run, &meta(), Limits::default());
    let all: Vec<String> = records(&one_sheet.path, "Findings")
        .iter()
        .map(|r| text(field(r, "Ticket")))
        .collect();
    let split: Vec<String> = ["Findings", "Findings (2)", "Findings (3)"]
        .iter()
        .flat_map(|sheet| records(&written.path, sheet))
        .map(|r| text(field(&r, "Ticket")))
        .collect();
    assert_eq!(split, all, "the split keeps the order");
    let summary = grid(&written.path, "Summary");
    find(
        &summary,
        "Findings: listed over 3 sheets (Findings, Findings (2), Findings (3)); a sheet holds at most 10 rows.",
    );
}

#[test]
fn the_same_run_gives_the_same_bytes() {
    let (run, _previous) = full_run();
    let first = write(&run, &meta(), Limits::default());
    let second = write(&run, &meta(), Limits::default());
    let a = std::fs::read(&first.path).unwrap();
    let b = std::fs::read(&second.path).unwrap();
    assert!(a.len() > 10_000);
    assert!(a == b, "two writes of the same run differ");
    let core = part(&first.path, "docProps/core.xml");
    assert!(core.contains("2025-11-15T15:59:59Z"), "{core}");
}

#[test]
fn findings_are_sorted_with_real_dates() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    let findings = records(&written.path, "Findings");
    let rank = |r: &[(String, Data)]| match text(field(r, "Severity")).as_str() {
        "violation" => 0,
        "warning" => 1,
        _ => 2,
    };
    for pair in findings.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(rank(a) <= rank(b), "severity order");
        if rank(a) == rank(b) {
            match (field(a, "Applied at"), field(b, "Applied at")) {
                (Data::DateTime(x), Data::DateTime(y)) => assert!(x.as_f64() >= y.as_f64()),
                (Data::DateTime(_) | Data::Empty, Data::Empty) => {}
                other => panic!("applied_at out of order: {other:?}"),
            }
        }
    }
    let ticket = |id: &str| {
        findings
            .iter()
            .find(|r| text(field(r, "Ticket")) == id)
            .unwrap()
            .clone()
    };
    let applied = |r: &[(String, Data)]| match field(r, "Applied at") {
        Data::DateTime(d) => d.as_datetime().unwrap().to_string(),
        other => panic!("{other:?}"),
    };
    // An instant with an offset is shown in the policy's local time.
    assert_eq!(applied(&ticket("JD-1001")), "2025-09-12 10:30:00");
    let overdue = ticket("JD-1009");
    assert_eq!(text(field(&overdue, "Start event")), "received_at");
    assert_eq!(text(field(&overdue, "End event")), "as-of (no refunded_at)");
    match field(&overdue, "End at") {
        Data::DateTime(d) => {
            assert_eq!(d.as_datetime().unwrap().to_string(), "2025-11-15 23:59:59");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(number(field(&overdue, "Amount")), 1299.0);
    assert_eq!(text(field(&overdue, "order_note")), "note 9");
    let styles = part(&written.path, "xl/styles.xml");
    for format in ["#,##0.00", "yyyy-mm-dd hh:mm"] {
        assert!(
            styles.contains(&format!("formatCode=\"{format}\"")),
            "{format}"
        );
    }
}

#[test]
fn write_all_puts_the_workbook_beside_the_csv_files() {
    let (run, _previous) = full_run();
    let out = tempfile::tempdir().unwrap();
    crate::report::write_all(&run, &meta(), out.path()).unwrap();
    let path = out.path().join("report.xlsx");
    assert_eq!(records(&path, "Findings").len(), run.findings.len());
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_empty_run_still_has_every_sheet() {
    let run = AuditRun {
        as_of: Some(as_of()),
        ..AuditRun::default()
    };
    let written = write(&run, &meta(), Limits::default());
    let names = sheet_names(&written.path);
    assert_eq!(names.len(), 13, "{names:?}");
    assert_eq!(records(&written.path, "Findings").len(), 0);
    let summary = grid(&written.path, "Summary");
    let total = summary_row(&summary, "Findings by category and severity", "Total");
    assert_eq!(number(&total[4]), 0.0);
}

#[test]
fn listing_cells_written_without_a_format_take_their_columns() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    for (sheet, header, code) in [
        ("Findings", "Amount", "#,##0.00"),
        ("Findings", "End at", "yyyy-mm-dd hh:mm"),
        ("Findings", "Row", "#,##0"),
        ("Refund cycle", "Late by (working days)", "0.0"),
    ] {
        let formats = column_formats(&written.path, sheet, header);
        assert!(!formats.is_empty(), "{sheet} / {header}: no cells");
        assert!(
            formats.iter().all(|f| f == code),
            "{sheet} / {header}: {formats:?}"
        );
    }
}

#[test]
fn severity_is_coloured_by_one_conditional_format_per_listing_column() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    let styles = part(&written.path, "xl/styles.xml");
    let dxfs = &styles[styles.find("<dxfs").unwrap()..styles.find("</dxfs>").unwrap()];
    let dxfs: Vec<&str> = dxfs.split("<dxf>").skip(1).collect();
    let sheets = sheet_xml(&written.path);
    let mut coloured = 0;
    for sheet in std::iter::once("Findings").chain(CATEGORY_SHEETS) {
        let grid = grid(&written.path, sheet);
        let rows = grid.len() - 1;
        if rows == 0 {
            continue;
        }
        let col = grid[0].iter().position(|h| text(h) == "Severity").unwrap();
        let letters = rust_xlsxwriter::utility::column_number_to_name(col as u16);
        let (_, xml) = sheets.iter().find(|(name, _)| name == sheet).unwrap();
        let ranges = elements(xml, "conditionalFormatting");
        assert_eq!(ranges.len(), 1, "{sheet}: {ranges:?}");
        let wanted = format!("{letters}2:{letters}{}", rows + 1);
        assert_eq!(attribute(ranges[0], "sqref"), Some(wanted), "{sheet}");
        let rules = elements(xml, "cfRule");
        assert_eq!(rules.len(), 3, "{sheet}");
        for ((rule, name), fill) in rules
            .iter()
            .zip(["violation", "warning", "info"])
            .zip(["FFFFC7CE", "FFFFEB9C", "FFDDEBF7"])
        {
            let after = &xml[xml.find(rule).unwrap()..];
            assert!(
                after.starts_with(&format!("{rule}><formula>\"{name}\"</formula>")),
                "{sheet}: {name}: {}",
                &after[..after.len().min(120)]
            );
            let dxf: usize = attribute(rule, "dxfId").unwrap().parse().unwrap();
            assert!(
                dxfs[dxf].contains(&format!("<bgColor rgb=\"{fill}\"/>")),
                "{sheet}: {name}: {}",
                dxfs[dxf]
            );
        }
        // Every severity cell has the column's style and none of its own.
        let cells = column_cells(xml, col);
        assert_eq!(cells.len(), rows, "{sheet}");
        let style = attribute(cells[0], "s");
        assert!(style.is_some(), "{sheet}: the severity column is bold");
        assert!(cells.iter().all(|c| attribute(c, "s") == style), "{sheet}");
        coloured += 1;
    }
    assert!(
        coloured >= 3,
        "the fixture has findings in several categories"
    );
}

#[test]
fn freight_reconciliation_continues_on_numbered_sheets() {
    let (run, _previous) = with_thirty_more_stores();
    let written = write(&run, &meta(), Limits { rows_per_sheet: 10 });
    let freight = split_freight_sheets(&run);
    let names = sheet_names(&written.path);
    let at = names
        .iter()
        .position(|name| name == "Freight reconciliation")
        .unwrap();
    assert_eq!(names[at..at + freight.len()], freight[..]);
    assert_eq!(names[at + freight.len()], "Scorecards");

    // Every sheet has the header and at most the limit's rows; the rows, in order, are those of
    // the one-sheet table; the total is on the last sheet only.
    let one_sheet = write(&run, &meta(), Limits::default());
    let lines = |path: &std::path::Path, sheet: &str| -> Vec<(String, String)> {
        records(path, sheet)
            .iter()
            .map(|r| (text(field(r, "By")), text(field(r, "Name"))))
            .collect()
    };
    let all = lines(&one_sheet.path, "Freight reconciliation");
    let ledger = &run.freight_ledger;
    assert_eq!(all.len(), ledger.by_courier.len() + ledger.by_store.len());
    let mut split = Vec::new();
    for (n, sheet) in freight.iter().enumerate() {
        assert_eq!(header(&written.path, sheet)[0], "By", "{sheet}");
        let rows = grid(&written.path, sheet);
        assert!(rows.len() <= 10, "{sheet}: {} rows", rows.len());
        let part = lines(&written.path, sheet);
        if n + 1 < freight.len() {
            assert!(
                !rows.iter().flatten().any(|c| text(c) == "Total"),
                "{sheet}"
            );
        }
        if n == 0 {
            assert_eq!(part.len(), 9, "{sheet} is full");
        }
        split.extend(part);
    }
    assert_eq!(split, all, "the split keeps the order");
    let last = grid(&written.path, freight.last().unwrap());
    let (row, _) = find(&last, "Total");
    assert_eq!(
        number(&last[row][2]) as usize,
        ledger
            .by_courier
            .values()
            .map(|r| r.tickets as usize)
            .sum::<usize>()
    );
}

#[test]
fn the_summary_notes_and_links_a_split_freight_reconciliation() {
    let (run, _previous) = with_thirty_more_stores();
    let written = write(&run, &meta(), Limits { rows_per_sheet: 10 });
    let freight = split_freight_sheets(&run);
    let summary = grid(&written.path, "Summary");
    find(
        &summary,
        &format!(
            "Freight reconciliation: listed over {} sheets ({}); a sheet holds at most 10 rows.",
            freight.len(),
            freight.join(", ")
        ),
    );
    let xml = sheet_xml(&written.path);
    let (_, summary_xml) = xml.iter().find(|(name, _)| name == "Summary").unwrap();
    assert!(
        hyperlinks(summary_xml)
            .iter()
            .any(|(_, location)| split_location(location).0 == "Freight reconciliation"),
        "the Summary links to the Freight reconciliation"
    );
}

#[test]
fn listings_wrap_freeze_the_ticket_and_print_one_page_wide() {
    let (mut run, _previous) = full_run();
    let long = "A long explanation that cannot fit on one line of its column, so that it wraps \
                over several lines and the row is made taller to show all of them, which is \
                what a reader needs when the sheet is printed."
        .to_owned();
    let ticket = run.findings[3].ticket_id.clone();
    run.findings[3].explanation = long.clone();
    let written = write(&run, &meta(), Limits::default());
    let path = &written.path;
    let workbook = part(path, "xl/workbook.xml");
    for (sheet, xml) in sheet_xml(path) {
        if sheet == "Summary" || sheet == "Run" {
            continue;
        }
        // The header row and the columns up to the ticket (or the rule, the courier or
        // store) stay in view.
        let pane = elements(&xml, "pane");
        let frozen = match sheet.as_str() {
            "Coverage" | "Freight reconciliation" | "Scorecards" => "2",
            _ => "1",
        };
        assert_eq!(
            attribute(pane[0], "xSplit").as_deref(),
            Some(frozen),
            "{sheet}"
        );
        assert_eq!(
            attribute(pane[0], "ySplit").as_deref(),
            Some("1"),
            "{sheet}"
        );
        // Landscape A4, one page wide and any number tall, the header on every page.
        let setup = elements(&xml, "pageSetup");
        let setup = setup[0];
        assert_eq!(
            attribute(setup, "orientation").as_deref(),
            Some("landscape")
        );
        assert_eq!(attribute(setup, "paperSize").as_deref(), Some("9"));
        assert_eq!(attribute(setup, "fitToHeight").as_deref(), Some("0"));
        assert_eq!(attribute(setup, "fitToWidth"), None, "1 is the default");
        assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{sheet}");
        let reference = if sheet.contains(' ') {
            format!("'{sheet}'!$1:$1")
        } else {
            format!("{sheet}!$1:$1")
        };
        let repeated = elements(&workbook, "definedName")
            .into_iter()
            .any(|d| attribute(d, "name").as_deref() == Some("_xlnm.Print_Titles"))
            && workbook.contains(&format!(">{reference}</definedName>"));
        assert!(repeated, "{sheet}: the header row repeated on every page");
    }

    // The Explanation column wraps: its column format has wrapped text, its cells none of
    // their own; the long explanation's row is as tall as its lines.
    let styles = part(path, "xl/styles.xml");
    let cell_xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xfs: Vec<&str> = cell_xfs.split("<xf ").skip(1).collect();
    let findings = sheet_xml(path)
        .into_iter()
        .find(|(name, _)| name == "Findings")
        .unwrap()
        .1;
    let header = header(path, "Findings");
    let column = header.iter().position(|h| h == "Explanation").unwrap() + 1;
    let col = elements(&findings, "col")
        .into_iter()
        .find(|c| {
            let min: usize = attribute(c, "min").unwrap().parse().unwrap();
            let max: usize = attribute(c, "max").unwrap().parse().unwrap();
            (min..=max).contains(&column)
        })
        .expect("the Explanation column");
    let style: usize = attribute(col, "style").unwrap().parse().unwrap();
    assert!(xfs[style].contains(r#"wrapText="1""#), "{}", xfs[style]);
    let row = records(path, "Findings")
        .iter()
        .position(|r| text(field(r, "Ticket")) == ticket)
        .unwrap()
        + 2;
    let element = elements(&findings, "row")
        .into_iter()
        .find(|r| attribute(r, "r") == Some(row.to_string()))
        .unwrap();
    let height: f64 = attribute(element, "ht").unwrap().parse().unwrap();
    assert!(height >= 45.0, "{element}");
    assert_eq!(attribute(element, "customHeight").as_deref(), Some("1"));
    // The other rows are as tall as their own texts need: the first (its source file takes
    // two lines) is lower.
    let first = elements(&findings, "row")
        .into_iter()
        .find(|r| attribute(r, "r").as_deref() == Some("2"))
        .unwrap();
    let first: f64 = attribute(first, "ht").map_or(15.0, |ht| ht.parse().unwrap());
    assert!(first < height, "{first} {height}");
}

#[test]
fn scorecards_count_every_ticket_audited_and_sort_by_rate() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    let rows = scorecard_rows(&written.path, &["Scorecards"]);
    let audited: u64 = run.tickets_by_policy.values().sum();
    let findings = records(&written.path, "Findings");
    let violations = findings
        .iter()
        .filter(|r| text(field(r, "Severity")) == "violation")
        .count() as f64;
    let money: f64 = findings
        .iter()
        .filter_map(|r| match field(r, "Amount") {
            Data::Empty => None,
            cell => Some(number(cell)),
        })
        .sum();
    for table in ["Store", "Agent", "Courier"] {
        let lines: Vec<&ScorecardRow> = rows.iter().filter(|r| r.scorecard == table).collect();
        assert!(!lines.is_empty(), "{table}");
        let sum = |f: fn(&ScorecardRow) -> f64| lines.iter().map(|r| f(r)).sum::<f64>();
        assert_eq!(
            sum(|r| r.tickets),
            audited as f64,
            "{table}: tickets audited"
        );
        assert_eq!(
            sum(|r| r.findings),
            findings.len() as f64,
            "{table}: findings"
        );
        assert_eq!(sum(|r| r.violations), violations, "{table}: violations");
        assert_eq!(
            format!("{:.2}", sum(|r| r.money)),
            format!("{money:.2}"),
            "{table}: money"
        );
        assert_rates_sorted(&lines);
        for line in &lines {
            assert!(line.tickets_with_findings <= line.tickets, "{line:?}");
            let rate = line.rate.expect("every name has audited tickets here");
            let exact = line.findings * 100.0 / line.tickets;
            assert!((rate - exact).abs() <= 0.05 + 1e-9, "{line:?}");
        }
    }
    // A ticket without a store counts as "(blank)", as on the Summary's top lists; input text
    // stays text.
    assert!(rows
        .iter()
        .any(|r| r.scorecard == "Store" && r.name == "(blank)"));
    assert!(rows.iter().any(|r| r.name == FORMULA_STORE));
    // The rate shows one decimal, the money as money.
    for (header, code) in [
        ("Findings per 100 tickets", "0.0"),
        ("Money at stake (CNY)", "#,##0.00"),
    ] {
        let formats = column_formats(&written.path, "Scorecards", header);
        assert!(!formats.is_empty(), "{header}: no cells");
        assert!(formats.iter().all(|f| f == code), "{header}: {formats:?}");
    }

    // The Summary links to the Scorecards beside its top lists.
    let summary = grid(&written.path, "Summary");
    let (row, col) = find(&summary, "Rates per 100 tickets: see Scorecards");
    let xml = sheet_xml(&written.path);
    let (_, summary_xml) = xml.iter().find(|(name, _)| name == "Summary").unwrap();
    let cell = rust_xlsxwriter::utility::row_col_to_cell(row as u32, col as u16);
    assert!(
        hyperlinks(summary_xml)
            .iter()
            .any(|(at, location)| *at == cell && split_location(location).0 == "Scorecards"),
        "{cell} links to the Scorecards"
    );
}

#[test]
fn scorecards_continue_on_numbered_sheets() {
    let (run, _previous) = with_thirty_more_agents();
    let written = write(&run, &meta(), Limits { rows_per_sheet: 10 });
    let names = sheet_names(&written.path);
    let sheets: Vec<String> = names
        .iter()
        .filter(|name| name.starts_with("Scorecards"))
        .cloned()
        .collect();
    // 5 stores, 33 agents, 3 couriers and the two rows below: nine rows a sheet.
    assert_eq!(
        sheets.len(),
        (5 + 33 + 3 + 2usize).div_ceil(9),
        "{sheets:?}"
    );
    let at = names.iter().position(|name| name == "Scorecards").unwrap();
    assert_eq!(names[at - 1], "Freight reconciliation");
    assert_eq!(names[at + sheets.len()], "Coverage");
    for sheet in &sheets {
        assert_eq!(header(&written.path, sheet)[0], "Scorecard", "{sheet}");
        assert!(grid(&written.path, sheet).len() <= 10, "{sheet}");
    }
    let split = scorecard_rows(&written.path, &sheets);
    let one_sheet = write(&run, &meta(), Limits::default());
    let all = scorecard_rows(&one_sheet.path, &["Scorecards"]);
    assert_eq!(split, all, "the split keeps the order");
    let agents: Vec<&ScorecardRow> = all.iter().filter(|r| r.scorecard == "Agent").collect();
    assert_eq!(agents.len(), 33);
    assert_eq!(agents.iter().map(|r| r.tickets).sum::<f64>(), 76.0);
    assert_rates_sorted(&agents);
    let summary = grid(&written.path, "Summary");
    find(
        &summary,
        &format!(
            "Scorecards: listed over {} sheets ({}); a sheet holds at most 10 rows.",
            sheets.len(),
            sheets.join(", ")
        ),
    );
}

#[test]
fn every_month_of_the_audited_period_is_in_the_by_month_table_and_chart() {
    let (run, _previous) = full_run();
    let written = write(&run, &meta(), Limits::default());
    let summary = grid(&written.path, "Summary");
    let (top, _) = find(&summary, "Findings by month of application");
    let rows: Vec<&Vec<Data>> = summary[top + 2..]
        .iter()
        .take_while(|row| !text(&row[0]).is_empty())
        .collect();
    let months: Vec<String> = rows.iter().map(|row| text(&row[0])).collect();
    // The audited tickets were applied for from July 2025, the findings from September.
    assert_eq!(
        months,
        [
            "2025-07",
            "2025-08",
            "2025-09",
            "2025-10",
            "2025-11",
            "(no applied_at)"
        ]
    );
    for row in &rows[..2] {
        for cell in &row[1..=7] {
            assert_eq!(number(cell), 0.0, "{row:?}");
        }
    }
    // The chart's categories cover every row of the table, zeros included.
    let chart = part(&written.path, "xl/charts/chart1.xml");
    let first = top + 3;
    let last = top + 2 + rows.len();
    assert!(
        chart.contains(&format!("Summary!$A${first}:$A${last}")),
        "rows {first}–{last} are the chart's categories"
    );
}

#[test]
fn the_month_table_has_no_unknown_row_when_every_finding_has_a_date() {
    let (mut run, _previous) = full_run();
    run.findings.retain(|f| {
        run.flagged_tickets
            .get(&f.source)
            .is_some_and(|t| t.applied_at.is_some())
    });
    let written = write(&run, &meta(), Limits::default());
    let summary = grid(&written.path, "Summary");
    let (top, _) = find(&summary, "Findings by month of application");
    let months: Vec<String> = summary[top + 2..]
        .iter()
        .take_while(|row| !text(&row[0]).is_empty())
        .map(|row| text(&row[0]))
        .collect();
    assert_eq!(
        months,
        ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11"]
    );
}
