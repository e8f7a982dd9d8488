//! The catalogues against each other and against the code that uses them: every message in
//! both languages, every variable filled, every id and variable the code passes known, and
//! the compiled templates writing what Fluent writes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

use super::{Arg, Lang, Texts};
use crate::ticket::Column;

/// The variables a pattern refers to, selectors included, in order of first use.
pub(super) fn collect_variables(pattern: &ast::Pattern<&str>, found: &mut Vec<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, found);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, found: &mut Vec<String>) {
    match expression {
        ast::Expression::Inline(inline) => inline_variables(inline, found),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, found);
            for variant in variants {
                collect_variables(&variant.value, found);
            }
        }
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, found: &mut Vec<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id }
            if !found.iter().any(|name| name == id.name) =>
        {
            found.push(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, found);
            }
        }
        ast::InlineExpression::Placeable { expression } => {
            expression_variables(expression, found);
        }
        _ => {}
    }
}

/// The keys each variable is selected on in a pattern: words (`refund`) or numbers / plural
/// categories (`[1]`, `[one]`), which make the variable a number.
fn selector_keys(pattern: &ast::Pattern<&str>, keys: &mut BTreeMap<String, BTreeSet<String>>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable {
            expression: ast::Expression::Select { selector, variants },
        } = element
        {
            let mut names = Vec::new();
            inline_variables(selector, &mut names);
            for name in names {
                let entry = keys.entry(name).or_default();
                for variant in variants {
                    entry.insert(match &variant.key {
                        ast::VariantKey::Identifier { name } => (*name).to_string(),
                        ast::VariantKey::NumberLiteral { value } => format!("#{value}"),
                    });
                }
            }
            for variant in variants {
                selector_keys(&variant.value, keys);
            }
        }
    }
}

const PLURAL_WORDS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The argument sets a message is rendered with: one base set, then each selector variable
/// through each of its keys (numbers: 0 to 31, 101, 111, 122).
fn sample_sets(texts: &[&Texts], id: &str) -> Vec<Vec<(String, SampleValue)>> {
    let mut variables = Vec::new();
    let mut keys = BTreeMap::new();
    for catalogue in texts {
        for name in catalogue.variables(id) {
            if !variables.contains(&name) {
                variables.push(name);
            }
        }
        if let Some(pattern) = catalogue.bundle.get_message(id).and_then(|m| m.value()) {
            selector_keys(pattern, &mut keys);
        }
    }
    let numeric = |name: &str| {
        keys.get(name).is_some_and(|keys| {
            keys.iter()
                .any(|key| key.starts_with('#') || PLURAL_WORDS.contains(&key.as_str()))
        })
    };
    let base: Vec<(String, SampleValue)> = variables
        .iter()
        .map(|name| {
            let value = if numeric(name) {
                SampleValue::Num(5)
            } else {
                SampleValue::Text(format!("<{name}>"))
            };
            (name.clone(), value)
        })
        .collect();
    let mut sets = vec![base.clone()];
    for (index, name) in variables.iter().enumerate() {
        let Some(words) = keys.get(name) else {
            continue;
        };
        let values: Vec<SampleValue> = if numeric(name) {
            (0..=31)
                .chain([101, 111, 122])
                .map(SampleValue::Num)
                .collect()
        } else {
            words
                .iter()
                .map(|word| SampleValue::Text(word.clone()))
                .chain([SampleValue::Text("none-of-these".into())])
                .collect()
        };
        for value in values {
            let mut set = base.clone();
            set[index].1 = value;
            sets.push(set);
        }
    }
    sets
}

#[derive(Debug, Clone)]
enum SampleValue {
    Text(String),
    Num(i64),
}

fn args(set: &[(String, SampleValue)]) -> Vec<(&str, Arg<'_>)> {
    set.iter()
        .map(|(name, value)| {
            let arg = match value {
                SampleValue::Text(text) => Arg::Str(text),
                SampleValue::Num(n) => Arg::Num(*n),
            };
            (name.as_str(), arg)
        })
        .collect()
}

fn both() -> [&'static Texts; 2] {
    [Texts::of(Lang::En), Texts::of(Lang::ZhCn)]
}

#[test]
fn every_message_is_in_both_catalogues() {
    let [en, zh] = both();
    let en_ids: BTreeSet<&str> = en.ids().collect();
    let zh_ids: BTreeSet<&str> = zh.ids().collect();
    let only_en: Vec<_> = en_ids.difference(&zh_ids).collect();
    let only_zh: Vec<_> = zh_ids.difference(&en_ids).collect();
    assert!(only_en.is_empty(), "only in en: {only_en:?}");
    assert!(only_zh.is_empty(), "only in zh-CN: {only_zh:?}");
    assert!(en_ids.len() > 100, "{} messages", en_ids.len());
}

