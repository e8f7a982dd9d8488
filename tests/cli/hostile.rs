//! Hostile and broken files: every case either audits, rejects rows with the right reason, or
//! stops with exit 2 and one pinned line leaving `out/` untouched; and every run that writes
//! a report balances rows read = audited + rejected + duplicate.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use crate::corpus::{
    claim_size, columns, compressed_size, csv_of, encrypted_ooxml, header_row, sheet_xml, ticket,
    xlsx_of, zip_of, Xrow,
};
use crate::harness::{read_csv, read_json, snapshot, Run, Scratch, HEADER};

/// Audits `inputs` at as-of 2026-11-15 into `out/`, with `extra` flags and `env`.
pub(crate) fn audit_with(
    scratch: &Scratch,
    inputs: &[&str],
    extra: &[&str],
    env: &[(&str, &str)],
) -> Run {
    let mut args = vec!["audit"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["--as-of", "2026-11-15", "--out", "out"]);
    args.extend_from_slice(extra);
    scratch.run_with_env(&args, env)
}

/// Audits one input that must be read, and returns `summary.json` after checking the exit
/// status and the reconciliation. These inputs are mostly rejected rows by design, so the
/// rejected share does not make the result untrusted here (`--max-rejected 1`); an input
/// with no audited ticket still does (exit 4, checked by the callers that expect it).
pub(crate) fn audit_ok(scratch: &Scratch, input: &str, extra: &[&str]) -> serde_json::Value {
    let mut extra = extra.to_vec();
    extra.extend_from_slice(&["--max-rejected", "1"]);
    let run = audit_with(scratch, &[input], &extra, &[]);
    assert_eq!(run.status, 0, "{input}: {}", run.stderr);
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_balanced(&summary);
    summary
}

/// rows_read = audited + rejected + duplicate + superseded + out of period, in total and for
/// every input.
pub(crate) fn assert_balanced(summary: &serde_json::Value) {
    let count = |v: &serde_json::Value, key: &str| v[key].as_u64().expect(key);
    let mut parts = vec![&summary["totals"]];
    parts.extend(summary["inputs"].as_array().expect("inputs"));
    for part in parts {
        assert_eq!(
            count(part, "rows_read"),
            count(part, "rows_audited")
                + count(part, "rows_rejected")
                + count(part, "rows_duplicate")
                + count(part, "rows_superseded")
                + count(part, "rows_out_of_period"),
            "reconciliation: {part}"
        );
    }
}

/// `(read, audited, rejected, duplicate)` of the run.
pub(crate) fn totals(summary: &serde_json::Value) -> (u64, u64, u64, u64) {
    let t = &summary["totals"];
    let n = |key: &str| t[key].as_u64().expect(key);
    (
        n("rows_read"),
        n("rows_audited"),
        n("rows_rejected"),
        n("rows_duplicate"),
    )
}

