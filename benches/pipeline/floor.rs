//! The floors, run as child processes of the pipeline benchmark:
//! - `floor csv|xlsx INPUT FINDINGS_CSV REPORT_XLSX OUT_XLSX`: every cell of INPUT read once
//!   (timed), then as many cells as REPORT_XLSX's listing sheets hold written (timed), the
//!   rows of FINDINGS_CSV over and over, at the report's deflate level;
//! - `floor inflate INPUT`: the workbook's first sheet part inflated alone (timed), nothing
//!   parsed;
//! - `floor ours INPUT`: every cell of INPUT read once through the audit's own reader (for
//!   XLSX the parallel one), timed, to set beside the floor's calamine read.

use std::io::Read as _;
use std::path::Path;
use std::time::Instant;

use calamine::{open_workbook, DataRef, Reader, Xlsx};
use rust_xlsxwriter::Workbook;

/// Sheets of `report.xlsx` that are not listings of findings or rejected rows.
const NOT_LISTINGS: [&str; 6] = [
    "Summary",
    "Freight reconciliation",
    "Scorecards",
    "Coverage",
    "Review sample",
    "Run",
];

/// Rows one sheet holds under its header.
const DATA_ROWS: u32 = 1_048_575;

pub(crate) fn main(args: &[String]) -> i32 {
    match run(args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("floor: {message}");
            1
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    if let [mode, input] = args {
        if mode == "inflate" {
            let started = Instant::now();
            let bytes = inflate_first_sheet(Path::new(input))?;
            println!("inflate_seconds {:.4}", started.elapsed().as_secs_f64());
            println!("inflated_bytes {bytes}");
            return Ok(());
        }
        if mode == "ours" {
            let started = Instant::now();
            let cells = read_ours(Path::new(input))?;
            println!("ours_seconds {:.4}", started.elapsed().as_secs_f64());
            println!("cells {cells}");
            return Ok(());
        }
    }
    let [format, input, findings, report, out] = args else {
        return Err(
            "usage: pipeline floor csv|xlsx INPUT FINDINGS_CSV REPORT_XLSX OUT_XLSX | floor inflate|ours INPUT"
                .into(),
        );
    };
    let started = Instant::now();
    let cells = match format.as_str() {
        "csv" => read_csv(Path::new(input))?,
        "xlsx" => read_xlsx(Path::new(input))?,
        other => return Err(format!("unknown format `{other}`")),
    };
    let read = started.elapsed().as_secs_f64();
    let listing_cells = listing_cells(Path::new(report))?;
    let records = load_findings(Path::new(findings))?;
    let started = Instant::now();
    let written = write_cells(&records, listing_cells, Path::new(out))
        .map_err(|err| format!("writing {out}: {err}"))?;
    let write = started.elapsed().as_secs_f64();
    println!("read_seconds {read:.4}");
    println!("write_seconds {write:.4}");
    println!("cells {cells}");
    println!("listing_cells {listing_cells}");
    println!("cells_written {written}");
    Ok(())
}

/// Every field of every record, through one reused `ByteRecord`.
fn read_csv(path: &Path) -> Result<u64, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|err| err.to_string())?;
    let mut record = csv::ByteRecord::new();
    let mut cells = 0u64;
    let mut bytes = 0u64;
    while reader
        .read_byte_record(&mut record)
        .map_err(|err| err.to_string())?
    {
        for field in &record {
            cells += 1;
            bytes += field.len() as u64;
        }
    }
    std::hint::black_box(bytes);
    Ok(cells)
}

/// Every cell of the first sheet through calamine's streaming cell reader.
fn read_xlsx(path: &Path) -> Result<u64, String> {
    let mut workbook: Xlsx<_> = open_workbook(path).map_err(|err| format!("{err}"))?;
    let sheet = workbook.sheet_names().first().cloned().ok_or("no sheets")?;
    count_cells(&mut workbook, &sheet, true)
}

/// Every cell of the export through the audit's reader (`ingest::open`, rows to raw cells,
/// each cell touched): the cells holding a value.
fn read_ours(path: &Path) -> Result<u64, String> {
    let options = rma_audit::ingest::Options::default();
    let mut reader = rma_audit::ingest::open(path, &options).map_err(|err| err.to_string())?;
    let mut cells = reader.header().len() as u64;
    let mut touched = 0u64;
    while let Some(row) = reader.next_row().map_err(|err| err.to_string())? {
        for index in 0..row.cells.len() {
            touched += match row.cell(index) {
                rma_audit::ingest::CellRef::Empty => continue,
                rma_audit::ingest::CellRef::Text(text) => text.len() as u64,
                rma_audit::ingest::CellRef::Number(number) => number as u64 & 1,
                _ => 1,
            };
            cells += 1;
        }
    }
    std::hint::black_box(touched);
    Ok(cells)
}

