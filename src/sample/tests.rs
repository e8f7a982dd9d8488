use std::collections::{BTreeMap, BTreeSet};

use calamine::{Data, Reader, Xlsx};

use std::path::Path;

use super::stream::{self, Sink};
use super::timeline::{first_date, last_date};
use super::*;
use crate::calendar::Calendar;
use crate::ticket::{Column, Decision, When};

/// The whole sample in memory, as its files would hold it, drawn in runs of seven tickets.
#[derive(Debug)]
struct Sample {
    en: Vec<Ticket>,
    zh: Vec<Ticket>,
    xlsx: Vec<Ticket>,
    broken: Vec<Vec<String>>,
    expected: Vec<ExpectedRow>,
}

impl Sink for Sample {
    fn ticket(&mut self, target: Target, ticket: &Ticket) -> Result<(), SampleError> {
        match target {
            Target::Zh => self.zh.push(ticket.clone()),
            Target::Xlsx => self.xlsx.push(ticket.clone()),
            Target::En | Target::Any => self.en.push(ticket.clone()),
        }
        Ok(())
    }

    fn expected(&mut self, row: &ExpectedRow) -> Result<(), SampleError> {
        self.expected.push(row.clone());
        Ok(())
    }
}

impl Sample {
    fn build(
        options: &SampleOptions,
        calendar: &Calendar,
        policies: &PolicySet,
    ) -> Result<Sample, SampleError> {
        let drawing = stream::draw(options, calendar, policies, 7)?;
        let mut sample = Sample {
            en: Vec::new(),
            zh: Vec::new(),
            xlsx: Vec::new(),
            broken: drawing.broken.clone(),
            expected: Vec::new(),
        };
        drawing.emit(&mut sample)?;
        Ok(sample)
    }
}

fn shipped() -> PolicySet {
    PolicySet::load(None).expect("the shipped policies load")
}

fn cn() -> Calendar {
    let set = CalendarSet::load(None).expect("built-in calendars load");
    set.get("cn").expect("cn calendar").clone()
}

fn options(tickets: usize, seed: u64, out: &Path) -> SampleOptions {
    SampleOptions::new(tickets, seed, out.to_path_buf())
}

fn files(dir: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    [EN_FILE, ZH_FILE, XLSX_FILE, BROKEN_FILE, EXPECTED_FILE]
        .into_iter()
        .map(|name| (name, std::fs::read(dir.join(name)).expect("file written")))
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_differs() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let report = generate(&options(400, 7, a.path())).unwrap();
    generate(&options(400, 7, b.path())).unwrap();
    generate(&options(400, 8, c.path())).unwrap();
    assert_eq!(report.files.len(), 5);
    let (first, second, other) = (files(a.path()), files(b.path()), files(c.path()));
    for name in first.keys() {
        assert_eq!(
            first[name], second[name],
            "{name} differs for the same seed"
        );
    }
    for name in [EN_FILE, ZH_FILE, XLSX_FILE] {
        assert_ne!(
            first[name], other[name],
            "{name} is the same for another seed"
        );
    }
}

#[test]
fn the_report_counts_every_ticket_once_plus_the_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let report = generate(&options(300, 3, dir.path())).unwrap();
    let rows: BTreeMap<String, usize> = report
        .files
        .iter()
        .map(|f| {
            (
                f.path.file_name().unwrap().to_string_lossy().into_owned(),
                f.rows,
            )
        })
        .collect();
    assert_eq!(rows[EN_FILE] + rows[ZH_FILE] + rows[XLSX_FILE], 301);
    assert_eq!(rows[BROKEN_FILE], broken::ROWS.len());
    let en = std::fs::read_to_string(dir.path().join(EN_FILE)).unwrap();
    assert_eq!(
        en.lines().count(),
        rows[EN_FILE] + 1,
        "header plus one line per row"
    );
}

#[test]
fn the_chinese_file_is_gbk_with_chinese_headers_and_values() {
    let dir = tempfile::tempdir().unwrap();
    generate(&options(300, 1, dir.path())).unwrap();
    let bytes = std::fs::read(dir.path().join(ZH_FILE)).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK text is not valid UTF-8"
    );
    let (text, _, malformed) = encoding_rs::GB18030.decode(&bytes);
    assert!(!malformed);
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let wanted: Vec<&str> = Column::ALL.iter().map(|c| c.chinese_headers()[0]).collect();
    assert_eq!(header, wanted);
    assert_eq!(header[0], "工单号");
    for value in ["￥", "质量问题", "是", "否", "2026年", "寄付"] {
        assert!(text.contains(value), "no `{value}` in the Chinese file");
    }
    assert!(
        !text.contains("quality"),
        "enum values are written in Chinese"
    );
}

