//! What a rule says about a ticket: findings, their severity and category, and the
//! per-rule outcome that coverage and `explain` are built from.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ticket::Source;

/// How serious a finding is. Ordered: `Info < Warning < Violation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Outside the stated cycle but harming no one.
    Info,
    /// A likely breach, revenue leakage or a risk a reviewer should look at.
    Warning,
    /// The policy was breached: customer over-charged, deadline missed, or money paid out that
    /// the policy does not allow.
    Violation,
}

impl Severity {
    /// Every severity, worst first: the order of reports and counts.
    pub const ALL: [Severity; 3] = [Severity::Violation, Severity::Warning, Severity::Info];

    /// The word used in every output: `info`, `warning` or `violation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Violation => "violation",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule families of RULES.md; the part of a rule id before the dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    /// Freight charged to the customer, or deducted, against the policy.
    #[serde(rename = "freight")]
    Freight,
    /// Tickets reviewed later than the policy's review deadline (e.g. 24 hours).
    #[serde(rename = "review-sla")]
    ReviewSla,
    /// Refunds paid outside the policy's refund cycle (working days after goods received).
    #[serde(rename = "refund-cycle")]
    RefundCycle,
    /// Other service deadlines missed: exchanges shipped, repairs done, paid repairs held.
    #[serde(rename = "turnaround")]
    Turnaround,
    /// Decisions the policy does not support: refunds or exchanges outside their window, free
    /// service out of warranty or despite an exclusion, fees charged within warranty, wrongful
    /// rejections.
    #[serde(rename = "eligibility")]
    Eligibility,
    /// Problems of the export itself: duplicate ticket ids, inconsistent timelines.
    #[serde(rename = "data")]
    Data,
}

impl Category {
    /// Every category in catalogue order (as in RULES.md), the order the workbook lists them in.
    pub const ALL: [Category; 6] = [
        Category::Freight,
        Category::ReviewSla,
        Category::RefundCycle,
        Category::Turnaround,
        Category::Eligibility,
        Category::Data,
    ];

    /// The id prefix, e.g. `review-sla`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Freight => "freight",
            Category::ReviewSla => "review-sla",
            Category::RefundCycle => "refund-cycle",
            Category::Turnaround => "turnaround",
            Category::Eligibility => "eligibility",
            Category::Data => "data",
        }
    }

    /// The title people read, e.g. `Review SLA` (also the workbook sheet name).
    pub fn title(self) -> &'static str {
        match self {
            Category::Freight => "Freight",
            Category::ReviewSla => "Review SLA",
            Category::RefundCycle => "Refund cycle",
            Category::Turnaround => "Turnaround",
            Category::Eligibility => "Eligibility",
            Category::Data => "Data",
        }
    }

    /// The category of a rule id (`refund-cycle.late` → RefundCycle).
    pub fn of_rule(rule: &str) -> Option<Category> {
        let prefix = rule.split('.').next()?;
        Category::ALL.into_iter().find(|c| c.as_str() == prefix)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The unit of a late-by figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateUnit {
    /// Clock hours (review SLAs).
    Hours,
    /// Working days on the policy's calendar (refund cycles and other service deadlines).
    WorkingDays,
    /// Calendar days (return windows, warranty, customer shipment deadlines).
    Days,
}

impl LateUnit {
    /// The word written in `findings.csv`'s `late_unit`: `hours`, `working_days` or `days`.
    pub fn as_str(self) -> &'static str {
        match self {
            LateUnit::Hours => "hours",
            LateUnit::WorkingDays => "working_days",
            LateUnit::Days => "days",
        }
    }
}

/// How late an action was: hours with one decimal, or whole (working) days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateBy {
    /// How late, in `unit`: hours may have decimals, days are whole.
    pub value: Decimal,
    /// What `value` counts.
    pub unit: LateUnit,
}

impl LateBy {
    /// Late by `value` clock hours.
    pub fn hours(value: Decimal) -> LateBy {
        LateBy {
            value,
            unit: LateUnit::Hours,
        }
    }

    /// Late by `days` working days on the policy's calendar.
    pub fn working_days(days: u32) -> LateBy {
        LateBy {
            value: Decimal::from(days),
            unit: LateUnit::WorkingDays,
        }
    }

    /// Late by `days` calendar days.
    pub fn days(days: i64) -> LateBy {
        LateBy {
            value: Decimal::from(days),
            unit: LateUnit::Days,
        }
    }
}

