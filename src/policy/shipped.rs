//! The shipped policy files, compiled into the binary. Their values are written only there:
//! the rule unit tests and case tables run on these files, so a test never restates them.

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

#[cfg(test)]
mod tests {
    use super::BUILT_IN;
    use crate::policy::*;
    use crate::testing::date;

    fn shipped() -> PolicySet {
        PolicySet::load(None).unwrap_or_else(|d| panic!("{d:#?}"))
    }

    fn shipped_policy(id: &str) -> Policy {
        let set = shipped();
        let mut versions: Vec<Policy> = set.versions_of(id).cloned().collect();
        assert_eq!(versions.len(), 1, "{id} ships one version");
        versions.remove(0)
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
    fn the_shipped_directory_checks_clean() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/policies");
        assert_eq!(check_dir(&dir), []);
        let from_dir = PolicySet::load(Some(&dir)).unwrap_or_else(|d| panic!("{d:#?}"));
        // Loaded from disk they replace the built-in versions and compile to the same values.
        for policy in from_dir.versions() {
            assert_ne!(policy.origin, "built-in");
            let built_in = shipped_policy(&policy.id);
            assert_eq!(policy.params, built_in.params);
            assert_eq!(policy.sha256, built_in.sha256);
        }
        assert_eq!(from_dir.versions().len(), BUILT_IN.len());
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
}
