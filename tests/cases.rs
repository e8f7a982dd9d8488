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
use rust_decimal::Decimal;
use serde::Deserialize;

use rma_audit::calendar::CalendarSet;
use rma_audit::finding::{Finding, Outcome};
use rma_audit::policy::{Policy, PolicySet};
use rma_audit::rules::{evaluate, Context, CATALOGUE, DUPLICATE_TICKET};
use rma_audit::ticket::{
    Cause, Column, Decision, FreightPayer, FreightPayment, Kind, ServiceType, Ticket, When,
};

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

fn parse_when(text: &str) -> Result<When, String> {
    if let Ok(fixed) = DateTime::parse_from_rfc3339(text) {
        return Ok(When::Fixed(fixed));
    }
    if let Ok(local) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        return Ok(When::Local(local));
    }
    if let Ok(local) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Ok(When::Local(local));
    }
    parse_date(text).map(When::Date)
}

fn enum_value<T>(text: &str, parse: fn(&str) -> Option<T>) -> Result<T, String> {
    parse(text).ok_or_else(|| format!("unknown value `{text}`"))
}

/// Sets one canonical column on the ticket. An empty string leaves it blank.
fn set_field(ticket: &mut Ticket, name: &str, value: &toml::Value) -> Result<(), String> {
    let column = Column::from_name(name).ok_or_else(|| format!("unknown column `{name}`"))?;
    if value.as_str() == Some("") {
        return blank(ticket, column);
    }
    if column.kind() == Kind::Bool {
        let flag = value
            .as_bool()
            .ok_or_else(|| format!("{name}: expected true/false"))?;
        match column {
            Column::PackageComplete => ticket.package_complete = Some(flag),
            Column::AppearanceDamaged => ticket.appearance_damaged = Some(flag),
            Column::Activated => ticket.activated = Some(flag),
            Column::ProofOfPurchase => ticket.proof_of_purchase = Some(flag),
            Column::LabelTampered => ticket.label_tampered = Some(flag),
            Column::UnauthorizedRepair => ticket.unauthorized_repair = Some(flag),
            Column::AuthorizedChannel => ticket.authorized_channel = Some(flag),
            Column::PurchasedOverseas => ticket.purchased_overseas = Some(flag),
            Column::RemoteArea => ticket.remote_area = Some(flag),
            _ => return Err(format!("{name} is not a boolean column")),
        }
        return Ok(());
    }
    let text = value
        .as_str()
        .ok_or_else(|| format!("{name}: expected a string"))?;
    let text_value = Some(text.to_string());
    let money = || {
        text.parse::<Decimal>()
            .map(Some)
            .map_err(|e| format!("{name}: {e}"))
    };
    let date = || parse_date(text).map(Some);
    let when = || parse_when(text).map(Some);
    match column {
        Column::TicketId => ticket.ticket_id = text.to_string(),
        Column::Policy => ticket.policy = text_value,
        Column::OrderId => ticket.order_id = text_value,
        Column::Sku => ticket.sku = text_value,
        Column::ExchangeSku => ticket.exchange_sku = text_value,
        Column::ProductCategory => ticket.product_category = text_value,
        Column::Store => ticket.store = text_value,
        Column::Agent => ticket.agent = text_value,
        Column::Courier => ticket.courier = text_value,
        Column::ServiceType => {
            ticket.service_type = Some(enum_value(text, ServiceType::from_canonical)?)
        }
        Column::Cause => ticket.cause = Some(enum_value(text, Cause::from_canonical)?),
        Column::Decision => ticket.decision = Some(enum_value(text, Decision::from_canonical)?),
        Column::FreightPayer => {
            ticket.freight_payer = Some(enum_value(text, FreightPayer::from_canonical)?)
        }
        Column::FreightPayment => {
            ticket.freight_payment = Some(enum_value(text, FreightPayment::from_canonical)?)
        }
        Column::FactoryShippedAt => ticket.factory_shipped_at = date()?,
        Column::PurchasedAt => ticket.purchased_at = date()?,
        Column::DeliveredAt => ticket.delivered_at = date()?,
        Column::ActivatedAt => ticket.activated_at = date()?,
        Column::LastRepairReturnedAt => ticket.last_repair_returned_at = date()?,
        Column::AppliedAt => ticket.applied_at = when()?,
        Column::ReviewedAt => ticket.reviewed_at = when()?,
        Column::CustomerShippedAt => ticket.customer_shipped_at = when()?,
        Column::ReceivedAt => ticket.received_at = when()?,
        Column::RefundedAt => ticket.refunded_at = when()?,
        Column::ExchangeShippedAt => ticket.exchange_shipped_at = when()?,
        Column::RepairApprovedAt => ticket.repair_approved_at = when()?,
        Column::RepairedAt => ticket.repaired_at = when()?,
        Column::QuoteNotifiedAt => ticket.quote_notified_at = when()?,
        Column::PaidAt => ticket.paid_at = when()?,
        Column::ReturnedToCustomerAt => ticket.returned_to_customer_at = when()?,
        Column::OrderAmount => ticket.order_amount = money()?,
        Column::RefundAmount => ticket.refund_amount = money()?,
        Column::RepairFee => ticket.repair_fee = money()?,
        Column::FreightAmount => ticket.freight_amount = money()?,
        Column::FreightDeducted => ticket.freight_deducted = money()?,
        Column::ReturnFreightCharged => ticket.return_freight_charged = money()?,
        _ => return Err(format!("column `{name}` is not settable here")),
    }
    Ok(())
}

