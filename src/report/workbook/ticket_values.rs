//! A ticket's values as cells, and the dates each rule measured between, so the listings can
//! show the dates a finding rests on beside it.

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::cells::Cell;
use super::local_time::LocalTime;
use crate::finding::Finding;
use crate::policy::Policy;
use crate::ticket::{Column, Ticket, When};

fn when<'a>(value: Option<When>, zone: Option<Tz>) -> Cell<'a> {
    value.map_or(Cell::Blank, |w| Cell::Time(LocalTime::of(w, zone)))
}

fn flag<'a>(value: Option<bool>) -> Cell<'a> {
    value.map_or(Cell::Blank, Cell::Bool)
}

fn name<'a, T: Copy>(value: Option<T>, as_str: fn(T) -> &'static str) -> Cell<'a> {
    value.map_or(Cell::Blank, |v| Cell::Word(as_str(v)))
}

/// The value of one canonical column of a ticket.
pub(super) fn ticket_cell(ticket: &Ticket, column: Column, zone: Option<Tz>) -> Cell<'_> {
    use Column as C;
    match column {
        C::TicketId => Cell::text(&ticket.ticket_id),
        C::Policy => Cell::opt_text(ticket.policy.as_deref()),
        C::OrderId => Cell::opt_text(ticket.order_id.as_deref()),
        C::Sku => Cell::opt_text(ticket.sku.as_deref()),
        C::ExchangeSku => Cell::opt_text(ticket.exchange_sku.as_deref()),
        C::ProductCategory => Cell::opt_text(ticket.product_category.as_deref()),
        C::Store => Cell::opt_text(ticket.store.as_deref()),
        C::Agent => Cell::opt_text(ticket.agent.as_deref()),
        C::Courier => Cell::opt_text(ticket.courier.as_deref()),
        C::ServiceType => name(ticket.service_type, crate::ticket::ServiceType::as_str),
        C::Cause => name(ticket.cause, crate::ticket::Cause::as_str),
        C::Decision => name(ticket.decision, crate::ticket::Decision::as_str),
        C::PackageComplete => flag(ticket.package_complete),
        C::AppearanceDamaged => flag(ticket.appearance_damaged),
        C::Activated => flag(ticket.activated),
        C::ProofOfPurchase => flag(ticket.proof_of_purchase),
        C::LabelTampered => flag(ticket.label_tampered),
        C::UnauthorizedRepair => flag(ticket.unauthorized_repair),
        C::AuthorizedChannel => flag(ticket.authorized_channel),
        C::PurchasedOverseas => flag(ticket.purchased_overseas),
        C::RemoteArea => flag(ticket.remote_area),
        C::FactoryShippedAt => Cell::opt_date(ticket.factory_shipped_at),
        C::PurchasedAt => Cell::opt_date(ticket.purchased_at),
        C::DeliveredAt => Cell::opt_date(ticket.delivered_at),
        C::ActivatedAt => Cell::opt_date(ticket.activated_at),
        C::LastRepairReturnedAt => Cell::opt_date(ticket.last_repair_returned_at),
        C::AppliedAt => when(ticket.applied_at, zone),
        C::ReviewedAt => when(ticket.reviewed_at, zone),
        C::CustomerShippedAt => when(ticket.customer_shipped_at, zone),
        C::ReceivedAt => when(ticket.received_at, zone),
        C::RefundedAt => when(ticket.refunded_at, zone),
        C::ExchangeShippedAt => when(ticket.exchange_shipped_at, zone),
        C::RepairApprovedAt => when(ticket.repair_approved_at, zone),
        C::RepairedAt => when(ticket.repaired_at, zone),
        C::QuoteNotifiedAt => when(ticket.quote_notified_at, zone),
        C::PaidAt => when(ticket.paid_at, zone),
        C::ReturnedToCustomerAt => when(ticket.returned_to_customer_at, zone),
        C::OrderAmount => Cell::opt_money(ticket.order_amount),
        C::RefundAmount => Cell::opt_money(ticket.refund_amount),
        C::RepairFee => Cell::opt_money(ticket.repair_fee),
        C::FreightAmount => Cell::opt_money(ticket.freight_amount),
        C::FreightPayer => name(ticket.freight_payer, crate::ticket::FreightPayer::as_str),
        C::FreightPayment => name(
            ticket.freight_payment,
            crate::ticket::FreightPayment::as_str,
        ),
        C::FreightDeducted => Cell::opt_money(ticket.freight_deducted),
        C::ReturnFreightCharged => Cell::opt_money(ticket.return_freight_charged),
    }
}

