//! The calendars of a run: the built-in ones, compiled into the binary, plus every file of a
//! `--calendars` directory, which adds a calendar or replaces a built-in one by id.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::load::compile;
use super::{Calendar, CalendarDiagnostic, CalendarSet};

/// The calendars compiled into the binary: file name and text.
const BUILT_IN: &[(&str, &str)] = &[("cn.toml", include_str!("../../data/calendars/cn.toml"))];

impl CalendarSet {
    /// The built-in calendars, plus every `*.toml` file in `dir`, which adds a calendar or
    /// replaces the built-in one with the same id. Fails with every problem of every file (and
    /// of the files together) when there is any; a missing `dir`, or one without `*.toml`
    /// files, is one too.
    pub fn load(dir: Option<&Path>) -> Result<CalendarSet, Vec<CalendarDiagnostic>> {
        let (calendars, diagnostics) = load_all(dir);
        if diagnostics.is_empty() {
            Ok(CalendarSet::from_calendars(calendars))
        } else {
            Err(diagnostics)
        }
    }
}

/// `calendars check DIR`: every problem of every calendar file in `dir`, and of the files
/// together (two files with one id). Exactly what [`CalendarSet::load`] would reject with
/// `--calendars DIR`. Empty = the directory loads.
pub fn check_dir(dir: &Path) -> Vec<CalendarDiagnostic> {
    load_all(Some(dir)).1
}

/// Compiles the built-in files and those of `dir`, collecting every diagnostic.
fn load_all(dir: Option<&Path>) -> (Vec<Calendar>, Vec<CalendarDiagnostic>) {
    let mut diagnostics = Vec::new();
    let mut calendars = Vec::new();
    for (file, text) in BUILT_IN {
        match compile(text, &format!("built-in {file}")) {
            Ok(calendar) => calendars.push(calendar),
            Err(found) => diagnostics.extend(found),
        }
    }
    if let Some(dir) = dir {
        let (loaded, found) = compile_dir(dir);
        diagnostics.extend(found);
        for calendar in &loaded {
            if let Some(built_in) = calendars.iter().find(|c| c.id == calendar.id) {
                diagnostics.extend(narrower_replacement(built_in, calendar));
            }
        }
        calendars.extend(loaded);
    }
    (calendars, diagnostics)
}

/// A file that replaces a built-in calendar must cover every year the built-in one does: a file
/// holding only the new year would leave the earlier years uncovered.
fn narrower_replacement(built_in: &Calendar, file: &Calendar) -> Option<CalendarDiagnostic> {
    if file.first_year <= built_in.first_year && file.last_year >= built_in.last_year {
        return None;
    }
    Some(CalendarDiagnostic {
        file: file.origin.clone(),
        line: None,
        field: "years".into(),
        message: format!(
            "covers {}–{}, but the built-in calendar {} it replaces covers {}–{}: start from a \
             copy of data/calendars/{}.toml and add the new year to it",
            file.first_year,
            file.last_year,
            built_in.id,
            built_in.first_year,
            built_in.last_year,
            built_in.id
        ),
    })
}

/// Compiles every `*.toml` file of `dir` and checks that no two share an id.
fn compile_dir(dir: &Path) -> (Vec<Calendar>, Vec<CalendarDiagnostic>) {
    let label = dir.display().to_string();
    let whole = |message: String| (Vec::new(), vec![CalendarDiagnostic::whole(&label, message)]);
    if !dir.exists() {
        return whole("directory does not exist".into());
    }
    if !dir.is_dir() {
        return whole("not a directory".into());
    }
    let files = match calendar_files(dir) {
        Ok(files) => files,
        Err(err) => return whole(format!("cannot read directory: {err}")),
    };
    if files.is_empty() {
        return whole("no calendar files (*.toml) in directory".into());
    }
    let mut calendars = Vec::new();
    let mut diagnostics = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for path in files {
        let origin = path.display().to_string();
        match load_file(&path, &origin) {
            Ok(calendar) => {
                if let Some(other) = ids.insert(calendar.id.clone(), origin.clone()) {
                    diagnostics.push(CalendarDiagnostic {
                        file: origin,
                        line: None,
                        field: "id".into(),
                        message: format!("{:?} is also the id of {other}", calendar.id),
                    });
                }
                calendars.push(calendar);
            }
            Err(found) => diagnostics.extend(found),
        }
    }
    (calendars, diagnostics)
}

