//! The nightly job as the README gives it: its cron line run verbatim, through `sh`, in an
//! empty directory, night after night; `mail` is a stand-in that records what it was sent.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::corpus::{csv_of, ticket};
use crate::harness::{read_csv, read_json, Scratch};

/// The cron line of README.md's nightly section: the command after the five time fields.
fn readme_cron_command() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let block = readme
        .split("```cron")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```cron block in README.md");
    let line = block
        .lines()
        .find(|line| !line.trim_start().starts_with('#') && line.contains("rma-audit audit"))
        .expect("a cron line running rma-audit audit");
    let fields: Vec<&str> = line.splitn(6, ' ').collect();
    assert_eq!(
        fields.len(),
        6,
        "five time fields, then the command: {line}"
    );
    fields[5].to_owned()
}

/// A night: the cron command run by `sh` in `dir` (for `/srv/after-sales`), with the built
/// `rma-audit` and a recording `mail` first on the PATH. Returns what `mail` received.
struct Night {
    dir: PathBuf,
    bin: PathBuf,
}

impl Night {
    fn new(scratch: &Scratch) -> Night {
        let bin = scratch.path("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_rma-audit"), bin.join("rma-audit")).unwrap();
        let mail = bin.join("mail");
        std::fs::write(
            &mail,
            "#!/bin/sh\n{ echo \"mail $*\"; cat; } > \"$MAIL_LOG\"\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&mail, std::fs::Permissions::from_mode(0o755)).unwrap();
        let dir = scratch.path("after-sales");
        std::fs::create_dir_all(dir.join("exports")).unwrap();
        Night { dir, bin }
    }

    /// Runs the README's line once on `export`; returns the mail sent, if any.
    fn run(&self, export: &[u8]) -> Option<String> {
        std::fs::write(self.dir.join("exports/tickets.csv"), export).unwrap();
        let log = self.dir.join("mail.log");
        let _ = std::fs::remove_file(&log);
        let command = readme_cron_command().replace("/srv/after-sales", self.dir.to_str().unwrap());
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let status = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .env("PATH", path)
            .env("MAIL_LOG", &log)
            .status()
            .expect("sh runs");
        assert!(status.success(), "the cron line itself failed: {command}");
        std::fs::read_to_string(&log).ok()
    }

    fn summary(&self) -> serde_json::Value {
        read_json(&self.dir.join("reports/nightly/summary.json"))
    }

    fn findings(&self) -> Vec<Vec<String>> {
        read_csv(&self.dir.join("reports/nightly/findings.csv"))
    }
}

/// Closed JOINING tickets (nothing depends on the day the job runs): T1 compliant, T2 reviewed
/// 26 hours after the application, T3 refunded eleven working days late; `extra` more rows.
fn export(extra: &[Vec<String>]) -> Vec<u8> {
    let mut rows = vec![
        ticket("T1", &[]),
        ticket("T2", &[("reviewed_at", "2025-09-04 12:00")]),
        ticket("T3", &[("refunded_at", "2025-09-30 10:00")]),
    ];
    rows.extend_from_slice(extra);
    csv_of(&rows)
}

#[test]
fn the_readme_cron_line_on_three_nights_and_the_night_after() {
    let scratch = Scratch::new();
    let night = Night::new(&scratch);
    assert!(!night.dir.join("reports").exists(), "a fresh machine");

    // Night one: no earlier run. The job runs, every finding is new, and the new violations
    // alert (exit 1).
    let mail = night
        .run(&export(&[]))
        .expect("night one alerts on new violations");
    assert!(
        mail.starts_with("mail -s rma-audit: exit 1 qa@example.com\n"),
        "{mail}"
    );
    let first = night.summary();
    assert_eq!(first["previous"]["found"], false);
    assert_eq!(first["previous"]["new"], 2);
    assert_eq!(first["previous"]["persisting"], 0);
    assert_eq!(first["untrusted"], serde_json::json!([]));
    let findings = night.findings();
    assert_eq!(findings[0].last().unwrap(), "status");
    assert!(
        findings[1..].iter().all(|row| row[16] == "new"),
        "{findings:?}"
    );

    // Night two: the same findings and one more compliant ticket. Nothing new: no alert.
    let second_export = export(&[ticket("T4", &[])]);
    assert_eq!(
        night.run(&second_export),
        None,
        "persisting findings alert once"
    );
    let second = night.summary();
    assert_eq!(second["previous"]["found"], true);
    assert_eq!(second["previous"]["new"], 0);
    assert_eq!(second["previous"]["persisting"], 2);
    assert_eq!(second["previous"]["resolved"], 0);
    let findings = night.findings();
    assert!(findings[1..].iter().all(|row| row[16] == "persisting"));
    let night_two_findings = std::fs::read(night.dir.join("reports/nightly/findings.csv")).unwrap();

    // Night three: the export's `policy` header was renamed. Nothing can be audited; the run
    // says so and exits 4 instead of reporting every finding resolved and going green.
    let broken = String::from_utf8(second_export.clone()).unwrap().replacen(
        "ticket_id,policy,",
        "ticket_id,vendor,",
        1,
    );
    let mail = night.run(broken.as_bytes()).expect("night three alerts");
    assert!(
        mail.starts_with("mail -s rma-audit: exit 4 qa@example.com\n"),
        "{mail}"
    );
    let third = night.summary();
    let untrusted: Vec<&str> = third["untrusted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        untrusted,
        [
            "exports/tickets.csv: 4 rows read but no ticket audited (4 rejected, 0 duplicate)",
            "4 of 4 rows rejected (100.0%), above --max-rejected 0.1",
            "column policy was read by the previous run (reports/nightly) but no input has it now",
        ]
    );
    assert!(
        mail.contains("\"untrusted\": ["),
        "the mail carries summary.json"
    );
    // Nothing earlier is lost: night two's findings stay beside the untrusted result.
    assert_eq!(
        std::fs::read(night.dir.join("reports/nightly/baseline-findings.csv")).unwrap(),
        night_two_findings
    );
    assert_eq!(third["baseline"]["from"], "reports/nightly");

    // The night after, the export is whole again: it is compared with night two, not with the
    // broken night, so nothing is new and nothing alerts.
    assert_eq!(night.run(&second_export), None);
    let fourth = night.summary();
    assert_eq!(fourth["previous"]["new"], 0);
    assert_eq!(fourth["previous"]["persisting"], 2);
    assert_eq!(fourth["previous"]["resolved"], 0);
    assert_eq!(fourth["baseline"], serde_json::Value::Null);
    assert!(
        !night
            .dir
            .join("reports/nightly/baseline-findings.csv")
            .exists(),
        "a trusted run drops the kept baseline"
    );
}

#[test]
fn each_exit_status_from_a_real_input_and_untrusted_wins_over_findings() {
    let scratch = Scratch::new();
    scratch.write("good.csv", export(&[]));
    scratch.write("clean.csv", csv_of(&[ticket("T1", &[])]));
    // Two violations, and two of six rows without a policy: a third rejected.
    let half_broken = export(&[
        ticket("T5", &[("policy", "")]),
        ticket("T6", &[("policy", "")]),
        ticket("T7", &[]),
    ]);
    scratch.write("half-broken.csv", half_broken);
    let audit = |input: &str, out: &str, extra: &[&str]| {
        let mut args = vec!["audit", input, "--as-of", "2025-11-15", "--out", out];
        args.extend_from_slice(extra);
        args.push("--quiet");
        scratch.run(&args)
    };
    let fail_on = ["--fail-on", "violation"];

    let ok = audit("clean.csv", "out0", &fail_on);
    assert_eq!((ok.status, ok.stderr.as_str()), (0, ""));

    let findings = audit("good.csv", "out1", &fail_on);
    assert_eq!((findings.status, findings.stderr.as_str()), (1, ""));

    let unreadable = audit("missing.csv", "out2", &fail_on);
    assert_eq!(unreadable.status, 2, "{}", unreadable.stderr);
    assert!(
        unreadable.stderr.starts_with("rma-audit: missing.csv: "),
        "{}",
        unreadable.stderr
    );
    assert!(!scratch.path("out2").exists(), "nothing written");

    // Under a file-size limit that the workbook passes, the outputs cannot be written.
    let unwritable = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 8; trap '' XFSZ; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_rma-audit"))
        .args([
            "audit",
            "good.csv",
            "--as-of",
            "2025-11-15",
            "--out",
            "out3",
        ])
        .args(fail_on)
        .arg("--quiet")
        .current_dir(scratch.dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&unwritable.stderr);
    assert_eq!(unwritable.status.code(), Some(3), "{stderr}");
    assert!(stderr.starts_with("rma-audit: out3/"), "{stderr}");
    assert!(!scratch.path("out3").exists(), "nothing half-written");

    let untrusted = audit("half-broken.csv", "out4", &fail_on);
    assert_eq!(untrusted.status, 4, "4 wins over 1: {}", untrusted.stderr);
    assert_eq!(
        untrusted.stderr,
        "rma-audit: untrusted: 2 of 6 rows rejected (33.3%), above --max-rejected 0.1\n"
    );
    let summary = read_json(&scratch.path("out4/summary.json"));
    assert_eq!(
        summary["findings_by_severity"]["violation"], 2,
        "the outputs are written"
    );
    // With a higher limit the same input is trusted, and its violations decide.
    let allowed = audit(
        "half-broken.csv",
        "out4",
        &["--fail-on", "violation", "--max-rejected", "0.5"],
    );
    assert_eq!(allowed.status, 1, "{}", allowed.stderr);
}
