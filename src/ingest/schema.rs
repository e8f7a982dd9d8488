//! The header of one input resolved to canonical columns, and the pure row parser that turns
//! a [`RawRow`] into a [`Ticket`] or into every problem that kept it from being one.

mod resolve;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::aliases::{is_enum, Aliases};
use super::dates::{
    date_of, in_range, when_from_cell, when_from_number, when_from_text, NOT_A_DATE,
};
use super::header::{column_letter, fold};
use super::mapping::Mapping;
use super::values::{
    bool_of, display, is_totals_label, money_of, text_of, value_of, BlankTokens, Reason, Value,
};
use super::{CellRef, DateOrder, IngestError, Options, RawRow, Rejection, Row, RowReader};
use crate::ticket::{
    Cause, Column, CompactString, Decision, FreightPayer, FreightPayment, Kind, ServiceType,
    Source, Ticket, When,
};
use resolve::{
    constants_for_missing_columns, kept_columns, latest_column, misspelled_headers, resolve_fields,
    unmatched_mapping_headers,
};

/// One header cell that stands for a canonical column, with what reading it needs.
#[derive(Debug, Clone)]
struct Field {
    index: usize,
    column: Column,
    aliases: Option<Aliases>,
    formats: Vec<String>,
    /// The mapping's `[names.…]` for this column: folded spelling (or the one name, folded) →
    /// the one name.
    names: Option<foldhash::HashMap<String, String>>,
}

impl Field {
    /// How to read `column` with `mapping`'s aliases, formats and names.
    fn new(index: usize, column: Column, mapping: Option<&Mapping>) -> Field {
        let kind = column.kind();
        let extra = mapping.map(|m| m.aliases(column)).unwrap_or(&[]);
        let names = mapping
            .map(|m| m.names(column))
            .filter(|names| !names.is_empty())
            .map(|names| {
                // The one name itself, in any case or spacing, is that name too.
                let ones = names.iter().map(|(_, one)| (fold(one), one.clone()));
                ones.chain(
                    names
                        .iter()
                        .map(|(spelling, one)| (fold(spelling), one.clone())),
                )
                .collect()
            });
        Field {
            index,
            column,
            aliases: is_enum(kind).then(|| Aliases::new(column, extra)),
            formats: mapping
                .map(|m| m.formats(column).to_vec())
                .unwrap_or_default(),
            names,
        }
    }
}

/// Checks a `[constants]` value as a cell of `column` would be read with `mapping`'s
/// aliases, formats and names, writing it into `ticket`.
pub(super) fn read_constant(
    column: Column,
    value: &str,
    mapping: &Mapping,
    ticket: &mut Ticket,
) -> Result<(), Reason> {
    read_field(
        &Field::new(usize::MAX, column, Some(mapping)),
        CellRef::Text(value),
        None,
        ticket,
    )
}

/// The header of an input resolved to canonical columns, with the value parsers to apply.
/// Built once per input; [`Schema::parse`] is pure and may run on many threads.
#[derive(Debug, Clone)]
pub struct Schema {
    input: usize,
    source_file: String,
    sheet: Option<String>,
    header: Vec<String>,
    fields: Vec<Field>,
    kept: Vec<Option<usize>>,
    field_count: Option<usize>,
    date_order: Option<DateOrder>,
    warnings: Vec<String>,
    /// Cell text read as blank in every column.
    blanks: BlankTokens,
    /// The mapping's constants for the columns this input lacks, with their values.
    constants: Vec<(Field, String)>,
    /// The column the mapping's `[latest]` orders a ticket's rows by, with its formats.
    latest: Option<(usize, Vec<String>)>,
}

