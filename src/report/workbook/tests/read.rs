//! Reading a written workbook back: cells through calamine, hyperlinks and formulas through
//! the sheet XML (calamine does not expose hyperlinks).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};

use super::super::{write_with_limits, Limits};
use crate::audit::AuditRun;
use crate::report::{RunMeta, Summary};

/// A workbook written into a temporary directory.
pub(super) struct Written {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub(super) fn write(run: &AuditRun, meta: &RunMeta, limits: Limits) -> Written {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    let summary = Summary::build(run, meta).unwrap();
    write_with_limits(run, meta, &summary, &path, limits).unwrap();
    Written { _dir: dir, path }
}

pub(super) fn sheet_names(path: &Path) -> Vec<String> {
    open_workbook_auto(path).unwrap().sheet_names().clone()
}

/// Every cell of a sheet as a grid anchored at A1.
pub(super) fn grid(path: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let Some((first_row, first_col)) = range.start() else {
        return Vec::new();
    };
    let (height, width) = range.get_size();
    let mut grid = vec![vec![Data::Empty; first_col as usize + width]; first_row as usize + height];
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            grid[first_row as usize + r][first_col as usize + c] = cell.clone();
        }
    }
    grid
}

pub(super) fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

pub(super) fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// The header row of a sheet.
pub(super) fn header(path: &Path, sheet: &str) -> Vec<String> {
    grid(path, sheet)
        .first()
        .map(|row| row.iter().map(text).collect())
        .unwrap_or_default()
}

/// Data rows of a listing (below the header) as maps from header to cell.
pub(super) fn records(path: &Path, sheet: &str) -> Vec<Vec<(String, Data)>> {
    let grid = grid(path, sheet);
    let Some((head, rows)) = grid.split_first() else {
        return Vec::new();
    };
    let names: Vec<String> = head.iter().map(text).collect();
    rows.iter()
        .take_while(|row| row.iter().any(|c| *c != Data::Empty))
        .map(|row| names.iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

pub(super) fn field<'r>(record: &'r [(String, Data)], name: &str) -> &'r Data {
    &record
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .1
}

/// The (row, col) of the first cell whose text equals `wanted`.
pub(super) fn find(grid: &[Vec<Data>], wanted: &str) -> (usize, usize) {
    for (r, row) in grid.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if text(cell) == wanted {
                return (r, c);
            }
        }
    }
    panic!("no cell {wanted:?}");
}

/// A part of the package, as text.
pub(super) fn part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut entry = archive.by_name(name).unwrap();
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

pub(super) fn attribute(element: &str, name: &str) -> Option<String> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + element[start..].find('"')?;
    Some(unescape(&element[start..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every element `<tag …>` of an XML text, as its opening text.
pub(super) fn elements<'x>(xml: &'x str, tag: &str) -> Vec<&'x str> {
    let open = format!("<{tag} ");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let end = start + rest[start..].find('>').unwrap_or(rest.len() - start);
        found.push(&rest[start..end]);
        rest = &rest[end..];
    }
    found
}

/// (sheet name, sheet XML) for every worksheet, in workbook order.
pub(super) fn sheet_xml(path: &Path) -> Vec<(String, String)> {
    let workbook = part(path, "xl/workbook.xml");
    let rels = part(path, "xl/_rels/workbook.xml.rels");
    elements(&workbook, "sheet")
        .into_iter()
        .map(|sheet| {
            let name = attribute(sheet, "name").unwrap();
            let id = attribute(sheet, "r:id").unwrap();
            let target = elements(&rels, "Relationship")
                .into_iter()
                .find(|rel| attribute(rel, "Id").as_deref() == Some(id.as_str()))
                .and_then(|rel| attribute(rel, "Target"))
                .unwrap();
            (name, part(path, &format!("xl/{target}")))
        })
        .collect()
}

/// (cell, location) of every hyperlink of a sheet's XML.
pub(super) fn hyperlinks(xml: &str) -> Vec<(String, String)> {
    elements(xml, "hyperlink")
        .into_iter()
        .map(|link| {
            (
                attribute(link, "ref").unwrap_or_default(),
                attribute(link, "location").unwrap_or_default(),
            )
        })
        .collect()
}

/// The sheet a location like `'Review SLA'!A1` points to, and the cell.
pub(super) fn split_location(location: &str) -> (String, String) {
    let (sheet, cell) = location.rsplit_once('!').unwrap();
    let sheet = sheet
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or(sheet)
        .replace("''", "'");
    (sheet, cell.to_owned())
}

