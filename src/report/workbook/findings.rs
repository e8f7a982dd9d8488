//! The Findings sheet and one sheet per category: the same sorted findings, each sheet with
//! the columns its readers need, described as a list of [`Field`]s.

use std::borrow::Cow;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::book::Book;
use super::cells::Cell;
use super::listing::{self, write_listing, Head};
use super::local_time::LocalTime;
use super::styles::{Look, TabKind};
use super::ticket_values::{rule_dates, ticket_cell, Mark};
use crate::audit::{money_side, MoneySide};
use crate::finding::{Category, Finding};
use crate::ticket::{Column, Ticket};

/// One column of a findings listing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    /// new / persisting against `--previous`.
    Status,
    Severity,
    Category,
    Rule,
    Clause,
    Policy,
    Version,
    /// A canonical column of the ticket.
    Ticket(Column),
    StartEvent,
    StartAt,
    EndEvent,
    EndAt,
    Expected,
    Actual,
    Amount,
    MoneySide,
    /// The late-by number, under the given header.
    LateBy(&'static str),
    Unit,
    Explanation,
    SourceFile,
    Row,
}

impl Field {
    /// Header and width bounds. Long texts wrap within their column's maximum width.
    fn head(self) -> Head {
        let (title, min, max): (Cow<'static, str>, f64, f64) = match self {
            Field::Status => ("Status".into(), 8.0, 12.0),
            Field::Severity => ("Severity".into(), 10.0, 12.0),
            Field::Category => ("Category".into(), 10.0, 16.0),
            Field::Rule => ("Rule".into(), 14.0, 24.0),
            Field::Clause => ("Clause".into(), 8.0, 10.0),
            Field::Policy => ("Policy".into(), 8.0, 16.0),
            Field::Version => ("Version".into(), 8.0, 14.0),
            Field::Ticket(Column::TicketId) => (Column::TicketId.title().into(), 10.0, 30.0),
            Field::Ticket(column) => (column.title().into(), 8.0, 16.0),
            Field::StartEvent => ("Start event".into(), 12.0, 16.0),
            Field::StartAt => ("Start at".into(), 16.0, 18.0),
            Field::EndEvent => ("End event".into(), 12.0, 16.0),
            Field::EndAt => ("End at".into(), 16.0, 18.0),
            Field::Expected => ("Expected".into(), 12.0, 24.0),
            Field::Actual => ("Actual".into(), 12.0, 24.0),
            Field::Amount => ("Amount".into(), 10.0, 16.0),
            Field::MoneySide => ("Money side".into(), 12.0, 16.0),
            Field::LateBy(title) => (title.into(), 8.0, 22.0),
            Field::Unit => ("Unit".into(), 8.0, 14.0),
            Field::Explanation => ("Explanation".into(), 30.0, 50.0),
            Field::SourceFile => ("Source file".into(), 12.0, 18.0),
            Field::Row => ("Row".into(), 6.0, 10.0),
        };
        let head = Head::new(title, min, max).look(self.look());
        let numeric = match self {
            Field::Amount | Field::LateBy(_) | Field::Row => true,
            Field::Ticket(column) => column.kind() == crate::ticket::Kind::Money,
            _ => false,
        };
        match self {
            Field::Ticket(Column::TicketId) => head.key(),
            _ if numeric => head.numeric(),
            _ => head,
        }
    }

    /// The format most of the column's cells have.
    fn look(self) -> Look {
        use crate::ticket::Kind;
        match self {
            Field::Amount => Look::Money,
            Field::LateBy(_) => Look::Decimal,
            Field::Row => Look::Count,
            Field::StartAt | Field::EndAt => Look::DateTime,
            Field::Severity => Look::Severity,
            Field::Ticket(Column::TicketId) => Look::General,
            Field::Ticket(column) => match column.kind() {
                Kind::Money => Look::Money,
                Kind::Date => Look::Date,
                Kind::DateTime => Look::DateTime,
                Kind::Text => Look::Wrap,
                _ => Look::General,
            },
            Field::Rule
            | Field::StartEvent
            | Field::EndEvent
            | Field::Expected
            | Field::Actual
            | Field::MoneySide
            | Field::Explanation
            | Field::SourceFile => Look::Wrap,
            _ => Look::General,
        }
    }
}

