use super::*;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn a_new_file_gets_the_current_schema_and_opens_again() {
    let dir = temp();
    let path = dir.path().join("history.sqlite");
    let history = History::open(&path).unwrap();
    let version: i64 = history
        .connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = history
        .connection
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(history);
    let again = History::open(&path).unwrap();
    assert!(again.list().unwrap().is_empty());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    let dir = temp();
    let path = dir.path().join("notes.sqlite");
    std::fs::write(&path, "as_of,findings\n2026-01-31,12\n".repeat(100)).unwrap();
    let err = History::open(&path).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not an rma-audit history (not an SQLite database)",
            path.display()
        )
    );
}

#[test]
fn another_applications_database_is_refused_and_left_alone() {
    let dir = temp();
    let path = dir.path().join("crm.db");
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch("CREATE TABLE customers (id INTEGER); INSERT INTO customers VALUES (7);")
        .unwrap();
    drop(other);
    let err = History::open(&path).err().unwrap();
    assert!(
        err.to_string().ends_with(
            "not an rma-audit history (an SQLite database with 1 tables of another application)"
        ),
        "{err}"
    );
    let other = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = other
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .unwrap();
    assert_eq!(tables, 1, "nothing was added to it");
}

#[test]
fn a_history_of_a_later_schema_is_refused() {
    let dir = temp();
    let path = dir.path().join("history.sqlite");
    let history = History::open(&path).unwrap();
    history
        .connection
        .execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
        .unwrap();
    drop(history);
    let err = History::open(&path).err().unwrap();
    assert!(
        err.to_string().contains(&format!(
            "written by a later rma-audit (history schema {}; this version knows up to {SCHEMA_VERSION})",
            SCHEMA_VERSION + 1
        )),
        "{err}"
    );
}

#[test]
fn listing_a_missing_history_does_not_create_it() {
    let dir = temp();
    let path = dir.path().join("nowhere.sqlite");
    let err = History::open_existing(&path).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!("{}: no such history file", path.display())
    );
    assert!(!path.exists());
}

#[test]
fn dropping_a_run_that_is_not_there_names_the_listing() {
    let dir = temp();
    let path = dir.path().join("history.sqlite");
    let mut history = History::open(&path).unwrap();
    let err = history.drop_run("2026-01-31").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{0}: no run as of 2026-01-31 (see `rma-audit history {0}`)",
            path.display()
        )
    );
}
