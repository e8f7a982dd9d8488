//! Whether a run's result can be trusted: the reasons for exit status 4 (OUTPUTS.md "The
//! nightly run"), and the canonical columns no input provided.

use super::{AuditRun, PreviousRun};
use crate::ticket::Column;

/// The limits a nightly run holds its result to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrustSettings {
    /// The largest share of rows read (0–1) that may be rejected (`--max-rejected`).
    pub max_rejected: f64,
    /// Working-day checks a calendar could not decide do not make the result untrusted
    /// (`--allow-uncovered`).
    pub allow_uncovered: bool,
}

impl Default for TrustSettings {
    fn default() -> TrustSettings {
        TrustSettings {
            max_rejected: 0.10,
            allow_uncovered: false,
        }
    }
}

/// Why nobody should trust this run's result, one sentence a reason; empty when it can be.
/// `previous` is the earlier run `--previous` named, for the columns it read.
pub fn untrusted_reasons(
    run: &AuditRun,
    previous: Option<&PreviousRun>,
    settings: &TrustSettings,
) -> Vec<String> {
    let mut reasons = Vec::new();
    for input in &run.inputs {
        if input.rows_audited > 0 {
            continue;
        }
        if input.rows_read == 0 {
            reasons.push(format!("{}: no rows below the header", input.path));
        } else {
            reasons.push(format!(
                "{}: {} read but no ticket audited ({} rejected, {} duplicate)",
                input.path,
                plural(input.rows_read, "row"),
                input.rows_rejected,
                input.rows_duplicate
            ));
        }
    }
    let read = run.rows_read();
    let rejected = run.rows_rejected();
    if read > 0 && rejected as f64 / read as f64 > settings.max_rejected {
        reasons.push(format!(
            "{rejected} of {} rejected ({:.1}%), above --max-rejected {}",
            plural(read, "row"),
            rejected as f64 * 100.0 / read as f64,
            settings.max_rejected
        ));
    }
    if let Some(previous) = previous {
        let tonight = run.columns_read();
        for column in previous.columns_read.iter().flatten() {
            if !tonight.contains(&column.as_str()) {
                reasons.push(format!(
                    "column {column} was read by the previous run ({}) but no input has it now",
                    previous.path
                ));
            }
        }
    }
    if !settings.allow_uncovered {
        for gap in &run.uncovered {
            reasons.push(format!(
                "calendar {} does not cover {}: {} not evaluated (--allow-uncovered accepts this)",
                gap.calendar,
                gap.year,
                plural(gap.checks, "working-day check")
            ));
        }
    }
    reasons
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// A canonical column that no input provides, with the rules it left not evaluable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumn {
    /// The canonical column name, e.g. `received_at`.
    pub column: &'static str,
    /// The rules that needed it for some ticket, in catalogue order.
    pub rules: Vec<&'static str>,
}

/// Every canonical column no input provides, in catalogue order.
pub fn missing_columns(run: &AuditRun) -> Vec<MissingColumn> {
    let read = run.columns_read();
    Column::ALL
        .iter()
        .map(|c| c.name())
        .filter(|name| !read.contains(name))
        .map(|column| MissingColumn {
            column,
            rules: crate::rules::rule_ids()
                .filter(|rule| {
                    run.blank_inputs
                        .get(column)
                        .is_some_and(|rules| rules.contains(rule))
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{InputSummary, Uncovered};

    fn input(path: &str, read: u64, audited: u64, rejected: u64) -> InputSummary {
        InputSummary {
            path: path.into(),
            rows_read: read,
            rows_audited: audited,
            rows_rejected: rejected,
            columns: vec!["ticket_id", "policy", "applied_at"],
            ..InputSummary::default()
        }
    }

    #[test]
    fn a_sound_run_is_trusted() {
        let run = AuditRun {
            inputs: vec![input("a.csv", 100, 95, 5)],
            ..AuditRun::default()
        };
        assert!(untrusted_reasons(&run, None, &TrustSettings::default()).is_empty());
    }

    #[test]
    fn each_reason_is_named() {
        let run = AuditRun {
            inputs: vec![input("a.csv", 10, 0, 10), input("b.csv", 0, 0, 0)],
            uncovered: vec![Uncovered {
                calendar: "cn".into(),
                year: 2027,
                checks: 3,
            }],
            ..AuditRun::default()
        };
        let mut previous = PreviousRun::default();
        previous.path = "reports/nightly".into();
        previous.columns_read = Some(vec!["ticket_id".into(), "received_at".into()]);
        assert_eq!(
            untrusted_reasons(&run, Some(&previous), &TrustSettings::default()),
            [
                "a.csv: 10 rows read but no ticket audited (10 rejected, 0 duplicate)",
                "b.csv: no rows below the header",
                "10 of 10 rows rejected (100.0%), above --max-rejected 0.1",
                "column received_at was read by the previous run (reports/nightly) but no input has it now",
                "calendar cn does not cover 2027: 3 working-day checks not evaluated (--allow-uncovered accepts this)",
            ]
        );
    }

    #[test]
    fn the_rejected_share_may_reach_the_limit_but_not_pass_it() {
        let run = AuditRun {
            inputs: vec![input("a.csv", 100, 90, 10)],
            ..AuditRun::default()
        };
        assert!(untrusted_reasons(&run, None, &TrustSettings::default()).is_empty());
        let strict = TrustSettings {
            max_rejected: 0.05,
            ..TrustSettings::default()
        };
        assert_eq!(untrusted_reasons(&run, None, &strict).len(), 1);
    }

    #[test]
    fn allow_uncovered_accepts_calendar_gaps() {
        let run = AuditRun {
            inputs: vec![input("a.csv", 1, 1, 0)],
            uncovered: vec![Uncovered {
                calendar: "cn".into(),
                year: 2027,
                checks: 1,
            }],
            ..AuditRun::default()
        };
        let allow = TrustSettings {
            allow_uncovered: true,
            ..TrustSettings::default()
        };
        assert!(untrusted_reasons(&run, None, &allow).is_empty());
    }

    #[test]
    fn missing_columns_name_the_rules_they_left_not_evaluable() {
        let mut run = AuditRun {
            inputs: vec![input("a.csv", 1, 1, 0)],
            ..AuditRun::default()
        };
        run.blank_inputs
            .entry("received_at")
            .or_default()
            .extend(["refund-cycle.late", "freight.collect-accepted"]);
        let missing = missing_columns(&run);
        assert!(missing.iter().all(|m| m.column != "applied_at"));
        let received = missing.iter().find(|m| m.column == "received_at").unwrap();
        assert_eq!(
            received.rules,
            ["freight.collect-accepted", "refund-cycle.late"]
        );
        let sku = missing.iter().find(|m| m.column == "sku").unwrap();
        assert!(sku.rules.is_empty());
    }
}
