//! `--out` is checked and locked before any input is read: an input an output would replace,
//! or a dangling symbolic link, stops the run with exit 2 and changes nothing; runs writing the
//! same `--out` are serialised by an advisory lock beside it (`--wait` to wait, otherwise exit
//! 2 naming the holder); a lock left by a killed run is taken over, and the lock's holder
//! removes the staging directories dead runs left.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::corpus::{csv_of, ticket};
use crate::harness::{read_json, snapshot, Scratch};
use crate::hostile::assert_balanced;

const SET: [&str; 4] = [
    "findings.csv",
    "rejected.csv",
    "report.xlsx",
    "summary.json",
];

/// The lock file of `out/` in the scratch directory.
const LOCK: &str = ".out.rma-audit.lock";

/// An export of `rows` tickets: every 7th reviewed late, every 11th with a bad amount.
fn export(rows: usize) -> Vec<u8> {
    let rows: Vec<Vec<String>> = (0..rows)
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

/// `out/` holds exactly one complete set of outputs.
fn assert_one_complete_set(out: &Path) {
    let found = files(out);
    assert_eq!(
        found.keys().collect::<Vec<_>>(),
        SET.iter().collect::<Vec<_>>()
    );
    assert_balanced(&read_json(&out.join("summary.json")));
    assert!(found["findings.csv"].starts_with(b"finding_id,ticket_id,policy,"));
}

/// The names in the scratch directory that runs leave beside `out/` (staging, lock).
fn beside_out(scratch: &Scratch) -> Vec<String> {
    std::fs::read_dir(scratch.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("rma-audit"))
        .collect()
}

fn spawn(scratch: &Scratch, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rma-audit"))
        .args(args)
        .current_dir(scratch.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: Child) -> (i32, String) {
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Polls `done` every 10 ms for up to 30 s.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(30), "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn an_input_inside_out_that_an_output_would_replace_is_refused() {
    let scratch = Scratch::new();
    // Last night's export was saved into the report directory under an output's name.
    let tickets = csv_of(&[ticket("T1", &[]), ticket("T2", &[])]);
    scratch.write("out/findings.csv", &tickets);
    scratch.write("out/summary.json", "{}");
    let out = scratch.path("out");
    let before = snapshot(&out);
    let run = scratch.run(&[
        "audit",
        "out/findings.csv",
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "rma-audit: out/findings.csv: this input is inside the output directory out, where the \
         run's findings.csv would replace it; move the input or choose another --out\n"
    );
    assert_eq!(snapshot(&out), before, "nothing changed");
    assert_eq!(beside_out(&scratch), Vec::<String>::new());

    // The same file reached by another path, through a symbolic link.
    std::os::unix::fs::symlink("out/findings.csv", scratch.path("tickets.csv")).unwrap();
    let run = scratch.run(&[
        "audit",
        "tickets.csv",
        "--as-of",
        "2026-11-15",
        "--out",
        "./out/",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("tickets.csv: this input is inside the output directory ./out/"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&out), before, "nothing changed");

    // An input under a name no output has is read, and kept beside the new set.
    std::fs::rename(out.join("findings.csv"), out.join("tickets.csv")).unwrap();
    let run = scratch.run(&[
        "audit",
        "out/tickets.csv",
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(out.join("tickets.csv")).unwrap(), tickets);
    assert!(out.join("report.xlsx").is_file());
}

#[test]
fn a_dangling_link_out_is_refused_before_the_audit() {
    let scratch = Scratch::new();
    std::os::unix::fs::symlink("reports/nightly", scratch.path("out")).unwrap();
    // The input does not exist either: the run stops on `--out` before it reads an input.
    let run = scratch.run(&[
        "audit",
        "absent.csv",
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "rma-audit: out: is a symbolic link to reports/nightly, which does not exist; create \
         that directory or choose another --out\n"
    );
    assert_eq!(
        std::fs::read_link(scratch.path("out")).unwrap(),
        Path::new("reports/nightly")
    );
    assert!(!scratch.path("reports").exists());
    assert_eq!(beside_out(&scratch), Vec::<String>::new());
}

#[test]
fn a_second_run_fails_at_once_or_waits_for_the_lock_holder() {
    let scratch = Scratch::new();
    scratch.write("t.csv", export(50));
    // This test process holds the lock, as a run does, and says who it is.
    let holder = format!(
        "pid {}, started 2026-12-02 10:00:00 +08:00",
        std::process::id()
    );
    let mut lock = File::create(scratch.path(LOCK)).unwrap();
    lock.lock().unwrap();
    writeln!(lock, "{holder}").unwrap();

    let args = ["audit", "t.csv", "--as-of", "2026-11-15", "--out", "out"];
    let started = Instant::now();
    let run = scratch.run(&args);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "fails at once, not after the audit"
    );
    assert_eq!(
        run.stderr,
        format!(
            "rma-audit: out: another rma-audit run is writing this directory ({holder}; lock \
             {}); run with --wait to wait for it, or choose another --out\n",
            scratch.path(LOCK).canonicalize().unwrap().display()
        )
    );
    assert!(!scratch.path("out").exists());

    // With --wait the run waits for the lock, then writes its outputs.
    let mut waiting = spawn(&scratch, &[&args[..], &["--wait"]].concat());
    std::thread::sleep(Duration::from_millis(1500));
    assert!(waiting.try_wait().unwrap().is_none(), "still waiting");
    assert!(
        !scratch.path("out").exists(),
        "nothing written while waiting"
    );
    drop(lock);
    let (status, stderr) = finish(waiting);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "rma-audit: out: waiting for the run writing it to finish ({holder})\n"
        )),
        "{stderr}"
    );
    assert_one_complete_set(&scratch.path("out"));
    assert_eq!(beside_out(&scratch), Vec::<String>::new(), "lock removed");
}

#[test]
fn concurrent_runs_on_one_out_take_turns_and_lose_nothing() {
    // Each run's set, written alone in a twin directory (same command line, same bytes).
    let as_of = ["2026-11-15", "2026-11-16"];
    let args = |as_of: &'static str| -> [&'static str; 8] {
        [
            "audit", "t.csv", "--as-of", as_of, "--out", "out", "--quiet", "--wait",
        ]
    };
    let sets: Vec<BTreeMap<String, Vec<u8>>> = as_of
        .iter()
        .map(|day| {
            let twin = Scratch::new();
            twin.write("t.csv", export(1500));
            let run = twin.run(&args(day));
            assert_eq!(run.status, 0, "{}", run.stderr);
            files(&twin.path("out"))
        })
        .collect();
    assert_ne!(sets[0], sets[1]);

    let scratch = Scratch::new();
    scratch.write("t.csv", export(1500));
    for round in 0..3 {
        let children: Vec<Child> = as_of
            .iter()
            .map(|day| spawn(&scratch, &args(day)))
            .collect();
        for child in children {
            let (status, stderr) = finish(child);
            assert_eq!(status, 0, "round {round}: {stderr}");
        }
        assert_one_complete_set(&scratch.path("out"));
        let found = files(&scratch.path("out"));
        assert!(
            found == sets[0] || found == sets[1],
            "round {round}: out/ holds one run's complete set"
        );
        assert_eq!(beside_out(&scratch), Vec::<String>::new());
    }
}

#[test]
fn a_lock_left_by_a_killed_run_is_taken_over() {
    let scratch = Scratch::new();
    scratch.write("big.csv", export(4000));
    let args = [
        "audit",
        "big.csv",
        "--as-of",
        "2026-11-15",
        "--out",
        "out",
        "--quiet",
    ];
    let mut killed = spawn(&scratch, &args);
    let pid = killed.id();
    let lock_path = scratch.path(LOCK);
    let staging = scratch.path(&format!(".out.rma-audit-{pid}"));
    wait_until("the run takes the lock", || {
        std::fs::read_to_string(&lock_path)
            .is_ok_and(|text| text.starts_with(&format!("pid {pid}, started ")))
            && staging.is_dir()
    });
    // It holds the lock: the kernel's, not a file's mere presence.
    let probe = File::open(&lock_path).unwrap();
    assert!(matches!(
        probe.try_lock(),
        Err(std::fs::TryLockError::WouldBlock)
    ));
    drop(probe);
    killed.kill().unwrap(); // SIGKILL
    killed.wait().unwrap();
    assert!(lock_path.exists(), "a killed run leaves its lock file");
    assert!(staging.exists(), "and its staging directory");

    let run = scratch.run(&args[..6]);
    assert_eq!(run.status, 0, "the lock is taken over: {}", run.stderr);
    assert_one_complete_set(&scratch.path("out"));
    assert_eq!(beside_out(&scratch), Vec::<String>::new());
}

#[test]
fn leftover_staging_is_removed_by_the_next_run() {
    let scratch = Scratch::new();
    scratch.write("t.csv", export(20));
    // Staging directories of `out`: named with a process id that never runs, and with this
    // test's own, which runs. Holding the lock, the next run knows both are dead runs'.
    let leftovers = [
        ".out.rma-audit-4999999".to_owned(),
        format!(".out.rma-audit-{}", std::process::id()),
    ];
    for name in &leftovers {
        scratch.write(&format!("{name}/findings.csv"), "half");
    }
    // Another output directory's staging is not this run's to judge.
    scratch.write(".other.rma-audit-4999999/findings.csv", "half");
    let run = scratch.run(&["audit", "t.csv", "--as-of", "2026-11-15", "--out", "out"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_one_complete_set(&scratch.path("out"));
    for name in &leftovers {
        assert!(!scratch.path(name).exists(), "{name} removed");
    }
    assert_eq!(beside_out(&scratch), [".other.rma-audit-4999999"]);
}
