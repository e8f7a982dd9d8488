//! Compiling a policy file into a [`Policy`]: every section becomes the typed parameter the
//! rules read, every clause a parameter names must be quoted in `[clauses]`, and every problem
//! of the file is collected before it is rejected. Checks across files (versions of one id,
//! aliases naming two policies) live in [`check_versions`].

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use chrono::NaiveDate;
use chrono_tz::Tz;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use toml::Value;

use super::model::{
    Clause, Counting, DayLimit, Deduction, Exclusions, FreightRules, HourSla, Params, Period,
    PeriodLimit, Policy, RefundCycle, ReturnConditions, ReturnLeg, Warranty, WarrantyTerm, Window,
    WorkingDayDeadline,
};
use super::raw::{parse_document, Diagnostics, Section};
use super::Diagnostic;
use crate::ticket::{Cause, Column, Kind};

/// Compiles one policy file. `file` names it in diagnostics; `origin` is recorded in the
/// policy (`built-in` or the path). Returns every diagnostic of the file when it has any.
pub fn compile_policy(text: &str, file: &str, origin: &str) -> Result<Policy, Vec<Diagnostic>> {
    let mut diags = Diagnostics::new(file);
    let Some(document) = parse_document(text, &mut diags) else {
        return Err(diags.into_vec());
    };
    let mut compiler = Compiler {
        diags: &mut diags,
        clause_refs: Vec::new(),
    };
    let mut root = Section::root(&document);
    let header = compiler.header(&mut root);
    let clauses = compiler.clauses(&mut root);
    let params = compiler.params(&mut root);
    root.finish(compiler.diags);
    compiler.check_clause_refs(&clauses);
    if !diags.is_empty() {
        return Err(diags.into_vec());
    }
    Ok(Policy {
        id: header.id,
        name: header.name,
        aliases: header.aliases,
        currency: header.currency,
        timezone: header.timezone,
        calendar: header.calendar,
        version: header.version,
        effective_from: header.effective_from,
        effective_to: header.effective_to,
        clauses,
        assumptions: header.assumptions,
        params,
        sha256: sha256_hex(text.as_bytes()),
        origin: origin.to_string(),
        source: text.to_string(),
    })
}

/// Hex SHA-256 of a file's bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Checks across compiled files: two files with the same (id, version), two versions of one id
/// whose effective ranges overlap, and an alias (or id) that names two different policies.
/// `versions` pairs each policy with the file name diagnostics use for it.
pub fn check_versions(versions: &[(String, &Policy)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (index, (file, policy)) in versions.iter().enumerate() {
        for (earlier_file, earlier) in &versions[..index] {
            if earlier.id != policy.id {
                continue;
            }
            if earlier.version == policy.version {
                out.push(Diagnostic {
                    file: file.clone(),
                    field: "version".into(),
                    message: format!(
                        "duplicate version `{}` of policy `{}` (also in {earlier_file})",
                        policy.version, policy.id
                    ),
                });
            } else if ranges_overlap(earlier, policy) {
                out.push(Diagnostic {
                    file: file.clone(),
                    field: "effective_from".into(),
                    message: format!(
                        "version `{}` of policy `{}` ({}) overlaps version `{}` ({}) in {earlier_file}",
                        policy.version,
                        policy.id,
                        range_text(policy),
                        earlier.version,
                        range_text(earlier),
                    ),
                });
            }
        }
    }
    let mut names: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    for (file, policy) in versions {
        let spellings = std::iter::once(&policy.id).chain(policy.aliases.iter());
        let mut seen_here = BTreeSet::new();
        for spelling in spellings {
            let key = spelling.trim().to_lowercase();
            if !seen_here.insert(key.clone()) {
                continue;
            }
            match names.get(&key) {
                Some((other_id, other_file)) if *other_id != policy.id => out.push(Diagnostic {
                    file: file.clone(),
                    field: "aliases".into(),
                    message: format!(
                        "`{}` also names policy `{other_id}` ({other_file})",
                        spelling.trim()
                    ),
                }),
                Some(_) => {}
                None => {
                    names.insert(key, (policy.id.as_str(), file.as_str()));
                }
            }
        }
    }
    out
}

fn ranges_overlap(a: &Policy, b: &Policy) -> bool {
    let a_before_b = a.effective_to.is_some_and(|end| end <= b.effective_from);
    let b_before_a = b.effective_to.is_some_and(|end| end <= a.effective_from);
    !a_before_b && !b_before_a
}

/// `2000-01-01..2026-01-01`, or `2000-01-01..` without an end.
pub(crate) fn range_text(policy: &Policy) -> String {
    match policy.effective_to {
        Some(end) => format!("{}..{}", policy.effective_from, end),
        None => format!("{}..", policy.effective_from),
    }
}

/// The identity fields at the top of a policy file.
struct Header {
    id: String,
    name: String,
    aliases: Vec<String>,
    currency: String,
    timezone: Tz,
    calendar: String,
    version: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    assumptions: Vec<String>,
}

struct Compiler<'d> {
    diags: &'d mut Diagnostics,
    /// (field, clause id) of every clause a parameter names.
    clause_refs: Vec<(String, String)>,
}

