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

/// The whole of `summary.json`, its keys in this order.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The program that wrote the file and its version.
    pub tool: Tool,
    /// The as-of instant the deadlines were judged at, RFC 3339 to the second with its offset
    /// (`2026-11-15T23:59:59+08:00`); an empty string if the run had none.
    pub as_of: String,
    /// The command line as given, program name first, one argument per element.
    pub command: Vec<String>,
    /// One entry per input file, in command-line order, with its row reconciliation.
    pub inputs: Vec<SummaryInput>,
    /// The row reconciliation of all inputs together, and the number of findings.
    pub totals: Totals,
    /// Number of findings per rule id; every rule of the catalogue is a key, zeros included.
    pub findings_by_rule: BTreeMap<String, u64>,
    /// Number of findings per severity (`violation`, `warning`, …); every severity is a key,
    /// zeros included.
    pub findings_by_severity: BTreeMap<String, u64>,
    /// The money at stake in the findings, in the policies' currency.
    pub money: Money,
    /// Every policy version loaded, with the SHA-256 of its file.
    pub policies: Vec<PolicyRef>,
    /// Every holiday calendar loaded, with the years it covers and the SHA-256 of its file.
    pub calendars: Vec<CalendarRef>,
    /// One entry per (policy, rule) that applies to a policy used: how many tickets the rule
    /// could and could not judge.
    pub coverage: Vec<SummaryCoverage>,
    /// With `--previous`: the comparison with the earlier run's findings; `null` without it.
    pub previous: Option<Previous>,
    /// The canonical columns any input provided.
    pub columns_read: Vec<String>,
    /// Every canonical column no input provided, with the rules it left not evaluable.
    pub missing_columns: Vec<SummaryMissingColumn>,
    /// How `--waivers` met the findings (absent without it).
    pub waivers: Option<SummaryWaivers>,
    /// Every warning the run printed on standard error, each input's header warnings first,
    /// one message per element; empty when there were none.
    pub warnings: Vec<String>,
    /// Why the result cannot be trusted (exit status 4); empty when it can.
    pub untrusted: Vec<String>,
    /// An untrusted run keeps the findings of the run it compared with, and the next run
    /// compares with those (absent when the result can be trusted).
    pub baseline: Option<SummaryBaseline>,
}

/// `baseline`: where an untrusted run kept the findings of the run it compared with.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryBaseline {
    /// The file beside `summary.json` that holds them.
    pub file: String,
    /// The earlier run's directory they came from.
    pub from: String,
    /// The canonical columns that run read; `null` when its `summary.json` did not record them.
    pub columns_read: Option<Vec<String>>,
}

/// One entry of `missing_columns`: a canonical column no input provided.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryMissingColumn {
    /// The canonical column name (`received_at`).
    pub column: String,
    /// The rule ids that need the column and so were not evaluable; may be empty.
    pub rules: Vec<String>,
}

/// `waivers`: how the `--waivers` file met the findings; all counts.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryWaivers {
    /// The waivers file as given to `--waivers`.
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

/// `tool`: the program that wrote the file.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// Always `rma-audit`.
    pub name: String,
    /// The program's version (`0.1.0`).
    pub version: String,
}

/// One entry of `inputs`: an input file and its row reconciliation, where `rows_read` =
/// `rows_audited` + `rows_rejected` + `rows_duplicate` + `rows_superseded` +
/// `rows_out_of_period`.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryInput {
    /// The path as given on the command line.
    pub path: String,
    /// SHA-256 of the file's bytes, 64 lowercase hex digits.
    pub sha256: String,
    /// The worksheet read from a workbook input; `null` for CSV and Parquet.
    pub sheet: Option<String>,
    /// Data rows read (header and title rows excluded).
    pub rows_read: u64,
    /// Rows whose ticket was audited.
    pub rows_audited: u64,
    /// Rows refused for a bad value, each listed in `rejected.csv`.
    pub rows_rejected: u64,
    /// Rows that repeat a ticket already read, and so were not audited again.
    pub rows_duplicate: u64,
    /// Rows of a ticket that a later row of the same ticket replaces (the mapping's `[latest]`).
    pub rows_superseded: u64,
    /// Rows applied for outside `--from`/`--to`.
    pub rows_out_of_period: u64,
    /// The canonical columns this input provided.
    pub columns: Vec<String>,
}

/// `totals`: the `inputs` row counts summed over every input, with the same reconciliation,
/// and the number of findings.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Data rows read from all inputs.
    pub rows_read: u64,
    /// Rows whose ticket was audited.
    pub rows_audited: u64,
    /// Rows refused for a bad value (the rows of `rejected.csv`, counted once per row).
    pub rows_rejected: u64,
    /// Rows that repeat a ticket already read.
    pub rows_duplicate: u64,
    /// Rows that a later row of the same ticket replaces.
    pub rows_superseded: u64,
    /// Rows applied for outside `--from`/`--to`.
    pub rows_out_of_period: u64,
    /// Findings written to `findings.csv`, waived ones included.
    pub findings: u64,
}

