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
    use super::*;

    #[test]
    fn built_in_policies_load_without_diagnostics() {
        let set = PolicySet::load(None).unwrap_or_else(|d| panic!("{d:#?}"));
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
    }
}