/// One breach (or likely breach) of a policy by one ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The ticket's id as the export has it.
    pub ticket_id: String,
    /// The id of the policy the ticket was judged by, e.g. `joining`.
    pub policy: String,
    /// The version of that policy in force on the ticket's `applied_at` date.
    pub policy_version: String,
    /// Rule id, e.g. `refund-cycle.late`.
    pub rule: &'static str,
    /// The rule family, from the rule id's prefix.
    pub category: Category,
    /// How serious the breach is; decides `--fail-on`.
    pub severity: Severity,
    /// Clause id the finding rests on, e.g. `S4.1`.
    pub clause: String,
    /// What the policy required, e.g. `reviewed within 24 hours of 2025-09-29 10:00`.
    pub expected: String,
    /// What the ticket shows instead, e.g. `refunded_at 2025-10-14`.
    pub actual: String,
    /// Money at stake in the policy currency, two decimals.
    pub amount: Option<Decimal>,
    /// How late the action was (or is, at the as-of); `None` for findings not about a deadline.
    pub late_by: Option<LateBy>,
    /// One sentence a quality manager can read: what happened, against which clause.
    pub explanation: String,
    /// Where the ticket came from: the input's index in command-line order and its spreadsheet
    /// row number.
    pub source: Source,
}

impl Finding {
    /// Stable across runs: derived from policy, rule and ticket id only.
    pub fn finding_id(&self) -> String {
        finding_id(&self.policy, self.rule, &self.ticket_id)
    }
}

/// `finding_id` for a (policy, rule, ticket) triple: the first 16 hex digits of SHA-256.
pub fn finding_id(policy: &str, rule: &str, ticket_id: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [policy, rule, ticket_id] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    let digest = hasher.finalize();
    // The first 8 bytes as 16 lower-case hex digits, without the formatting machinery (every
    // row of findings.csv has one).
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(16);
    for byte in &digest[..8] {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

/// What one rule made of one ticket.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The rule does not apply to this ticket (wrong decision, policy without the clause…).
    OutOfScope,
    /// Evaluated, no breach.
    Passed,
    /// Evaluated, breach found.
    Flagged(Box<Finding>),
    /// In scope, but an input it needs is unknown; the reason is counted in coverage,
    /// e.g. `no received_at`, `applied_at has no time`, `calendar does not cover 2027`.
    NotEvaluable(String),
}

/// The result of one rule on one ticket, with the reasoning `explain` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    /// The rule id, e.g. `refund-cycle.late`.
    pub rule: &'static str,
    /// Whether the rule applied, passed, flagged the ticket or could not decide.
    pub outcome: Outcome,
    /// What the rule read and computed, in order: (`received_at`, `2025-09-29 10:00`),
    /// (`deadline`, `2025-10-13 (5th working day after 2025-09-29)`)…
    pub trace: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_ids_are_stable_and_distinct() {
        let a = finding_id("joining", "refund-cycle.late", "T1");
        assert_eq!(a, finding_id("joining", "refund-cycle.late", "T1"));
        assert_eq!(a.len(), 16);
        assert_ne!(a, finding_id("joining", "refund-cycle.late", "T2"));
        // The separator keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(finding_id("ab", "c", "x"), finding_id("a", "bc", "x"));
    }

    #[test]
    fn finding_ids_are_the_digests_first_hex_digits() {
        for (policy, rule, ticket) in [("joining", "refund-cycle.late", "T1"), ("", "", "")] {
            let mut hasher = Sha256::new();
            hasher.update(format!("{policy}\x1f{rule}\x1f{ticket}\x1f").as_bytes());
            let digits = format!("{:x}", hasher.finalize());
            assert_eq!(finding_id(policy, rule, ticket), digits[..16]);
        }
    }

    #[test]
    fn categories_come_from_rule_ids() {
        assert_eq!(
            Category::of_rule("review-sla.late"),
            Some(Category::ReviewSla)
        );
        assert_eq!(Category::of_rule("nope.late"), None);
        assert!(Severity::Violation > Severity::Warning && Severity::Warning > Severity::Info);
    }
}

/// Money as written in every output: a plain decimal with two places (`20.00`).
pub fn format_money(amount: Decimal) -> String {
    let mut rounded =
        amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded.to_string()
}

impl LateBy {
    /// The number as written in outputs: hours with one decimal, days whole.
    pub fn value_text(&self) -> String {
        match self.unit {
            LateUnit::Hours => {
                let mut hours = self.value.round_dp_with_strategy(
                    1,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                );
                hours.rescale(1);
                hours.to_string()
            }
            LateUnit::WorkingDays | LateUnit::Days => self.value.trunc().to_string(),
        }
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_has_two_places_and_rounds_half_away_from_zero() {
        assert_eq!(format_money(Decimal::from(20)), "20.00");
        assert_eq!(
            format_money(Decimal::from_str("1234.5").unwrap()),
            "1234.50"
        );
        assert_eq!(format_money(Decimal::from_str("0.125").unwrap()), "0.13");
    }

    #[test]
    fn late_by_prints_hours_with_one_decimal_and_days_whole() {
        assert_eq!(LateBy::hours(Decimal::ZERO).value_text(), "0.0");
        assert_eq!(
            LateBy::hours(Decimal::from_str("2.25").unwrap()).value_text(),
            "2.3"
        );
        assert_eq!(LateBy::working_days(3).value_text(), "3");
        assert_eq!(LateBy::days(12).value_text(), "12");
    }
}
