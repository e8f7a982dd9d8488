//! The whole-pipeline benchmark: generates N-ticket exports with `rma-audit sample`, then, in
//! one run, measures the floor the file formats set and the full `rma-audit audit`, and prints
//! both, their ratio, rows per second, CPU use and peak resident memory.
//!
//! ```text
//! benches/run.sh [SIZE...]                      # default 100000 1000000
//! cargo bench --bench pipeline -- [SIZE...] [--runs R] [--work DIR] [--formats csv,xlsx,gbk]
//! ```
//!
//! The floor of one input is what no audit of it can beat on this machine:
//! - read: every cell streamed once — the csv crate's `ByteRecord` for CSV (the GBK file's
//!   bytes as they are), calamine's streaming cell reader for XLSX — touching each value;
//! - write: as many cells as the audit's `report.xlsx` holds on its listing sheets (Findings,
//!   the category sheets, Rejected rows), the findings' fields as in `findings.csv` over and
//!   over, written with rust_xlsxwriter in constant-memory mode at the report's deflate level
//!   and saved.
//!
//! For XLSX a second floor: the sheet part inflated alone, nothing parsed (`inflate`).
//!
//! Floor and audit each run in a child process (the floor as this executable with `floor
//! ...`), so every measurement has its own peak RSS (`wait4`). Each is repeated `--runs`
//! times (default 3), alternating floor and audit, and the median is reported; within a run,
//! each format is measured at every size back to back. The ratio is given twice: median audit
//! over median floor, and the median of each run's audit over the floor measured right after
//! it (paired), which a load that comes and goes moves least. Scaling, likewise: from the
//! medians, and paired (each run's largest size against its smallest, measured just before).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The allocator of the `rma-audit` binary, so that the in-process phases and the floor are
/// measured as the binary runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AS_OF: &str = "2026-11-15";
const VIOLATION_RATE: &str = "0.15";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("floor") {
        std::process::exit(floor::main(&args[1..]));
    }
    if args.first().map(String::as_str) == Some("phases") {
        std::process::exit(phases::main(&args[1..]));
    }
    let options = match Options::parse(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("pipeline: {message}");
            eprintln!(
                "usage: cargo bench --bench pipeline -- [SIZE...] [--runs R] [--work DIR] [--formats csv,xlsx,gbk]"
            );
            std::process::exit(2);
        }
    };
    if let Err(message) = run(&options) {
        eprintln!("pipeline: {message}");
        std::process::exit(1);
    }
}

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    work: PathBuf,
    formats: Vec<Format>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Xlsx,
    /// The CSV's tickets in GB18030 under the Chinese headers: every byte transcoded.
    Gbk,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Gbk => "gbk",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Format::Csv => "tickets-full.csv",
            Format::Xlsx => "tickets-full.xlsx",
            Format::Gbk => "tickets-full-gbk.csv",
        }
    }

    /// The floor's reader: the csv crate reads a GBK file's bytes as they are.
    fn floor_reader(self) -> &'static str {
        match self {
            Format::Csv | Format::Gbk => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            sizes: Vec::new(),
            runs: 3,
            work: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pipeline"),
            formats: vec![Format::Csv, Format::Xlsx, Format::Gbk],
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match arg.as_str() {
                // `cargo bench` passes this to every bench target.
                "--bench" => {}
                "--runs" => {
                    options.runs = value("--runs")?
                        .parse()
                        .map_err(|_| "--runs: expected a number".to_string())?;
                }
                "--work" => options.work = PathBuf::from(value("--work")?),
                "--formats" => {
                    options.formats = value("--formats")?
                        .split(',')
                        .map(|f| match f {
                            "csv" => Ok(Format::Csv),
                            "xlsx" => Ok(Format::Xlsx),
                            "gbk" => Ok(Format::Gbk),
                            other => Err(format!("unknown format `{other}`")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                size => options.sizes.push(
                    size.replace('_', "")
                        .parse()
                        .map_err(|_| format!("unknown argument `{size}`"))?,
                ),
            }
        }
        if options.sizes.is_empty() {
            options.sizes = vec![100_000, 1_000_000];
        }
        if options.runs == 0 {
            return Err("--runs must be at least 1".into());
        }
        Ok(options)
    }
}

/// What one child process cost.
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    wall: Duration,
    cpu: Duration,
    max_rss_kb: u64,
}

/// Runs `command` to completion and measures it; fails on a non-zero exit.
// The benchmark harness, not the product: a child's peak memory and CPU come from `wait4`,
// which the standard library does not wrap.
#[allow(unsafe_code)]
fn measure(command: &mut Command) -> Result<(Usage, String), String> {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|err| format!("cannot start {command:?}: {err}"))?;
    let pid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.expect("piped stdout");
    let mut printed = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut printed)
        .map_err(|err| format!("reading the output of {command:?}: {err}"))?;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is a child of this process that has not been waited for.
    let waited = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
    let wall = started.elapsed();
    if waited != pid {
        return Err(format!("wait4 failed for {command:?}"));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{command:?} failed (status {status})"));
    }
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok((
        Usage {
            wall,
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
            max_rss_kb: usage.ru_maxrss as u64,
        },
        printed,
    ))
}