#[test]
fn the_workbook_reads_back_with_date_cells_and_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let report = generate(&options(300, 1, dir.path())).unwrap();
    let rows = report.files[2].rows;
    let mut workbook: Xlsx<_> = calamine::open_workbook(dir.path().join(XLSX_FILE)).unwrap();
    let range = workbook.worksheet_range("Tickets").unwrap();
    assert_eq!(range.height(), rows + 1);
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(header[0], "Ticket ID");
    assert_eq!(header[3], "SKU");
    let col = |name: Column| Column::ALL.iter().position(|c| *c == name).unwrap();
    let mut applied_dates = 0;
    for row in range.rows().skip(1) {
        match &row[col(Column::AppliedAt)] {
            Data::DateTime(cell) => {
                let applied = cell.as_datetime().unwrap();
                assert!(applied.date() >= first_date() && applied.date() <= last_date());
                assert_eq!(
                    applied.and_utc().timestamp() % 60,
                    0,
                    "whole minutes survive"
                );
                applied_dates += 1;
            }
            other => panic!("applied_at is not a date cell: {other:?}"),
        }
        assert!(matches!(row[col(Column::OrderAmount)], Data::Float(_)));
        assert!(matches!(row[col(Column::AuthorizedChannel)], Data::Bool(_)));
        if let Data::DateTime(cell) = &row[col(Column::DeliveredAt)] {
            assert_eq!(cell.as_datetime().unwrap().time(), chrono::NaiveTime::MIN);
        }
    }
    assert_eq!(applied_dates, rows);
}

#[test]
fn every_catalogue_rule_is_planted_and_the_known_answers_are_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    generate(&options(300, 5, dir.path())).unwrap();
    let text = std::fs::read_to_string(dir.path().join(EXPECTED_FILE)).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("ticket_id,rule,severity,amount,late_by,late_unit")
    );
    let mut rules = BTreeSet::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 6, "{line}");
        assert!(
            crate::rules::rule_by_id(cells[1]).is_some(),
            "unknown rule in {line}"
        );
        assert!(
            ["violation", "warning", "info"].contains(&cells[2]),
            "{line}"
        );
        if !cells[3].is_empty() {
            let (_, cents) = cells[3].split_once('.').expect("two decimals");
            assert_eq!(cents.len(), 2, "{line}");
        }
        assert_eq!(cells[4].is_empty(), cells[5].is_empty(), "{line}");
        rules.insert(cells[1].to_string());
    }
    for rule in crate::rules::RULES {
        assert!(rules.contains(rule.id), "{} is never planted", rule.id);
    }
}

#[test]
fn boundary_cases_carry_the_late_by_the_rules_state() {
    let sample = Sample::build(&options(300, 1, Path::new(".")), &cn(), &shipped()).unwrap();
    let late = |rule: &str| -> Vec<String> {
        let mut found: Vec<String> = sample
            .expected
            .iter()
            .filter(|row| row.expected.rule == rule)
            .map(|row| {
                row.expected
                    .late_by
                    .map(|l| l.value.to_string())
                    .unwrap_or_default()
            })
            .collect();
        found.sort();
        found
    };
    assert_eq!(late("review-sla.late"), ["0.0", "6.5"]);
    assert_eq!(late("review-sla.overdue"), ["0.0", "34.0"]);
    // National Day 2025 and Spring Festival 2026 (1, 1, 4 with the 02-28 make-up day) and a
    // clear case in May 2026 (the 05-09 make-up Saturday counts toward the deadline).
    assert_eq!(late("refund-cycle.late"), ["1", "1", "4", "6"]);
    assert_eq!(late("refund-cycle.overdue"), ["0", "4"]);
    assert_eq!(late("turnaround.exchange-late"), ["1"]);
    assert_eq!(late("turnaround.repair-late"), ["1"]);
    assert_eq!(late("turnaround.unpaid-held"), ["1", "73"]);
    assert_eq!(late("turnaround.received-after-close"), ["1"]);
    let deductions: Vec<(String, Severity)> = sample
        .expected
        .iter()
        .filter(|row| row.expected.rule == "freight.deduction-mismatch")
        .map(|row| {
            (
                row.expected.amount.unwrap().to_string(),
                row.expected.severity,
            )
        })
        .collect();
    assert_eq!(deductions.len(), 2);
    assert!(deductions.contains(&("5.00".into(), Severity::Violation)));
    assert!(deductions.contains(&("5.00".into(), Severity::Warning)));
}