#[test]
fn every_message_renders_every_variant_without_errors() {
    let catalogues = both();
    for texts in catalogues {
        for id in texts.ids() {
            for set in sample_sets(&catalogues, id) {
                let (text, errors) = texts.render_with_fluent(id, &args(&set));
                assert!(
                    errors.is_empty(),
                    "{} {id} with {set:?}: {errors:?}",
                    texts.lang()
                );
                assert!(!text.contains("{$"), "{} {id}: {text}", texts.lang());
            }
        }
    }
}

#[test]
fn compiled_templates_write_what_fluent_writes() {
    let catalogues = both();
    for texts in catalogues {
        for id in texts.ids() {
            for set in sample_sets(&catalogues, id) {
                let args = args(&set);
                assert_eq!(
                    texts.render(id, &args),
                    texts.render_with_fluent(id, &args).0,
                    "{} {id} with {set:?}",
                    texts.lang()
                );
            }
        }
    }
}

#[test]
fn the_messages_findings_use_are_compiled() {
    // The texts written once per finding must not fall back to the bundle (slower, and its
    // plural rules sit behind a lock shared by the rayon workers).
    for texts in both() {
        let slow: Vec<&str> = texts.ids().filter(|id| !texts.is_fast(id)).collect();
        assert!(slow.is_empty(), "{}: {slow:?}", texts.lang());
    }
}

/// Every `tr!(texts, "id", name = …)` call in the crate's sources: (file, id, names).
fn calls_in_sources() -> Vec<(String, String, Vec<String>)> {
    let mut calls = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs")
                && !path.ends_with("l10n/tests.rs")
            {
                let source = std::fs::read_to_string(&path).expect("a source file");
                let code: String = source
                    .lines()
                    .filter(|line| !line.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                for (id, names) in tr_calls(&code) {
                    calls.push((path.display().to_string(), id, names));
                }
            }
        }
    }
    calls
}

/// The calls of `tr!` in `code`: the id literal and the argument names of each.
fn tr_calls(code: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("tr!(") {
        rest = &rest[at + 4..];
        let parts = top_level_arguments(rest);
        let Some(id) = parts.get(1).and_then(|id| id.trim().strip_prefix('"')) else {
            continue;
        };
        let Some(id) = id.strip_suffix('"') else {
            continue;
        };
        let names = parts[2..]
            .iter()
            .filter_map(|part| {
                part.split_once('=')
                    .map(|(name, _)| name.trim().to_string())
            })
            .filter(|name| !name.is_empty())
            .collect();
        found.push((id.to_string(), names));
    }
    found
}

