//! `--lang`: the same audit in English and in Chinese. Numbers, ids and CSV headers are the
//! same; the texts people read are in the chosen language, with no English left in Chinese
//! but the ids, codes and names that are data.

use std::collections::BTreeSet;

use crate::harness::{read_csv, Scratch};
use crate::sample_data::sample_path;

/// The columns of findings.csv written in the readers' language.
const TEXT_COLUMNS: [&str; 3] = ["expected", "actual", "explanation"];

/// Latin words a Chinese text may hold besides what the run's data supplies: courier and
/// currency codes, the calendar id, a command-line flag and its values.
const ALLOWED_LATIN: [&str; 13] = [
    "SF",
    "EMS",
    "ZTO",
    "YTO",
    "STO",
    "Yunda",
    "JD",
    "CNY",
    "cn",
    "SKU",
    "date-order",
    "dmy",
    "mdy",
];

/// Audits the bundled sample set as the README's first command does (every export, the broken
/// one too), with a review sample as CI's render check has it, in `lang` into `out`.
pub(crate) fn audit_samples(scratch: &Scratch, lang: &str, out: &str) {
    let inputs = [
        "tickets-en.csv",
        "tickets-zh-gbk.csv",
        "tickets.xlsx",
        "broken.csv",
    ]
    .map(sample_path);
    let mut args = vec!["audit"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["--as-of", "2026-11-15", "--sample", "5"]);
    args.extend(["--lang", lang, "--out", out]);
    let run = scratch.run(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

/// The Latin words of `text` (runs of ASCII letters, digits and `_.-/`, starting with a
/// letter).
pub(crate) fn latin_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars().chain([' ']) {
        let part_of_word = c.is_ascii_alphanumeric() || "_.-/".contains(c);
        if part_of_word && (!current.is_empty() || c.is_ascii_alphabetic()) {
            current.push(c);
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    words
}

/// Whether a Latin word in a Chinese text is data rather than English: it names a policy
/// (id or alias), is one of `data_words` (ticket ids, rule ids, clause ids, file names from
/// the run), holds a digit (SKUs, dates, clause numbers), or is an allowed code.
pub(crate) fn is_data(word: &str, data_words: &BTreeSet<String>) -> bool {
    let word = word.trim_end_matches(['.', '-', '/']);
    word.chars().any(|c| c.is_ascii_digit() || c == '/')
        || ALLOWED_LATIN.contains(&word)
        || data_words.contains(word)
        || data_words
            .iter()
            .any(|data| data.split_whitespace().any(|part| part == word))
}

/// The ids and names that are data: the policies' ids and aliases and the non-text columns
/// of the English findings.
pub(crate) fn data_words(english_findings: &[Vec<String>]) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for policy in std::fs::read_dir(format!("{}/data/policies", env!("CARGO_MANIFEST_DIR")))
        .expect("the bundled policies")
    {
        let path = policy.expect("a policy file").path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            let text = std::fs::read_to_string(&path).expect("a policy file");
            let value: toml::Value = toml::from_str(&text).expect("a policy file parses");
            for key in ["id", "name"] {
                if let Some(text) = value.get(key).and_then(toml::Value::as_str) {
                    words.insert(text.to_string());
                }
            }
            for alias in value
                .get("aliases")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(alias) = alias.as_str() {
                    words.insert(alias.to_string());
                }
            }
        }
    }
    let header = &english_findings[0];
    for row in &english_findings[1..] {
        for (name, value) in header.iter().zip(row) {
            if !TEXT_COLUMNS.contains(&name.as_str()) {
                words.insert(value.clone());
            }
        }
    }
    words
}

