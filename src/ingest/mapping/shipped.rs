//! The mappings shipped in `data/mappings/`, compiled in and named without a path
//! (`--mapping servicenow`).

/// The mappings shipped in `data/mappings/`, by the name `--mapping` takes.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "servicenow",
        include_str!("../../../data/mappings/servicenow.toml"),
    ),
    (
        "zendesk",
        include_str!("../../../data/mappings/zendesk.toml"),
    ),
    (
        "freshdesk",
        include_str!("../../../data/mappings/freshdesk.toml"),
    ),
    ("jira", include_str!("../../../data/mappings/jira.toml")),
    ("taobao", include_str!("../../../data/mappings/taobao.toml")),
];

/// The text of a shipped mapping named exactly `name`.
pub(super) fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(builtin, _)| *builtin == name)
        .map(|(_, text)| *text)
}
