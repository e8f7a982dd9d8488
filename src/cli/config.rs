//! Turning raw flags into checked settings. The as-of instant is resolved here, once: the
//! only place the clock is read.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::commands::{load_calendars, load_policies, Failure};
use super::{AuditArgs, DateOrderArg, EncodingArg, ExplainArgs, FailOn, ReadArgs};
use crate::audit::{AuditConfig, TrustSettings};
use crate::calendar::CalendarSet;
use crate::exit::ExitStatus;
use crate::finding::Severity;
use crate::ingest::{self, DateOrder, TextEncoding};
use crate::policy::PolicySet;
use crate::report::OutDir;

/// The policies and calendars a run judges by: the built-in ones with `--policies` and
/// `--calendars` added, every policy's calendar loaded.
#[derive(Debug)]
pub struct RuleData {
    pub policies: PolicySet,
    pub calendars: CalendarSet,
}

impl RuleData {
    /// Loads the rule data; every problem of every file is reported at once.
    fn load(read: &ReadArgs) -> Result<RuleData, Failure> {
        let calendars = load_calendars(read.calendars.as_deref())?;
        let policies = load_policies(read.policies.as_deref())?;
        let missing: Vec<String> = policies
            .versions()
            .iter()
            .filter(|policy| calendars.get(&policy.calendar).is_none())
            .map(|policy| {
                format!(
                    "policy {} (version {}) names calendar `{}`, which is not loaded",
                    policy.id, policy.version, policy.calendar
                )
            })
            .collect();
        if !missing.is_empty() {
            return Err(Failure::many(missing));
        }
        if let Some(forced) = &read.policy {
            if policies.lookup(forced).is_none() {
                return Err(Failure::usage(format!(
                    "--policy {forced}: no such policy (see `rma-audit policies list`)"
                )));
            }
        }
        Ok(RuleData {
            policies,
            calendars,
        })
    }

    /// The timezone `--as-of` is read in: the policies' own, when they agree, else Shanghai.
    fn timezone(&self) -> Tz {
        let mut zones = self.policies.versions().iter().map(|p| p.timezone);
        match zones.next() {
            Some(first) if zones.all(|tz| tz == first) => first,
            _ => chrono_tz::Asia::Shanghai,
        }
    }
}

/// What `audit` and `explain` share, checked: the rule data, and the audit's configuration
/// (inputs, as-of, `--policy`, reading options) built from the reading flags.
fn shared(
    read: &ReadArgs,
    inputs: Vec<PathBuf>,
    keep_columns: Vec<String>,
) -> Result<(RuleData, AuditConfig), Failure> {
    let rules = RuleData::load(read)?;
    let as_of = resolve_as_of(read.as_of.as_deref(), rules.timezone()).map_err(Failure::usage)?;
    let config = AuditConfig {
        inputs,
        as_of,
        forced_policy: read.policy.clone(),
        read: read_options(read, keep_columns).map_err(Failure::usage)?,
        sample_per_policy: 0,
        spill_budget: crate::audit::spill::budget_from_env(),
        period: crate::audit::Period::default(),
        lang: crate::l10n::Lang::En,
    };
    Ok((rules, config))
}

/// Everything `explain` needs, validated.
#[derive(Debug)]
pub(super) struct ExplainSettings {
    pub rules: RuleData,
    /// The one input, read as `audit` reads it.
    pub audit: AuditConfig,
    /// The ticket id to explain.
    pub ticket: String,
}

impl ExplainSettings {
    pub(super) fn from_args(args: ExplainArgs) -> Result<ExplainSettings, Failure> {
        let (rules, audit) = shared(&args.read, vec![args.input], Vec::new())?;
        Ok(ExplainSettings {
            rules,
            audit,
            ticket: args.ticket,
        })
    }
}