/// The ticket first: it stays in view when the sheet scrolls right.
const KEY: [Field; 5] = [
    Field::Ticket(Column::TicketId),
    Field::Severity,
    Field::Rule,
    Field::Clause,
    Field::Policy,
];
const TAIL: [Field; 5] = [
    Field::Expected,
    Field::Actual,
    Field::Explanation,
    Field::SourceFile,
    Field::Row,
];

/// The columns of the Findings sheet, the ticket first (status and kept columns are added by
/// the caller).
fn findings_fields() -> Vec<Field> {
    vec![
        Field::Ticket(Column::TicketId),
        Field::Severity,
        Field::Category,
        Field::Rule,
        Field::Clause,
        Field::Policy,
        Field::Version,
        Field::Ticket(Column::Store),
        Field::Ticket(Column::Agent),
        Field::Ticket(Column::Courier),
        Field::Ticket(Column::AppliedAt),
        Field::StartEvent,
        Field::StartAt,
        Field::EndEvent,
        Field::EndAt,
        Field::Expected,
        Field::Actual,
        Field::Amount,
        Field::LateBy("Late by"),
        Field::Unit,
        Field::Explanation,
        Field::SourceFile,
        Field::Row,
    ]
}

/// The columns of a category's sheet: key columns, what the category needs, then the rule's
/// wording and the source.
fn category_fields(category: Category) -> Vec<Field> {
    use Column as C;
    let middle: Vec<Field> = match category {
        Category::Freight => vec![
            Field::Ticket(C::Store),
            Field::Ticket(C::Courier),
            Field::Ticket(C::Cause),
            Field::Ticket(C::Decision),
            Field::Ticket(C::FreightPayment),
            Field::Ticket(C::FreightPayer),
            Field::Ticket(C::FreightAmount),
            Field::Ticket(C::FreightDeducted),
            Field::Ticket(C::ReturnFreightCharged),
            Field::Ticket(C::RemoteArea),
            Field::Amount,
            Field::MoneySide,
        ],
        Category::ReviewSla => vec![
            Field::Ticket(C::Store),
            Field::Ticket(C::Agent),
            Field::Ticket(C::AppliedAt),
            Field::Ticket(C::ReviewedAt),
            Field::LateBy("Late by (hours)"),
        ],
        Category::RefundCycle => vec![
            Field::Ticket(C::Store),
            Field::Ticket(C::Agent),
            Field::Ticket(C::ReceivedAt),
            Field::Ticket(C::RefundedAt),
            Field::Ticket(C::RefundAmount),
            Field::LateBy("Late by (working days)"),
            Field::Amount,
        ],
        Category::Turnaround => vec![
            Field::Ticket(C::Store),
            Field::Ticket(C::Agent),
            Field::Ticket(C::Decision),
            Field::StartEvent,
            Field::StartAt,
            Field::EndEvent,
            Field::EndAt,
            Field::LateBy("Late by"),
            Field::Unit,
        ],
        Category::Eligibility => vec![
            Field::Ticket(C::Store),
            Field::Ticket(C::Agent),
            Field::Ticket(C::ServiceType),
            Field::Ticket(C::Cause),
            Field::Ticket(C::Decision),
            Field::Ticket(C::DeliveredAt),
            Field::Ticket(C::PurchasedAt),
            Field::Ticket(C::ActivatedAt),
            Field::Ticket(C::AppliedAt),
            Field::Ticket(C::ProofOfPurchase),
            Field::Ticket(C::Sku),
            Field::Ticket(C::ExchangeSku),
            Field::Ticket(C::RefundAmount),
            Field::Ticket(C::RepairFee),
            Field::LateBy("Days past limit"),
            Field::Amount,
            Field::MoneySide,
        ],
        Category::Data => vec![
            Field::Ticket(C::Store),
            Field::Ticket(C::Agent),
            Field::Ticket(C::DeliveredAt),
            Field::Ticket(C::AppliedAt),
            Field::Ticket(C::ReviewedAt),
            Field::Ticket(C::ReceivedAt),
            Field::Ticket(C::RefundedAt),
        ],
    };
    KEY.into_iter().chain(middle).chain(TAIL).collect()
}

