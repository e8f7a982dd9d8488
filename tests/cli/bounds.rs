//! Resource bounds: findings past the memory budget are spilled to temporary files and merged
//! back, with outputs byte-identical to an audit held in memory.

use crate::harness::Scratch;
use crate::sample_data::sample_path;

#[test]
fn spilled_and_in_memory_audits_write_the_same_bytes() {
    let scratch = Scratch::new();
    let tmp = scratch.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let inputs = [
        "tickets-en.csv",
        "tickets-zh-gbk.csv",
        "tickets.xlsx",
        "broken.csv",
    ]
    .map(sample_path);
    let audit = |budget: &str| {
        let mut args = vec!["audit"];
        args.extend(inputs.iter().map(String::as_str));
        args.extend([
            "--as-of",
            "2026-11-15",
            "--sample",
            "5",
            "--out",
            "out",
            "--quiet",
        ]);
        let run = scratch.run_with_env(
            &args,
            &[
                ("RMA_AUDIT_SPILL_BYTES", budget),
                ("TMPDIR", tmp.to_str().unwrap()),
            ],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        [
            "findings.csv",
            "rejected.csv",
            "summary.json",
            "report.xlsx",
        ]
        .map(|name| std::fs::read(scratch.path("out").join(name)).unwrap())
    };
    let in_memory = audit("1000000000");
    // One byte: every block of rows is spilled as soon as it is merged.
    let spilled = audit("1");
    for (name, (a, b)) in [
        "findings.csv",
        "rejected.csv",
        "summary.json",
        "report.xlsx",
    ]
    .iter()
    .zip(in_memory.iter().zip(&spilled))
    {
        assert!(
            a == b,
            "{name} differs between the spilled and the in-memory audit"
        );
    }
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "spill files left behind: {left:?}");
}
