//! Rule cases as data: every table under `tests/cases/` is a list of tickets with the outcome
//! each targeted rule must give under the shipped policies and the `cn` calendar.
//!
//! A case names its policy, the as-of (`2025-10-31` = the end of that day, or a local
//! `2025-10-31 09:00`), the ticket's fields by canonical column name in ISO form (optionally
//! on top of a named base from `[bases]`), and `expect`: rule id → `"passed"`,
//! `"out_of_scope"`, `{ not_evaluable = "reason" }` or
//! `{ flagged = "severity", amount = "20.00" | "", late_by = "1 working_days" | "" }`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;

use rma_audit::calendar::CalendarSet;
use rma_audit::finding::{Finding, Outcome};
use rma_audit::ingest::{Options, RawCell, RawRow, Row, Schema};
use rma_audit::policy::{Policy, PolicySet};
use rma_audit::rules::{evaluate, Context, CATALOGUE, DUPLICATE_TICKET};
use rma_audit::ticket::{Column, Ticket, When};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(default)]
    bases: BTreeMap<String, BTreeMap<String, toml::Value>>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    policy: String,
    as_of: String,
    base: Option<String>,
    #[serde(default)]
    ticket: BTreeMap<String, toml::Value>,
    expect: BTreeMap<String, toml::Value>,
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/cases exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| format!("date `{text}`: {e}"))
}