#[test]
fn findings_csv_in_chinese_has_the_same_rows_and_only_its_texts_translated() {
    let scratch = Scratch::new();
    audit_samples(&scratch, "en", "en");
    audit_samples(&scratch, "zh-CN", "zh");
    let en = read_csv(&scratch.path("en/findings.csv"));
    let zh = read_csv(&scratch.path("zh/findings.csv"));
    assert_eq!(
        en[0], zh[0],
        "the CSV header never changes with the language"
    );
    assert_eq!(en.len(), zh.len());
    assert!(en.len() > 60, "{} rows", en.len());
    let header = &en[0];
    let data = data_words(&en);
    for (en_row, zh_row) in en[1..].iter().zip(&zh[1..]) {
        for ((name, en_value), zh_value) in header.iter().zip(en_row).zip(zh_row) {
            if TEXT_COLUMNS.contains(&name.as_str()) {
                assert_ne!(en_value, zh_value, "{name} of {}", en_row[0]);
                assert!(
                    zh_value
                        .chars()
                        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{name} of {} is not Chinese: {zh_value}",
                    en_row[0]
                );
                let english: Vec<String> = latin_words(zh_value)
                    .into_iter()
                    .filter(|word| !is_data(word, &data))
                    .collect();
                assert!(
                    english.is_empty(),
                    "{name} of {}: {english:?} in {zh_value}",
                    en_row[0]
                );
            } else {
                assert_eq!(en_value, zh_value, "{name} of {}", en_row[0]);
            }
        }
    }
}

#[test]
fn chinese_texts_write_dates_the_chinese_way() {
    let scratch = Scratch::new();
    audit_samples(&scratch, "zh-CN", "zh");
    let zh = read_csv(&scratch.path("zh/findings.csv"));
    let explanation = zh[0]
        .iter()
        .position(|h| h == "explanation")
        .expect("explanation");
    let texts: Vec<&str> = zh[1..]
        .iter()
        .map(|row| row[explanation].as_str())
        .collect();
    assert!(texts
        .iter()
        .any(|text| text.contains("年") && text.contains("月")));
    for text in texts {
        // No ISO date (2025-10-13) is left in a Chinese sentence.
        let iso = text.as_bytes().windows(10).any(|w| {
            w[4] == b'-'
                && w[7] == b'-'
                && w.iter()
                    .enumerate()
                    .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
        });
        assert!(!iso, "{text}");
    }
}

#[test]
fn an_unknown_language_is_a_usage_error() {
    let scratch = Scratch::new();
    let input = sample_path("tickets-en.csv");
    let run = scratch.run(&["audit", &input, "--lang", "fr", "--out", "out"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("unknown language `fr`: expected `en` or `zh-CN`"),
        "{}",
        run.stderr
    );
}

/// A sheet's cells: (row, column, value).
type Cells = Vec<(u32, u32, calamine::Data)>;

/// Every sheet of a workbook: its name and its cells.
fn read_workbook(path: &std::path::Path) -> Vec<(String, Cells)> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut workbook: Xlsx<_> = open_workbook(path).expect("the workbook opens");
    let names = workbook.sheet_names().clone();
    names
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).expect("a sheet");
            let cells = range
                .cells()
                .map(|(row, col, value)| (row as u32, col as u32, value.clone()))
                .collect();
            (name, cells)
        })
        .collect()
}

/// Headers over columns of data (names, ids, paths, quotes of the policies), in English.
const DATA_HEADERS: [&str; 19] = [
    "Store",
    "Agent",
    "Courier",
    "Name",
    "SKU",
    "Exchange SKU",
    "Ticket",
    "Policy",
    "Source file",
    "Path",
    "Input",
    "Clause text",
    "Calendar",
    "Order ID",
    "Product category",
    "Sheet",
    "Value",
    "Header in the export",
    "Letter",
];

/// Labels on the Run sheet whose value beside them is data: the policy's own words.
const DATA_ROW_LABELS: [&str; 7] = [
    "Name",
    "Aliases",
    "Source",
    "Timezone",
    "Tool",
    "Command",
    "Assumption (not in the text)",
];

