//! What each subcommand does, from checked settings to printed output and exit status.

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::config::{self, AuditSettings, ExplainSettings};
use super::{AuditArgs, CalendarsAction, ExplainArgs, MappingAction, PoliciesAction, SampleArgs};
use crate::audit::{self, AuditRun};
use crate::calendar::{self, CalendarSet};
use crate::exit::ExitStatus;
use crate::policy::{self, PolicySet};
use crate::report::{self, RunMeta};

/// A command that could not do its work: the lines to print and the status to exit with.
#[derive(Debug)]
pub(super) struct Failure {
    pub lines: Vec<String>,
    pub status: ExitStatus,
}

impl Failure {
    pub(super) fn usage(line: impl Into<String>) -> Failure {
        Failure {
            lines: vec![line.into()],
            status: ExitStatus::Usage,
        }
    }

    /// The outputs could not be written (exit status 3); `--out` keeps what it had.
    pub(super) fn output(line: impl Into<String>) -> Failure {
        Failure {
            lines: vec![line.into()],
            status: ExitStatus::Internal,
        }
    }

    pub(super) fn many(lines: Vec<String>) -> Failure {
        Failure {
            lines,
            status: ExitStatus::Usage,
        }
    }
}

type Outcome = Result<ExitStatus, Failure>;

fn run_meta(command: Vec<String>, policies: &PolicySet, calendars: &CalendarSet) -> RunMeta {
    RunMeta {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        command,
        policies: policies
            .versions()
            .iter()
            .map(|p| (p.id.clone(), p.version.clone(), p.sha256.clone()))
            .collect(),
        calendars: calendars
            .iter()
            .map(|c| (c.id.clone(), c.first_year, c.last_year, c.sha256.clone()))
            .collect(),
        trends: None,
    }
}

pub(super) fn audit(args: AuditArgs, command: Vec<String>) -> Outcome {
    let settings = AuditSettings::from_args(args)?;
    let (policies, calendars) = (&settings.rules.policies, &settings.rules.calendars);
    let out_dir = settings.claim_out()?;
    let mut history = super::history::Recorder::open(&settings)?;
    let triage = load_triage(&settings, history.as_mut())?;
    // The output set is staged first, so findings.csv is written while the audit runs.
    let set =
        report::OutputSet::create(&out_dir).map_err(|err| Failure::output(err.to_string()))?;
    let mut run = audit_into(&settings, &set, &triage)?;
    judge(&mut run, triage, &settings, calendars).map_err(cannot_read_back)?;
    for warning in run.inputs.iter().flat_map(|i| i.warnings.iter()) {
        eprintln!("rma-audit: warning: {warning}");
    }
    for warning in &run.warnings {
        eprintln!("rma-audit: warning: {warning}");
    }
    if let Some(baseline) = &run.baseline {
        // The earlier result stays the one to compare with until a run can be trusted again.
        let kept = set.path(audit::BASELINE_FILE);
        std::fs::copy(&baseline.source, &kept).map_err(|err| {
            Failure::output(format!(
                "{}: cannot keep the earlier findings: {err}",
                settings.out.join(audit::BASELINE_FILE).display()
            ))
        })?;
    }
    let mut meta = run_meta(command, policies, calendars);
    meta.trends = match history.as_mut() {
        Some(history) => Some(history.trends(&run)?),
        None => None,
    };
    // findings.csv is complete: it goes to disk while the other outputs are written.
    let early = set.sync_early("findings.csv");
    let written = report::write_staged(&run, &meta, set, &settings.out);
    let _ = early.join();
    let summary = written.map_err(|err| Failure::output(err.to_string()))?;
    if let Some(history) = history.as_mut() {
        history.record(&run, &meta, &summary)?;
    }
    if !settings.quiet {
        eprintln!("{}", result_line(&run, &summary, &settings.out));
    }
    // Printed even with --quiet: an unattended job must hear why its result is not to be
    // trusted.
    for reason in &run.untrusted {
        eprintln!("rma-audit: untrusted: {reason}");
    }
    let status = exit_status(&run, &settings)?;
    // The spill files are removed now; the rest is left to the process's exit.
    drop(std::mem::take(&mut run.spilled));
    drop(std::mem::take(&mut run.rejections_spilled));
    // The process ends with this command. What the run holds (every finding and every flagged
    // ticket) is left to the exit to reclaim; freeing it piece by piece took a measurable time
    // on one core at the end of a large run (benches/README.md).
    std::mem::forget(run);
    Ok(status)
}