/// The generator's own guarantees for the compliant bulk, checked independently of it.
#[test]
fn compliant_tickets_stay_inside_every_limit_they_are_built_for() {
    let calendar = cn();
    let sample = Sample::build(&options(2000, 1, Path::new(".")), &calendar, &shipped()).unwrap();
    let planted: BTreeSet<&str> = sample
        .expected
        .iter()
        .map(|r| r.ticket_id.as_str())
        .collect();
    let all: Vec<&Ticket> = sample
        .en
        .iter()
        .chain(&sample.zh)
        .chain(&sample.xlsx)
        .collect();
    let ids: BTreeSet<&str> = all.iter().map(|t| t.ticket_id.as_str()).collect();
    assert_eq!(ids.len(), 2000, "unique ids, one repeated");
    assert_eq!(all.len(), 2001);
    let mut checked = 0;
    for ticket in all {
        assert_dates_inside_the_sample_span(ticket);
        let applied = local_time(&ticket.applied_at).expect("applied_at");
        if planted.contains(ticket.ticket_id.as_str()) {
            continue;
        }
        checked += 1;
        assert_events_follow_the_application(ticket, applied);
        let joining = ticket
            .policy
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("joining"));
        if joining {
            assert_inside_joining_limits(ticket, applied, &calendar);
        }
    }
    assert!(checked > 1800, "the bulk is compliant: {checked}");
}

/// The local time of a timestamp cell; `None` for a bare date or an empty cell.
fn local_time(when: &Option<When>) -> Option<chrono::NaiveDateTime> {
    match when {
        Some(When::Local(local)) => Some(*local),
        _ => None,
    }
}

/// Every date and every event of the ticket falls between the sample's first and last date.
fn assert_dates_inside_the_sample_span(ticket: &Ticket) {
    let dates = [
        ticket.factory_shipped_at,
        ticket.purchased_at,
        ticket.delivered_at,
        ticket.activated_at,
        ticket.last_repair_returned_at,
    ];
    for day in dates.into_iter().flatten() {
        assert!(
            day >= first_date() && day <= last_date(),
            "{}",
            ticket.ticket_id
        );
    }
    let events = [
        &ticket.reviewed_at,
        &ticket.customer_shipped_at,
        &ticket.received_at,
        &ticket.refunded_at,
        &ticket.exchange_shipped_at,
        &ticket.repair_approved_at,
        &ticket.repaired_at,
        &ticket.quote_notified_at,
        &ticket.paid_at,
        &ticket.returned_to_customer_at,
    ];
    for event in events.into_iter().filter_map(local_time) {
        assert!(
            event.date() >= first_date() && event.date() <= last_date(),
            "{}",
            ticket.ticket_id
        );
    }
}

/// Review, receipt and refund come after the application, delivery before it, and an
/// exchange ships the model sold.
fn assert_events_follow_the_application(ticket: &Ticket, applied: chrono::NaiveDateTime) {
    for event in [
        &ticket.reviewed_at,
        &ticket.received_at,
        &ticket.refunded_at,
    ] {
        if let Some(event) = local_time(event) {
            assert!(
                event >= applied,
                "{} event before application",
                ticket.ticket_id
            );
        }
    }
    assert!(ticket.delivered_at.is_none_or(|d| d <= applied.date()));
    if let Some(exchange_sku) = &ticket.exchange_sku {
        assert_eq!(Some(exchange_sku.trim()), ticket.sku.as_deref());
    }
}

/// JOINING's review within 24 hours, refund 3–5 working days after storage, exchange shipped
/// within 7.
fn assert_inside_joining_limits(
    ticket: &Ticket,
    applied: chrono::NaiveDateTime,
    calendar: &Calendar,
) {
    // Unreviewed is compliant only while 24 hours have not passed at the as-of.
    let reviewed = local_time(&ticket.reviewed_at).unwrap_or_else(timeline::as_of);
    assert!(
        (reviewed - applied).num_minutes() <= 24 * 60,
        "{}",
        ticket.ticket_id
    );
    if ticket.decision == Some(Decision::Refund) {
        let received = local_time(&ticket.received_at).unwrap().date();
        let earliest = calendar.add_working_days(received, 3).unwrap();
        let deadline = calendar.add_working_days(received, 5).unwrap();
        // Not yet paid out is compliant only while the deadline lies ahead.
        let refunded = local_time(&ticket.refunded_at).map_or(deadline, |r| r.date());
        assert!(timeline::as_of().date() <= deadline || ticket.refunded_at.is_some());
        assert!(
            refunded >= earliest && refunded <= deadline,
            "{}",
            ticket.ticket_id
        );
    }
    if ticket.decision == Some(Decision::Exchange) {
        let received = local_time(&ticket.received_at).unwrap().date();
        let shipped = local_time(&ticket.exchange_shipped_at).unwrap().date();
        assert!(shipped <= calendar.add_working_days(received, 7).unwrap());
    }
}

