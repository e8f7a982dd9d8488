//! The guard for zipped workbooks (XLSX, XLSM, XLSB, ODS) against "zip bombs": a few
//! kilobytes of deflated XML that unpack to gigabytes. Before calamine unpacks anything, the
//! zip central directory is read and a workbook is refused when one of its parts
//!
//! - unpacks to more than [`MAX_PART_BYTES`] (the environment variable [`MAX_PART_ENV`]
//!   sets another limit, a number of bytes);
//! - inflates more than [`MAX_INFLATE_RATIO`] times its compressed size
//!   ([`MAX_RATIO_ENV`] sets another ratio). Apache POI's `ZipSecureFile` refuses the same
//!   parts: its `MIN_INFLATE_RATIO` is 0.01, compressed bytes at least 1 % of the inflated
//!   ones. Like POI (`GRACE_ENTRY_SIZE`), parts under [`RATIO_GRACE_BYTES`] (100 KiB) are not
//!   held to the ratio: a small part of repeated XML can legitimately compress further;
//! - declares more compressed bytes than the file holds (the parts' compressed sizes added
//!   up pass the file's length), which would let a lie about the ratio through.
//!
//! The central directory can lie: it may declare small sizes for a part whose deflate stream
//! inflates far more. The second check happens while inflating. calamine reads every part
//! through the `zip` crate, which since 9.4.1 fails a read as soon as a part inflates past
//! its declared uncompressed size ("File is larger than its declared uncompressed size"),
//! so no part ever yields more than its declared size — which the checks above bounded by the
//! limit and by the ratio times compressed bytes that are in the file. When reading fails,
//! [`find_lying_part`] inflates the parts again, each up to its declared size, to name the
//! part that lied.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::{grouped, unreadable, IngestError};

/// The largest uncompressed size of one part (a sheet's XML, the shared strings…) of a
/// zipped workbook: 2 GiB.
pub const MAX_PART_BYTES: u64 = 2 << 30;

/// The environment variable that overrides [`MAX_PART_BYTES`] (a number of bytes).
pub const MAX_PART_ENV: &str = "RMA_AUDIT_MAX_PART_BYTES";

/// The largest inflate ratio (uncompressed size / compressed size) of a part: 100, as Apache
/// POI's `ZipSecureFile.MIN_INFLATE_RATIO` = 0.01.
pub const MAX_INFLATE_RATIO: u64 = 100;

/// The environment variable that overrides [`MAX_INFLATE_RATIO`] (a whole number).
pub const MAX_RATIO_ENV: &str = "RMA_AUDIT_MAX_INFLATE_RATIO";

/// Parts smaller than this (uncompressed) are not held to the ratio: 100 KiB, Apache POI's
/// `ZipSecureFile` grace size. A few hundred bytes of repeated XML can compress past 100:1,
/// and a part this small cannot hurt.
pub const RATIO_GRACE_BYTES: u64 = 100 * 1024;

/// The part size limit in force: [`MAX_PART_ENV`] when set to a number, else
/// [`MAX_PART_BYTES`].
pub fn max_part_bytes() -> u64 {
    std::env::var(MAX_PART_ENV)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(MAX_PART_BYTES)
}

/// The inflate ratio limit in force: [`MAX_RATIO_ENV`] when set to a positive whole number,
/// else [`MAX_INFLATE_RATIO`].
pub fn max_inflate_ratio() -> u64 {
    std::env::var(MAX_RATIO_ENV)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .filter(|ratio| *ratio > 0)
        .unwrap_or(MAX_INFLATE_RATIO)
}

/// The limits a zipped workbook's parts are held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PartLimits {
    /// Uncompressed bytes of one part.
    pub bytes: u64,
    /// Uncompressed bytes per compressed byte, for parts of [`RATIO_GRACE_BYTES`] or more.
    pub ratio: u64,
}

impl PartLimits {
    /// The limits in force ([`max_part_bytes`], [`max_inflate_ratio`]).
    pub(super) fn from_env() -> PartLimits {
        PartLimits {
            bytes: max_part_bytes(),
            ratio: max_inflate_ratio(),
        }
    }
}

impl Default for PartLimits {
    fn default() -> PartLimits {
        PartLimits {
            bytes: MAX_PART_BYTES,
            ratio: MAX_INFLATE_RATIO,
        }
    }
}