/// Reads and compiles one calendar file.
fn load_file(path: &Path, origin: &str) -> Result<Calendar, Vec<CalendarDiagnostic>> {
    let problem = |message: String| vec![CalendarDiagnostic::whole(origin, message)];
    let bytes = std::fs::read(path).map_err(|err| problem(format!("cannot read: {err}")))?;
    let text = String::from_utf8(bytes).map_err(|_| problem("is not UTF-8 text".into()))?;
    compile(&text, origin)
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

    /// A valid file with the given id and name, covering 2025.
    fn valid(id: &str, name: &str) -> String {
        format!(
            "id = \"{id}\"\nname = \"{name}\"\nyears = [2025, 2025]\n\
             [[source]]\nyear = 2025\ntitle = \"Shop notice\"\n\
             [[holiday]]\nname = \"Stocktaking\"\ndates = [\"2025-03-03\"]\n"
        )
    }

    fn messages(diagnostics: &[CalendarDiagnostic]) -> Vec<String> {
        diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_directory_adds_and_replaces_calendars_by_id() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("shop.toml"), valid("shop", "Shop")).unwrap();
        let cn = include_str!("../../data/calendars/cn.toml")
            .replace("China (State Council holiday arrangements)", "Replaced");
        std::fs::write(dir.path().join("cn.toml"), cn).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a calendar").unwrap();
        let set = CalendarSet::load(Some(dir.path())).unwrap();
        let ids: Vec<&str> = set.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, vec!["cn", "shop"]);
        let cn = set.get("cn").unwrap();
        assert_eq!(cn.name, "Replaced");
        assert_eq!(cn.origin, dir.path().join("cn.toml").display().to_string());
        assert_eq!(check_dir(dir.path()), []);
    }

    #[test]
    fn the_shipped_directory_passes_the_check() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/calendars");
        assert_eq!(check_dir(&dir), []);
    }

    /// `calendars check`: every problem of every file, the same list loading fails with.
    #[test]
    fn a_directory_reports_every_problem_of_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write(
            "a.toml",
            &valid("a", "").replace("\"2025-03-03\"", "\"2025-03-32\""),
        );
        write("b.toml", &valid("b", "B"));
        write("c.toml", &valid("b", "C"));
        std::fs::write(dir.path().join("d.toml"), [0xff, 0xfe]).unwrap();
        write(
            "e.toml",
            &(valid("e", "E").replace("years = [2025, 2025]", "years = [2025, 2026]")
                + "makeup = [\"2025-03-05\"]\ncolour = \"red\"\n"),
        );
        write("f.toml", "id = \"f\"\nname = \"F\nyears = [2025, 2025]\n");
        let diagnostics = check_dir(dir.path());
        let file = |name: &str| dir.path().join(name).display().to_string();
        assert_eq!(
            messages(&diagnostics),
            vec![
                format!("{}:2: name: is empty", file("a.toml")),
                format!(
                    "{}:9: holiday[0].dates[0]: \"2025-03-32\" is not a date (expected YYYY-MM-DD)",
                    file("a.toml")
                ),
                format!(
                    "{}: id: \"b\" is also the id of {}",
                    file("c.toml"),
                    file("b.toml")
                ),
                format!("{}: -: is not UTF-8 text", file("d.toml")),
                format!(
                    "{}:3: source: 2026 is covered but no [[source]] cites the notice its dates come from",
                    file("e.toml")
                ),
                format!(
                    "{}:3: years: 2026 is covered but declares no holiday: every Monday–Friday of it would count as a working day (add its dates from the notice)",
                    file("e.toml")
                ),
                format!(
                    "{}:10: holiday[0].makeup[0]: 2025-03-05 is a Wednesday; a make-up working day must be a Saturday or Sunday",
                    file("e.toml")
                ),
                format!(
                    "{}:11: holiday[0].colour: unknown key `colour` (known: name, name_zh, note, dates, makeup)",
                    file("e.toml")
                ),
                format!(
                    "{}:2: -: TOML syntax error at column 10: invalid basic string, expected `\"`",
                    file("f.toml")
                ),
            ]
        );
        assert_eq!(
            CalendarSet::load(Some(dir.path())).unwrap_err(),
            diagnostics,
            "loading fails with the same problems"
        );
    }

    #[test]
    fn a_replacement_must_cover_the_years_of_the_built_in_calendar() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cn.toml"), valid("cn", "Only 2025")).unwrap();
        assert_eq!(
            messages(&check_dir(dir.path())),
            vec![format!(
                "{}: years: covers 2025–2025, but the built-in calendar cn it replaces covers \
                 2023–2026: start from a copy of data/calendars/cn.toml and add the new year to it",
                dir.path().join("cn.toml").display()
            )]
        );
    }

    #[test]
    fn a_missing_or_empty_directory_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let label = dir.path().display().to_string();
        assert_eq!(
            messages(&check_dir(dir.path())),
            vec![format!(
                "{label}: -: no calendar files (*.toml) in directory"
            )]
        );
        let missing = dir.path().join("nowhere");
        assert_eq!(
            messages(&CalendarSet::load(Some(&missing)).unwrap_err()),
            vec![format!(
                "{}: -: directory does not exist",
                missing.display()
            )]
        );
        let file = dir.path().join("cn.toml");
        std::fs::write(&file, valid("cn", "CN")).unwrap();
        assert_eq!(
            messages(&check_dir(&file)),
            vec![format!("{}: -: not a directory", file.display())]
        );
    }
}
