//! Spelling sample tickets: typed values, their English and Chinese text, the headers, and
//! the workbook's properties. The files are written row by row in `files.rs`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, Workbook};

use super::catalog::chinese;
use crate::ticket::{
    Cause, Column, CompactString, Decision, FreightPayer, FreightPayment, ServiceType, Ticket, When,
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

fn text(value: &Option<CompactString>) -> Value {
    value
        .as_ref()
        .map_or(Value::Blank, |text| Value::Text(text.to_string()))
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
        C::TicketId => Value::Text(ticket.ticket_id.to_string()),
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
pub(super) fn chinese_value(column: Column, value: &Value) -> String {
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

pub(super) fn canonical_header() -> Vec<String> {
    Column::ALL.iter().map(|c| c.name().to_string()).collect()
}

pub(super) fn chinese_header() -> Vec<String> {
    Column::ALL
        .iter()
        .map(|c| {
            c.chinese_headers()
                .first()
                .copied()
                .unwrap_or(c.name())
                .to_string()
        })
        .collect()
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

pub(super) fn tickets_workbook() -> Workbook {
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
