//! The command line: clap flags, turned once into a checked configuration, then run.
//! Clap types stop here; the as-of instant is resolved here and nowhere else.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::ExitStatus;

mod commands;
mod config;
mod history;

pub use config::{parse_as_of, AuditSettings};

/// Audits after-sales tickets against the vendors' written after-sales policies.
#[derive(Debug, Parser)]
#[command(name = "rma-audit", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `rma-audit`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit ticket exports and write findings.csv, rejected.csv, summary.json and report.xlsx.
    Audit(AuditArgs),
    /// List, show or check policy files.
    Policies {
        /// What to do with the policies.
        #[command(subcommand)]
        action: PoliciesAction,
    },
    /// List, show or check working-day calendars.
    Calendars {
        /// What to do with the calendars.
        #[command(subcommand)]
        action: CalendarsAction,
    },
    /// Check a mapping file, or print a starting mapping for an export's headers.
    Mapping {
        /// What to do with the mapping.
        #[command(subcommand)]
        action: MappingAction,
    },
    /// Show every rule's reasoning for one ticket.
    Explain(ExplainArgs),
    /// Generate sample ticket exports for the shipped policies.
    Sample(SampleArgs),
    /// List the runs a history file (`audit --history`) holds, or drop one.
    History(HistoryArgs),
}

/// Options shared by `audit` and `explain`: how to read the inputs and which rules to apply.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// The as-of instant for rules about open tickets: a date (end of that day, 23:59:59 in the
    /// policy timezone) or a datetime (RFC 3339, or local `YYYY-MM-DD HH:MM[:SS]`). Default: now.
    #[arg(long, value_name = "DATE|DATETIME")]
    pub as_of: Option<String>,
    /// Policy id or alias applied to every row (overrides the rows' policy column).
    #[arg(long, value_name = "ID")]
    pub policy: Option<String>,
    /// Directory of policy files (TOML) that add to or replace the built-in ones by id.
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    /// Directory of calendar files (TOML) that add to or replace the built-in ones by id.
    #[arg(long, value_name = "DIR")]
    pub calendars: Option<PathBuf>,
    /// Mapping file (TOML): source headers → canonical columns, per-column date formats,
    /// extra value aliases, blank tokens, constants and names; or a shipped mapping by name:
    /// servicenow, zendesk, freshdesk, jira, taobao.
    #[arg(long, value_name = "FILE|NAME")]
    pub mapping: Option<PathBuf>,
    /// Sheet to read from workbook inputs (default: the first sheet with a ticket header).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The header's row number, 1 = the first row (default: the first row among the first 30
    /// with a ticket_id header and two other known headers).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub header_row: Option<u64>,
    /// How to read ambiguous dates such as 01/10/2026; without it they are rejected.
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_order: Option<DateOrderArg>,
    /// CSV text encoding (default: detected; valid UTF-8 is read as UTF-8, anything else as
    /// GB18030, a superset of GBK).
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<EncodingArg>,
}

/// Options of `audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Ticket exports: .csv, .xlsx, .xls, .ods (and .parquet when built with `parquet`).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    // The doc line is also the `--help` text, so its placeholder stays plain.
    #[allow(rustdoc::invalid_html_tags)]
    /// Output directory (default: reports/<as-of date>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// When another run is writing the same output directory, wait for it to finish instead
    /// of stopping at once with exit status 2.
    #[arg(long)]
    pub wait: bool,
    /// How to read the inputs and which rules to apply.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Extra input columns carried into the findings, comma-separated, as named in the export.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub keep_columns: Vec<String>,
    /// Exit with status 1 when a finding of this severity or worse exists; `new-violation`
    /// and `new-warning` count only findings the `--previous` run did not have. Waived
    /// findings never count.
    #[arg(long, value_enum, default_value = "never", value_name = "LEVEL")]
    pub fail_on: FailOn,
    /// The language of the workbook and of the findings' texts: `en` or `zh-CN`. CSV
    /// headers, rule ids, clause ids and summary.json keys stay the same in every language.
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = parse_lang)]
    pub lang: crate::l10n::Lang,
    /// An earlier run's output directory: findings are marked new or persisting, and the ones
    /// gone are counted as resolved. A directory without findings.csv (the first night) is
    /// not an error: every finding is new.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Run history (SQLite, created on first use): the run is recorded there once its outputs
    /// are written (the same as-of again replaces it), the report gains a Trends sheet, and
    /// without --previous the latest earlier run recorded is the one compared with.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Waivers file (CSV: finding_id,ticket_id,rule,reason,approved_by,expires): findings
    /// management has accepted stay listed as `waived` and never count for `--fail-on`.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// The largest share of rows read (0–1) that may be rejected before the result is
    /// untrusted (exit status 4).
    #[arg(long, value_name = "SHARE", default_value_t = 0.10)]
    pub max_rejected: f64,
    /// Working-day checks a calendar does not cover do not make the result untrusted.
    #[arg(long)]
    pub allow_uncovered: bool,
    /// Audit only tickets applied for on or after this date (YYYY-MM-DD, the date of
    /// applied_at); the others are counted out of period.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Audit only tickets applied for on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Add a sheet with a reproducible random sample of N compliant tickets per policy.
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,
    /// No progress output on standard error.
    #[arg(long)]
    pub quiet: bool,
}

/// Options of `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The history file written by `audit --history`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Remove the run recorded as of this date or instant (as listed) with its findings.
    #[arg(long, value_name = "AS_OF")]
    pub drop: Option<String>,
}

