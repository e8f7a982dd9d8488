//! End-to-end tests of `open` and `read_all`: every way a file can be unreadable, and CSV
//! exports read through to tickets and rejections.

use std::path::PathBuf;

use chrono::NaiveDate;
use encoding_rs::GB18030;

use super::*;
use crate::ticket::{Cause, When};

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn open_error(path: &Path, options: &Options) -> String {
    match open(path, options) {
        Ok(_) => panic!("{} opened", path.display()),
        Err(err) => err.to_string(),
    }
}

fn read_error(path: &Path, options: &Options) -> String {
    match read_all(path, 0, options) {
        Ok(_) => panic!("{} was read", path.display()),
        Err(err) => err.to_string(),
    }
}

fn tickets(rows: &[Row]) -> Vec<&Ticket> {
    rows.iter()
        .filter_map(|row| match row {
            Row::Ticket(ticket) => Some(ticket.as_ref()),
            Row::Rejected(_) => None,
        })
        .collect()
}

fn rejections(rows: &[Row]) -> Vec<&Rejection> {
    rows.iter()
        .filter_map(|row| match row {
            Row::Rejected(problems) => Some(problems),
            Row::Ticket(_) => None,
        })
        .flatten()
        .collect()
}

#[test]
fn each_unreadable_kind_has_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::default();
    let shown = |path: &Path| path.display().to_string();

    let missing = dir.path().join("missing.csv");
    assert_eq!(
        open_error(&missing, &options),
        format!("{}: no such file", shown(&missing))
    );

    assert_eq!(
        open_error(dir.path(), &options),
        format!("{}: is a directory, not a file", shown(dir.path()))
    );

    let pdf = write(&dir, "tickets.PDF", b"%PDF-1.7");
    assert_eq!(
        open_error(&pdf, &options),
        format!(
            "{}: unsupported file type `.pdf` (expected .csv, .txt, .tsv, .xlsx, .xlsm, .xls, \
             .xlsb, .ods or .parquet)",
            shown(&pdf)
        )
    );
    let bare = write(&dir, "tickets", b"ticket_id\nT1\n");
    assert_eq!(
        open_error(&bare, &options),
        format!(
            "{}: unsupported file type: no extension (expected .csv, .txt, .tsv, .xlsx, .xlsm, \
             .xls, .xlsb, .ods or .parquet)",
            shown(&bare)
        )
    );

    for name in ["empty.csv", "empty.xlsx", "empty.parquet"] {
        let empty = write(&dir, name, b"");
        assert_eq!(
            open_error(&empty, &options),
            format!("{}: empty file", shown(&empty))
        );
    }

    let headerless = write(&dir, "headerless.csv", b",,\n");
    assert_eq!(
        open_error(&headerless, &options),
        format!("{}: no header row", shown(&headerless))
    );

    let no_id = write(&dir, "no_id.csv", b"order_id,store\nO1,S\n");
    assert_eq!(
        read_error(&no_id, &options),
        format!(
            "{}: no ticket_id column: no row among the first 30 has a ticket_id header (first \
             cells seen: row 1: `order_id`, `store`; row 2: `O1`, `S`); try --header-row N or \
             --mapping FILE (to name the export's ticket id header)",
            shown(&no_id)
        )
    );

    let twice = write(&dir, "twice.csv", "工单号,Ticket ID\nT1,T1\n".as_bytes());
    assert_eq!(
        read_error(&twice, &options),
        format!(
            "{}: headers `工单号` (column A) and `Ticket ID` (column B) both map to ticket_id",
            shown(&twice)
        )
    );
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_needs_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "tickets.parquet", b"PAR1 not really");
    assert_eq!(
        open_error(&path, &Options::default()),
        format!(
            "{}: Parquet input needs a build with `--features parquet`",
            path.display()
        )
    );
}

