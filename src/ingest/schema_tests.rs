//! Tests of header resolution and row parsing.

use std::str::FromStr;

use chrono::DateTime;
use rust_decimal::Decimal;

use super::*;
use crate::ingest::header::closeness;
use crate::ingest::{DateOrder, Mapping, Options, RawCell, RawRow, Rejection, Row};
use crate::ticket::{Cause, Decision, FreightPayer, FreightPayment, ServiceType, When};

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(std::string::ToString::to_string).collect()
}

fn schema(names: &[&str], options: &Options) -> Schema {
    Schema::new(&headers(names), 3, "t.csv", None, options).unwrap()
}

fn schema_error(names: &[&str], options: &Options) -> String {
    match Schema::new(&headers(names), 0, "t.csv", Some("Data"), options) {
        Ok(_) => panic!("expected an error for {names:?}"),
        Err(err) => err.to_string(),
    }
}

/// A row as the CSV reader makes it: every field's text in the row's one buffer.
fn text_row(row: u64, values: &[&str]) -> RawRow {
    let mut text = String::new();
    let cells = values
        .iter()
        .map(|value| {
            if value.is_empty() {
                return RawCell::Empty;
            }
            let start = text.len() as u32;
            text.push_str(value);
            RawCell::Field {
                start,
                end: text.len() as u32,
            }
        })
        .collect();
    RawRow { row, cells, text }
}

fn ticket(row: Row) -> Ticket {
    match row {
        Row::Ticket(ticket) => *ticket,
        Row::Rejected(problems) => panic!("expected a ticket, got {problems:#?}"),
    }
}

fn rejected(row: Row) -> Vec<Rejection> {
    match row {
        Row::Ticket(ticket) => panic!("expected a rejection, got {ticket:#?}"),
        Row::Rejected(problems) => problems,
    }
}

use crate::testing::ymd as date;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[test]
fn header_spellings_fold_to_one_name() {
    for spelling in [
        "Ticket ID",
        "ticket_id",
        "TICKET-ID",
        " Ticket  Id ",
        "ＴＩＣＫＥＴ＿ＩＤ",
    ] {
        let schema = schema(&["x", spelling], &Options::default());
        assert_eq!(
            schema.header_of(Column::TicketId),
            Some(spelling),
            "{spelling}"
        );
    }
    let schema = schema(
        &["Ticket ID", "Refunded At", "REFUND-AMOUNT", "freight payer"],
        &Options::default(),
    );
    assert!(schema.header_of(Column::RefundedAt).is_some());
    assert!(schema.header_of(Column::RefundAmount).is_some());
    assert!(schema.header_of(Column::FreightPayer).is_some());
}

#[test]
fn every_chinese_header_is_recognised() {
    for column in Column::ALL {
        for chinese in column.chinese_headers() {
            let names = if *column == Column::TicketId {
                vec![*chinese]
            } else {
                vec!["工单号", *chinese]
            };
            let schema = schema(&names, &Options::default());
            assert_eq!(schema.header_of(*column), Some(*chinese), "{column:?}");
        }
    }
}

#[test]
fn chinese_export_parses() {
    let schema = schema(
        &[
            "工单号",
            "售后原因",
            "处理结果",
            "退款金额",
            "签收日期",
            "退款时间",
            "包装完整",
        ],
        &Options::default(),
    );
    let parsed = ticket(schema.parse(&text_row(
        2,
        &[
            "GD001",
            "七天无理由",
            "退款",
            "￥２０.００",
            "2026年10月1日",
            "2026/10/8 9:05",
            "是",
        ],
    )));
    assert_eq!(parsed.ticket_id, "GD001");
    assert_eq!(parsed.cause, Some(Cause::NoReason));
    assert_eq!(parsed.decision, Some(Decision::Refund));
    assert_eq!(parsed.refund_amount, Some(dec("20.00")));
    assert_eq!(parsed.delivered_at, Some(date(2026, 10, 1)));
    assert_eq!(
        parsed.refunded_at,
        Some(When::Local(date(2026, 10, 8).and_hms_opt(9, 5, 0).unwrap()))
    );
    assert_eq!(parsed.package_complete, Some(true));
    assert_eq!(parsed.source, Source { input: 3, row: 2 });
}

