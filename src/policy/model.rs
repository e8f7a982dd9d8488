//! The compiled, validated form of a policy file: what the rules read.
//!
//! Every parameter carries the clause id it rests on. The loader (`raw` → `compile`)
//! guarantees that every clause id named here exists in `Policy::clauses`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::ticket::{Cause, Column};

/// One version of one vendor's after-sales policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Short identifier that tickets and `--policy` name it by, e.g. `joining`.
    pub id: String,
    /// Human-readable name, e.g. `JOINING after-sales policy`.
    pub name: String,
    /// Brand names and spellings as they appear in exports; matched case-insensitively.
    pub aliases: Vec<String>,
    /// ISO 4217 code the amounts are in, e.g. `CNY`.
    pub currency: String,
    /// Timezone a timestamp without offset is local to, and in which dates are taken.
    pub timezone: Tz,
    /// Calendar id, e.g. `cn`.
    pub calendar: String,
    /// Version label, telling apart the versions of one policy.
    pub version: String,
    /// First day the version is in force (inclusive).
    pub effective_from: NaiveDate,
    /// Exclusive end; `None` = no end.
    pub effective_to: Option<NaiveDate>,
    /// Clause id → short quote of the text it rests on.
    pub clauses: BTreeMap<String, Clause>,
    /// Parameters the text leaves open and the file fills in, in words.
    pub assumptions: Vec<String>,
    /// The parameters the rules read.
    pub params: Params,
    /// SHA-256 (hex) of the file the version was loaded from.
    pub sha256: String,
    /// Where it came from: `built-in` or a path.
    pub origin: String,
    /// The text of the file it was compiled from, clause quotes included
    /// (what `policies show` prints).
    pub source: String,
}

impl Policy {
    /// True when `date` falls in `effective_from <= date < effective_to`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        date >= self.effective_from && self.effective_to.is_none_or(|end| date < end)
    }

    /// The quote of a clause ("" when unknown, which the loader prevents).
    pub fn quote(&self, clause: &str) -> &str {
        self.clauses.get(clause).map_or("", |c| c.quote.as_str())
    }
}

/// One clause of the policy text that findings cite.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// Short quote of the text the clause id stands for.
    pub quote: String,
}

/// How a natural-day window counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// The start day is day 1: last allowed date = start + (N − 1) days (JOINING).
    Inclusive,
    /// "Within N days after": last allowed date = start + N days (Changkong).
    After,
}

/// A natural-day window from a date column, e.g. the 7-day return window.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Length in natural days.
    pub days: u32,
    /// Whether the start day counts as day 1.
    pub counting: Counting,
    /// The date column it starts from (`delivered_at` for every shipped policy).
    pub from: Column,
    /// Causes the window is offered for (return: no_reason, quality; exchange: quality).
    pub causes: Vec<Cause>,
    /// Clause id the window rests on.
    pub clause: String,
}

/// A length of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Month period: last covered date = start + M months − 1 day, month-end clamped.
    Months(u32),
    /// Day period "including the day of expiration": last covered date = start + N days.
    Days(u32),
}

/// One way the warranty can start: from the earliest of the listed date columns that are
/// present, or from an earlier date of `earlier_if_known`, for `period` (overridable per
/// product category).
#[derive(Debug, Clone, PartialEq)]
pub struct WarrantyTerm {
    /// Candidate start columns; the earliest present one is the start. All blank → not evaluable.
    pub starts: Vec<Column>,
    /// Columns that start the term instead when known and earlier than the start
    /// (repair-service 2.4: the delivery date when it precedes the invoice date). They cannot
    /// stand in for a blank start: that start could be earlier still.
    pub earlier_if_known: Vec<Column>,
    /// Length of the term where no category override applies.
    pub period: Period,
    /// `product_category` (lower-case) → period, where the policy varies by category.
    pub by_category: BTreeMap<String, Period>,
}

