//! What a rule reads from a ticket: typed access to its columns in the policy's timezone, the
//! reasons a rule cannot be evaluated, and the three-valued AND / OR of RULES.md.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::calendar::{Calendar, NotCovered};
use crate::finding::{LateBy, Severity};
use crate::l10n::{Arg, IntoArg, Lang, Texts};
use crate::policy::Policy;
use crate::ticket::{Cause, Column, Decision, FreightPayment, Ticket, When};
use crate::tr;

use super::Context;

/// Why a rule cannot be evaluated for a ticket. Displayed as the short, stable reason the
/// coverage table counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unknown {
    /// `no received_at`
    Blank(&'static str),
    /// `applied_at has no time`
    NoTime(&'static str),
    /// `calendar does not cover 2027`
    Calendar(i32),
    /// The policy names a calendar the run did not load.
    CalendarMissing,
    /// `no warranty start date` (every candidate start column blank)
    NoWarrantyStart,
    /// `exclusion unknown: label_tampered blank`
    Exclusion(&'static str),
    /// `return condition unknown: activated blank`
    ReturnCondition(&'static str),
}

impl Unknown {
    /// The reason in the language of `texts`, as the coverage table counts it.
    pub(crate) fn text(&self, texts: &Texts) -> String {
        match *self {
            Unknown::Blank(column) => tr!(texts, "unknown-blank", column = field(texts, column)),
            Unknown::NoTime(column) => {
                tr!(texts, "unknown-no-time", column = field(texts, column))
            }
            Unknown::Calendar(year) => tr!(texts, "unknown-calendar", year = year),
            Unknown::CalendarMissing => tr!(texts, "unknown-calendar-missing"),
            Unknown::NoWarrantyStart => tr!(texts, "unknown-no-warranty-start"),
            Unknown::Exclusion(column) => {
                tr!(texts, "unknown-exclusion", column = field(texts, column))
            }
            Unknown::ReturnCondition(column) => {
                tr!(
                    texts,
                    "unknown-return-condition",
                    column = field(texts, column)
                )
            }
        }
    }
}

/// A column named by its canonical name, as `texts` label it.
fn field<'t>(texts: &'t Texts, name: &'static str) -> &'t str {
    Column::from_name(name).map_or(name, |column| texts.field(column))
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Texts::of(Lang::En)))
    }
}

impl From<NotCovered> for Unknown {
    fn from(not_covered: NotCovered) -> Unknown {
        Unknown::Calendar(not_covered.year)
    }
}

/// A value a rule needs, or why it is unknown.
pub(crate) type Known<T> = Result<T, Unknown>;

/// AND with unknowns: one known-false member decides; otherwise any unknown member makes the
/// whole unknown (the first one is reported).
pub(crate) fn all(members: &[Known<bool>]) -> Known<bool> {
    if members.iter().any(|m| matches!(m, Ok(false))) {
        return Ok(false);
    }
    members.iter().try_fold(true, |_, m| *m)
}

/// OR with unknowns: one known-true member decides; otherwise any unknown member makes the
/// whole unknown.
pub(crate) fn any(members: &[Known<bool>]) -> Known<bool> {
    if members.iter().any(|m| matches!(m, Ok(true))) {
        return Ok(true);
    }
    members.iter().try_fold(false, |_, m| *m)
}

/// What a rule concluded, before it is dressed as a [`crate::finding::Finding`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    OutOfScope,
    Passed,
    /// Flagged at the registry's severity for the rule.
    Flagged(Flag),
    /// Flagged at another severity than the registry's (`freight.deduction-mismatch`: an
    /// under-recovery is a warning).
    FlaggedAs(Severity, Flag),
}

/// The rule-specific part of a finding.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Flag {
    pub clause: String,
    pub expected: String,
    pub actual: String,
    pub amount: Option<Decimal>,
    pub late_by: Option<LateBy>,
    pub explanation: String,
}

/// The inputs a rule read and the dates it computed, for `explain`. The audit runs the rules
/// with the trace off: nothing is formatted for it, and the verdicts are the same.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    lines: Option<Vec<(String, String)>>,
}

impl Trace {
    /// A trace that keeps every line.
    pub(crate) fn new() -> Trace {
        Trace {
            lines: Some(Vec::new()),
        }
    }

    /// A trace that keeps nothing (and costs nothing).
    pub(crate) fn off() -> Trace {
        Trace { lines: None }
    }

