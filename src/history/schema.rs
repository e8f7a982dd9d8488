//! The history's tables, and the migrations that bring an older file up to date. The schema
//! version is SQLite's `user_version`; `application_id` marks the file as an rma-audit history.

use std::path::Path;

use rusqlite::Connection;

use super::HistoryError;

/// The schema this version writes (`PRAGMA user_version`): the number of migrations.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of a history: "RMAH".
const APPLICATION_ID: i64 = 0x524d_4148;

/// Each migration takes the schema from its index to the next version; run in order, each in
/// the transaction that sets the new version. Never edit one that has shipped: add another.
const MIGRATIONS: [&str; 1] = [V1];

/// Version 1: runs with their findings per category, their inputs, their findings and the
/// waivers applied to them.
const V1: &str = "
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY,
    as_of TEXT NOT NULL UNIQUE,
    as_of_date TEXT NOT NULL,
    as_of_epoch INTEGER NOT NULL,
    tool_version TEXT NOT NULL,
    command TEXT NOT NULL,
    policies_sha256 TEXT NOT NULL,
    calendars_sha256 TEXT NOT NULL,
    columns_read TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_audited INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    rows_duplicate INTEGER NOT NULL,
    rows_superseded INTEGER NOT NULL,
    rows_out_of_period INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    violations INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    infos INTEGER NOT NULL,
    new INTEGER NOT NULL,
    persisting INTEGER NOT NULL,
    resolved INTEGER NOT NULL,
    waived INTEGER NOT NULL,
    compared_with TEXT,
    currency TEXT NOT NULL,
    customer_overcharged TEXT NOT NULL,
    company_underrecovered TEXT NOT NULL
);
CREATE INDEX runs_by_time ON runs (as_of_epoch);

CREATE TABLE run_categories (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    findings INTEGER NOT NULL,
    PRIMARY KEY (run_id, category)
);

CREATE TABLE inputs (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    sheet TEXT,
    rows_read INTEGER NOT NULL,
    rows_audited INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    rows_duplicate INTEGER NOT NULL,
    rows_superseded INTEGER NOT NULL,
    rows_out_of_period INTEGER NOT NULL,
    PRIMARY KEY (run_id, position)
);

CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL,
    status TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    policy TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    clause TEXT NOT NULL,
    store TEXT,
    agent TEXT,
    courier TEXT,
    applied_month TEXT,
    amount TEXT,
    amount_cents INTEGER,
    money_side TEXT,
    late_by REAL,
    late_unit TEXT,
    source_file TEXT NOT NULL,
    source_row INTEGER NOT NULL
);
CREATE INDEX findings_by_run ON findings (run_id, finding_id);

CREATE TABLE waivers_applied (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL,
    waiver_row INTEGER NOT NULL,
    reason TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    expires TEXT
);
CREATE INDEX waivers_by_run ON waivers_applied (run_id);
";

/// Brings the file at `path` to [`SCHEMA_VERSION`]: creates the tables in an empty file,
/// applies the missing migrations to an older one, refuses a foreign or later one.
pub(super) fn migrate(connection: &mut Connection, path: &Path) -> Result<(), HistoryError> {
    let sql = |source| HistoryError::Sql {
        path: path.to_owned(),
        source,
    };
    // Taken at once as a writer, so two runs creating one file do not both migrate it.
    let transaction = connection
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sql)?;
    let pragma = |name: &str| -> Result<i64, HistoryError> {
        transaction
            .query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
            .map_err(sql)
    };
    let (version, application) = (pragma("user_version")?, pragma("application_id")?);
    let tables: i64 = transaction
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .map_err(sql)?;
    let foreign = |reason: String| HistoryError::Foreign {
        path: path.to_owned(),
        reason,
    };
    if application != APPLICATION_ID && (tables > 0 || version > 0) {
        return Err(foreign(format!(
            "an SQLite database with {tables} tables of another application"
        )));
    }
    if version > SCHEMA_VERSION {
        return Err(HistoryError::Newer {
            path: path.to_owned(),
            found: version,
        });
    }
    for migration in &MIGRATIONS[version as usize..] {
        transaction.execute_batch(migration).map_err(sql)?;
    }
    if version < SCHEMA_VERSION {
        transaction
            .execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
            ))
            .map_err(sql)?;
    }
    transaction.commit().map_err(sql)
}