/// Seconds for `unzip -p` to inflate the workbook's first sheet part to nowhere: inflating
/// alone as a command-line tool does it (NaN without `unzip`).
fn unzip_seconds(input: &Path) -> f64 {
    let started = Instant::now();
    let status = Command::new("unzip")
        .arg("-p")
        .arg(input)
        .arg("xl/worksheets/sheet1.xml")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => started.elapsed().as_secs_f64(),
        _ => f64::NAN,
    }
}

fn audit_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rma-audit"))
}

/// Generates the size-N exports once; later runs reuse them.
fn generate(work: &Path, size: usize) -> Result<PathBuf, String> {
    let dir = work.join(format!("n{size}"));
    let marker = dir.join(".complete");
    if marker.is_file() {
        return Ok(dir);
    }
    eprintln!("generating {size} tickets into {} …", dir.display());
    let (usage, _) = measure(Command::new(audit_binary()).args([
        "sample",
        "--tickets",
        &size.to_string(),
        "--seed",
        "1",
        "--violation-rate",
        VIOLATION_RATE,
        "--layout",
        "full",
        "--out",
        &dir.to_string_lossy(),
    ]))?;
    eprintln!("  generated in {:.1} s", usage.wall.as_secs_f64());
    std::fs::write(&marker, b"").map_err(|err| err.to_string())?;
    Ok(dir)
}

/// The GBK export of a size's directory, made once from its UTF-8 CSV: the Chinese header of
/// every column (as `sample-data/tickets-zh-gbk.csv` has it), then every record, encoded as
/// GB18030.
fn gbk_export(dir: &Path) -> Result<PathBuf, String> {
    use std::io::{BufRead, BufReader, BufWriter, Write};

    let path = dir.join(Format::Gbk.file());
    if path.is_file() {
        return Ok(path);
    }
    let source = dir.join(Format::Csv.file());
    let fail = |err: std::io::Error| format!("writing {}: {err}", path.display());
    let partial = dir.join("tickets-full-gbk.csv.partial");
    let mut lines = BufReader::new(std::fs::File::open(&source).map_err(fail)?);
    let mut out = BufWriter::new(std::fs::File::create(&partial).map_err(fail)?);
    let mut line = String::new();
    lines.read_line(&mut line).map_err(fail)?;
    let header: Vec<&str> = line
        .trim_end()
        .split(',')
        .map(|name| {
            rma_audit::ticket::Column::ALL
                .iter()
                .find(|column| column.name() == name)
                .map_or(name, |column| column.chinese_headers()[0])
        })
        .collect();
    line = format!("{}\n", header.join(","));
    loop {
        let (bytes, _, _) = encoding_rs::GB18030.encode(&line);
        out.write_all(&bytes).map_err(fail)?;
        line.clear();
        if lines.read_line(&mut line).map_err(fail)? == 0 {
            break;
        }
    }
    out.flush().map_err(fail)?;
    drop(out);
    std::fs::rename(&partial, &path).map_err(fail)?;
    Ok(path)
}

