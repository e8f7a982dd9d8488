//! Writing a run into the history: one transaction that replaces any run of the same as-of.

use rusqlite::{params, Transaction};

use super::{FirstSeen, History, HistoryError};
use crate::audit::{money_side, AuditRun, FindingStatus, MoneySide};
use crate::finding::{format_money, Category, Finding, Severity};
use crate::report::{RunMeta, Summary};
use crate::ticket::Ticket;

/// Test hook, never set in production: the path of a file the writer creates once every row
/// of the run is written but before the transaction commits, then waits there for a minute —
/// so a test can kill the process in the middle of the history write.
pub const PAUSE_FOR_TESTS: &str = "RMA_AUDIT_TEST_PAUSE_IN_HISTORY_WRITE";

impl History {
    /// Records the run (its outputs already in place) in one transaction; a run recorded
    /// with the same as-of is replaced. `first_seen` ([`History::first_seen`]) dates its
    /// findings.
    pub fn record(
        &mut self,
        run: &AuditRun,
        meta: &RunMeta,
        summary: &Summary,
        first_seen: &FirstSeen,
    ) -> Result<(), HistoryError> {
        let path = self.path.clone();
        let sql = |source| HistoryError::Sql {
            path: path.clone(),
            source,
        };
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        transaction
            .execute("DELETE FROM runs WHERE as_of = ?1", [&summary.as_of])
            .map_err(sql)?;
        let run_id = insert_run(&transaction, run, meta, summary).map_err(sql)?;
        insert_inputs(&transaction, run_id, run).map_err(sql)?;
        insert_categories(&transaction, run_id, summary).map_err(sql)?;
        let waived =
            insert_findings(&transaction, run_id, run, first_seen).map_err(|err| match err {
                Failure::Sql(source) => sql(source),
                Failure::Spill(source) => HistoryError::ReadBack {
                    path: path.clone(),
                    source,
                },
            })?;
        transaction
            .execute(
                "UPDATE runs SET waived = ?1 WHERE run_id = ?2",
                params![waived, run_id],
            )
            .map_err(sql)?;
        if let Some(marker) = std::env::var_os(PAUSE_FOR_TESTS) {
            let _ = std::fs::write(marker, b"paused in the history write\n");
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
        transaction.commit().map_err(sql)
    }
}

/// What can stop the findings being written: SQLite, or reading back spilled findings.
enum Failure {
    Sql(rusqlite::Error),
    Spill(std::io::Error),
}

/// The hex SHA-256 of the lines `id version sha256` (or `id first-last sha256`), sorted: one
/// hash that changes when any policy (or calendar) file the run loaded changes.
fn set_hash(lines: impl Iterator<Item = String>) -> String {
    use sha2::{Digest, Sha256};
    let mut lines: Vec<String> = lines.collect();
    lines.sort();
    let mut hasher = Sha256::new();
    for line in lines {
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    }
    format!("{:x}", hasher.finalize())
}

fn insert_run(
    transaction: &Transaction<'_>,
    run: &AuditRun,
    meta: &RunMeta,
    summary: &Summary,
) -> rusqlite::Result<i64> {
    let as_of = run.as_of.unwrap_or_default();
    let severity = |s: Severity| summary.findings_by_severity.get(s.as_str()).copied();
    let previous = run.previous.as_ref();
    let compared_with = previous.filter(|p| p.found).map(|p| {
        p.history_as_of
            .clone()
            .unwrap_or_else(|| format!("directory {}", p.path))
    });
    let policies = set_hash(
        meta.policies
            .iter()
            .map(|(id, v, sha)| format!("{id} {v} {sha}")),
    );
    let calendars = set_hash(
        (meta.calendars.iter()).map(|(id, from, to, sha)| format!("{id} {from}-{to} {sha}")),
    );
    let json = |value: &[String]| serde_json::to_string(value).unwrap_or_default();
    transaction.execute(
        "INSERT INTO runs (as_of, as_of_date, as_of_epoch, tool_version, command,
             policies_sha256, calendars_sha256, columns_read, rows_read, rows_audited,
             rows_rejected, rows_duplicate, rows_superseded, rows_out_of_period, findings,
             violations, warnings, infos, new, persisting, resolved, waived, compared_with,
             currency, customer_overcharged, company_underrecovered)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, ?21, 0, ?22, ?23, ?24, ?25)",
        params![
            summary.as_of,
            as_of.date_naive().to_string(),
            as_of.timestamp(),
            meta.tool_version,
            json(&summary.command),
            policies,
            calendars,
            json(&summary.columns_read),
            summary.totals.rows_read,
            summary.totals.rows_audited,
            summary.totals.rows_rejected,
            summary.totals.rows_duplicate,
            summary.totals.rows_superseded,
            summary.totals.rows_out_of_period,
            summary.totals.findings,
            severity(Severity::Violation),
            severity(Severity::Warning),
            severity(Severity::Info),
            previous.map_or(summary.totals.findings, |p| p.new),
            previous.map_or(0, |p| p.persisting),
            previous.map_or(0, |p| p.resolved),
            compared_with,
            summary.money.currency,
            summary.money.customer_overcharged,
            summary.money.company_underrecovered,
        ],
    )?;
    Ok(transaction.last_insert_rowid())
}