/// The warranty of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Warranty {
    /// The term when proof of purchase is given, or always when `without_proof` is `None`.
    pub with_proof: WarrantyTerm,
    /// The term without proof of purchase (Changkong, repair-service: from factory
    /// shipment). `None`: proof does not change the start.
    pub without_proof: Option<WarrantyTerm>,
    /// Extension after an earlier out-of-warranty repair was sent back (Changkong I.1).
    pub extension_after_repair: Option<Period>,
    /// Clause id of the warranty term.
    pub clause: String,
    /// Clause of the extension, when there is one.
    pub extension_clause: Option<String>,
}

/// The exclusion list: the common one of RULES.md plus policy-specific flags.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusions {
    /// Causes that exclude (common list: man_made, force_majeure, cosmetic).
    pub causes: Vec<Cause>,
    /// Boolean columns that exclude when true (label_tampered, unauthorized_repair,
    /// purchased_overseas…).
    pub when_true: Vec<Column>,
    /// Boolean columns that exclude when false (authorized_channel, proof_of_purchase…).
    pub when_false: Vec<Column>,
    /// Clause id of the exclusion list.
    pub clause: String,
}

/// Who bears the customer→company freight, by cause.
#[derive(Debug, Clone, PartialEq)]
pub struct FreightRules {
    /// Causes for which the company bears the inbound freight (`freight.charged-on-quality`).
    pub company_bears: Vec<Cause>,
    /// When true, `company_bears` applies only while the ticket is within warranty
    /// (Changkong III.1: quality within warranty).
    pub company_bears_only_in_warranty: bool,
    /// Clause id of `company_bears`, when that is set.
    pub company_bears_clause: Option<String>,
    /// Causes for which the customer bears the inbound freight (`freight.not-recovered`);
    /// `None` = every cause (handset-oem T1, repair-service 2.1).
    pub customer_bears: Option<Vec<Cause>>,
    /// Clause id of `customer_bears`, when the policy puts freight on the customer.
    pub customer_bears_clause: Option<String>,
    /// The fixed deduction on pay-on-delivery returns (JOINING R3.2).
    pub deduction: Option<Deduction>,
    /// When the company owes the company→customer leg (`freight.return-leg-charged`).
    pub return_leg: Option<ReturnLeg>,
    /// Pay-on-delivery not accepted (repair-service 2.1): `freight.collect-accepted`.
    pub collect_refused_clause: Option<String>,
}

/// JOINING R3.2: on no-reason returns paid on delivery, a fixed amount is deducted, except
/// for exempt couriers (SF) and remote areas.
#[derive(Debug, Clone, PartialEq)]
pub struct Deduction {
    /// The amount deducted, in the policy currency (JOINING: 20.00).
    pub amount: Decimal,
    /// Causes whose returns the deduction applies to (JOINING: no_reason).
    pub causes: Vec<Cause>,
    /// Couriers exempt from the deduction; matched with the SF rule of RULES.md.
    pub exempt_sf: bool,
    /// Parcels from remote areas (`remote_area` true) are exempt.
    pub exempt_remote_area: bool,
    /// Clause id of the deduction.
    pub clause: String,
}

/// When the company owes the company→customer return leg.
#[derive(Debug, Clone, PartialEq)]
pub enum ReturnLeg {
    /// Always (repair-service 2.1).
    Always {
        /// Clause id of the obligation.
        clause: String,
    },
    /// For these causes while within warranty (Changkong quality within warranty).
    CausesInWarranty {
        /// Causes the company owes the return leg for.
        causes: Vec<Cause>,
        /// Clause id of the obligation.
        clause: String,
    },
}

/// "Within N hours" (JOINING S2/R2: the review).
#[derive(Debug, Clone, PartialEq)]
pub struct HourSla {
    /// Longest allowed elapsed wall-clock time, in hours.
    pub hours: u32,
    /// Clause id of the SLA.
    pub clause: String,
}

