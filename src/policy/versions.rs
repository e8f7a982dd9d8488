//! Checks across policy files: two files with the same (id, version), versions of one id whose
//! effective ranges overlap, and a name (id or alias) that names two different policies.

use std::collections::{BTreeMap, BTreeSet};

use super::model::Policy;
use super::Diagnostic;

/// Checks across compiled files: two files with the same (id, version), two versions of one id
/// whose effective ranges overlap, and an alias (or id) that names two different policies.
/// `versions` pairs each policy with the file name diagnostics use for it.
pub(crate) fn check_versions(versions: &[(String, &Policy)]) -> Vec<Diagnostic> {
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
