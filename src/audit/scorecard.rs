//! Scorecards: per store, agent and courier, the tickets audited and their findings, counted
//! while merging (every audited ticket passes through the merge once, compliant ones too),
//! and the earliest and latest application dates of the audited tickets. The names are those
//! the tickets carry, after the mapping's `[names.*]`; a blank name counts as `(blank)`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::ledger::BLANK_KEY;
use crate::finding::{Finding, Severity};
use crate::ticket::Ticket;

/// The counters of one store, agent or courier. Kept small (32-bit counts; a name would need
/// four billion tickets to fill one): an export can hold a million distinct names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreRow {
    /// Audited tickets (duplicate rows are not audited tickets).
    pub tickets: u32,
    /// Audited tickets with at least one finding.
    pub tickets_with_findings: u32,
    /// Every finding about a row of this name, a duplicate row's included.
    pub findings: u32,
    /// The findings of severity violation.
    pub violations: u32,
    /// The sum of the findings' amounts, whatever their money side.
    pub money: Decimal,
}

impl ScoreRow {
    fn add_findings(&mut self, findings: &[Finding]) {
        self.findings = self.findings.saturating_add(findings.len() as u32);
        for finding in findings {
            if finding.severity == Severity::Violation {
                self.violations = self.violations.saturating_add(1);
            }
            self.money += finding.amount.unwrap_or_default();
        }
    }

    /// Findings per 100 audited tickets, rounded half away from zero to one decimal; `None`
    /// when no ticket of the name was audited.
    pub fn rate(&self) -> Option<Decimal> {
        (self.tickets > 0).then(|| {
            (Decimal::from(self.findings) * Decimal::ONE_HUNDRED / Decimal::from(self.tickets))
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        })
    }
}

/// Which scorecard: the ticket's store, agent or courier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreBy {
    /// By the ticket's `store` column.
    Store,
    /// By the ticket's `agent` column: who handled the ticket.
    Agent,
    /// By the ticket's `courier` column.
    Courier,
}

impl ScoreBy {
    /// Every scorecard, in the order the workbook's Scorecards sheet shows them.
    pub const ALL: [ScoreBy; 3] = [ScoreBy::Store, ScoreBy::Agent, ScoreBy::Courier];

    fn name_of(self, ticket: &Ticket) -> &str {
        let name = match self {
            ScoreBy::Store => &ticket.store,
            ScoreBy::Agent => &ticket.agent,
            ScoreBy::Courier => &ticket.courier,
        };
        name.as_deref().unwrap_or(BLANK_KEY)
    }
}

/// The scorecards of a run: name → counters, per store, agent and courier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scorecards {
    /// Store name → counters; a blank store is keyed `(blank)`.
    pub by_store: foldhash::HashMap<Box<str>, ScoreRow>,
    /// Agent name → counters; a blank agent is keyed `(blank)`.
    pub by_agent: foldhash::HashMap<Box<str>, ScoreRow>,
    /// Courier name → counters; a blank courier is keyed `(blank)`.
    pub by_courier: foldhash::HashMap<Box<str>, ScoreRow>,
}

impl Scorecards {
    /// One scorecard's rows by name, unordered (see [`Scorecards::ranked`]).
    pub fn of(&self, by: ScoreBy) -> &foldhash::HashMap<Box<str>, ScoreRow> {
        match by {
            ScoreBy::Store => &self.by_store,
            ScoreBy::Agent => &self.by_agent,
            ScoreBy::Courier => &self.by_courier,
        }
    }

    fn of_mut(&mut self, by: ScoreBy) -> &mut foldhash::HashMap<Box<str>, ScoreRow> {
        match by {
            ScoreBy::Store => &mut self.by_store,
            ScoreBy::Agent => &mut self.by_agent,
            ScoreBy::Courier => &mut self.by_courier,
        }
    }

    /// Counts one audited ticket with its findings.
    pub fn record_ticket(&mut self, ticket: &Ticket, findings: &[Finding]) {
        for by in ScoreBy::ALL {
            let row = row_of(self.of_mut(by), by.name_of(ticket));
            row.tickets = row.tickets.saturating_add(1);
            if !findings.is_empty() {
                row.tickets_with_findings = row.tickets_with_findings.saturating_add(1);
            }
            row.add_findings(findings);
        }
    }

    /// Counts the finding of a row that is not an audited ticket (a duplicate row).
    pub fn record_finding(&mut self, ticket: &Ticket, finding: &Finding) {
        for by in ScoreBy::ALL {
            row_of(self.of_mut(by), by.name_of(ticket)).add_findings(std::slice::from_ref(finding));
        }
    }

    /// The rows of one scorecard in reading order: by rate (findings per 100 tickets, as
    /// shown, one decimal) highest first, names without an audited ticket last; then most
    /// tickets audited; then name.
    pub fn ranked(&self, by: ScoreBy) -> Vec<(&str, &ScoreRow)> {
        let mut rows: Vec<(&str, &ScoreRow, Option<Decimal>)> = self
            .of(by)
            .iter()
            .map(|(name, row)| (&**name, row, row.rate()))
            .collect();
        rows.sort_unstable_by(|(a_name, a, a_rate), (b_name, b, b_rate)| {
            b_rate
                .cmp(a_rate)
                .then_with(|| b.tickets.cmp(&a.tickets))
                .then_with(|| a_name.cmp(b_name))
        });
        rows.into_iter().map(|(name, row, _)| (name, row)).collect()
    }

