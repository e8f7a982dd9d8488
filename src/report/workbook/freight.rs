//! The Freight reconciliation sheet, for finance: freight deductions taken against those the
//! policy prescribes, and the money of the freight findings, by courier and by store. With a
//! million distinct stores the table passes Excel's row limit: it continues on numbered sheets
//! ("Freight reconciliation (2)") as the listings do, the total below it on the last one.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::book::Book;
use super::cells::Cell;
use super::listing::{write_split_table, Head};
use super::pen::Pen;
use super::styles::TabKind;
use crate::audit::LedgerRow;

pub(super) fn headers(currency: &str, texts: &crate::l10n::Texts) -> Vec<String> {
    vec![
        "By".to_owned(),
        "Name".to_owned(),
        "Tickets".to_owned(),
        crate::tr!(texts, "wb-deductions-taken", currency = currency),
        crate::tr!(texts, "wb-deductions-expected", currency = currency),
        "Taken − expected".to_owned(),
        "Customer over-charged".to_owned(),
        "Company under-recovered".to_owned(),
        "Net (over-charged − under-recovered)".to_owned(),
    ]
}

fn line<'a>(by: &'static str, name: &'a str, row: &LedgerRow) -> Vec<Cell<'a>> {
    vec![
        Cell::Word(by),
        Cell::name(name),
        Cell::Count(row.tickets),
        Cell::Money(row.deductions_taken),
        Cell::Money(row.deductions_expected),
        Cell::Money(row.deductions_taken - row.deductions_expected),
        Cell::Money(row.overcharged),
        Cell::Money(row.underrecovered),
        Cell::Money(row.net()),
    ]
}

/// Writes the sheets the layout planned ([`Layout::freight`]), the rows below the table
/// ([`FREIGHT_ROWS_BELOW`]) on the last.
pub(super) fn write(sheets: &mut [Worksheet], book: &Book<'_>) -> Result<(), XlsxError> {
    let ledger = &book.run.freight_ledger;
    let heads: Vec<Head> = headers(&book.summary.money.currency, book.styles.texts)
        .into_iter()
        .enumerate()
        .map(|(col, title)| match col {
            0 => Head::new(title, 9.0, 10.0),
            1 => Head::new(title, 16.0, 40.0).key(),
            2 => Head::new(title, 8.0, 10.0).numeric(),
            _ => Head::new(title, 14.0, 40.0).numeric(),
        })
        .collect();
    let rows = ledger
        .couriers()
        .into_iter()
        .map(|(name, row)| line("courier", name, row))
        .chain(
            ledger
                .stores()
                .into_iter()
                .map(|(name, row)| line("store", name, row)),
        );
    let end = write_split_table(
        sheets,
        &book.layout.freight,
        &heads,
        rows,
        book.limits.data_rows(),
        &book.styles,
        TabKind::Finance,
    )?;
    let (Some(end), Some(sheet)) = (end, sheets.last_mut()) else {
        return Ok(());
    };

    let total = ledger.total();
    let mut pen = Pen::new(sheet, &book.styles, end.widths);
    pen.row = end.next_row + 1;
    let styles = pen.styles;
    pen.total_rule(0..9)?;
    pen.styled(0, "Total", &styles.total_label)?;
    pen.styled(1, "every ticket once", &styles.total_label)?;
    pen.count(2, total.tickets, true)?;
    let amounts: [Decimal; 6] = [
        total.deductions_taken,
        total.deductions_expected,
        total.deductions_taken - total.deductions_expected,
        total.overcharged,
        total.underrecovered,
        total.net(),
    ];
    for (offset, amount) in amounts.into_iter().enumerate() {
        pen.money(3 + offset as u16, amount, true)?;
    }
    pen.row += 2;
    pen.note(
        "Each ticket is counted once by courier and once by store: filter \"By\" on one of them. \
         Expected deductions follow each policy's deduction clause (amounts on the Run sheet); \
         where a policy says nothing about a ticket's deduction, the deduction taken counts as \
         expected.",
        &styles.note,
    )?;
    pen.finish()
}
