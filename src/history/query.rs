//! Reading the history back: the latest earlier run (for new / persisting / resolved), the
//! runs the Trends sheet shows, the listing of `rma-audit history`, and dropping a run.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{params, OptionalExtension};

use super::{History, HistoryError};
use crate::audit::{AuditRun, FindingStatus, PreviousRun, ResolvedFinding};
use crate::finding::Category;
use crate::report::{age_band, TrendRun, Trends};

/// One run as `rma-audit history FILE` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRun {
    /// The as-of, RFC 3339 with its offset.
    pub as_of: String,
    /// Tickets audited.
    pub tickets: u64,
    /// Findings.
    pub findings: u64,
    /// Findings the run it was compared with did not have.
    pub new: u64,
    /// Findings of the run it was compared with that it no longer had.
    pub resolved: u64,
}

/// When the findings of the latest earlier run were first seen, by `finding_id`: a finding
/// that run had keeps its date, any other is first seen now.
#[derive(Debug, Clone, Default)]
pub struct FirstSeen {
    dates: HashMap<String, NaiveDate>,
}

impl FirstSeen {
    /// The date the finding `id` was first seen, `today` when the earlier run did not have it.
    pub fn of(&self, id: &str, today: NaiveDate) -> NaiveDate {
        self.dates.get(id).copied().unwrap_or(today)
    }
}

