//! The text the `policies list` and `policies show` commands print.

use std::fmt::Write as _;

use super::model::Policy;
use super::versions::range_text;
use super::PolicySet;

/// `policies list`: one line per version — id, version, effective dates, origin, name,
/// aliases — under a header line, columns separated by two spaces. Aliases come last because
/// Chinese brand names are double width in a terminal.
pub fn list_text(set: &PolicySet) -> String {
    let header = ["ID", "VERSION", "EFFECTIVE", "ORIGIN", "NAME", "ALIASES"];
    let rows: Vec<[String; 6]> = set
        .versions()
        .iter()
        .map(|policy| {
            [
                policy.id.clone(),
                policy.version.clone(),
                range_text(policy),
                policy.origin.clone(),
                policy.name.clone(),
                policy.aliases.join(", "),
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
        range_text(policy),
        policy.origin,
        policy.sha256
    );
    out.push_str(&policy.source);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::compile_policy;

    fn shipped_policy(id: &str) -> Policy {
        let set = PolicySet::load(None).unwrap_or_else(|d| panic!("{d:#?}"));
        let policy = set.versions_of(id).next().cloned();
        policy.unwrap()
    }

    #[test]
    fn list_text_has_a_line_per_version() {
        let text = list_text(&PolicySet::load(None).unwrap());
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
        assert!(joining.ends_with("乔宁"), "{joining}");
        assert!(
            lines[0].find("ORIGIN").unwrap() == joining.find("built-in").unwrap(),
            "{text}"
        );
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