#[test]
fn a_csv_reads_through_to_tickets_and_rejections() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "\u{FEFF}Ticket ID,Cause,Refund Amount,Received At,Region\n\
               T1,quality,\"1,234.50\",2026-10-01 14:30,华东\n\
               T2,quality\n\
               T3,personal,20元,46296.5,华南,extra\n\
               T4,boredom,-1,someday,华北\n\
               T5,\"Changed\nMind\",￥２０,２０２６年１０月１日,西南\n";
    let path = write(&dir, "tickets.csv", csv.as_bytes());
    let options = Options {
        keep_columns: vec!["region".to_string()],
        ..Options::default()
    };
    let (info, rows) = read_all(&path, 2, &options).unwrap();
    assert_eq!(info.source_file, path.display().to_string());
    assert_eq!(info.sheet, None);
    assert_eq!(info.header[0], "Ticket ID", "the BOM is stripped");
    assert!(info.warnings.is_empty(), "{:?}", info.warnings);
    assert_eq!(rows.len(), 5);

    let read = tickets(&rows);
    let ids: Vec<&str> = read.iter().map(|t| t.ticket_id.as_str()).collect();
    assert_eq!(ids, ["T1", "T5"]);
    assert_eq!(read[0].refund_amount, Some("1234.50".parse().unwrap()));
    assert_eq!(
        read[0].received_at,
        Some(When::Local(
            NaiveDate::from_ymd_opt(2026, 10, 1)
                .unwrap()
                .and_hms_opt(14, 30, 0)
                .unwrap()
        ))
    );
    assert_eq!(read[0].kept, ["华东"]);
    assert_eq!(read[0].source, crate::ticket::Source { input: 2, row: 2 });
    assert_eq!(read[1].cause, Some(Cause::NoReason));
    assert_eq!(read[1].refund_amount, Some("20".parse().unwrap()));
    assert_eq!(
        read[1].received_at,
        Some(When::Date(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()))
    );
    assert_eq!(
        read[1].source.row, 6,
        "row numbers count records, not lines"
    );

    let problems = rejections(&rows);
    let summary: Vec<(u64, &str, &str, &str)> = problems
        .iter()
        .map(|p| {
            (
                p.source_row,
                p.column.as_str(),
                p.value.as_str(),
                p.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (3, "", "", "row has 2 fields but the header has 5"),
            (4, "", "", "row has 6 fields but the header has 5"),
            (5, "cause", "boredom", "unknown cause value"),
            (5, "refund_amount", "-1", "negative amount"),
            (5, "received_at", "someday", "not a date"),
        ]
    );
    assert_eq!(problems[0].ticket_id.as_deref(), Some("T2"));
    assert_eq!(problems[2].ticket_id.as_deref(), Some("T4"));
    assert!(problems.iter().all(|p| p.source_file == info.source_file));
}

#[test]
fn a_gbk_export_with_chinese_headers() {
    let dir = tempfile::tempdir().unwrap();
    let text = "工单号,服务类型,售后原因,处理结果,退款金额,签收日期,包装完整\r\n\
                GD1,退货退款,七天无理由,退款,￥20.00,2026/10/1,是\r\n\
                GD2,换货,质量问题,换货,0,2026年10月2日,否\r\n";
    let (gbk, _, unmappable) = GB18030.encode(text);
    assert!(!unmappable);
    let path = write(&dir, "导出.CSV", &gbk);
    let (_, rows) = read_all(&path, 0, &Options::default()).unwrap();
    let read = tickets(&rows);
    assert_eq!(read.len(), 2, "{rows:#?}");
    assert_eq!(read[0].ticket_id, "GD1");
    assert_eq!(
        read[0].service_type,
        Some(crate::ticket::ServiceType::Return)
    );
    assert_eq!(read[0].cause, Some(Cause::NoReason));
    assert_eq!(read[0].decision, Some(crate::ticket::Decision::Refund));
    assert_eq!(read[0].refund_amount, Some("20.00".parse().unwrap()));
    assert_eq!(read[0].delivered_at, NaiveDate::from_ymd_opt(2026, 10, 1));
    assert_eq!(read[0].package_complete, Some(true));
    assert_eq!(
        read[1].service_type,
        Some(crate::ticket::ServiceType::Exchange)
    );
    assert_eq!(read[1].delivered_at, NaiveDate::from_ymd_opt(2026, 10, 2));
    assert_eq!(read[1].package_complete, Some(false));
}

#[test]
fn date_order_reaches_csv_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "dates.csv",
        b"ticket_id,delivered_at\nT1,01/10/2026\n",
    );
    let (_, rows) = read_all(&path, 0, &Options::default()).unwrap();
    assert_eq!(
        rejections(&rows)[0].reason,
        "day/month order is ambiguous; pass --date-order dmy|mdy"
    );
    let dmy = Options {
        date_order: Some(DateOrder::Dmy),
        ..Options::default()
    };
    let (_, rows) = read_all(&path, 0, &dmy).unwrap();
    assert_eq!(
        tickets(&rows)[0].delivered_at,
        NaiveDate::from_ymd_opt(2026, 10, 1)
    );
}

