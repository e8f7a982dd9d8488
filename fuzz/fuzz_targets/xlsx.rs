//! Arbitrary bytes as an XLSX export: read every row. Nothing may panic or hang, every row is
//! a ticket or at least one rejection.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rma_audit::ingest::{read_all, Options, Row};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = tempfile::Builder::new().suffix(".xlsx").tempfile() else {
        return;
    };
    if std::fs::write(file.path(), data).is_err() {
        return;
    }
    if let Ok((_, rows)) = read_all(file.path(), 0, &Options::default()) {
        for row in rows {
            if let Row::Rejected(problems) = row {
                assert!(!problems.is_empty());
            }
        }
    }
});
