//! What the audit could and could not check: Coverage (per policy and rule), Rejected rows
//! (every row not audited and why) and the Review sample (compliant tickets to spot-check).

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::book::Book;
use super::cells::Cell;
use super::listing::{write_listing, write_table, Head};
use super::styles::{Look, TabKind};
use super::ticket_values::ticket_cell;
use crate::finding::Category;
use crate::ingest::Rejection;
use crate::ticket::{Column, Kind};

pub(super) const COVERAGE_HEADERS: [&str; 9] = [
    "Policy",
    "Rule",
    "Category",
    "In scope",
    "Evaluated",
    "Passed",
    "Flagged",
    "Not evaluable",
    "Not evaluable: reasons",
];

/// The ticket first: it stays in view when the sheet scrolls right.
pub(super) const REJECTED_HEADERS: [&str; 9] = [
    "Ticket",
    "Source file",
    "Sheet",
    "Row",
    "Column",
    "Value",
    "Reason",
    "Header in the export",
    "Letter",
];

/// Reasons as one line, in the run's language: `no received_at (3); calendar does not
/// cover 2027 (1)`.
pub(super) fn reasons_text(
    reasons: &std::collections::BTreeMap<String, u64>,
    book: &Book<'_>,
) -> String {
    let texts = book.styles.texts;
    reasons
        .iter()
        .map(|(reason, count)| {
            let reason = book.run.reason_texts.get(reason).unwrap_or(reason);
            crate::tr!(texts, "wb-reason-count", reason = reason, count = *count)
        })
        .collect::<Vec<_>>()
        .join(&crate::tr!(texts, "list-semicolon"))
}

pub(super) fn write_coverage(sheet: &mut Worksheet, book: &Book<'_>) -> Result<(), XlsxError> {
    let heads: Vec<Head> = COVERAGE_HEADERS
        .iter()
        .enumerate()
        .map(|(col, title)| match col {
            // Policy and rule say which row this is: they stay in view.
            0 => Head::new(*title, 10.0, 20.0),
            1 => Head::new(*title, 20.0, 44.0).key(),
            2 => Head::new(*title, 12.0, 16.0),
            8 => Head::new(*title, 24.0, 60.0).look(Look::Wrap),
            _ => Head::new(*title, 9.0, 14.0).numeric(),
        })
        .collect();
    let rows = book.run.coverage.iter().map(|((policy, rule), coverage)| {
        vec![
            Cell::text(policy),
            Cell::text(rule),
            Category::of_rule(rule).map_or(Cell::Blank, |c| Cell::Word(c.title())),
            Cell::Count(coverage.in_scope),
            Cell::Count(coverage.evaluated),
            Cell::Count(coverage.passed),
            Cell::Count(coverage.flagged),
            Cell::Count(coverage.not_evaluable),
            Cell::owned(reasons_text(&coverage.reasons, book)),
        ]
    });
    let end = write_table(
        sheet,
        &book.layout.coverage,
        &heads,
        rows,
        &book.styles,
        TabKind::Audit,
    )?;
    sheet.write_string_with_format(
        end.next_row + 1,
        0,
        book.styles.texts.label(
            "In scope = evaluated + not evaluable; evaluated = passed + flagged. A ticket that \
             is not evaluable was not guessed: its reason says which input was missing.",
        ),
        &book.styles.note,
    )?;
    missing_columns(sheet, book, end.next_row + 3)
}

