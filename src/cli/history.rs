//! `--history` in an audit (open, trends, record) and the `history` subcommand.

use super::commands::Failure;
use super::config::AuditSettings;
use super::HistoryArgs;
use crate::audit::AuditRun;
use crate::exit::ExitStatus;
use crate::history::History;
use crate::report::{RunMeta, Summary, Trends};

/// Opens (or creates) the `--history` file before the audit starts, so a file that is not a
/// history stops the run at once (exit status 2).
pub(super) fn open_for_audit(settings: &AuditSettings) -> Result<Option<History>, Failure> {
    settings
        .history
        .as_deref()
        .map(History::open)
        .transpose()
        .map_err(|err| Failure::usage(err.to_string()))
}

/// The Trends sheet's data, read from the history before the workbook is written.
pub(super) fn trends(history: Option<&History>, run: &AuditRun) -> Result<Option<Trends>, Failure> {
    history
        .map(|history| history.trends(run))
        .transpose()
        .map_err(|err| Failure::output(err.to_string()))
}

/// Records a run whose outputs are in place. An untrusted run is not recorded, as an untrusted
/// run keeps the baseline beside its outputs: the next run compares with the last run worth
/// trusting, so one broken export neither resolves nor renews every finding. Without `quiet`,
/// says how long the write took.
pub(super) fn record(
    history: &mut History,
    run: &AuditRun,
    meta: &RunMeta,
    summary: &Summary,
    quiet: bool,
) -> Result<(), Failure> {
    if !run.untrusted.is_empty() {
        eprintln!(
            "rma-audit: {}: this run cannot be trusted and is not recorded in the history",
            history.path().display()
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    history
        .record(run, meta, summary)
        .map_err(|err| Failure::output(format!("{err} (the outputs are written)")))?;
    if !quiet {
        eprintln!(
            "rma-audit: {}: run recorded ({} findings) in {:.2} s",
            history.path().display(),
            summary.totals.findings,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// `rma-audit history FILE [--drop AS_OF]`: lists the runs, oldest first, or drops one.
pub(super) fn history(args: HistoryArgs) -> Result<ExitStatus, Failure> {
    let usage = |err: crate::history::HistoryError| Failure::usage(err.to_string());
    let mut history = History::open_existing(&args.file).map_err(usage)?;
    if let Some(as_of) = &args.drop {
        let dropped = history.drop_run(as_of).map_err(usage)?;
        println!("{}: dropped the run as of {dropped}", args.file.display());
        return Ok(ExitStatus::Ok);
    }
    let runs = history.list().map_err(usage)?;
    print!("{}", listing(&runs));
    Ok(ExitStatus::Ok)
}

/// The runs as an aligned table with a header.
fn listing(runs: &[crate::history::ListedRun]) -> String {
    let mut text = format!(
        "{:<25}  {:>9}  {:>9}  {:>9}  {:>9}\n",
        "as_of", "tickets", "findings", "new", "resolved"
    );
    for run in runs {
        text += &format!(
            "{:<25}  {:>9}  {:>9}  {:>9}  {:>9}\n",
            run.as_of, run.tickets, run.findings, run.new, run.resolved
        );
    }
    text
}