/// A date or time of a ticket by column, when the column holds one.
fn moment(ticket: &Ticket, column: Column) -> Option<When> {
    use Column as C;
    let date = |d: Option<NaiveDate>| d.map(When::Date);
    match column {
        C::FactoryShippedAt => date(ticket.factory_shipped_at),
        C::PurchasedAt => date(ticket.purchased_at),
        C::DeliveredAt => date(ticket.delivered_at),
        C::ActivatedAt => date(ticket.activated_at),
        C::LastRepairReturnedAt => date(ticket.last_repair_returned_at),
        C::AppliedAt => ticket.applied_at,
        C::ReviewedAt => ticket.reviewed_at,
        C::CustomerShippedAt => ticket.customer_shipped_at,
        C::ReceivedAt => ticket.received_at,
        C::RefundedAt => ticket.refunded_at,
        C::ExchangeShippedAt => ticket.exchange_shipped_at,
        C::RepairApprovedAt => ticket.repair_approved_at,
        C::RepairedAt => ticket.repaired_at,
        C::QuoteNotifiedAt => ticket.quote_notified_at,
        C::PaidAt => ticket.paid_at,
        C::ReturnedToCustomerAt => ticket.returned_to_customer_at,
        _ => None,
    }
}

/// One end of the interval a rule measured: which column, and its value (or the as-of for
/// an event that has not happened yet).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Mark {
    pub label: String,
    pub at: Option<LocalTime>,
}

/// The interval a rule measured for a finding: (start, end); `None` for rules that measure
/// no time (freight amounts, model mismatch, duplicates).
pub(super) fn rule_dates(
    finding: &Finding,
    ticket: &Ticket,
    policy: Option<&Policy>,
    as_of: Option<LocalTime>,
    zone: Option<Tz>,
    texts: &crate::l10n::Texts,
) -> Option<(Mark, Mark)> {
    use Column as C;
    let (start, end) = match finding.rule {
        "review-sla.late" | "review-sla.overdue" => (C::AppliedAt, C::ReviewedAt),
        "refund-cycle.late"
        | "refund-cycle.overdue"
        | "refund-cycle.early"
        | "refund-cycle.before-receipt" => (C::ReceivedAt, C::RefundedAt),
        "turnaround.exchange-late" | "turnaround.exchange-overdue" => {
            (C::ReceivedAt, C::ExchangeShippedAt)
        }
        "turnaround.repair-late" | "turnaround.repair-overdue" => {
            (C::RepairApprovedAt, C::RepairedAt)
        }
        "turnaround.received-after-close" => (C::AppliedAt, C::ReceivedAt),
        "turnaround.unpaid-held" => (C::QuoteNotifiedAt, C::PaidAt),
        "eligibility.return-outside-window"
        | "eligibility.return-condition-failed"
        | "eligibility.exchange-outside-window" => (C::DeliveredAt, C::AppliedAt),
        "eligibility.free-service-out-of-warranty"
        | "eligibility.charged-in-warranty"
        | "eligibility.wrongly-rejected" => (warranty_start(ticket, policy)?, C::AppliedAt),
        "eligibility.late-customer-shipment" => (C::ReviewedAt, C::CustomerShippedAt),
        "data.timeline-inconsistent" => (C::AppliedAt, timeline_conflict(ticket, zone)?),
        _ => return None,
    };
    let mark = |column: Column| match moment(ticket, column) {
        Some(value) => Mark {
            label: texts.field(column).to_owned(),
            at: Some(LocalTime::of(value, zone)),
        },
        None => Mark {
            label: crate::tr!(texts, "wb-as-of-no", column = texts.field(column)),
            at: as_of,
        },
    };
    Some((mark(start), mark(end)))
}

/// The column the policy's warranty starts from for this ticket: the earliest present of the
/// term's start columns and those that start it when earlier (the term without proof when
/// proof of purchase is known to be absent). With every start column blank, that is the
/// latest the warranty can have started, which is what a finding then rests on.
fn warranty_start(ticket: &Ticket, policy: Option<&Policy>) -> Option<Column> {
    let warranty = policy?.params.warranty.as_ref()?;
    let term = match (&warranty.without_proof, ticket.proof_of_purchase) {
        (Some(without), Some(false)) => without,
        _ => &warranty.with_proof,
    };
    term.starts
        .iter()
        .chain(&term.earlier_if_known)
        .filter_map(|column| moment(ticket, *column).map(|w| (w, *column)))
        .min_by_key(|(w, _)| w.date_in(chrono_tz::UTC))
        .map(|(_, column)| column)
}

/// The first event dated before the application, or a delivery after it.
fn timeline_conflict(ticket: &Ticket, zone: Option<Tz>) -> Option<Column> {
    let zone = zone.unwrap_or(chrono_tz::UTC);
    let applied = ticket.applied_at?.date_in(zone);
    [Column::ReviewedAt, Column::ReceivedAt, Column::RefundedAt]
        .into_iter()
        .find(|column| moment(ticket, *column).is_some_and(|w| w.date_in(zone) < applied))
        .or_else(|| {
            ticket
                .delivered_at
                .filter(|delivered| *delivered > applied)
                .map(|_| Column::DeliveredAt)
        })
}
