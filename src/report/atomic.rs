//! Replacing the output directory as a whole, so that a killed run never leaves a
//! half-written report or a mix of two runs' files.
//!
//! The new files are written into a staging directory beside `--out` (same filesystem), then
//! the staging directory and `--out` are exchanged in one atomic step (`renameat2` with
//! `RENAME_EXCHANGE` on Linux), and the old set is removed. Until that step, `--out` holds the
//! previous complete set; after it, the new complete set. Other plain files in `--out` are
//! carried over (hard links, or copies); `--out` holding a directory is refused before any
//! work, because moving a directory tree cannot be made atomic with the rest.

use std::path::{Path, PathBuf};

use super::{ReportError, OUTPUT_FILES};

/// A set of output files being written, to replace the contents of `out` on commit.
#[derive(Debug)]
pub struct OutputSet {
    out: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl OutputSet {
    /// Prepares the staging directory for `out` (which need not exist yet).
    pub fn create(out: &Path) -> Result<OutputSet, ReportError> {
        let out = resolve(out)?;
        let parent = out
            .parent()
            .ok_or_else(|| usage(&out, "cannot write into the filesystem root"))?;
        std::fs::create_dir_all(parent).map_err(|e| ReportError::io(parent, e))?;
        if out.exists() {
            check_replaceable(&out)?;
        }
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_stale_staging(parent, &name);
        let staging = parent.join(format!("{}{}", staging_prefix(&name), std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| ReportError::io(&staging, e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| ReportError::io(&staging, e))?;
        Ok(OutputSet {
            out,
            staging,
            committed: false,
        })
    }

    /// Where to write the output file `name` before the commit.
    pub fn path(&self, name: &str) -> PathBuf {
        self.staging.join(name)
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
            if let Ok(metadata) = std::fs::metadata(&self.out) {
                let _ = std::fs::set_permissions(&self.staging, metadata.permissions());
            }
            exchange(&self.staging, &self.out)?;
            // The staging path now holds the previous set.
            let _ = std::fs::remove_dir_all(&self.staging);
        } else {
            std::fs::rename(&self.staging, &self.out).map_err(|e| ReportError::io(&self.out, e))?;
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
        let entries = std::fs::read_dir(&self.out).map_err(|e| ReportError::io(&self.out, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| ReportError::io(&self.out, e))?;
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

impl Drop for OutputSet {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The name of a staging directory for `out` named `name`, before the process id.
fn staging_prefix(name: &str) -> String {
    format!(".{name}.rma-audit-")
}

/// Removes the staging directories beside `out` that runs killed before their commit left
/// behind: those whose process is gone. A directory of a running process is left alone.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = staging_prefix(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process with this id runs; where that cannot be told, it is assumed to.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

fn usage(path: &Path, message: &str) -> ReportError {
    ReportError::Io {
        path: path.to_owned(),
        source: std::io::Error::other(message.to_owned()),
    }
}

/// The absolute path of `out`, with symbolic links resolved when it exists.
fn resolve(out: &Path) -> Result<PathBuf, ReportError> {
    if out.exists() {
        std::fs::canonicalize(out).map_err(|e| ReportError::io(out, e))
    } else {
        std::path::absolute(out).map_err(|e| ReportError::io(out, e))
    }
}

/// `out` must be a directory of plain files (an earlier run's, or anything the user keeps
/// beside them), and writable.
fn check_replaceable(out: &Path) -> Result<(), ReportError> {
    if !out.is_dir() {
        return Err(usage(out, "exists and is not a directory"));
    }
    let entries = std::fs::read_dir(out).map_err(|e| ReportError::io(out, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| ReportError::io(out, e))?;
        let kind = entry.file_type().map_err(|e| ReportError::io(out, e))?;
        if kind.is_dir() {
            return Err(usage(
                out,
                &format!(
                    "holds the directory `{}`; the output directory is replaced as a whole, so \
                     choose an empty directory or an earlier run's",
                    entry.file_name().to_string_lossy()
                ),
            ));
        }
    }
    if std::fs::metadata(out)
        .map(|m| m.permissions().readonly())
        .unwrap_or(false)
    {
        return Err(usage(out, "is read-only"));
    }
    Ok(())
}

/// Exchanges two directories atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<(), ReportError> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|e| usage(p, &e.to_string()));
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
        Some(libc::EINVAL) | Some(libc::ENOSYS) => swap_by_renames(a, b),
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

        let set = OutputSet::create(&out).unwrap();
        std::fs::write(set.path("findings.csv"), "new").unwrap();
        std::fs::write(set.path("report.xlsx"), "new").unwrap();
        assert_eq!(files(&out).len(), 3, "nothing changes before the commit");
        set.commit().unwrap();

        assert_eq!(
            files(&out),
            [
                ("findings.csv".into(), "new".into()),
                ("notes.txt".into(), "mine".into()),
                ("report.xlsx".into(), "new".into()),
            ]
        );
        let leftovers: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging directory left behind");
    }

    #[test]
    fn an_abandoned_set_leaves_the_old_one() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("findings.csv"), "old").unwrap();
        {
            let set = OutputSet::create(&out).unwrap();
            std::fs::write(set.path("findings.csv"), "half").unwrap();
        }
        assert_eq!(files(&out), [("findings.csv".into(), "old".into())]);
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_directory_is_created_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("reports/2026-11-15");
        let set = OutputSet::create(&out).unwrap();
        std::fs::write(set.path("summary.json"), "{}").unwrap();
        set.commit().unwrap();
        assert_eq!(files(&out), [("summary.json".into(), "{}".into())]);
    }

    #[test]
    fn staging_left_by_a_dead_run_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        // Process ids above the kernel's maximum (4194304) never run.
        let dead = root.path().join(".out.rma-audit-4999999");
        let alive = root
            .path()
            .join(format!(".out.rma-audit-{}", std::process::id()));
        let other = root.path().join(".other.rma-audit-4999999");
        for dir in [&dead, &other] {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("findings.csv"), "half").unwrap();
        }
        std::fs::create_dir_all(&alive).unwrap();
        let set = OutputSet::create(&out).unwrap();
        assert!(!dead.exists(), "a dead run's staging is removed");
        assert!(other.exists(), "another output's staging is not touched");
        std::fs::write(set.path("summary.json"), "{}").unwrap();
        set.commit().unwrap();
        assert!(out.join("summary.json").is_file());
    }

    #[test]
    fn an_output_directory_holding_a_directory_is_refused() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("out/keep")).unwrap();
        let err = OutputSet::create(&root.path().join("out")).unwrap_err();
        assert!(
            err.to_string().contains("holds the directory `keep`"),
            "{err}"
        );
    }
}