/// Builds the cells of one finding.
struct RowMaker<'b, 'a> {
    book: &'b Book<'a>,
    /// The columns, a Status column right after the ticket with `--previous` or `--waivers`.
    fields: Vec<Field>,
    with_status: bool,
    /// A Waiver column after the fields (`--waivers`).
    with_waiver: bool,
}

impl<'b, 'a> RowMaker<'b, 'a> {
    fn new(book: &'b Book<'a>, mut fields: Vec<Field>) -> RowMaker<'b, 'a> {
        let with_status = book.run.triage.is_active();
        if with_status {
            let after_ticket = fields
                .iter()
                .position(|f| *f == Field::Ticket(Column::TicketId))
                .map_or(0, |col| col + 1);
            fields.insert(after_ticket, Field::Status);
        }
        RowMaker {
            book,
            fields,
            with_status,
            with_waiver: book.run.triage.waivers.is_some(),
        }
    }

    fn heads(&self) -> Vec<Head> {
        let kept = self
            .book
            .run
            .kept_columns
            .iter()
            .map(|name| Head::new(name.clone(), 8.0, 40.0));
        let waiver = self
            .with_waiver
            .then(|| Head::new("Waiver", 12.0, 40.0).look(Look::Wrap));
        self.fields
            .iter()
            .map(|f| f.head())
            .chain(waiver)
            .chain(kept)
            .collect()
    }

    fn row<'x>(&'x self, finding: &'x Finding, ticket: Option<&'x Ticket>) -> Vec<Cell<'x>> {
        let book = self.book;
        let zone = book.zone(finding);
        let needs_dates = self
            .fields
            .iter()
            .any(|f| matches!(f, Field::StartEvent | Field::StartAt));
        let dates = match (needs_dates, ticket) {
            (true, Some(ticket)) => {
                let key = (finding.policy.clone(), finding.policy_version.clone());
                let policy = book.run.policies_used.get(&key);
                let as_of = book
                    .run
                    .as_of
                    .map(|t| LocalTime::of(crate::ticket::When::Fixed(t), zone));
                rule_dates(finding, ticket, policy, as_of, zone, book.styles.texts)
            }
            _ => None,
        };
        let mut cells = Vec::with_capacity(self.fields.len() + 8);
        let status = if self.with_status {
            book.run.triage.status(finding)
        } else {
            None
        };
        let mark_label =
            |mark: Option<&Mark>| mark.map_or(Cell::Blank, |m| Cell::owned(m.label.clone()));
        let mark_at = |mark: Option<&Mark>| mark.and_then(|m| m.at).map_or(Cell::Blank, Cell::Time);
        for field in &self.fields {
            cells.push(match field {
                Field::Status => status.map_or(Cell::Blank, |(s, _)| Cell::Word(s.as_str())),
                Field::Severity => Cell::Severity(finding.severity),
                Field::Category => Cell::Word(finding.category.title()),
                Field::Rule => Cell::text(finding.rule),
                Field::Clause => Cell::text(&finding.clause),
                Field::Policy => Cell::text(&finding.policy),
                Field::Version => Cell::text(&finding.policy_version),
                Field::Ticket(Column::TicketId) => Cell::text(&finding.ticket_id),
                Field::Ticket(column) => {
                    ticket.map_or(Cell::Blank, |t| ticket_cell(t, *column, zone))
                }
                Field::StartEvent => mark_label(dates.as_ref().map(|d| &d.0)),
                Field::StartAt => mark_at(dates.as_ref().map(|d| &d.0)),
                Field::EndEvent => mark_label(dates.as_ref().map(|d| &d.1)),
                Field::EndAt => mark_at(dates.as_ref().map(|d| &d.1)),
                Field::Expected => Cell::text(&finding.expected),
                Field::Actual => Cell::text(&finding.actual),
                Field::Amount => Cell::opt_money(finding.amount),
                Field::MoneySide => match money_side(finding) {
                    Some(MoneySide::CustomerOvercharged) => Cell::Word("customer over-charged"),
                    Some(MoneySide::CompanyUnderrecovered) => Cell::Word("company under-recovered"),
                    None => Cell::Blank,
                },
                Field::LateBy(_) => finding
                    .late_by
                    .map_or(Cell::Blank, |l| Cell::Number(l.value)),
                Field::Unit => finding
                    .late_by
                    .map_or(Cell::Blank, |l| Cell::Word(l.unit.as_str())),
                Field::Explanation => Cell::text(&finding.explanation),
                Field::SourceFile => Cell::text(book.input_path(finding.source.input)),
                Field::Row => Cell::Count(finding.source.row),
            });
        }
        if self.with_waiver {
            cells.push(match status.and_then(|(_, waiver)| waiver) {
                Some(waiver) => Cell::owned(waiver_text(waiver)),
                None => Cell::Blank,
            });
        }
        let kept_count = book.run.kept_columns.len();
        for index in 0..kept_count {
            let value = ticket.and_then(|t| t.kept.get(index)).map(String::as_str);
            cells.push(Cell::opt_text(value));
        }
        cells
    }
}