/// Options of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The ticket export holding the ticket.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// The ticket id to explain.
    #[arg(long, value_name = "ID")]
    pub ticket: String,
    /// How to read the input and which rules to apply.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Options of `sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Number of tickets to generate.
    #[arg(long, default_value_t = 2000)]
    pub tickets: usize,
    /// Random seed; the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory.
    #[arg(long, default_value = "sample-data")]
    pub out: PathBuf,
    /// Share of the tickets (0–1) with planted findings, e.g. 0.15: the planted cases are
    /// repeated with fresh dates until about that share is reached. Default: each planted case
    /// once.
    #[arg(long, value_name = "SHARE")]
    pub violation_rate: Option<f64>,
    /// How the generated tickets are laid out over files. A workbook with more tickets than
    /// one Excel sheet holds (1,048,575 under the header) is skipped, saying so on standard
    /// error; the CSV files hold every ticket.
    #[arg(long, value_enum, default_value = "split", value_name = "LAYOUT")]
    pub layout: SampleLayout,
}

/// How `sample` lays the tickets out over files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SampleLayout {
    /// The tickets shared out over tickets-en.csv, tickets-zh-gbk.csv and tickets.xlsx, plus
    /// broken.csv.
    Split,
    /// Every ticket in tickets-full.csv and again in tickets-full.xlsx (both streamed to disk),
    /// for timing large exports.
    Full,
}

/// The `policies` subcommands.
#[derive(Debug, Subcommand)]
pub enum PoliciesAction {
    /// List the built-in and loaded policies.
    List {
        /// Directory of policy files to load besides the built-in ones.
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
    },
    /// Print one policy as TOML with its clause quotes.
    Show {
        /// Policy id or alias.
        id: String,
        /// Directory of policy files to load besides the built-in ones.
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
    },
    /// Check every policy file in a directory and print every problem found.
    Check {
        /// The directory to check.
        dir: PathBuf,
    },
}

/// The `calendars` subcommands.
#[derive(Debug, Subcommand)]
pub enum CalendarsAction {
    /// List the built-in and loaded calendars with the years they cover.
    List {
        /// Directory of calendar files to load besides the built-in ones.
        #[arg(long, value_name = "DIR")]
        calendars: Option<PathBuf>,
    },
    /// Print a calendar as CSV: date,working_day,kind,name.
    Show {
        /// Calendar id, e.g. cn.
        id: String,
        /// First date to print (default: the first covered day).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last date to print (default: the last covered day).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Directory of calendar files to load besides the built-in ones.
        #[arg(long, value_name = "DIR")]
        calendars: Option<PathBuf>,
    },
    /// Check every calendar file in a directory and print every problem found.
    Check {
        /// The directory to check.
        dir: PathBuf,
    },
}

/// The `mapping` subcommands.
#[derive(Debug, Subcommand)]
pub enum MappingAction {
    /// Check a mapping file (or a shipped mapping by name) and print every problem found.
    Check {
        /// The mapping file, or a shipped mapping's name.
        file: PathBuf,
    },
    /// Print a commented mapping (TOML) for the headers of an export: each header mapped to
    /// its canonical column when recognised, else commented out with the closest column.
    Template {
        /// The ticket export whose headers to map.
        export: PathBuf,
        /// Sheet to read from a workbook (default: the first sheet with a ticket header, else
        /// the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// The header's row number, 1 = the first row.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1000))]
        header_row: Option<u64>,
        /// CSV text encoding (default: detected).
        #[arg(long, value_enum, value_name = "ENCODING")]
        encoding: Option<EncodingArg>,
    },
}

/// How to read an ambiguous date such as 01/10/2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    /// Day first: 01/10/2026 is 1 October 2026.
    Dmy,
    /// Month first: 01/10/2026 is 10 January 2026.
    Mdy,
}

/// Text encoding of a CSV input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 (alias: utf8).
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030, a superset of GBK (alias: gbk).
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

/// The findings that make `audit` exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any violation.
    Violation,
    /// Any warning or violation.
    Warning,
    /// A violation the `--previous` run did not have.
    NewViolation,
    /// A warning or violation the `--previous` run did not have.
    NewWarning,
    /// Findings never change the exit status.
    Never,
}

/// Parses `args` and runs the command; every outcome becomes an exit status. A panic is an
/// internal error (status 3), never a crash without a status. Made to be called once, by the
/// process's `main`: `audit` leaves the memory of its run to the process's exit.
pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return match err.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitStatus::Ok
                }
                _ => ExitStatus::Usage,
            };
        }
    };
    // The program is recorded by name, not by where it was installed, so the run metadata is
    // the same on every machine.
    let command_line: Vec<String> = std::iter::once("rma-audit".to_owned())
        .chain(
            args.iter()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned()),
        )
        .collect();
    if let Ok(status) = std::panic::catch_unwind(|| dispatch(cli.command, command_line)) {
        status
    } else {
        eprintln!("rma-audit: internal error (a bug); please report it with the command line");
        ExitStatus::Internal
    }
}

fn dispatch(command: Command, command_line: Vec<String>) -> ExitStatus {
    let outcome = match command {
        Command::Audit(args) => commands::audit(args, command_line),
        Command::Policies { action } => commands::policies(action),
        Command::Calendars { action } => commands::calendars(action),
        Command::Mapping { action } => commands::mapping(action),
        Command::Explain(args) => commands::explain(args),
        Command::Sample(args) => commands::sample(args),
        Command::History(args) => history::history(args),
    };
    match outcome {
        Ok(status) => status,
        Err(failure) => {
            for line in failure.lines {
                eprintln!("rma-audit: {line}");
            }
            failure.status
        }
    }
}

/// `--lang`: a language with a catalogue.
fn parse_lang(text: &str) -> Result<crate::l10n::Lang, String> {
    text.parse()
        .map_err(|error: crate::l10n::UnknownLang| error.to_string())
}
