//! A hand-built audit run with findings of every category and severity, rejections, a freight
//! ledger, coverage, a review sample and a previous run, for the workbook tests.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;

use crate::audit::{compare_previous, AuditRun, Coverage, InputSummary, LedgerRow, ReviewSample};
use crate::finding::{Category, Finding, LateBy, Severity};
use crate::ingest::Rejection;
use crate::policy::{Policy, PolicySet};
use crate::report::RunMeta;
use crate::ticket::{Cause, Decision, FreightPayer, FreightPayment, Source, Ticket, When};

pub(super) const FORMULA_TICKET: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";
pub(super) const FORMULA_STORE: &str = "+cmd|' /C calc'!A0";
pub(super) const FORMULA_AGENT: &str = "@SUM(1+1)";
pub(super) const FORMULA_VALUE: &str = "=1+1";

pub(super) fn as_of() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2025-11-15T23:59:59+08:00").unwrap()
}

pub(super) fn money(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

use crate::testing::{date, local};

/// (rule, severity, amount, late by, applied_at) of the fixture's findings, one ticket each.
type Spec = (
    &'static str,
    Severity,
    Option<&'static str>,
    Option<LateBy>,
    Option<&'static str>,
);

#[rustfmt::skip]
fn specs() -> Vec<Spec> {
    use Severity::*;
    let hours = |h: &str| Some(LateBy::hours(money(h)));
    let wd = |d: u32| Some(LateBy::working_days(d));
    let days = |d: i64| Some(LateBy::days(d));
    vec![
        ("freight.charged-on-quality", Violation, Some("12.00"), None, Some("2025-10-03 09:00")),
        ("freight.deduction-mismatch", Violation, Some("5.00"), None, Some("2025-09-12 10:30")),
        ("freight.deduction-mismatch", Warning, Some("8.50"), None, Some("2025-11-02 18:00")),
        ("freight.not-recovered", Warning, Some("14.00"), None, Some("2025-10-20 08:15")),
        ("freight.deduction-on-prepaid", Violation, Some("10.00"), None, Some("2025-11-09 11:00")),
        ("review-sla.late", Violation, None, hours("3.5"), Some("2025-10-08 09:00")),
        ("review-sla.late", Violation, None, hours("0.0"), Some("2025-11-10 20:00")),
        ("review-sla.overdue", Violation, None, hours("100.2"), Some("2025-11-11 07:00")),
        ("refund-cycle.late", Violation, Some("299.00"), wd(1), Some("2025-09-28 10:00")),
        ("refund-cycle.overdue", Violation, Some("1299.00"), wd(4), Some("2025-11-01 10:00")),
        ("refund-cycle.early", Info, None, None, Some("2025-10-15 14:00")),
        ("refund-cycle.before-receipt", Warning, Some("59.90"), None, None),
        ("turnaround.exchange-late", Violation, None, wd(2), Some("2025-10-09 16:45")),
        ("turnaround.exchange-overdue", Violation, None, wd(6), Some("2025-10-25 09:00")),
        ("eligibility.return-outside-window", Violation, Some("399.00"), days(3), Some("2025-09-05 12:00")),
        ("eligibility.free-service-out-of-warranty", Violation, None, days(40), Some("2025-10-30 10:00")),
        ("eligibility.charged-in-warranty", Violation, Some("150.00"), None, Some("2025-11-05 15:00")),
        ("eligibility.wrongly-rejected", Warning, None, None, Some("2025-10-01 10:00")),
        ("eligibility.exchange-model-mismatch", Warning, None, None, Some("2025-09-19 09:30")),
        ("eligibility.return-condition-failed", Warning, Some("89.00"), None, Some("2025-11-12 10:00")),
        ("data.timeline-inconsistent", Warning, None, None, Some("2025-10-11 10:00")),
        ("data.duplicate-ticket", Warning, None, None, Some("2025-10-11 10:00")),
        ("data.duplicate-ticket", Warning, None, None, Some("2025-09-11 10:00")),
        ("review-sla.late", Violation, None, hours("1.0"), Some("2025-09-20 10:00")),
        ("refund-cycle.early", Info, None, None, Some("2025-09-22 10:00")),
    ]
}

const STORES: [&str; 4] = ["天猫旗舰店", "JD self-run", FORMULA_STORE, "Douyin"];
const AGENTS: [&str; 3] = ["李娜", "Wang Wei", FORMULA_AGENT];
const COURIERS: [&str; 3] = ["顺丰速运", "中通快递", "EMS"];

fn ticket(index: usize, applied_at: Option<When>) -> Ticket {
    let id = if index == 0 {
        FORMULA_TICKET.to_owned()
    } else {
        format!("JD-{:04}", 1000 + index)
    };
    Ticket {
        ticket_id: id.into(),
        policy: Some("JOINING".into()),
        sku: Some(format!("SKU-{}", index % 3).into()),
        store: (index % 5 != 4).then(|| STORES[index % 4].into()),
        agent: Some(AGENTS[index % 3].into()),
        courier: Some(COURIERS[index % 3].into()),
        cause: Some(if index.is_multiple_of(2) {
            Cause::Quality
        } else {
            Cause::NoReason
        }),
        decision: Some(Decision::Refund),
        delivered_at: Some(date("2025-08-30")),
        applied_at,
        reviewed_at: applied_at.map(|_| local("2025-10-09 12:30")),
        received_at: Some(local("2025-10-12 10:00")),
        refunded_at: (!index.is_multiple_of(3)).then(|| local("2025-10-20 10:00")),
        refund_amount: Some(money("299.00")),
        freight_amount: Some(money("12.00")),
        freight_payer: Some(FreightPayer::Customer),
        freight_payment: Some(if index.is_multiple_of(2) {
            FreightPayment::Collect
        } else {
            FreightPayment::Prepaid
        }),
        freight_deducted: Some(money("20.00")),
        source: Source {
            input: index % 2,
            row: index as u64 + 2,
        },
        kept: vec![format!("note {index}")],
        ..Ticket::default()
    }
}

fn finding(index: usize, spec: &Spec, ticket: &Ticket) -> Finding {
    let (rule, severity, amount, late_by, _) = *spec;
    Finding {
        ticket_id: ticket.ticket_id.to_string(),
        policy: "joining".into(),
        policy_version: "1".into(),
        rule,
        category: Category::of_rule(rule).unwrap(),
        severity,
        clause: "S4.1".into(),
        expected: "refund by 2025-10-13".into(),
        actual: if index == 3 {
            FORMULA_VALUE.into()
        } else {
            "refunded 2025-10-14".into()
        },
        amount: amount.map(money),
        late_by,
        explanation: format!("Finding {index}: -2+3 is text, so is {FORMULA_AGENT}."),
        source: ticket.source,
    }
}

/// The fixture run, compared with a previous run whose findings.csv is written into the
/// directory returned with it (keep it as long as the run).
pub(super) fn full_run() -> (AuditRun, tempfile::TempDir) {
    let mut run = AuditRun {
        as_of: Some(as_of()),
        kept_columns: vec!["order_note".into()],
        warnings: vec!["calendar cn: calendar does not cover 2027".into()],
        review_sample: ReviewSample::new(2, as_of()),
        inputs: inputs(),
        rejections: rejections(),
        ..AuditRun::default()
    };
    for (index, spec) in specs().iter().enumerate() {
        let applied = spec.4.map(local);
        let ticket = ticket(index, applied);
        let finding = finding(index, spec, &ticket);
        if finding.rule == "data.duplicate-ticket" {
            run.scorecards.record_finding(&ticket, &finding);
        } else {
            run.scorecards
                .record_ticket(&ticket, std::slice::from_ref(&finding));
        }
        run.findings.push(finding);
        run.flagged_tickets.insert(ticket.source, Box::new(ticket));
    }
    add_compliant_tickets(&mut run);
    // A finding on a ticket with an explicit offset: shown in Shanghai time.
    if let Some(t) = run.flagged_tickets.get_mut(&Source { input: 1, row: 3 }) {
        t.applied_at = Some(When::Fixed(
            DateTime::parse_from_rfc3339("2025-09-12T02:30:00+00:00").unwrap(),
        ));
    }
    add_coverage(&mut run);
    add_freight_ledger(&mut run);
    for row in 50..56 {
        let mut compliant = ticket(row, Some(local("2025-10-01 10:00")));
        compliant.ticket_id = format!("OK-{row}").into();
        run.review_sample.offer("joining", &compliant);
    }
    run.tickets_by_policy.insert("joining".into(), 46);
    let policy = joining();
    run.policies_used
        .insert((policy.id.clone(), policy.version.clone()), policy);
    let previous = tempfile::tempdir().unwrap();
    add_previous(&mut run, previous.path());
    (run, previous)
}

/// The audited tickets without findings, up to the 46 tickets audited: counted on the
/// scorecards, and applied for from July 2025 on, so that July and August 2025 are months of
/// the audited period without findings.
fn add_compliant_tickets(run: &mut AuditRun) {
    let audited: u64 = run
        .scorecards
        .by_courier
        .values()
        .map(|row| u64::from(row.tickets))
        .sum();
    for n in 0..46 - audited as usize {
        let applied = if n == 0 {
            "2025-07-10 09:00"
        } else {
            "2025-10-01 10:00"
        };
        let ticket = ticket(100 + n, Some(local(applied)));
        run.scorecards.record_ticket(&ticket, &[]);
        run.applied_range.record(date(&applied[..10]));
    }
    for t in run.flagged_tickets.values() {
        if let Some(When::Local(applied)) = t.applied_at {
            run.applied_range.record(applied.date());
        }
    }
}

/// The fixture run with thirty more stores: more rows of the Freight reconciliation than one
/// sheet of a 10-row limit holds.
pub(super) fn with_thirty_more_stores() -> (AuditRun, tempfile::TempDir) {
    let (mut run, previous) = full_run();
    for n in 0..30 {
        run.freight_ledger.by_store.insert(
            format!("Store {n:03}").into(),
            LedgerRow {
                tickets: 1,
                deductions_taken: money("10"),
                deductions_expected: money("10"),
                ..LedgerRow::default()
            },
        );
    }
    (run, previous)
}

/// The fixture run with thirty more agents, each with one compliant ticket: more rows of the
/// Scorecards than one sheet of a 10-row limit holds.
pub(super) fn with_thirty_more_agents() -> (AuditRun, tempfile::TempDir) {
    let (mut run, previous) = full_run();
    for n in 0..30 {
        let ticket = Ticket {
            agent: Some(format!("Agent {n:03}").into()),
            ..ticket(200 + n, Some(local("2025-10-01 10:00")))
        };
        run.scorecards.record_ticket(&ticket, &[]);
    }
    (run, previous)
}

/// The sheets the Freight reconciliation of `run` takes under a 10-row limit: nine rows a
/// sheet, and room for the four rows below the table on the last.
pub(super) fn split_freight_sheets(run: &AuditRun) -> Vec<String> {
    let ledger = &run.freight_ledger;
    let sheets = (ledger.by_courier.len() + ledger.by_store.len() + 4).div_ceil(9);
    assert!(sheets >= 4, "{sheets}");
    (1..=sheets)
        .map(|n| match n {
            1 => "Freight reconciliation".to_owned(),
            n => format!("Freight reconciliation ({n})"),
        })
        .collect()
}

fn inputs() -> Vec<InputSummary> {
    vec![
        InputSummary {
            path: "exports/joining-2025.csv".into(),
            sha256: "0123456789abcdef".repeat(4),
            rows_read: 40,
            rows_audited: 35,
            rows_rejected: 3,
            rows_duplicate: 2,
            ..InputSummary::default()
        },
        InputSummary {
            path: "exports/门店工单.xlsx".into(),
            sha256: "fedcba9876543210".repeat(4),
            sheet: Some("工单".into()),
            rows_read: 12,
            rows_audited: 11,
            rows_rejected: 1,
            warnings: vec![
                "mapping names header `Refund date` but exports/门店工单.xlsx has no such column"
                    .into(),
            ],
            ..InputSummary::default()
        },
    ]
}

fn rejections() -> Vec<Rejection> {
    [(7, FORMULA_VALUE), (9, "2025-13-01"), (9, "-5"), (11, "")]
        .into_iter()
        .map(|(row, value)| Rejection {
            source_file: "exports/joining-2025.csv".into(),
            sheet: None,
            source_row: row,
            ticket_id: Some(format!("JD-R{row}")),
            column: "refunded_at".into(),
            value: value.into(),
            reason: "not a date".into(),
            source_column: "退款时间".into(),
            column_letter: "K".into(),
        })
        .collect()
}

fn add_coverage(run: &mut AuditRun) {
    let mut reasons = BTreeMap::new();
    reasons.insert("no received_at".to_owned(), 3);
    reasons.insert("calendar does not cover 2027".to_owned(), 1);
    run.coverage.insert(
        ("joining".into(), "refund-cycle.late"),
        Coverage {
            in_scope: 30,
            evaluated: 26,
            passed: 25,
            flagged: 1,
            not_evaluable: 4,
            reasons,
        },
    );
    run.coverage.insert(
        ("joining".into(), "review-sla.late"),
        Coverage {
            in_scope: 46,
            evaluated: 46,
            passed: 43,
            flagged: 3,
            ..Coverage::default()
        },
    );
}

fn add_freight_ledger(run: &mut AuditRun) {
    let ledger_row = |tickets, taken: &str, expected: &str, over: &str, under: &str| LedgerRow {
        tickets,
        deductions_taken: money(taken),
        deductions_expected: money(expected),
        overcharged: money(over),
        underrecovered: money(under),
    };
    let ledger = &mut run.freight_ledger;
    ledger.by_courier.insert(
        "中通快递".into(),
        ledger_row(3, "60.00", "40.00", "27.00", "0.00"),
    );
    ledger.by_courier.insert(
        "顺丰速运".into(),
        ledger_row(2, "20.00", "0.00", "0.00", "22.50"),
    );
    ledger.by_store.insert(
        "天猫旗舰店".into(),
        ledger_row(4, "80.00", "40.00", "27.00", "8.50"),
    );
    ledger.by_store.insert(
        FORMULA_STORE.into(),
        ledger_row(1, "0.00", "0.00", "0.00", "14.00"),
    );
}

/// A previous run in `dir` with ten of the run's findings (persisting) and one it no longer
/// has (resolved).
fn add_previous(run: &mut AuditRun, dir: &Path) {
    let mut csv = String::from("finding_id,ticket_id,rule,severity\n");
    for f in run.findings.iter().take(10) {
        csv.push_str(&format!(
            "{},{},{},{}\n",
            f.finding_id(),
            "x",
            f.rule,
            f.severity
        ));
    }
    csv.push_str("0000000000000000,JD-0999,review-sla.late,violation\n");
    std::fs::write(dir.join("findings.csv"), csv).unwrap();
    run.previous = Some(compare_previous(dir, &run.findings).unwrap());
    run.triage.previous = Some(crate::audit::PreviousRun::load(dir).unwrap());
}

/// The shipped JOINING policy.
fn joining() -> Policy {
    let set = PolicySet::load(None).expect("the shipped policies load");
    let joining = set
        .versions_of("joining")
        .next()
        .expect("JOINING is shipped")
        .clone();
    joining
}

pub(super) fn meta() -> RunMeta {
    RunMeta {
        tool_version: "0.1.0".into(),
        command: vec![
            "rma-audit".into(),
            "audit".into(),
            "exports/门店工单.xlsx".into(),
            "--as-of".into(),
            "2025-11-15".into(),
        ],
        policies: vec![("joining".into(), "2025.1".into(), "ab".repeat(32))],
        calendars: vec![("cn".into(), 2023, 2026, "cd".repeat(32))],
        trends: None,
    }
}
