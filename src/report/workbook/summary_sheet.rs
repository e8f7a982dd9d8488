//! The Summary sheet: what was read, what was found and what it costs, each count linking to
//! the sheet that lists its rows.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::book::Book;
use super::cells::Cell;
use super::pen::Pen;
use super::styles::{severity_index, tab_color, TabKind};
use super::summary_trends;
use super::tally::Tally;
use super::widths::Widths;
use crate::finding::{Category, Severity};

/// Columns of the Summary: A labels, B–H numbers, I the SHA-256 of the inputs (and the chart).
const COLUMNS: usize = 9;
const HASH_COL: u16 = 8;

/// Writes the Summary. `resolved_anchor` is the Run cell listing the resolved findings.
pub(super) fn write(
    sheet: &mut Worksheet,
    book: &Book<'_>,
    resolved_anchor: Option<&str>,
) -> Result<(), XlsxError> {
    sheet.set_name(&book.layout.summary)?;
    sheet.set_tab_color(tab_color(TabKind::Summary));
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_active(true);
    let mut bounds = vec![(13.0, 18.0); COLUMNS];
    bounds[0] = (30.0, 60.0);
    bounds[HASH_COL as usize] = (20.0, 68.0);
    let mut pen = Pen::new(sheet, &book.styles, Widths::new(&bounds));
    let tally = Tally::new(book).map_err(XlsxError::IoError)?;

    heading(&mut pen, book)?;
    alerts(&mut pen, book)?;
    inputs(&mut pen, book)?;
    by_category(&mut pen, book, &tally)?;
    by_policy(&mut pen, book, &tally)?;
    money(&mut pen, book, &tally)?;
    summary_trends::by_month(&mut pen, book, &tally, HASH_COL)?;
    summary_trends::top_lists(&mut pen, book, &tally)?;
    summary_trends::previous(&mut pen, book, resolved_anchor)?;
    summary_trends::notes(&mut pen, book)?;
    pen.finish()
}

fn heading(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    let styles = pen.styles;
    pen.sheet.write_string_with_format(
        0,
        0,
        styles.texts.label("After-sales audit report"),
        &styles.title,
    )?;
    pen.sheet.set_row_height(0, 24)?;
    pen.row = 1;
    pen.styled(0, "As of", &styles.label)?;
    pen.text(1, &book.summary.as_of)?;
    pen.next();
    pen.styled(0, "Tool", &styles.label)?;
    pen.text(1, &format!("rma-audit {}", book.meta.tool_version))?;
    pen.next();
    pen.styled(0, "Findings", &styles.label)?;
    pen.link(1, book.run.finding_count(), &book.layout.findings[0], false)?;
    pen.next();
    pen.styled(0, "Command, policies, calendars", &styles.label)?;
    pen.link_text(1, "see Run", &book.layout.run)?;
    pen.gap();
    Ok(())
}

/// What a reader must see before any count: a result not to be trusted (exit status 4) and
/// why, a calendar that ends soon, and the waivers applied.
fn alerts(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    let run = book.run;
    let styles = pen.styles;
    if run.untrusted.is_empty() && run.horizon.is_empty() && run.waiver_use.is_none() {
        return Ok(());
    }
    if !run.untrusted.is_empty() {
        pen.section("Result not to be trusted (exit status 4)")?;
        for reason in &run.untrusted {
            pen.note(reason, &styles.warning_note)?;
            pen.next();
        }
        pen.gap();
    }
    if !run.horizon.is_empty() {
        pen.section("Calendar horizon")?;
        for warning in &run.horizon {
            let warning = run.warning_texts.get(warning).unwrap_or(warning);
            pen.note(warning, &styles.warning_note)?;
            pen.next();
        }
        pen.gap();
    }
    if let Some(used) = &run.waiver_use {
        pen.section("Waivers")?;
        pen.header(&["Waivers", "Count"], &[1])?;
        let rows = [
            ("Findings waived", used.findings_waived),
            ("Waivers applied", used.applied),
            ("Waivers expired", used.expired.len() as u64),
            (
                "Waivers that matched no finding",
                used.unmatched.len() as u64,
            ),
        ];
        for (label, count) in rows {
            pen.styled(0, label, &styles.label)?;
            pen.count(1, count, false)?;
            pen.next();
        }
        if !used.expired.is_empty() || !used.unmatched.is_empty() {
            pen.link_note(
                "Expired and unmatched waivers are listed on the Run sheet.",
                &book.layout.run,
            )?;
            pen.next();
        }
        pen.gap();
    }
    Ok(())
}

