//! No half-written output: a run killed at any moment leaves `out/` holding either the
//! previous complete set or the new complete set; an output directory that cannot be written
//! stops the run and leaves it as it was: read-only, with exit 2 before the audit; a full disk,
//! with exit 3.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::corpus::{csv_of, ticket};
use crate::harness::{read_json, snapshot, Scratch};
use crate::hostile::assert_balanced;

const SET: [&str; 4] = [
    "findings.csv",
    "rejected.csv",
    "report.xlsx",
    "summary.json",
];

/// Rows in the large export: enough for a debug-build run of a second or two.
const ROWS: usize = 4_000;

/// A large export: compliant tickets, every 7th reviewed late, every 11th with a bad amount.
fn large_export() -> Vec<u8> {
    let rows: Vec<Vec<String>> = (0..ROWS)
        .map(|n| {
            let id = format!("K{n:06}");
            match (n % 7, n % 11) {
                (_, 0) => ticket(&id, &[("refund_amount", "n/a")]),
                (0, _) => ticket(&id, &[("reviewed_at", "2025-09-04 11:00")]),
                _ => ticket(&id, &[]),
            }
        })
        .collect();
    csv_of(&rows)
}

/// The files of `dir` by name, with their bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap_or_default())
        })
        .collect()
}

fn audit_args<'a>(as_of: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "audit", "big.csv", "--as-of", as_of, "--out", out, "--quiet",
    ]
}

#[test]
fn a_killed_run_leaves_the_previous_set_or_the_new_one() {
    let scratch = Scratch::new();
    scratch.write("big.csv", large_export());

    // The previous set: an audit as of the 15th.
    let run = scratch.run(&audit_args("2026-11-15", "out"));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_balanced(&read_json(&scratch.path("out/summary.json")));
    let previous = files(&scratch.path("out"));
    // The new set, as of the 16th, written once in a twin directory (same command line, so
    // the same bytes) to know its bytes and how long a run takes.
    let twin = Scratch::new();
    std::fs::copy(scratch.path("big.csv"), twin.path("big.csv")).unwrap();
    let started = Instant::now();
    let run = twin.run(&audit_args("2026-11-16", "out"));
    let duration = started.elapsed();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let new = files(&twin.path("out"));
    assert_ne!(previous, new, "the two sets differ");
    assert_eq!(
        previous.keys().collect::<Vec<_>>(),
        SET.iter().collect::<Vec<_>>()
    );

    let mut rng = ChaCha8Rng::seed_from_u64(20261116);
    let kills = 8;
    let mut outcomes = Vec::new();
    for kill in 0..kills {
        // One kill in each eighth of a span a little longer than a run (so that the last
        // kills can fall on the commit), at a seeded point within it.
        let span = duration.mul_f64(1.15);
        let at = span.mul_f64((kill as f64 + rng.random::<f64>()) / kills as f64);
        let mut child = Command::new(env!("CARGO_BIN_EXE_rma-audit"))
            .args(audit_args("2026-11-16", "out"))
            .current_dir(scratch.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let found = files(&scratch.path("out"));
        assert_eq!(
            found.keys().collect::<Vec<_>>(),
            SET.iter().collect::<Vec<_>>(),
            "kill {kill} at {at:?}: exactly the four files"
        );
        let summary: serde_json::Value =
            serde_json::from_slice(&found["summary.json"]).expect("summary.json parses");
        assert_balanced(&summary);
        assert!(found["findings.csv"].starts_with(b"finding_id,ticket_id,policy,"));
        if found == previous {
            outcomes.push("previous");
        } else if found == new {
            outcomes.push("new");
        } else {
            panic!("kill {kill} at {at:?}: out/ holds a mix of two runs");
        }
    }
    eprintln!("run of {duration:?}, kills left: {outcomes:?}");

    // A run that completes removes what killed runs left beside out/.
    let run = scratch.run(&audit_args("2026-11-15", "out"));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(files(&scratch.path("out")), previous);
    let leftovers: Vec<String> = std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("rma-audit"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn a_read_only_output_directory_stops_the_run() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new();
    scratch.write("t.csv", csv_of(&[ticket("T1", &[])]));
    scratch.write("out/findings.csv", "earlier run\n");
    let out = scratch.path("out");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = snapshot(&out);
    let run = scratch.run(&["audit", "t.csv", "--as-of", "2026-11-15", "--out", "out"]);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.status, 2, "checked before the audit: {}", run.stderr);
    assert_eq!(run.stderr, "rma-audit: out: cannot write: is read-only\n");
    assert_eq!(snapshot(&out), before);
}

/// A tmpfs of one page mounted on a directory, unmounted when dropped.
struct TinyDisk {
    mount_point: std::path::PathBuf,
}

impl TinyDisk {
    fn mount(mount_point: &Path) -> Result<TinyDisk, String> {
        std::fs::create_dir_all(mount_point).map_err(|e| e.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=4k", "tmpfs"])
            .arg(mount_point)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        Ok(TinyDisk {
            mount_point: mount_point.to_owned(),
        })
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.mount_point).status();
    }
}

#[test]
fn a_full_disk_stops_the_run_and_keeps_the_previous_set() {
    let scratch = Scratch::new();
    let disk = match TinyDisk::mount(&scratch.path("disk")) {
        Ok(disk) => disk,
        Err(reason) => {
            eprintln!("skipped: cannot mount a tmpfs to fill ({reason})");
            return;
        }
    };
    scratch.write("t.csv", csv_of(&[ticket("T1", &[])]));
    scratch.write("disk/out/findings.csv", "earlier run\n");
    let before = snapshot(&scratch.path("disk/out"));
    let run = scratch.run(&[
        "audit",
        "t.csv",
        "--as-of",
        "2026-11-15",
        "--out",
        "disk/out",
    ]);
    assert_eq!(
        run.status, 3,
        "outputs that cannot be written: {}",
        run.stderr
    );
    let line = run.stderr.trim_end();
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(line.starts_with("rma-audit: disk/out/"), "{line}");
    assert!(line.contains("No space left on device"), "{line}");
    assert_eq!(snapshot(&scratch.path("disk/out")), before);
    let entries: Vec<String> = std::fs::read_dir(scratch.path("disk"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["out"], "no staging left on the full disk");
    drop(disk);
}