    pub(crate) fn into_lines(self) -> Vec<(String, String)> {
        self.lines.unwrap_or_default()
    }
}

/// Appends one line to a trace that is on; the value is formatted only then.
pub(crate) fn note(trace: &mut Trace, key: &str, value: impl fmt::Display) {
    if let Some(lines) = &mut trace.lines {
        lines.push((key.to_string(), value.to_string()));
    }
}

/// A value of a date or date-time column in the policy's time zone (see [`Eval::moment`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moment {
    when: When,
    instant: Option<DateTime<Utc>>,
    tz: Tz,
}

impl Moment {
    /// "Before" of RULES.md: instants when both values have a time, else dates.
    pub(crate) fn before(&self, other: &Moment) -> bool {
        match (self.instant, other.instant) {
            (Some(a), Some(b)) => a < b,
            _ => self.when.date_in(self.tz) < other.when.date_in(other.tz),
        }
    }
}

/// A timestamp as people read it, formatted only when displayed (see [`Eval::show`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shown {
    when: When,
    tz: Tz,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::{Datelike, Timelike};
        match self.when.instant_in(self.tz) {
            Some(instant) => {
                let local = instant.with_timezone(&self.tz);
                if (0..=9999).contains(&local.year()) {
                    write!(
                        f,
                        "{:04}-{:02}-{:02} {:02}:{:02}",
                        local.year(),
                        local.month(),
                        local.day(),
                        local.hour(),
                        local.minute()
                    )
                } else {
                    write!(f, "{}", local.format("%Y-%m-%d %H:%M"))
                }
            }
            None => write!(f, "{}", self.when.date_in(self.tz)),
        }
    }
}

impl IntoArg for Shown {
    fn arg(&self) -> Arg<'_> {
        match self.when.instant_in(self.tz) {
            Some(instant) => Arg::Minute(instant.with_timezone(&self.tz).naive_local()),
            None => Arg::Date(self.when.date_in(self.tz)),
        }
    }
}

/// One ticket under one policy version at one as-of: what every rule reads.
pub(crate) struct Eval<'a> {
    pub ticket: &'a Ticket,
    pub policy: &'a Policy,
    pub ctx: &'a Context<'a>,
    pub tz: Tz,
}