fn bomb(name: &str, what: String) -> String {
    format!("part {name} {what}: refused as a zip bomb")
}

/// A ratio as the message shows it: a whole number (rounded down, grouped), with one decimal
/// when the whole number would not show it past `limit` (`100.5` against 100:1).
fn shown_ratio(size: u64, compressed: u64, limit: u64) -> String {
    let whole = size / compressed;
    if whole > limit {
        return grouped(whole);
    }
    let tenths = (u128::from(size) * 10 / u128::from(compressed)) as u64 % 10;
    format!("{whole}.{tenths}")
}

/// Refuses a zipped workbook with a part past `limits` or whose parts declare more compressed
/// bytes than the file holds, from the central directory alone. A file that is no zip archive
/// passes: the workbook reader says what it is (encrypted, not a spreadsheet).
pub(super) fn check_parts(path: &Path, shown: &str, limits: PartLimits) -> Result<(), IngestError> {
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let file_len = file.metadata().map_or(u64::MAX, |m| m.len());
    let Ok(archive) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    let mut compressed_total: u64 = 0;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(index) else {
            continue;
        };
        let size = entry.size();
        let compressed = entry.compressed_size();
        let name = entry
            .name()
            .map_or_else(|_| format!("#{index}"), std::borrow::Cow::into_owned);
        let limit = limits.bytes;
        if size > limit {
            return Err(unreadable(
                shown,
                format!(
                    "workbook part `{name}` unpacks to {size} bytes, over the limit of {limit} \
                     bytes (a damaged file or a zip bomb; {MAX_PART_ENV} sets the limit)"
                ),
            ));
        }
        if size >= RATIO_GRACE_BYTES
            && u128::from(size) > u128::from(compressed) * u128::from(limits.ratio)
        {
            let what = if compressed == 0 {
                format!("declares {} bytes from no compressed bytes", grouped(size))
            } else {
                format!(
                    "inflates {} times its compressed size (limit {}:1)",
                    shown_ratio(size, compressed, limits.ratio),
                    limits.ratio
                )
            };
            return Err(unreadable(shown, bomb(&name, what)));
        }
        compressed_total = compressed_total.saturating_add(compressed);
        if compressed_total > file_len {
            return Err(unreadable(
                shown,
                bomb(
                    &name,
                    format!(
                        "declares {} compressed bytes, more than the file's {} bytes hold \
                         with the parts before it",
                        grouped(compressed),
                        grouped(file_len)
                    ),
                ),
            ));
        }
    }
    Ok(())
}

