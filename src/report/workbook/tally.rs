//! The counts the Summary sheet shows, computed in one pass over the findings.

use super::cells::BLANK;
use std::collections::BTreeMap;

use foldhash::HashMap;

use chrono::Datelike;
use rust_decimal::Decimal;

use super::book::Book;
use super::local_time::LocalTime;
use super::styles::severity_index;
use crate::audit::{money_side, AppliedRange, MoneySide};
use crate::finding::{Category, Finding};

/// The month bucket of findings whose ticket has no `applied_at`.
pub(super) const NO_APPLIED_AT: &str = "(no applied_at)";
/// Rows in each top list.
pub(super) const TOP: usize = 10;

/// Findings by severity, in `Severity::ALL` order (violation, warning, info).
pub(super) type BySeverity = [u64; 3];

/// Names ranked by their findings, most first.
pub(super) type Ranked = Vec<(String, BySeverity)>;

/// A month of application, or none; known months sort first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Month {
    Known(i32, u32),
    Unknown,
}

impl Month {
    pub(super) fn label(self) -> String {
        match self {
            Month::Known(year, month) => format!("{year:04}-{month:02}"),
            Month::Unknown => NO_APPLIED_AT.to_owned(),
        }
    }
}

/// Count and amount of the findings on one side of the money.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct MoneyLine {
    pub findings: u64,
    pub amount: Decimal,
}

/// Everything the Summary counts.
#[derive(Debug, Clone, Default)]
pub(super) struct Tally {
    pub by_category: BTreeMap<Category, BySeverity>,
    pub by_policy: BTreeMap<String, BySeverity>,
    /// Month → findings per category in `Category::ALL` order.
    pub by_month: BTreeMap<Month, [u64; 6]>,
    pub overcharged: MoneyLine,
    pub underrecovered: MoneyLine,
    /// Findings with an amount on neither side (late refunds, fees at stake).
    pub other_at_stake: MoneyLine,
    pub stores: Ranked,
    pub agents: Ranked,
    pub couriers: Ranked,
}

fn category_index(category: Category) -> usize {
    Category::ALL
        .iter()
        .position(|c| *c == category)
        .unwrap_or_default()
}

impl Tally {
    /// Counts every finding of the run (spilled ones read back from disk).
    pub(super) fn new(book: &Book<'_>) -> std::io::Result<Tally> {
        let mut tally = Tally::default();
        // Ranked in a total order afterwards (`top`), so the maps' order does not matter.
        let mut stores: HashMap<String, BySeverity> = HashMap::default();
        let mut agents: HashMap<String, BySeverity> = HashMap::default();
        let mut couriers: HashMap<String, BySeverity> = HashMap::default();
        let count =
            |names: &mut HashMap<String, BySeverity>, name: &str, severity: usize| match names
                .get_mut(name)
            {
                Some(counts) => counts[severity] += 1,
                None => names.entry(name.to_owned()).or_default()[severity] += 1,
            };
        book.run.each_finding(|finding, ticket| {
            let severity = severity_index(finding.severity);
            tally.by_category.entry(finding.category).or_default()[severity] += 1;
            match tally.by_policy.get_mut(&finding.policy) {
                Some(counts) => counts[severity] += 1,
                None => tally.by_policy.entry(finding.policy.clone()).or_default()[severity] += 1,
            }
            let month = ticket
                .and_then(|t| t.applied_at)
                .map(|when| LocalTime::of(when, book.zone(finding)).date())
                .map_or(Month::Unknown, |date| {
                    Month::Known(date.year(), date.month())
                });
            tally.by_month.entry(month).or_default()[category_index(finding.category)] += 1;
            tally.add_money(finding);
            let store = ticket.and_then(|t| t.store.as_deref()).unwrap_or(BLANK);
            let agent = ticket.and_then(|t| t.agent.as_deref()).unwrap_or(BLANK);
            let courier = ticket.and_then(|t| t.courier.as_deref()).unwrap_or(BLANK);
            count(&mut stores, store, severity);
            count(&mut agents, agent, severity);
            count(&mut couriers, courier, severity);
        })?;
        tally.fill_months(book.run.applied_range);
        tally.stores = top(stores);
        tally.agents = top(agents);
        tally.couriers = top(couriers);
        Ok(tally)
    }

    /// Adds every month without findings between the earliest and the latest month of
    /// application (of the audited tickets, and of the findings' tickets), with zeros: the
    /// table and its chart show the whole period. Dates of application lie within 1990–2100
    /// (ingest rejects others), so the table has at most 1,332 months.
    fn fill_months(&mut self, range: AppliedRange) {
        let known = self.by_month.keys().filter_map(|month| match month {
            Month::Known(year, month) => Some((*year, *month)),
            Month::Unknown => None,
        });
        let audited = [range.earliest, range.latest]
            .into_iter()
            .flatten()
            .map(|date| (date.year(), date.month()));
        let months: Vec<(i32, u32)> = known.chain(audited).collect();
        let (Some(first), Some(last)) = (months.iter().min(), months.iter().max()) else {
            return;
        };
        let (mut year, mut month) = *first;
        while (year, month) <= *last {
            self.by_month.entry(Month::Known(year, month)).or_default();
            (year, month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
        }
    }

    fn add_money(&mut self, finding: &Finding) {
        let Some(amount) = finding.amount else { return };
        let line = match money_side(finding) {
            Some(MoneySide::CustomerOvercharged) => &mut self.overcharged,
            Some(MoneySide::CompanyUnderrecovered) => &mut self.underrecovered,
            None => &mut self.other_at_stake,
        };
        line.findings += 1;
        line.amount += amount;
    }

    /// Findings of one category, all severities.
    pub(super) fn category_total(&self, category: Category) -> u64 {
        self.by_category
            .get(&category)
            .map_or(0, |counts| counts.iter().sum())
    }

    /// Findings of one severity, all categories.
    pub(super) fn severity_total(&self, severity: usize) -> u64 {
        self.by_category
            .values()
            .map(|counts| counts[severity])
            .sum()
    }
}

/// The ten names with the most findings: most findings first, then most violations, then name.
fn top(counts: HashMap<String, BySeverity>) -> Ranked {
    let mut ranked: Ranked = counts.into_iter().collect();
    ranked.sort_by(|(a_name, a), (b_name, b)| {
        let total = |c: &BySeverity| c.iter().sum::<u64>();
        total(b)
            .cmp(&total(a))
            .then_with(|| b[0].cmp(&a[0]))
            .then_with(|| a_name.cmp(b_name))
    });
    ranked.truncate(TOP);
    ranked
}
