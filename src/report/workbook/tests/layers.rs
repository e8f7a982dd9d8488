//! The layers of the module's doc, checked: every `super::` path in a module's code (its
//! tests aside) names a module of a lower layer, or of its own layer listed before it.

use std::path::Path;

/// The modules in reading order, with their layer (1 cells, 2 blocks, 3 sheets), as the
/// module's doc lists them.
const LAYERS: [(&str, u8); 19] = [
    ("local_time", 1),
    ("styles", 1),
    ("widths", 1),
    ("cells", 1),
    ("pen", 2),
    ("listing", 2),
    ("ticket_values", 2),
    ("policy_params", 2),
    ("layout", 2),
    ("book", 2),
    ("tally", 2),
    ("summary_trends", 3),
    ("summary_sheet", 3),
    ("findings", 3),
    ("freight", 3),
    ("scorecards", 3),
    ("coverage", 3),
    ("run_sheet", 3),
    ("trends_sheet", 3),
];

/// The names following `super::` in the code of a module, its tests and comments aside.
fn super_paths(source: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut names = Vec::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("super::") {
            let rest = &line[at + "super::".len()..];
            let end = rest
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            names.push(rest[..end].to_owned());
        }
    }
    names
}

#[test]
fn each_module_imports_only_from_below() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/workbook");
    let position = |name: &str| LAYERS.iter().position(|(module, _)| *module == name);
    for (index, (module, layer)) in LAYERS.iter().enumerate() {
        let source = std::fs::read_to_string(dir.join(format!("{module}.rs"))).unwrap();
        for name in super_paths(&source) {
            let Some(imported) = position(&name) else {
                panic!("{module} uses super::{name}, which is not a module of a layer");
            };
            let (_, imported_layer) = LAYERS[imported];
            assert!(
                imported_layer < *layer || (imported_layer == *layer && imported < index),
                "{module} (layer {layer}) imports {name} (layer {imported_layer}), \
                 which is not below it"
            );
        }
    }
}

#[test]
fn every_module_has_a_layer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/workbook");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(module) = name.strip_suffix(".rs") else {
            continue;
        };
        assert!(
            module == "mod" || LAYERS.iter().any(|(m, _)| *m == module),
            "{name} is in no layer: add it to LAYERS and to the module's doc"
        );
    }
}