/// The floor child's report: read and write seconds, cells read, the report's listing
/// cells (as many written); and for XLSX the inflate-only seconds (NaN otherwise).
#[derive(Debug, Clone, Copy, Default)]
struct FloorTimes {
    read: f64,
    write: f64,
    cells: u64,
    listing_cells: u64,
    inflate: f64,
    /// XLSX: the audit's own reader, every cell read once (NaN otherwise).
    ours: f64,
    /// XLSX: `unzip -p INPUT SHEET_PART` to nowhere, the mean of a run just before the audit
    /// and one just after it (NaN otherwise, or without `unzip`).
    unzip: f64,
}

fn parse_floor(printed: &str) -> Result<FloorTimes, String> {
    let mut times = FloorTimes {
        inflate: f64::NAN,
        ours: f64::NAN,
        unzip: f64::NAN,
        ..FloorTimes::default()
    };
    for line in printed.lines() {
        let mut parts = line.split_whitespace();
        let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
            continue;
        };
        match key {
            "read_seconds" => times.read = value.parse().map_err(|_| line.to_string())?,
            "write_seconds" => times.write = value.parse().map_err(|_| line.to_string())?,
            "cells" => times.cells = value.parse().map_err(|_| line.to_string())?,
            "listing_cells" => {
                times.listing_cells = value.parse().map_err(|_| line.to_string())?;
            }
            "inflate_seconds" => times.inflate = value.parse().map_err(|_| line.to_string())?,
            "ours_seconds" => times.ours = value.parse().map_err(|_| line.to_string())?,
            _ => {}
        }
    }
    Ok(times)
}

#[derive(Clone)]
struct Sample {
    audit: Usage,
    floor: Usage,
    floor_times: FloorTimes,
    findings: usize,
}

fn median_by<T: Clone>(items: &[T], key: impl Fn(&T) -> f64) -> T {
    let mut sorted: Vec<T> = items.to_vec();
    sorted.sort_by(|a, b| key(a).total_cmp(&key(b)));
    sorted[sorted.len() / 2].clone()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "?".into(),
        |text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or("?".into(), |kb| format!("{:.1} GiB", kb as f64 / 1048576.0));
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!("{cores} cores, {cpu}, {memory} RAM")
}

/// `x` with two decimals, or a dash when it was not measured.
fn two_places(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "–".into()
    }
}