/// Everything `audit` needs, validated.
#[derive(Debug)]
pub struct AuditSettings {
    /// The policies and calendars the run judges by.
    pub rules: RuleData,
    /// Inputs, as-of, `--policy`, reading options, `--sample`, `--from`/`--to`.
    pub audit: AuditConfig,
    /// Where the output files go.
    pub out: PathBuf,
    /// Wait for another run writing `out` instead of failing (`--wait`).
    pub wait: bool,
    /// Findings at or above this severity make the exit status 1.
    pub fail_on: Option<FailThreshold>,
    /// The earlier run to compare with (`--previous`).
    pub previous: Option<PathBuf>,
    /// The waivers file (`--waivers`).
    pub waivers: Option<PathBuf>,
    /// The run history (`--history`), never inside `out`.
    pub history: Option<PathBuf>,
    /// What makes the result untrusted (`--max-rejected`, `--allow-uncovered`).
    pub trust: TrustSettings,
    /// Nothing on standard error but what an unattended job must hear (`--quiet`).
    pub quiet: bool,
    /// The mapping file (`--mapping`), which `--out` must not hold.
    pub mapping: Option<PathBuf>,
}

/// `--fail-on`: the least severity that makes the exit status 1, and whether only new
/// findings count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailThreshold {
    pub severity: Severity,
    pub only_new: bool,
}

/// `--from` and `--to`, checked: dates, the first not after the second.
fn period(from: Option<&str>, to: Option<&str>) -> Result<crate::audit::Period, String> {
    let date = |flag: &str, text: Option<&str>| {
        text.map(|text| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| format!("{flag} {text}: expected a date (2026-06-01)"))
        })
        .transpose()
    };
    let period = crate::audit::Period {
        from: date("--from", from)?,
        to: date("--to", to)?,
    };
    if let (Some(from), Some(to)) = (period.from, period.to) {
        if from > to {
            return Err(format!("--from {from} is after --to {to}"));
        }
    }
    Ok(period)
}

/// Parses `--as-of`: a date is the end of that day (23:59:59) in `tz`; a datetime without an
/// offset is local to `tz`; RFC 3339 keeps its offset, shown in `tz`.
pub fn parse_as_of(text: &str, tz: Tz) -> Result<DateTime<FixedOffset>, String> {
    let text = text.trim();
    let local = |naive: NaiveDateTime| {
        tz.from_local_datetime(&naive)
            .earliest()
            .map(|t| t.fixed_offset())
            .ok_or_else(|| format!("--as-of {text}: no such local time in {tz}"))
    };
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let end = NaiveTime::from_hms_opt(23, 59, 59).expect("a valid time");
        return local(date.and_time(end));
    }
    if let Ok(fixed) = DateTime::parse_from_rfc3339(text) {
        return Ok(fixed.with_timezone(&tz).fixed_offset());
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return local(naive);
        }
    }
    Err(format!(
        "--as-of {text}: expected a date (2026-11-15) or a datetime (2026-11-15 18:00, 2026-11-15T18:00:00+08:00)"
    ))
}

/// Resolves `--as-of`, reading the clock only when it is absent.
pub(super) fn resolve_as_of(text: Option<&str>, tz: Tz) -> Result<DateTime<FixedOffset>, String> {
    match text {
        Some(text) => parse_as_of(text, tz),
        None => Ok(Utc::now().with_timezone(&tz).fixed_offset()),
    }
}

/// The `--encoding` flag as the reading option.
pub(super) fn encoding(arg: Option<EncodingArg>) -> Option<TextEncoding> {
    arg.map(|encoding| match encoding {
        EncodingArg::Utf8 => TextEncoding::Utf8,
        EncodingArg::Gb18030 => TextEncoding::Gb18030,
    })
}

/// The reading options of `audit` and `explain`; loads and checks `--mapping`.
pub(super) fn read_options(
    read: &ReadArgs,
    keep_columns: Vec<String>,
) -> Result<ingest::Options, String> {
    let mapping = match &read.mapping {
        Some(path) => Some(ingest::Mapping::load(path).map_err(|err| err.to_string())?),
        None => None,
    };
    Ok(ingest::Options {
        sheet: read.sheet.clone(),
        date_order: read.date_order.map(|order| match order {
            DateOrderArg::Dmy => DateOrder::Dmy,
            DateOrderArg::Mdy => DateOrder::Mdy,
        }),
        encoding: encoding(read.encoding),
        keep_columns,
        mapping,
        header_row: read.header_row,
        any_header: false,
    })
}