/// A1-style reference → (row, col), zero-based.
pub(super) fn parse_ref(cell: &str) -> (usize, usize) {
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits = &cell[letters.len()..];
    let col = letters
        .chars()
        .fold(0usize, |acc, c| acc * 26 + (c as usize - 'A' as usize + 1))
        - 1;
    (digits.parse::<usize>().unwrap() - 1, col)
}

/// The cells of column `col` below the header row in a sheet's XML, as their opening text.
pub(super) fn column_cells(xml: &str, col: usize) -> Vec<&str> {
    let letters = rust_xlsxwriter::utility::column_number_to_name(col as u16);
    elements(xml, "c")
        .into_iter()
        .filter(|c| {
            attribute(c, "r").is_some_and(|at| {
                at.strip_prefix(letters.as_str())
                    .is_some_and(|row| row != "1" && row.bytes().all(|b| b.is_ascii_digit()))
            })
        })
        .collect()
}

/// The counts of a Summary table: the row labelled `label` below the section `section`.
pub(super) fn summary_row(grid: &[Vec<Data>], section: &str, label: &str) -> Vec<Data> {
    let (top, _) = find(grid, section);
    let row = grid[top..]
        .iter()
        .find(|row| row.first().map(text).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no {label} under {section}"));
    row.clone()
}

/// The number format of every written cell of a sheet's column, by the cell's style.
pub(super) fn column_formats(path: &Path, sheet: &str, wanted: &str) -> Vec<String> {
    let styles = part(path, "xl/styles.xml");
    let codes: HashMap<String, String> = elements(&styles, "numFmt")
        .into_iter()
        .map(|f| {
            let id = attribute(f, "numFmtId").unwrap();
            (id, attribute(f, "formatCode").unwrap())
        })
        .collect();
    let cell_xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let cell_xfs = &cell_xfs[..cell_xfs.find("</cellXfs>").unwrap()];
    let xf_formats: Vec<String> = elements(cell_xfs, "xf")
        .into_iter()
        .map(|xf| {
            let id = attribute(xf, "numFmtId").unwrap();
            codes.get(&id).cloned().unwrap_or(format!("builtin {id}"))
        })
        .collect();
    let col = header(path, sheet)
        .iter()
        .position(|h| h == wanted)
        .unwrap();
    let (_, xml) = sheet_xml(path)
        .into_iter()
        .find(|(name, _)| name == sheet)
        .unwrap();
    column_cells(&xml, col)
        .into_iter()
        .map(|c| {
            let style: usize = attribute(c, "s").map_or(0, |s| s.parse().unwrap());
            xf_formats[style].clone()
        })
        .collect()
}

/// One row of the Scorecards read back.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ScorecardRow {
    pub scorecard: String,
    pub name: String,
    pub tickets: f64,
    pub tickets_with_findings: f64,
    pub findings: f64,
    pub rate: Option<f64>,
    pub violations: f64,
    pub money: f64,
}

/// The rows of the Scorecards' table over `sheets`, in order (the note below the table on the
/// last sheet is not a row).
pub(super) fn scorecard_rows<S: AsRef<str>>(path: &Path, sheets: &[S]) -> Vec<ScorecardRow> {
    sheets
        .iter()
        .flat_map(|sheet| records(path, sheet.as_ref()))
        .map(|r| ScorecardRow {
            scorecard: text(field(&r, "Scorecard")),
            name: text(field(&r, "Name")),
            tickets: number(field(&r, "Tickets audited")),
            tickets_with_findings: number(field(&r, "Tickets with findings")),
            findings: number(field(&r, "Findings")),
            rate: match field(&r, "Findings per 100 tickets") {
                Data::Empty => None,
                cell => Some(number(cell)),
            },
            violations: number(field(&r, "Violations")),
            money: number(field(&r, "Money at stake (CNY)")),
        })
        .collect()
}

/// Checks one scorecard's order: rate highest first (no rate last), then most tickets, then
/// name.
pub(super) fn assert_rates_sorted(rows: &[&ScorecardRow]) {
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let key = |r: &ScorecardRow| (r.rate.map_or(f64::NEG_INFINITY, |x| -x), -r.tickets);
        let (ka, kb) = (key(a), key(b));
        assert!(
            ka < kb || (ka == kb && a.name <= b.name),
            "{a:?} before {b:?}"
        );
    }
}