/// A waiver as the listings show it: `reason (approved by NAME, until DATE)`.
fn waiver_text(waiver: &crate::audit::Waiver) -> String {
    match waiver.expires {
        Some(last) => format!(
            "{} (approved by {}, until {last})",
            waiver.reason, waiver.approved_by
        ),
        None => format!("{} (approved by {})", waiver.reason, waiver.approved_by),
    }
}

/// Writes the Findings listing; returns how many rows it wrote.
pub(super) fn write_findings(
    sheets: &mut [Worksheet],
    book: &Book<'_>,
) -> Result<usize, XlsxError> {
    let maker = RowMaker::new(book, findings_fields());
    write_sorted(
        sheets,
        &book.layout.findings,
        &maker,
        None,
        TabKind::Findings,
    )
}

/// The rows of the Findings listing: one per finding.
pub(super) fn findings_rows(book: &Book<'_>) -> usize {
    book.run.finding_count() as usize
}

/// Empty sheets standing for the Findings sheets, of `rows` rows, in a workbook the Findings
/// listing is not written into (see [`super::listing::stand_ins`]).
pub(super) fn stand_ins(book: &Book<'_>, rows: usize) -> Result<Vec<Worksheet>, XlsxError> {
    let columns = RowMaker::new(book, findings_fields()).heads().len();
    listing::stand_ins(
        &book.layout.findings,
        columns,
        rows,
        book.limits.data_rows(),
    )
}

pub(super) fn write_category(
    sheets: &mut [Worksheet],
    book: &Book<'_>,
    category: Category,
) -> Result<(), XlsxError> {
    let maker = RowMaker::new(book, category_fields(category));
    let names = book.layout.category_sheets(category);
    write_sorted(sheets, names, &maker, Some(category), TabKind::Category).map(|_| ())
}

/// Writes the findings of `category` (all, with none) in listing order: sorted in memory, or
/// merged from the spill files, whose rows then own their text. An error reading the spill
/// back stops the listing and is returned. Returns how many rows it wrote.
fn write_sorted(
    sheets: &mut [Worksheet],
    names: &[String],
    maker: &RowMaker<'_, '_>,
    category: Option<Category>,
    kind: TabKind,
) -> Result<usize, XlsxError> {
    let book = maker.book;
    let heads = maker.heads();
    let per_sheet = book.limits.data_rows();
    if book.run.spilled.is_empty() {
        let rows = book
            .sorted
            .iter()
            .filter(|f| category.is_none_or(|c| f.category == c))
            .map(|finding| maker.row(finding, book.ticket(finding)));
        return write_listing(sheets, names, &heads, rows, per_sheet, &book.styles, kind);
    }
    let mut failed = None;
    let rows = book
        .run
        .spilled
        .sorted(category)
        .map_err(XlsxError::IoError)?
        .map_while(|item| item.map_err(|err| failed = Some(err)).ok())
        .map(|item| {
            maker
                .row(&item.finding, item.ticket.as_ref())
                .into_iter()
                .map(Cell::into_owned)
                .collect::<Vec<_>>()
        });
    let written = write_listing(sheets, names, &heads, rows, per_sheet, &book.styles, kind)?;
    match failed {
        Some(err) => Err(XlsxError::IoError(err)),
        None => Ok(written),
    }
}
