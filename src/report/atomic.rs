//! Replacing the output directory as a whole, so that a killed run never leaves a
//! half-written report or a mix of two runs' files.
//!
//! The new files are written into a staging directory beside `--out` (same filesystem), then
//! the staging directory and `--out` are exchanged in one atomic step (`renameat2` with
//! `RENAME_EXCHANGE` on Linux), and the old set is removed. Until that step, `--out` holds the
//! previous complete set; after it, the new complete set. Other plain files in `--out` are
//! carried over (hard links, or copies). A set is made in an [`OutDir`]: `--out` checked and
//! locked before any work (`--out` holding a directory is refused there, because moving a
//! directory tree cannot be made atomic with the rest), so one run at a time stages and commits.

use std::path::{Path, PathBuf};

use super::{OutDir, ReportError, OUTPUT_FILES};

/// A set of output files being written, to replace the contents of `out` on commit. It
/// borrows the checked and locked output directory, so it is committed under the lock.
#[derive(Debug)]
pub struct OutputSet<'a> {
    out: &'a Path,
    staging: PathBuf,
    committed: bool,
}

impl<'a> OutputSet<'a> {
    /// Starts a set in the staging directory of `dir`.
    pub fn create(dir: &'a OutDir) -> Result<OutputSet<'a>, ReportError> {
        let staging = dir.staging();
        if !staging.exists() {
            std::fs::create_dir(&staging).map_err(|e| ReportError::io(&staging, e))?;
        }
        Ok(OutputSet {
            out: dir.path(),
            staging,
            committed: false,
        })
    }

    /// Where to write the output file `name` before the commit.
    pub fn path(&self, name: &str) -> PathBuf {
        self.staging.join(name)
    }

    /// Starts writing the finished file `name` of the set to disk on a thread of its own, while
    /// the other files are being written, so that the commit waits less for it. The commit
    /// still syncs every file and reports any failure; this one's is ignored.
    pub fn sync_early(&self, name: &str) -> std::thread::JoinHandle<()> {
        let path = self.path(name);
        std::thread::spawn(move || {
            if let Ok(file) = std::fs::File::open(path) {
                let _ = file.sync_all();
            }
        })
    }

    /// Makes the staged files the contents of `out` in one step.
    pub fn commit(mut self) -> Result<(), ReportError> {
        for name in OUTPUT_FILES {
            let path = self.staging.join(name);
            if path.exists() {
                let file = std::fs::File::open(&path).map_err(|e| ReportError::io(&path, e))?;
                file.sync_all().map_err(|e| ReportError::io(&path, e))?;
            }
        }
        if self.out.exists() {
            self.carry_over()?;
            if let Ok(metadata) = std::fs::metadata(self.out) {
                let _ = std::fs::set_permissions(&self.staging, metadata.permissions());
            }
            exchange(&self.staging, self.out)?;
            // The staging path now holds the previous set.
            let _ = std::fs::remove_dir_all(&self.staging);
        } else {
            std::fs::rename(&self.staging, self.out).map_err(|e| ReportError::io(self.out, e))?;
        }
        self.committed = true;
        if let Some(parent) = self.out.parent() {
            if let Ok(dir) = std::fs::File::open(parent) {
                let _ = dir.sync_all();
            }
        }
        Ok(())
    }

    /// Links (or copies) the plain files of `out` that are not outputs into the staging
    /// directory, so the exchange keeps them.
    fn carry_over(&self) -> Result<(), ReportError> {
        let entries = std::fs::read_dir(self.out).map_err(|e| ReportError::io(self.out, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| ReportError::io(self.out, e))?;
            let name = entry.file_name();
            if OUTPUT_FILES.iter().any(|o| name == *o) {
                continue;
            }
            let from = entry.path();
            let to = self.staging.join(&name);
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to).map_err(|e| ReportError::io(&from, e))?;
            }
        }
        Ok(())
    }
}