/// The cells of the English workbook that may hold data: below a data header, or beside a
/// data row label.
fn data_cells(cells: &[(u32, u32, calamine::Data)]) -> BTreeSet<(u32, u32)> {
    let at: std::collections::BTreeMap<(u32, u32), &calamine::Data> =
        cells.iter().map(|(r, c, v)| ((*r, *c), v)).collect();
    let text = |r: u32, c: u32| match at.get(&(r, c)) {
        Some(calamine::Data::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let mut data = BTreeSet::new();
    for (row, col, value) in cells {
        let calamine::Data::String(label) = value else {
            continue;
        };
        if DATA_HEADERS.contains(&label.as_str()) {
            data.extend(at.keys().filter(|(r, c)| c == col && r > row).copied());
        }
        if DATA_ROW_LABELS.contains(&label.as_str()) && text(*row, col + 1).is_some() {
            data.insert((*row, col + 1));
        }
    }
    data
}

#[test]
fn the_chinese_workbook_has_the_english_ones_numbers_and_no_english_label() {
    let scratch = Scratch::new();
    audit_samples(&scratch, "en", "en");
    audit_samples(&scratch, "zh-CN", "zh");
    let en = read_workbook(&scratch.path("en/report.xlsx"));
    let zh = read_workbook(&scratch.path("zh/report.xlsx"));
    assert_eq!(en.len(), zh.len(), "the same sheets");
    let mut words = data_words(&read_csv(&scratch.path("en/findings.csv")));
    // The values of rejected rows are the export's own (an unknown policy's name).
    let rejected = read_csv(&scratch.path("en/rejected.csv"));
    let value = rejected[0]
        .iter()
        .position(|h| h == "value")
        .expect("a value column");
    words.extend(rejected[1..].iter().map(|row| row[value].clone()));
    let mut leftovers = BTreeSet::new();
    let mut strings = 0;
    for ((en_name, en_cells), (zh_name, zh_cells)) in en.iter().zip(&zh) {
        assert_ne!(en_name, zh_name, "sheet names are translated");
        assert_eq!(
            en_cells.len(),
            zh_cells.len(),
            "{en_name} / {zh_name}: cells"
        );
        let data = data_cells(en_cells);
        for ((row, col, en_value), (zh_row, zh_col, zh_value)) in en_cells.iter().zip(zh_cells) {
            assert_eq!((row, col), (zh_row, zh_col), "{zh_name}");
            let place = format!("{zh_name}!R{}C{}", row + 1, col + 1);
            match (en_value, zh_value) {
                (calamine::Data::String(en_text), calamine::Data::String(text)) => {
                    strings += 1;
                    // Data is written as it is (the command line names the run's own flags);
                    // a label below a table (a total) is not data, nor is the placeholder
                    // for a blank name.
                    let command = en_text.starts_with("rma-audit audit ");
                    let placeholder = text.starts_with('(') && text.ends_with(')');
                    if data.contains(&(*row, *col)) && (en_text == text || command) && !placeholder
                    {
                        continue;
                    }
                    for word in latin_words(text) {
                        if !is_data(&word, &words) {
                            leftovers.insert(format!("{place}: {word} in {text}"));
                        }
                    }
                }
                (en_value, zh_value) => assert_eq!(en_value, zh_value, "{place}"),
            }
        }
    }
    assert!(strings > 1000, "{strings} text cells read");
    assert!(
        leftovers.is_empty(),
        "{} English words left:\n{}",
        leftovers.len(),
        leftovers.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn a_chinese_run_on_one_thread_writes_the_same_bytes() {
    let outputs = |threads: Option<&str>| {
        let scratch = Scratch::new();
        let inputs = ["tickets-en.csv", "tickets-zh-gbk.csv", "tickets.xlsx"].map(sample_path);
        let mut args = vec!["audit"];
        args.extend(inputs.iter().map(String::as_str));
        args.extend(["--as-of", "2026-11-15", "--lang", "zh-CN", "--out", "out"]);
        let env: Vec<(&str, &str)> = threads
            .map(|n| ("RAYON_NUM_THREADS", n))
            .into_iter()
            .collect();
        let run = scratch.run_with_env(&args, &env);
        assert_eq!(run.status, 0, "{}", run.stderr);
        ["findings.csv", "summary.json", "report.xlsx"]
            .map(|f| std::fs::read(scratch.path("out").join(f)).expect("an output"))
    };
    assert_eq!(outputs(None), outputs(Some("1")), "one thread, same bytes");
}