impl Schema {
    /// Resolves the header of an open reader. `input` is the input's index in the run.
    pub fn for_reader(
        reader: &dyn RowReader,
        input: usize,
        options: &Options,
    ) -> Result<Schema, IngestError> {
        let mut schema = Schema::new(
            reader.header(),
            input,
            reader.source_file(),
            reader.sheet(),
            options,
        )?;
        schema.field_count = reader.field_count();
        let mut warnings = reader.notes().to_vec();
        warnings.append(&mut schema.warnings);
        schema.warnings = warnings;
        Ok(schema)
    }

    /// Resolves `header` to canonical columns: spelling-folded canonical names, the Chinese
    /// headers, and the mapping file's names. Fails when no header is `ticket_id` or when two
    /// headers mean the same column.
    pub fn new(
        header: &[String],
        input: usize,
        source_file: &str,
        sheet: Option<&str>,
        options: &Options,
    ) -> Result<Schema, IngestError> {
        let mapping = options.mapping.as_ref();
        let mapped = mapping.map(super::mapping::Mapping::columns).unwrap_or(&[]);
        let keys: Vec<String> = header.iter().map(|name| fold(name)).collect();
        let fields = resolve_fields(header, &keys, mapping, source_file)?;

        let mut warnings = unmatched_mapping_headers(mapped, &keys, source_file);
        let kept = kept_columns(&options.keep_columns, &keys, source_file, &mut warnings);
        let constants =
            constants_for_missing_columns(header, &fields, mapping, source_file, &mut warnings);
        warnings.extend(misspelled_headers(
            header,
            &keys,
            &fields,
            mapped,
            &options.keep_columns,
            source_file,
        ));

        let latest = match mapping.and_then(|m| m.latest()) {
            None => None,
            Some(latest) => Some(latest_column(latest, &keys, &fields, source_file)?),
        };
        Ok(Schema {
            input,
            source_file: source_file.to_string(),
            sheet: sheet.map(str::to_string),
            header: header.to_vec(),
            fields,
            kept,
            field_count: None,
            date_order: options.date_order,
            warnings,
            blanks: BlankTokens::new(mapping.and_then(|m| m.null_values())),
            constants,
            latest,
        })
    }

    /// Whether the mapping's `[latest]` applies: only each ticket's latest row is audited.
    pub fn has_latest(&self) -> bool {
        self.latest.is_some()
    }

    /// The value a row is ordered by under the mapping's `[latest]`, as a local date and
    /// time (a date is its start, an offset is dropped for UTC); none when blank or not a
    /// date, so such a row loses to any dated row of its ticket.
    pub fn latest_key(&self, raw: &RawRow) -> Option<chrono::NaiveDateTime> {
        let (index, formats) = self.latest.as_ref()?;
        let cell = raw.cell(*index);
        if self.blanks.matches(cell) {
            return None;
        }
        let value = value_of(cell).ok()??;
        let when = match value {
            Value::Text(text) => when_from_text(text, formats, self.date_order).ok()?,
            Value::Number(number) => when_from_number(number).ok()?,
            Value::DateTime(at) => when_from_cell(at),
            Value::Bool(_) => return None,
        };
        Some(match when {
            When::Date(date) => date.and_time(chrono::NaiveTime::MIN),
            When::Local(local) => local,
            When::Fixed(fixed) => fixed.naive_utc(),
        })
    }

    /// The input's index in the run.
    pub fn input(&self) -> usize {
        self.input
    }

    /// The input file as named on the command line.
    pub fn source_file(&self) -> &str {
        &self.source_file
    }

    /// The sheet read, for workbooks.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    /// The header row as found.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The header that stands for `column`, when the input has it.
    pub fn header_of(&self, column: Column) -> Option<&str> {
        self.fields
            .iter()
            .find(|field| field.column == column)
            .map(|field| self.header[field.index].as_str())
    }

    /// The header that stands for `column` as the export wrote it (trimmed), with its
    /// spreadsheet letter, when the input has it.
    pub fn source_of(&self, column: Column) -> Option<(String, String)> {
        self.fields
            .iter()
            .find(|field| field.column == column)
            .map(|field| {
                (
                    self.header[field.index].trim().to_string(),
                    column_letter(field.index),
                )
            })
    }

