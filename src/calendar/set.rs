//! The calendars of a run: the built-in ones, compiled into the binary, plus every file of a
//! `--calendars` directory, which adds a calendar or replaces a built-in one by id.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Calendar, CalendarDiagnostic, CalendarSet};

/// The calendars compiled into the binary: file name and text.
const BUILT_IN: &[(&str, &str)] = &[("cn.toml", include_str!("../../data/calendars/cn.toml"))];

impl CalendarSet {
    /// The built-in calendars, plus every `*.toml` file in `dir`, which adds a calendar or
    /// replaces the built-in one with the same id. Every problem in every file is reported.
    pub fn load(dir: Option<&Path>) -> Result<CalendarSet, Vec<CalendarDiagnostic>> {
        let mut diagnostics = Vec::new();
        let mut calendars = Vec::new();
        for (file, text) in BUILT_IN {
            match Calendar::from_toml(text, &format!("built-in {file}")) {
                Ok(calendar) => calendars.push(calendar),
                Err(found) => diagnostics.extend(found),
            }
        }
        if let Some(dir) = dir {
            let files = match calendar_files(dir) {
                Ok(files) => files,
                Err(err) => {
                    diagnostics.push(CalendarDiagnostic {
                        file: dir.display().to_string(),
                        field: "-".into(),
                        message: format!("cannot read the calendar directory: {err}"),
                    });
                    Vec::new()
                }
            };
            let mut ids: BTreeMap<String, String> = BTreeMap::new();
            for path in files {
                let origin = path.display().to_string();
                match load_file(&path, &origin) {
                    Ok(calendar) => {
                        if let Some(other) = ids.insert(calendar.id.clone(), origin.clone()) {
                            diagnostics.push(CalendarDiagnostic {
                                file: origin,
                                field: "id".into(),
                                message: format!("{:?} is also the id of {other}", calendar.id),
                            });
                        }
                        calendars.push(calendar);
                    }
                    Err(found) => diagnostics.extend(found),
                }
            }
        }
        if diagnostics.is_empty() {
            Ok(CalendarSet::from_calendars(calendars))
        } else {
            Err(diagnostics)
        }
    }
}

/// Reads and checks one calendar file.
fn load_file(path: &Path, origin: &str) -> Result<Calendar, Vec<CalendarDiagnostic>> {
    let problem = |message: String| {
        vec![CalendarDiagnostic {
            file: origin.to_string(),
            field: "-".into(),
            message,
        }]
    };
    let bytes = std::fs::read(path).map_err(|err| problem(err.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| problem("is not UTF-8 text".into()))?;
    Calendar::from_toml(&text, origin)
}

/// The `*.toml` files directly in `dir`, sorted by name.
fn calendar_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == "toml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOP: &str = "id = \"shop\"\nname = \"Shop\"\nyears = [2025, 2025]\n\
                        [[holiday]]\nname = \"Stocktaking\"\ndates = [\"2025-03-03\"]\n";

    fn messages(diagnostics: &[CalendarDiagnostic]) -> Vec<String> {
        diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_directory_adds_and_replaces_calendars_by_id() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("shop.toml"), SHOP).unwrap();
        std::fs::write(
            dir.path().join("cn.toml"),
            "id = \"cn\"\nname = \"Replaced\"\nyears = [2030, 2030]\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a calendar").unwrap();
        let set = CalendarSet::load(Some(dir.path())).unwrap();
        let ids: Vec<&str> = set.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, vec!["cn", "shop"]);
        let cn = set.get("cn").unwrap();
        assert_eq!(cn.name, "Replaced");
        assert_eq!(cn.origin, dir.path().join("cn.toml").display().to_string());
    }

    #[test]
    fn a_directory_reports_every_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        let years = "years = [2025, 2025]\n";
        std::fs::write(
            dir.path().join("a.toml"),
            format!("id = \"a\"\nname = \"\"\n{years}"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.toml"),
            format!("id = \"b\"\nname = \"B\"\n{years}"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("c.toml"),
            format!("id = \"b\"\nname = \"C\"\n{years}"),
        )
        .unwrap();
        std::fs::write(dir.path().join("d.toml"), [0xff, 0xfe]).unwrap();
        let diagnostics = CalendarSet::load(Some(dir.path())).unwrap_err();
        let file = |name: &str| dir.path().join(name).display().to_string();
        assert_eq!(
            messages(&diagnostics),
            vec![
                format!("{}: name: is empty", file("a.toml")),
                format!(
                    "{}: id: \"b\" is also the id of {}",
                    file("c.toml"),
                    file("b.toml")
                ),
                format!("{}: -: is not UTF-8 text", file("d.toml")),
            ]
        );
    }

    #[test]
    fn a_missing_directory_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nowhere");
        let diagnostics = CalendarSet::load(Some(&missing)).unwrap_err();
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].file, missing.display().to_string());
        assert!(diagnostics[0]
            .message
            .starts_with("cannot read the calendar directory"));
    }
}
