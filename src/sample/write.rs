//! Serialising sample tickets: the English CSV, the GBK Chinese CSV, the workbook, and the
//! known-answers file. Each returns the file's bytes; the caller writes them atomically.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, Format, Workbook};

use super::catalog::chinese;
use super::{ExpectedRow, SampleError};
use crate::ticket::{
    Cause, Column, Decision, FreightPayer, FreightPayment, Kind, ServiceType, Ticket, When,
};

/// One value of a ticket, typed, for the writers.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Blank,
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Money(Decimal),
    ServiceType(ServiceType),
    Cause(Cause),
    Decision(Decision),
    FreightPayer(FreightPayer),
    FreightPayment(FreightPayment),
}

fn text(value: &Option<String>) -> Value {
    value.clone().map_or(Value::Blank, Value::Text)
}

fn when(value: &Option<When>) -> Value {
    match value {
        Some(When::Local(local)) => Value::DateTime(*local),
        Some(When::Date(date)) => Value::Date(*date),
        Some(When::Fixed(fixed)) => Value::DateTime(fixed.naive_local()),
        None => Value::Blank,
    }
}

fn opt<T>(value: Option<T>, wrap: fn(T) -> Value) -> Value {
    value.map_or(Value::Blank, wrap)
}

/// The value of `column` on `ticket`.
pub(super) fn value(ticket: &Ticket, column: Column) -> Value {
    use Column as C;
    match column {
        C::TicketId => Value::Text(ticket.ticket_id.clone()),
        C::Policy => text(&ticket.policy),
        C::OrderId => text(&ticket.order_id),
        C::Sku => text(&ticket.sku),
        C::ExchangeSku => text(&ticket.exchange_sku),
        C::ProductCategory => text(&ticket.product_category),
        C::Store => text(&ticket.store),
        C::Agent => text(&ticket.agent),
        C::Courier => text(&ticket.courier),
        C::ServiceType => opt(ticket.service_type, Value::ServiceType),
        C::Cause => opt(ticket.cause, Value::Cause),
        C::Decision => opt(ticket.decision, Value::Decision),
        C::PackageComplete => opt(ticket.package_complete, Value::Bool),
        C::AppearanceDamaged => opt(ticket.appearance_damaged, Value::Bool),
        C::Activated => opt(ticket.activated, Value::Bool),
        C::ProofOfPurchase => opt(ticket.proof_of_purchase, Value::Bool),
        C::LabelTampered => opt(ticket.label_tampered, Value::Bool),
        C::UnauthorizedRepair => opt(ticket.unauthorized_repair, Value::Bool),
        C::AuthorizedChannel => opt(ticket.authorized_channel, Value::Bool),
        C::PurchasedOverseas => opt(ticket.purchased_overseas, Value::Bool),
        C::RemoteArea => opt(ticket.remote_area, Value::Bool),
        C::FactoryShippedAt => opt(ticket.factory_shipped_at, Value::Date),
        C::PurchasedAt => opt(ticket.purchased_at, Value::Date),
        C::DeliveredAt => opt(ticket.delivered_at, Value::Date),
        C::ActivatedAt => opt(ticket.activated_at, Value::Date),
        C::LastRepairReturnedAt => opt(ticket.last_repair_returned_at, Value::Date),
        C::AppliedAt => when(&ticket.applied_at),
        C::ReviewedAt => when(&ticket.reviewed_at),
        C::CustomerShippedAt => when(&ticket.customer_shipped_at),
        C::ReceivedAt => when(&ticket.received_at),
        C::RefundedAt => when(&ticket.refunded_at),
        C::ExchangeShippedAt => when(&ticket.exchange_shipped_at),
        C::RepairApprovedAt => when(&ticket.repair_approved_at),
        C::RepairedAt => when(&ticket.repaired_at),
        C::QuoteNotifiedAt => when(&ticket.quote_notified_at),
        C::PaidAt => when(&ticket.paid_at),
        C::ReturnedToCustomerAt => when(&ticket.returned_to_customer_at),
        C::OrderAmount => opt(ticket.order_amount, Value::Money),
        C::RefundAmount => opt(ticket.refund_amount, Value::Money),
        C::RepairFee => opt(ticket.repair_fee, Value::Money),
        C::FreightAmount => opt(ticket.freight_amount, Value::Money),
        C::FreightPayer => opt(ticket.freight_payer, Value::FreightPayer),
        C::FreightPayment => opt(ticket.freight_payment, Value::FreightPayment),
        C::FreightDeducted => opt(ticket.freight_deducted, Value::Money),
        C::ReturnFreightCharged => opt(ticket.return_freight_charged, Value::Money),
    }
}

