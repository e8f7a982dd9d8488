//! The Scorecards sheet, for quality managers: per store, per agent and per courier, the
//! tickets audited, those with findings, the findings per 100 tickets, the violations and the
//! money at stake, each table sorted by rate so the first rows are the ones to talk to (counts
//! alone favour the biggest stores). The three tables are one listing with a "Scorecard"
//! column, stores first, then agents, then couriers; past Excel's row limit it continues on
//! numbered sheets ("Scorecards (2)") as the listings do, the note below it on the last one.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::book::Book;
use super::cells::Cell;
use super::listing::{write_split_table, Head};
use super::pen::Pen;
use super::styles::{Look, TabKind};
use crate::audit::{ScoreBy, ScoreRow};

pub(super) fn headers(currency: &str, texts: &crate::l10n::Texts) -> Vec<String> {
    vec![
        "Scorecard".to_owned(),
        "Name".to_owned(),
        "Tickets audited".to_owned(),
        "Tickets with findings".to_owned(),
        "Findings".to_owned(),
        "Findings per 100 tickets".to_owned(),
        "Violations".to_owned(),
        crate::tr!(texts, "wb-money-at-stake-in", currency = currency),
    ]
}

fn title(by: ScoreBy) -> &'static str {
    match by {
        ScoreBy::Store => "Store",
        ScoreBy::Agent => "Agent",
        ScoreBy::Courier => "Courier",
    }
}

fn line<'a>(by: ScoreBy, name: &'a str, row: &ScoreRow) -> Vec<Cell<'a>> {
    vec![
        Cell::Word(title(by)),
        Cell::name(name),
        Cell::Count(row.tickets.into()),
        Cell::Count(row.tickets_with_findings.into()),
        Cell::Count(row.findings.into()),
        row.rate().map_or(Cell::Blank, Cell::Number),
        Cell::Count(row.violations.into()),
        Cell::Money(row.money),
    ]
}

/// Writes the sheets the layout planned ([`Layout::scorecards`]), the note
/// ([`SCORECARD_ROWS_BELOW`]) below the table on the last.
pub(super) fn write(sheets: &mut [Worksheet], book: &Book<'_>) -> Result<(), XlsxError> {
    let cards = &book.run.scorecards;
    let heads: Vec<Head> = headers(&book.summary.money.currency, book.styles.texts)
        .into_iter()
        .enumerate()
        .map(|(col, title)| match col {
            0 => Head::new(title, 10.0, 12.0),
            1 => Head::new(title, 16.0, 40.0).key(),
            5 => Head::new(title, 10.0, 14.0).numeric().look(Look::Decimal),
            7 => Head::new(title, 12.0, 24.0).numeric().look(Look::Money),
            _ => Head::new(title, 9.0, 14.0).numeric().look(Look::Count),
        })
        .collect();
    let rows = ScoreBy::ALL.into_iter().flat_map(|by| {
        cards
            .ranked(by)
            .into_iter()
            .map(move |(name, row)| line(by, name, row))
    });
    let end = write_split_table(
        sheets,
        &book.layout.scorecards,
        &heads,
        rows,
        book.limits.data_rows(),
        &book.styles,
        TabKind::Audit,
    )?;
    let (Some(end), Some(sheet)) = (end, sheets.last_mut()) else {
        return Ok(());
    };
    let mut pen = Pen::new(sheet, &book.styles, end.widths);
    pen.row = end.next_row + 1;
    let styles = pen.styles;
    pen.note(
        "Each table (filter \"Scorecard\" on Store, Agent or Courier) counts every audited \
         ticket once, compliant ones too, and is sorted by findings per 100 tickets, then \
         tickets audited. Findings include those about duplicate rows, which are not audited \
         tickets; a name with no audited ticket has no rate. Money at stake is the sum of the \
         findings' amounts, whichever side.",
        &styles.note,
    )?;
    pen.finish()
}
