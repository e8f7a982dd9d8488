//! The Run sheet: `summary.json`'s metadata in readable form — tool, as-of, command, inputs
//! and their hashes, the policies with their parameters and clauses, calendars, warnings, and
//! the findings the previous run had that this one no longer has.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::book::Book;
use super::cells::{cell_ref, cell_text, Cell};
use super::pen::Pen;
use super::policy_params::parameters;
use super::styles::{tab_color, TabKind};
use super::widths::Widths;
use crate::finding::Severity;

/// A command line as a shell would take it back: arguments with spaces or quotes are quoted.
pub(super) fn command_line(args: &[String]) -> String {
    args.iter()
        .map(|arg| {
            let plain = !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_./=:,@%+".contains(c));
            if plain {
                arg.clone()
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds the Run sheet (added to the workbook last) and returns it with the cell where the
/// resolved findings are listed, for the Summary's link.
pub(super) fn build(book: &Book<'_>) -> Result<(Worksheet, Option<String>), XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(&book.layout.run)?;
    sheet.set_tab_color(tab_color(TabKind::Audit));
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    // A labels, B versions and sheets, C parameter names and counts, D values and hashes,
    // E clauses, F clause text.
    let bounds = [
        (24.0, 48.0),
        (12.0, 24.0),
        (14.0, 46.0),
        (20.0, 70.0),
        (8.0, 12.0),
        (20.0, 80.0),
    ];
    let mut pen = Pen::new(&mut sheet, &book.styles, Widths::new(&bounds));
    let styles = pen.styles;

    pen.sheet
        .write_string_with_format(0, 0, &book.layout.run, &styles.title)?;
    pen.row = 1;
    let summary = book.summary;
    for (label, value) in [
        ("Tool", summary.tool.name.clone()),
        ("Version", summary.tool.version.clone()),
        ("As of", summary.as_of.clone()),
        ("Command", command_line(&summary.command)),
    ] {
        pen.styled(0, label, &styles.label)?;
        pen.sheet
            .write_string(pen.row, 1, cell_text(&value).as_ref())?;
        pen.next();
    }
    pen.gap();

    inputs_and_policies(&mut pen, book)?;
    policies_used(&mut pen, book)?;
    calendars_and_warnings(&mut pen, book)?;
    waivers(&mut pen, book)?;
    let anchor = resolved(&mut pen, book)?;
    pen.finish()?;
    Ok((sheet, anchor))
}

/// The inputs read and the policies loaded, each with its SHA-256.
fn inputs_and_policies(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    let run = book.run;
    pen.section("Inputs")?;
    pen.header(&["Path", "Sheet", "Rows read", "SHA-256"], &[2])?;
    for input in &run.inputs {
        pen.text(0, &input.path)?;
        pen.cell(1, &Cell::opt_text(input.sheet.as_deref()))?;
        pen.count(2, input.rows_read, false)?;
        pen.text(3, &input.sha256)?;
        pen.next();
    }
    pen.gap();

    pen.section("Policies loaded")?;
    pen.header(&["Policy", "Version", "Tickets audited", "SHA-256"], &[2])?;
    for (id, version, sha256) in &book.meta.policies {
        pen.text(0, id)?;
        pen.text(1, version)?;
        pen.count(
            2,
            run.tickets_by_policy.get(id).copied().unwrap_or(0),
            false,
        )?;
        pen.text(3, sha256)?;
        pen.next();
    }
    pen.gap();
    Ok(())
}

/// The calendars loaded, and every warning about the run.
fn calendars_and_warnings(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    let run = book.run;
    let styles = pen.styles;
    pen.section("Calendars")?;
    pen.header(&["Calendar", "First year", "Last year", "SHA-256"], &[])?;
    for (id, first, last, sha256) in &book.meta.calendars {
        pen.text(0, id)?;
        pen.text(1, &first.to_string())?;
        pen.text(2, &last.to_string())?;
        pen.text(3, sha256)?;
        pen.next();
    }
    pen.gap();

    pen.section("Warnings")?;
    let mut any = false;
    for warning in &run.warnings {
        let warning = run.warning_texts.get(warning).unwrap_or(warning);
        pen.note(warning, &styles.warning_note)?;
        pen.next();
        any = true;
    }
    // An input's warnings name its file themselves.
    for input in &run.inputs {
        for warning in &input.warnings {
            pen.note(warning, &styles.warning_note)?;
            pen.next();
            any = true;
        }
    }
    if !any {
        pen.note("None.", &styles.note)?;
        pen.next();
    }
    pen.row += 1;
    Ok(())
}

fn policies_used(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    pen.section("Policies used and their parameters")?;
    pen.header(
        &[
            "Policy",
            "Version",
            "Parameter",
            "Value",
            "Clause",
            "Clause text",
        ],
        &[],
    )?;
    for ((id, version), policy) in &book.run.policies_used {
        let texts = book.styles.texts;
        let effective = match policy.effective_to {
            Some(end) => crate::tr!(
                texts,
                "wb-in-force-until",
                from = policy.effective_from,
                to = end
            ),
            None => crate::tr!(texts, "wb-in-force-from", from = policy.effective_from),
        };
        let facts = [
            ("Name", policy.name.clone()),
            ("In force", effective),
            ("Currency", policy.currency.clone()),
            ("Timezone", policy.timezone.name().to_owned()),
            ("Calendar", policy.calendar.clone()),
            ("Aliases", policy.aliases.join(", ")),
            ("Source", policy.origin.clone()),
            ("SHA-256", policy.sha256.clone()),
        ];
        for (name, value) in facts {
            pen.text(0, id)?;
            pen.text(1, version)?;
            pen.text(2, texts.label(name))?;
            pen.text(3, &value)?;
            pen.next();
        }
        for param in parameters(policy, texts) {
            pen.text(0, id)?;
            pen.text(1, version)?;
            pen.text(2, texts.label(param.name))?;
            pen.text(3, &param.value)?;
            pen.text(4, &param.clause)?;
            pen.text(5, policy.quote(&param.clause))?;
            pen.next();
        }
    }
    pen.gap();
    Ok(())
}

/// Lists the waivers that waived nothing: expired ones and ones that matched no finding.
fn waivers(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<(), XlsxError> {
    let (Some(waivers), Some(used)) = (&book.run.triage.waivers, &book.run.waiver_use) else {
        return Ok(());
    };
    pen.section(&crate::tr!(
        book.styles.texts,
        "wb-waivers-unused",
        path = waivers.path
    ))?;
    pen.header(
        &[
            "Waiver",
            "Row",
            "Why not applied",
            "Reason",
            "Approved by",
            "Expires",
        ],
        &[],
    )?;
    let listed = used
        .expired
        .iter()
        .map(|w| (w, "expired"))
        .chain(used.unmatched.iter().map(|w| (w, "no such finding")));
    let mut any = false;
    for (waiver, why) in listed {
        pen.text(0, &waiver.target())?;
        pen.count(1, waiver.row, false)?;
        pen.cell(2, &Cell::Word(why))?;
        pen.text(3, &waiver.reason)?;
        pen.text(4, &waiver.approved_by)?;
        let expires = waiver.expires.map(|d| d.to_string()).unwrap_or_default();
        pen.text(5, &expires)?;
        pen.next();
        any = true;
    }
    if !any {
        let styles = pen.styles;
        pen.note("None.", &styles.note)?;
        pen.next();
    }
    pen.row += 1;
    Ok(())
}

/// Lists the findings of the previous run that this run no longer has; returns where.
fn resolved(pen: &mut Pen<'_>, book: &Book<'_>) -> Result<Option<String>, XlsxError> {
    let Some(previous) = &book.run.previous else {
        return Ok(None);
    };
    let anchor = cell_ref(&book.layout.run, pen.row, 0);
    pen.section(&crate::tr!(
        book.styles.texts,
        "wb-resolved-since",
        path = previous.path
    ))?;
    pen.header(&["Finding id", "Ticket", "Rule", "Severity"], &[])?;
    for finding in &previous.resolved_findings {
        pen.text(0, &finding.finding_id)?;
        pen.text(1, &finding.ticket_id)?;
        pen.text(2, &finding.rule)?;
        let severity = Severity::ALL
            .into_iter()
            .find(|s| s.as_str() == finding.severity);
        match severity {
            Some(severity) => pen.cell(3, &Cell::Severity(severity))?,
            None => pen.text(3, &finding.severity)?,
        }
        pen.next();
    }
    if previous.resolved_findings.is_empty() {
        let styles = pen.styles;
        pen.note("None.", &styles.note)?;
    }
    Ok(Some(anchor))
}