/// The money of the findings. `customer_overcharged` and `company_underrecovered` add up every
/// finding's amount by side; `freight` is exactly the Freight reconciliation sheet's total
/// line; the other three name the rest of the money by what it is.
#[derive(Debug, Clone, Serialize)]
pub struct Money {
    /// Currency code of every amount here (`CNY`), from the policies used; `CNY` when none was.
    pub currency: String,
    /// Money charged to or withheld from customers beyond what the policy allows, summed over
    /// the findings; two-decimal string (`"120.50"`).
    pub customer_overcharged: String,
    /// Money the company gave away or failed to recover against the policy, summed over the
    /// findings; two-decimal string.
    pub company_underrecovered: String,
    /// The freight deduction totals, equal to the cent to the Freight reconciliation sheet's.
    pub freight: FreightMoney,
    /// Repair fees charged for repairs the warranty covers (`eligibility.charged-in-warranty`);
    /// two-decimal string.
    pub repair_fees_charged_in_warranty: String,
    /// Refunds granted that the policy does not allow (outside the window, conditions failed,
    /// goods sent back late); two-decimal string.
    pub refunds_outside_policy: String,
    /// Amounts at stake on no side: refunds paid late or held back; two-decimal string.
    pub other_at_stake: String,
}

/// The Freight reconciliation's total line: deductions taken and expected, the customers'
/// over-charge, the company's under-recovery, and the net (over-charged − under-recovered).
#[derive(Debug, Clone, Serialize)]
pub struct FreightMoney {
    /// Sum of the tickets' `freight_deducted`; two-decimal string.
    pub deducted: String,
    /// What the policies say should have been deducted (what was taken where they say
    /// nothing); two-decimal string.
    pub expected: String,
    /// Customer over-charge of the freight findings; two-decimal string.
    pub customer_overcharged: String,
    /// Company under-recovery of the freight findings; two-decimal string.
    pub company_underrecovered: String,
    /// `customer_overcharged` − `company_underrecovered`; two-decimal string, may be negative.
    pub net: String,
}

/// One entry of `policies`: a policy version the run loaded.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRef {
    /// The policy id (`joining`).
    pub id: String,
    /// The version the policy file declares.
    pub version: String,
    /// SHA-256 of the policy file, 64 lowercase hex digits.
    pub sha256: String,
}

/// One entry of `calendars`: a holiday calendar the run loaded.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarRef {
    /// The calendar id (`cn`).
    pub id: String,
    /// The first and last year it covers, both included (`[2023, 2026]`).
    pub years: [i32; 2],
    /// SHA-256 of the calendar file, 64 lowercase hex digits.
    pub sha256: String,
}

/// One entry of `coverage`: how one rule fared on one policy's tickets, where `in_scope` =
/// `evaluated` + `not_evaluable` and `evaluated` = `passed` + `flagged`.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryCoverage {
    /// The policy id.
    pub policy: String,
    /// The rule id (`refund-cycle.late`).
    pub rule: String,
    /// Tickets of this policy the rule applies to.
    pub in_scope: u64,
    /// Tickets the rule could judge.
    pub evaluated: u64,
    /// Judged tickets that comply.
    pub passed: u64,
    /// Judged tickets that gave a finding.
    pub flagged: u64,
    /// Tickets in scope the rule could not judge (a value missing, a calendar not covering
    /// the year…).
    pub not_evaluable: u64,
    /// Number of not-evaluable tickets per reason (`"no received_at"`); sums to
    /// `not_evaluable`, empty when that is 0.
    pub reasons: BTreeMap<String, u64>,
}

/// `previous`: this run's findings against the earlier run's, matched by `finding_id`.
#[derive(Debug, Clone, Serialize)]
pub struct Previous {
    /// The directory given to `--previous`.
    pub path: String,
    /// Whether the directory held an earlier `findings.csv` (false on the first night).
    pub found: bool,
    /// Findings of this run the earlier run did not have.
    pub new: u64,
    /// Findings of the earlier run this run no longer has.
    pub resolved: u64,
    /// Findings both runs have.
    pub persisting: u64,
    /// With `--history` and no `--previous`: the as-of of the run read from the history
    /// (`path` is then the history file); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_as_of: Option<String>,
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

/// Adds one to `key`'s count; the key is copied only when it is new (every rule and severity
/// is listed beforehand).
fn count(counts: &mut BTreeMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            counts.insert(key.to_owned(), 1);
        }
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
            count(&mut counts.by_rule, finding.rule);
            count(&mut counts.by_severity, finding.severity.as_str());
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
            history_as_of: p.history_as_of.clone(),
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
