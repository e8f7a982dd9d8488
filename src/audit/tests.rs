//! The pipeline against a plain in-memory loop over the same rows.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use super::*;
use crate::finding::{Finding, Outcome};
use crate::ingest::Options;
use crate::rules;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(name)
}

fn record(coverage: &mut Coverage, outcome: &Outcome) {
    match outcome {
        Outcome::OutOfScope => return,
        Outcome::Passed => {
            coverage.evaluated += 1;
            coverage.passed += 1;
        }
        Outcome::Flagged(_) => {
            coverage.evaluated += 1;
            coverage.flagged += 1;
        }
        Outcome::NotEvaluable(reason) => {
            coverage.not_evaluable += 1;
            *coverage.reasons.entry(reason.clone()).or_default() += 1;
        }
    }
    coverage.in_scope += 1;
}

/// Findings, rejections and coverage.
type Outcomes = (
    Vec<Finding>,
    Vec<Rejection>,
    BTreeMap<(String, &'static str), Coverage>,
);

/// What the audit must find, the simple way: every input read whole (`ingest::read_all`),
/// every row resolved and evaluated one after the other with the traced `rules::evaluate`.
fn plain_loop(config: &AuditConfig, policies: &PolicySet, calendars: &CalendarSet) -> Outcomes {
    let ctx = Context {
        as_of: config.as_of.with_timezone(&Utc),
        calendars,
        texts: crate::l10n::Texts::of(crate::l10n::Lang::En),
    };
    let mut findings = Vec::new();
    let mut rejections = Vec::new();
    let mut coverage: BTreeMap<(String, &'static str), Coverage> = BTreeMap::new();
    let mut seen = HashSet::new();
    for (index, path) in config.inputs.iter().enumerate() {
        let (info, rows) = ingest::read_all(path, index, &config.read).expect("input reads");
        let origin = RowOrigin {
            file: info.source_file,
            sheet: info.sheet,
            policy_column: info.policy_column,
        };
        for row in rows {
            match resolve(row, &origin, config, policies) {
                Resolved::Reject(problems) => rejections.extend(problems),
                Resolved::Audit(ticket, policy) => {
                    if !seen.insert(ticket.ticket_id.clone()) {
                        findings.push(duplicate_finding(
                            &ticket,
                            policy,
                            &origin.file,
                            crate::l10n::Texts::of(crate::l10n::Lang::En),
                        ));
                        continue;
                    }
                    let mut traced = Vec::new();
                    for result in rules::evaluate(&ticket, policy, &ctx) {
                        let key = (policy.id.clone(), result.rule);
                        record(coverage.entry(key).or_default(), &result.outcome);
                        if let Outcome::Flagged(finding) = result.outcome {
                            traced.push(*finding);
                        }
                    }
                    assert_eq!(
                        rules::findings(&ticket, policy, &ctx),
                        traced,
                        "ticket {}: the quiet evaluation finds what the traced one does",
                        ticket.ticket_id
                    );
                    findings.extend(traced);
                }
            }
        }
    }
    (findings, rejections, coverage)
}

fn by_place(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| (a.source, a.rule).cmp(&(b.source, b.rule)));
    findings
}

#[test]
fn resolve_rows_keeps_and_rejects_the_rows_the_audit_does() {
    let policies = PolicySet::load(None).expect("built-in policies");
    let calendars = CalendarSet::load(None).expect("built-in calendars");
    let config = AuditConfig {
        inputs: vec![sample("broken.csv")],
        as_of: crate::cli::parse_as_of("2026-11-15", chrono_tz::Asia::Shanghai).expect("an as-of"),
        forced_policy: None,
        read: Options::default(),
        sample_per_policy: 0,
        spill_budget: crate::audit::spill::DEFAULT_BUDGET,
        period: crate::audit::Period::default(),
        lang: crate::l10n::Lang::En,
    };
    let run = run(&config, &policies, &calendars, |_| {}).expect("the audit runs");
    let reader = ingest::open(&config.inputs[0], &config.read).expect("the input opens");
    let schema = ingest::Schema::for_reader(reader.as_ref(), 0, &config.read).expect("a header");
    let (_, rows) = ingest::read_all(&config.inputs[0], 0, &config.read).expect("the input reads");
    let (kept, rejected): (Vec<_>, Vec<_>) = resolve_rows(rows, &schema, &config, &policies)
        .into_iter()
        .partition(Result::is_ok);
    assert_eq!(
        kept.len() as u64,
        run.rows_audited() + run.rows_duplicate(),
        "every row the audit evaluated or reported as a duplicate resolves"
    );
    let rejections: Vec<Rejection> = rejected.into_iter().flat_map(Result::unwrap_err).collect();
    assert!(!rejections.is_empty());
    assert_eq!(rejections, run.rejections);
}

#[test]
fn the_pipeline_finds_what_a_plain_loop_finds() {
    let policies = PolicySet::load(None).expect("built-in policies");
    let calendars = CalendarSet::load(None).expect("built-in calendars");
    let config = AuditConfig {
        inputs: [
            "tickets-en.csv",
            "tickets-zh-gbk.csv",
            "tickets.xlsx",
            "broken.csv",
        ]
        .map(sample)
        .to_vec(),
        as_of: crate::cli::parse_as_of("2026-11-15", chrono_tz::Asia::Shanghai).expect("an as-of"),
        forced_policy: None,
        read: Options::default(),
        sample_per_policy: 0,
        spill_budget: crate::audit::spill::DEFAULT_BUDGET,
        period: crate::audit::Period::default(),
        lang: crate::l10n::Lang::En,
    };
    let mut streamed = Vec::new();
    let run = run_streaming(&config, &policies, &calendars, |_| {}, &mut |batch| {
        streamed.extend_from_slice(batch);
        Ok(())
    })
    .expect("the audit runs");
    assert_eq!(
        streamed, run.findings,
        "the sink sees every finding, in order"
    );

    let (findings, rejections, coverage) = plain_loop(&config, &policies, &calendars);
    assert!(findings.len() > 60 && !rejections.is_empty());
    assert_eq!(by_place(run.findings.clone()), by_place(findings));
    assert_eq!(run.rejections, rejections);
    assert_eq!(run.coverage, coverage);
}