/// The earlier run and the waivers, read before anything is written: `--previous` may name
/// `--out` itself, and a finding's status goes into findings.csv as it is streamed.
/// With `--history` and no `--previous`, the latest run the history recorded before this
/// one's as-of is the earlier run.
fn load_triage(
    settings: &AuditSettings,
    history: Option<&mut super::history::Recorder>,
) -> Result<audit::Triage, Failure> {
    Ok(audit::Triage {
        previous: match (&settings.previous, history) {
            (Some(dir), _) => Some(audit::PreviousRun::load(dir).map_err(Failure::usage)?),
            (None, Some(history)) => Some(history.previous_run(settings.audit.as_of)?),
            (None, None) => None,
        },
        waivers: match &settings.waivers {
            Some(path) => Some(
                audit::Waivers::load(path, settings.audit.as_of.date_naive())
                    .map_err(Failure::many)?,
            ),
            None => None,
        },
    })
}

/// Runs the audit, streaming findings.csv into `set` as findings are merged.
fn audit_into(
    settings: &AuditSettings,
    set: &report::OutputSet,
    triage: &audit::Triage,
) -> Result<AuditRun, Failure> {
    let inputs = settings
        .audit
        .inputs
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    // Errors name the file as it will be in --out, not its staging path.
    let shown = settings.out.join("findings.csv");
    let cannot_write = |err: std::io::Error| {
        std::io::Error::other(format!("{}: cannot write: {err}", shown.display()))
    };
    let mut findings = report::FindingsWriter::create(&set.path("findings.csv"), inputs)
        .map_err(|err| Failure::output(cannot_write(err).to_string()))?;
    let mut progress = Progress::new(settings.quiet);
    let run = audit::run_streaming(
        &settings.audit,
        &settings.rules.policies,
        &settings.rules.calendars,
        |rows| progress.rows(rows),
        &mut |batch| findings.write(batch, triage).map_err(cannot_write),
    )
    .map_err(|err| match err {
        audit::AuditError::Output(_) => Failure::output(err.to_string()),
        _ => Failure::usage(err.to_string()),
    })?;
    progress.finish();
    findings
        .finish()
        .map_err(|err| Failure::output(cannot_write(err).to_string()))?;
    Ok(run)
}

fn cannot_read_back(err: std::io::Error) -> Failure {
    Failure::output(format!("cannot read back the spilled findings: {err}"))
}

/// 4 when the result cannot be trusted; else 1 when a finding that counts reaches
/// `--fail-on`; else 0.
fn exit_status(run: &AuditRun, settings: &AuditSettings) -> Result<ExitStatus, Failure> {
    if !run.untrusted.is_empty() {
        return Ok(ExitStatus::Untrusted);
    }
    let Some(threshold) = settings.fail_on else {
        return Ok(ExitStatus::Ok);
    };
    let worst = run
        .worst_failing(threshold.only_new)
        .map_err(cannot_read_back)?;
    Ok(match worst {
        Some(worst) if worst >= threshold.severity => ExitStatus::Findings,
        _ => ExitStatus::Ok,
    })
}

