//! `findings.csv` and `rejected.csv`: UTF-8, one row per finding / per problem, with input
//! text that looks like a formula neutralised (the OWASP CSV-injection defence).

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::audit::{AuditRun, Triage};
use crate::finding::{format_money, Finding};

/// The header of `findings.csv`, exactly. `status` (new, persisting, waived) is blank when
/// neither `--previous` nor `--waivers` is given; the first 16 columns never change.
pub const FINDINGS_HEADER: [&str; 17] = [
    "finding_id",
    "ticket_id",
    "policy",
    "policy_version",
    "rule",
    "category",
    "severity",
    "clause",
    "expected",
    "actual",
    "amount",
    "late_by",
    "late_unit",
    "explanation",
    "source_file",
    "source_row",
    "status",
];

/// The header of `rejected.csv`, exactly. The first seven columns never change; the header as
/// the export wrote it and its spreadsheet letter follow.
pub const REJECTED_HEADER: [&str; 9] = [
    "source_file",
    "sheet",
    "source_row",
    "ticket_id",
    "column",
    "value",
    "reason",
    "source_column",
    "column_letter",
];

/// Prefixes a field that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return) with `'`, so it opens as text.
pub fn neutralise(field: &str) -> Cow<'_, str> {
    match field.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{field}")),
        _ => Cow::Borrowed(field),
    }
}

fn to_io(err: csv::Error) -> io::Error {
    io::Error::other(err)
}

/// `findings.csv` written as findings arrive: the header on creation, then each batch in
/// order.
pub struct FindingsWriter {
    /// The inputs as named on the command line, by index (`Source::input`).
    inputs: Vec<String>,
    out: csv::Writer<BufWriter<File>>,
}

impl FindingsWriter {
    /// Creates `path` and writes the header. `inputs` are the run's inputs as shown in
    /// `source_file`, in order.
    pub fn create(path: &Path, inputs: Vec<String>) -> io::Result<FindingsWriter> {
        let mut out = csv::Writer::from_writer(BufWriter::new(File::create(path)?));
        out.write_record(FINDINGS_HEADER).map_err(to_io)?;
        Ok(FindingsWriter { inputs, out })
    }

    /// Appends one row per finding, with its status as `triage` decides it.
    pub fn write(&mut self, findings: &[Finding], triage: &Triage) -> io::Result<()> {
        for finding in findings {
            let file = self
                .inputs
                .get(finding.source.input)
                .map_or("", String::as_str);
            let status = triage
                .status(finding)
                .map_or("", |(status, _)| status.as_str());
            write_finding(&mut self.out, finding, file, status).map_err(to_io)?;
        }
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(self) -> io::Result<()> {
        self.out
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?
            .flush()
    }
}

fn write_finding<W: Write>(
    out: &mut csv::Writer<W>,
    finding: &Finding,
    file: &str,
    status: &str,
) -> csv::Result<()> {
    let (late_by, late_unit) = match &finding.late_by {
        Some(late) => (late.value_text(), late.unit.as_str()),
        None => (String::new(), ""),
    };
    let row = [
        Cow::Owned(finding.finding_id()),
        neutralise(&finding.ticket_id),
        neutralise(&finding.policy),
        neutralise(&finding.policy_version),
        Cow::Borrowed(finding.rule),
        Cow::Borrowed(finding.category.as_str()),
        Cow::Borrowed(finding.severity.as_str()),
        neutralise(&finding.clause),
        neutralise(&finding.expected),
        neutralise(&finding.actual),
        Cow::Owned(finding.amount.map(format_money).unwrap_or_default()),
        Cow::Owned(late_by),
        Cow::Borrowed(late_unit),
        neutralise(&finding.explanation),
        neutralise(file),
        Cow::Owned(finding.source.row.to_string()),
        Cow::Borrowed(status),
    ];
    out.write_record(row.iter().map(|f| f.as_bytes()))
}

pub(super) fn write_findings(run: &AuditRun, path: &Path) -> io::Result<()> {
    let inputs = run.inputs.iter().map(|input| input.path.clone()).collect();
    let mut out = FindingsWriter::create(path, inputs)?;
    out.write(&run.findings, &run.triage)?;
    out.finish()
}

pub(super) fn write_rejected(run: &AuditRun, path: &Path) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(BufWriter::new(File::create(path)?));
    out.write_record(REJECTED_HEADER).map_err(to_io)?;
    let mut failed = Ok(());
    run.each_rejection(|rejection| {
        if failed.is_err() {
            return;
        }
        let row = [
            neutralise(&rejection.source_file),
            neutralise(rejection.sheet.as_deref().unwrap_or("")),
            Cow::Owned(rejection.source_row.to_string()),
            neutralise(rejection.ticket_id.as_deref().unwrap_or("")),
            neutralise(&rejection.column),
            neutralise(&rejection.value),
            neutralise(&rejection.reason),
            neutralise(&rejection.source_column),
            neutralise(&rejection.column_letter),
        ];
        failed = out
            .write_record(row.iter().map(|f| f.as_bytes()))
            .map_err(to_io);
    })?;
    failed?;
    out.into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?
        .flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_prefixed() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+cmd"), "'+cmd");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("RMA-1"), "RMA-1");
        assert_eq!(neutralise(""), "");
    }
}