fn count_findings(path: &Path) -> Result<usize, String> {
    let text = std::fs::read(path).map_err(|err| format!("{}: {err}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_slice());
    Ok(reader.byte_records().count())
}

struct Row {
    size: usize,
    format: Format,
    floor_read: f64,
    floor_write: f64,
    floor_rss_kb: u64,
    audit: Usage,
    /// Every run's audit seconds, in run order.
    audits: Vec<f64>,
    findings: usize,
    /// Cells on the listing sheets of the audit's `report.xlsx` (the floor writes as many).
    listing_cells: u64,
    /// The median over the runs of each audit's time over the floor measured right after
    /// it: the figure least moved by a load that changes during the benchmark.
    paired_ratio: f64,
    /// XLSX: the median seconds to inflate the sheet part alone (NaN for CSV).
    inflate: f64,
    /// XLSX: the median over the runs of each audit's time over the inflating right after.
    paired_inflate_ratio: f64,
    /// XLSX: the medians of the floor's calamine read and of the audit's own reader.
    reads: (f64, f64),
    /// XLSX: the median seconds of `unzip -p`, and the paired audit over it.
    unzip: (f64, f64),
}

impl Row {
    fn floor(&self) -> f64 {
        self.floor_read + self.floor_write
    }

    fn ratio(&self) -> f64 {
        self.audit.wall.as_secs_f64() / self.floor()
    }

    /// The medians of one input's runs.
    fn of(size: usize, format: Format, samples: &[Sample]) -> Row {
        let median_ratio = |over: &dyn Fn(&Sample) -> f64| {
            let ratios: Vec<f64> = samples
                .iter()
                .map(|s| s.audit.wall.as_secs_f64() / over(s))
                .collect();
            median_by(&ratios, |r| *r)
        };
        let median = |key: &dyn Fn(&Sample) -> f64| key(&median_by(samples, key));
        let audit = median_by(samples, |s| s.audit.wall.as_secs_f64());
        Row {
            size,
            format,
            floor_read: median(&|s| s.floor_times.read),
            floor_write: median(&|s| s.floor_times.write),
            floor_rss_kb: samples
                .iter()
                .map(|s| s.floor.max_rss_kb)
                .max()
                .unwrap_or(0),
            audit: Usage {
                max_rss_kb: samples
                    .iter()
                    .map(|s| s.audit.max_rss_kb)
                    .max()
                    .unwrap_or(0),
                ..audit.audit
            },
            audits: samples.iter().map(|s| s.audit.wall.as_secs_f64()).collect(),
            findings: audit.findings,
            listing_cells: audit.floor_times.listing_cells,
            paired_ratio: median_ratio(&|s| s.floor_times.read + s.floor_times.write),
            inflate: median(&|s| s.floor_times.inflate),
            paired_inflate_ratio: median_ratio(&|s| s.floor_times.inflate),
            reads: (
                median(&|s| s.floor_times.read),
                median(&|s| s.floor_times.ours),
            ),
            unzip: (
                median(&|s| s.floor_times.unzip),
                median_ratio(&|s| s.floor_times.unzip),
            ),
        }
    }
}

/// Time per ticket at the larger size over the smaller, run by run (the two measured back to
/// back), and their median.
fn paired_scaling(small: &Row, large: &Row) -> (Vec<f64>, f64) {
    let per_ticket = large.size as f64 / small.size as f64;
    let each: Vec<f64> = small
        .audits
        .iter()
        .zip(&large.audits)
        .map(|(small, large)| large / small / per_ticket)
        .collect();
    let median = median_by(&each, |r| *r);
    (each, median)
}

/// One run of the audit of `input` and of its floors, each in a child process.
fn measure_sample(
    own: &Path,
    size: usize,
    format: Format,
    dir: &Path,
    input: &Path,
    run: usize,
) -> Result<Sample, String> {
    let out = dir.join(format!("out-{}", format.name()));
    // XLSX: `unzip -p` just before the audit and just after it, so that the pair brackets the
    // audit (a machine that slows or speeds up meanwhile moves both halves alike).
    let unzip = || {
        if format == Format::Xlsx {
            unzip_seconds(input)
        } else {
            f64::NAN
        }
    };
    let unzip_before = unzip();
    let (audit, _) = measure(Command::new(audit_binary()).args([
        "audit",
        &input.to_string_lossy(),
        "--as-of",
        AS_OF,
        "--out",
        &out.to_string_lossy(),
        "--quiet",
    ]))?;
    let unzip_after = unzip();
    let findings = count_findings(&out.join("findings.csv"))?;
    let floor_out = dir.join(format!("floor-{}.xlsx", format.name()));
    let (floor, printed) = measure(Command::new(own).args([
        "floor",
        format.floor_reader(),
        &input.to_string_lossy(),
        &out.join("findings.csv").to_string_lossy(),
        &out.join("report.xlsx").to_string_lossy(),
        &floor_out.to_string_lossy(),
    ]))?;
    let mut floor_times = parse_floor(&printed)?;
    if format == Format::Xlsx {
        let (_, printed) =
            measure(Command::new(own).args(["floor", "inflate", &input.to_string_lossy()]))?;
        floor_times.inflate = parse_floor(&printed)?.inflate;
        let (_, printed) =
            measure(Command::new(own).args(["floor", "ours", &input.to_string_lossy()]))?;
        floor_times.ours = parse_floor(&printed)?.ours;
        floor_times.unzip = f64::midpoint(unzip_before, unzip_after);
    }
    eprintln!(
        "  {size} {} run {}: audit {:.2} s, floor {:.2} s (read {:.2} + write {:.2} of {} cells), inflate {} s (unzip -p {} s: {} before the audit, {} after), our read {} s, {findings} findings, load {}",
        format.name(),
        run + 1,
        audit.wall.as_secs_f64(),
        floor_times.read + floor_times.write,
        floor_times.read,
        floor_times.write,
        floor_times.listing_cells,
        two_places(floor_times.inflate),
        two_places(floor_times.unzip),
        two_places(unzip_before),
        two_places(unzip_after),
        two_places(floor_times.ours),
        load_average()
    );
    Ok(Sample {
        audit,
        floor,
        floor_times,
        findings,
    })
}

/// The audit's two phases timed in-process (`phases`), once: read to merge, and writing.
fn time_phases(own: &Path, format: Format, dir: &Path, input: &Path) -> Result<(f64, f64), String> {
    let (_, printed) = measure(
        Command::new(own).args([
            "phases",
            &input.to_string_lossy(),
            &dir.join(format!("phases-{}", format.name()))
                .to_string_lossy(),
        ]),
    )?;
    let phase = |key: &str| {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    Ok((phase("audit_seconds"), phase("write_seconds")))
}

fn run(options: &Options) -> Result<(), String> {
    std::fs::create_dir_all(&options.work).map_err(|err| err.to_string())?;
    let own = std::env::current_exe().map_err(|err| err.to_string())?;
    println!("machine: {}", machine());
    println!("load average at start: {}", load_average());
    let mut inputs = Vec::new();
    for &size in &options.sizes {
        let dir = generate(&options.work, size)?;
        for &format in &options.formats {
            let input = match format {
                Format::Gbk => gbk_export(&dir)?,
                _ => dir.join(format.file()),
            };
            inputs.push((size, format, dir.clone(), input));
        }
    }
    // Run by run, each format at every size back to back: the sizes a scaling figure
    // compares are measured within a minute of each other, not minutes apart.
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); inputs.len()];
    for run in 0..options.runs {
        for &format in &options.formats {
            for ((size, of, dir, input), samples) in inputs.iter().zip(&mut samples) {
                if *of == format {
                    samples.push(measure_sample(&own, *size, format, dir, input, run)?);
                }
            }
        }
    }
    let mut rows = Vec::new();
    let mut phase_rows = Vec::new();
    for ((size, format, dir, input), samples) in inputs.iter().zip(&samples) {
        phase_rows.push((*size, *format, time_phases(&own, *format, dir, input)?));
        rows.push(Row::of(*size, *format, samples));
    }
    println!("load average at end: {}", load_average());
    println!();
    println!(
        "| tickets | input | floor read s | floor write s | floor s | audit s | audit / floor | paired audit / floor | inflate s | paired audit / inflate | listing cells | tickets/s | audit CPU % | findings | audit peak RSS MB | floor peak RSS MB |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        let wall = row.audit.wall.as_secs_f64();
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} | {} | {:.0} | {:.0} | {} | {:.0} | {:.0} |",
            row.size,
            row.format.name(),
            row.floor_read,
            row.floor_write,
            row.floor(),
            wall,
            row.ratio(),
            row.paired_ratio,
            two_places(row.inflate),
            two_places(row.paired_inflate_ratio),
            row.listing_cells,
            row.size as f64 / wall,
            100.0 * row.audit.cpu.as_secs_f64() / wall,
            row.findings,
            row.audit.max_rss_kb as f64 / 1024.0,
            row.floor_rss_kb as f64 / 1024.0,
        );
    }
    if rows.iter().any(|row| row.format == Format::Xlsx) {
        println!();
        println!(
            "The XLSX reader against calamine's streaming reader and against inflating alone:"
        );
        println!();
        println!(
            "| tickets | calamine read s | our read s | calamine / ours | inflate (zip crate) s | inflate (`unzip -p`) s | paired audit / `unzip -p` |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---:|");
        for row in rows.iter().filter(|row| row.format == Format::Xlsx) {
            println!(
                "| {} | {:.2} | {:.2} | {:.2} | {} | {} | {} |",
                row.size,
                row.reads.0,
                row.reads.1,
                row.reads.0 / row.reads.1,
                two_places(row.inflate),
                two_places(row.unzip.0),
                two_places(row.unzip.1),
            );
        }
    }
    println!();
    println!("Where the audit's wall time goes (in-process, one run, no progress output):");
    println!();
    println!("| tickets | input | read + parse + evaluate + merge s | write outputs s |");
    println!("|---:|---|---:|---:|");
    for (size, format, (audit, write)) in &phase_rows {
        println!("| {size} | {} | {audit:.2} | {write:.2} |", format.name());
    }
    println!();
    // Scaling: time per ticket at the largest size against the smallest, from the medians
    // and run by run (each pair measured back to back).
    for format in &options.formats {
        let of: Vec<&Row> = rows.iter().filter(|r| r.format == *format).collect();
        if let (Some(small), Some(large)) = (
            of.iter().min_by_key(|r| r.size),
            of.iter().max_by_key(|r| r.size),
        ) {
            if small.size < large.size {
                let per = |r: &Row| r.audit.wall.as_secs_f64() / r.size as f64;
                let (each, paired) = paired_scaling(small, large);
                let each: Vec<String> = each.iter().map(|r| format!("{r:.3}")).collect();
                println!(
                    "scaling {}: {} → {} tickets, time per ticket × {:.3} from the medians, × {paired:.3} paired (runs: {}) (1.000 = linear)",
                    format.name(),
                    small.size,
                    large.size,
                    per(large) / per(small),
                    each.join(", ")
                );
            }
        }
    }
    Ok(())
}

