//! `--history` in an audit (open, trends, record) and the `history` subcommand.

use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};

use super::commands::Failure;
use super::config::AuditSettings;
use super::HistoryArgs;
use crate::audit::{AuditRun, PreviousRun};
use crate::exit::ExitStatus;
use crate::history::{FirstSeen, History};
use crate::report::{RunMeta, Summary, Trends};

/// The `--history` of an audit: the file, and the time spent reading it.
pub(super) struct Recorder {
    history: History,
    /// Reading the earlier run and the Trends data.
    read: Duration,
    quiet: bool,
    /// When the latest earlier run's findings were first seen, read with the Trends data.
    first_seen: FirstSeen,
}

impl Recorder {
    /// Opens (or creates) the `--history` file before the audit starts, so a file that is not
    /// a history stops the run at once (exit status 2).
    pub(super) fn open(settings: &AuditSettings) -> Result<Option<Recorder>, Failure> {
        let Some(path) = settings.history.as_deref() else {
            return Ok(None);
        };
        let started = Instant::now();
        let history = History::open(path).map_err(|err| Failure::usage(err.to_string()))?;
        Ok(Some(Recorder {
            history,
            read: started.elapsed(),
            quiet: settings.quiet,
            first_seen: FirstSeen::default(),
        }))
    }

    /// The latest run recorded before `as_of`: the earlier run when no `--previous` is given.
    pub(super) fn previous_run(
        &mut self,
        as_of: DateTime<FixedOffset>,
    ) -> Result<PreviousRun, Failure> {
        let started = Instant::now();
        let previous = self.history.previous_run(as_of);
        self.read += started.elapsed();
        previous.map_err(|err| Failure::usage(err.to_string()))
    }

    /// The Trends sheet's data, read before the workbook is written.
    pub(super) fn trends(&mut self, run: &AuditRun) -> Result<Trends, Failure> {
        let started = Instant::now();
        let as_of = run.as_of.unwrap_or_default();
        let trends = self.history.first_seen(as_of).and_then(|first_seen| {
            self.first_seen = first_seen;
            self.history.trends(run, &self.first_seen)
        });
        self.read += started.elapsed();
        trends.map_err(|err| Failure::output(err.to_string()))
    }

    /// Records a run whose outputs are in place. An untrusted run is not recorded, as an
    /// untrusted run keeps the baseline beside its outputs: the next run compares with the
    /// last run worth trusting, so one broken export neither resolves nor renews every
    /// finding. Without `--quiet`, says how long reading and writing the history took.
    pub(super) fn record(
        &mut self,
        run: &AuditRun,
        meta: &RunMeta,
        summary: &Summary,
    ) -> Result<(), Failure> {
        let path = self.history.path().display().to_string();
        if !run.untrusted.is_empty() {
            eprintln!(
                "rma-audit: {path}: this run cannot be trusted and is not recorded in the history"
            );
            return Ok(());
        }
        let started = Instant::now();
        self.history
            .record(run, meta, summary, &self.first_seen)
            .map_err(|err| Failure::output(format!("{err} (the outputs are written)")))?;
        if !self.quiet {
            eprintln!(
                "rma-audit: {path}: read in {:.2} s; run recorded ({} findings) in {:.2} s",
                self.read.as_secs_f64(),
                summary.totals.findings,
                started.elapsed().as_secs_f64()
            );
        }
        Ok(())
    }
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
