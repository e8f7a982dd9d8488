//! The rule catalogue of RULES.md: each rule a pure function of one ticket, its policy
//! version and the audit context. Rule kinds are code; their numbers, clauses and
//! applicability come from the policy.

use chrono::{DateTime, Utc};

use crate::calendar::CalendarSet;
use crate::finding::{Category, RuleResult};
use crate::policy::Policy;
use crate::ticket::Ticket;

/// What every rule may read besides the ticket and its policy. No rule reads the clock.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The audit's as-of instant.
    pub as_of: DateTime<Utc>,
    pub calendars: &'a CalendarSet,
}

/// Every rule id with its category, in catalogue order. `data.duplicate-ticket` is decided by
/// the audit driver (it needs the whole run), every other rule here per ticket.
pub const CATALOGUE: &[(&str, Category)] = &[("data.duplicate-ticket", Category::Data)];

/// Evaluates every rule of the catalogue (except `data.duplicate-ticket`) on one ticket.
pub fn evaluate(_ticket: &Ticket, _policy: &Policy, _ctx: &Context<'_>) -> Vec<RuleResult> {
    Vec::new()
}