#[path = "pipeline/floor.rs"]
mod floor;

/// The audit's two phases timed in-process, as a child process: `phases INPUT OUT_DIR`.
mod phases {
    use std::path::PathBuf;
    use std::time::Instant;

    use rma_audit::audit::{self, AuditConfig};
    use rma_audit::calendar::CalendarSet;
    use rma_audit::cli::parse_as_of;
    use rma_audit::policy::PolicySet;
    use rma_audit::report::{self, RunMeta};

    pub(crate) fn main(args: &[String]) -> i32 {
        let [input, out] = args else {
            eprintln!("usage: pipeline phases INPUT OUT_DIR");
            return 2;
        };
        let (Ok(policies), Ok(calendars)) = (PolicySet::load(None), CalendarSet::load(None)) else {
            eprintln!("phases: the built-in policies or calendars do not load");
            return 1;
        };
        let Ok(as_of) = parse_as_of(super::AS_OF, chrono_tz::Asia::Shanghai) else {
            return 1;
        };
        let config = AuditConfig {
            inputs: vec![PathBuf::from(input)],
            as_of,
            forced_policy: None,
            read: Default::default(),
            sample_per_policy: 0,
            spill_budget: rma_audit::audit::spill::DEFAULT_BUDGET,
            period: rma_audit::audit::Period::default(),
            lang: rma_audit::l10n::Lang::En,
        };
        let started = Instant::now();
        let run = match audit::run(&config, &policies, &calendars, |_| {}) {
            Ok(run) => run,
            Err(err) => {
                eprintln!("phases: {err}");
                return 1;
            }
        };
        let audit_seconds = started.elapsed().as_secs_f64();
        let started = Instant::now();
        if let Err(err) = report::write_all(&run, &RunMeta::default(), out.as_ref()) {
            eprintln!("phases: {err}");
            return 1;
        }
        println!("audit_seconds {audit_seconds:.4}");
        println!("write_seconds {:.4}", started.elapsed().as_secs_f64());
        0
    }
}
