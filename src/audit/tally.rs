//! Per-policy-version tallies gathered while merging: tickets and coverage counts with their
//! reasons kept unformatted. They are folded into the run's sorted maps (and the warnings
//! about calendar years not covered) once, at the end, so merging a ticket allocates nothing.

use crate::l10n::Texts;
use std::collections::BTreeMap;

use super::{AuditRun, Coverage};
use crate::policy::Policy;
use crate::rules::{self, Tally, Unknown, RULE_COUNT};

/// Coverage counts of one rule for one policy version.
#[derive(Debug, Clone, Default)]
struct Counts {
    in_scope: u64,
    evaluated: u64,
    passed: u64,
    flagged: u64,
    not_evaluable: u64,
    /// Reasons in order of first appearance (a handful per rule).
    reasons: Vec<(Unknown, u64)>,
}

impl Counts {
    fn record(&mut self, tally: Tally) {
        match tally {
            Tally::OutOfScope => return,
            Tally::Passed => {
                self.evaluated += 1;
                self.passed += 1;
            }
            Tally::Flagged => {
                self.evaluated += 1;
                self.flagged += 1;
            }
            Tally::NotEvaluable(reason) => {
                self.not_evaluable += 1;
                match self.reasons.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, n)) => *n += 1,
                    None => self.reasons.push((reason, 1)),
                }
            }
        }
        self.in_scope += 1;
    }

    fn fold_into(&self, coverage: &mut Coverage) {
        coverage.in_scope += self.in_scope;
        coverage.evaluated += self.evaluated;
        coverage.passed += self.passed;
        coverage.flagged += self.flagged;
        coverage.not_evaluable += self.not_evaluable;
        for (reason, n) in &self.reasons {
            *coverage.reasons.entry(reason.to_string()).or_default() += n;
        }
    }
}

/// Everything merged for one policy version.
#[derive(Debug)]
struct VersionTally<'p> {
    policy: &'p Policy,
    tickets: u64,
    coverage: Vec<Counts>,
}

/// The tallies of every policy version audited, in order of first use.
#[derive(Debug, Default)]
pub(super) struct Tallies<'p> {
    versions: Vec<VersionTally<'p>>,
}

impl<'p> Tallies<'p> {
    /// Counts one audited ticket judged by `policy` with the rules' `tallies`.
    pub(super) fn record(&mut self, policy: &'p Policy, tallies: &[Tally; RULE_COUNT]) {
        let index = if let Some(index) = self
            .versions
            .iter()
            .position(|v| std::ptr::eq(v.policy, policy))
        {
            index
        } else {
            self.versions.push(VersionTally {
                policy,
                tickets: 0,
                coverage: vec![Counts::default(); RULE_COUNT],
            });
            self.versions.len() - 1
        };
        let version = &mut self.versions[index];
        version.tickets += 1;
        for (counts, &tally) in version.coverage.iter_mut().zip(tallies) {
            counts.record(tally);
        }
    }

    /// Folds the tallies into the run's maps: tickets per policy, policies used, coverage per
    /// (policy, rule), and one warning per calendar and year not covered with the number of
    /// working-day checks that were therefore not evaluated.
    pub(super) fn fold_into(self, run: &mut AuditRun) {
        // (calendar id, year) → working-day checks not evaluated.
        let mut uncovered: BTreeMap<(String, i32), u64> = BTreeMap::new();
        let texts = Texts::of(run.lang);
        for version in &self.versions {
            let policy = version.policy;
            *run.tickets_by_policy.entry(policy.id.clone()).or_default() += version.tickets;
            run.policies_used
                .entry((policy.id.clone(), policy.version.clone()))
                .or_insert_with(|| policy.clone());
            for (rule, counts) in rules::rule_ids().zip(&version.coverage) {
                counts.fold_into(run.coverage.entry((policy.id.clone(), rule)).or_default());
                for (reason, n) in &counts.reasons {
                    run.reason_texts
                        .entry(reason.to_string())
                        .or_insert_with(|| reason.text(texts));
                    match *reason {
                        Unknown::Calendar(year) => {
                            *uncovered
                                .entry((policy.calendar.clone(), year))
                                .or_default() += n;
                        }
                        Unknown::Blank(column)
                        | Unknown::Exclusion(column)
                        | Unknown::ReturnCondition(column) => {
                            run.blank_inputs.entry(column).or_default().insert(rule);
                        }
                        Unknown::NoTime(_)
                        | Unknown::CalendarMissing
                        | Unknown::NoWarrantyStart => {}
                    }
                }
            }
        }
        for ((calendar, year), checks) in uncovered {
            let warning = |texts: &Texts| {
                crate::tr!(
                    texts,
                    "calendar-uncovered",
                    calendar = calendar,
                    year = year,
                    checks = checks
                )
            };
            let english = warning(Texts::of(crate::l10n::Lang::En));
            run.warning_texts.insert(english.clone(), warning(texts));
            run.warnings.push(english);
            run.uncovered.push(super::Uncovered {
                calendar,
                year,
                checks,
            });
        }
    }
}
