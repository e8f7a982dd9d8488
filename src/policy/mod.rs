//! Policies as data: loading the built-in and on-disk policy files, checking them with every
//! diagnostic, and choosing the version in force for a ticket.

//!
//! The five shipped policies are compiled into the binary from `data/policies/`. A directory
//! given with `--policies` adds policies, and **replaces** the built-in ones by id: when a file
//! in the directory has the id `joining`, every built-in version of `joining` is dropped and
//! only the directory's versions of it are used. Other built-in ids stay.

mod compile;
pub mod model;
mod raw;

pub use compile::{compile_policy, sha256_hex};
pub use model::*;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// One problem found in a policy file: which file, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.field, self.message)
    }
}

/// Every loaded policy version, built-in and from `--policies`.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    versions: Vec<Policy>,
}

impl PolicySet {
    /// Builds a set from compiled versions (tests and the loader use this).
    pub fn from_versions(mut versions: Vec<Policy>) -> PolicySet {
        versions.sort_by(|a, b| (&a.id, a.effective_from).cmp(&(&b.id, b.effective_from)));
        PolicySet { versions }
    }

    /// The built-in policies, plus every `*.toml` in `dir`. A policy id present in `dir`
    /// replaces all built-in versions of that id. Fails with every diagnostic of every file
    /// (and of the files together) when there is any; a missing or empty `dir` is one too.
    pub fn load(dir: Option<&Path>) -> Result<PolicySet, Vec<Diagnostic>> {
        let (versions, diagnostics) = load_versions(dir);
        if diagnostics.is_empty() {
            Ok(PolicySet::from_versions(versions))
        } else {
            Err(diagnostics)
        }
    }

    /// Every version, sorted by id then effective date.
    pub fn versions(&self) -> &[Policy] {
        &self.versions
    }

    /// The policy id named by `text` (an id or an alias, case-insensitive, trimmed).
    pub fn lookup(&self, text: &str) -> Option<&str> {
        let wanted = text.trim().to_lowercase();
        self.versions
            .iter()
            .find(|p| {
                p.id.to_lowercase() == wanted
                    || p.aliases.iter().any(|a| a.trim().to_lowercase() == wanted)
            })
            .map(|p| p.id.as_str())
    }

    /// The version of policy `id` in force on `date`.
    pub fn version_on(&self, id: &str, date: NaiveDate) -> Option<&Policy> {
        self.versions
            .iter()
            .find(|p| p.id == id && p.in_force_on(date))
    }

    /// Every version of policy `id`.
    pub fn versions_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Policy> + 'a {
        self.versions.iter().filter(move |p| p.id == id)
    }
}

/// The shipped policy files: (file name, text).
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "joining.toml",
        include_str!("../../data/policies/joining.toml"),
    ),
    (
        "changkong.toml",
        include_str!("../../data/policies/changkong.toml"),
    ),
    ("xinji.toml", include_str!("../../data/policies/xinji.toml")),
    (
        "handset-oem.toml",
        include_str!("../../data/policies/handset-oem.toml"),
    ),
    (
        "repair-service.toml",
        include_str!("../../data/policies/repair-service.toml"),
    ),
];

/// `policies check DIR`: every diagnostic of every policy file in `dir`, and of the files
/// together with the built-in policies they do not replace (duplicate versions, overlapping
/// versions, an alias naming two policies). A missing directory or one without `*.toml`
/// files is itself a diagnostic. Empty = the directory loads.
pub fn check_dir(dir: &Path) -> Vec<Diagnostic> {
    load_versions(Some(dir)).1
}