impl AuditSettings {
    /// Checks the flags; `tz` is the timezone the as-of is read in.
    pub(super) fn from_args(args: AuditArgs) -> Result<AuditSettings, Failure> {
        let keep_columns: Vec<String> = args
            .keep_columns
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        let (rules, mut audit) = shared(&args.read, args.inputs.clone(), keep_columns)?;
        audit.lang = args.lang;
        audit.sample_per_policy = args.sample.unwrap_or(0);
        audit.period = period(args.from.as_deref(), args.to.as_deref()).map_err(Failure::usage)?;
        let out = args.out.clone().unwrap_or_else(|| {
            PathBuf::from("reports").join(audit.as_of.date_naive().format("%Y-%m-%d").to_string())
        });
        let threshold = |severity, only_new| Some(FailThreshold { severity, only_new });
        let fail_on = match args.fail_on {
            FailOn::Violation => threshold(Severity::Violation, false),
            FailOn::Warning => threshold(Severity::Warning, false),
            FailOn::NewViolation => threshold(Severity::Violation, true),
            FailOn::NewWarning => threshold(Severity::Warning, true),
            FailOn::Never => None,
        };
        if !(0.0..=1.0).contains(&args.max_rejected) {
            return Err(Failure::usage(format!(
                "--max-rejected {}: expected a share between 0 and 1 (0.10 = 10%)",
                args.max_rejected
            )));
        }
        Ok(AuditSettings {
            rules,
            audit,
            out,
            wait: args.wait,
            fail_on,
            previous: args.previous,
            waivers: args.waivers,
            history: args.history,
            trust: TrustSettings {
                max_rejected: args.max_rejected,
                allow_uncovered: args.allow_uncovered,
            },
            quiet: args.quiet,
            mapping: args.read.mapping,
        })
    }
}

impl AuditSettings {
    /// Checks `--out` against the files the run reads and takes its lock (waiting for
    /// another run with `--wait`): done before any input is read, and held until the outputs
    /// are committed.
    pub(super) fn claim_out(&self) -> Result<OutDir, Failure> {
        let reads: Vec<&Path> = (self.audit.inputs.iter())
            .chain(&self.mapping)
            .chain(&self.waivers)
            .map(PathBuf::as_path)
            .collect();
        let (out, quiet) = (&self.out, self.quiet);
        if let Some(history) = &self.history {
            check_history_outside(history, out)?;
        }
        OutDir::claim(out, &reads, self.wait, |holder| {
            if !quiet {
                eprintln!(
                    "rma-audit: {}: waiting for the run writing it to finish ({holder})",
                    out.display()
                );
            }
        })
        .map_err(|err| Failure {
            lines: vec![err.to_string()],
            status: if err.is_usage() {
                ExitStatus::Usage
            } else {
                ExitStatus::Internal
            },
        })
    }
}

/// The history must not be inside `--out`: the directory is replaced as a whole by each run.
fn check_history_outside(history: &Path, out: &Path) -> Result<(), Failure> {
    let absolute = |path: &Path| std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    if absolute(history).starts_with(absolute(out)) {
        return Err(Failure::usage(format!(
            "--history {}: inside --out {}, which each run replaces; keep the history beside it",
            history.display(),
            out.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

    #[test]
    fn a_date_means_the_end_of_that_day() {
        let as_of = parse_as_of("2026-11-15", SHANGHAI).unwrap();
        assert_eq!(as_of.to_rfc3339(), "2026-11-15T23:59:59+08:00");
    }

    #[test]
    fn datetimes_are_local_unless_they_carry_an_offset() {
        assert_eq!(
            parse_as_of("2026-11-15 18:00", SHANGHAI)
                .unwrap()
                .to_rfc3339(),
            "2026-11-15T18:00:00+08:00"
        );
        assert_eq!(
            parse_as_of("2026-11-15T10:00:00Z", SHANGHAI)
                .unwrap()
                .to_rfc3339(),
            "2026-11-15T18:00:00+08:00"
        );
        assert!(parse_as_of("15/11/2026", SHANGHAI)
            .unwrap_err()
            .contains("expected a date"));
    }
}