impl<'a> Eval<'a> {
    pub(crate) fn new(ticket: &'a Ticket, policy: &'a Policy, ctx: &'a Context<'a>) -> Eval<'a> {
        Eval {
            ticket,
            policy,
            ctx,
            tz: policy.timezone,
        }
    }

    /// The value of a timestamp column (`None` for other columns or when blank).
    pub(crate) fn when(&self, column: Column) -> Option<When> {
        let t = self.ticket;
        match column {
            Column::AppliedAt => t.applied_at,
            Column::ReviewedAt => t.reviewed_at,
            Column::CustomerShippedAt => t.customer_shipped_at,
            Column::ReceivedAt => t.received_at,
            Column::RefundedAt => t.refunded_at,
            Column::ExchangeShippedAt => t.exchange_shipped_at,
            Column::RepairApprovedAt => t.repair_approved_at,
            Column::RepairedAt => t.repaired_at,
            Column::QuoteNotifiedAt => t.quote_notified_at,
            Column::PaidAt => t.paid_at,
            Column::ReturnedToCustomerAt => t.returned_to_customer_at,
            Column::FactoryShippedAt => t.factory_shipped_at.map(When::Date),
            Column::PurchasedAt => t.purchased_at.map(When::Date),
            Column::DeliveredAt => t.delivered_at.map(When::Date),
            Column::ActivatedAt => t.activated_at.map(When::Date),
            Column::LastRepairReturnedAt => t.last_repair_returned_at.map(When::Date),
            _ => None,
        }
    }

    /// The local date of a date or timestamp column; blank is unknown.
    pub(crate) fn date(&self, column: Column) -> Known<NaiveDate> {
        self.when(column)
            .map(|when| when.date_in(self.tz))
            .ok_or(Unknown::Blank(column.name()))
    }

    /// The instant of a timestamp column; blank or date-only is unknown.
    pub(crate) fn instant(&self, column: Column) -> Known<DateTime<Utc>> {
        let when = self.when(column).ok_or(Unknown::Blank(column.name()))?;
        when.instant_in(self.tz)
            .ok_or(Unknown::NoTime(column.name()))
    }

    /// A boolean column (`None` when blank or not a boolean column).
    pub(crate) fn flag(&self, column: Column) -> Option<bool> {
        let t = self.ticket;
        match column {
            Column::PackageComplete => t.package_complete,
            Column::AppearanceDamaged => t.appearance_damaged,
            Column::Activated => t.activated,
            Column::ProofOfPurchase => t.proof_of_purchase,
            Column::LabelTampered => t.label_tampered,
            Column::UnauthorizedRepair => t.unauthorized_repair,
            Column::AuthorizedChannel => t.authorized_channel,
            Column::PurchasedOverseas => t.purchased_overseas,
            Column::RemoteArea => t.remote_area,
            _ => None,
        }
    }

    /// A money column; blank is unknown.
    pub(crate) fn money(&self, value: Option<Decimal>, column: Column) -> Known<Decimal> {
        value.ok_or(Unknown::Blank(column.name()))
    }

    /// The cause; blank is unknown.
    pub(crate) fn cause(&self) -> Known<Cause> {
        self.ticket
            .cause
            .ok_or(Unknown::Blank(Column::Cause.name()))
    }

    /// Is the cause one of `causes`?
    pub(crate) fn cause_in(&self, causes: &[Cause]) -> Known<bool> {
        Ok(causes.contains(&self.cause()?))
    }

    pub(crate) fn decision_is(&self, decisions: &[Decision]) -> bool {
        self.ticket
            .decision
            .is_some_and(|decision| decisions.contains(&decision))
    }

    pub(crate) fn payment_is(&self, payment: FreightPayment) -> Known<bool> {
        self.ticket
            .freight_payment
            .map(|p| p == payment)
            .ok_or(Unknown::Blank(Column::FreightPayment.name()))
    }

    /// date(as-of) in the policy timezone.
    pub(crate) fn as_of_date(&self) -> NaiveDate {
        self.ctx.as_of.with_timezone(&self.tz).date_naive()
    }

    /// The policy's working-day calendar.
    pub(crate) fn calendar(&self) -> Known<&'a Calendar> {
        self.ctx
            .calendars
            .get(&self.policy.calendar)
            .ok_or(Unknown::CalendarMissing)
    }

    /// "Before" of RULES.md: instants when both values have a time, else dates.
    pub(crate) fn before(&self, a: When, b: When) -> bool {
        self.moment(a).before(&self.moment(b))
    }

    /// `when` with its instant worked out once, for a value compared with several others.
    pub(crate) fn moment(&self, when: When) -> Moment {
        Moment {
            when,
            instant: when.instant_in(self.tz),
            tz: self.tz,
        }
    }

    /// A timestamp as people read it: `2025-10-01 14:30` local, or `2025-10-01`.
    pub(crate) fn show(&self, when: When) -> Shown {
        Shown { when, tz: self.tz }
    }

    /// The run's catalogue, in the readers' language.
    pub(crate) fn texts(&self) -> &'a Texts {
        self.ctx.texts
    }

    /// A ticket column as texts name it.
    pub(crate) fn field(&self, column: Column) -> &'a str {
        self.ctx.texts.field(column)
    }

    /// A coded value (cause, decision, service type…) as texts name it.
    pub(crate) fn value(&self, word: &str) -> String {
        tr!(self.ctx.texts, "value", word = word)
    }

    /// `n` days, in words.
    pub(crate) fn days(&self, n: impl IntoArg) -> String {
        tr!(self.ctx.texts, "days", n = n)
    }

    /// `n` working days, in words.
    pub(crate) fn working_days(&self, n: impl IntoArg) -> String {
        tr!(self.ctx.texts, "working-days", n = n)
    }

    /// The policy as explanations name it, with a clause: `JOINING S4.1`. The brand is the
    /// first alias (as exports write it) that is not the id itself, else the policy's name;
    /// in Chinese texts, the first Chinese alias where the policy has one (`乔宁 S4.1`).
    pub(crate) fn cite(&self, clause: &str) -> String {
        let policy = self.policy;
        let aliases = || {
            policy
                .aliases
                .iter()
                .map(|alias| alias.trim())
                .filter(|alias| !alias.is_empty() && *alias != policy.id)
        };
        let chinese = match self.ctx.texts.lang() {
            Lang::ZhCn => aliases().find(|alias| !alias.is_ascii()),
            Lang::En => None,
        };
        let brand = chinese
            .or_else(|| aliases().find(|alias| alias.is_ascii()))
            .unwrap_or(&policy.name);
        format!("{brand} {clause}")
    }
}

