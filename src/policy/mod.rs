//! Policies as data: loading the built-in and on-disk policy files, checking them with every
//! diagnostic, and choosing the version in force for a ticket.

pub mod model;

pub use model::*;

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

    /// The built-in policies, plus those in `dir` (which add or replace by id).
    pub fn load(_dir: Option<&Path>) -> Result<PolicySet, Vec<Diagnostic>> {
        Err(vec![Diagnostic {
            file: "built-in".into(),
            field: "-".into(),
            message: "policy loading is not yet available".into(),
        }])
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

/// Where a policy directory's files are, for messages.
pub fn policy_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    Ok(files)
}