/// Below the coverage table: the canonical columns no input provided, those that left rules
/// not evaluable first, each with its rules.
fn missing_columns(
    sheet: &mut Worksheet,
    book: &Book<'_>,
    first_row: u32,
) -> Result<(), XlsxError> {
    let styles = &book.styles;
    let missing = &book.summary.missing_columns;
    let (needed, unneeded): (Vec<_>, Vec<_>) = missing.iter().partition(|m| !m.rules.is_empty());
    let mut row = first_row;
    let texts = styles.texts;
    sheet.write_string_with_format(
        row,
        0,
        texts.label("Columns no input provides"),
        &styles.label,
    )?;
    row += 1;
    if needed.is_empty() {
        sheet.write_string_with_format(
            row,
            0,
            texts.label("No rule was left not evaluable by a missing column."),
            &styles.note,
        )?;
        row += 1;
    }
    for column in needed {
        sheet.write_string_with_format(row, 0, &column.column, &styles.warning_note)?;
        sheet.write_string(
            row,
            1,
            crate::tr!(
                texts,
                "wb-leaves-not-evaluable",
                rules = column.rules.join(", ")
            ),
        )?;
        row += 1;
    }
    if !unneeded.is_empty() {
        let names: Vec<&str> = unneeded.iter().map(|m| m.column.as_str()).collect();
        sheet.write_string_with_format(
            row,
            0,
            crate::tr!(texts, "wb-also-absent", columns = names.join(", ")),
            &styles.note,
        )?;
    }
    Ok(())
}

/// A rejection's reason (as `rejected.csv` writes it, in English) in the run's language: the
/// fixed reasons are labels of the catalogue, `unknown <column> value` and `unknown policy
/// `…`` are rendered with their part; any other reason is written as it is.
fn rejection_reason(texts: &crate::l10n::Texts, reason: &str) -> String {
    if let Some(column) = reason
        .strip_prefix("unknown ")
        .and_then(|rest| rest.strip_suffix(" value"))
        .and_then(Column::from_name)
    {
        return crate::tr!(texts, "wb-unknown-value", column = texts.field(column));
    }
    if let Some(policy) = reason
        .strip_prefix("unknown policy `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return crate::tr!(texts, "wb-unknown-policy", policy = policy);
    }
    texts.label(reason).to_owned()
}

pub(super) fn write_rejected(sheets: &mut [Worksheet], book: &Book<'_>) -> Result<(), XlsxError> {
    let heads: Vec<Head> = REJECTED_HEADERS
        .iter()
        .enumerate()
        .map(|(col, title)| match col {
            0 => Head::new(*title, 10.0, 30.0).key(),
            1 => Head::new(*title, 12.0, 30.0).look(Look::Wrap),
            3 => Head::new(*title, 6.0, 10.0).numeric().look(Look::Count),
            5 => Head::new(*title, 10.0, 40.0).look(Look::Wrap),
            6 => Head::new(*title, 30.0, 60.0).look(Look::Wrap),
            8 => Head::new(*title, 4.0, 8.0),
            _ => Head::new(*title, 8.0, 24.0),
        })
        .collect();
    let texts = book.styles.texts;
    let row = |rejection: &Rejection| -> Vec<Cell<'static>> {
        let column = Column::from_name(&rejection.column)
            .map_or(rejection.column.as_str(), |column| texts.field(column));
        vec![
            rejection.ticket_id.clone().map_or(Cell::Blank, Cell::owned),
            Cell::owned(rejection.source_file.clone()),
            rejection.sheet.clone().map_or(Cell::Blank, Cell::owned),
            Cell::Count(rejection.source_row),
            Cell::owned(column.to_owned()),
            Cell::owned(rejection.value.clone()),
            Cell::owned(rejection_reason(texts, &rejection.reason)),
            Cell::owned(rejection.source_column.clone()),
            Cell::owned(rejection.column_letter.clone()),
        ]
    };
    // Spilled rejections first (they came first), then the held ones; an error reading the
    // spill back stops the listing and is returned.
    let mut failed = None;
    let spilled = book
        .run
        .rejections_spilled
        .iter()
        .map_err(XlsxError::IoError)?
        .map_while(|item| item.map_err(|err| failed = Some(err)).ok())
        .map(|rejection| row(&rejection));
    let rows = spilled.chain(book.run.rejections.iter().map(row));
    write_listing(
        sheets,
        &book.layout.rejected,
        &heads,
        rows,
        book.limits.data_rows(),
        &book.styles,
        TabKind::Audit,
    )?;
    match failed {
        Some(err) => Err(XlsxError::IoError(err)),
        None => Ok(()),
    }
}