#[test]
fn two_headers_for_one_column_make_the_file_unreadable() {
    assert_eq!(
        schema_error(&["Ticket ID", "store", "工单号"], &Options::default()),
        "t.csv: headers `Ticket ID` (column A) and `工单号` (column C) both map to ticket_id"
    );
    assert_eq!(
        schema_error(&["ticket_id", "政策", "品牌"], &Options::default()),
        "t.csv: headers `政策` (column B) and `品牌` (column C) both map to policy"
    );
}

#[test]
fn a_missing_ticket_id_column_makes_the_file_unreadable() {
    assert_eq!(
        schema_error(&["order_id", "store"], &Options::default()),
        "t.csv: no ticket_id column"
    );
    assert_eq!(
        schema_error(&[], &Options::default()),
        "t.csv: no ticket_id column"
    );
}

#[test]
fn every_column_reaches_its_ticket_field() {
    let names: Vec<&str> = Column::ALL.iter().map(|column| column.name()).collect();
    let values: Vec<&str> = Column::ALL
        .iter()
        .map(|column| match column.kind() {
            Kind::Text => "text",
            Kind::ServiceType => "repair",
            Kind::Cause => "quality",
            Kind::Decision => "free_repair",
            Kind::FreightPayer => "company",
            Kind::FreightPayment => "collect",
            Kind::Bool => "yes",
            Kind::Date => "2026-03-04",
            Kind::DateTime => "2026-03-04 10:00",
            Kind::Money => "12.50",
        })
        .collect();
    let schema = schema(&names, &Options::default());
    let parsed = ticket(schema.parse(&text_row(2, &values)));
    let at = Some(When::Local(date(2026, 3, 4).and_hms_opt(10, 0, 0).unwrap()));
    let text = Some(CompactString::from("text"));
    let money = Some(dec("12.50"));
    let expected = Ticket {
        ticket_id: "text".into(),
        policy: text.clone(),
        order_id: text.clone(),
        sku: text.clone(),
        exchange_sku: text.clone(),
        product_category: text.clone(),
        store: text.clone(),
        agent: text.clone(),
        courier: text.clone(),
        service_type: Some(ServiceType::Repair),
        cause: Some(Cause::Quality),
        decision: Some(Decision::FreeRepair),
        package_complete: Some(true),
        appearance_damaged: Some(true),
        activated: Some(true),
        proof_of_purchase: Some(true),
        label_tampered: Some(true),
        unauthorized_repair: Some(true),
        authorized_channel: Some(true),
        purchased_overseas: Some(true),
        remote_area: Some(true),
        factory_shipped_at: Some(date(2026, 3, 4)),
        purchased_at: Some(date(2026, 3, 4)),
        delivered_at: Some(date(2026, 3, 4)),
        activated_at: Some(date(2026, 3, 4)),
        last_repair_returned_at: Some(date(2026, 3, 4)),
        applied_at: at,
        reviewed_at: at,
        customer_shipped_at: at,
        received_at: at,
        refunded_at: at,
        exchange_shipped_at: at,
        repair_approved_at: at,
        repaired_at: at,
        quote_notified_at: at,
        paid_at: at,
        returned_to_customer_at: at,
        order_amount: money,
        refund_amount: money,
        repair_fee: money,
        freight_amount: money,
        freight_payer: Some(FreightPayer::Company),
        freight_payment: Some(FreightPayment::Collect),
        freight_deducted: money,
        return_freight_charged: money,
        source: Source { input: 3, row: 2 },
        kept: Vec::new(),
    };
    assert_eq!(parsed, expected);
}