impl Compiler<'_> {
    fn header(&mut self, root: &mut Section<'_>) -> Header {
        let d = &mut *self.diags;
        let id = non_empty(root, d, "id");
        if !id.is_empty() && !is_identifier(&id) {
            d.push(
                "id",
                format!("bad id `{id}` (use lower-case letters, digits, `-` and `_`)"),
            );
        }
        let name = non_empty(root, d, "name");
        let mut aliases = Vec::new();
        for (field, alias) in root.strings(d, "aliases").unwrap_or_default() {
            if alias.trim().is_empty() {
                d.push(field, "empty alias");
            } else {
                aliases.push(alias.trim().to_string());
            }
        }
        let currency = root.string(d, "currency").unwrap_or_default();
        if section_has_string(root, "currency")
            && !(currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()))
        {
            d.push(
                "currency",
                format!("bad currency `{currency}` (expected an ISO 4217 code such as CNY)"),
            );
        }
        let timezone = match root.string(d, "timezone") {
            Some(name) => Tz::from_str(name.trim()).unwrap_or_else(|_| {
                d.push(
                    "timezone",
                    format!(
                        "unknown timezone `{name}` (expected an IANA name such as Asia/Shanghai)"
                    ),
                );
                Tz::UTC
            }),
            None => Tz::UTC,
        };
        let calendar = root.string(d, "calendar").unwrap_or_default();
        if section_has_string(root, "calendar") && !is_identifier(&calendar) {
            d.push("calendar", format!("bad calendar id `{calendar}`"));
        }
        let version = match root.value("version") {
            None => {
                d.push("version", "missing required field");
                String::new()
            }
            Some(Value::String(text)) if !text.trim().is_empty() => text.trim().to_string(),
            Some(Value::String(_)) => {
                d.push("version", "empty version");
                String::new()
            }
            Some(Value::Integer(number)) => number.to_string(),
            Some(other) => {
                d.push(
                    "version",
                    format!("expected a string, found a {}", other.type_str()),
                );
                String::new()
            }
        };
        let effective_from = root.date(d, "effective_from");
        let effective_to = root.opt_date(d, "effective_to");
        if let (Some(from), Some(to)) = (effective_from, effective_to) {
            if to <= from {
                d.push(
                    "effective_to",
                    format!("effective_to {to} is not after effective_from {from}"),
                );
            }
        }
        let mut assumptions = Vec::new();
        for (field, text) in root.opt_strings(d, "assumptions") {
            if text.trim().is_empty() {
                d.push(field, "empty assumption");
            } else {
                assumptions.push(text.trim().to_string());
            }
        }
        Header {
            id,
            name,
            aliases,
            currency,
            timezone,
            calendar,
            version,
            effective_from: effective_from.unwrap_or(NaiveDate::MIN),
            effective_to,
            assumptions,
        }
    }

    fn clauses(&mut self, root: &mut Section<'_>) -> BTreeMap<String, Clause> {
        let d = &mut *self.diags;
        let mut clauses = BTreeMap::new();
        let Some(mut table) = root.table(d, "clauses") else {
            return clauses;
        };
        for (id, value) in table.entries() {
            let field = table.field(id);
            match value {
                Value::String(quote) if quote.trim().is_empty() => {
                    d.push(field, format!("empty quote for clause `{id}`"));
                }
                Value::String(quote) => {
                    clauses.insert(
                        id.to_string(),
                        Clause {
                            quote: quote.trim().to_string(),
                        },
                    );
                }
                other => d.push(
                    field,
                    format!(
                        "expected the clause's quote as a string, found a {}",
                        other.type_str()
                    ),
                ),
            }
        }
        if table.entries().is_empty() {
            d.push("clauses", "no clauses");
        }
        table.finish(d);
        clauses
    }

    fn check_clause_refs(&mut self, clauses: &BTreeMap<String, Clause>) {
        for (field, clause) in std::mem::take(&mut self.clause_refs) {
            if !clauses.contains_key(&clause) {
                self.diags.push(field, format!("missing clause `{clause}`"));
            }
        }
    }

    /// The required `clause` key of a section, remembered for the reference check.
    fn clause(&mut self, section: &mut Section<'_>) -> String {
        self.clause_key(section, "clause")
    }

    fn clause_key(&mut self, section: &mut Section<'_>, key: &str) -> String {
        let clause = section
            .string(self.diags, key)
            .unwrap_or_default()
            .trim()
            .to_string();
        if clause.is_empty() {
            if section_has_string(section, key) {
                self.diags.push(section.field(key), "empty clause id");
            }
        } else {
            self.clause_refs.push((section.field(key), clause.clone()));
        }
        clause
    }

    fn params(&mut self, root: &mut Section<'_>) -> Params {
        let return_window = root
            .opt_table(self.diags, "return_window")
            .map(|s| self.window(s));
        let exchange_window = root
            .opt_table(self.diags, "exchange_window")
            .map(|s| self.window(s));
        let return_conditions = root
            .opt_table(self.diags, "return_conditions")
            .map(|s| self.return_conditions(s));
        let warranty = root
            .opt_table(self.diags, "warranty")
            .map(|s| self.warranty(s));
        let exclusions = match root.table(self.diags, "exclusions") {
            Some(section) => self.exclusions(section),
            None => Exclusions {
                causes: Vec::new(),
                when_true: Vec::new(),
                when_false: Vec::new(),
                clause: String::new(),
            },
        };
        let freight = match root.opt_table(self.diags, "freight") {
            Some(section) => self.freight(section.with_rule_kinds()),
            None => FreightRules {
                company_bears: Vec::new(),
                company_bears_only_in_warranty: false,
                company_bears_clause: None,
                customer_bears: None,
                customer_bears_clause: None,
                deduction: None,
                return_leg: None,
                collect_refused_clause: None,
            },
        };
        let review_sla = root.opt_table(self.diags, "review_sla").map(|mut s| {
            let hours = self.positive(&mut s, "hours");
            let clause = self.clause(&mut s);
            s.finish(self.diags);
            HourSla { hours, clause }
        });
        let refund_cycle = root.opt_table(self.diags, "refund_cycle").map(|mut s| {
            let earliest = s.u32(self.diags, "earliest_working_days").unwrap_or(0);
            let latest = self.positive(&mut s, "latest_working_days");
            if earliest > latest && latest > 0 {
                self.diags.push(
                    s.field("earliest_working_days"),
                    format!(
                        "earliest_working_days {earliest} is after latest_working_days {latest}"
                    ),
                );
            }
            let clause = self.clause(&mut s);
            s.finish(self.diags);
            RefundCycle {
                earliest_working_days: earliest,
                latest_working_days: latest,
                clause,
            }
        });
        let exchange_turnaround = root
            .opt_table(self.diags, "exchange_turnaround")
            .map(|s| self.working_day_deadline(s));
        let repair_turnaround = root
            .opt_table(self.diags, "repair_turnaround")
            .map(|s| self.working_day_deadline(s));
        let receipt_close = root
            .opt_table(self.diags, "receipt_close")
            .map(|s| self.day_limit(s));
        let unpaid_hold = root.opt_table(self.diags, "unpaid_hold").map(|mut s| {
            let period = self.period(&mut s, "period");
            let clause = self.clause(&mut s);
            s.finish(self.diags);
            PeriodLimit { period, clause }
        });
        let customer_shipment = root
            .opt_table(self.diags, "customer_shipment")
            .map(|s| self.day_limit(s));
        let exchange_same_model_clause = root
            .opt_table(self.diags, "exchange_same_model")
            .map(|s| self.clause_only(s));
        let free_service_clause = root
            .opt_table(self.diags, "free_service")
            .map(|s| self.clause_only(s));
        let exchange_in_warranty_clause = root
            .opt_table(self.diags, "exchange_in_warranty")
            .map(|s| self.clause_only(s));
        if exchange_in_warranty_clause.is_some() && warranty.is_none() {
            self.diags.push(
                "exchange_in_warranty",
                "needs a [warranty] section to judge exchanges against",
            );
        }
        Params {
            return_window,
            exchange_window,
            return_conditions,
            warranty,
            exclusions,
            freight,
            review_sla,
            refund_cycle,
            exchange_turnaround,
            repair_turnaround,
            receipt_close,
            unpaid_hold,
            customer_shipment,
            exchange_same_model_clause,
            free_service_clause,
            exchange_in_warranty_clause,
        }
    }

    fn window(&mut self, mut s: Section<'_>) -> Window {
        let days = self.positive(&mut s, "days");
        let counting = match s.string(self.diags, "counting").as_deref() {
            Some("inclusive") | None => Counting::Inclusive,
            Some("after") => Counting::After,
            Some(other) => {
                self.diags.push(
                    s.field("counting"),
                    format!("unknown counting `{other}` (expected one of: inclusive, after)"),
                );
                Counting::Inclusive
            }
        };
        let from = match s.string(self.diags, "from") {
            Some(name) => self
                .column(&s.field("from"), &name, Kind::Date)
                .unwrap_or(Column::DeliveredAt),
            None => Column::DeliveredAt,
        };
        let causes = self.causes(&mut s, true).unwrap_or_default();
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        Window {
            days,
            counting,
            from,
            causes,
            clause,
        }
    }

    fn return_conditions(&mut self, mut s: Section<'_>) -> ReturnConditions {
        let package_complete = s.bool_or(self.diags, "package_complete", false);
        let no_appearance_damage = s.bool_or(self.diags, "no_appearance_damage", false);
        let not_activated = s.bool_or(self.diags, "not_activated", false);
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        ReturnConditions {
            package_complete,
            no_appearance_damage,
            not_activated,
            clause,
        }
    }

    fn warranty(&mut self, mut s: Section<'_>) -> Warranty {
        let with_proof = self.warranty_term(&mut s);
        let clause = self.clause(&mut s);
        let without_proof = s.opt_table(self.diags, "without_proof").map(|mut term| {
            let compiled = self.warranty_term(&mut term);
            term.finish(self.diags);
            compiled
        });
        let extension = s
            .opt_table(self.diags, "extension_after_repair")
            .map(|mut ext| {
                let period = self.period(&mut ext, "period");
                let clause = self.clause(&mut ext);
                ext.finish(self.diags);
                (period, clause)
            });
        s.finish(self.diags);
        let (extension_after_repair, extension_clause) = match extension {
            Some((period, clause)) => (Some(period), Some(clause)),
            None => (None, None),
        };
        Warranty {
            with_proof,
            without_proof,
            extension_after_repair,
            clause,
            extension_clause,
        }
    }

    /// `starts`, `period` and the optional `by_category` table of a warranty term.
    fn warranty_term(&mut self, s: &mut Section<'_>) -> WarrantyTerm {
        let mut starts = Vec::new();
        if let Some(names) = s.strings(self.diags, "starts") {
            if names.is_empty() {
                self.diags
                    .push(s.field("starts"), "expected at least one date column");
            }
            for (field, name) in names {
                if let Some(column) = self.column(&field, &name, Kind::Date) {
                    starts.push(column);
                }
            }
        }
        let period = self.period(s, "period");
        let mut by_category = BTreeMap::new();
        if let Some(mut categories) = s.opt_table(self.diags, "by_category") {
            for (category, value) in categories.entries() {
                let field = categories.field(category);
                match value.as_str().map(parse_period) {
                    Some(Some(period)) => {
                        by_category.insert(category.trim().to_lowercase(), period);
                    }
                    _ => self.diags.push(field, bad_period_message(value)),
                }
            }
            categories.finish(self.diags);
        }
        WarrantyTerm {
            starts,
            period,
            by_category,
        }
    }

    fn exclusions(&mut self, mut s: Section<'_>) -> Exclusions {
        let causes = self.causes(&mut s, false).unwrap_or_default();
        let when_true = self.bool_columns(&mut s, "when_true");
        let when_false = self.bool_columns(&mut s, "when_false");
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        Exclusions {
            causes,
            when_true,
            when_false,
            clause,
        }
    }

    fn freight(&mut self, mut s: Section<'_>) -> FreightRules {
        let mut rules = FreightRules {
            company_bears: Vec::new(),
            company_bears_only_in_warranty: false,
            company_bears_clause: None,
            customer_bears: None,
            customer_bears_clause: None,
            deduction: None,
            return_leg: None,
            collect_refused_clause: None,
        };
        if let Some(mut part) = s.opt_table(self.diags, "company_bears") {
            rules.company_bears = self.causes(&mut part, true).unwrap_or_default();
            rules.company_bears_only_in_warranty =
                part.bool_or(self.diags, "only_in_warranty", false);
            rules.company_bears_clause = Some(self.clause(&mut part));
            part.finish(self.diags);
        }
        if let Some(mut part) = s.opt_table(self.diags, "customer_bears") {
            // "all" without exceptions is every cause: `None` in the model.
            let every = matches!(part.value("causes"), Some(Value::String(t)) if t == "all")
                && part.value("except").is_none();
            let causes = self.causes(&mut part, true);
            rules.customer_bears = if every { None } else { causes };
            rules.customer_bears_clause = Some(self.clause(&mut part));
            part.finish(self.diags);
        }
        if let Some(mut part) = s.opt_table(self.diags, "deduction") {
            let amount = self.amount(&mut part, "amount");
            let causes = self.causes(&mut part, true).unwrap_or_default();
            let exempt_sf = part.bool_or(self.diags, "exempt_sf", false);
            let exempt_remote_area = part.bool_or(self.diags, "exempt_remote_area", false);
            let clause = self.clause(&mut part);
            part.finish(self.diags);
            rules.deduction = Some(Deduction {
                amount,
                causes,
                exempt_sf,
                exempt_remote_area,
                clause,
            });
        }
        if let Some(mut part) = s.opt_table(self.diags, "return_leg") {
            let when = part.string(self.diags, "when");
            let leg = match when.as_deref() {
                Some("always") => {
                    if part.value("causes").is_some() {
                        self.diags.push(
                            part.field("causes"),
                            "causes apply only when `when` is \"in_warranty\"",
                        );
                    }
                    Some(ReturnLeg::Always {
                        clause: self.clause(&mut part),
                    })
                }
                Some("in_warranty") => {
                    let causes = self.causes(&mut part, true).unwrap_or_default();
                    Some(ReturnLeg::CausesInWarranty {
                        causes,
                        clause: self.clause(&mut part),
                    })
                }
                Some(other) => {
                    self.diags.push(
                        part.field("when"),
                        format!("unknown value `{other}` (expected one of: always, in_warranty)"),
                    );
                    None
                }
                None => None,
            };
            if leg.is_none() {
                // Still read (and check) the rest of the table.
                let _ = self.causes(&mut part, false);
                let _ = self.clause(&mut part);
            }
            part.finish(self.diags);
            rules.return_leg = leg;
        }
        if let Some(part) = s.opt_table(self.diags, "collect_refused") {
            rules.collect_refused_clause = Some(self.clause_only(part));
        }
        s.finish(self.diags);
        rules
    }

    fn working_day_deadline(&mut self, mut s: Section<'_>) -> WorkingDayDeadline {
        let working_days = self.positive(&mut s, "working_days");
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        WorkingDayDeadline {
            working_days,
            clause,
        }
    }

    fn day_limit(&mut self, mut s: Section<'_>) -> DayLimit {
        let days = self.positive(&mut s, "days");
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        DayLimit { days, clause }
    }

    fn clause_only(&mut self, mut s: Section<'_>) -> String {
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        clause
    }

    /// A required whole number greater than zero.
    fn positive(&mut self, s: &mut Section<'_>, key: &str) -> u32 {
        let number = s.u32(self.diags, key);
        if number == Some(0) {
            self.diags
                .push(s.field(key), "expected a number greater than 0");
        }
        number.unwrap_or(0)
    }

    fn period(&mut self, s: &mut Section<'_>, key: &str) -> Period {
        let Some(value) = s.value(key) else {
            self.diags.push(s.field(key), "missing required field");
            return Period::Days(0);
        };
        match value.as_str().and_then(parse_period) {
            Some(period) => period,
            None => {
                self.diags.push(s.field(key), bad_period_message(value));
                Period::Days(0)
            }
        }
    }

    fn amount(&mut self, s: &mut Section<'_>, key: &str) -> Decimal {
        let parsed = match s.value(key) {
            None => {
                self.diags.push(s.field(key), "missing required field");
                return Decimal::ZERO;
            }
            Some(Value::String(text)) => Decimal::from_str(text.trim()).ok(),
            Some(Value::Integer(number)) => Some(Decimal::from(*number)),
            Some(Value::Float(_)) => {
                self.diags.push(
                    s.field(key),
                    "write money as a string, e.g. \"20.00\", so it stays exact",
                );
                return Decimal::ZERO;
            }
            Some(other) => {
                self.diags.push(
                    s.field(key),
                    format!("expected an amount such as \"20.00\", found `{other}`"),
                );
                return Decimal::ZERO;
            }
        };
        match parsed {
            Some(amount) if amount >= Decimal::ZERO => amount,
            _ => {
                self.diags.push(
                    s.field(key),
                    "expected a non-negative amount such as \"20.00\"",
                );
                Decimal::ZERO
            }
        }
    }

    /// The `causes` key: an array of cause names, or `"all"` with an optional `except` array.
    fn causes(&mut self, s: &mut Section<'_>, required: bool) -> Option<Vec<Cause>> {
        let value = match s.value("causes") {
            Some(value) => value,
            None if required => {
                self.diags.push(s.field("causes"), "missing required field");
                return None;
            }
            None => return Some(Vec::new()),
        };
        let except_value = s.value("except");
        let mut causes = match value {
            Value::String(text) if text == "all" => Cause::ALL.to_vec(),
            Value::String(text) => {
                self.diags.push(
                    s.field("causes"),
                    format!("expected an array of causes or \"all\", found `{text}`"),
                );
                return None;
            }
            other => self.cause_list(s, "causes", other)?,
        };
        if let Some(except_value) = except_value {
            if !matches!(value, Value::String(_)) {
                self.diags.push(
                    s.field("except"),
                    "`except` applies only to causes = \"all\"",
                );
            }
            let except = self.cause_list(s, "except", except_value)?;
            causes.retain(|cause| !except.contains(cause));
        }
        Some(causes)
    }

    fn cause_list(&mut self, s: &Section<'_>, key: &str, value: &Value) -> Option<Vec<Cause>> {
        let names = s.as_strings(self.diags, key, value)?;
        let mut causes = Vec::new();
        for (field, name) in names {
            match Cause::from_canonical(name.trim()) {
                Some(cause) if causes.contains(&cause) => {
                    self.diags.push(field, format!("duplicate cause `{name}`"));
                }
                Some(cause) => causes.push(cause),
                None => self.diags.push(
                    field,
                    format!(
                        "unknown cause `{name}` (expected one of: {})",
                        Cause::ALL
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        Some(causes)
    }

    fn bool_columns(&mut self, s: &mut Section<'_>, key: &str) -> Vec<Column> {
        let mut columns = Vec::new();
        for (field, name) in s.opt_strings(self.diags, key) {
            if let Some(column) = self.column(&field, &name, Kind::Bool) {
                if !columns.contains(&column) {
                    columns.push(column);
                }
            }
        }
        columns
    }

    /// A canonical column of the wanted kind.
    fn column(&mut self, field: &str, name: &str, kind: Kind) -> Option<Column> {
        let kind_name = match kind {
            Kind::Date => "date",
            Kind::Bool => "boolean",
            _ => "matching",
        };
        match Column::from_name(name.trim()) {
            Some(column) if column.kind() == kind => Some(column),
            Some(_) => {
                self.diags.push(
                    field,
                    format!("column `{name}` is not a {kind_name} column"),
                );
                None
            }
            None => {
                let expected: Vec<&str> = Column::ALL
                    .iter()
                    .filter(|c| c.kind() == kind)
                    .map(|c| c.name())
                    .collect();
                self.diags.push(
                    field,
                    format!(
                        "unknown column `{name}` (expected a {kind_name} column: {})",
                        expected.join(", ")
                    ),
                );
                None
            }
        }
    }
}

/// `12 months`, `1 month`, `1 year`, `180 days`.
fn parse_period(text: &str) -> Option<Period> {
    let mut words = text.split_whitespace();
    let count: u32 = words.next()?.parse().ok()?;
    let unit = words.next()?;
    if words.next().is_some() || count == 0 {
        return None;
    }
    match unit {
        "day" | "days" => Some(Period::Days(count)),
        "month" | "months" => Some(Period::Months(count)),
        "year" | "years" => count.checked_mul(12).map(Period::Months),
        _ => None,
    }
}

fn bad_period_message(value: &Value) -> String {
    format!("bad period `{value}` (expected e.g. \"12 months\", \"1 year\" or \"180 days\")")
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn non_empty(root: &mut Section<'_>, d: &mut Diagnostics, key: &str) -> String {
    let text = root.string(d, key).unwrap_or_default();
    if section_has_string(root, key) && text.trim().is_empty() {
        d.push(root.field(key), format!("empty {key}"));
    }
    text.trim().to_string()
}

fn section_has_string(section: &mut Section<'_>, key: &str) -> bool {
    matches!(section.value(key), Some(Value::String(_)))
}