fn inputs(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    let run = book.run;
    // Superseded and out-of-period rows are shown only when a run has them.
    let set_aside = run.rows_superseded() + run.rows_out_of_period() > 0;
    pen.section(if set_aside {
        "Inputs and row reconciliation (read = audited + rejected + duplicates + superseded + out of period)"
    } else {
        "Inputs and row reconciliation (read = audited + rejected + duplicates)"
    })?;
    pen.header(
        &[
            "Input",
            "Sheet",
            "Rows read",
            "Audited",
            "Rejected",
            "Duplicates",
            "Accounted for",
            "Balanced",
            "SHA-256",
        ],
        &[2, 3, 4, 5, 6],
    )?;
    for input in &run.inputs {
        pen.text(0, &input.path)?;
        pen.cell(1, &Cell::opt_text(input.sheet.as_deref()))?;
        let counts = [
            input.rows_read,
            input.rows_audited,
            input.rows_rejected,
            input.rows_duplicate,
            input.rows_superseded + input.rows_out_of_period,
        ];
        reconciliation(pen, book, counts, false)?;
        pen.text(HASH_COL, &input.sha256)?;
        pen.next();
    }
    pen.total_rule(0..COLUMNS as u16)?;
    let styles = pen.styles;
    pen.styled(0, "Total", &styles.total_label)?;
    let totals = [
        run.rows_read(),
        run.rows_audited(),
        run.rows_rejected(),
        run.rows_duplicate(),
        run.rows_superseded() + run.rows_out_of_period(),
    ];
    reconciliation(pen, book, totals, true)?;
    pen.next();
    if set_aside {
        rows_set_aside(pen, book)?;
    }
    pen.note(
        "Rejected rows lists one line per problem; a rejected row may have several problems.",
        &styles.note,
    )?;
    pen.gap();
    Ok(())
}

/// The counts of one line of the row reconciliation, from column C on: `counts` are the rows
/// read, audited, rejected, duplicate and set aside.
fn reconciliation(
    pen: &mut Pen<'_>,
    book: &Book<'_>,
    counts: [u64; 5],
    total: bool,
) -> Result<(), XlsxError> {
    let rejected = &book.layout.rejected[0];
    let duplicates = &book.layout.category_sheets(Category::Data)[0];
    let [read, audited, rejected_rows, duplicate, aside] = counts;
    let accounted = audited + rejected_rows + duplicate + aside;
    pen.count(2, read, total)?;
    pen.count(3, audited, total)?;
    pen.link(4, rejected_rows, rejected, total)?;
    pen.link(5, duplicate, duplicates, total)?;
    pen.count(6, accounted, total)?;
    let balanced = if accounted == read {
        "yes".to_owned()
    } else {
        crate::tr!(
            book.styles.texts,
            "wb-off-by",
            count = read.abs_diff(accounted)
        )
    };
    let format = if accounted == read {
        &pen.styles.label
    } else {
        &pen.styles.warning_note
    };
    pen.styled(7, &balanced, format)
}

/// The rows of each input set aside (superseded, out of period), under the reconciliation.
fn rows_set_aside(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    pen.row += 1;
    pen.header(
        &["Rows set aside", "Sheet", "Superseded", "Out of period"],
        &[2, 3],
    )?;
    for input in &book.run.inputs {
        pen.text(0, &input.path)?;
        pen.cell(1, &Cell::opt_text(input.sheet.as_deref()))?;
        pen.count(2, input.rows_superseded, false)?;
        pen.count(3, input.rows_out_of_period, false)?;
        pen.next();
    }
    pen.note(
        "Superseded: an earlier row of a ticket whose latest row was audited (the mapping's \
         [latest]). Out of period: applied for outside --from/--to. Neither is audited.",
        &pen.styles.note,
    )?;
    pen.next();
    Ok(())
}

