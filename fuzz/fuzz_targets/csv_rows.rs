//! Arbitrary bytes as a CSV export: open, resolve the header, parse every row. Nothing may
//! panic, every row is a ticket or at least one rejection, and row numbers only grow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rma_audit::ingest::{open, Options, Row, Schema};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = tempfile::Builder::new().suffix(".csv").tempfile() else {
        return;
    };
    if std::fs::write(file.path(), data).is_err() {
        return;
    }
    let options = Options::default();
    let Ok(mut reader) = open(file.path(), &options) else {
        return;
    };
    let Ok(schema) = Schema::for_reader(reader.as_ref(), 0, &options) else {
        return;
    };
    let mut last_row = 1;
    while let Ok(Some(raw)) = reader.next_row() {
        assert!(raw.row > last_row, "rows are numbered upwards");
        last_row = raw.row;
        match schema.parse(&raw) {
            Row::Ticket(ticket) => {
                assert!(!ticket.ticket_id.trim().is_empty());
                assert_eq!(ticket.source.row, raw.row);
            }
            Row::Rejected(problems) => {
                assert!(!problems.is_empty());
                assert!(problems.iter().all(|p| p.source_row == raw.row));
            }
        }
    }
});
