//! The run history (`--history FILE`): an SQLite database recording every trusted run — its
//! as-of, inputs, totals and each finding with its status — read back for the comparison with
//! the latest earlier run, the Trends sheet and `rma-audit history`, and by any SQLite client
//! (docs/HISTORY.md lists the tables and columns).
//!
//! A run is written in one transaction once its outputs are in place: the same as-of again
//! replaces that run, a killed run leaves the history as it was, and runs sharing a file wait
//! for each other (write-ahead log, busy timeout).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

mod query;
mod record;
mod schema;

pub use query::{FirstSeen, ListedRun};
pub use record::PAUSE_FOR_TESTS;
pub use schema::SCHEMA_VERSION;

/// How long a run waits for another run writing the same history before it gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// An open history file.
pub struct History {
    connection: Connection,
    /// The file as given on the command line, for messages.
    path: PathBuf,
}

/// A history that cannot be opened, read or written; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// `rma-audit history FILE` on a file that does not exist.
    #[error("{0}: no such history file")]
    Missing(PathBuf),
    /// The file is not an rma-audit history (another database, or not SQLite at all).
    #[error("{path}: not an rma-audit history ({reason})")]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What it is instead.
        reason: String,
    },
    /// The history was written by a later version with a schema this version does not know.
    #[error(
        "{path}: written by a later rma-audit (history schema {found}; this version knows up \
         to {SCHEMA_VERSION})"
    )]
    Newer {
        /// The file.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
    },
    /// `--drop` named no recorded run, or a date several runs share.
    #[error("{path}: {message}")]
    NoSuchRun {
        /// The file.
        path: PathBuf,
        /// What was asked and what the history holds.
        message: String,
    },
    /// The run's findings spilled to disk could not be read back.
    #[error("{path}: cannot read back the spilled findings: {source}")]
    ReadBack {
        /// The history file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// SQLite could not read or write the file.
    #[error("{path}: {source}")]
    Sql {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
}

impl History {
    /// Opens the history at `path`, creating it (and bringing its schema up to date) on
    /// first use. Its parent directory must exist.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        History::open_with(path, flags)
    }

    /// Opens a history that must already exist (`rma-audit history FILE`).
    pub fn open_existing(path: &Path) -> Result<History, HistoryError> {
        if !path.is_file() {
            return Err(HistoryError::Missing(path.to_owned()));
        }
        History::open_with(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<History, HistoryError> {
        let connection = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|source| HistoryError::Sql {
                path: path.to_owned(),
                source,
            })?;
        let mut history = History {
            connection,
            path: path.to_owned(),
        };
        history.configure()?;
        schema::migrate(&mut history.connection, path)?;
        Ok(history)
    }

    /// Waits for other writers, writes through a log so readers never block the writer, and
    /// lets deleting a run delete its rows.
    fn configure(&mut self) -> Result<(), HistoryError> {
        let sql = |source| self.sql_error(source);
        self.connection.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        // The first statement that reads the file: a file that is not SQLite fails here.
        let mode: String = self
            .connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(|source| self.foreign_or_sql(source))?;
        if !mode.eq_ignore_ascii_case("wal") {
            // A file system without shared memory keeps the rollback journal: still atomic.
            eprintln!(
                "rma-audit: {}: history kept with a rollback journal ({mode})",
                self.path.display()
            );
        }
        // 32 MiB of pages (the default is 2 MiB): the index by finding id takes each run's
        // findings at random places, and a year of large runs makes it larger than that.
        self.connection
            .pragma_update(None, "cache_size", -32_768)
            .map_err(sql)?;
        self.connection
            .pragma_update(None, "foreign_keys", true)
            .map_err(sql)
    }

    /// The file as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql_error(&self, source: rusqlite::Error) -> HistoryError {
        HistoryError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    fn read_back_error(&self, source: std::io::Error) -> HistoryError {
        HistoryError::ReadBack {
            path: self.path.clone(),
            source,
        }
    }

    /// "file is not a database" is a foreign file, not a failure of SQLite.
    fn foreign_or_sql(&self, source: rusqlite::Error) -> HistoryError {
        match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => HistoryError::Foreign {
                path: self.path.clone(),
                reason: "not an SQLite database".into(),
            },
            _ => self.sql_error(source),
        }
    }
}

#[cfg(test)]
mod tests;