/// The reason to give when a zipped workbook failed to read because one of its parts inflates
/// past the size its central directory declares: the first such part, `None` when there is
/// none (the failure was something else). Each part's raw deflate stream is inflated again
/// here through a counting reader that stops one byte past the declared size, so the work is
/// bounded by what [`check_parts`] let through.
pub(super) fn find_lying_part(path: &Path) -> Option<String> {
    let file = File::open(path).ok()?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).ok()?;
    let mut buf = vec![0u8; 64 << 10];
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(index) else {
            continue;
        };
        let declared = entry.size();
        let method = entry.compression();
        let name = entry
            .name()
            .map_or_else(|_| format!("#{index}"), std::borrow::Cow::into_owned);
        let inflated = match method {
            zip::CompressionMethod::Stored => entry.compressed_size(),
            zip::CompressionMethod::Deflated => {
                let mut inflating =
                    flate2::read::DeflateDecoder::new(entry).take(declared.saturating_add(1));
                let mut inflated: u64 = 0;
                // A damaged stream ends the count where it fails.
                while let Ok(n @ 1..) = inflating.read(&mut buf) {
                    inflated += n as u64;
                }
                inflated
            }
            _ => continue,
        };
        if inflated > declared {
            return Some(bomb(
                &name,
                format!("inflates past the {} bytes it declares", grouped(declared)),
            ));
        }
    }
    None
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

    fn bytes(limit: u64) -> PartLimits {
        PartLimits {
            bytes: limit,
            ..PartLimits::default()
        }
    }

    /// A zip with one deflated part.
    fn deflated(name: &str, bytes: &[u8]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        writer.start_file(name, options).unwrap();
        writer.write_all(bytes).unwrap();
        writer.finish().unwrap().into_inner()
    }

    /// Rewrites the uncompressed size of the (only) part, in its local header and the
    /// central directory alike, as a forger would.
    fn claim_size(bytes: &mut [u8], claimed: u32) {
        let local = bytes.windows(4).position(|w| w == b"PK\x03\x04").unwrap();
        bytes[local + 22..local + 26].copy_from_slice(&claimed.to_le_bytes());
        let central = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        bytes[central + 24..central + 28].copy_from_slice(&claimed.to_le_bytes());
    }

    #[test]
    fn counts_are_grouped_and_ratios_shown_as_read() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(16_384), "16,384");
        assert_eq!(grouped(1_048_576), "1,048,576");
        assert_eq!(shown_ratio(1000, 1, 100), "1,000");
        assert_eq!(shown_ratio(1005, 10, 100), "100.5");
        assert_eq!(shown_ratio(2019, 10, 100), "201");
    }

    #[test]
    fn a_part_past_the_inflate_ratio_is_refused_from_the_central_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        // 1 MB of one byte deflates about 1,000 times.
        std::fs::write(
            &path,
            deflated("xl/worksheets/sheet1.xml", &vec![b' '; 1 << 20]),
        )
        .unwrap();
        let err = check_parts(&path, "book.xlsx", PartLimits::default()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("book.xlsx: part xl/worksheets/sheet1.xml inflates ")
                && text
                    .ends_with(" times its compressed size (limit 100:1): refused as a zip bomb"),
            "{text}"
        );
        // A higher ratio lets it through.
        let lenient = PartLimits {
            ratio: 10_000,
            ..PartLimits::default()
        };
        assert!(check_parts(&path, "book.xlsx", lenient).is_ok());
        assert_eq!(find_lying_part(&path), None, "honest sizes");
    }

    #[test]
    fn small_parts_are_not_held_to_the_ratio() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        let just_under = RATIO_GRACE_BYTES as usize - 1;
        std::fs::write(&path, deflated("xl/styles.xml", &vec![b' '; just_under])).unwrap();
        assert!(check_parts(&path, "book.xlsx", PartLimits::default()).is_ok());
        std::fs::write(
            &path,
            deflated("xl/styles.xml", &vec![b' '; just_under + 1]),
        )
        .unwrap();
        assert!(check_parts(&path, "book.xlsx", PartLimits::default()).is_err());
    }

    #[test]
    fn a_part_declaring_more_compressed_bytes_than_the_file_holds_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        let mut bytes = deflated("xl/worksheets/sheet1.xml", b"<worksheet/>");
        let central = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        bytes[central + 20..central + 24].copy_from_slice(&1_000_000u32.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let err = check_parts(&path, "book.xlsx", PartLimits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "book.xlsx: part xl/worksheets/sheet1.xml declares 1,000,000 compressed bytes, \
                 more than the file's {} bytes hold with the parts before it: refused as a zip \
                 bomb",
                bytes.len()
            )
        );
    }

    #[test]
    fn a_part_inflating_past_its_declared_size_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        let mut bytes = deflated("xl/worksheets/sheet1.xml", &vec![b' '; 1 << 20]);
        claim_size(&mut bytes, 1000);
        std::fs::write(&path, &bytes).unwrap();
        // The central directory passes: 1,000 bytes are under the ratio's grace size.
        assert!(check_parts(&path, "book.xlsx", PartLimits::default()).is_ok());
        assert_eq!(
            find_lying_part(&path).as_deref(),
            Some(
                "part xl/worksheets/sheet1.xml inflates past the 1,000 bytes it declares: \
                 refused as a zip bomb"
            )
        );
        // The zip crate (as calamine reads the part) stops at the declared size.
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&path).unwrap())).unwrap();
        let mut part = archive.by_index(0).unwrap();
        let mut sink = Vec::new();
        assert!(part.read_to_end(&mut sink).is_err());
        assert!(sink.len() <= 1001, "read {} bytes", sink.len());
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
        let err = check_parts(&path, "bomb.xlsx", PartLimits::default()).unwrap_err();
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
        assert!(check_parts(&path, "small.xlsx", bytes(100)).is_ok());
        assert!(check_parts(&path, "small.xlsx", bytes(99)).is_err());
        let text = dir.path().join("text.xlsx");
        std::fs::write(&text, "ticket_id\nT1\n").unwrap();
        assert!(check_parts(&text, "text.xlsx", bytes(1)).is_ok());
    }
}