/// The ticket columns a reviewer checks a sampled ticket by, the ticket id first.
const SAMPLE_COLUMNS: [Column; 13] = [
    Column::TicketId,
    Column::Store,
    Column::Agent,
    Column::Courier,
    Column::ServiceType,
    Column::Cause,
    Column::Decision,
    Column::DeliveredAt,
    Column::AppliedAt,
    Column::ReviewedAt,
    Column::ReceivedAt,
    Column::RefundedAt,
    Column::RefundAmount,
];

/// The Review sample's columns: the ticket first (it stays in view when the sheet scrolls
/// right), the policy's counts, the ticket's columns, the source, two columns for the
/// reviewer, then the kept columns.
pub(super) fn review_sample_heads(kept: &[String]) -> Vec<Head> {
    let mut heads = vec![
        Head::new(Column::TicketId.title(), 10.0, 30.0).key(),
        Head::new("Policy", 8.0, 20.0),
        Head::new("Compliant tickets", 8.0, 20.0).numeric(),
        Head::new("Sampled", 8.0, 10.0).numeric(),
    ];
    heads.extend(SAMPLE_COLUMNS[1..].iter().map(|c| {
        let head = Head::new(c.title(), 8.0, 20.0);
        match c.kind() {
            Kind::Money => head.numeric().look(Look::Money),
            Kind::Date => head.look(Look::Date),
            Kind::DateTime => head.look(Look::DateTime),
            Kind::Text => head.look(Look::Wrap),
            _ => head,
        }
    }));
    heads.extend([
        Head::new("Source file", 12.0, 24.0).look(Look::Wrap),
        Head::new("Row", 6.0, 10.0).numeric().look(Look::Count),
        Head::new("Reviewed by", 12.0, 16.0),
        Head::new("Review note", 30.0, 40.0).look(Look::Wrap),
    ]);
    heads.extend(kept.iter().map(|name| Head::new(name.clone(), 8.0, 40.0)));
    heads
}

pub(super) fn write_review_sample(sheet: &mut Worksheet, book: &Book<'_>) -> Result<(), XlsxError> {
    let run = book.run;
    let heads = review_sample_heads(&run.kept_columns);
    let sample = run.review_sample.by_policy();
    let rows = sample.iter().flat_map(|(policy, tickets)| {
        let zone = run
            .policies_used
            .iter()
            .find(|((id, _), _)| id == policy)
            .map(|(_, p)| p.timezone);
        let population = run.review_sample.population(policy);
        let sampled = tickets.len() as u64;
        tickets.iter().map(move |ticket| {
            let mut cells = vec![
                ticket_cell(ticket, Column::TicketId, zone),
                Cell::text(policy),
                Cell::Count(population),
                Cell::Count(sampled),
            ];
            cells.extend(
                SAMPLE_COLUMNS[1..]
                    .iter()
                    .map(|c| ticket_cell(ticket, *c, zone)),
            );
            cells.push(Cell::text(book.input_path(ticket.source.input)));
            cells.push(Cell::Count(ticket.source.row));
            cells.extend([Cell::Blank, Cell::Blank]);
            cells.extend(ticket.kept.iter().map(|v| Cell::text(v)));
            cells
        })
    });
    let end = write_table(
        sheet,
        &book.layout.review_sample_name,
        &heads,
        rows,
        &book.styles,
        TabKind::Audit,
    )?;
    sheet.write_string_with_format(
        end.next_row + 1,
        0,
        book.styles.texts.label(
            "A reproducible random sample of tickets no rule flagged (seeded from the as-of): \
             check them by hand and note the result; a finding here means a rule missed \
             something.",
        ),
        &book.styles.note,
    )?;
    Ok(())
}