#[test]
fn too_few_tickets_is_an_error_naming_the_minimum() {
    let err = Sample::build(&options(5, 1, Path::new(".")), &cn(), &shipped()).unwrap_err();
    assert!(
        matches!(err, SampleError::TooFewTickets { requested: 5, .. }),
        "{err}"
    );
}

#[test]
fn broken_rows_carry_their_bad_values() {
    let sample = Sample::build(&options(300, 1, Path::new(".")), &cn(), &shipped()).unwrap();
    let ids: Vec<&str> = sample.broken.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(ids[broken::DUPLICATE_ROW], ids[0]);
    assert!(ids.contains(&""), "a row without ticket id");
    let cells: BTreeSet<&str> = sample.broken.iter().flatten().map(String::as_str).collect();
    for bad in [
        "next Tuesday",
        "-199.00",
        "01/10/2026",
        "ACME Gadgets",
        "partial refund",
    ] {
        assert!(cells.contains(bad), "{bad}");
    }
}

/// The committed `sample-data/` is exactly what `rma-audit sample --tickets 2000 --seed 1`
/// writes today.
#[test]
fn the_committed_sample_is_current() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let dir = tempfile::tempdir().unwrap();
    generate(&options(2000, 1, dir.path())).unwrap();
    let fresh = files(dir.path());
    for (name, bytes) in fresh {
        let stored = std::fs::read(committed.join(name)).unwrap_or_default();
        assert!(
            stored == bytes,
            "sample-data/{name} is stale: regenerate it"
        );
    }
}

#[test]
fn the_full_layout_holds_every_ticket_in_each_file_at_the_asked_violation_rate() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = options(1000, 5, dir.path());
    options.layout = Layout::Full;
    options.violation_rate = Some(0.15);
    let report = generate(&options).unwrap();
    let names: Vec<String> = report
        .files
        .iter()
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [FULL_CSV_FILE, FULL_XLSX_FILE, EXPECTED_FILE]);
    // 1000 tickets plus the planted duplicate, in both files.
    assert_eq!(report.files[0].rows, 1001);
    assert_eq!(report.files[1].rows, 1001);
    let csv = std::fs::read_to_string(dir.path().join(FULL_CSV_FILE)).unwrap();
    assert_eq!(csv.lines().count(), 1002, "header plus one line per row");
    let mut workbook: Xlsx<_> = calamine::open_workbook(dir.path().join(FULL_XLSX_FILE)).unwrap();
    let range = workbook.worksheet_range("Tickets").unwrap();
    assert_eq!(range.height(), 1002);
    assert_eq!(
        range.get((1, 0)),
        Some(&Data::String(first_ticket_id(&csv)))
    );

    let expected = std::fs::read_to_string(dir.path().join(EXPECTED_FILE)).unwrap();
    let flagged: BTreeSet<&str> = expected
        .lines()
        .skip(1)
        .filter(|line| !line.contains("data.duplicate-ticket"))
        .filter_map(|line| line.split(',').next())
        .collect();
    assert!(
        (140..=160).contains(&flagged.len()),
        "about 15% of 1000 tickets flagged, got {}",
        flagged.len()
    );
}

#[test]
fn a_violation_rate_outside_zero_to_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = options(1000, 5, dir.path());
    options.violation_rate = Some(1.5);
    let err = generate(&options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--violation-rate 1.5: expected a share between 0 and 1"
    );
}

fn first_ticket_id(csv: &str) -> String {
    let line = csv.lines().nth(1).unwrap();
    line.split(',').next().unwrap().to_string()
}

/// Every file in `dir` by name, temporary files included.
fn all_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

#[test]
fn tickets_sorted_in_many_spilled_runs_give_the_same_files_as_one_run() {
    for layout in [Layout::Split, Layout::Full] {
        let (one, many) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut first = options(1500, 11, one.path());
        first.layout = layout;
        first.violation_rate = Some(0.2);
        let mut second = first.clone();
        second.out = many.path().to_path_buf();
        let in_memory = Limits::default();
        let spilled = Limits {
            tickets_per_run: 13,
            ..in_memory
        };
        generate_within(&first, &shipped(), &cn(), in_memory).unwrap();
        generate_within(&second, &shipped(), &cn(), spilled).unwrap();
        let (a, b) = (all_files(one.path()), all_files(many.path()));
        assert_eq!(a.len(), if layout == Layout::Full { 3 } else { 5 });
        assert!(a == b, "{layout:?}: the files differ");
    }
}