impl History {
    /// The latest run recorded before `as_of`, as the earlier run to compare with; a run with
    /// nothing found when the history holds none (the first night).
    pub fn previous_run(&self, as_of: DateTime<FixedOffset>) -> Result<PreviousRun, HistoryError> {
        let sql = |source| self.sql_error(source);
        let latest: Option<(i64, String, String)> = self
            .connection
            .query_row(
                "SELECT run_id, as_of, columns_read FROM runs WHERE as_of_epoch < ?1
                 ORDER BY as_of_epoch DESC LIMIT 1",
                [as_of.timestamp()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(sql)?;
        let path = self.path.display().to_string();
        let Some((run_id, run_as_of, columns)) = latest else {
            return Ok(PreviousRun::from_history(path, None, None, Vec::new()));
        };
        let mut select = self
            .connection
            .prepare(
                "SELECT finding_id, ticket_id, rule, severity FROM findings WHERE run_id = ?1
                 ORDER BY rowid",
            )
            .map_err(sql)?;
        let findings = select
            .query_map([run_id], |row| {
                Ok(ResolvedFinding {
                    finding_id: row.get(0)?,
                    ticket_id: row.get(1)?,
                    rule: row.get(2)?,
                    severity: row.get(3)?,
                })
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?;
        let columns = serde_json::from_str(&columns).ok();
        Ok(PreviousRun::from_history(
            path,
            Some(run_as_of),
            columns,
            findings,
        ))
    }

    /// What the Trends sheet shows beside `run`: the runs recorded before its as-of (at most
    /// [`Trends::RUNS`]` - 1`, oldest first), and its open findings by how long ago they were
    /// first seen (`first_seen`, from [`History::first_seen`]).
    pub fn trends(&self, run: &AuditRun, first_seen: &FirstSeen) -> Result<Trends, HistoryError> {
        let sql = |source| self.sql_error(source);
        let as_of = run.as_of.unwrap_or_default();
        let mut select = self
            .connection
            .prepare(
                "SELECT run_id, as_of_date, rows_audited, violations, new, resolved FROM runs
                 WHERE as_of_epoch < ?1 ORDER BY as_of_epoch DESC LIMIT ?2",
            )
            .map_err(sql)?;
        let mut earlier = select
            .query_map(params![as_of.timestamp(), Trends::RUNS - 1], |row| {
                let date: String = row.get(1)?;
                Ok((
                    row.get::<_, i64>(0)?,
                    TrendRun {
                        as_of: date.parse().unwrap_or_default(),
                        tickets: row.get(2)?,
                        violations: row.get(3)?,
                        new: row.get(4)?,
                        resolved: row.get(5)?,
                        by_category: [0; 6],
                    },
                ))
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?;
        earlier.reverse();
        let mut by_category = self
            .connection
            .prepare("SELECT category, findings FROM run_categories WHERE run_id = ?1")
            .map_err(sql)?;
        for (run_id, trend) in &mut earlier {
            let counts = by_category
                .query_map([*run_id], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))
                .map_err(sql)?;
            for count in counts {
                let (category, count) = count.map_err(sql)?;
                if let Some(category) = Category::ALL.into_iter().find(|c| c.as_str() == category) {
                    trend.add(category, count);
                }
            }
        }
        Ok(Trends {
            history: self.path.display().to_string(),
            earlier: earlier.into_iter().map(|(_, trend)| trend).collect(),
            ages: self.open_ages(run, first_seen)?,
            recorded: run.untrusted.is_empty(),
        })
    }

    /// When each finding of the latest run recorded before `as_of` was first seen: the
    /// start of its unbroken presence in the runs up to that one.
    pub fn first_seen(&self, as_of: DateTime<FixedOffset>) -> Result<FirstSeen, HistoryError> {
        let sql = |source| self.sql_error(source);
        let mut select = self
            .connection
            .prepare(
                "SELECT finding_id, first_seen FROM findings WHERE run_id = (
                     SELECT run_id FROM runs WHERE as_of_epoch < ?1
                     ORDER BY as_of_epoch DESC LIMIT 1)",
            )
            .map_err(sql)?;
        let dates = select
            .query_map([as_of.timestamp()], |row| {
                let date: String = row.get(1)?;
                Ok((row.get(0)?, date.parse().unwrap_or_default()))
            })
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        Ok(FirstSeen { dates })
    }

    /// The run's findings not waived, each id once, by the age band of when they were first
    /// seen.
    fn open_ages(&self, run: &AuditRun, first_seen: &FirstSeen) -> Result<[u64; 4], HistoryError> {
        let today = run.as_of.unwrap_or_default().date_naive();
        let mut ages = [0; 4];
        let mut counted = std::collections::HashSet::new();
        run.each_finding(|finding, _| {
            let id = finding.finding_id();
            if matches!(
                run.triage.status_by_id(finding, &id),
                Some((FindingStatus::Waived, _))
            ) {
                return;
            }
            let first = first_seen.of(&id, today);
            if counted.insert(id) {
                ages[age_band(first, today)] += 1;
            }
        })
        .map_err(|err| self.read_back_error(err))?;
        Ok(ages)
    }

    /// Every recorded run, oldest first.
    pub fn list(&self) -> Result<Vec<ListedRun>, HistoryError> {
        let sql = |source| self.sql_error(source);
        let mut select = self
            .connection
            .prepare(
                "SELECT as_of, rows_audited, findings, new, resolved FROM runs
                 ORDER BY as_of_epoch",
            )
            .map_err(sql)?;
        let runs = select
            .query_map([], |row| {
                Ok(ListedRun {
                    as_of: row.get(0)?,
                    tickets: row.get(1)?,
                    findings: row.get(2)?,
                    new: row.get(3)?,
                    resolved: row.get(4)?,
                })
            })
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql);
        runs
    }

    /// Removes the run recorded as of `as_of` (its RFC 3339 text as listed, or its date when
    /// one run has that date) with everything recorded of it; returns its as-of.
    pub fn drop_run(&mut self, as_of: &str) -> Result<String, HistoryError> {
        let sql = |source| HistoryError::Sql {
            path: self.path.clone(),
            source,
        };
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let matching: Vec<String> = transaction
            .prepare(
                "SELECT as_of FROM runs WHERE as_of = ?1 OR as_of_date = ?1 ORDER BY as_of_epoch",
            )
            .and_then(|mut select| {
                select
                    .query_map([as_of.trim()], |row| row.get(0))?
                    .collect::<Result<_, _>>()
            })
            .map_err(sql)?;
        let found = match matching.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(HistoryError::NoSuchRun {
                    path: self.path.clone(),
                    message: format!(
                        "no run as of {as_of} (see `rma-audit history {}`)",
                        self.path.display()
                    ),
                })
            }
            several => {
                return Err(HistoryError::NoSuchRun {
                    path: self.path.clone(),
                    message: format!(
                        "{} runs are as of {as_of} ({}): give the one to drop in full",
                        several.len(),
                        several.join(", ")
                    ),
                })
            }
        };
        transaction
            .execute("DELETE FROM runs WHERE as_of = ?1", [&found])
            .map_err(sql)?;
        transaction.commit().map_err(sql)?;
        Ok(found)
    }
}