impl Drop for OutputSet<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Exchanges two directories atomically. The crate's one `unsafe` block: the system call the
/// standard library does not wrap.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn exchange(a: &Path, b: &Path) -> Result<(), ReportError> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| ReportError::io(p, std::io::Error::other(e.to_string())))
    };
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: both arguments are valid NUL-terminated paths that outlive the call.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        // Filesystems without RENAME_EXCHANGE: fall back to two renames.
        Some(libc::EINVAL | libc::ENOSYS) => swap_by_renames(a, b),
        _ => Err(ReportError::io(b, err)),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> Result<(), ReportError> {
    swap_by_renames(a, b)
}

/// Swaps two directories with two renames (a kill between them leaves `b` missing and the
/// previous set under a hidden name beside it).
fn swap_by_renames(a: &Path, b: &Path) -> Result<(), ReportError> {
    let aside = a.with_extension("previous");
    std::fs::rename(b, &aside).map_err(|e| ReportError::io(b, e))?;
    std::fs::rename(a, b).map_err(|e| ReportError::io(b, e))?;
    std::fs::rename(&aside, a).map_err(|e| ReportError::io(a, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                (e.file_name().to_string_lossy().into_owned(), text)
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn a_commit_replaces_the_set_and_keeps_other_files() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("findings.csv"), "old").unwrap();
        std::fs::write(out.join("summary.json"), "old").unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();

        let dir = OutDir::claim(&out, &[], false, |_| {}).unwrap();
        let set = OutputSet::create(&dir).unwrap();
        std::fs::write(set.path("findings.csv"), "new").unwrap();
        std::fs::write(set.path("report.xlsx"), "new").unwrap();
        assert_eq!(files(&out).len(), 3, "nothing changes before the commit");
        set.commit().unwrap();
        drop(dir);

        assert_eq!(
            files(&out),
            [
                ("findings.csv".into(), "new".into()),
                ("notes.txt".into(), "mine".into()),
                ("report.xlsx".into(), "new".into()),
            ]
        );
        let leftovers: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(
            leftovers.len(),
            1,
            "no staging directory or lock left behind"
        );
    }

    #[test]
    fn an_abandoned_set_leaves_the_old_one() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("findings.csv"), "old").unwrap();
        {
            let dir = OutDir::claim(&out, &[], false, |_| {}).unwrap();
            let set = OutputSet::create(&dir).unwrap();
            std::fs::write(set.path("findings.csv"), "half").unwrap();
        }
        assert_eq!(files(&out), [("findings.csv".into(), "old".into())]);
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_directory_is_created_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("reports/2026-11-15");
        let dir = OutDir::claim(&out, &[], false, |_| {}).unwrap();
        let set = OutputSet::create(&dir).unwrap();
        std::fs::write(set.path("summary.json"), "{}").unwrap();
        set.commit().unwrap();
        assert_eq!(files(&out), [("summary.json".into(), "{}".into())]);
    }

    #[test]
    fn staging_left_beside_out_is_removed_by_the_lock_holder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        // Any staging directory of this `out` is a dead run's once the lock is held, whatever
        // process id it is named with: one that runs (pid 1, init) or none.
        let leftovers = [".out.rma-audit-4999999", ".out.rma-audit-1"].map(|n| root.path().join(n));
        // Another output's staging, and an output named like a staging prefix, are left alone.
        let others = [".other.rma-audit-4999999", ".out.rma-audit-x.rma-audit-5"]
            .map(|n| root.path().join(n));
        for dir in leftovers.iter().chain(&others) {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("findings.csv"), "half").unwrap();
        }
        let dir = OutDir::claim(&out, &[], false, |_| {}).unwrap();
        for leftover in &leftovers {
            assert!(!leftover.exists(), "{} removed", leftover.display());
        }
        for other in &others {
            assert!(other.exists(), "{} kept", other.display());
        }
        let set = OutputSet::create(&dir).unwrap();
        std::fs::write(set.path("summary.json"), "{}").unwrap();
        set.commit().unwrap();
        assert!(out.join("summary.json").is_file());
    }
}