/// The English spelling: canonical enum values, ISO dates, plain decimals.
pub(super) fn english(value: &Value) -> String {
    match value {
        Value::Blank => String::new(),
        Value::Text(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        Value::DateTime(datetime) => datetime.format("%Y-%m-%d %H:%M:%S").to_string(),
        Value::Money(amount) => amount.to_string(),
        Value::ServiceType(v) => v.as_str().to_string(),
        Value::Cause(v) => v.as_str().to_string(),
        Value::Decision(v) => v.as_str().to_string(),
        Value::FreightPayer(v) => v.as_str().to_string(),
        Value::FreightPayment(v) => v.as_str().to_string(),
    }
}

/// The spelling of a Chinese ticket system: the aliases of TICKETS.md, `￥20.00`, `2026/3/4`,
/// and `2026年3月4日 10:15` for application and review times.
fn chinese_value(column: Column, value: &Value) -> String {
    match value {
        Value::Text(text) if matches!(column, Column::Store | Column::Agent | Column::Courier) => {
            chinese(text).to_string()
        }
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::Date(date) => date.format("%Y/%-m/%-d").to_string(),
        Value::DateTime(datetime) if matches!(column, Column::AppliedAt | Column::ReviewedAt) => {
            datetime.format("%Y年%-m月%-d日 %-H:%M").to_string()
        }
        Value::DateTime(datetime) => datetime.format("%Y/%-m/%-d %-H:%M").to_string(),
        Value::Money(amount) => format!("￥{amount}"),
        Value::ServiceType(v) => match v {
            ServiceType::Return => "退货",
            ServiceType::Exchange => "换货",
            ServiceType::Repair => "维修",
        }
        .into(),
        Value::Cause(v) => match v {
            Cause::NoReason => "七天无理由",
            Cause::Quality => "质量问题",
            Cause::Logistics => "物流损坏",
            Cause::ManMade => "人为损坏",
            Cause::ForceMajeure => "不可抗力",
            Cause::Cosmetic => "外观磨损",
            Cause::Software => "软件升级",
        }
        .into(),
        Value::Decision(v) => match v {
            Decision::Refund => "退款",
            Decision::Exchange => "换货",
            Decision::FreeRepair => "免费维修",
            Decision::PaidRepair => "付费维修",
            Decision::Rejected => "驳回",
        }
        .into(),
        Value::FreightPayer(v) => match v {
            FreightPayer::Customer => "买家",
            FreightPayer::Company => "卖家",
        }
        .into(),
        Value::FreightPayment(v) => match v {
            FreightPayment::Prepaid => "寄付",
            FreightPayment::Collect => "到付",
        }
        .into(),
        other => english(other),
    }
}

/// A ticket as English text cells, in canonical column order.
pub(super) fn english_record(ticket: &Ticket) -> Vec<String> {
    Column::ALL
        .iter()
        .map(|column| english(&value(ticket, *column)))
        .collect()
}

fn csv_bytes(
    header: Vec<String>,
    records: impl Iterator<Item = Vec<String>>,
    path: &Path,
) -> Result<Vec<u8>, SampleError> {
    let failed = |source| SampleError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).map_err(failed)?;
    for record in records {
        writer.write_record(&record).map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|err| failed(csv::Error::from(err.into_error())))
}

fn canonical_header() -> Vec<String> {
    Column::ALL.iter().map(|c| c.name().to_string()).collect()
}

/// `tickets-en.csv`: UTF-8, canonical headers, ISO datetimes.
pub(super) fn en_csv(tickets: &[Ticket], path: &Path) -> Result<Vec<u8>, SampleError> {
    csv_bytes(canonical_header(), tickets.iter().map(english_record), path)
}

/// Streams the English CSV of `tickets` into the file at `temp` (`shown` names it in errors).
pub(super) fn en_csv_to(tickets: &[Ticket], temp: &Path, shown: &Path) -> Result<(), SampleError> {
    let failed = |source| SampleError::Csv {
        path: shown.to_path_buf(),
        source,
    };
    let mut writer = csv::Writer::from_path(temp).map_err(failed)?;
    writer.write_record(canonical_header()).map_err(failed)?;
    for ticket in tickets {
        writer
            .write_record(english_record(ticket))
            .map_err(failed)?;
    }
    writer.flush().map_err(|source| SampleError::Write {
        path: shown.to_path_buf(),
        source,
    })
}

/// A CSV of text rows under the canonical header (`broken.csv`).
pub(super) fn text_csv(rows: &[Vec<String>], path: &Path) -> Result<Vec<u8>, SampleError> {
    csv_bytes(canonical_header(), rows.iter().cloned(), path)
}