fn by_category(pen: &mut Pen<'_>, book: &Book<'_>, tally: &Tally) -> Result<(), XlsxError> {
    let findings = &book.layout.findings[0];
    pen.section("Findings by category and severity")?;
    pen.header(
        &["Category", "Violation", "Warning", "Info", "Total"],
        &[1, 2, 3, 4],
    )?;
    pen.severity_header(1)?;
    for category in Category::ALL {
        let target = &book.layout.category_sheets(category)[0];
        let counts = tally
            .by_category
            .get(&category)
            .copied()
            .unwrap_or_default();
        pen.link_text(0, category.title(), target)?;
        for (offset, count) in counts.iter().enumerate() {
            pen.link(1 + offset as u16, *count, target, false)?;
        }
        pen.link(4, tally.category_total(category), target, false)?;
        pen.next();
    }
    pen.total_rule(0..5)?;
    let styles = pen.styles;
    pen.styled(0, "Total", &styles.total_label)?;
    for severity in Severity::ALL {
        let index = severity_index(severity);
        pen.link(
            1 + index as u16,
            tally.severity_total(index),
            findings,
            true,
        )?;
    }
    pen.link(4, book.run.finding_count(), findings, true)?;
    pen.gap();
    Ok(())
}

fn by_policy(pen: &mut Pen<'_>, book: &Book<'_>, tally: &Tally) -> Result<(), XlsxError> {
    let findings = &book.layout.findings[0];
    pen.section("Findings by policy")?;
    pen.header(
        &[
            "Policy",
            "Tickets audited",
            "Violation",
            "Warning",
            "Info",
            "Total",
        ],
        &[1, 2, 3, 4, 5],
    )?;
    pen.severity_header(2)?;
    let mut policies: Vec<&str> = book
        .run
        .tickets_by_policy
        .keys()
        .chain(tally.by_policy.keys())
        .map(String::as_str)
        .collect();
    policies.sort_unstable();
    policies.dedup();
    for policy in policies {
        let counts = tally.by_policy.get(policy).copied().unwrap_or_default();
        let audited = book.run.tickets_by_policy.get(policy).copied().unwrap_or(0);
        pen.text(0, policy)?;
        pen.count(1, audited, false)?;
        for (offset, count) in counts.iter().enumerate() {
            pen.link(2 + offset as u16, *count, findings, false)?;
        }
        pen.link(5, counts.iter().sum(), findings, false)?;
        pen.next();
    }
    pen.total_rule(0..6)?;
    let styles = pen.styles;
    pen.styled(0, "Total", &styles.total_label)?;
    pen.count(1, book.run.tickets_by_policy.values().sum(), true)?;
    for index in 0..3 {
        pen.link(
            2 + index as u16,
            tally.severity_total(index),
            findings,
            true,
        )?;
    }
    pen.link(5, book.run.finding_count(), findings, true)?;
    pen.gap();
    Ok(())
}

fn money(pen: &mut Pen<'_>, book: &Book<'_>, tally: &Tally) -> Result<(), XlsxError> {
    let findings = &book.layout.findings[0];
    let currency = &book.summary.money.currency;
    pen.section(&crate::tr!(
        book.styles.texts,
        "wb-money-at-stake-in",
        currency = currency
    ))?;
    pen.header(&["Side", "Findings", "Amount"], &[1, 2])?;
    let lines = [
        (
            "Customer over-charged",
            tally.overcharged,
            "freight charged against the policy, fees for repairs in warranty",
        ),
        (
            "Company under-recovered",
            tally.underrecovered,
            "freight not recovered, refunds the policy does not allow",
        ),
        (
            "Other amounts at stake",
            tally.other_at_stake,
            "refunds paid late or held; no one over-charged",
        ),
    ];
    let styles = pen.styles;
    for (label, line, meaning) in lines {
        pen.styled(0, label, &styles.label)?;
        pen.link(1, line.findings, findings, false)?;
        pen.money(2, line.amount, false)?;
        pen.styled(3, meaning, &styles.note)?;
        pen.next();
    }
    pen.note(
        "Filter the Findings sheet on \"Amount\" (or the Freight and Eligibility sheets on \
         \"Money side\") to see the findings behind each line.",
        &styles.note,
    )?;
    pen.next();
    pen.link_note(
        "Freight deductions taken and expected, by courier and by store: see the Freight \
         reconciliation sheet.",
        &book.layout.freight[0],
    )?;
    pen.gap();
    Ok(())
}