#[test]
fn a_row_with_three_bad_values_lists_three_rejections() {
    let schema = schema(
        &[
            "ticket_id",
            "cause",
            "refund_amount",
            "store",
            "received_at",
        ],
        &Options::default(),
    );
    let problems = rejected(schema.parse(&text_row(
        7,
        &["T9", "boredom", "-5.00", "Shop", "tomorrow"],
    )));
    let expected: Vec<Rejection> = [
        ("cause", "boredom", "unknown cause value", "B"),
        ("refund_amount", "-5.00", "negative amount", "C"),
        ("received_at", "tomorrow", "not a date", "E"),
    ]
    .into_iter()
    .map(|(column, value, reason, letter)| Rejection {
        source_file: "t.csv".to_string(),
        sheet: None,
        source_row: 7,
        ticket_id: Some("T9".to_string()),
        column: column.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
        source_column: column.to_string(),
        column_letter: letter.to_string(),
    })
    .collect();
    assert_eq!(problems, expected);
}

#[test]
fn a_blank_ticket_id_is_rejected() {
    let schema = schema(&["ticket_id", "store", "order_amount"], &Options::default());
    for blank in ["", "   "] {
        let problems = rejected(schema.parse(&text_row(4, &[blank, "Shop", "x"])));
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert_eq!(problems[0].column, "ticket_id");
        assert_eq!(problems[0].reason, "ticket_id is blank");
        assert_eq!(problems[0].ticket_id, None);
        assert_eq!(problems[1].reason, "not an amount");
    }
    let short = rejected(schema.parse(&RawRow::new(5, Vec::new())));
    assert_eq!(short[0].reason, "ticket_id is blank");
}

#[test]
fn blank_and_whitespace_values_are_unknown() {
    let schema = schema(
        &[
            "ticket_id",
            "cause",
            "refund_amount",
            "received_at",
            "activated",
        ],
        &Options::default(),
    );
    let parsed = ticket(schema.parse(&text_row(2, &["T1", "  ", "", "\u{3000}", " "])));
    assert_eq!(parsed.cause, None);
    assert_eq!(parsed.refund_amount, None);
    assert_eq!(parsed.received_at, None);
    assert_eq!(parsed.activated, None);
    let short = ticket(schema.parse(&text_row(2, &["T2"])));
    assert_eq!(short.ticket_id, "T2", "missing trailing cells are blank");
}

#[test]
fn text_is_trimmed() {
    let schema = schema(&["ticket_id", "store"], &Options::default());
    let parsed = ticket(schema.parse(&text_row(2, &["  T1 ", " 旗舰店 "])));
    assert_eq!(parsed.ticket_id, "T1");
    assert_eq!(parsed.store.as_deref(), Some("旗舰店"));
}

#[test]
fn date_kinds_convert_between_columns() {
    let schema = schema(
        &[
            "ticket_id",
            "delivered_at",
            "applied_at",
            "received_at",
            "refunded_at",
        ],
        &Options::default(),
    );
    let parsed = ticket(schema.parse(&text_row(
        2,
        &[
            "T1",
            "2026-10-01T23:30:00+08:00",
            "2026-10-02",
            "2026-10-03T10:00:00+08:00",
            "2026-10-04 10:00",
        ],
    )));
    assert_eq!(
        parsed.delivered_at,
        Some(date(2026, 10, 1)),
        "a datetime in a date column keeps its own date"
    );
    assert_eq!(parsed.applied_at, Some(When::Date(date(2026, 10, 2))));
    assert_eq!(
        parsed.received_at,
        Some(When::Fixed(
            DateTime::parse_from_rfc3339("2026-10-03T10:00:00+08:00").unwrap()
        ))
    );
    assert_eq!(
        parsed.refunded_at,
        Some(When::Local(
            date(2026, 10, 4).and_hms_opt(10, 0, 0).unwrap()
        ))
    );
}