/// The comma-separated arguments of a call whose `(` was just passed, up to its `)`.
fn top_level_arguments(after_paren: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in after_paren.chars() {
        if in_string {
            parts.last_mut().expect("a part").push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut().expect("a part").push(c);
    }
    parts
}

#[test]
fn the_ids_and_variables_the_code_uses_are_in_both_catalogues() {
    let calls = calls_in_sources();
    assert!(calls.len() > 80, "{} calls found", calls.len());
    let catalogues = both();
    for (file, id, names) in &calls {
        let mut used_somewhere = BTreeSet::new();
        for texts in catalogues {
            assert!(
                texts.ids().any(|known| known == id),
                "{file}: `{id}` is not in the {} catalogue",
                texts.lang()
            );
            for variable in texts.variables(id) {
                assert!(
                    names.contains(&variable),
                    "{file}: `{id}` in {} uses ${variable}, which the code does not pass ({names:?})",
                    texts.lang()
                );
                used_somewhere.insert(variable);
            }
        }
        for name in names {
            assert!(
                used_somewhere.contains(name),
                "{file}: `{id}` is passed ${name}, which no catalogue uses"
            );
        }
    }
}

#[test]
fn the_source_scan_reads_calls_as_written() {
    let code = r#"let a = tr!(texts, "deadline-expected", action = e.field(x), nth = tr!(t, "nth-working-day", n = 5), start = s);"#;
    assert_eq!(
        tr_calls(code),
        [
            (
                "deadline-expected".to_string(),
                vec!["action".to_string(), "nth".to_string(), "start".to_string()]
            ),
            ("nth-working-day".to_string(), vec!["n".to_string()]),
        ]
    );
}

#[test]
fn every_column_has_a_label_in_both_languages() {
    for texts in both() {
        for column in Column::ALL {
            let id = format!("field-{}", column.name());
            assert!(
                texts.ids().any(|known| known == id),
                "{} {id}",
                texts.lang()
            );
        }
    }
    assert_eq!(Texts::of(Lang::En).field(Column::ReceivedAt), "received_at");
    assert_eq!(Texts::of(Lang::ZhCn).field(Column::ReceivedAt), "入库时间");
}

#[test]
fn dates_and_counts_read_the_languages_way() {
    let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 13).expect("a date");
    let at = date.and_hms_opt(14, 5, 0).expect("a time");
    let [en, zh] = both();
    assert_eq!(
        crate::tr!(zh, "refund-early-actual", refunded = at),
        "退款时间为2025年10月13日 14:05"
    );
    assert_eq!(
        crate::tr!(en, "refund-early-actual", refunded = date),
        "refunded_at 2025-10-13"
    );
    assert_eq!(crate::tr!(zh, "nth-working-day", n = 5), "第5个工作日");
    let ordinals: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
        .iter()
        .map(|n| crate::tr!(en, "nth-working-day", n = *n))
        .collect();
    assert_eq!(
        ordinals,
        [
            "1st working day",
            "2nd working day",
            "3rd working day",
            "4th working day",
            "11th working day",
            "12th working day",
            "13th working day",
            "21st working day",
            "22nd working day",
            "23rd working day",
            "101st working day",
            "111th working day"
        ]
    );
    assert_eq!(crate::tr!(en, "working-days", n = 1), "1 working day");
    assert_eq!(crate::tr!(en, "working-days", n = 3), "3 working days");
    assert_eq!(crate::tr!(zh, "working-days", n = 3), "3个工作日");
}

#[test]
fn languages_parse_as_the_flag_takes_them() {
    assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::ZhCn));
    assert_eq!("zh_cn".parse::<Lang>(), Ok(Lang::ZhCn));
    assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
    assert_eq!(
        "fr".parse::<Lang>().unwrap_err().to_string(),
        "unknown language `fr`: expected `en` or `zh-CN`"
    );
}

/// Literals of the workbook's code that are not labels: formats, colours, the marker of a cut
/// cell, the parts a rejection reason is matched by, and the name of a hash.
const NOT_LABELS: [&str; 7] = [
    "… [cut]",
    "unknown ",
    " value",
    "unknown policy `",
    "SHA-256",
    "yyyy-mm-dd hh:mm",
    "yyyy-mm-dd",
];

/// The string literals of a source file's code (comments and tests left out), with `\`
/// line continuations joined as Rust joins them.
fn literals(source: &str) -> Vec<String> {
    // The inline tests end a file; a `mod tests;` declaration does not.
    let code = source
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or_default();
    let code: String = code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(start) = rest.find('"') {
        let body = &rest[start + 1..];
        let mut text = String::new();
        let mut chars = body.char_indices();
        let mut end = body.len();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    end = at;
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, '\n')) => {
                        while chars.clone().next().is_some_and(|(_, c)| c.is_whitespace()) {
                            chars.next();
                        }
                    }
                    Some((_, escaped)) => text.push(escaped),
                    None => {}
                },
                c => text.push(c),
            }
        }
        found.push(text);
        rest = body.get(end + 1..).unwrap_or_default();
    }
    found
}

#[test]
fn every_label_the_workbook_code_writes_has_a_chinese_text() {
    let chinese = Texts::of(Lang::ZhCn);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/workbook");
    let mut missing = Vec::new();
    let mut labels = 0;
    for entry in std::fs::read_dir(&dir).expect("the workbook's sources") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("a source file");
        let ids: BTreeSet<String> = tr_calls(&source).into_iter().map(|(id, _)| id).collect();
        for text in literals(&source) {
            let english_words = text.chars().filter(char::is_ascii_alphabetic).count() >= 2;
            let code_like = text.starts_with('#')
                || text.contains(['%', '&'])
                || text.contains('{')
                || ids.contains(&text)
                || text
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || "_-.".contains(c))
                    && text.contains(['.', '-']);
            if !english_words || code_like || NOT_LABELS.contains(&text.as_str()) {
                continue;
            }
            labels += 1;
            if !chinese.labels.contains_key(&text) {
                missing.push(format!("{}: {text:?}", path.display()));
            }
        }
    }
    assert!(labels > 150, "{labels} labels found");
    assert!(
        missing.is_empty(),
        "labels with no Chinese text:\n{}",
        missing.join("\n")
    );
}