/// A case's ticket read the way an export's row is: the fields (a base's, then the case's)
/// become one CSV-like row under their canonical names and go through the product's own
/// parser, so the tables use no mapping of their own from columns to ticket fields. An empty
/// string leaves a column blank.
fn ticket_of(name: &str, fields: &BTreeMap<&str, &toml::Value>) -> Result<Ticket, String> {
    let mut header = vec!["ticket_id".to_owned()];
    let mut cells = vec![RawCell::text(name)];
    for (column, value) in fields {
        let text = match value {
            toml::Value::String(text) => text.clone(),
            toml::Value::Boolean(flag) => flag.to_string(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(n) => n.to_string(),
            other => return Err(format!("`{column}`: unsupported value {other}")),
        };
        if Column::from_name(column).is_none() {
            return Err(format!("unknown column `{column}`"));
        }
        header.push((*column).to_owned());
        cells.push(if text.is_empty() {
            RawCell::Empty
        } else {
            RawCell::text(text)
        });
    }
    let schema = Schema::new(&header, 0, "case", None, &Options::default())
        .map_err(|err| err.to_string())?;
    match schema.parse(&RawRow::new(2, cells)) {
        Row::Ticket(ticket) => Ok(*ticket),
        Row::Rejected(problems) => Err(format!(
            "the ticket does not read: {}",
            problems
                .iter()
                .map(|p| format!("{} `{}`: {}", p.column, p.value, p.reason))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

fn as_of(text: &str, policy: &Policy) -> Result<DateTime<Utc>, String> {
    let local = match NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        Ok(local) => local,
        Err(_) => parse_date(text)?
            .and_hms_opt(23, 59, 59)
            .ok_or("bad as_of")?,
    };
    policy
        .timezone
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("as_of `{text}` does not exist locally"))
}

/// Checks one expectation against one outcome; `Err` says what differs.
fn check(expect: &toml::Value, outcome: &Outcome) -> Result<(), String> {
    let want = |s: &str| Err(format!("expected {s}, got {outcome:?}"));
    match expect {
        toml::Value::String(s) if s == "passed" => match outcome {
            Outcome::Passed => Ok(()),
            _ => want("passed"),
        },
        toml::Value::String(s) if s == "out_of_scope" => match outcome {
            Outcome::OutOfScope => Ok(()),
            _ => want("out_of_scope"),
        },
        toml::Value::Table(t) if t.len() == 1 && t.contains_key("not_evaluable") => {
            let reason = t["not_evaluable"].as_str().filter(|r| !r.is_empty());
            let reason = reason.ok_or("not_evaluable needs a reason")?;
            match outcome {
                Outcome::NotEvaluable(got) if got == reason => Ok(()),
                _ => want(&format!("not_evaluable `{reason}`")),
            }
        }
        toml::Value::Table(t) if t.contains_key("flagged") => {
            let Outcome::Flagged(finding) = outcome else {
                return want("flagged");
            };
            check_finding(t, finding)
        }
        other => Err(format!("unknown expectation {other}")),
    }
}

fn check_finding(t: &toml::map::Map<String, toml::Value>, finding: &Finding) -> Result<(), String> {
    let field = |key: &str| t.get(key).and_then(toml::Value::as_str);
    for key in t.keys() {
        if !["flagged", "amount", "late_by", "clause", "explanation"].contains(&key.as_str()) {
            return Err(format!("unknown key `{key}` in flagged expectation"));
        }
    }
    let severity = field("flagged").ok_or("flagged needs a severity")?;
    let amount = field("amount").ok_or("flagged needs amount (\"\" for blank)")?;
    let late_by = field("late_by").ok_or("flagged needs late_by (\"\" for blank)")?;
    let got_amount = finding.amount.map(|a| a.to_string()).unwrap_or_default();
    let got_late = finding
        .late_by
        .map(|l| format!("{} {}", l.value, l.unit.as_str()))
        .unwrap_or_default();
    let mut problems = Vec::new();
    if finding.severity.as_str() != severity {
        problems.push(format!("severity {} ≠ {severity}", finding.severity));
    }
    if got_amount != amount {
        problems.push(format!("amount `{got_amount}` ≠ `{amount}`"));
    }
    if got_late != late_by {
        problems.push(format!("late_by `{got_late}` ≠ `{late_by}`"));
    }
    if let Some(clause) = field("clause").filter(|c| *c != finding.clause) {
        problems.push(format!("clause `{}` ≠ `{clause}`", finding.clause));
    }
    if let Some(text) = field("explanation").filter(|e| !finding.explanation.contains(e)) {
        problems.push(format!("explanation lacks `{text}`"));
    }
    if finding.explanation.is_empty() || finding.expected.is_empty() || finding.actual.is_empty() {
        problems.push("empty explanation, expected or actual".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} — explanation: {}",
            problems.join("; "),
            finding.explanation
        ))
    }
}

fn run_case(
    case: &Case,
    bases: &BTreeMap<String, BTreeMap<String, toml::Value>>,
    policies: &PolicySet,
    calendars: &CalendarSet,
) -> Result<usize, String> {
    let mut fields: BTreeMap<&str, &toml::Value> = BTreeMap::new();
    if let Some(base) = &case.base {
        let base = bases
            .get(base)
            .ok_or_else(|| format!("unknown base `{base}`"))?;
        fields.extend(base.iter().map(|(name, value)| (name.as_str(), value)));
    }
    fields.extend(
        case.ticket
            .iter()
            .map(|(name, value)| (name.as_str(), value)),
    );
    let ticket = ticket_of(&case.name, &fields)?;
    let applied = ticket.applied_at.map(|a| match a {
        When::Date(d) => d,
        When::Local(l) => l.date(),
        When::Fixed(f) => f.date_naive(),
    });
    let policy = match applied {
        Some(date) => policies.version_on(&case.policy, date),
        None => policies.versions_of(&case.policy).next(),
    }
    .ok_or_else(|| format!("no version of policy `{}`", case.policy))?;
    let ctx = Context {
        as_of: as_of(&case.as_of, policy)?,
        calendars,
        texts: rma_audit::l10n::Texts::of(rma_audit::l10n::Lang::En),
    };
    let results = evaluate(&ticket, policy, &ctx);
    if case.expect.is_empty() {
        return Err("no expectations".into());
    }
    for (rule, expect) in &case.expect {
        if *rule == DUPLICATE_TICKET || !CATALOGUE.iter().any(|(id, _)| id == rule) {
            return Err(format!("unknown rule `{rule}`"));
        }
        let result = results
            .iter()
            .find(|r| r.rule == rule)
            .ok_or("rule not evaluated")?;
        check(expect, &result.outcome).map_err(|e| format!("{rule}: {e}"))?;
    }
    Ok(case.expect.len())
}

#[test]
fn every_case_table_holds() {
    let policies = PolicySet::load(None).expect("the shipped policies load");
    let calendars = CalendarSet::load(None).expect("the shipped calendars load");
    let files = case_files();
    assert!(!files.is_empty(), "no case tables under tests/cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable case table");
        let table: Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!table.case.is_empty(), "{}: no cases", file.display());
        for case in &table.case {
            match run_case(case, &table.bases, &policies, &calendars) {
                Ok(n) => checked += n,
                Err(problem) => failures.push(format!(
                    "{} / {}: {problem}",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    case.name
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{checked} expectations checked in {} tables", files.len());
    assert!(checked > 0);
}

#[test]
fn every_per_ticket_rule_has_cases_of_each_kind() {
    let mut kinds: BTreeMap<String, [bool; 3]> = BTreeMap::new();
    for file in case_files() {
        let table: Table = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in table.case {
            for (rule, expect) in case.expect {
                let slot = match &expect {
                    toml::Value::String(s) if s == "passed" => 0,
                    toml::Value::Table(t) if t.contains_key("flagged") => 1,
                    toml::Value::Table(t) if t.contains_key("not_evaluable") => 2,
                    _ => continue,
                };
                kinds.entry(rule).or_default()[slot] = true;
            }
        }
    }
    for (rule, _) in CATALOGUE
        .iter()
        .filter(|(rule, _)| *rule != DUPLICATE_TICKET)
    {
        let have = kinds.get(*rule).copied().unwrap_or_default();
        assert!(
            have[0] && have[1],
            "{rule}: needs a passed and a flagged case ({have:?})"
        );
        assert!(have[2], "{rule}: needs a not_evaluable case");
    }
}