    /// Rows of all three scorecards together.
    pub fn len(&self) -> usize {
        self.by_store.len() + self.by_agent.len() + self.by_courier.len()
    }

    /// Whether no row was counted at all (no ticket audited, no duplicate row).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The row of `key`, added if new; the key is copied only then.
fn row_of<'m>(rows: &'m mut foldhash::HashMap<Box<str>, ScoreRow>, key: &str) -> &'m mut ScoreRow {
    if !rows.contains_key(key) {
        rows.insert(key.into(), ScoreRow::default());
    }
    rows.get_mut(key).expect("the row was just added")
}

/// The earliest and latest dates of application among the audited tickets, each on its
/// policy's local calendar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppliedRange {
    /// The first application date; `None` when no audited ticket has an `applied_at`.
    pub earliest: Option<NaiveDate>,
    /// The last application date; `None` when no audited ticket has an `applied_at`.
    pub latest: Option<NaiveDate>,
}

impl AppliedRange {
    /// Widens the range to include one audited ticket's application date.
    pub fn record(&mut self, date: NaiveDate) {
        self.earliest = Some(self.earliest.map_or(date, |d| d.min(date)));
        self.latest = Some(self.latest.map_or(date, |d| d.max(date)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;
    use crate::testing::date;

    fn finding(severity: Severity, amount: Option<&str>) -> Finding {
        Finding {
            ticket_id: "T".into(),
            policy: "joining".into(),
            policy_version: "1".into(),
            rule: "refund-cycle.late",
            category: Category::RefundCycle,
            severity,
            clause: String::new(),
            expected: String::new(),
            actual: String::new(),
            amount: amount.map(|a| a.parse().unwrap()),
            late_by: None,
            explanation: String::new(),
            source: Default::default(),
        }
    }

    fn ticket(store: Option<&str>) -> Ticket {
        Ticket {
            store: store.map(Into::into),
            agent: Some("Li".into()),
            ..Ticket::default()
        }
    }

    #[test]
    fn every_ticket_counts_and_rates_sort_highest_first() {
        let mut cards = Scorecards::default();
        for _ in 0..3 {
            cards.record_ticket(&ticket(Some("A")), &[]);
        }
        cards.record_ticket(
            &ticket(Some("A")),
            &[
                finding(Severity::Violation, Some("12.50")),
                finding(Severity::Warning, Some("0.25")),
            ],
        );
        cards.record_ticket(&ticket(None), &[finding(Severity::Info, None)]);
        cards.record_ticket(&ticket(Some("B")), &[]);
        cards.record_finding(&ticket(Some("C")), &finding(Severity::Warning, None));

        let stores = cards.ranked(ScoreBy::Store);
        let names: Vec<&str> = stores.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["(blank)", "A", "B", "C"]);
        let a = stores[1].1;
        assert_eq!(
            (a.tickets, a.tickets_with_findings, a.findings, a.violations),
            (4, 1, 2, 1)
        );
        assert_eq!(a.money, "12.75".parse().unwrap());
        assert_eq!(a.rate(), Some(Decimal::from(50)));
        assert_eq!(stores[0].1.rate(), Some(Decimal::from(100)));
        assert_eq!(stores[3].1.rate(), None, "no audited ticket: no rate");
        let agents = cards.ranked(ScoreBy::Agent);
        assert_eq!(agents.len(), 1);
        assert_eq!(agents[0].1.tickets, 6);
        assert_eq!(agents[0].1.findings, 4);
        assert_eq!(cards.ranked(ScoreBy::Courier)[0].0, "(blank)");
    }

    #[test]
    fn a_rate_is_rounded_to_one_decimal_and_ties_go_to_more_tickets() {
        let mut cards = Scorecards::default();
        // 1 in 3 and 2 in 6 both show 33.3; the store with more tickets comes first.
        for n in 0..3 {
            let findings = if n == 0 {
                vec![finding(Severity::Warning, None)]
            } else {
                vec![]
            };
            cards.record_ticket(&ticket(Some("small")), &findings);
        }
        for n in 0..6 {
            let findings = if n < 2 {
                vec![finding(Severity::Warning, None)]
            } else {
                vec![]
            };
            cards.record_ticket(&ticket(Some("large")), &findings);
        }
        let stores = cards.ranked(ScoreBy::Store);
        assert_eq!(stores[0].0, "large");
        assert_eq!(stores[0].1.rate(), Some("33.3".parse().unwrap()));
        assert_eq!(stores[1].1.rate(), Some("33.3".parse().unwrap()));
    }

    #[test]
    fn the_applied_range_keeps_the_earliest_and_latest_date() {
        let mut range = AppliedRange::default();
        assert_eq!(range.earliest, None);
        for day in ["2025-10-03", "2025-08-30", "2025-11-01"] {
            range.record(date(day));
        }
        assert_eq!(range.earliest, Some(date("2025-08-30")));
        assert_eq!(range.latest, Some(date("2025-11-01")));
    }
}
