//! Compiling a policy file into a [`Policy`]: every section becomes the typed parameter the
//! rules read, every clause a parameter names must be quoted in `[clauses]`, and every problem
//! of the file is collected before it is rejected. Checks across files (versions of one id,
//! aliases naming two policies) live in `versions`; reading single values (causes, columns,
//! periods, money) in `values`; the identity fields at the top of the file in `header`.

mod header;
mod values;

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use toml::Value;

use super::model::{
    Clause, Counting, DayLimit, Deduction, Exclusions, FreightRules, HourSla, Params, PeriodLimit,
    Policy, RefundCycle, ReturnConditions, ReturnLeg, Warranty, WarrantyTerm, Window,
    WorkingDayDeadline,
};
use super::raw::{parse_document, Diagnostics, Section};
use super::Diagnostic;
use crate::ticket::{Column, Kind};
use values::{bad_period_message, parse_period, section_has_string};

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
    format!("{:x}", Sha256::digest(bytes))
}

/// No `[exclusions]` section (itself reported as missing): nothing is excluded.
fn no_exclusions() -> Exclusions {
    Exclusions {
        causes: Vec::new(),
        when_true: Vec::new(),
        when_false: Vec::new(),
        clause: String::new(),
    }
}

/// No freight rule: what a policy without `[freight]` has, and what each part of one starts
/// from.
fn no_freight_rules() -> FreightRules {
    FreightRules {
        company_bears: Vec::new(),
        company_bears_only_in_warranty: false,
        company_bears_clause: None,
        customer_bears: None,
        customer_bears_clause: None,
        deduction: None,
        return_leg: None,
        collect_refused_clause: None,
    }
}

struct Compiler<'d> {
    diags: &'d mut Diagnostics,
    /// (field, clause id) of every clause a parameter names.
    clause_refs: Vec<(String, String)>,
}

