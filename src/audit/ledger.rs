//! Money: which side of the ledger a finding's amount is on, and the freight reconciliation
//! finance reads (deductions taken vs. expected, by courier and by store).

use rust_decimal::Decimal;

use crate::finding::{Category, Finding, Severity};
use crate::policy::Policy;
use crate::rules::is_sf;
use crate::ticket::{Decision, FreightPayment, Ticket};

/// Money totals: what customers were over-charged, what the company failed to recover.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MoneyTotals {
    /// Money customers paid beyond what the policy allows, in the policy currency.
    pub customer_overcharged: Decimal,
    /// Money the company paid out or failed to recover although the policy lets it keep it,
    /// in the policy currency.
    pub company_underrecovered: Decimal,
}

/// Which side of the money a finding's amount is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneySide {
    /// The customer paid more than the policy allows.
    CustomerOvercharged,
    /// The company paid out or failed to recover what the policy lets it keep.
    CompanyUnderrecovered,
}

/// The money side of a finding, or `None` when its amount is only "at stake" (a late refund).
pub fn money_side(finding: &Finding) -> Option<MoneySide> {
    match finding.rule {
        "freight.charged-on-quality"
        | "freight.deduction-on-prepaid"
        | "freight.return-leg-charged"
        | "eligibility.charged-in-warranty" => Some(MoneySide::CustomerOvercharged),
        // More deducted than the policy's amount is an over-charge; less is a shortfall.
        "freight.deduction-mismatch" if finding.severity == Severity::Violation => {
            Some(MoneySide::CustomerOvercharged)
        }
        "freight.deduction-mismatch"
        | "freight.not-recovered"
        | "eligibility.return-outside-window"
        | "eligibility.return-condition-failed"
        | "eligibility.late-customer-shipment" => Some(MoneySide::CompanyUnderrecovered),
        _ => None,
    }
}

/// Sums the findings' amounts by money side.
pub fn money_totals(findings: &[Finding]) -> MoneyTotals {
    let mut totals = MoneyTotals::default();
    for finding in findings {
        totals.add(finding);
    }
    totals
}

impl MoneyTotals {
    /// Adds one finding's amount to its side.
    pub fn add(&mut self, finding: &Finding) {
        let amount = finding.amount.unwrap_or_default();
        match money_side(finding) {
            Some(MoneySide::CustomerOvercharged) => self.customer_overcharged += amount,
            Some(MoneySide::CompanyUnderrecovered) => self.company_underrecovered += amount,
            None => {}
        }
    }
}

/// One line of the freight reconciliation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerRow {
    /// Tickets with a known deduction or a freight finding.
    pub tickets: u64,
    /// Sum of `freight_deducted`.
    pub deductions_taken: Decimal,
    /// What the policy says should have been deducted (where it says nothing, what was taken).
    pub deductions_expected: Decimal,
    /// Customer over-charged (freight findings).
    pub overcharged: Decimal,
    /// Company under-recovered (freight findings).
    pub underrecovered: Decimal,
}

impl LedgerRow {
    /// Over-charged minus under-recovered: what the company owes customers on balance.
    pub fn net(&self) -> Decimal {
        self.overcharged - self.underrecovered
    }

    fn add(&mut self, taken: Decimal, expected: Decimal, findings: &[Finding]) {
        self.tickets += 1;
        self.deductions_taken += taken;
        self.deductions_expected += expected;
        for finding in findings.iter().filter(|f| f.category == Category::Freight) {
            let amount = finding.amount.unwrap_or_default();
            match money_side(finding) {
                Some(MoneySide::CustomerOvercharged) => self.overcharged += amount,
                Some(MoneySide::CompanyUnderrecovered) => self.underrecovered += amount,
                None => {}
            }
        }
    }
}

/// Freight deductions by courier and by store. Every audited ticket with a deduction or a
/// freight finding looks up its two rows, so they are kept hashed;
/// [`FreightLedger::couriers`] and [`FreightLedger::stores`] list them by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FreightLedger {
    /// Courier name → its reconciliation line; a blank courier is keyed `(blank)`.
    pub by_courier: foldhash::HashMap<Box<str>, LedgerRow>,
    /// Store name → its reconciliation line; a blank store is keyed `(blank)`.
    pub by_store: foldhash::HashMap<Box<str>, LedgerRow>,
}

/// How a blank courier or store is shown.
pub(super) const BLANK_KEY: &str = "(blank)";

impl FreightLedger {
    /// The couriers' rows by name.
    pub fn couriers(&self) -> Vec<(&str, &LedgerRow)> {
        by_name(&self.by_courier)
    }

    /// The stores' rows by name.
    pub fn stores(&self) -> Vec<(&str, &LedgerRow)> {
        by_name(&self.by_store)
    }

    /// The totals over every ticket: each ticket has one courier, so the couriers' rows add
    /// up to them (the stores' rows add up to the same).
    pub fn total(&self) -> LedgerRow {
        let mut total = LedgerRow::default();
        for row in self.by_courier.values() {
            total.tickets += row.tickets;
            total.deductions_taken += row.deductions_taken;
            total.deductions_expected += row.deductions_expected;
            total.overcharged += row.overcharged;
            total.underrecovered += row.underrecovered;
        }
        total
    }

