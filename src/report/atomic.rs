//! Writing a set of output files so that a killed run never leaves a half-written one: each
//! file goes to a temporary name in the output directory and is renamed into place only when
//! every file of the set is complete. Temporary files of an abandoned set are removed on drop.

use std::path::{Path, PathBuf};

use super::ReportError;

/// A set of files being written into one directory.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    /// (temporary path, final name), in commit order.
    pending: Vec<(PathBuf, String)>,
}

impl OutputSet {
    pub fn new(dir: &Path) -> OutputSet {
        OutputSet {
            dir: dir.to_owned(),
            pending: Vec::new(),
        }
    }

    /// The temporary path to write `name` to; it is renamed to `dir/name` on commit.
    pub fn temp_path(&mut self, name: &str) -> PathBuf {
        let temp = self
            .dir
            .join(format!(".{name}.partial-{}", std::process::id()));
        self.pending.push((temp.clone(), name.to_owned()));
        temp
    }

    /// Flushes every temporary file to disk and renames each into place.
    pub fn commit(mut self) -> Result<(), ReportError> {
        for (temp, _) in &self.pending {
            let file = std::fs::File::open(temp).map_err(|e| ReportError::io(temp, e))?;
            file.sync_all().map_err(|e| ReportError::io(temp, e))?;
        }
        for (temp, name) in std::mem::take(&mut self.pending) {
            let target = self.dir.join(&name);
            std::fs::rename(&temp, &target).map_err(|e| ReportError::io(&target, e))?;
        }
        if let Ok(dir) = std::fs::File::open(&self.dir) {
            // Make the renames durable where the platform allows syncing a directory.
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        for (temp, _) in &self.pending {
            let _ = std::fs::remove_file(temp);
        }
    }
}