impl Compiler<'_> {
    fn clauses(&mut self, root: &mut Section<'_>) -> BTreeMap<String, Clause> {
        let d = &mut *self.diags;
        let mut clauses = BTreeMap::new();
        let Some(mut table) = root.table(d, "clauses") else {
            return clauses;
        };
        let entries = table.entries();
        if entries.is_empty() {
            d.push("clauses", "no clauses");
        }
        for (id, value) in entries {
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
            None => no_exclusions(),
        };
        let freight = match root.opt_table(self.diags, "freight") {
            Some(section) => self.freight(section.with_rule_kinds()),
            None => no_freight_rules(),
        };
        let review_sla = root
            .opt_table(self.diags, "review_sla")
            .map(|s| self.hour_sla(s));
        let refund_cycle = root
            .opt_table(self.diags, "refund_cycle")
            .map(|s| self.refund_cycle(s));
        let exchange_turnaround = root
            .opt_table(self.diags, "exchange_turnaround")
            .map(|s| self.working_day_deadline(s));
        let repair_turnaround = root
            .opt_table(self.diags, "repair_turnaround")
            .map(|s| self.working_day_deadline(s));
        let receipt_close = root
            .opt_table(self.diags, "receipt_close")
            .map(|s| self.day_limit(s));
        let unpaid_hold = root
            .opt_table(self.diags, "unpaid_hold")
            .map(|s| self.period_limit(s));
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

    fn hour_sla(&mut self, mut s: Section<'_>) -> HourSla {
        let hours = self.positive(&mut s, "hours");
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        HourSla { hours, clause }
    }

    fn refund_cycle(&mut self, mut s: Section<'_>) -> RefundCycle {
        let earliest = s.u32(self.diags, "earliest_working_days").unwrap_or(0);
        let latest = self.positive(&mut s, "latest_working_days");
        if earliest > latest && latest > 0 {
            self.diags.push(
                s.field("earliest_working_days"),
                format!("earliest_working_days {earliest} is after latest_working_days {latest}"),
            );
        }
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        RefundCycle {
            earliest_working_days: earliest,
            latest_working_days: latest,
            clause,
        }
    }

    fn period_limit(&mut self, mut s: Section<'_>) -> PeriodLimit {
        let period = self.period(&mut s, "period");
        let clause = self.clause(&mut s);
        s.finish(self.diags);
        PeriodLimit { period, clause }
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

    /// `starts`, the optional `earlier_if_known`, `period` and the optional `by_category`
    /// table of a warranty term.
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
        let mut earlier_if_known = Vec::new();
        for (field, name) in s.opt_strings(self.diags, "earlier_if_known") {
            if let Some(column) = self.column(&field, &name, Kind::Date) {
                earlier_if_known.push(column);
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
            earlier_if_known,
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
        let mut rules = no_freight_rules();
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
        if let Some(part) = s.opt_table(self.diags, "deduction") {
            rules.deduction = Some(self.deduction(part));
        }
        if let Some(part) = s.opt_table(self.diags, "return_leg") {
            rules.return_leg = self.return_leg(part);
        }
        if let Some(part) = s.opt_table(self.diags, "collect_refused") {
            rules.collect_refused_clause = Some(self.clause_only(part));
        }
        s.finish(self.diags);
        rules
    }

    /// `[freight.deduction]`: the amount kept back from a refund for freight, and when.
    fn deduction(&mut self, mut part: Section<'_>) -> Deduction {
        let amount = self.amount(&mut part, "amount");
        let causes = self.causes(&mut part, true).unwrap_or_default();
        let exempt_sf = part.bool_or(self.diags, "exempt_sf", false);
        let exempt_remote_area = part.bool_or(self.diags, "exempt_remote_area", false);
        let clause = self.clause(&mut part);
        part.finish(self.diags);
        Deduction {
            amount,
            causes,
            exempt_sf,
            exempt_remote_area,
            clause,
        }
    }

    /// `[freight.return_leg]`: when the company pays the leg back to the customer; `None`
    /// when `when` is missing or unknown (the rest of the table is still checked).
    fn return_leg(&mut self, mut part: Section<'_>) -> Option<ReturnLeg> {
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
        leg
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
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::values::parse_period;
    use super::*;
    use crate::policy::model::Period;
    use crate::ticket::Cause;

    const VALID: &str = r#"
id = "acme"
name = "Acme after-sales"
aliases = ["acme", "ACME 品牌"]
currency = "CNY"
timezone = "Asia/Shanghai"
calendar = "cn"
version = "1"
effective_from = 2000-01-01

[clauses]
"A1" = "returns within 7 days"
"A2" = "one year warranty"
"A3" = "man-made damage excluded"

[return_window]
days = 7
counting = "after"
from = "delivered_at"
causes = ["no_reason"]
clause = "A1"

[warranty]
starts = ["delivered_at"]
period = "1 year"
clause = "A2"

[warranty.by_category]
Phone = "18 months"

[exclusions]
causes = ["man_made"]
when_true = ["label_tampered"]
clause = "A3"

[freight.customer_bears]
causes = "all"
except = ["quality", "logistics"]
clause = "A1"
"#;

    fn compile(text: &str) -> Result<Policy, Vec<Diagnostic>> {
        compile_policy(text, "acme.toml", "acme.toml")
    }

    /// Compiles VALID with `from` replaced by `to` and returns the diagnostics as
    /// `field: message` lines.
    fn problems(from: &str, to: &str) -> Vec<String> {
        assert!(VALID.contains(from), "{from}");
        match compile(&VALID.replacen(from, to, 1)) {
            Ok(_) => Vec::new(),
            Err(found) => found
                .into_iter()
                .map(|d| {
                    assert_eq!(d.file, "acme.toml");
                    format!("{}: {}", d.field, d.message)
                })
                .collect(),
        }
    }

    #[test]
    fn the_valid_file_compiles() {
        let policy = compile(VALID).unwrap_or_else(|d| panic!("{d:#?}"));
        assert_eq!(policy.origin, "acme.toml");
        assert_eq!(policy.aliases, ["acme", "ACME 品牌"]);
        let warranty = policy.params.warranty.unwrap();
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        assert_eq!(
            warranty.with_proof.by_category.get("phone"),
            Some(&Period::Months(18))
        );
        let customer = policy.params.freight.customer_bears.unwrap();
        assert_eq!(
            customer,
            [
                Cause::NoReason,
                Cause::ManMade,
                Cause::ForceMajeure,
                Cause::Cosmetic,
                Cause::Software
            ]
        );
        // Sections left out are out of scope.
        assert_eq!(policy.params.review_sla, None);
        assert_eq!(policy.params.exchange_window, None);
        assert_eq!(policy.params.freight.deduction, None);
        assert_eq!(policy.params.freight.company_bears_clause, None);
    }

    #[test]
    fn unknown_keys_and_rule_kinds() {
        assert_eq!(
            problems("[exclusions]", "[refund_rules]\ndays = 3\n\n[exclusions]"),
            ["refund_rules: unknown rule kind `refund_rules`"]
        );
        assert_eq!(
            problems("days = 7", "days = 7\ndayz = 8"),
            ["return_window.dayz: unknown key `dayz`"]
        );
        assert_eq!(
            problems(
                "[freight.customer_bears]",
                "[freight.surcharge]\nclause = \"A1\"\n\n[freight.customer_bears]"
            ),
            ["freight.surcharge: unknown rule kind `freight.surcharge`"]
        );
        assert_eq!(
            problems("calendar = \"cn\"", "calendar = \"cn\"\nowner = \"me\""),
            ["owner: unknown key `owner`"]
        );
    }

    #[test]
    fn missing_fields_and_wrong_types() {
        assert_eq!(
            problems("currency = \"CNY\"\n", ""),
            ["currency: missing required field"]
        );
        assert_eq!(
            problems("days = 7", "days = \"7\""),
            ["return_window.days: expected an integer, found a string"]
        );
        assert_eq!(
            problems("days = 7", "days = 0"),
            ["return_window.days: expected a number greater than 0"]
        );
        assert_eq!(
            problems("[exclusions]\ncauses = [\"man_made\"]\nwhen_true = [\"label_tampered\"]\nclause = \"A3\"\n", ""),
            ["exclusions: missing required field"]
        );
        assert_eq!(
            problems(
                "aliases = [\"acme\", \"ACME 品牌\"]",
                "aliases = [\"acme\", 7, \" \"]"
            ),
            [
                "aliases[1]: expected a string, found an integer",
                "aliases[2]: empty alias",
            ]
        );
    }

    #[test]
    fn bad_names_of_enums_causes_and_columns() {
        assert_eq!(
            problems("counting = \"after\"", "counting = \"exclusive\""),
            ["return_window.counting: unknown counting `exclusive` (expected one of: inclusive, after)"]
        );
        let found = problems(
            "causes = [\"no_reason\"]",
            "causes = [\"no_reason\", \"buyer_remorse\"]",
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with(
            "return_window.causes[1]: unknown cause `buyer_remorse` (expected one of: no_reason, quality"
        ));
        assert_eq!(
            problems(
                "starts = [\"delivered_at\"]",
                "starts = [\"purchased_at\"]\nearlier_if_known = [\"applied_at\"]"
            ),
            ["warranty.earlier_if_known[0]: column `applied_at` is not a date column"]
        );
        let found = problems("from = \"delivered_at\"", "from = \"signed_at\"");
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("return_window.from: unknown column `signed_at`"));
        assert_eq!(
            problems("from = \"delivered_at\"", "from = \"applied_at\""),
            ["return_window.from: column `applied_at` is not a date column"]
        );
        assert_eq!(
            problems(
                "when_true = [\"label_tampered\"]",
                "when_true = [\"delivered_at\"]"
            ),
            ["exclusions.when_true[0]: column `delivered_at` is not a boolean column"]
        );
        let found = problems("period = \"1 year\"", "period = \"a year\"");
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("warranty.period: bad period `\"a year\"`"));
        assert_eq!(
            problems("timezone = \"Asia/Shanghai\"", "timezone = \"China/Beijing\""),
            ["timezone: unknown timezone `China/Beijing` (expected an IANA name such as Asia/Shanghai)"]
        );
    }

    #[test]
    fn clauses_must_exist_and_quote_something() {
        assert_eq!(
            problems("clause = \"A2\"", "clause = \"R9\""),
            ["warranty.clause: missing clause `R9`"]
        );
        assert_eq!(
            problems("\"A3\" = \"man-made damage excluded\"", "\"A3\" = \"  \""),
            [
                "clauses.A3: empty quote for clause `A3`",
                "exclusions.clause: missing clause `A3`",
            ]
        );
    }

    #[test]
    fn effective_to_must_be_after_effective_from() {
        assert_eq!(
            problems(
                "effective_from = 2000-01-01",
                "effective_from = 2000-01-01\neffective_to = 2000-01-01"
            ),
            ["effective_to: effective_to 2000-01-01 is not after effective_from 2000-01-01"]
        );
        let found = problems("effective_from = 2000-01-01", "effective_from = 2000-02-30");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("-: TOML syntax error at line 9, column 18: invalid date"),
            "{found:?}"
        );
        assert_eq!(
            problems(
                "effective_from = 2000-01-01",
                "effective_from = \"2000-02-30\""
            ),
            ["effective_from: expected a date (YYYY-MM-DD), found `\"2000-02-30\"`"]
        );
    }

    #[test]
    fn money_is_exact() {
        let policy = compile(&VALID.replace(
            "[freight.customer_bears]",
            "[freight.deduction]\namount = \"20.00\"\ncauses = [\"no_reason\"]\nexempt_sf = true\nclause = \"A1\"\n\n[freight.customer_bears]",
        ))
        .unwrap_or_else(|d| panic!("{d:#?}"));
        let deduction = policy.params.freight.deduction.unwrap();
        assert_eq!(deduction.amount, Decimal::new(2000, 2));
        assert!(deduction.exempt_sf);
        assert!(!deduction.exempt_remote_area);
        let found = problems(
            "[freight.customer_bears]",
            "[freight.deduction]\namount = 20.5\ncauses = [\"no_reason\"]\nclause = \"A1\"\n\n[freight.customer_bears]",
        );
        assert_eq!(
            found,
            ["freight.deduction.amount: write money as a string, e.g. \"20.00\", so it stays exact"]
        );
    }

    #[test]
    fn every_problem_of_one_file_is_reported() {
        let broken = VALID
            .replace(
                "timezone = \"Asia/Shanghai\"",
                "timezone = \"Mars/Olympus\"",
            )
            .replace("counting = \"after\"", "counting = \"sometimes\"")
            .replace("clause = \"A2\"", "clause = \"R9\"")
            .replace("days = 7", "days = 7\nhours = 3")
            .replace("[exclusions]", "[loyalty]\npoints = 1\n\n[exclusions]");
        let found: Vec<String> = compile(&broken)
            .unwrap_err()
            .into_iter()
            .map(|d| d.field)
            .collect();
        assert_eq!(
            found,
            [
                "timezone",
                "return_window.counting",
                "return_window.hours",
                "loyalty",
                "warranty.clause",
            ]
        );
    }

    #[test]
    fn syntax_errors_stop_one_file_only_with_their_place() {
        let found = compile("id = \"acme\"\n[clauses\n").unwrap_err();
        assert!(!found.is_empty());
        assert!(
            found[0].message.starts_with("TOML syntax error at line 2"),
            "{found:?}"
        );
        assert_eq!(found[0].field, "-");
    }

    #[test]
    fn return_leg_forms() {
        let always = compile(&VALID.replace(
            "[freight.customer_bears]",
            "[freight.return_leg]\nwhen = \"always\"\nclause = \"A1\"\n\n[freight.customer_bears]",
        ))
        .unwrap_or_else(|d| panic!("{d:#?}"));
        assert_eq!(
            always.params.freight.return_leg,
            Some(ReturnLeg::Always {
                clause: "A1".into()
            })
        );
        let found = problems(
            "[freight.customer_bears]",
            "[freight.return_leg]\nwhen = \"never\"\nclause = \"A1\"\n\n[freight.customer_bears]",
        );
        assert_eq!(
            found,
            ["freight.return_leg.when: unknown value `never` (expected one of: always, in_warranty)"]
        );
    }

    #[test]
    fn periods_parse() {
        assert_eq!(parse_period("12 months"), Some(Period::Months(12)));
        assert_eq!(parse_period("1 month"), Some(Period::Months(1)));
        assert_eq!(parse_period("2 years"), Some(Period::Months(24)));
        assert_eq!(parse_period("180 days"), Some(Period::Days(180)));
        assert_eq!(parse_period("0 days"), None);
        assert_eq!(parse_period("12"), None);
        assert_eq!(parse_period("12 weeks"), None);
    }
}