    /// Adds one audited ticket with its findings.
    pub fn record(&mut self, ticket: &Ticket, policy: &Policy, findings: &[Finding]) {
        let has_freight_finding = findings.iter().any(|f| f.category == Category::Freight);
        if ticket.freight_deducted.is_none() && !has_freight_finding {
            return;
        }
        let taken = ticket.freight_deducted.unwrap_or_default();
        let expected = expected_deduction(ticket, policy).unwrap_or(taken);
        let courier = ticket.courier.as_deref().unwrap_or(BLANK_KEY);
        let store = ticket.store.as_deref().unwrap_or(BLANK_KEY);
        row_of(&mut self.by_courier, courier).add(taken, expected, findings);
        row_of(&mut self.by_store, store).add(taken, expected, findings);
    }
}

/// The rows of a ledger by name.
fn by_name(rows: &foldhash::HashMap<Box<str>, LedgerRow>) -> Vec<(&str, &LedgerRow)> {
    let mut rows: Vec<(&str, &LedgerRow)> = rows.iter().map(|(k, v)| (&**k, v)).collect();
    rows.sort_unstable_by(|a, b| a.0.cmp(b.0));
    rows
}

/// The row of `key`, added if new; the key is copied only then.
fn row_of<'m>(
    rows: &'m mut foldhash::HashMap<Box<str>, LedgerRow>,
    key: &str,
) -> &'m mut LedgerRow {
    if !rows.contains_key(key) {
        rows.insert(key.into(), LedgerRow::default());
    }
    rows.get_mut(key).expect("the row was just added")
}

/// The deduction the policy prescribes for this ticket, when it prescribes one: the fixed
/// amount on a no-reason refund paid on delivery (not SF, not remote), nothing on a prepaid
/// parcel of such a cause or where the company bears the freight. `None` where the policy
/// says nothing about deductions.
pub(super) fn expected_deduction(ticket: &Ticket, policy: &Policy) -> Option<Decimal> {
    let freight = &policy.params.freight;
    let cause = ticket.cause?;
    if freight.company_bears.contains(&cause) && !freight.company_bears_only_in_warranty {
        return Some(Decimal::ZERO);
    }
    let deduction = freight.deduction.as_ref()?;
    if !deduction.causes.contains(&cause) {
        return None;
    }
    match ticket.freight_payment? {
        FreightPayment::Prepaid => Some(Decimal::ZERO),
        FreightPayment::Collect if ticket.decision == Some(Decision::Refund) => {
            let exempt = (deduction.exempt_sf && ticket.courier.as_deref().is_some_and(is_sf))
                || (deduction.exempt_remote_area && ticket.remote_area == Some(true));
            if exempt {
                None
            } else {
                Some(deduction.amount)
            }
        }
        FreightPayment::Collect => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::Source;

    fn finding(rule: &'static str, severity: Severity, amount: i64) -> Finding {
        Finding {
            ticket_id: "T".into(),
            policy: "joining".into(),
            policy_version: "1".into(),
            rule,
            category: Category::of_rule(rule).unwrap(),
            severity,
            clause: "R3.2".into(),
            expected: String::new(),
            actual: String::new(),
            amount: Some(Decimal::from(amount)),
            late_by: None,
            explanation: String::new(),
            source: Source::default(),
        }
    }

    #[test]
    fn the_ledger_lists_couriers_and_stores_by_name_with_every_ticket_counted() {
        let set = crate::policy::PolicySet::load(None).expect("the shipped policies load");
        let policy = set
            .versions_of("joining")
            .next()
            .expect("JOINING is shipped");
        let mut ledger = FreightLedger::default();
        for (courier, store, deducted) in [
            ("中通快递", "b-store", "20"),
            ("EMS", "a-store", "10"),
            ("中通快递", "a-store", "12.5"),
            ("", "c-store", "0"),
        ] {
            let ticket = Ticket {
                courier: (!courier.is_empty()).then(|| courier.into()),
                store: Some(store.into()),
                freight_deducted: Some(deducted.parse().unwrap()),
                ..Ticket::default()
            };
            ledger.record(&ticket, policy, &[]);
        }
        let names = |rows: Vec<(&str, &LedgerRow)>| -> Vec<(String, u64, Decimal)> {
            rows.into_iter()
                .map(|(name, row)| (name.to_string(), row.tickets, row.deductions_taken))
                .collect()
        };
        assert_eq!(
            names(ledger.couriers()),
            [
                ("(blank)".to_string(), 1, Decimal::ZERO),
                ("EMS".to_string(), 1, Decimal::from(10)),
                ("中通快递".to_string(), 2, "32.5".parse().unwrap()),
            ]
        );
        assert_eq!(
            names(ledger.stores()),
            [
                ("a-store".to_string(), 2, "22.5".parse().unwrap()),
                ("b-store".to_string(), 1, Decimal::from(20)),
                ("c-store".to_string(), 1, Decimal::ZERO),
            ]
        );
    }

    #[test]
    fn deduction_excess_is_an_overcharge_and_shortfall_an_underrecovery() {
        let totals = money_totals(&[
            finding("freight.deduction-mismatch", Severity::Violation, 5),
            finding("freight.deduction-mismatch", Severity::Warning, 5),
            finding("freight.not-recovered", Severity::Warning, 12),
            finding("refund-cycle.late", Severity::Violation, 300),
        ]);
        assert_eq!(totals.customer_overcharged, Decimal::from(5));
        assert_eq!(totals.company_underrecovered, Decimal::from(17));
    }
}
