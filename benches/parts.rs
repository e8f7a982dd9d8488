//! The audit's parts in-process, with criterion: on one generated export of 10,000 tickets
//! (the layout and share of findings `benches/pipeline.rs` uses), each part alone.
//!
//! ```text
//! cargo bench --bench parts               # every part
//! cargo bench --bench parts -- parse      # the parts whose name contains `parse`
//! cargo bench --bench parts -- --test     # each part once, to check that it runs
//! ```
//!
//! - `read/csv`, `read/xlsx`: opening the export and reading every row to its raw cells (the
//!   reading thread's work in an audit);
//! - `parse`: the raw rows of the CSV read into tickets, on one thread;
//! - `evaluate`: the rules on every parsed ticket, on one thread (`rules::findings`, the
//!   evaluation the audit runs; policies resolved beforehand with `audit::resolve_rows`);
//! - `audit/csv`: `audit::run` on the CSV, every part above on the pipeline's threads, plus
//!   the merge — no output written;
//! - `write`: every output of that audit written (`report::write_all`): `findings.csv`,
//!   `rejected.csv`, `summary.json` and `report.xlsx`.
//!
//! The sum of the parts is not the audit: the pipeline overlaps reading with evaluation and
//! spreads parsing and rules over the cores.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rma_audit::audit::{self, AuditConfig, AuditRun};
use rma_audit::calendar::CalendarSet;
use rma_audit::cli::parse_as_of;
use rma_audit::ingest::{self, RawRow, Row, Schema};
use rma_audit::policy::{Policy, PolicySet};
use rma_audit::report::{self, RunMeta};
use rma_audit::rules::{self, Context};
use rma_audit::sample::{self, Layout, SampleOptions};
use rma_audit::ticket::Ticket;

// The allocator the binary uses, so that the parts cost what they cost in an audit.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TICKETS: usize = 10_000;
const AS_OF: &str = "2026-11-15";

/// The generated export, made once per target directory.
fn export() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("parts/n{TICKETS}"));
    let marker = dir.join(".complete");
    if !marker.is_file() {
        let options = SampleOptions {
            violation_rate: Some(0.15),
            layout: Layout::Full,
            ..SampleOptions::new(TICKETS, 1, dir.clone())
        };
        sample::generate(&options).expect("the sample export is generated");
        std::fs::write(&marker, b"").expect("the marker is written");
    }
    dir
}

fn read_raw(path: &Path) -> (Schema, Vec<RawRow>) {
    let options = ingest::Options::default();
    let mut reader = ingest::open(path, &options).expect("the export opens");
    let schema = Schema::for_reader(reader.as_ref(), 0, &options).expect("the header reads");
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().expect("a row reads") {
        rows.push(row);
    }
    (schema, rows)
}

fn config(input: PathBuf) -> AuditConfig {
    AuditConfig {
        inputs: vec![input],
        as_of: parse_as_of(AS_OF, chrono_tz::Asia::Shanghai).expect("the as-of parses"),
        forced_policy: None,
        read: ingest::Options::default(),
        sample_per_policy: 0,
        spill_budget: rma_audit::audit::spill::DEFAULT_BUDGET,
        period: rma_audit::audit::Period::default(),
        lang: rma_audit::l10n::Lang::En,
    }
}

fn parts(c: &mut Criterion) {
    let dir = export();
    let csv = dir.join(sample::FULL_CSV_FILE);
    let xlsx = dir.join(sample::FULL_XLSX_FILE);
    let policies = PolicySet::load(None).expect("the built-in policies load");
    let calendars = CalendarSet::load(None).expect("the built-in calendars load");
    let config = config(csv.clone());
    let ctx = Context {
        as_of: config.as_of.with_timezone(&chrono::Utc),
        calendars: &calendars,
        texts: rma_audit::l10n::Texts::of(rma_audit::l10n::Lang::En),
    };

    let (schema, raw) = read_raw(&csv);
    let mut seen = std::collections::HashSet::new();
    let parsed = raw.iter().map(|row| schema.parse(row));
    let tickets: Vec<(Box<Ticket>, &Policy)> =
        audit::resolve_rows(parsed, &schema, &config, &policies)
            .into_iter()
            .filter_map(Result::ok)
            // The audit evaluates the first row of a ticket id and reports the later ones.
            .filter(|(ticket, _)| seen.insert(ticket.ticket_id.clone()))
            .collect();
    let run = audit::run(&config, &policies, &calendars, |_| {}).expect("the audit runs");
    // The parts do the audit's work: the same rows read, the same tickets audited, and the
    // rules find what the audit found (less its duplicate findings).
    assert_eq!(raw.len() as u64, run.rows_read(), "rows read");
    assert_eq!(tickets.len() as u64, run.rows_audited(), "tickets audited");
    let found: usize = tickets
        .iter()
        .map(|(ticket, policy)| rules::findings(ticket, policy, &ctx).len())
        .sum();
    let duplicates = run.rows_duplicate() as usize;
    assert_eq!(found, run.findings.len() - duplicates, "findings");

    let mut group = c.benchmark_group("parts");
    // Per row of the export (`evaluate`: per ticket evaluated).
    let rows = Throughput::Elements(raw.len() as u64);
    group.throughput(rows.clone());
    group.bench_function("read/csv", |b| b.iter(|| read_raw(black_box(&csv)).1.len()));
    group.bench_function("read/xlsx", |b| {
        b.iter(|| read_raw(black_box(&xlsx)).1.len());
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            raw.iter()
                .map(|row| schema.parse(black_box(row)))
                .collect::<Vec<Row>>()
        });
    });
    group.throughput(Throughput::Elements(tickets.len() as u64));
    group.bench_function("evaluate", |b| {
        b.iter(|| {
            tickets
                .iter()
                .map(|(ticket, policy)| rules::findings(black_box(ticket), policy, &ctx).len())
                .sum::<usize>()
        });
    });
    group.throughput(rows);
    group.bench_function("audit/csv", |b| {
        b.iter(|| {
            audit::run(black_box(&config), &policies, &calendars, |_| {}).map(|r| r.findings.len())
        });
    });
    let out = tempfile::tempdir().expect("a temporary directory");
    let report = out.path().join("report");
    // Every iteration after the first replaces the previous outputs, as a nightly run does.
    group.bench_function("write", |b| b.iter(|| write(&run, &report)));
    group.finish();
}

fn write(run: &AuditRun, dir: &Path) {
    report::write_all(run, &RunMeta::default(), dir).expect("the outputs are written");
}

criterion_group! {
    name = benches;
    // Ten samples over fifteen seconds each are enough for the slowest part and keep the
    // whole set short (the parts' times: benches/README.md).
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(15));
    targets = parts
}
criterion_main!(benches);