#[test]
fn spreadsheet_cells_are_read_by_column_kind() {
    let schema = schema(
        &[
            "ticket_id",
            "refund_amount",
            "delivered_at",
            "applied_at",
            "activated",
            "order_id",
            "received_at",
        ],
        &Options::default(),
    );
    let at = date(2026, 10, 1).and_hms_opt(14, 30, 0).unwrap();
    let parsed = ticket(schema.parse(&RawRow::new(
        2,
        vec![
            RawCell::Number(12345.0),
            RawCell::Number(19.9),
            RawCell::Number(46296.0),
            RawCell::DateTime(at),
            RawCell::Bool(false),
            RawCell::Number(20261001001.0),
            RawCell::Number(46296.75),
        ],
    )));
    assert_eq!(parsed.ticket_id, "12345");
    assert_eq!(parsed.refund_amount, Some(dec("19.9")));
    assert_eq!(parsed.delivered_at, Some(date(2026, 10, 1)), "a serial");
    assert_eq!(parsed.applied_at, Some(When::Local(at)));
    assert_eq!(parsed.activated, Some(false));
    assert_eq!(parsed.order_id.as_deref(), Some("20261001001"));
    assert_eq!(
        parsed.received_at,
        Some(When::Local(
            date(2026, 10, 1).and_hms_opt(18, 0, 0).unwrap()
        ))
    );
}

#[test]
fn error_cells_are_rejected_with_their_text() {
    let schema = schema(&["ticket_id", "refund_amount"], &Options::default());
    let problems = rejected(schema.parse(&RawRow::new(
        3,
        vec![RawCell::text("T1"), RawCell::error("#DIV/0!")],
    )));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].value, "#DIV/0!");
    assert_eq!(problems[0].reason, "cell error #DIV/0!");
    assert_eq!(problems[0].ticket_id.as_deref(), Some("T1"));
}

#[test]
fn ambiguous_dates_need_a_date_order() {
    let names = ["ticket_id", "delivered_at"];
    let row = text_row(2, &["T1", "01/10/2026"]);
    let problems = rejected(schema(&names, &Options::default()).parse(&row));
    assert_eq!(
        problems[0].reason,
        "day/month order is ambiguous; pass --date-order dmy|mdy"
    );
    let dmy = Options {
        date_order: Some(DateOrder::Dmy),
        ..Options::default()
    };
    assert_eq!(
        ticket(schema(&names, &dmy).parse(&row)).delivered_at,
        Some(date(2026, 10, 1))
    );
    let mdy = Options {
        date_order: Some(DateOrder::Mdy),
        ..Options::default()
    };
    assert_eq!(
        ticket(schema(&names, &mdy).parse(&row)).delivered_at,
        Some(date(2026, 1, 10))
    );
}

#[test]
fn out_of_range_dates_are_rejected() {
    let schema = schema(
        &["ticket_id", "purchased_at", "paid_at"],
        &Options::default(),
    );
    let problems = rejected(schema.parse(&text_row(2, &["T1", "1900-01-01", "2101-01-01 10:00"])));
    let reasons: Vec<&str> = problems.iter().map(|p| p.reason.as_str()).collect();
    assert_eq!(reasons, ["date out of range 1990–2100"; 2]);
}

#[test]
fn kept_columns_follow_the_requested_order() {
    let options = Options {
        keep_columns: vec!["Region".into(), "missing one".into(), "vip level".into()],
        ..Options::default()
    };
    let schema = schema(&["ticket_id", "VIP-Level", "region", "store"], &options);
    assert_eq!(
        schema.warnings(),
        ["--keep-columns names `missing one` but t.csv has no such column"]
    );
    let parsed = ticket(schema.parse(&text_row(2, &["T1", " gold ", "华东", "Shop"])));
    assert_eq!(parsed.kept, ["华东", "", "gold"]);
    assert_eq!(parsed.store.as_deref(), Some("Shop"));
}