/// `tickets-zh-gbk.csv`: Chinese headers and values, encoded as GBK.
pub(super) fn zh_csv(tickets: &[Ticket], path: &Path) -> Result<Vec<u8>, SampleError> {
    let header = Column::ALL
        .iter()
        .map(|c| {
            c.chinese_headers()
                .first()
                .copied()
                .unwrap_or(c.name())
                .to_string()
        })
        .collect();
    let records = tickets.iter().map(|ticket| {
        Column::ALL
            .iter()
            .map(|column| chinese_value(*column, &value(ticket, *column)))
            .collect()
    });
    let utf8 = csv_bytes(header, records, path)?;
    let text = String::from_utf8_lossy(&utf8);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    if unmappable {
        let value = text
            .chars()
            .find(|c| encoding_rs::GBK.encode(&c.to_string()).2)
            .map(String::from)
            .unwrap_or_default();
        return Err(SampleError::Encoding {
            path: path.to_path_buf(),
            value,
        });
    }
    Ok(bytes.into_owned())
}

/// The workbook header of a column: `ticket_id` → `Ticket ID`, `exchange_sku` → `Exchange SKU`.
pub(super) fn title(column: Column) -> String {
    column
        .name()
        .split('_')
        .map(|word| match word {
            "id" | "sku" => word.to_uppercase(),
            _ => {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// `tickets.xlsx`: English headers, Excel date and datetime cells, numbers for money.
pub(super) fn xlsx(tickets: &[Ticket], path: &Path) -> Result<Vec<u8>, SampleError> {
    let failed = |source| SampleError::Xlsx {
        path: path.to_path_buf(),
        source,
    };
    let mut workbook = tickets_workbook();
    let sheet = workbook.add_worksheet();
    fill_tickets_sheet(sheet, tickets).map_err(failed)?;
    workbook.save_to_buffer().map_err(failed)
}

/// The same workbook as [`xlsx`], its sheet written in constant-memory mode (rows streamed to
/// disk, strings inline) and saved to `temp`, so a million tickets fit in a few megabytes.
pub(super) fn xlsx_streamed(
    tickets: &[Ticket],
    temp: &Path,
    shown: &Path,
) -> Result<(), SampleError> {
    let failed = |source| SampleError::Xlsx {
        path: shown.to_path_buf(),
        source,
    };
    let mut workbook = tickets_workbook();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(failed)?;
    fill_tickets_sheet(sheet, tickets).map_err(failed)?;
    workbook.save(temp).map_err(failed)
}

fn tickets_workbook() -> Workbook {
    let mut workbook = Workbook::new();
    // A fixed creation time keeps the file byte-identical from run to run.
    let created = NaiveDate::from_ymd_opt(2026, 11, 15)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN);
    workbook.set_properties(
        &DocProperties::new()
            .set_title("After-sales tickets (sample)")
            .set_creation_datetime(&created),
    );
    workbook
}

/// The `Tickets` sheet: a bold header row, then one row per ticket in canonical column order.
fn fill_tickets_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    tickets: &[Ticket],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let header = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let money = Format::new().set_num_format("#,##0.00");
    sheet.set_name("Tickets")?;
    for (col, column) in Column::ALL.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, title(*column), &header)?;
        let width = match column.kind() {
            Kind::DateTime => 17.0,
            Kind::Date => 11.0,
            _ => 14.0,
        };
        sheet.set_column_width(col, width)?;
    }
    for (index, ticket) in tickets.iter().enumerate() {
        let row = index as u32 + 1;
        for (col, column) in Column::ALL.iter().enumerate() {
            let col = col as u16;
            match value(ticket, *column) {
                Value::Blank => continue,
                Value::Bool(flag) => sheet.write_boolean(row, col, flag),
                Value::Date(day) => sheet.write_date_with_format(row, col, day, &date),
                Value::DateTime(moment) => {
                    sheet.write_datetime_with_format(row, col, moment, &datetime)
                }
                Value::Money(amount) => sheet.write_number_with_format(
                    row,
                    col,
                    amount.to_f64().unwrap_or_default(),
                    &money,
                ),
                other => sheet.write_string(row, col, english(&other)),
            }?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_col = Column::ALL.len() as u16 - 1;
    sheet.autofilter(0, 0, tickets.len() as u32, last_col)?;
    Ok(())
}

/// `expected-findings.csv`: `ticket_id,rule,severity,amount,late_by,late_unit`.
pub(super) fn expected_csv(rows: &[ExpectedRow], path: &Path) -> Result<Vec<u8>, SampleError> {
    let header = [
        "ticket_id",
        "rule",
        "severity",
        "amount",
        "late_by",
        "late_unit",
    ]
    .map(String::from)
    .to_vec();
    let records = rows.iter().map(|row| {
        let expected = &row.expected;
        vec![
            row.ticket_id.clone(),
            expected.rule.to_string(),
            expected.severity.as_str().to_string(),
            expected
                .amount
                .map(|a| format!("{a:.2}"))
                .unwrap_or_default(),
            expected
                .late_by
                .map(|l| l.value.to_string())
                .unwrap_or_default(),
            expected
                .late_by
                .map(|l| l.unit.as_str().to_string())
                .unwrap_or_default(),
        ]
    });
    csv_bytes(header, records, path)
}