/// Everything decided about a run once its findings are known: statuses against the earlier
/// run and the waivers, the calendar horizon, and whether the result can be trusted.
fn judge(
    run: &mut AuditRun,
    triage: audit::Triage,
    settings: &AuditSettings,
    calendars: &CalendarSet,
) -> std::io::Result<()> {
    let mut ids = std::collections::HashSet::new();
    let mut waived = triage.waivers.as_ref().map(audit::Waivers::tally);
    if waived.is_some() || triage.previous.is_some() {
        run.each_finding(|finding, _| {
            let id = finding.finding_id();
            if let Some(tally) = waived.as_mut() {
                tally.add(finding, &id);
            }
            if triage.previous.is_some() {
                ids.insert(id);
            }
        })?;
    }
    run.waiver_use = waived.map(audit::WaiverTally::finish);
    if let Some(previous) = &triage.previous {
        run.previous = Some(audit::PreviousComparison::new(previous, &ids));
    }
    let horizon = horizon_warnings(run, calendars, settings.audit.as_of.date_naive());
    let texts = crate::l10n::Texts::of(run.lang);
    run.horizon = horizon.iter().map(ToString::to_string).collect();
    for (warning, english) in horizon.iter().zip(&run.horizon) {
        run.warning_texts
            .insert(english.clone(), warning.text(texts));
    }
    run.warnings.extend(run.horizon.iter().cloned());
    run.untrusted = audit::untrusted_reasons(run, triage.previous.as_ref(), &settings.trust);
    if !run.untrusted.is_empty() {
        run.baseline = triage
            .previous
            .as_ref()
            // A history keeps the last trusted run itself: no baseline file is needed.
            .filter(|p| p.found && p.history_as_of.is_none())
            .map(|p| audit::Baseline {
                from: p.path.clone(),
                source: p.findings_file.clone(),
                columns_read: p.columns_read.clone(),
            });
    }
    run.triage = triage;
    Ok(())
}