    /// The canonical columns this input provides, in header order (the order of the header
    /// cells that stand for them), each once; then the mapping's constants for the columns
    /// it lacks.
    pub fn columns(&self) -> impl Iterator<Item = Column> + '_ {
        self.fields
            .iter()
            .chain(self.constants.iter().map(|(field, _)| field))
            .map(|field| field.column)
    }

    /// Whether the input provides `column`: a header stands for it, or the mapping gives it a
    /// constant.
    pub fn provides(&self, column: Column) -> bool {
        self.columns().any(|provided| provided == column)
    }

    /// Problems worth telling the user that do not stop the run: mapped headers or
    /// `--keep-columns` names the input does not have, and headers that match no known
    /// column but are close to one (`recieved_at`: did you mean `received_at`?).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Turns one row into a ticket, or into every problem of the row. Pure.
    pub fn parse(&self, raw: &RawRow) -> Row {
        let mut ticket = Ticket {
            source: Source {
                input: self.input,
                row: raw.row,
            },
            ..Ticket::default()
        };
        if let Some(expected) = self.field_count.filter(|n| *n != raw.cells.len()) {
            let ticket_id = self
                .fields
                .iter()
                .find(|field| field.column == Column::TicketId)
                .and_then(|field| value_of(raw.cell(field.index)).ok().flatten())
                .map(|value| text_of(value).into_string());
            let found = raw.cells.len();
            return Row::Rejected(vec![self.rejection(
                raw.row,
                ticket_id,
                String::new(),
                String::new(),
                format!("row has {found} fields but the header has {expected}"),
            )]);
        }

        if let Some(rejection) = self.totals_row(raw) {
            return Row::Rejected(vec![rejection]);
        }
        let mut problems: Vec<(&Field, CellRef<'_>, Reason)> = Vec::new();
        for field in &self.fields {
            let cell = raw.cell(field.index);
            let read = if self.blanks.matches(cell) {
                CellRef::Empty
            } else {
                cell
            };
            // An empty cell leaves its field unset (most cells of a wide export).
            if matches!(read, CellRef::Empty | CellRef::Text(""))
                && field.column != Column::TicketId
            {
                continue;
            }
            if let Err(reason) = read_field(field, read, self.date_order, &mut ticket) {
                problems.push((field, cell, reason));
            }
        }
        for (field, value) in &self.constants {
            let cell = CellRef::Text(value);
            if let Err(reason) = read_field(field, cell, self.date_order, &mut ticket) {
                problems.push((field, cell, reason));
            }
        }
        if problems.is_empty() {
            ticket.kept = self
                .kept
                .iter()
                .map(|index| {
                    index
                        .map(|index| display(raw.cell(index)).trim().to_string())
                        .unwrap_or_default()
                })
                .collect();
            return Row::Ticket(Box::new(ticket));
        }
        let ticket_id = (!ticket.ticket_id.is_empty()).then(|| ticket.ticket_id.into_string());
        Row::Rejected(
            problems
                .into_iter()
                .map(|(field, cell, reason)| {
                    let mut rejection = self.rejection(
                        raw.row,
                        ticket_id.clone(),
                        field.column.name().to_string(),
                        display(cell),
                        reason.into_owned(),
                    );
                    self.locate(&mut rejection, field);
                    rejection
                })
                .collect(),
        )
    }

    fn rejection(
        &self,
        row: u64,
        ticket_id: Option<String>,
        column: String,
        value: String,
        reason: String,
    ) -> Rejection {
        Rejection {
            source_file: self.source_file.clone(),
            sheet: self.sheet.clone(),
            source_row: row,
            ticket_id,
            column,
            value,
            reason,
            source_column: String::new(),
            column_letter: String::new(),
        }
    }

    /// Names the export's header and column letter of `field` in `rejection` (nothing for a
    /// mapping constant, which has no column in the export).
    fn locate(&self, rejection: &mut Rejection, field: &Field) {
        if let Some(header) = self.header.get(field.index) {
            rejection.source_column = header.trim().to_string();
            rejection.column_letter = column_letter(field.index);
        }
    }

    /// The rejection of a totals row (`合计`, `Total` in the ticket_id column), which is never a
    /// ticket.
    fn totals_row(&self, raw: &RawRow) -> Option<Rejection> {
        let field = self
            .fields
            .iter()
            .find(|field| field.column == Column::TicketId)?;
        let cell = raw.cell(field.index);
        let CellRef::Text(text) = cell else {
            return None;
        };
        if !is_totals_label(text) {
            return None;
        }
        let mut rejection = self.rejection(
            raw.row,
            None,
            Column::TicketId.name().to_string(),
            display(cell),
            TOTALS_ROW.to_string(),
        );
        self.locate(&mut rejection, field);
        Some(rejection)
    }
}