/// The cells of `sheet` holding a value (each touched when `touch`).
fn count_cells(
    workbook: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
    touch: bool,
) -> Result<u64, String> {
    let mut reader = workbook
        .worksheet_cells_reader(sheet)
        .map_err(|err| err.to_string())?;
    let mut cells = 0u64;
    let mut touched = 0u64;
    while let Some(cell) = reader.next_cell().map_err(|err| err.to_string())? {
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        cells += 1;
        if touch {
            touched += match value {
                DataRef::String(text) => text.len() as u64,
                DataRef::SharedString(text) => text.len() as u64,
                DataRef::Float(number) => *number as u64 & 1,
                DataRef::Int(number) => *number as u64 & 1,
                DataRef::DateTime(at) => at.as_f64() as u64 & 1,
                DataRef::Bool(flag) => u64::from(*flag),
                _ => 0,
            };
        }
    }
    std::hint::black_box(touched);
    Ok(cells)
}

/// The cells holding a value on the listing sheets of `report` (Findings, the category
/// sheets, Rejected rows, each with its continuations), headers included.
fn listing_cells(report: &Path) -> Result<u64, String> {
    let mut workbook: Xlsx<_> = open_workbook(report).map_err(|err| format!("{err}"))?;
    let mut cells = 0;
    for sheet in workbook.sheet_names() {
        if !NOT_LISTINGS.contains(&sheet.as_str()) {
            cells += count_cells(&mut workbook, &sheet, false)?;
        }
    }
    Ok(cells)
}

fn load_findings(path: &Path) -> Result<Vec<csv::StringRecord>, String> {
    let mut reader = csv::Reader::from_path(path).map_err(|err| err.to_string())?;
    reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(|err| err.to_string())
}

/// Constant-memory sheets of the findings' 16 fields per row (numbers as numbers,
/// everything else as strings), the findings over and over until `cells` cells are
/// written, a new sheet past Excel's row limit; saved. Returns the cells written.
fn write_cells(
    records: &[csv::StringRecord],
    cells: u64,
    out: &Path,
) -> Result<u64, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    // The report's own deflate level, so that the floor writes as the audit does.
    workbook.set_zip_compression_level(rma_audit::report::ZIP_COMPRESSION_LEVEL);
    let mut written = 0u64;
    let mut rows = records.iter().cycle();
    while written < cells && !records.is_empty() {
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        for (col, title) in rma_audit::report::FINDINGS_HEADER.iter().enumerate() {
            sheet.write_string(0, col as u16, *title)?;
            written += 1;
        }
        let mut row = 1;
        while written < cells && row <= DATA_ROWS {
            let Some(record) = rows.next() else { break };
            for (col, field) in record.iter().enumerate() {
                let col = col as u16;
                if field.is_empty() {
                    continue;
                }
                match field.parse::<f64>() {
                    Ok(number) if col >= 10 => sheet.write_number(row, col, number)?,
                    _ => sheet.write_string(row, col, field)?,
                };
                written += 1;
            }
            row += 1;
        }
    }
    workbook.save(out)?;
    Ok(written)
}

/// Inflates the first sheet part of the workbook at `path` into nothing; returns its size.
fn inflate_first_sheet(path: &Path) -> Result<u64, String> {
    let file = std::fs::File::open(path).map_err(|err| err.to_string())?;
    let mut archive =
        zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|err| err.to_string())?;
    let name = archive
        .file_names()
        .filter_map(Result::ok)
        .map(std::borrow::Cow::into_owned)
        .filter(|name| name.starts_with("xl/worksheets/sheet") && name.ends_with(".xml"))
        .min_by_key(|name| (name.len(), name.clone()))
        .ok_or("no sheet part")?;
    let mut part = archive.by_name(&name).map_err(|err| err.to_string())?;
    let mut buffer = vec![0u8; 256 << 10];
    let mut total = 0u64;
    loop {
        let read = part.read(&mut buffer).map_err(|err| err.to_string())?;
        if read == 0 {
            break;
        }
        total += read as u64;
    }
    Ok(total)
}
