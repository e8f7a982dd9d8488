//! `summary.json`: run metadata, row reconciliation, counts, money and coverage, for cron jobs
//! and dashboards. Key order is fixed and maps are sorted, so the same audit gives the same
//! bytes.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use super::RunMeta;
use crate::audit::{missing_columns, money_side, AuditRun, MoneySide, MoneyTotals};
use crate::finding::Category;
use crate::finding::{format_money, Severity};
use crate::rules::CATALOGUE;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub tool: Tool,
    pub as_of: String,
    pub command: Vec<String>,
    pub inputs: Vec<SummaryInput>,
    pub totals: Totals,
    pub findings_by_rule: BTreeMap<String, u64>,
    pub findings_by_severity: BTreeMap<String, u64>,
    pub money: Money,
    pub policies: Vec<PolicyRef>,
    pub calendars: Vec<CalendarRef>,
    pub coverage: Vec<SummaryCoverage>,
    pub previous: Option<Previous>,
    /// The canonical columns any input provided.
    pub columns_read: Vec<String>,
    /// Every canonical column no input provided, with the rules it left not evaluable.
    pub missing_columns: Vec<SummaryMissingColumn>,
    /// How `--waivers` met the findings (absent without it).
    pub waivers: Option<SummaryWaivers>,
    pub warnings: Vec<String>,
    /// Why the result cannot be trusted (exit status 4); empty when it can.
    pub untrusted: Vec<String>,
    /// An untrusted run keeps the findings of the run it compared with, and the next run
    /// compares with those (absent when the result can be trusted).
    pub baseline: Option<SummaryBaseline>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryBaseline {
    /// The file beside `summary.json` that holds them.
    pub file: String,
    /// The earlier run's directory they came from.
    pub from: String,
    /// The canonical columns that run read.
    pub columns_read: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryMissingColumn {
    pub column: String,
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryWaivers {
    pub path: String,
    /// Waivers in force that covered a finding.
    pub applied: u64,
    /// Waivers whose `expires` is before the as-of.
    pub expired: u64,
    /// Waivers in force that covered no finding.
    pub unmatched: u64,
    /// Findings with status `waived`.
    pub findings_waived: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryInput {
    pub path: String,
    pub sha256: String,
    pub sheet: Option<String>,
    pub rows_read: u64,
    pub rows_audited: u64,
    pub rows_rejected: u64,
    pub rows_duplicate: u64,
    pub rows_superseded: u64,
    pub rows_out_of_period: u64,
    /// The canonical columns this input provided.
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub rows_read: u64,
    pub rows_audited: u64,
    pub rows_rejected: u64,
    pub rows_duplicate: u64,
    pub rows_superseded: u64,
    pub rows_out_of_period: u64,
    pub findings: u64,
}

/// The money of the findings. `customer_overcharged` and `company_underrecovered` add up every
/// finding's amount by side; `freight` is exactly the Freight reconciliation sheet's total
/// line; the other three name the rest of the money by what it is.
#[derive(Debug, Clone, Serialize)]
pub struct Money {
    pub currency: String,
    pub customer_overcharged: String,
    pub company_underrecovered: String,
    pub freight: FreightMoney,
    /// Repair fees charged for repairs the warranty covers (`eligibility.charged-in-warranty`).
    pub repair_fees_charged_in_warranty: String,
    /// Refunds granted that the policy does not allow (outside the window, conditions failed,
    /// goods sent back late).
    pub refunds_outside_policy: String,
    /// Amounts at stake on no side: refunds paid late or held back.
    pub other_at_stake: String,
}

/// The Freight reconciliation's total line: deductions taken and expected, the customers'
/// over-charge, the company's under-recovery, and the net (over-charged − under-recovered).
#[derive(Debug, Clone, Serialize)]
pub struct FreightMoney {
    pub deducted: String,
    pub expected: String,
    pub customer_overcharged: String,
    pub company_underrecovered: String,
    pub net: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyRef {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarRef {
    pub id: String,
    pub years: [i32; 2],
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryCoverage {
    pub policy: String,
    pub rule: String,
    pub in_scope: u64,
    pub evaluated: u64,
    pub passed: u64,
    pub flagged: u64,
    pub not_evaluable: u64,
    pub reasons: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Previous {
    pub path: String,
    /// Whether the directory held an earlier `findings.csv` (false on the first night).
    pub found: bool,
    pub new: u64,
    pub resolved: u64,
    pub persisting: u64,
}

impl Summary {
    /// Builds the summary; spilled findings are read back to count them.
    pub fn build(run: &AuditRun, meta: &RunMeta) -> io::Result<Summary> {
        let counts = Counts::of(run)?;
        let currency = run
            .policies_used
            .values()
            .map(|p| p.currency.clone())
            .next()
            .unwrap_or_else(|| "CNY".to_owned());
        Ok(Summary {
            tool: Tool {
                name: "rma-audit".into(),
                version: meta.tool_version.clone(),
            },
            as_of: run
                .as_of
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
                .unwrap_or_default(),
            command: meta.command.clone(),
            inputs: run.inputs.iter().map(SummaryInput::of).collect(),
            totals: Totals::of(run),
            findings_by_rule: counts.by_rule,
            findings_by_severity: counts.by_severity,
            money: Money {
                currency,
                customer_overcharged: format_money(counts.money.customer_overcharged),
                company_underrecovered: format_money(counts.money.company_underrecovered),
                freight: FreightMoney::of(&run.freight_ledger.total()),
                repair_fees_charged_in_warranty: format_money(counts.repair_fees),
                refunds_outside_policy: format_money(counts.refunds_outside_policy),
                other_at_stake: format_money(counts.other_at_stake),
            },
            policies: meta.policies.iter().map(PolicyRef::of).collect(),
            calendars: meta.calendars.iter().map(CalendarRef::of).collect(),
            coverage: run.coverage.iter().map(SummaryCoverage::of).collect(),
            previous: run.previous.as_ref().map(Previous::of),
            columns_read: run.columns_read().into_iter().map(str::to_owned).collect(),
            missing_columns: missing_columns(run)
                .into_iter()
                .map(|m| SummaryMissingColumn {
                    column: m.column.to_owned(),
                    rules: m.rules.into_iter().map(str::to_owned).collect(),
                })
                .collect(),
            waivers: SummaryWaivers::of(run),
            // As standard error has them: each input's header warnings, then the run's.
            warnings: run
                .inputs
                .iter()
                .flat_map(|input| input.warnings.iter())
                .chain(&run.warnings)
                .cloned()
                .collect(),
            untrusted: run.untrusted.clone(),
            baseline: run.baseline.as_ref().map(|b| SummaryBaseline {
                file: crate::audit::BASELINE_FILE.to_owned(),
                from: b.from.clone(),
                columns_read: b.columns_read.clone(),
            }),
        })
    }
}

/// The findings counted by rule and by severity (every rule and severity listed, zeros
/// included), and their money, in one pass over the findings.
struct Counts {
    by_rule: BTreeMap<String, u64>,
    by_severity: BTreeMap<String, u64>,
    money: MoneyTotals,
    repair_fees: Decimal,
    refunds_outside_policy: Decimal,
    other_at_stake: Decimal,
}

impl Counts {
    fn of(run: &AuditRun) -> io::Result<Counts> {
        let mut counts = Counts {
            by_rule: CATALOGUE
                .iter()
                .map(|(rule, _)| ((*rule).to_owned(), 0))
                .collect(),
            by_severity: Severity::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), 0))
                .collect(),
            money: MoneyTotals::default(),
            repair_fees: Decimal::ZERO,
            refunds_outside_policy: Decimal::ZERO,
            other_at_stake: Decimal::ZERO,
        };
        run.each_finding(|finding, _| {
            *counts.by_rule.entry(finding.rule.to_owned()).or_default() += 1;
            *counts
                .by_severity
                .entry(finding.severity.as_str().to_owned())
                .or_default() += 1;
            counts.money.add(finding);
            let amount = finding.amount.unwrap_or_default();
            match (finding.category, money_side(finding)) {
                (_, None) => counts.other_at_stake += amount,
                (Category::Eligibility, Some(MoneySide::CustomerOvercharged)) => {
                    counts.repair_fees += amount;
                }
                (Category::Eligibility, Some(MoneySide::CompanyUnderrecovered)) => {
                    counts.refunds_outside_policy += amount;
                }
                _ => {}
            }
        })?;
        Ok(counts)
    }
}

impl FreightMoney {
    fn of(total: &crate::audit::LedgerRow) -> FreightMoney {
        FreightMoney {
            deducted: format_money(total.deductions_taken),
            expected: format_money(total.deductions_expected),
            customer_overcharged: format_money(total.overcharged),
            company_underrecovered: format_money(total.underrecovered),
            net: format_money(total.net()),
        }
    }
}

impl SummaryInput {
    fn of(input: &crate::audit::InputSummary) -> SummaryInput {
        SummaryInput {
            path: input.path.clone(),
            sha256: input.sha256.clone(),
            sheet: input.sheet.clone(),
            rows_read: input.rows_read,
            rows_audited: input.rows_audited,
            rows_rejected: input.rows_rejected,
            rows_duplicate: input.rows_duplicate,
            rows_superseded: input.rows_superseded,
            rows_out_of_period: input.rows_out_of_period,
            columns: input.columns.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
}

impl Totals {
    fn of(run: &AuditRun) -> Totals {
        Totals {
            rows_read: run.rows_read(),
            rows_audited: run.rows_audited(),
            rows_rejected: run.rows_rejected(),
            rows_duplicate: run.rows_duplicate(),
            rows_superseded: run.rows_superseded(),
            rows_out_of_period: run.rows_out_of_period(),
            findings: run.finding_count(),
        }
    }
}

impl PolicyRef {
    fn of((id, version, sha256): &(String, String, String)) -> PolicyRef {
        PolicyRef {
            id: id.clone(),
            version: version.clone(),
            sha256: sha256.clone(),
        }
    }
}

impl CalendarRef {
    fn of((id, first, last, sha256): &(String, i32, i32, String)) -> CalendarRef {
        CalendarRef {
            id: id.clone(),
            years: [*first, *last],
            sha256: sha256.clone(),
        }
    }
}

impl SummaryCoverage {
    fn of(
        ((policy, rule), c): (&(String, &'static str), &crate::audit::Coverage),
    ) -> SummaryCoverage {
        SummaryCoverage {
            policy: policy.clone(),
            rule: (*rule).to_owned(),
            in_scope: c.in_scope,
            evaluated: c.evaluated,
            passed: c.passed,
            flagged: c.flagged,
            not_evaluable: c.not_evaluable,
            reasons: c.reasons.clone(),
        }
    }
}

impl Previous {
    fn of(p: &crate::audit::PreviousComparison) -> Previous {
        Previous {
            path: p.path.clone(),
            found: p.found,
            new: p.new,
            resolved: p.resolved,
            persisting: p.persisting,
        }
    }
}

impl SummaryWaivers {
    /// With `--waivers`: how they met the findings.
    fn of(run: &AuditRun) -> Option<SummaryWaivers> {
        let (waivers, used) = run.triage.waivers.as_ref().zip(run.waiver_use.as_ref())?;
        Some(SummaryWaivers {
            path: waivers.path.clone(),
            applied: used.applied,
            expired: used.expired.len() as u64,
            unmatched: used.unmatched.len() as u64,
            findings_waived: used.findings_waived,
        })
    }
}

pub(super) fn write(summary: &Summary, path: &Path) -> io::Result<()> {
    let mut file = io::BufWriter::new(std::fs::File::create(path)?);
    serde_json::to_writer_pretty(&mut file, summary)?;
    file.write_all(b"\n")?;
    file.flush()
}