/// Blanks a column a base had set (`field = ""` in a case).
fn blank(ticket: &mut Ticket, column: Column) -> Result<(), String> {
    macro_rules! clear {
        ($($col:ident => $field:ident),+ $(,)?) => {
            match column {
                $(Column::$col => ticket.$field = None,)+
                _ => return Err(format!("cannot blank `{}`", column.name())),
            }
        };
    }
    clear!(
        Policy => policy, OrderId => order_id, Sku => sku, ExchangeSku => exchange_sku,
        ProductCategory => product_category, Store => store, Agent => agent, Courier => courier,
        ServiceType => service_type, Cause => cause, Decision => decision,
        FactoryShippedAt => factory_shipped_at, PurchasedAt => purchased_at,
        DeliveredAt => delivered_at, ActivatedAt => activated_at,
        LastRepairReturnedAt => last_repair_returned_at, AppliedAt => applied_at,
        ReviewedAt => reviewed_at, CustomerShippedAt => customer_shipped_at,
        ReceivedAt => received_at, RefundedAt => refunded_at,
        ExchangeShippedAt => exchange_shipped_at, RepairApprovedAt => repair_approved_at,
        RepairedAt => repaired_at, QuoteNotifiedAt => quote_notified_at, PaidAt => paid_at,
        ReturnedToCustomerAt => returned_to_customer_at, OrderAmount => order_amount,
        RefundAmount => refund_amount, RepairFee => repair_fee, FreightAmount => freight_amount,
        FreightPayer => freight_payer, FreightPayment => freight_payment,
        FreightDeducted => freight_deducted, ReturnFreightCharged => return_freight_charged,
        PackageComplete => package_complete, AppearanceDamaged => appearance_damaged,
        Activated => activated, ProofOfPurchase => proof_of_purchase,
        LabelTampered => label_tampered, UnauthorizedRepair => unauthorized_repair,
        AuthorizedChannel => authorized_channel, PurchasedOverseas => purchased_overseas,
        RemoteArea => remote_area,
    );
    Ok(())
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
    let mut ticket = Ticket {
        ticket_id: case.name.clone(),
        ..Ticket::default()
    };
    if let Some(base) = &case.base {
        let fields = bases
            .get(base)
            .ok_or_else(|| format!("unknown base `{base}`"))?;
        for (name, value) in fields {
            set_field(&mut ticket, name, value)?;
        }
    }
    for (name, value) in &case.ticket {
        set_field(&mut ticket, name, value)?;
    }
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
