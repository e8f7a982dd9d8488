//! The size guard for zipped workbooks (XLSX, XLSM, XLSB, ODS): before calamine unpacks
//! anything, the zip central directory's uncompressed sizes are read, and a workbook with a
//! part larger than [`MAX_PART_BYTES`] is refused. A few kilobytes of deflated XML can unpack
//! to gigabytes (a "zip bomb"); refusing on the declared size keeps the run from running out
//! of memory on such a file.
//!
//! The limit can be lowered (or raised) for one run with the environment variable
//! [`MAX_PART_ENV`], a number of bytes.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::{unreadable, IngestError};

/// The largest uncompressed size of one part (a sheet's XML, the shared strings…) of a
/// zipped workbook: 2 GiB.
pub const MAX_PART_BYTES: u64 = 2 << 30;

/// The environment variable that overrides [`MAX_PART_BYTES`] (a number of bytes).
pub const MAX_PART_ENV: &str = "RMA_AUDIT_MAX_PART_BYTES";

/// The part size limit in force: [`MAX_PART_ENV`] when set to a number, else
/// [`MAX_PART_BYTES`].
pub fn max_part_bytes() -> u64 {
    std::env::var(MAX_PART_ENV)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(MAX_PART_BYTES)
}

/// Refuses a zipped workbook with a part that unpacks past `limit` bytes. A file that is no
/// zip archive passes: the workbook reader says what it is (encrypted, not a spreadsheet).
pub(super) fn check_part_sizes(path: &Path, shown: &str, limit: u64) -> Result<(), IngestError> {
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let Ok(archive) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(index) else {
            continue;
        };
        let size = entry.size();
        if size > limit {
            let name = entry
                .name()
                .map(|name| name.into_owned())
                .unwrap_or_else(|_| format!("#{index}"));
            return Err(unreadable(
                shown,
                format!(
                    "workbook part `{name}` unpacks to {size} bytes, over the limit of {limit} \
                     bytes (a damaged file or a zip bomb; {MAX_PART_ENV} sets the limit)"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A zip with one stored part of `len` bytes, whose central directory then claims
    /// `claimed` bytes when given.
    fn zip_with_part(name: &str, len: usize, claimed: Option<u32>) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        writer.start_file(name, options).unwrap();
        writer.write_all(&vec![b' '; len]).unwrap();
        let mut bytes = writer.finish().unwrap().into_inner();
        if let Some(claimed) = claimed {
            let central = bytes
                .windows(4)
                .rposition(|w| w == b"PK\x01\x02")
                .expect("a central directory entry");
            bytes[central + 24..central + 28].copy_from_slice(&claimed.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn the_default_limit_is_two_gibibytes() {
        assert_eq!(MAX_PART_BYTES, 2 * 1024 * 1024 * 1024);
    }

    #[test]
    fn a_part_declared_past_the_limit_is_refused_without_unpacking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.xlsx");
        // 3 GiB claimed in the central directory, 10 bytes really there.
        std::fs::write(
            &path,
            zip_with_part("xl/worksheets/sheet1.xml", 10, Some(3 << 30)),
        )
        .unwrap();
        let err = check_part_sizes(&path, "bomb.xlsx", MAX_PART_BYTES).unwrap_err();
        assert_eq!(
            err.to_string(),
            "bomb.xlsx: workbook part `xl/worksheets/sheet1.xml` unpacks to 3221225472 bytes, \
             over the limit of 2147483648 bytes (a damaged file or a zip bomb; \
             RMA_AUDIT_MAX_PART_BYTES sets the limit)"
        );
    }

    #[test]
    fn parts_within_the_limit_and_non_zips_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.xlsx");
        std::fs::write(&path, zip_with_part("xl/worksheets/sheet1.xml", 100, None)).unwrap();
        assert!(check_part_sizes(&path, "small.xlsx", 100).is_ok());
        assert!(check_part_sizes(&path, "small.xlsx", 99).is_err());
        let text = dir.path().join("text.xlsx");
        std::fs::write(&text, "ticket_id\nT1\n").unwrap();
        assert!(check_part_sizes(&text, "text.xlsx", 1).is_ok());
    }
}