/// The rejection reason of a totals row.
pub(crate) const TOTALS_ROW: &str = "totals row";

/// Reads one cell of `field` into `ticket`, or says why it cannot be read.
#[allow(
    clippy::inline_always,
    reason = "one call per cell of every row: inlined into `Schema::parse`, the row loop spends a quarter less time (perf, 1M tickets)"
)]
#[inline(always)]
fn read_field(
    field: &Field,
    cell: CellRef<'_>,
    date_order: Option<DateOrder>,
    ticket: &mut Ticket,
) -> Result<(), Reason> {
    let column = field.column;
    let Some(value) = value_of(cell)? else {
        if column == Column::TicketId {
            return Err("ticket_id is blank".into());
        }
        return Ok(());
    };
    match column.kind() {
        Kind::Text => {
            let mut text = text_of(value);
            if let Some(names) = &field.names {
                if let Some(one) = names.get(text.as_str()).or_else(|| names.get(&fold(&text))) {
                    text = CompactString::from(one.as_str());
                }
            }
            match column {
                Column::TicketId => ticket.ticket_id = text,
                _ => *text_slot(ticket, column).ok_or(UNSLOTTED)? = Some(text),
            }
        }
        Kind::Bool => *bool_slot(ticket, column).ok_or(UNSLOTTED)? = Some(bool_of(value)?),
        Kind::Money => *money_slot(ticket, column).ok_or(UNSLOTTED)? = Some(money_of(value)?),
        Kind::Date => {
            let when = when_of(field, value, date_order)?;
            *date_slot(ticket, column).ok_or(UNSLOTTED)? = Some(date_of(when));
        }
        Kind::DateTime => {
            let when = when_of(field, value, date_order)?;
            *when_slot(ticket, column).ok_or(UNSLOTTED)? = Some(when);
        }
        Kind::ServiceType
        | Kind::Cause
        | Kind::Decision
        | Kind::FreightPayer
        | Kind::FreightPayment => {
            let canonical = field
                .aliases
                .as_ref()
                .and_then(|aliases| aliases.lookup(value))
                .ok_or_else(|| Reason::from(format!("unknown {} value", column.name())))?;
            set_enum(ticket, column, canonical);
        }
    }
    Ok(())
}

fn when_of(field: &Field, value: Value<'_>, date_order: Option<DateOrder>) -> Result<When, Reason> {
    match value {
        Value::Text(text) => when_from_text(text, &field.formats, date_order),
        Value::Number(number) => when_from_number(number),
        Value::DateTime(at) => in_range(when_from_cell(at)),
        Value::Bool(_) => Err(NOT_A_DATE.into()),
    }
}

/// A column whose kind has no ticket field: cannot happen while `Column` and `Ticket` agree,
/// and a unit test checks they do.
const UNSLOTTED: &str = "column has no ticket field";