#[test]
fn mapping_names_formats_and_values_apply() {
    let mapping = Mapping::parse(
        r#"
[columns]
"Id" = "ticket_id"
"Custom field (Refund date)" = "refunded_at"
"Resolution" = "decision"
"Not In This Export" = "store"
[formats]
refunded_at = "%d/%b/%y %I:%M %p"
[values.decision]
"Refund processed" = "refund"
"#,
        "map.toml",
    )
    .unwrap();
    let options = Options {
        mapping: Some(mapping),
        ..Options::default()
    };
    let schema = schema(
        &["id", "Custom field (Refund date)", "RESOLUTION"],
        &options,
    );
    assert_eq!(
        schema.warnings(),
        ["mapping names header `Not In This Export` but t.csv has no such column"]
    );
    let parsed = ticket(schema.parse(&text_row(
        2,
        &["SUP-1", "25/Feb/26 10:17 PM", "refund processed"],
    )));
    assert_eq!(parsed.ticket_id, "SUP-1");
    assert_eq!(
        parsed.refunded_at,
        Some(When::Local(
            date(2026, 2, 25).and_hms_opt(22, 17, 0).unwrap()
        ))
    );
    assert_eq!(parsed.decision, Some(Decision::Refund));
    let builtin = ticket(schema.parse(&text_row(3, &["SUP-2", "2026-02-25", "驳回"])));
    assert_eq!(builtin.decision, Some(Decision::Rejected));
    assert_eq!(builtin.refunded_at, Some(When::Date(date(2026, 2, 25))));
}

#[test]
fn a_mapped_header_clashing_with_a_canonical_one_is_unreadable() {
    let mapping = Mapping::parse("[columns]\n\"Id\" = \"ticket_id\"\n", "map.toml").unwrap();
    let options = Options {
        mapping: Some(mapping),
        ..Options::default()
    };
    assert_eq!(
        schema_error(&["Id", "ticket_id"], &options),
        "t.csv: headers `Id` (column A) and `ticket_id` (column B) both map to ticket_id"
    );
}

#[test]
fn decision_pending_aliases_leave_it_blank() {
    let schema = schema(&["ticket_id", "decision"], &Options::default());
    for pending in ["pending", "Open", "处理中", "blank"] {
        let parsed = ticket(schema.parse(&text_row(2, &["T1", pending])));
        assert_eq!(parsed.decision, None, "{pending}");
    }
}

#[test]
fn a_misspelled_header_is_a_warning_with_the_suggestion() {
    let schema = schema(
        &["ticket_id", "Recieved At", "refund_amount"],
        &Options::default(),
    );
    assert_eq!(
        schema.warnings(),
        [
            "t.csv: header `Recieved At` (column B) is not a known column; did you mean `received_at`?"
        ]
    );
    assert_eq!(schema.header_of(Column::ReceivedAt), None);
}

#[test]
fn a_misspelled_chinese_header_names_the_header_and_its_column() {
    let schema = schema(
        &["工单号", "申请时问", "退款时间", " 签收曰期 "],
        &Options::default(),
    );
    assert_eq!(
        schema.warnings(),
        [
            "t.csv: header `申请时问` (column B) is not a known column; did you mean `申请时间` (applied_at)?",
            "t.csv: header `签收曰期` (column D) is not a known column; did you mean `签收日期` (delivered_at)?",
        ]
    );
}

#[test]
fn the_closest_known_header_wins_and_ties_go_to_the_canonical_order() {
    // One edit from `paid_at`, more than two from any other name.
    let closest = schema(&["ticket_id", "paid_att"], &Options::default());
    assert_eq!(
        closest.warnings(),
        ["t.csv: header `paid_att` (column B) is not a known column; did you mean `paid_at`?"]
    );
    // Two edits from both `refunded_at` and `repaired_at`: the earlier column is suggested.
    assert_eq!(closeness("refaided_at", "refunded_at"), Some(2));
    assert_eq!(closeness("refaided_at", "repaired_at"), Some(2));
    let tied = schema(&["ticket_id", "refaided_at"], &Options::default());
    assert_eq!(
        tied.warnings(),
        ["t.csv: header `refaided_at` (column B) is not a known column; did you mean `refunded_at`?"]
    );
}

#[test]
fn no_suggestion_points_at_a_column_the_input_already_has() {
    let schema = schema(
        &[
            "ticket_id",
            "received_at",
            "recieved_at",
            "退款时间",
            "退货时间",
        ],
        &Options::default(),
    );
    assert!(schema.warnings().is_empty(), "{:?}", schema.warnings());
}