/// A working-day deadline from one event to another.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingDayDeadline {
    /// Working days allowed after the starting event.
    pub working_days: u32,
    /// Clause id of the deadline.
    pub clause: String,
}

/// A refund cycle counted in working days from the goods' receipt into storage (the file's
/// `[refund_cycle]`).
#[derive(Debug, Clone, PartialEq)]
pub struct RefundCycle {
    /// Earliest expected working day: refunds before it are `refund-cycle.early` (info).
    pub earliest_working_days: u32,
    /// The deadline, in working days after storage.
    pub latest_working_days: u32,
    /// Clause id of the cycle.
    pub clause: String,
}

/// A natural-day limit ("within N days"): last allowed date = start + N days.
#[derive(Debug, Clone, PartialEq)]
pub struct DayLimit {
    /// Natural days allowed after the start date.
    pub days: u32,
    /// Clause id of the limit.
    pub clause: String,
}

/// A period limit such as "more than a month from notification" (repair-service 2.6).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodLimit {
    /// Time allowed after the start date.
    pub period: Period,
    /// Clause id of the limit.
    pub clause: String,
}

/// Conditions of a no-reason return (JOINING W2.1/W2.5, Changkong B1/B2.2).
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnConditions {
    /// The package must be complete (`package_complete` not false).
    pub package_complete: bool,
    /// The goods must show no appearance damage.
    pub no_appearance_damage: bool,
    /// The device must not have been activated (Changkong).
    pub not_activated: bool,
    /// Clause id of the conditions.
    pub clause: String,
}

/// Every parameter a rule may read. `None` = the policy has no such clause, and the rules
/// that need it are out of scope for its tickets.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// `eligibility.return-outside-window`: the return window (JOINING, Changkong).
    pub return_window: Option<Window>,
    /// `eligibility.exchange-outside-window`: the exchange window (JOINING).
    pub exchange_window: Option<Window>,
    /// `eligibility.return-condition-failed`: what a no-reason return requires.
    pub return_conditions: Option<ReturnConditions>,
    /// The warranty the warranty and free-service rules judge against.
    pub warranty: Option<Warranty>,
    /// What excludes a ticket from free service.
    pub exclusions: Exclusions,
    /// `freight.*`: who bears which freight leg.
    pub freight: FreightRules,
    /// `review-sla.*`.
    pub review_sla: Option<HourSla>,
    /// `refund-cycle.*`.
    pub refund_cycle: Option<RefundCycle>,
    /// `turnaround.exchange-*` (JOINING S4.2: working days after storage).
    pub exchange_turnaround: Option<WorkingDayDeadline>,
    /// `turnaround.repair-*` (Changkong IV.5: working days after repair approval).
    pub repair_turnaround: Option<WorkingDayDeadline>,
    /// `turnaround.received-after-close` (repair-service 4.2: days after applying).
    pub receipt_close: Option<DayLimit>,
    /// `turnaround.unpaid-held` (repair-service 2.6: a period after the quote).
    pub unpaid_hold: Option<PeriodLimit>,
    /// `eligibility.late-customer-shipment` (Changkong B2.7: days after review).
    pub customer_shipment: Option<DayLimit>,
    /// `eligibility.exchange-model-mismatch` (JOINING R4): the clause.
    pub exchange_same_model_clause: Option<String>,
    /// Clause cited by `eligibility.charged-in-warranty` / `wrongly-rejected` for free
    /// service in warranty (JOINING W2.4, XINJI P, …); defaults to the warranty clause.
    pub free_service_clause: Option<String>,
    /// The warranty covers free replacement (XINJI P, handset-oem T2): a rejected exchange
    /// request is judged against the warranty by `eligibility.wrongly-rejected`. `None` and
    /// no exchange window (Changkong, repair-service): a rejected exchange is out of scope.
    pub exchange_in_warranty_clause: Option<String>,
}