fn insert_inputs(
    transaction: &Transaction<'_>,
    run_id: i64,
    run: &AuditRun,
) -> rusqlite::Result<()> {
    let mut insert = transaction.prepare(
        "INSERT INTO inputs (run_id, position, path, sha256, sheet, rows_read, rows_audited,
             rows_rejected, rows_duplicate, rows_superseded, rows_out_of_period)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (position, input) in run.inputs.iter().enumerate() {
        insert.execute(params![
            run_id,
            position,
            input.path,
            input.sha256,
            input.sheet,
            input.rows_read,
            input.rows_audited,
            input.rows_rejected,
            input.rows_duplicate,
            input.rows_superseded,
            input.rows_out_of_period,
        ])?;
    }
    Ok(())
}

/// Writes the run's findings per category, every category of the catalogue, zeros included.
fn insert_categories(
    transaction: &Transaction<'_>,
    run_id: i64,
    summary: &Summary,
) -> rusqlite::Result<()> {
    let mut counts = [0u64; 6];
    for (rule, count) in &summary.findings_by_rule {
        if let Some(category) = Category::of_rule(rule) {
            if let Some(index) = Category::ALL.iter().position(|c| *c == category) {
                counts[index] += count;
            }
        }
    }
    let mut insert = transaction
        .prepare("INSERT INTO run_categories (run_id, category, findings) VALUES (?1, ?2, ?3)")?;
    for (category, count) in Category::ALL.iter().zip(counts) {
        insert.execute(params![run_id, category.as_str(), count])?;
    }
    Ok(())
}

/// Writes every finding with its status and ticket columns, and the waiver of each waived
/// one; returns how many were waived.
fn insert_findings(
    transaction: &Transaction<'_>,
    run_id: i64,
    run: &AuditRun,
    first_seen: &FirstSeen,
) -> Result<u64, Failure> {
    let mut finding_row = transaction
        .prepare(
            "INSERT INTO findings (run_id, finding_id, status, first_seen, ticket_id, rule,
                 category, severity, policy, policy_version, clause, store, agent, courier,
                 applied_month, amount, amount_cents, money_side, late_by, late_unit,
                 source_file, source_row)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19, ?20, ?21, ?22)",
        )
        .map_err(Failure::Sql)?;
    let mut waiver_row = transaction
        .prepare(
            "INSERT INTO waivers_applied (run_id, finding_id, waiver_row, reason, approved_by,
                 expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(Failure::Sql)?;
    let zones: Zones<'_> = (run.policies_used.iter())
        .map(|((id, version), policy)| ((id.as_str(), version.as_str()), policy.timezone))
        .collect();
    let today = run.as_of.unwrap_or_default().date_naive();
    let mut failed = None;
    let mut waived = 0u64;
    run.each_finding(|finding, ticket| {
        if failed.is_some() {
            return;
        }
        let id = finding.finding_id();
        let (status, waiver) = run
            .triage
            .status_by_id(finding, &id)
            .unwrap_or((FindingStatus::New, None));
        let mut write = || -> rusqlite::Result<()> {
            let key = (run_id, id.as_str(), status, first_seen.of(&id, today));
            write_finding(&mut finding_row, key, finding, ticket, (run, &zones))?;
            if let Some(waiver) = waiver {
                waived += 1;
                waiver_row.execute(params![
                    run_id,
                    id,
                    waiver.row,
                    waiver.reason,
                    waiver.approved_by,
                    waiver.expires.map(|d| d.to_string()),
                ])?;
            }
            Ok(())
        };
        failed = write().err();
    })
    .map_err(Failure::Spill)?;
    match failed {
        Some(err) => Err(Failure::Sql(err)),
        None => Ok(waived),
    }
}

/// (policy id, version) → the policy's timezone, for the month a ticket was applied for.
type Zones<'a> = foldhash::HashMap<(&'a str, &'a str), chrono_tz::Tz>;

/// Writes one finding's row.
fn write_finding(
    insert: &mut rusqlite::Statement<'_>,
    (run_id, id, status, first_seen): (i64, &str, FindingStatus, chrono::NaiveDate),
    finding: &Finding,
    ticket: Option<&Ticket>,
    (run, zones): (&AuditRun, &Zones<'_>),
) -> rusqlite::Result<()> {
    let zone = zones
        .get(&(finding.policy.as_str(), finding.policy_version.as_str()))
        .copied()
        .unwrap_or(chrono_tz::UTC);
    let applied_month = ticket
        .and_then(|t| t.applied_at.as_ref())
        .map(|when| when.date_in(zone).format("%Y-%m").to_string());
    let cents = finding.amount.map(|amount| {
        let scaled = (amount * rust_decimal::Decimal::ONE_HUNDRED).round();
        rust_decimal::prelude::ToPrimitive::to_i64(&scaled).unwrap_or_default()
    });
    let side = money_side(finding).map(|side| match side {
        MoneySide::CustomerOvercharged => "customer_overcharged",
        MoneySide::CompanyUnderrecovered => "company_underrecovered",
    });
    let late_by = finding
        .late_by
        .map(|l| rust_decimal::prelude::ToPrimitive::to_f64(&l.value).unwrap_or_default());
    let file = run
        .inputs
        .get(finding.source.input)
        .map_or("", |i| i.path.as_str());
    insert.execute(params![
        run_id,
        id,
        status.as_str(),
        first_seen.to_string(),
        finding.ticket_id,
        finding.rule,
        finding.category.as_str(),
        finding.severity.as_str(),
        finding.policy,
        finding.policy_version,
        finding.clause,
        ticket.and_then(|t| t.store.as_deref()),
        ticket.and_then(|t| t.agent.as_deref()),
        ticket.and_then(|t| t.courier.as_deref()),
        applied_month,
        finding.amount.map(format_money),
        cents,
        side,
        late_by,
        finding.late_by.map(|l| l.unit.as_str()),
        file,
        finding.source.row,
    ])?;
    Ok(())
}
