//! The output directory checked and locked for one run, before any input is read.
//!
//! `--out` must be a directory (or not exist yet), not a dangling symbolic link, not read-only,
//! hold no subdirectory, and hold no file the run reads under a name an output would replace.
//! Runs writing the same `--out` are serialised by an advisory lock (`flock`) on
//! `.<name>.rma-audit.lock` in its parent directory: the kernel releases it when the holding
//! process ends, however it ends, so a lock left by a killed run is simply taken over. The
//! holder writes its process id and start time into the file, for the message a second run
//! prints. Holding the lock, a run knows that every staging directory of this `--out` is a
//! dead run's, and removes them.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::OUTPUT_FILES;

/// Why `--out` cannot be used; nothing has been written.
#[derive(Debug, thiserror::Error)]
pub enum OutDirError {
    /// `--out` is a symbolic link to nothing.
    #[error(
        "{out}: is a symbolic link to {target}, which does not exist; create that directory or \
         choose another --out"
    )]
    DanglingLink {
        /// `--out` as given.
        out: PathBuf,
        /// Where the link points.
        target: PathBuf,
    },
    /// `--out` is the filesystem root, which has no parent directory to hold the lock.
    #[error("{out}: the filesystem root cannot be the output directory")]
    Root {
        /// `--out` as given.
        out: PathBuf,
    },
    /// `--out` exists as a file or other non-directory.
    #[error("{out}: exists and is not a directory")]
    NotADirectory {
        /// `--out` as given.
        out: PathBuf,
    },
    /// `--out` holds a subdirectory, which replacing the directory would lose.
    #[error(
        "{out}: holds the directory `{name}`; the output directory is replaced as a whole, so \
         choose an empty directory or an earlier run's"
    )]
    HoldsDirectory {
        /// `--out` as given.
        out: PathBuf,
        /// The subdirectory's file name.
        name: String,
    },
    /// `--out` is a read-only directory.
    #[error("{out}: cannot write: is read-only")]
    ReadOnly {
        /// `--out` as given.
        out: PathBuf,
    },
    /// An input file sits in `--out` under the name of an output.
    #[error(
        "{input}: this input is inside the output directory {out}, where the run's {output} \
         would replace it; move the input or choose another --out"
    )]
    InputInside {
        /// `--out` as given.
        out: PathBuf,
        /// The input file, as given on the command line.
        input: PathBuf,
        /// The output file name that would replace it (`findings.csv`).
        output: &'static str,
    },
    /// Another run holds the lock on `--out` (and `--wait` was not given).
    #[error(
        "{out}: another rma-audit run is writing this directory ({holder}; lock {lock}); \
         run with --wait to wait for it, or choose another --out"
    )]
    Busy {
        /// `--out` as given.
        out: PathBuf,
        /// The other run as its lock file describes it (process id and start time).
        holder: String,
        /// The lock file.
        lock: PathBuf,
    },
    /// Checking, locking, staging or committing failed at the operating system.
    #[error("{path}: cannot write: {source}")]
    Io {
        /// The file or directory the operation was on.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

impl OutDirError {
    /// Whether the user can fix this by choosing or preparing `--out` (a usage error), rather
    /// than the system failing to write it (a full disk, an I/O error).
    pub fn is_usage(&self) -> bool {
        match self {
            OutDirError::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::PermissionDenied
                    | std::io::ErrorKind::ReadOnlyFilesystem
                    | std::io::ErrorKind::NotADirectory
                    | std::io::ErrorKind::AlreadyExists
                    | std::io::ErrorKind::InvalidFilename
            ),
            _ => true,
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutDirError + '_ {
    move |source| OutDirError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `--out`, checked and locked: held until the run's outputs are committed (or abandoned).
/// Dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub struct OutDir {
    /// The absolute path, symbolic links resolved.
    out: PathBuf,
    lock_path: PathBuf,
    lock: Option<File>,
}

impl OutDir {
    /// Checks `out` (which need not exist yet) against the files the run will read, and takes
    /// its lock. Another run holding it makes this fail at once, or, with `wait`, wait for it
    /// to finish; `waiting` is told who is waited for, once.
    pub fn claim(
        out: &Path,
        reads: &[&Path],
        wait: bool,
        waiting: impl FnOnce(&str),
    ) -> Result<OutDir, OutDirError> {
        let resolved = resolve(out)?;
        let Some(parent) = resolved.parent() else {
            return Err(OutDirError::Root {
                out: out.to_owned(),
            });
        };
        let name = file_name(&resolved);
        let lock_path = parent.join(format!(".{name}.rma-audit.lock"));
        let lock = acquire(out, &lock_path, wait, waiting)?;
        let dir = OutDir {
            out: resolved,
            lock_path,
            lock: Some(lock),
        };
        // Checked under the lock: the run it may have waited for cannot change `out` any more.
        if dir.out.exists() {
            check_replaceable(&dir.out, out)?;
            check_reads(&dir.out, out, reads)?;
        }
        dir.remove_leftover_staging();
        // This run's staging directory, made now: the parent directory is writable.
        let staging = dir.staging();
        std::fs::create_dir(&staging).map_err(io(&staging))?;
        Ok(dir)
    }

    /// The absolute path of the output directory.
    pub(super) fn path(&self) -> &Path {
        &self.out
    }

    /// The directory the output directory is in (where staging directories go).
    pub(super) fn parent(&self) -> &Path {
        self.out.parent().expect("a resolved path has a parent")
    }

    /// This run's staging directory, beside `out` (the same filesystem).
    pub(super) fn staging(&self) -> PathBuf {
        self.parent().join(format!(
            "{}{}",
            staging_prefix(&file_name(&self.out)),
            std::process::id()
        ))
    }

    /// Removes what runs killed before their commit left beside `out`: every staging directory
    /// of this `out`. The lock is held, so none of them belongs to a live run.
    fn remove_leftover_staging(&self) {
        let prefix = staging_prefix(&file_name(&self.out));
        let Ok(entries) = std::fs::read_dir(self.parent()) else {
            return;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let ours = file_name
                .to_str()
                .and_then(|n| n.strip_prefix(&prefix))
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
            if ours {
                let path = entry.path();
                if path.is_dir() {
                    let _ = std::fs::remove_dir_all(&path);
                } else {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        // Staging not committed (committed, it is gone).
        let _ = std::fs::remove_dir_all(self.staging());
        // Removed while still held: a run waiting on this file finds, once it has the lock,
        // that the file is gone, and locks a fresh one (see `acquire`).
        let _ = std::fs::remove_file(&self.lock_path);
        drop(self.lock.take());
    }
}

/// The name of a staging directory for an `out` named `name`, before the process id.
fn staging_prefix(name: &str) -> String {
    format!(".{name}.rma-audit-")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The absolute path of `out`, with symbolic links resolved; its parent directory is created
/// when missing.
fn resolve(out: &Path) -> Result<PathBuf, OutDirError> {
    if let Ok(link) = std::fs::symlink_metadata(out) {
        if link.file_type().is_symlink() {
            if let Err(err) = std::fs::metadata(out) {
                if err.kind() != std::io::ErrorKind::NotFound {
                    return Err(io(out)(err));
                }
                let target = std::fs::read_link(out).map_err(io(out))?;
                return Err(OutDirError::DanglingLink {
                    out: out.to_owned(),
                    target,
                });
            }
        }
        return std::fs::canonicalize(out).map_err(io(out));
    }
    let absolute = std::path::absolute(out).map_err(io(out))?;
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        return Err(OutDirError::Root {
            out: out.to_owned(),
        });
    };
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let parent = std::fs::canonicalize(parent).map_err(io(parent))?;
    Ok(parent.join(name))
}

/// Opens and locks `lock_path`, waiting for the holder with `wait`, and writes this run's
/// process id and start time into it.
fn acquire(
    out: &Path,
    lock_path: &Path,
    wait: bool,
    waiting: impl FnOnce(&str),
) -> Result<File, OutDirError> {
    let mut waiting = Some(waiting);
    loop {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path)
            .map_err(io(lock_path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = holder(&mut file);
                if !wait {
                    return Err(OutDirError::Busy {
                        out: out.to_owned(),
                        holder,
                        lock: lock_path.to_owned(),
                    });
                }
                if let Some(waiting) = waiting.take() {
                    waiting(&holder);
                }
                file.lock().map_err(io(lock_path))?;
            }
            Err(TryLockError::Error(err)) => return Err(io(lock_path)(err)),
        }
        // The holder removes the file before it lets go, so the lock just taken may be on a
        // file that no longer has this name: take the one that has it.
        if !same_file(&file, lock_path) {
            continue;
        }
        // Only for the message another run prints: the lock is the kernel's, so a run on a
        // full disk goes on without the record (and fails where its outputs cannot be written).
        let started = chrono::Local::now().format("%Y-%m-%d %H:%M:%S %:z");
        let record = format!("pid {}, started {started}\n", std::process::id());
        let _ = file
            .set_len(0)
            .and_then(|()| file.write_all(record.as_bytes()));
        return Ok(file);
    }
}

/// Who holds a lock file, as its holder wrote it.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.take(200).read_to_string(&mut text);
    match text.lines().next().map(str::trim) {
        Some(line) if !line.is_empty() => line.to_owned(),
        _ => "process id not yet recorded".to_owned(),
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// `out` must be a writable directory of plain files (an earlier run's, or anything the user
/// keeps beside them).
fn check_replaceable(out: &Path, shown: &Path) -> Result<(), OutDirError> {
    if !out.is_dir() {
        return Err(OutDirError::NotADirectory {
            out: shown.to_owned(),
        });
    }
    let entries = std::fs::read_dir(out).map_err(io(shown))?;
    for entry in entries {
        let entry = entry.map_err(io(shown))?;
        let kind = entry.file_type().map_err(io(shown))?;
        if kind.is_dir() {
            return Err(OutDirError::HoldsDirectory {
                out: shown.to_owned(),
                name: entry.file_name().to_string_lossy().into_owned(),
            });
        }
    }
    if std::fs::metadata(out).is_ok_and(|m| m.permissions().readonly()) {
        return Err(OutDirError::ReadOnly {
            out: shown.to_owned(),
        });
    }
    Ok(())
}

/// No file the run reads may be one an output would replace.
fn check_reads(out: &Path, shown: &Path, reads: &[&Path]) -> Result<(), OutDirError> {
    for read in reads {
        let Ok(resolved) = std::fs::canonicalize(read) else {
            // A missing input is the reader's to report.
            continue;
        };
        let Some(output) = OUTPUT_FILES
            .iter()
            .find(|name| resolved.file_name().is_some_and(|n| n == **name))
        else {
            continue;
        };
        if resolved.parent() == Some(out) {
            return Err(OutDirError::InputInside {
                out: shown.to_owned(),
                input: read.to_path_buf(),
                output,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_fails_naming_the_first() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let first = OutDir::claim(&out, &[], false, |_| {}).unwrap();
        let lock = root.path().join(".out.rma-audit.lock");
        let recorded = std::fs::read_to_string(&lock).unwrap();
        assert!(
            recorded.starts_with(&format!("pid {}, started ", std::process::id())),
            "{recorded}"
        );
        let err = OutDir::claim(&out, &[], false, |_| {}).unwrap_err();
        assert!(err.to_string().contains(recorded.trim()), "{err}");
        drop(first);
        assert!(!lock.exists(), "the lock file goes with its holder");
        OutDir::claim(&out, &[], false, |_| {}).unwrap();
    }

    #[test]
    fn a_waiting_claim_takes_the_lock_when_it_is_released() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let first = OutDir::claim(&out, &[], false, |_| {}).unwrap();
        let (told, heard) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn({
            let out = out.clone();
            move || {
                OutDir::claim(&out, &[], true, |holder| {
                    told.send(holder.to_owned()).unwrap();
                })
                .map(|_| ())
            }
        });
        let holder = heard.recv().unwrap();
        assert!(holder.starts_with("pid "), "{holder}");
        assert!(!waiter.is_finished());
        drop(first);
        waiter.join().unwrap().unwrap();
    }

    #[test]
    fn an_output_directory_holding_a_directory_is_refused() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("out/keep")).unwrap();
        let err = OutDir::claim(&root.path().join("out"), &[], false, |_| {}).unwrap_err();
        assert!(
            err.to_string().contains("holds the directory `keep`"),
            "{err}"
        );
    }

    #[test]
    fn an_input_an_output_would_replace_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("tickets.csv"), "kept").unwrap();
        std::fs::write(out.join("report.xlsx"), "an input").unwrap();
        let kept = out.join("tickets.csv");
        OutDir::claim(&out, &[&kept], false, |_| {}).unwrap();
        let input = root.path().join("out/../out/report.xlsx");
        let err = OutDir::claim(&out, &[&kept, &input], false, |_| {}).unwrap_err();
        assert!(matches!(
            err,
            OutDirError::InputInside {
                output: "report.xlsx",
                ..
            }
        ));
    }
}