/// Rows-read progress on standard error: shown only on a terminal, only once a run has taken
/// more than a second, never with `--quiet`. Updated once per chunk of rows, so it costs
/// nothing measurable.
struct Progress {
    enabled: bool,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
            started: Instant::now(),
            bar: None,
        }
    }

    fn rows(&mut self, rows: u64) {
        if !self.enabled || self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {human_pos} rows read and audited · {elapsed}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        bar.set_position(rows);
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// The one line a run ends with.
fn result_line(run: &AuditRun, summary: &report::Summary, out: &Path) -> String {
    let count = |severity: crate::finding::Severity| {
        summary
            .findings_by_severity
            .get(severity.as_str())
            .copied()
            .unwrap_or(0)
    };
    let counted =
        |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    use crate::finding::Severity;
    // Rows set aside by design are named only when a run has them.
    let mut aside = String::new();
    if run.rows_superseded() > 0 {
        aside.push_str(&format!(", {} superseded", run.rows_superseded()));
    }
    if run.rows_out_of_period() > 0 {
        aside.push_str(&format!(", {} out of period", run.rows_out_of_period()));
    }
    format!(
        "rma-audit: {} read: {} audited, {} rejected, {} duplicate{aside}; {} ({} violation, {} warning, {} info) → {}",
        counted(run.rows_read(), "row", "rows"),
        run.rows_audited(),
        run.rows_rejected(),
        run.rows_duplicate(),
        counted(summary.totals.findings, "finding", "findings"),
        count(Severity::Violation),
        count(Severity::Warning),
        count(Severity::Info),
        out.display()
    )
}

pub(super) fn load_policies(dir: Option<&Path>) -> Result<PolicySet, Failure> {
    PolicySet::load(dir).map_err(|problems| {
        Failure::many(
            problems
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
        )
    })
}

pub(super) fn policies(action: PoliciesAction) -> Outcome {
    match action {
        PoliciesAction::List { policies } => {
            print!(
                "{}",
                policy::list_text(&load_policies(policies.as_deref())?)
            );
        }
        PoliciesAction::Show { id, policies } => {
            let set = load_policies(policies.as_deref())?;
            let Some(found) = set.lookup(&id) else {
                return Err(Failure::usage(format!(
                    "no policy `{id}` (see `rma-audit policies list`)"
                )));
            };
            let found = found.to_owned();
            for version in set.versions_of(&found) {
                print!("{}", policy::show_text(version));
            }
        }
        PoliciesAction::Check { dir } => {
            fail_on_problems(&policy::check_dir(&dir), &dir)?;
            println!("{}: every policy file is valid", dir.display());
        }
    }
    Ok(ExitStatus::Ok)
}

/// The failure of a `check` command that found problems: every problem, then their count
/// in `checked` (exit status 2).
fn fail_on_problems(problems: &[impl ToString], checked: &Path) -> Result<(), Failure> {
    if problems.is_empty() {
        return Ok(());
    }
    let mut lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.push(format!(
        "{} problem(s) in {}",
        problems.len(),
        checked.display()
    ));
    Err(Failure::many(lines))
}

pub(super) fn load_calendars(dir: Option<&Path>) -> Result<CalendarSet, Failure> {
    CalendarSet::load(dir).map_err(|problems| {
        Failure::many(
            problems
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
        )
    })
}

pub(super) fn calendars(action: CalendarsAction) -> Outcome {
    match action {
        CalendarsAction::List { calendars } => {
            print!(
                "{}",
                calendar::list_text(&load_calendars(calendars.as_deref())?)
            );
        }
        CalendarsAction::Show {
            id,
            from,
            to,
            calendars,
        } => {
            let set = load_calendars(calendars.as_deref())?;
            let csv = calendar::show_csv(&set, &id, from.as_deref(), to.as_deref())
                .map_err(|err| Failure::usage(err.to_string()))?;
            print!("{csv}");
        }
        CalendarsAction::Check { dir } => {
            fail_on_problems(&calendar::check_dir(&dir), &dir)?;
            println!("{}: every calendar file is valid", dir.display());
        }
    }
    Ok(ExitStatus::Ok)
}

pub(super) fn mapping(action: MappingAction) -> Outcome {
    match action {
        MappingAction::Check { file } => match crate::ingest::Mapping::load_all(&file) {
            Ok(_) => println!("{}: valid", file.display()),
            Err(problems) => fail_on_problems(&problems, &file)?,
        },
        MappingAction::Template {
            export,
            sheet,
            header_row,
            encoding,
        } => {
            let options = crate::ingest::Options {
                sheet,
                header_row,
                encoding: config::encoding(encoding),
                ..crate::ingest::Options::default()
            };
            let text = crate::ingest::mapping_template(&export, &options)
                .map_err(|err| Failure::usage(err.to_string()))?;
            print!("{text}");
        }
    }
    Ok(ExitStatus::Ok)
}

pub(super) fn explain(args: ExplainArgs) -> Outcome {
    let settings = ExplainSettings::from_args(args)?;
    let (audit_config, ticket) = (&settings.audit, &settings.ticket);
    let (policies, calendars) = (&settings.rules.policies, &settings.rules.calendars);
    let found = audit::explain(audit_config, policies, calendars, ticket)
        .map_err(|err| Failure::usage(err.to_string()))?;
    match found {
        Some(explanation) => {
            let as_of = audit_config
                .as_of
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            print!("{}", explanation.render(&as_of));
            Ok(ExitStatus::Ok)
        }
        None => Err(Failure::usage(format!(
            "{}: no ticket with id `{ticket}`",
            audit_config.inputs[0].display(),
        ))),
    }
}

pub(super) fn sample(args: SampleArgs) -> Outcome {
    let options = crate::sample::SampleOptions {
        tickets: args.tickets,
        seed: args.seed,
        out: args.out,
        violation_rate: args.violation_rate,
        layout: match args.layout {
            super::SampleLayout::Split => crate::sample::Layout::Split,
            super::SampleLayout::Full => crate::sample::Layout::Full,
        },
    };
    let report =
        crate::sample::generate(&options).map_err(|err| Failure::usage(err.to_string()))?;
    for file in &report.files {
        println!("{} ({} rows)", file.path.display(), file.rows);
    }
    for file in &report.skipped {
        eprintln!("rma-audit: {}", crate::sample::skipped_note(file));
    }
    Ok(ExitStatus::Ok)
}

/// The calendar-horizon warnings of a run: one for each calendar its policies used that ends
/// within [`calendar::HORIZON_DAYS`] of the as-of (or before it).
fn horizon_warnings(
    run: &AuditRun,
    calendars: &CalendarSet,
    as_of: chrono::NaiveDate,
) -> Vec<calendar::HorizonWarning> {
    let mut used: Vec<&str> = run
        .policies_used
        .values()
        .map(|p| p.calendar.as_str())
        .collect();
    used.sort_unstable();
    used.dedup();
    calendar::horizon_warnings(used.into_iter().filter_map(|id| calendars.get(id)), as_of)
}