/// `(source_row, ticket_id, column, reason)` of every line of rejected.csv.
pub(crate) fn rejections(scratch: &Scratch) -> Vec<(String, String, String, String)> {
    read_csv(&scratch.path("out/rejected.csv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[2].clone(), r[3].clone(), r[4].clone(), r[6].clone()))
        .collect()
}

/// A rejection line as [`rejections`] gives it.
pub(crate) fn rejection(
    row: u32,
    id: &str,
    column: &str,
    reason: &str,
) -> (String, String, String, String) {
    (row.to_string(), id.into(), column.into(), reason.into())
}

/// Runs an audit of `input` into an `out/` holding an earlier run's files, and checks it
/// stopped with exit 2 and exactly `message`, leaving `out/` as it was.
pub(crate) fn assert_stops(scratch: &Scratch, input: &str, env: &[(&str, &str)], message: &str) {
    scratch.write("out/findings.csv", "earlier run\n");
    scratch.write("out/summary.json", "{}\n");
    let before = snapshot(&scratch.path("out"));
    let run = audit_with(scratch, &[input], &[], env);
    assert_eq!(run.status, 2, "{input}: {}", run.stderr);
    assert_eq!(run.stderr, format!("rma-audit: {message}\n"), "{input}");
    assert_eq!(
        snapshot(&scratch.path("out")),
        before,
        "{input}: out/ untouched"
    );
    let staging: Vec<_> = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("rma-audit"))
        .collect();
    assert!(staging.is_empty(), "{input}: no staging left: {staging:?}");
}

/// The text of every cell of `sheet` in the workbook at `path`.
pub(crate) fn sheet_texts(path: &Path, sheet: &str) -> Vec<String> {
    let mut workbook = open_workbook_auto(path).expect("report.xlsx opens");
    let range = workbook.worksheet_range(sheet).expect("the sheet");
    range
        .rows()
        .flat_map(|row| row.iter())
        .filter_map(|cell| match cell {
            Data::String(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_empty_file_of_any_type_stops_the_run() {
    let scratch = Scratch::new();
    for name in ["empty.csv", "empty.xlsx", "empty.ods"] {
        scratch.write(name, "");
        assert_stops(&scratch, name, &[], &format!("{name}: empty file"));
    }
    scratch.write("blank.csv", "\u{FEFF}\r\n  \n\t\n");
    assert_stops(&scratch, "blank.csv", &[], "blank.csv: empty file");
}

#[test]
fn a_header_without_rows_audits_nothing_balances_and_is_not_trusted() {
    let scratch = Scratch::new();
    scratch.write("header.csv", format!("{HEADER}\r\n"));
    scratch.write("header.xlsx", xlsx_of(&sheet_xml(&[header_row()], &[], 0)));
    for input in ["header.csv", "header.xlsx"] {
        let run = audit_with(&scratch, &[input], &["--quiet"], &[]);
        assert_eq!(run.status, 4, "{input}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            format!("rma-audit: untrusted: {input}: no rows below the header\n")
        );
        let summary = read_json(&scratch.path("out/summary.json"));
        assert_balanced(&summary);
        assert_eq!(totals(&summary), (0, 0, 0, 0));
        assert_eq!(
            summary["untrusted"],
            serde_json::json!([format!("{input}: no rows below the header")])
        );
        assert_eq!(
            read_csv(&scratch.path("out/findings.csv")).len(),
            1,
            "header only"
        );
    }
}

#[test]
fn no_ticket_id_column_stops_the_run() {
    let scratch = Scratch::new();
    scratch.write("noid.csv", "order_id,store,policy\nO1,Tmall,joining\n");
    assert_stops(
        &scratch,
        "noid.csv",
        &[],
        "noid.csv: no ticket_id column: no row among the first 30 has a ticket_id header (first \
         cells seen: row 1: `order_id`, `store`, `policy`; row 2: `O1`, `Tmall`, `joining`); try \
         --header-row N or --mapping FILE (to name the export's ticket id header)",
    );
    let rows = [
        Xrow::text(&["order_id".into(), "store".into()]),
        Xrow::text(&["O1".into(), "Tmall".into()]),
    ];
    scratch.write("noid.xlsx", xlsx_of(&sheet_xml(&rows, &[], 0)));
    assert_stops(
        &scratch,
        "noid.xlsx",
        &[],
        "noid.xlsx: no ticket_id column: no row among the first 30 of sheet `Tickets` has a \
         ticket_id header (first cells seen: row 1: `order_id`, `store`; row 2: `O1`, `Tmall`); \
         try --sheet NAME, --header-row N or --mapping FILE (to name the export's ticket id \
         header)",
    );
}

#[test]
fn a_truncated_workbook_stops_the_run() {
    let scratch = Scratch::new();
    let rows: Vec<Xrow> = std::iter::once(header_row())
        .chain((1..=50).map(|n| Xrow::text(&ticket(&format!("T{n}"), &[]))))
        .collect();
    let whole = xlsx_of(&sheet_xml(&rows, &[], 0));
    for keep in [whole.len() / 2, whole.len() - 10, 100] {
        scratch.write("cut.xlsx", &whole[..keep]);
        assert_stops(
            &scratch,
            "cut.xlsx",
            &[],
            "cut.xlsx: not a spreadsheet: cannot be read as .xlsx",
        );
    }
}

#[test]
fn a_zip_that_is_no_workbook_stops_the_run() {
    let scratch = Scratch::new();
    scratch.write(
        "photos.xlsx",
        zip_of(&[
            ("readme.txt", b"holiday photos"),
            ("img/1.jpg", b"\xFF\xD8\xFF"),
        ]),
    );
    assert_stops(
        &scratch,
        "photos.xlsx",
        &[],
        "photos.xlsx: not a spreadsheet: cannot be read as .xlsx",
    );
    // The same archive named .csv is no text either.
    std::fs::copy(scratch.path("photos.xlsx"), scratch.path("photos.csv")).unwrap();
    assert_stops(
        &scratch,
        "photos.csv",
        &[],
        "photos.csv: not a CSV text file (it looks like a workbook or archive)",
    );
}

#[test]
fn a_password_protected_workbook_says_so() {
    let scratch = Scratch::new();
    scratch.write("locked.xlsx", encrypted_ooxml());
    assert_stops(
        &scratch,
        "locked.xlsx",
        &[],
        "locked.xlsx: encrypted or password-protected workbook",
    );
}

#[test]
fn a_sheet_part_past_the_size_limit_stops_the_run() {
    let scratch = Scratch::new();
    let rows = [header_row(), Xrow::text(&ticket("T1", &[]))];
    // 4 MB of padding deflates to a few kilobytes: a small zip bomb.
    let sheet = sheet_xml(&rows, &[], 4 << 20);
    let book = xlsx_of(&sheet);
    assert!(book.len() < 64 << 10, "deflated to {} bytes", book.len());
    scratch.write("bomb.xlsx", &book);
    assert_stops(
        &scratch,
        "bomb.xlsx",
        &[("RMA_AUDIT_MAX_PART_BYTES", "1000000")],
        &format!(
            "bomb.xlsx: workbook part `xl/worksheets/sheet1.xml` unpacks to {} bytes, over the \
             limit of 1000000 bytes (a damaged file or a zip bomb; RMA_AUDIT_MAX_PART_BYTES \
             sets the limit)",
            sheet.len()
        ),
    );
    // Under the default size limit (2 GiB) the same workbook inflates too many times its
    // compressed size.
    let ratio = sheet.len() as u64 / u64::from(compressed_size(&book, SHEET_PART));
    assert!(ratio > 100, "{ratio}");
    assert_stops(
        &scratch,
        "bomb.xlsx",
        &[],
        &format!(
            "bomb.xlsx: part xl/worksheets/sheet1.xml inflates {} times its compressed size \
             (limit 100:1): refused as a zip bomb",
            grouped(ratio)
        ),
    );
    // A higher ratio limit lets it be read.
    let run = audit_with(
        &scratch,
        &["bomb.xlsx"],
        &[],
        &[("RMA_AUDIT_MAX_INFLATE_RATIO", "100000")],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_eq!(totals(&summary), (1, 1, 0, 0));
}

const SHEET_PART: &str = "xl/worksheets/sheet1.xml";

fn grouped(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Three tickets and 4 MB of padding, deflated to a few kilobytes, whose sheet part then
/// declares `declared(compressed size)` bytes.
fn lying_book(declared: impl Fn(u32) -> u32) -> (Vec<u8>, u32) {
    let rows = [
        header_row(),
        Xrow::text(&ticket("T1", &[])),
        Xrow::text(&ticket("T2", &[])),
        Xrow::text(&ticket("T3", &[])),
    ];
    let mut book = xlsx_of(&sheet_xml(&rows, &[], 4 << 20));
    let claimed = declared(compressed_size(&book, SHEET_PART));
    claim_size(&mut book, SHEET_PART, claimed);
    (book, claimed)
}

#[test]
fn a_part_lying_about_its_ratio_stops_while_inflating() {
    let scratch = Scratch::new();
    // The central directory declares 99 times the compressed size (over the 100 KiB below
    // which the ratio is not checked, under the 100:1 limit); the stream inflates ~1,000 times.
    let (book, claimed) = lying_book(|compressed| compressed * 99);
    assert!(u64::from(claimed) > 100 << 10, "{claimed}");
    scratch.write("liar.xlsx", &book);
    // The message is the proof that reading stopped at the declared size: it names the bytes
    // the part declared, which only the check while inflating reports.
    assert_stops(
        &scratch,
        "liar.xlsx",
        &[],
        &format!(
            "liar.xlsx: part xl/worksheets/sheet1.xml inflates past the {} bytes it declares: \
             refused as a zip bomb",
            grouped(claimed.into())
        ),
    );
}

#[test]
fn a_part_lying_about_its_size_stops_while_inflating() {
    let scratch = Scratch::new();
    // 4 MB declared as 1,000 bytes: under every limit, the ratio included.
    let (book, claimed) = lying_book(|_| 1000);
    scratch.write("liar.xlsx", &book);
    assert_stops(
        &scratch,
        "liar.xlsx",
        &[],
        &format!(
            "liar.xlsx: part xl/worksheets/sheet1.xml inflates past the {} bytes it declares: \
             refused as a zip bomb",
            grouped(claimed.into())
        ),
    );
    // The same lie under a size limit: the stream stops at the declared size, not the limit.
    assert_stops(
        &scratch,
        "liar.xlsx",
        &[("RMA_AUDIT_MAX_PART_BYTES", "2000")],
        "liar.xlsx: part xl/worksheets/sheet1.xml inflates past the 1,000 bytes it declares: \
         refused as a zip bomb",
    );
}

#[test]
fn a_generated_sample_workbook_is_still_read() {
    let scratch = Scratch::new();
    let run = scratch.run(&[
        "sample",
        "--layout",
        "full",
        "--tickets",
        "300",
        "--out",
        "sample",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let run = audit_with(&scratch, &["sample/tickets-full.xlsx"], &[], &[]);
    assert!(matches!(run.status, 0 | 1), "{}", run.stderr);
    let summary = read_json(&scratch.path("out/summary.json"));
    assert_balanced(&summary);
    // Every ticket once, and the sample's planted duplicate.
    assert!(totals(&summary).0 >= 300, "{summary}");
}

#[test]
fn a_csv_past_the_last_column_is_refused_before_its_rows() {
    let scratch = Scratch::new();
    let mut header = columns().join(",");
    let mut row = crate::corpus::TEMPLATE.to_string();
    let extra = 16_385 - columns().len();
    for n in 0..extra {
        header.push_str(&format!(",x{n}"));
        row.push(',');
    }
    scratch.write("tickets.csv", format!("{header}\n{row}\n"));
    assert_stops(
        &scratch,
        "tickets.csv",
        &[],
        "tickets.csv: 16,385 columns; at most 16,384 are read (Excel's limit)",
    );
    // 16,384 columns are read.
    let header = header.rsplit_once(',').unwrap().0;
    let row = row.strip_suffix(',').unwrap();
    scratch.write("tickets.csv", format!("{header}\n{row}\n"));
    let summary = audit_ok(&scratch, "tickets.csv", &[]);
    assert_eq!(totals(&summary), (1, 1, 0, 0));
}

#[test]
fn an_xlsx_header_past_the_last_column_is_refused() {
    let scratch = Scratch::new();
    let rows = [header_row(), Xrow::text(&ticket("T1", &[]))];
    let sheet = String::from_utf8(sheet_xml(&rows, &[], 0))
        .unwrap()
        .replace(r#"r="B1""#, r#"r="XFE1""#);
    scratch.write("wide.xlsx", xlsx_of(sheet.as_bytes()));
    assert_stops(
        &scratch,
        "wide.xlsx",
        &[],
        "wide.xlsx: cannot read sheet `Tickets`: the header (row 1) has cells past column XFD; \
         at most 16,384 columns are read (Excel's limit)",
    );
}

#[test]
fn nul_bytes_are_data_not_the_end_of_the_file() {
    let scratch = Scratch::new();
    let rows = [
        ticket(
            "T1",
            &[("store", "Tm\0all"), ("reviewed_at", "2025-09-04 11:00")],
        ),
        ticket("T2\0", &[]),
        ticket("T3", &[("refund_amount", "29\09")]),
        ticket("T4", &[]),
    ];
    scratch.write("nul.csv", csv_of(&rows));
    let summary = audit_ok(&scratch, "nul.csv", &[]);
    assert_eq!(totals(&summary), (4, 3, 1, 0));
    assert_eq!(
        rejections(&scratch),
        [rejection(4, "T3", "refund_amount", "not an amount")]
    );
    let findings = read_csv(&scratch.path("out/findings.csv"));
    assert!(
        findings
            .iter()
            .any(|r| r[1] == "T1" && r[4] == "review-sla.late"),
        "{findings:?}"
    );
    assert!(scratch.path("out/report.xlsx").is_file());
}

#[test]
fn mixed_line_endings_keep_row_numbers() {
    let scratch = Scratch::new();
    let bad = |id: &str| ticket(id, &[("refund_amount", "lots")]).join(",");
    let text = format!(
        "{HEADER}\n{}\r\n{}\r{}\n{}\r\n{}",
        ticket("T1", &[]).join(","),
        bad("T2"),
        bad("T3"),
        bad("T4"),
        bad("T5"),
    );
    scratch.write("endings.csv", text);
    let summary = audit_ok(&scratch, "endings.csv", &[]);
    assert_eq!(totals(&summary), (5, 1, 4, 0));
    let rows: Vec<String> = rejections(&scratch).into_iter().map(|r| r.0).collect();
    assert_eq!(rows, ["3", "4", "5", "6"]);
}

#[test]
fn quoted_newlines_do_not_shift_the_rows_after_them() {
    let scratch = Scratch::new();
    let rows = [
        ticket("T1", &[("store", "Tmall\nFlagship\r\nStore\rNorth")]),
        ticket("T2", &[("refund_amount", "lots")]),
        ticket("T3", &[("courier", "\"SF\"\n\n")]),
        ticket("T4", &[("applied_at", "someday")]),
    ];
    scratch.write("quoted.csv", csv_of(&rows));
    let summary = audit_ok(&scratch, "quoted.csv", &[]);
    assert_eq!(totals(&summary), (4, 2, 2, 0));
    assert_eq!(
        rejections(&scratch),
        [
            rejection(3, "T2", "refund_amount", "not an amount"),
            rejection(5, "T4", "applied_at", "not a date"),
        ]
    );
}

#[test]
fn ragged_rows_are_rejected_with_their_field_count() {
    let scratch = Scratch::new();
    let mut short = ticket("T1", &[]);
    short.truncate(columns().len() - 2);
    let mut long = ticket("T2", &[]);
    long.push("surplus".into());
    let rows = [short, long, ticket("T3", &[]), vec!["T4".into()]];
    scratch.write("ragged.csv", csv_of(&rows));
    let summary = audit_ok(&scratch, "ragged.csv", &[]);
    assert_eq!(totals(&summary), (4, 1, 3, 0));
    let n = columns().len();
    assert_eq!(
        rejections(&scratch),
        [
            rejection(
                2,
                "T1",
                "",
                &format!("row has {} fields but the header has {n}", n - 2)
            ),
            rejection(
                3,
                "T2",
                "",
                &format!("row has {} fields but the header has {n}", n + 1)
            ),
            rejection(
                5,
                "T4",
                "",
                &format!("row has 1 fields but the header has {n}")
            ),
        ]
    );
}

#[test]
fn a_ten_megabyte_cell_is_read_and_cut_in_the_workbook() {
    let scratch = Scratch::new();
    let huge = "长".repeat((10 << 20) / 3);
    let rows = [
        ticket(
            "T1",
            &[("store", &huge), ("reviewed_at", "2025-09-04 11:00")],
        ),
        ticket("T2", &[("refund_amount", &huge)]),
    ];
    scratch.write("huge.csv", csv_of(&rows));
    let summary = audit_ok(&scratch, "huge.csv", &[]);
    assert_eq!(totals(&summary), (2, 1, 1, 0));
    let rejected = read_csv(&scratch.path("out/rejected.csv"));
    assert_eq!(rejected[1][5], huge, "rejected.csv keeps the value whole");
    assert_eq!(rejected[1][6], "not an amount");

    let report = scratch.path("out/report.xlsx");
    for sheet in ["Findings", "Rejected rows"] {
        let texts = sheet_texts(&report, sheet);
        let cut: Vec<&String> = texts.iter().filter(|t| t.starts_with("长长长")).collect();
        assert!(!cut.is_empty(), "{sheet} shows the value");
        for text in cut {
            assert_eq!(text.chars().count(), 32_767, "{sheet}: Excel's cell limit");
            assert!(text.ends_with("… [cut]"), "{sheet}: marked as cut");
        }
    }
}

#[test]
fn a_cell_past_the_last_column_stops_the_run() {
    let scratch = Scratch::new();
    let rows = [header_row(), Xrow::text(&ticket("T1", &[]))];
    let sheet = String::from_utf8(sheet_xml(&rows, &[], 0))
        .unwrap()
        .replace(r#"r="B2""#, r#"r="ZZZZZZ2""#);
    scratch.write("wide.xlsx", xlsx_of(sheet.as_bytes()));
    assert_stops(
        &scratch,
        "wide.xlsx",
        &[],
        "wide.xlsx: cannot read sheet `Tickets`: a cell in row 2 lies beyond column XFD, the \
         last column a sheet can have",
    );
}
