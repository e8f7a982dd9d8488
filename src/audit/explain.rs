//! `explain`: one ticket, every rule of its policy, with what each read and computed.

use std::fmt::Write as _;

use chrono::Utc;

use super::{resolve, AuditConfig, AuditError, Resolved, RowOrigin};
use crate::calendar::CalendarSet;
use crate::finding::{format_money, Outcome, RuleResult};
use crate::ingest::{self, Rejection, Row};
use crate::policy::PolicySet;
use crate::rules::{self, Context};

/// What the audit made of one ticket.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// The row could not be audited.
    Rejected(Vec<Rejection>),
    /// The row was audited: policy id, version and one result per rule.
    Audited {
        /// The policy id the ticket was audited under, e.g. `joining`.
        policy: String,
        /// The version of that policy in force on the ticket's `applied_at` date.
        version: String,
        /// One result per rule of the catalogue (`data.duplicate-ticket` aside), in catalogue
        /// order, out-of-scope rules included.
        results: Vec<RuleResult>,
    },
}

/// One ticket's explanation.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The ticket id asked for with `--ticket`.
    pub ticket_id: String,
    /// The input file the ticket was found in (the first input), as given on the command line.
    pub file: String,
    /// The row number a spreadsheet shows for the explained row (the header is row 1 unless
    /// title rows sit above it).
    pub row: u64,
    /// Whether the row was rejected or audited, and with what result per rule.
    pub verdict: Verdict,
    /// Later rows with the same ticket id (reported as duplicates, not audited).
    pub duplicate_rows: Vec<u64>,
}

/// Finds `ticket_id` in the first input of `config` and evaluates it; `None` if absent.
pub fn explain(
    config: &AuditConfig,
    policies: &PolicySet,
    calendars: &CalendarSet,
    ticket_id: &str,
) -> Result<Option<Explanation>, AuditError> {
    let Some(path) = config.inputs.first() else {
        return Ok(None);
    };
    let display = path.display().to_string();
    let mut reader = ingest::open(path, &config.read)?;
    let schema = ingest::Schema::for_reader(reader.as_ref(), 0, &config.read)?;
    let origin = RowOrigin {
        file: display.clone(),
        sheet: reader.sheet().map(str::to_owned),
        policy_column: schema.source_of(crate::ticket::Column::Policy),
    };
    let ctx = Context {
        as_of: config.as_of.with_timezone(&Utc),
        calendars,
        texts: crate::l10n::Texts::of(crate::l10n::Lang::En),
    };
    let mut found: Option<Explanation> = None;
    while let Some(raw) = reader.next_row()? {
        let row = schema.parse(&raw);
        let matches = match &row {
            Row::Ticket(ticket) => ticket.ticket_id == ticket_id,
            Row::Rejected(problems) => problems
                .iter()
                .any(|p| p.ticket_id.as_deref() == Some(ticket_id)),
        };
        if !matches {
            continue;
        }
        if let Some(first) = found.as_mut() {
            if matches!(first.verdict, Verdict::Audited { .. }) {
                first.duplicate_rows.push(raw.row);
                continue;
            }
        }
        let verdict = match resolve(row, &origin, config, policies) {
            Resolved::Reject(problems) => Verdict::Rejected(problems),
            Resolved::Audit(ticket, policy) => Verdict::Audited {
                policy: policy.id.clone(),
                version: policy.version.clone(),
                results: rules::evaluate(&ticket, policy, &ctx),
            },
        };
        // A rejected row is replaced by a later good row with the same id: that one is audited.
        found = Some(Explanation {
            ticket_id: ticket_id.to_owned(),
            file: display.clone(),
            row: raw.row,
            verdict,
            duplicate_rows: Vec::new(),
        });
    }
    Ok(found)
}

impl Explanation {
    /// The explanation as text for a terminal.
    pub fn render(&self, as_of: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Ticket {} — {} row {}, as of {as_of}",
            self.ticket_id, self.file, self.row
        );
        match &self.verdict {
            Verdict::Rejected(problems) => {
                let _ = writeln!(out, "Rejected: the row was not audited.");
                for problem in problems {
                    let _ = writeln!(
                        out,
                        "  {}: `{}` — {}",
                        problem.column, problem.value, problem.reason
                    );
                }
            }
            Verdict::Audited {
                policy,
                version,
                results,
            } => {
                let _ = writeln!(out, "Policy {policy}, version {version}\n");
                for result in results {
                    render_result(&mut out, result);
                }
            }
        }
        for row in &self.duplicate_rows {
            let _ = writeln!(
                out,
                "Row {row} has the same ticket id: reported as data.duplicate-ticket, not audited."
            );
        }
        out
    }
}

fn render_result(out: &mut String, result: &RuleResult) {
    let verdict = match &result.outcome {
        Outcome::OutOfScope => "not in scope".to_owned(),
        Outcome::Passed => "passed".to_owned(),
        Outcome::NotEvaluable(reason) => format!("not evaluable: {reason}"),
        Outcome::Flagged(finding) => {
            let mut text = format!("FLAGGED {} (clause {})", finding.severity, finding.clause);
            if let Some(amount) = finding.amount {
                let _ = write!(text, ", amount {}", format_money(amount));
            }
            if let Some(late) = &finding.late_by {
                let unit = late.unit.as_str().replace('_', " ");
                let _ = write!(text, ", late by {} {unit}", late.value_text());
            }
            text
        }
    };
    let _ = writeln!(out, "{:<42} {verdict}", result.rule);
    for (name, value) in &result.trace {
        let _ = writeln!(out, "    {name}: {value}");
    }
    if let Outcome::Flagged(finding) = &result.outcome {
        let _ = writeln!(out, "    expected: {}", finding.expected);
        let _ = writeln!(out, "    actual: {}", finding.actual);
        let _ = writeln!(out, "    → {}", finding.explanation);
    }
}