fn text_slot(ticket: &mut Ticket, column: Column) -> Option<&mut Option<CompactString>> {
    Some(match column {
        Column::Policy => &mut ticket.policy,
        Column::OrderId => &mut ticket.order_id,
        Column::Sku => &mut ticket.sku,
        Column::ExchangeSku => &mut ticket.exchange_sku,
        Column::ProductCategory => &mut ticket.product_category,
        Column::Store => &mut ticket.store,
        Column::Agent => &mut ticket.agent,
        Column::Courier => &mut ticket.courier,
        _ => return None,
    })
}

fn bool_slot(ticket: &mut Ticket, column: Column) -> Option<&mut Option<bool>> {
    Some(match column {
        Column::PackageComplete => &mut ticket.package_complete,
        Column::AppearanceDamaged => &mut ticket.appearance_damaged,
        Column::Activated => &mut ticket.activated,
        Column::ProofOfPurchase => &mut ticket.proof_of_purchase,
        Column::LabelTampered => &mut ticket.label_tampered,
        Column::UnauthorizedRepair => &mut ticket.unauthorized_repair,
        Column::AuthorizedChannel => &mut ticket.authorized_channel,
        Column::PurchasedOverseas => &mut ticket.purchased_overseas,
        Column::RemoteArea => &mut ticket.remote_area,
        _ => return None,
    })
}

fn date_slot(ticket: &mut Ticket, column: Column) -> Option<&mut Option<NaiveDate>> {
    Some(match column {
        Column::FactoryShippedAt => &mut ticket.factory_shipped_at,
        Column::PurchasedAt => &mut ticket.purchased_at,
        Column::DeliveredAt => &mut ticket.delivered_at,
        Column::ActivatedAt => &mut ticket.activated_at,
        Column::LastRepairReturnedAt => &mut ticket.last_repair_returned_at,
        _ => return None,
    })
}

fn when_slot(ticket: &mut Ticket, column: Column) -> Option<&mut Option<When>> {
    Some(match column {
        Column::AppliedAt => &mut ticket.applied_at,
        Column::ReviewedAt => &mut ticket.reviewed_at,
        Column::CustomerShippedAt => &mut ticket.customer_shipped_at,
        Column::ReceivedAt => &mut ticket.received_at,
        Column::RefundedAt => &mut ticket.refunded_at,
        Column::ExchangeShippedAt => &mut ticket.exchange_shipped_at,
        Column::RepairApprovedAt => &mut ticket.repair_approved_at,
        Column::RepairedAt => &mut ticket.repaired_at,
        Column::QuoteNotifiedAt => &mut ticket.quote_notified_at,
        Column::PaidAt => &mut ticket.paid_at,
        Column::ReturnedToCustomerAt => &mut ticket.returned_to_customer_at,
        _ => return None,
    })
}

fn money_slot(ticket: &mut Ticket, column: Column) -> Option<&mut Option<Decimal>> {
    Some(match column {
        Column::OrderAmount => &mut ticket.order_amount,
        Column::RefundAmount => &mut ticket.refund_amount,
        Column::RepairFee => &mut ticket.repair_fee,
        Column::FreightAmount => &mut ticket.freight_amount,
        Column::FreightDeducted => &mut ticket.freight_deducted,
        Column::ReturnFreightCharged => &mut ticket.return_freight_charged,
        _ => return None,
    })
}

/// Stores an enum value already checked against the column's canonical values.
fn set_enum(ticket: &mut Ticket, column: Column, canonical: Option<&str>) {
    match column {
        Column::ServiceType => {
            ticket.service_type = canonical.and_then(ServiceType::from_canonical);
        }
        Column::Cause => ticket.cause = canonical.and_then(Cause::from_canonical),
        Column::Decision => ticket.decision = canonical.and_then(Decision::from_canonical),
        Column::FreightPayer => {
            ticket.freight_payer = canonical.and_then(FreightPayer::from_canonical);
        }
        Column::FreightPayment => {
            ticket.freight_payment = canonical.and_then(FreightPayment::from_canonical);
        }
        _ => {}
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
