//! The output files of a run: `findings.csv`, `rejected.csv`, `summary.json` and
//! `report.xlsx`, written atomically into the output directory.

mod atomic;
mod csv_out;
mod outdir;
mod summary;
mod trends;
mod workbook;

use std::path::{Path, PathBuf};

pub use atomic::OutputSet;
pub use csv_out::{neutralise, FindingsWriter, FINDINGS_HEADER, REJECTED_HEADER};
pub use outdir::{OutDir, OutDirError};
pub use summary::{Summary, SummaryCoverage, SummaryInput};
pub use trends::{age_band, TrendRun, Trends, AGE_BANDS};
pub use workbook::ZIP_COMPRESSION_LEVEL;

use crate::audit::AuditRun;

/// Facts about the run that are not audit results: the tool, the command, the rule data, the
/// history.
#[derive(Debug, Clone, Default)]
pub struct RunMeta {
    /// The program's version, as `summary.json` `tool.version` shows it.
    pub tool_version: String,
    /// The command line as given, program name first.
    pub command: Vec<String>,
    /// Every loaded policy version: (id, version, sha256).
    pub policies: Vec<(String, String, String)>,
    /// Every loaded calendar: (id, first year, last year, sha256).
    pub calendars: Vec<(String, i32, i32, String)>,
    /// With `--history`: the earlier runs and the open findings' ages, for the Trends sheet.
    pub trends: Option<Trends>,
}

/// A failure writing the outputs; the output directory keeps what it had before.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be written.
    #[error("{path}: cannot write: {source}")]
    Io {
        /// The file or directory; an output file is named as it would be in the output
        /// directory, not by its staging path.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// `report.xlsx` could not be written.
    #[error("{path}: cannot write the workbook: {message}")]
    Workbook {
        /// The workbook as it would be in the output directory.
        path: PathBuf,
        /// The workbook writer's error message.
        message: String,
    },
    /// The output directory cannot be used (checked and locked before anything is written).
    #[error(transparent)]
    OutDir(#[from] OutDirError),
}

impl ReportError {
    fn io(path: &Path, source: std::io::Error) -> ReportError {
        ReportError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// The file names a run writes, in the order they are committed. The last is written only
/// by an untrusted run that had an earlier one to compare with; a later run drops it.
pub const OUTPUT_FILES: [&str; 5] = [
    "findings.csv",
    "rejected.csv",
    "summary.json",
    "report.xlsx",
    crate::audit::BASELINE_FILE,
];

/// Writes every output file and makes them the contents of `out_dir` in one atomic step;
/// on any failure `out_dir` keeps what it had. Another run writing `out_dir` makes this fail
/// at once.
pub fn write_all(run: &AuditRun, meta: &RunMeta, out_dir: &Path) -> Result<Summary, ReportError> {
    let dir = OutDir::claim(out_dir, &[], false, |_| {})?;
    let set = OutputSet::create(&dir)?;
    let path = set.path("findings.csv");
    csv_out::write_findings(run, &path)
        .map_err(|e| ReportError::io(&out_dir.join("findings.csv"), e))?;
    write_staged(run, meta, set, out_dir)
}

/// Writes every output file but `findings.csv`, which the caller has already written into
/// `set` (streamed during the audit with a [`FindingsWriter`]), and commits the set to
/// `out_dir`.
pub fn write_staged(
    run: &AuditRun,
    meta: &RunMeta,
    set: OutputSet<'_>,
    out_dir: &Path,
) -> Result<Summary, ReportError> {
    let summary =
        Summary::build(run, meta).map_err(|e| ReportError::io(&out_dir.join("summary.json"), e))?;
    // Errors name the file as it would be in `out_dir`, not its staging path.
    let shown = |name: &str| out_dir.join(name);
    let path = set.path("rejected.csv");
    csv_out::write_rejected(run, &path).map_err(|e| ReportError::io(&shown("rejected.csv"), e))?;
    let path = set.path("summary.json");
    summary::write(&summary, &path).map_err(|e| ReportError::io(&shown("summary.json"), e))?;
    let path = set.path("report.xlsx");
    workbook::write(run, meta, &summary, &path).map_err(|e| ReportError::Workbook {
        path: out_dir.join("report.xlsx"),
        message: e.to_string(),
    })?;
    set.commit()?;
    Ok(summary)
}
