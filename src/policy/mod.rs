//! Policies as data: loading the built-in and on-disk policy files, checking them with every
//! diagnostic, and choosing the version in force for a ticket.
//!
//! A policy file is TOML: identity fields, a `[clauses]` table quoting the text, and one table
//! per rule kind the policy configures (`data/policies/README.md` lists them). A rule kind whose
//! table is absent is out of scope for the policy's tickets. Loading goes `raw` (the TOML,
//! every problem recorded) → `compile` (typed [`Policy`]) → `versions` (checks across files).
//!
//! The five shipped policies are compiled into the binary from `data/policies/`. A directory
//! given with `--policies` adds policies, and **replaces** the built-in ones by id: when a file
//! in the directory has the id `joining`, every built-in version of `joining` is dropped and
//! only the directory's versions of it are used. Other built-in ids stay.

mod compile;
pub mod model;
mod raw;
mod shipped;
mod text;
mod versions;

pub use compile::{compile_policy, sha256_hex};
pub use model::*;
pub use shipped::BUILT_IN;
pub use text::{list_text, show_text};

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// One problem found in a policy file: which file, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in: its path, or the built-in file's name.
    pub file: String,
    /// The key at fault, or `-` for the file as a whole.
    pub field: String,
    /// What is wrong, in words.
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

/// `policies check DIR`: every diagnostic of every policy file in `dir`, and of the files
/// together with the built-in policies they do not replace (duplicate versions, overlapping
/// versions, an alias naming two policies). A missing directory or one without `*.toml`
/// files is itself a diagnostic. Empty = the directory loads.
pub fn check_dir(dir: &Path) -> Vec<Diagnostic> {
    load_versions(Some(dir)).1
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
    diagnostics.extend(versions::check_versions(&refs));
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
            Ok(bytes) => {
                if let Ok(text) = String::from_utf8(bytes) {
                    text
                } else {
                    diagnostics.push(Diagnostic {
                        file: label,
                        field: "-".into(),
                        message: "not UTF-8 text".into(),
                    });
                    continue;
                }
            }
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
    use super::*;
    use crate::testing::date;

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
        let text: Vec<String> = diagnostics
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
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
}