#[test]
fn mapping_entries_are_suggested_like_known_headers() {
    let mapping = Mapping::parse(
        "[columns]\n\"Id\" = \"ticket_id\"\n\"Refund Date\" = \"refunded_at\"\n",
        "map.toml",
    )
    .unwrap();
    let options = Options {
        mapping: Some(mapping),
        ..Options::default()
    };
    let schema = schema(&["Id", "Refnud date"], &options);
    assert_eq!(
        schema.warnings(),
        [
            "mapping names header `Refund Date` but t.csv has no such column",
            "t.csv: header `Refnud date` (column B) is not a known column; did you mean `Refund Date` (mapped to refunded_at)?",
        ]
    );
}

#[test]
fn kept_columns_are_not_misspellings() {
    let options = Options {
        keep_columns: vec!["Stores".into()],
        ..Options::default()
    };
    let schema = schema(&["ticket_id", "stores", "agnet"], &options);
    assert_eq!(
        schema.warnings(),
        ["t.csv: header `agnet` (column C) is not a known column; did you mean `agent`?"]
    );
    assert_eq!(schema.header_of(Column::Store), None);
}

#[test]
fn unrelated_headers_get_no_suggestion() {
    let unrelated = [
        "备注",
        "客户姓名",
        "手机号",
        "Notes",
        "Remark",
        "Priority",
        "Status",
        "地址",
        "id",
        "SPU",
        "运单号",
        "客户",
        "收货人",
        "申请人",
        "审核人",
        "创建时间",
        "发货时间",
        "退款原因",
        "Email",
        "Phone",
        "Country",
        "Created at",
        "Updated at",
        "Subject",
        "Tags",
        "Case",
        "Score",
        "",
    ];
    let mut names = vec!["工单号"];
    names.extend(unrelated);
    let schema = schema(&names, &Options::default());
    assert!(schema.warnings().is_empty(), "{:?}", schema.warnings());
}

#[test]
fn columns_lists_the_provided_columns_in_header_order() {
    let schema = schema(
        &["退款时间", "notes", "Ticket ID", "policy", "recieved_at"],
        &Options::default(),
    );
    assert_eq!(
        schema.columns().collect::<Vec<_>>(),
        [Column::RefundedAt, Column::TicketId, Column::Policy]
    );
}

#[test]
fn texts_of_any_length_reach_the_ticket_whole() {
    // Up to 24 bytes a ticket's text is held inline, beyond it on the heap: both read back the
    // same, in any script, trimmed as before.
    let names = [
        "ticket_id",
        "sku",
        "store",
        "agent",
        "courier",
        "product_category",
    ];
    let sku = "X".repeat(24);
    let store = "Offline Store Shenzhen Futian Central Plaza No. 2";
    let agent = "客服张三李四王五赵六孙七周八吴九";
    let values = [
        " RMA-2026-000001 ",
        sku.as_str(),
        store,
        agent,
        "顺丰速运",
        &"y".repeat(25),
    ];
    let schema = schema(&names, &Options::default());
    let parsed = ticket(schema.parse(&text_row(2, &values)));
    assert_eq!(parsed.ticket_id, "RMA-2026-000001");
    assert_eq!(parsed.sku.as_deref(), Some(sku.as_str()));
    assert_eq!(parsed.store.as_deref(), Some(store));
    assert_eq!(parsed.agent.as_deref(), Some(agent));
    assert_eq!(parsed.courier.as_deref(), Some("顺丰速运"));
    assert_eq!(
        parsed.product_category.as_deref(),
        Some("y".repeat(25).as_str())
    );
    // The spill budget counts only the texts that took the heap: the store (49 bytes), the
    // agent (48) and the category (25); the 24-byte code and the id are inline.
    assert!(!parsed.sku.as_ref().unwrap().is_heap_allocated());
    assert_eq!(
        crate::audit::spill::ticket_bytes(&parsed),
        std::mem::size_of::<Ticket>() + store.len() + agent.len() + 25
    );
}