/// Money as reports show it: two decimals.
pub(crate) fn money(amount: Decimal) -> Decimal {
    let mut amount = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    amount.rescale(2);
    amount
}

/// Hours late: exact seconds over the limit, rounded half-up to one decimal.
pub(crate) fn hours_late(seconds_over: i64) -> Decimal {
    let mut hours = (Decimal::from(seconds_over) / Decimal::from(3600))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    hours.rescale(1);
    hours
}

/// An elapsed time as `24 h 01 min` (`24小时01分钟`).
pub(crate) fn elapsed(texts: &Texts, seconds: i64) -> String {
    let minutes = seconds.div_euclid(60);
    let padded = format!("{:02}", minutes % 60);
    tr!(texts, "elapsed", hours = minutes / 60, minutes = padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_is_decided_by_a_known_false_member() {
        let blank = Err(Unknown::Blank("cause"));
        assert_eq!(all(&[Ok(true), blank, Ok(false)]), Ok(false));
        assert_eq!(all(&[Ok(true), blank]), blank);
        assert_eq!(all(&[Ok(true), Ok(true)]), Ok(true));
        assert_eq!(all(&[]), Ok(true));
    }

    #[test]
    fn or_is_decided_by_a_known_true_member() {
        let blank = Err(Unknown::Exclusion("label_tampered"));
        assert_eq!(any(&[blank, Ok(true)]), Ok(true));
        assert_eq!(any(&[Ok(false), blank]), blank);
        assert_eq!(any(&[Ok(false), Ok(false)]), Ok(false));
    }

    #[test]
    fn reasons_read_as_the_coverage_table_counts_them() {
        assert_eq!(Unknown::Blank("received_at").to_string(), "no received_at");
        assert_eq!(
            Unknown::NoTime("applied_at").to_string(),
            "applied_at has no time"
        );
        assert_eq!(
            Unknown::from(NotCovered { year: 2027 }).to_string(),
            "calendar does not cover 2027"
        );
        assert_eq!(
            Unknown::Exclusion("label_tampered").to_string(),
            "exclusion unknown: label_tampered blank"
        );
    }

    #[test]
    fn shown_times_read_as_chrono_formats_them() {
        let tz = chrono_tz::Asia::Shanghai;
        let local = chrono::NaiveDate::from_ymd_opt(2025, 10, 1)
            .unwrap()
            .and_hms_opt(9, 5, 59)
            .unwrap();
        let cases = [
            When::Local(local),
            When::Date(local.date()),
            When::Fixed(chrono::DateTime::parse_from_rfc3339("2025-09-30T23:30:00+00:00").unwrap()),
        ];
        for when in cases {
            let expected = match when.instant_in(tz) {
                Some(instant) => instant
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                None => when.date_in(tz).to_string(),
            };
            assert_eq!(Shown { when, tz }.to_string(), expected);
        }
        assert_eq!(Shown { when: cases[0], tz }.to_string(), "2025-10-01 09:05");
    }

    #[test]
    fn a_trace_that_is_off_keeps_nothing() {
        let mut on = Trace::new();
        let mut off = Trace::off();
        note(&mut on, "received_at", "2025-10-01");
        note(&mut off, "received_at", "2025-10-01");
        assert_eq!(
            on.into_lines(),
            [("received_at".to_string(), "2025-10-01".to_string())]
        );
        assert!(off.into_lines().is_empty());
    }

    #[test]
    fn hours_round_half_up_to_one_decimal() {
        assert_eq!(hours_late(60).to_string(), "0.0");
        assert_eq!(hours_late(180).to_string(), "0.1"); // 0.05 h
        assert_eq!(hours_late(179).to_string(), "0.0");
        assert_eq!(hours_late(38 * 3600).to_string(), "38.0");
        assert_eq!(elapsed(Texts::of(Lang::En), 24 * 3600 + 60), "24 h 01 min");
        assert_eq!(
            elapsed(Texts::of(Lang::ZhCn), 24 * 3600 + 60),
            "24小时01分钟"
        );
        assert_eq!(money(Decimal::from(20)).to_string(), "20.00");
    }
}
