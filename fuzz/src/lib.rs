//! What the fuzz targets share.

use rma_audit::ingest::fuzzing::xlsx_read;

/// Writes `bytes` to a temporary `.xlsx` and reads it by the parallel reader and by
/// calamine's: both must give the same header, rows and cells, or fail with the same message.
pub fn readers_agree(bytes: &[u8]) {
    let Ok(file) = tempfile::Builder::new().suffix(".xlsx").tempfile() else {
        return;
    };
    if std::fs::write(file.path(), bytes).is_err() {
        return;
    }
    let calamine = xlsx_read(file.path(), false);
    let fast = xlsx_read(file.path(), true);
    // Printed, so that a NaN cell equals itself.
    assert_eq!(format!("{fast:?}"), format!("{calamine:?}"));
}
