//! `report.xlsx`, the workbook people read: Summary, Findings and Rejected rows.
//! Input text is always written as a string cell; big sheets use constant-memory mode.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::summary::Summary;
use super::RunMeta;
use crate::audit::AuditRun;
use crate::finding::Severity;

/// Excel's limit on characters in one cell.
const CELL_LIMIT: usize = 32_767;
const CUT_MARKER: &str = "… [cut]";

/// Text as a cell can hold it: cut with a visible marker past Excel's limit.
fn cell_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= CELL_LIMIT {
        return text.into();
    }
    let keep = CELL_LIMIT - CUT_MARKER.chars().count();
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(CUT_MARKER);
    cut.into()
}

pub(super) fn write(
    run: &AuditRun,
    meta: &RunMeta,
    summary: &Summary,
    path: &Path,
) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    if let Some(as_of) = run.as_of {
        // A fixed creation time derived from the as-of keeps the file reproducible.
        let created = as_of.naive_utc();
        workbook.set_properties(
            &DocProperties::new()
                .set_title("rma-audit report")
                .set_creation_datetime(&created),
        );
    }
    let header = Format::new()
        .set_bold()
        .set_background_color("#DDE4EE")
        .set_align(FormatAlign::Top);

    write_summary(workbook.add_worksheet(), run, meta, summary, &header)?;
    write_findings(workbook.add_worksheet_with_constant_memory()?, run, &header)?;
    write_rejected(workbook.add_worksheet_with_constant_memory()?, run, &header)?;
    workbook.save(path)
}

fn write_summary(
    sheet: &mut Worksheet,
    run: &AuditRun,
    meta: &RunMeta,
    summary: &Summary,
    header: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    let title = Format::new().set_bold().set_font_size(14);
    sheet.write_string_with_format(0, 0, "rma-audit report", &title)?;
    sheet.write_string(1, 0, "As of")?;
    sheet.write_string(1, 1, &summary.as_of)?;
    sheet.write_string(2, 0, "Tool version")?;
    sheet.write_string(2, 1, &meta.tool_version)?;

    let mut row = 4;
    for (col, name) in [
        "Input",
        "Sheet",
        "Rows read",
        "Audited",
        "Rejected",
        "Duplicates",
        "SHA-256",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(row, col as u16, *name, header)?;
    }
    for input in &run.inputs {
        row += 1;
        sheet.write_string(row, 0, cell_text(&input.path))?;
        sheet.write_string(row, 1, input.sheet.as_deref().unwrap_or(""))?;
        sheet.write_number(row, 2, input.rows_read as f64)?;
        sheet.write_number(row, 3, input.rows_audited as f64)?;
        sheet.write_number(row, 4, input.rows_rejected as f64)?;
        sheet.write_number(row, 5, input.rows_duplicate as f64)?;
        sheet.write_string(row, 6, &input.sha256)?;
    }
    row += 1;
    sheet.write_string_with_format(row, 0, "Total", header)?;
    for (col, value) in [
        run.rows_read(),
        run.rows_audited(),
        run.rows_rejected(),
        run.rows_duplicate(),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_number_with_format(row, col as u16 + 2, *value as f64, header)?;
    }

    row += 2;
    sheet.write_string_with_format(row, 0, "Findings by severity", header)?;
    sheet.write_string_with_format(row, 1, "Count", header)?;
    for severity in Severity::ALL {
        row += 1;
        sheet.write_string(row, 0, severity.as_str())?;
        let count = summary
            .findings_by_severity
            .get(severity.as_str())
            .copied()
            .unwrap_or(0);
        sheet.write_number(row, 1, count as f64)?;
    }
    row += 2;
    sheet.write_string_with_format(row, 0, "Money at stake", header)?;
    sheet.write_string_with_format(row, 1, &summary.money.currency, header)?;
    sheet.write_string(row + 1, 0, "Customer over-charged")?;
    sheet.write_string(row + 1, 1, &summary.money.customer_overcharged)?;
    sheet.write_string(row + 2, 0, "Company under-recovered")?;
    sheet.write_string(row + 2, 1, &summary.money.company_underrecovered)?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 26)?;
    Ok(())
}

fn write_findings(sheet: &mut Worksheet, run: &AuditRun, header: &Format) -> Result<(), XlsxError> {
    sheet.set_name("Findings")?;
    let columns = [
        ("Severity", 11.0),
        ("Rule", 34.0),
        ("Ticket", 18.0),
        ("Policy", 14.0),
        ("Clause", 8.0),
        ("Expected", 30.0),
        ("Actual", 30.0),
        ("Amount", 11.0),
        ("Late by", 9.0),
        ("Unit", 12.0),
        ("Explanation", 80.0),
        ("Source file", 24.0),
        ("Row", 7.0),
    ];
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, *name, header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let money = Format::new().set_num_format("#,##0.00");
    for (index, finding) in run.findings.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, finding.severity.as_str())?;
        sheet.write_string(row, 1, finding.rule)?;
        sheet.write_string(row, 2, cell_text(&finding.ticket_id))?;
        sheet.write_string(row, 3, &finding.policy)?;
        sheet.write_string(row, 4, &finding.clause)?;
        sheet.write_string(row, 5, cell_text(&finding.expected))?;
        sheet.write_string(row, 6, cell_text(&finding.actual))?;
        if let Some(amount) = finding.amount {
            let value: f64 = amount.try_into().unwrap_or(0.0);
            sheet.write_number_with_format(row, 7, value, &money)?;
        }
        if let Some(late) = &finding.late_by {
            let value: f64 = late.value.try_into().unwrap_or(0.0);
            sheet.write_number(row, 8, value)?;
            sheet.write_string(row, 9, late.unit.as_str())?;
        }
        sheet.write_string(row, 10, cell_text(&finding.explanation))?;
        let file = run
            .inputs
            .get(finding.source.input)
            .map_or("", |i| i.path.as_str());
        sheet.write_string(row, 11, cell_text(file))?;
        sheet.write_number(row, 12, finding.source.row as f64)?;
    }
    sheet.autofilter(0, 0, run.findings.len() as u32, columns.len() as u16 - 1)?;
    Ok(())
}

fn write_rejected(sheet: &mut Worksheet, run: &AuditRun, header: &Format) -> Result<(), XlsxError> {
    sheet.set_name("Rejected rows")?;
    let columns = [
        ("Source file", 24.0),
        ("Sheet", 12.0),
        ("Row", 7.0),
        ("Ticket", 18.0),
        ("Column", 22.0),
        ("Value", 24.0),
        ("Reason", 60.0),
    ];
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, *name, header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (index, rejection) in run.rejections.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, cell_text(&rejection.source_file))?;
        sheet.write_string(row, 1, rejection.sheet.as_deref().unwrap_or(""))?;
        sheet.write_number(row, 2, rejection.source_row as f64)?;
        sheet.write_string(
            row,
            3,
            cell_text(rejection.ticket_id.as_deref().unwrap_or("")),
        )?;
        sheet.write_string(row, 4, cell_text(&rejection.column))?;
        sheet.write_string(row, 5, cell_text(&rejection.value))?;
        sheet.write_string(row, 6, cell_text(&rejection.reason))?;
    }
    sheet.autofilter(0, 0, run.rejections.len() as u32, columns.len() as u16 - 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_a_marker() {
        let long = "x".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), CELL_LIMIT);
        assert!(cut.ends_with(CUT_MARKER));
        assert_eq!(cell_text("short"), "short");
    }
}
