//! `broken.csv`: compliant rows mixed with rows carrying every kind of bad value TICKETS.md
//! names, so an audit shows its rejected-rows report and a duplicate ticket.

use super::build::Ctx;
use super::catalog::Brand;
use super::compliant;
use super::write::english_record;
use crate::calendar::NotCovered;
use crate::ticket::Column;

/// What a row of `broken.csv` carries: `None` is a good row; otherwise the cells replaced.
pub(super) const ROWS: &[Option<&[(Column, &str)]>] = &[
    None,
    Some(&[(Column::AppliedAt, "next Tuesday")]),
    Some(&[(Column::RefundAmount, "-199.00")]),
    Some(&[(Column::OrderAmount, "about 1200")]),
    None,
    Some(&[(Column::Decision, "partial refund")]),
    Some(&[(Column::Policy, "ACME Gadgets")]),
    Some(&[(Column::TicketId, "")]),
    Some(&[(Column::DeliveredAt, "01/10/2026")]),
    None,
    // The ticket id of the first row again (filled in below).
    Some(&[]),
    Some(&[(Column::Cause, "bad weather")]),
    Some(&[(Column::FreightPayment, "wechat pay")]),
    Some(&[(Column::PackageComplete, "maybe")]),
    Some(&[
        (Column::RefundedAt, "2026-13-45"),
        (Column::FreightAmount, "-12.00"),
    ]),
    Some(&[(Column::RepairFee, "twenty")]),
    Some(&[(Column::ReceivedAt, "2026-02-30 10:00:00")]),
    Some(&[(Column::FreightPayer, "courier")]),
    Some(&[(Column::ServiceType, "upgrade")]),
    None,
    None,
];

/// Index of the row repeating the first row's ticket id.
pub(super) const DUPLICATE_ROW: usize = 10;

fn index(column: Column) -> usize {
    Column::ALL.iter().position(|c| *c == column).unwrap_or(0)
}

/// The rows of `broken.csv` as text cells in canonical column order.
pub(super) fn rows(ctx: &mut Ctx<'_>) -> Result<Vec<Vec<String>>, NotCovered> {
    let brands = Brand::ALL;
    let mut out = Vec::with_capacity(ROWS.len());
    for (n, changes) in ROWS.iter().enumerate() {
        let mut ticket = compliant::ticket(ctx, brands[n % brands.len()])?;
        ticket.ticket_id = format!("RMA-2026-{:06}", 900_001 + n).into();
        let mut record = english_record(&ticket);
        if n == DUPLICATE_ROW {
            record[index(Column::TicketId)] = out
                .first()
                .map(|first: &Vec<String>| first[index(Column::TicketId)].clone())
                .unwrap_or_default();
        }
        for (column, bad) in changes.iter().flat_map(|c| c.iter()) {
            record[index(*column)] = (*bad).to_string();
        }
        out.push(record);
    }
    Ok(out)
}