#[test]
fn a_workbook_past_the_row_limit_is_skipped_and_the_csv_files_are_written() {
    let (whole, limited) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut full = options(1000, 5, whole.path());
    full.layout = Layout::Full;
    full.violation_rate = Some(0.15);
    let mut capped = full.clone();
    capped.out = limited.path().to_path_buf();
    // 1001 rows of tickets (the duplicate included) under the header: one row too many.
    let limits = Limits {
        rows_per_sheet: 1001,
        ..Limits::default()
    };
    generate_within(&full, &shipped(), &cn(), Limits::default()).unwrap();
    let report = generate_within(&capped, &shipped(), &cn(), limits).unwrap();
    let skipped = WrittenFile {
        path: limited.path().join(FULL_XLSX_FILE),
        rows: 1001,
    };
    assert_eq!(report.skipped, std::slice::from_ref(&skipped));
    let names: Vec<_> = report.files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(
        names,
        [FULL_CSV_FILE, EXPECTED_FILE].map(|name| limited.path().join(name))
    );
    let mut written = all_files(limited.path());
    let mut reference = all_files(whole.path());
    assert!(reference.remove(FULL_XLSX_FILE).is_some());
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        reference.keys().collect::<Vec<_>>(),
        "no workbook and no temporary file left behind"
    );
    assert!(written.remove(FULL_CSV_FILE) == reference.remove(FULL_CSV_FILE));
    assert!(written == reference, "the known answers are the same");
    assert_eq!(
        skipped_note(&skipped),
        format!(
            "skipped {}: its 1001 rows of tickets do not fit in one Excel sheet (1048575 rows under the header); the CSV files hold them",
            skipped.path.display()
        )
    );

    // One row fewer fits: the workbook is written.
    let fits = tempfile::tempdir().unwrap();
    let mut at_limit = full.clone();
    at_limit.out = fits.path().to_path_buf();
    let limits = Limits {
        rows_per_sheet: 1002,
        ..limits
    };
    let report = generate_within(&at_limit, &shipped(), &cn(), limits).unwrap();
    assert!(report.skipped.is_empty());
    assert_eq!(report.files[1].rows, 1001);
}

#[test]
fn the_split_layout_skips_only_its_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        rows_per_sheet: 50,
        ..Limits::default()
    };
    let report = generate_within(&options(400, 7, dir.path()), &shipped(), &cn(), limits).unwrap();
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].path, dir.path().join(XLSX_FILE));
    assert!(report.skipped[0].rows >= 50);
    let names: Vec<_> = report.files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(
        names,
        [EN_FILE, ZH_FILE, BROKEN_FILE, EXPECTED_FILE].map(|name| dir.path().join(name))
    );
    let reference = tempfile::tempdir().unwrap();
    generate(&options(400, 7, reference.path())).unwrap();
    for name in [EN_FILE, ZH_FILE, BROKEN_FILE, EXPECTED_FILE] {
        assert!(
            std::fs::read(dir.path().join(name)).unwrap()
                == std::fs::read(reference.path().join(name)).unwrap(),
            "{name} as without the limit"
        );
    }
    assert!(!dir.path().join(XLSX_FILE).exists());
}

#[test]
fn a_long_split_workbook_is_streamed_and_reads_back_with_the_same_cells() {
    let (held, streamed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let limits = Limits {
        workbook_rows_in_memory: 10,
        ..Limits::default()
    };
    generate_within(
        &options(400, 7, held.path()),
        &shipped(),
        &cn(),
        Limits::default(),
    )
    .unwrap();
    generate_within(&options(400, 7, streamed.path()), &shipped(), &cn(), limits).unwrap();
    let read = |dir: &Path| {
        let mut workbook: Xlsx<_> = calamine::open_workbook(dir.join(XLSX_FILE)).unwrap();
        workbook.worksheet_range("Tickets").unwrap()
    };
    let (a, b) = (read(held.path()), read(streamed.path()));
    assert!(a.height() > 10, "more rows than the lowered limit");
    assert_eq!(a, b);
    let bytes = |dir: &Path| std::fs::read(dir.join(XLSX_FILE)).unwrap();
    assert!(
        bytes(held.path()) != bytes(streamed.path()),
        "shared strings, then inline ones"
    );
}