/// `policies list`: one line per version — id, version, effective dates, name, aliases,
/// origin — under a header line, columns separated by two spaces.
pub fn list_text(set: &PolicySet) -> String {
    let header = ["ID", "VERSION", "EFFECTIVE", "NAME", "ALIASES", "ORIGIN"];
    let rows: Vec<[String; 6]> = set
        .versions()
        .iter()
        .map(|policy| {
            [
                policy.id.clone(),
                policy.version.clone(),
                compile::range_text(policy),
                policy.name.clone(),
                policy.aliases.join(", "),
                policy.origin.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_row = header.map(String::from);
    for row in std::iter::once(&header_row).chain(&rows) {
        let mut line = String::new();
        for (index, (cell, width)) in row.iter().zip(widths).enumerate() {
            if index + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = width - cell.chars().count();
                let _ = write!(line, "{cell}{}  ", " ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `policies show ID`: the policy's file as written, clause quotes included, after a comment
/// line saying which version it is and where it came from.
pub fn show_text(policy: &Policy) -> String {
    let mut out = format!(
        "# {} version {} ({}), from {}, sha256 {}\n",
        policy.id,
        policy.version,
        compile::range_text(policy),
        policy.origin,
        policy.sha256
    );
    out.push_str(&policy.source);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Compiles the built-in files and those of `dir`, applies replacement by id, and checks the
/// resulting versions together.
fn load_versions(dir: Option<&Path>) -> (Vec<Policy>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut built_in = Vec::new();
    for (name, text) in BUILT_IN {
        let file = format!("built-in/{name}");
        match compile_policy(text, &file, "built-in") {
            Ok(policy) => built_in.push((file, policy)),
            Err(found) => diagnostics.extend(found),
        }
    }
    let mut from_dir = Vec::new();
    if let Some(dir) = dir {
        let (loaded, found) = compile_dir(dir);
        from_dir = loaded;
        diagnostics.extend(found);
    }
    let replaced: BTreeSet<&str> = from_dir.iter().map(|(_, p)| p.id.as_str()).collect();
    let mut labelled: Vec<(String, Policy)> = built_in
        .into_iter()
        .filter(|(_, policy)| !replaced.contains(policy.id.as_str()))
        .collect();
    labelled.extend(from_dir);
    let refs: Vec<(String, &Policy)> = labelled.iter().map(|(f, p)| (f.clone(), p)).collect();
    diagnostics.extend(compile::check_versions(&refs));
    let versions = labelled.into_iter().map(|(_, policy)| policy).collect();
    (versions, diagnostics)
}

/// Compiles every `*.toml` of `dir`, each labelled with its path.
fn compile_dir(dir: &Path) -> (Vec<(String, Policy)>, Vec<Diagnostic>) {
    let dir_label = dir.display().to_string();
    let dir_problem = |message: &str| Diagnostic {
        file: dir_label.clone(),
        field: "-".into(),
        message: message.to_string(),
    };
    if !dir.exists() {
        return (Vec::new(), vec![dir_problem("directory does not exist")]);
    }
    if !dir.is_dir() {
        return (Vec::new(), vec![dir_problem("not a directory")]);
    }
    let files = match policy_files(dir) {
        Ok(files) => files,
        Err(err) => {
            return (
                Vec::new(),
                vec![dir_problem(&format!("cannot read directory: {err}"))],
            )
        }
    };
    if files.is_empty() {
        return (
            Vec::new(),
            vec![dir_problem("no policy files (*.toml) in directory")],
        );
    }
    let mut loaded = Vec::new();
    let mut diagnostics = Vec::new();
    for path in files {
        let label = path.display().to_string();
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    diagnostics.push(Diagnostic {
                        file: label,
                        field: "-".into(),
                        message: "not UTF-8 text".into(),
                    });
                    continue;
                }
            },
            Err(err) => {
                diagnostics.push(Diagnostic {
                    file: label,
                    field: "-".into(),
                    message: format!("cannot read: {err}"),
                });
                continue;
            }
        };
        match compile_policy(&text, &label, &label) {
            Ok(policy) => loaded.push((label, policy)),
            Err(found) => diagnostics.extend(found),
        }
    }
    (loaded, diagnostics)
}

/// Where a policy directory's files are, for messages.
pub fn policy_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::ticket::{Cause, Column};

    fn shipped() -> PolicySet {
        PolicySet::load(None).unwrap_or_else(|d| panic!("{d:#?}"))
    }

    fn shipped_policy(id: &str) -> Policy {
        let set = shipped();
        let mut versions: Vec<Policy> = set.versions_of(id).cloned().collect();
        assert_eq!(versions.len(), 1, "{id} ships one version");
        versions.remove(0)
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    /// Every clause id of RULES.md's clause index, per policy.
    const CLAUSE_INDEX: &[(&str, &[&str])] = &[
        (
            "joining",
            &[
                "W2.1", "W2.2", "W2.3", "W2.4", "W2.5", "W3", "R1", "R2", "R3.1", "R3.2", "R4",
                "S2", "S4.1", "S4.2", "S4.3",
            ],
        ),
        (
            "changkong",
            &[
                "B1", "B2.1", "B2.2", "B2.3", "B2.4", "B2.5", "B2.6", "B2.7", "I.1", "III.1",
                "III.2", "IV.4", "IV.5",
            ],
        ),
        ("xinji", &["D", "P", "E"]),
        ("handset-oem", &["T1", "T2", "T3", "T4"]),
        (
            "repair-service",
            &["1.3", "2.1", "2.2", "2.4", "2.6", "4.2"],
        ),
    ];

    #[test]
    fn built_in_policies_load_without_diagnostics() {
        let set = shipped();
        let ids: Vec<&str> = set.versions().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "changkong",
                "handset-oem",
                "joining",
                "repair-service",
                "xinji"
            ]
        );
        for policy in set.versions() {
            assert_eq!(policy.currency, "CNY");
            assert_eq!(policy.timezone, chrono_tz::Asia::Shanghai);
            assert_eq!(policy.calendar, "cn");
            assert_eq!(policy.effective_from, date("2000-01-01"));
            assert_eq!(policy.effective_to, None);
            assert_eq!(policy.origin, "built-in");
            assert_eq!(policy.sha256.len(), 64);
            assert!(policy.aliases.contains(&policy.id), "{} alias", policy.id);
            assert!(!policy.params.exclusions.causes.is_empty(), "{}", policy.id);
        }
    }

    #[test]
    fn every_clause_of_the_index_is_quoted() {
        for (id, clauses) in CLAUSE_INDEX {
            let policy = shipped_policy(id);
            let have: Vec<&str> = policy.clauses.keys().map(String::as_str).collect();
            let mut want = clauses.to_vec();
            want.sort_unstable();
            assert_eq!(have, want, "{id}");
            for clause in *clauses {
                assert!(policy.quote(clause).len() > 10, "{id} {clause}");
            }
        }
    }

    #[test]
    fn sha256_is_of_the_file_bytes() {
        let policy = shipped_policy("xinji");
        let (_, text) = BUILT_IN.iter().find(|(n, _)| *n == "xinji.toml").unwrap();
        assert_eq!(policy.sha256, sha256_hex(text.as_bytes()));
        // The SHA-256 of "abc", to pin the hex encoding.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn joining_parameters_match_the_rules() {
        let p = shipped_policy("joining");
        let params = &p.params;
        assert_eq!(
            params.return_window,
            Some(Window {
                days: 7,
                counting: Counting::Inclusive,
                from: Column::DeliveredAt,
                causes: vec![Cause::NoReason, Cause::Quality],
                clause: "R1".into(),
            })
        );
        assert_eq!(
            params.exchange_window,
            Some(Window {
                days: 15,
                counting: Counting::Inclusive,
                from: Column::DeliveredAt,
                causes: vec![Cause::Quality],
                clause: "R1".into(),
            })
        );
        assert_eq!(
            params.return_conditions,
            Some(ReturnConditions {
                package_complete: true,
                no_appearance_damage: true,
                not_activated: false,
                clause: "W2.1".into(),
            })
        );
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(warranty.with_proof.starts, [Column::DeliveredAt]);
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        assert!(warranty.with_proof.by_category.is_empty());
        assert_eq!(warranty.without_proof, None);
        assert_eq!(warranty.extension_after_repair, None);
        assert_eq!(warranty.clause, "W2.4");
        assert_common_exclusions(&p, &[], &[], "W3");

        let freight = &params.freight;
        assert_eq!(freight.company_bears, [Cause::Quality, Cause::Logistics]);
        assert!(!freight.company_bears_only_in_warranty);
        assert_eq!(freight.company_bears_clause.as_deref(), Some("R3.1"));
        assert_eq!(freight.customer_bears, Some(vec![Cause::NoReason]));
        assert_eq!(freight.customer_bears_clause.as_deref(), Some("R3.2"));
        assert_eq!(
            freight.deduction,
            Some(Deduction {
                amount: Decimal::from_str("20.00").unwrap(),
                causes: vec![Cause::NoReason],
                exempt_sf: true,
                exempt_remote_area: true,
                clause: "R3.2".into(),
            })
        );
        assert_eq!(
            freight.deduction.as_ref().unwrap().amount.to_string(),
            "20.00"
        );
        assert_eq!(freight.return_leg, None);
        assert_eq!(freight.collect_refused_clause, None);

        assert_eq!(
            params.review_sla,
            Some(HourSla {
                hours: 24,
                clause: "S2".into()
            })
        );
        assert_eq!(
            params.refund_cycle,
            Some(RefundCycle {
                earliest_working_days: 3,
                latest_working_days: 5,
                clause: "S4.1".into(),
            })
        );
        assert_eq!(
            params.exchange_turnaround,
            Some(WorkingDayDeadline {
                working_days: 7,
                clause: "S4.2".into()
            })
        );
        assert_eq!(params.repair_turnaround, None);
        assert_eq!(params.receipt_close, None);
        assert_eq!(params.unpaid_hold, None);
        assert_eq!(params.customer_shipment, None);
        assert_eq!(params.exchange_same_model_clause.as_deref(), Some("R4"));
        assert_eq!(params.free_service_clause.as_deref(), Some("W2.4"));
        assert!(p.assumptions.is_empty());
        // JOINING judges exchanges by its 15-day window, not by the warranty.
        assert_eq!(params.exchange_in_warranty_clause, None);
    }

    #[test]
    fn changkong_parameters_match_the_rules() {
        let p = shipped_policy("changkong");
        let params = &p.params;
        assert_eq!(
            params.return_window,
            Some(Window {
                days: 7,
                counting: Counting::After,
                from: Column::DeliveredAt,
                causes: vec![Cause::NoReason, Cause::Quality],
                clause: "B1".into(),
            })
        );
        assert_eq!(params.exchange_window, None);
        assert_eq!(
            params.return_conditions,
            Some(ReturnConditions {
                package_complete: true,
                no_appearance_damage: true,
                not_activated: true,
                clause: "B1".into(),
            })
        );
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(warranty.with_proof.starts, [Column::PurchasedAt]);
        assert_eq!(warranty.with_proof.period, Period::Days(180));
        let without = warranty.without_proof.as_ref().unwrap();
        assert_eq!(without.starts, [Column::FactoryShippedAt]);
        assert_eq!(without.period, Period::Days(240));
        assert_eq!(warranty.extension_after_repair, Some(Period::Days(60)));
        assert_eq!(warranty.clause, "I.1");
        assert_eq!(warranty.extension_clause.as_deref(), Some("I.1"));
        assert_common_exclusions(&p, &[], &[], "B2.4");

        let freight = &params.freight;
        assert_eq!(freight.company_bears, [Cause::Quality]);
        assert!(freight.company_bears_only_in_warranty);
        assert_eq!(freight.company_bears_clause.as_deref(), Some("III.1"));
        // Every cause other than quality, logistics and software included.
        let customer = freight.customer_bears.as_ref().unwrap();
        assert!(!customer.contains(&Cause::Quality));
        assert!(customer.contains(&Cause::Logistics));
        assert!(customer.contains(&Cause::Software));
        assert_eq!(customer.len(), Cause::ALL.len() - 1);
        assert_eq!(freight.customer_bears_clause.as_deref(), Some("III.1"));
        assert_eq!(freight.deduction, None);
        assert_eq!(
            freight.return_leg,
            Some(ReturnLeg::CausesInWarranty {
                causes: vec![Cause::Quality],
                clause: "III.1".into()
            })
        );
        assert_eq!(freight.collect_refused_clause, None);

        assert_eq!(params.review_sla, None);
        assert_eq!(params.refund_cycle, None);
        assert_eq!(params.exchange_turnaround, None);
        assert_eq!(
            params.repair_turnaround,
            Some(WorkingDayDeadline {
                working_days: 3,
                clause: "IV.5".into()
            })
        );
        assert_eq!(
            params.customer_shipment,
            Some(DayLimit {
                days: 7,
                clause: "B2.7".into()
            })
        );
        assert_eq!(params.receipt_close, None);
        assert_eq!(params.unpaid_hold, None);
        assert_eq!(params.exchange_same_model_clause, None);
        assert_eq!(params.exchange_in_warranty_clause, None);
    }

    #[test]
    fn xinji_parameters_match_the_rules() {
        let p = shipped_policy("xinji");
        let params = &p.params;
        assert_eq!(params.return_window, None);
        assert_eq!(params.exchange_window, None);
        assert_eq!(params.return_conditions, None);
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(
            warranty.with_proof.starts,
            [Column::ActivatedAt, Column::PurchasedAt]
        );
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        assert_eq!(warranty.without_proof, None);
        assert_eq!(warranty.extension_after_repair, None);
        assert_eq!(warranty.clause, "D");
        assert_common_exclusions(
            &p,
            &[Column::PurchasedOverseas],
            &[Column::ProofOfPurchase],
            "E",
        );
        assert_eq!(params.freight.company_bears_clause, None);
        assert_eq!(params.freight.customer_bears_clause, None);
        assert_eq!(params.freight.return_leg, None);
        assert_eq!(params.free_service_clause.as_deref(), Some("P"));
        assert_eq!(params.exchange_in_warranty_clause.as_deref(), Some("P"));
        assert_eq!(params.review_sla, None);
    }

    #[test]
    fn handset_oem_parameters_match_the_rules() {
        let p = shipped_policy("handset-oem");
        let params = &p.params;
        assert_eq!(params.return_window, None);
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(warranty.with_proof.starts, [Column::DeliveredAt]);
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        assert_eq!(warranty.without_proof, None);
        assert_eq!(warranty.clause, "T2");
        assert_common_exclusions(&p, &[], &[], "T3");
        // T1: all shipment at the customer's expense, whatever the cause.
        assert_eq!(params.freight.customer_bears, None);
        assert_eq!(params.freight.customer_bears_clause.as_deref(), Some("T1"));
        assert!(params.freight.company_bears.is_empty());
        assert_eq!(params.freight.company_bears_clause, None);
        assert_eq!(params.freight.return_leg, None);
        assert_eq!(params.exchange_in_warranty_clause.as_deref(), Some("T2"));
    }

    #[test]
    fn repair_service_parameters_match_the_rules() {
        let p = shipped_policy("repair-service");
        let params = &p.params;
        assert_eq!(params.return_window, None);
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(
            warranty.with_proof.starts,
            [Column::PurchasedAt, Column::DeliveredAt]
        );
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        let without = warranty.without_proof.as_ref().unwrap();
        assert_eq!(without.starts, [Column::FactoryShippedAt]);
        assert_eq!(without.period, Period::Months(12));
        assert_eq!(warranty.clause, "2.4");
        assert_eq!(p.assumptions.len(), 1);
        assert!(p.assumptions[0].contains("12 months"));
        assert!(p.assumptions[0].contains("assumes"));
        assert_common_exclusions(&p, &[], &[], "1.3");

        let freight = &params.freight;
        assert_eq!(freight.customer_bears, None);
        assert_eq!(freight.customer_bears_clause.as_deref(), Some("2.1"));
        assert_eq!(
            freight.return_leg,
            Some(ReturnLeg::Always {
                clause: "2.1".into()
            })
        );
        assert_eq!(freight.collect_refused_clause.as_deref(), Some("2.1"));
        assert_eq!(
            params.receipt_close,
            Some(DayLimit {
                days: 15,
                clause: "4.2".into()
            })
        );
        assert_eq!(
            params.unpaid_hold,
            Some(PeriodLimit {
                period: Period::Months(1),
                clause: "2.6".into()
            })
        );
        assert_eq!(params.free_service_clause.as_deref(), Some("1.3"));
        assert_eq!(params.exchange_in_warranty_clause, None);
    }

    fn assert_common_exclusions(
        policy: &Policy,
        extra_true: &[Column],
        extra_false: &[Column],
        clause: &str,
    ) {
        let exclusions = &policy.params.exclusions;
        assert_eq!(
            exclusions.causes,
            [Cause::ManMade, Cause::ForceMajeure, Cause::Cosmetic],
            "{}",
            policy.id
        );
        let mut when_true = vec![Column::LabelTampered, Column::UnauthorizedRepair];
        when_true.extend_from_slice(extra_true);
        let mut when_false = vec![Column::AuthorizedChannel];
        when_false.extend_from_slice(extra_false);
        assert_eq!(exclusions.when_true, when_true, "{}", policy.id);
        assert_eq!(exclusions.when_false, when_false, "{}", policy.id);
        assert_eq!(exclusions.clause, clause, "{}", policy.id);
        assert!(!exclusions.causes.contains(&Cause::Software));
    }

    #[test]
    fn lookup_by_id_or_alias_ignores_case_and_spaces() {
        let set = shipped();
        for (text, id) in [
            ("joining", "joining"),
            ("JOINING", "joining"),
            ("jonning", "joining"),
            ("乔宁", "joining"),
            (" Changkong ", "changkong"),
            ("长空", "changkong"),
            ("南昌长空", "changkong"),
            ("xinji", "xinji"),
            ("心迹", "xinji"),
            ("HANDSET-OEM", "handset-oem"),
            ("Repair Service", "repair-service"),
        ] {
            assert_eq!(set.lookup(text), Some(id), "{text}");
        }
        assert_eq!(set.lookup("huawei"), None);
    }

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    /// A small valid policy file with the given id, version and effective dates.
    fn minimal(id: &str, version: &str, from: &str, to: Option<&str>) -> String {
        let to = to.map_or(String::new(), |to| format!("effective_to = {to}\n"));
        format!(
            r#"id = "{id}"
name = "Test policy {id}"
aliases = ["{id}", "Brand {id}"]
currency = "CNY"
timezone = "Asia/Shanghai"
calendar = "cn"
version = "{version}"
effective_from = {from}
{to}
[clauses]
"W1" = "12 months from delivery"
"X1" = "man-made damage is not covered"

[warranty]
starts = ["delivered_at"]
period = "12 months"
clause = "W1"

[exclusions]
causes = ["man_made"]
clause = "X1"
"#
        )
    }

    #[test]
    fn version_on_picks_the_version_in_force() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "acme-1.toml",
            &minimal("acme", "1", "2000-01-01", Some("2026-01-01")),
        );
        let second = minimal("acme", "2", "2026-01-01", None)
            .replace("period = \"12 months\"", "period = \"24 months\"");
        write(dir.path(), "acme-2.toml", &second);
        let set = PolicySet::load(Some(dir.path())).unwrap_or_else(|d| panic!("{d:#?}"));
        assert_eq!(set.versions_of("acme").count(), 2);
        let old = set.version_on("acme", date("2025-12-31")).unwrap();
        assert_eq!(old.version, "1");
        let new = set.version_on("acme", date("2026-01-01")).unwrap();
        assert_eq!(new.version, "2");
        assert_eq!(
            new.params.warranty.as_ref().unwrap().with_proof.period,
            Period::Months(24)
        );
        assert!(set.version_on("acme", date("1999-12-31")).is_none());
        assert!(new.origin.ends_with("acme-2.toml"));
        assert_eq!(set.lookup("BRAND ACME"), Some("acme"));
        // The built-in policies are still there.
        assert!(set.version_on("joining", date("2025-06-01")).is_some());
        assert!(check_dir(dir.path()).is_empty());
    }

    #[test]
    fn a_directory_policy_replaces_every_built_in_version_of_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let text = minimal("joining", "2025", "2025-01-01", None)
            .replace("\"Brand joining\"", "\"JOINING\"");
        write(dir.path(), "joining.toml", &text);
        let set = PolicySet::load(Some(dir.path())).unwrap_or_else(|d| panic!("{d:#?}"));
        let versions: Vec<&Policy> = set.versions_of("joining").collect();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].version, "2025");
        assert_ne!(versions[0].origin, "built-in");
        // No version of it is in force before the replacement's start.
        assert!(set.version_on("joining", date("2024-12-31")).is_none());
        assert_eq!(set.versions_of("xinji").count(), 1);
    }

    #[test]
    fn a_broken_directory_reports_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        // A syntax error.
        write(
            dir.path(),
            "a-syntax.toml",
            "id = \"broken\"\nname = \"unterminated\n",
        );
        // An unknown rule kind and a missing clause, in one file.
        let mut text = minimal("beta", "1", "2000-01-01", None);
        text.push_str("\n[refund_policy]\ndays = 3\n\n[review_sla]\nhours = 24\nclause = \"R9\"\n");
        write(dir.path(), "b-kinds.toml", &text);
        // Two versions of one id whose ranges overlap.
        write(
            dir.path(),
            "c-gamma-1.toml",
            &minimal("gamma", "1", "2000-01-01", Some("2026-06-01")),
        );
        write(
            dir.path(),
            "c-gamma-2.toml",
            &minimal("gamma", "2", "2026-01-01", None),
        );
        // A duplicate (id, version).
        write(
            dir.path(),
            "d-gamma-copy.toml",
            &minimal("gamma", "2", "2030-01-01", None),
        );
        // A file that is not a policy file is ignored.
        write(dir.path(), "notes.txt", "not a policy");

        let diagnostics = check_dir(dir.path());
        let text: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        let has = |file: &str, field: &str, message: &str| {
            diagnostics
                .iter()
                .any(|d| d.file.ends_with(file) && d.field == field && d.message.contains(message))
        };
        assert!(
            has(
                "a-syntax.toml",
                "-",
                "TOML syntax error at line 2, column 21"
            ),
            "{text:#?}"
        );
        assert!(
            has(
                "b-kinds.toml",
                "refund_policy",
                "unknown rule kind `refund_policy`"
            ),
            "{text:#?}"
        );
        assert!(
            has("b-kinds.toml", "review_sla.clause", "missing clause `R9`"),
            "{text:#?}"
        );
        assert!(
            has("c-gamma-2.toml", "effective_from", "overlaps version `1`"),
            "{text:#?}"
        );
        assert!(
            has(
                "d-gamma-copy.toml",
                "version",
                "duplicate version `2` of policy `gamma`"
            ),
            "{text:#?}"
        );
        assert!(!text.iter().any(|t| t.contains("notes.txt")), "{text:#?}");
        assert_eq!(diagnostics.len(), 5, "{text:#?}");
        // load refuses the directory with the same diagnostics.
        assert_eq!(PolicySet::load(Some(dir.path())).unwrap_err(), diagnostics);
    }

    #[test]
    fn missing_or_empty_directories_are_diagnostics() {
        let dir = tempfile::tempdir().unwrap();
        let empty = check_dir(dir.path());
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].message, "no policy files (*.toml) in directory");
        let missing = check_dir(&dir.path().join("nowhere"));
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].message, "directory does not exist");
        assert!(PolicySet::load(Some(&dir.path().join("nowhere"))).is_err());
    }

    #[test]
    fn an_alias_naming_two_policies_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let text = minimal("acme", "1", "2000-01-01", None).replace("\"Brand acme\"", "\"乔宁\"");
        write(dir.path(), "acme.toml", &text);
        let diagnostics = check_dir(dir.path());
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert_eq!(diagnostics[0].field, "aliases");
        assert!(diagnostics[0]
            .message
            .contains("`乔宁` also names policy `joining`"));
    }

    #[test]
    fn list_text_has_a_line_per_version() {
        let text = list_text(&shipped());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[0].starts_with("ID "));
        let joining = lines.iter().find(|l| l.starts_with("joining ")).unwrap();
        for part in [
            "JOINING after-sales policy",
            "2000-01-01..",
            "乔宁",
            "built-in",
        ] {
            assert!(joining.contains(part), "{joining}");
        }
        assert!(joining.ends_with("built-in"));
    }

    #[test]
    fn show_text_prints_the_source_with_its_quotes() {
        let policy = shipped_policy("changkong");
        let text = show_text(&policy);
        assert!(text.starts_with("# changkong version 1 (2000-01-01..), from built-in, sha256 "));
        assert!(text.contains(&policy.source));
        assert!(text.contains("\"IV.5\" = \"the product will be repaired within 3 working days"));
        // The printed source compiles to the same policy.
        let reparsed = compile_policy(&policy.source, "shown", "built-in").unwrap();
        assert_eq!(reparsed, policy);
    }
}