#[test]
fn mapping_warnings_reach_the_input_info() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "zendesk.csv", b"Id,Status\nZ1,Refund processed\n");
    let mapping = Mapping::parse(
        "[columns]\n\"Id\" = \"ticket_id\"\n\"Status\" = \"decision\"\n\"Agent name\" = \"agent\"\n\
         [values.decision]\n\"Refund processed\" = \"refund\"\n",
        "zendesk.toml",
    )
    .unwrap();
    let options = Options {
        mapping: Some(mapping),
        ..Options::default()
    };
    let (info, rows) = read_all(&path, 0, &options).unwrap();
    assert_eq!(
        info.warnings,
        [format!(
            "mapping names header `Agent name` but {} has no such column",
            path.display()
        )]
    );
    assert_eq!(
        tickets(&rows)[0].decision,
        Some(crate::ticket::Decision::Refund)
    );
}

#[test]
fn tab_separated_text_exports() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "export.txt",
        "工单号\t退款金额\nT1\t1,234.00\n".as_bytes(),
    );
    let (_, rows) = read_all(&path, 0, &Options::default()).unwrap();
    assert_eq!(
        tickets(&rows)[0].refund_amount,
        Some("1234.00".parse().unwrap())
    );
}

/// Times reading and parsing a large GBK CSV; run with
/// `cargo test --lib a_large_csv -- --ignored --nocapture` (`INGEST_BENCH_ROWS` sets the size).
#[test]
#[ignore = "slow: generates a large file"]
fn a_large_csv_reads_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.csv");
    let rows: usize = std::env::var("INGEST_BENCH_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(1_000_000);
    let mut text = String::from(
        "工单号,政策,店铺,客服,快递公司,服务类型,售后原因,处理结果,包装完整,签收日期,申请时间,\
         审核时间,入库时间,退款时间,订单金额,退款金额,运费金额,运费承担方,寄件方式,退款扣除运费\n",
    );
    for index in 0..rows {
        text.push_str("GD");
        text.push_str(&index.to_string());
        text.push_str(
            ",joining,旗舰店,客服七,顺丰,退货,七天无理由,退款,是,2026-10-01,\
             2026-10-02 10:00,2026-10-02 15:00,2026-10-05 09:30,2026/10/8 9:05,\
             ￥1299.00,1299.00,12,买家,到付,20\n",
        );
    }
    let (gbk, _, _) = GB18030.encode(&text);
    std::fs::write(&path, &gbk).unwrap();
    drop(text);

    let options = Options::default();
    let started = std::time::Instant::now();
    let mut reader = open(&path, &options).unwrap();
    let schema = Schema::for_reader(reader.as_ref(), 0, &options).unwrap();
    let mut raw_rows = Vec::with_capacity(rows);
    while let Some(raw) = reader.next_row().unwrap() {
        raw_rows.push(raw);
    }
    let read = started.elapsed();
    let parsed: Vec<Row> = raw_rows.par_iter().map(|raw| schema.parse(raw)).collect();
    let total = started.elapsed();
    assert_eq!(parsed.len(), rows);
    assert_eq!(
        tickets(&parsed).len(),
        rows,
        "{:?}",
        rejections(&parsed).first()
    );
    println!("{rows} GBK rows: read in {read:?}, read and parsed in {total:?}");
}

#[test]
fn an_excel_date_cell_reads_as_calamine_reads_it_from_either_epoch() {
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    for is_1904 in [false, true] {
        // 2025-10-13 12:00 counted from 1900; counted from 1904, four years and a day later.
        let at = ExcelDateTime::new(45943.5, ExcelDateTimeType::DateTime, is_1904);
        let cell = RawCell::excel_date(&at);
        assert_eq!(
            cell,
            RawCell::ExcelDate {
                serial: 45943.5,
                is_1904
            }
        );
        let row = RawRow::new(2, vec![cell]);
        assert_eq!(row.cell(0), CellRef::DateTime(at.as_datetime().unwrap()));
    }
    let in_1900 = ExcelDateTime::new(45943.5, ExcelDateTimeType::DateTime, false);
    let in_1904 = ExcelDateTime::new(45943.5, ExcelDateTimeType::DateTime, true);
    assert_ne!(in_1900.as_datetime(), in_1904.as_datetime());
}
