//! Waivers (`--waivers FILE`): findings that management has reviewed and accepted. A waived
//! finding stays listed, with status `waived` and its reason, and never counts for
//! `--fail-on`. A row waives the finding with its `finding_id`, or, with `finding_id` blank,
//! the finding of its (`ticket_id`, `rule`); `expires` ends the waiver after that day.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::finding::Finding;
use crate::rules::CATALOGUE;

/// The header of a waivers file, exactly (columns may come in any order).
pub const WAIVERS_HEADER: [&str; 6] = [
    "finding_id",
    "ticket_id",
    "rule",
    "reason",
    "approved_by",
    "expires",
];

/// One row of the waivers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The row in the waivers file (the header is row 1).
    pub row: u64,
    /// The waived finding's id (16 hex digits, lower-cased, as in `findings.csv`); blank to
    /// waive by `ticket_id` and `rule` instead.
    pub finding_id: String,
    /// The ticket whose finding is waived; needed when `finding_id` is blank.
    pub ticket_id: String,
    /// The rule id of the waived finding, e.g. `refund-cycle.late`; needed when `finding_id`
    /// is blank.
    pub rule: String,
    /// Why management accepts the finding; never blank, shown beside a waived finding.
    pub reason: String,
    /// Who approved the waiver; never blank.
    pub approved_by: String,
    /// The last day the waiver holds; none = no end.
    pub expires: Option<NaiveDate>,
}

impl Waiver {
    /// What the waiver names, for the Run sheet: `finding 3f2a…` or `RMA-7 / refund-cycle.late`.
    pub fn target(&self) -> String {
        if self.finding_id.is_empty() {
            format!("{} / {}", self.ticket_id, self.rule)
        } else {
            format!("finding {}", self.finding_id)
        }
    }
}

/// The waivers of a run, split by whether they still hold on the as-of date.
#[derive(Debug, Clone, Default)]
pub struct Waivers {
    /// The file as given on the command line.
    pub path: String,
    /// Waivers in force on the as-of date, in file order.
    active: Vec<Waiver>,
    /// Waivers whose `expires` is before the as-of date, in file order.
    pub expired: Vec<Waiver>,
    by_finding_id: HashMap<String, usize>,
    by_ticket_rule: HashMap<(String, String), usize>,
}

/// How the waivers met the findings of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WaiverUse {
    /// Waivers in force that covered at least one finding.
    pub applied: u64,
    /// Findings covered by a waiver.
    pub findings_waived: u64,
    /// Waivers whose `expires` is before the as-of date.
    pub expired: Vec<Waiver>,
    /// Waivers in force that covered no finding of this run.
    pub unmatched: Vec<Waiver>,
}

impl Waivers {
    /// Reads a waivers file (UTF-8, with or without BOM, or GBK/GB18030) and keeps the
    /// waivers in force on `as_of`. Every problem of the file is returned at once, each
    /// naming the file, row and column.
    pub fn load(path: &Path, as_of: NaiveDate) -> Result<Waivers, Vec<String>> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|err| vec![format!("--waivers {shown}: cannot read: {err}")])?;
        let text = decode(&bytes);
        Waivers::parse(&shown, &text, as_of)
    }

    /// Parses the text of a waivers file named `shown`.
    pub fn parse(shown: &str, text: &str, as_of: NaiveDate) -> Result<Waivers, Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let index = header_columns(shown, &mut reader)?;
        let mut waivers = Waivers {
            path: shown.to_owned(),
            ..Waivers::default()
        };
        let mut problems = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        for (n, record) in reader.records().enumerate() {
            let row = n as u64 + 2;
            let record = match record {
                Ok(record) => record,
                Err(err) => {
                    problems.push(format!("--waivers {shown} row {row}: {err}"));
                    continue;
                }
            };
            let Some(waiver) = read_row(shown, row, &record, &index, &mut problems) else {
                continue;
            };
            let key = if waiver.finding_id.is_empty() {
                format!("{}\u{1f}{}", waiver.ticket_id, waiver.rule)
            } else {
                waiver.finding_id.clone()
            };
            if let Some(first) = seen.insert(key, row) {
                problems.push(format!(
                    "--waivers {shown} row {row}: waives the same finding as row {first}"
                ));
                continue;
            }
            waivers.add(waiver, as_of);
        }
        if problems.is_empty() {
            Ok(waivers)
        } else {
            Err(problems)
        }
    }

    /// Keeps a checked waiver: in force on `as_of`, or expired.
    fn add(&mut self, waiver: Waiver, as_of: NaiveDate) {
        if waiver.expires.is_some_and(|last| last < as_of) {
            self.expired.push(waiver);
            return;
        }
        let at = self.active.len();
        if waiver.finding_id.is_empty() {
            self.by_ticket_rule
                .insert((waiver.ticket_id.clone(), waiver.rule.clone()), at);
        } else {
            self.by_finding_id.insert(waiver.finding_id.clone(), at);
        }
        self.active.push(waiver);
    }

    /// The waiver in force that covers `finding`: by its id first, then by (ticket, rule).
    pub fn covering(&self, finding: &Finding, finding_id: &str) -> Option<&Waiver> {
        let at = self.by_finding_id.get(finding_id).or_else(|| {
            self.by_ticket_rule
                .get(&(finding.ticket_id.clone(), finding.rule.to_owned()))
        })?;
        self.active.get(*at)
    }

    /// How these waivers met `findings`.
    pub fn usage<'f>(&self, findings: impl IntoIterator<Item = &'f Finding>) -> WaiverUse {
        let mut tally = self.tally();
        for finding in findings {
            tally.add(finding, &finding.finding_id());
        }
        tally.finish()
    }

    /// Counts, finding by finding, which waivers cover some finding.
    pub fn tally(&self) -> WaiverTally<'_> {
        WaiverTally {
            waivers: self,
            used: vec![false; self.active.len()],
            findings_waived: 0,
        }
    }
}

/// [`Waivers::usage`] a finding at a time, for findings that are read back from disk.
pub struct WaiverTally<'w> {
    waivers: &'w Waivers,
    used: Vec<bool>,
    findings_waived: u64,
}

impl WaiverTally<'_> {
    /// Counts `finding`, whose id is `finding_id`.
    pub fn add(&mut self, finding: &Finding, finding_id: &str) {
        if let Some(waiver) = self.waivers.covering(finding, finding_id) {
            self.findings_waived += 1;
            if let Some(slot) = self.waivers.active.iter().position(|w| w.row == waiver.row) {
                self.used[slot] = true;
            }
        }
    }

    /// The counts and lists once every finding has been added.
    pub fn finish(self) -> WaiverUse {
        let waivers = self.waivers;
        WaiverUse {
            applied: self.used.iter().filter(|u| **u).count() as u64,
            findings_waived: self.findings_waived,
            expired: waivers.expired.clone(),
            unmatched: waivers
                .active
                .iter()
                .zip(&self.used)
                .filter(|(_, used)| !**used)
                .map(|(w, _)| w.clone())
                .collect(),
        }
    }
}

/// The position of each of [`WAIVERS_HEADER`]'s columns, or the one problem of a header
/// that lacks some.
fn header_columns(shown: &str, reader: &mut csv::Reader<&[u8]>) -> Result<[usize; 6], Vec<String>> {
    let header: Vec<String> = reader
        .headers()
        .map_err(|err| vec![format!("--waivers {shown}: {err}")])?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let missing: Vec<&str> = WAIVERS_HEADER
        .iter()
        .filter(|name| !header.iter().any(|h| h == *name))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(vec![format!(
            "--waivers {shown}: the header lacks {}; a waivers file's header is {}",
            missing.join(", "),
            WAIVERS_HEADER.join(",")
        )]);
    }
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    Ok(WAIVERS_HEADER.map(column))
}

/// One row of the file as a waiver; none for a blank row or one with problems, which are
/// added to `problems`, each naming the row and column.
fn read_row(
    shown: &str,
    row: u64,
    record: &csv::StringRecord,
    index: &[usize; 6],
    problems: &mut Vec<String>,
) -> Option<Waiver> {
    let field = |i: usize| record.get(index[i]).unwrap_or("").trim().to_owned();
    if (0..6).all(|i| field(i).is_empty()) {
        return None;
    }
    let before = problems.len();
    let mut problem = |column: &str, text: String| {
        problems.push(format!(
            "--waivers {shown} row {row}, column {column}: {text}"
        ));
    };
    let mut waiver = Waiver {
        row,
        finding_id: field(0).to_ascii_lowercase(),
        ticket_id: field(1),
        rule: field(2),
        reason: field(3),
        approved_by: field(4),
        expires: None,
    };
    if waiver.finding_id.is_empty() {
        if waiver.ticket_id.is_empty() || waiver.rule.is_empty() {
            problem(
                "finding_id",
                "blank, so ticket_id and rule are both needed".into(),
            );
        }
    } else if waiver.finding_id.len() != 16
        || !waiver.finding_id.bytes().all(|b| b.is_ascii_hexdigit())
    {
        problem(
            "finding_id",
            format!(
                "`{}` is not a finding_id (16 hex digits, as in findings.csv)",
                waiver.finding_id
            ),
        );
    }
    if !waiver.rule.is_empty() && !CATALOGUE.iter().any(|(id, _)| *id == waiver.rule) {
        problem(
            "rule",
            format!("`{}` is not a rule id (see docs/RULES.md)", waiver.rule),
        );
    }
    if waiver.reason.is_empty() {
        problem("reason", "blank; say why the finding is accepted".into());
    }
    if waiver.approved_by.is_empty() {
        problem("approved_by", "blank; name who approved it".into());
    }
    let expires = field(5);
    if !expires.is_empty() {
        match NaiveDate::parse_from_str(&expires, "%Y-%m-%d") {
            Ok(date) => waiver.expires = Some(date),
            Err(_) => problem("expires", format!("`{expires}` is not a date (YYYY-MM-DD)")),
        }
    }
    (problems.len() == before).then_some(waiver)
}

/// The text of a waivers file: UTF-8 (a BOM dropped) when it is valid UTF-8, else GB18030.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Severity};
    use crate::testing::date;

    fn finding(ticket: &str, rule: &'static str) -> Finding {
        Finding {
            ticket_id: ticket.into(),
            policy: "joining".into(),
            policy_version: "2024".into(),
            rule,
            category: Category::of_rule(rule).unwrap(),
            severity: Severity::Violation,
            clause: String::new(),
            expected: String::new(),
            actual: String::new(),
            amount: None,
            late_by: None,
            explanation: String::new(),
            source: Default::default(),
        }
    }

    const HEAD: &str = "finding_id,ticket_id,rule,reason,approved_by,expires\n";

    #[test]
    fn a_waiver_names_a_finding_by_id_or_by_ticket_and_rule() {
        let late = finding("RMA-1", "refund-cycle.late");
        let sla = finding("RMA-2", "review-sla.late");
        let other = finding("RMA-3", "review-sla.late");
        let text = format!(
            "{HEAD}{},,,agreed with finance,Li Wei,\n,RMA-2,review-sla.late,system outage,Zhang Min,2026-12-31\n",
            late.finding_id()
        );
        let waivers = Waivers::parse("w.csv", &text, date("2026-11-15")).unwrap();
        assert_eq!(
            waivers.covering(&late, &late.finding_id()).unwrap().reason,
            "agreed with finance"
        );
        assert_eq!(waivers.covering(&sla, &sla.finding_id()).unwrap().row, 3);
        assert!(waivers.covering(&other, &other.finding_id()).is_none());
        let used = waivers.usage([&late, &sla, &other]);
        assert_eq!(used.applied, 2);
        assert_eq!(used.findings_waived, 2);
        assert!(used.unmatched.is_empty() && used.expired.is_empty());
    }

    #[test]
    fn a_waiver_holds_through_its_expiry_date_and_not_a_day_later() {
        let sla = finding("RMA-2", "review-sla.late");
        let text = format!("{HEAD},RMA-2,review-sla.late,outage,Zhang Min,2026-11-15\n");
        let on_the_day = Waivers::parse("w.csv", &text, date("2026-11-15")).unwrap();
        assert!(on_the_day.covering(&sla, &sla.finding_id()).is_some());
        let day_after = Waivers::parse("w.csv", &text, date("2026-11-16")).unwrap();
        assert!(day_after.covering(&sla, &sla.finding_id()).is_none());
        assert_eq!(day_after.expired.len(), 1);
        assert_eq!(day_after.usage([&sla]).expired[0].row, 2);
    }

    #[test]
    fn waivers_that_match_nothing_are_unmatched() {
        let text = format!("{HEAD},RMA-9,review-sla.late,outage,Zhang Min,\n");
        let waivers = Waivers::parse("w.csv", &text, date("2026-11-15")).unwrap();
        let used = waivers.usage([&finding("RMA-2", "review-sla.late")]);
        assert_eq!(used.applied, 0);
        assert_eq!(used.unmatched.len(), 1);
        assert_eq!(used.unmatched[0].target(), "RMA-9 / review-sla.late");
    }

    #[test]
    fn every_problem_of_the_file_is_named_with_its_row_and_column() {
        let text = format!(
            "{HEAD}\
             xyz,,,reason,boss,\n\
             ,RMA-1,,reason,boss,\n\
             ,RMA-1,refund-cycle.slow,,boss,\n\
             ,RMA-2,review-sla.late,reason,,31/12/2026\n\
             ,RMA-3,review-sla.late,reason,boss,\n\
             ,RMA-3,review-sla.late,again,boss,\n"
        );
        let problems = Waivers::parse("w.csv", &text, date("2026-11-15")).unwrap_err();
        assert_eq!(
            problems,
            [
                "--waivers w.csv row 2, column finding_id: `xyz` is not a finding_id (16 hex digits, as in findings.csv)",
                "--waivers w.csv row 3, column finding_id: blank, so ticket_id and rule are both needed",
                "--waivers w.csv row 4, column rule: `refund-cycle.slow` is not a rule id (see docs/RULES.md)",
                "--waivers w.csv row 4, column reason: blank; say why the finding is accepted",
                "--waivers w.csv row 5, column approved_by: blank; name who approved it",
                "--waivers w.csv row 5, column expires: `31/12/2026` is not a date (YYYY-MM-DD)",
                "--waivers w.csv row 7: waives the same finding as row 6",
            ]
        );
    }

    #[test]
    fn a_file_without_the_header_is_refused_whole() {
        let problems =
            Waivers::parse("w.csv", "ticket_id,rule\nRMA-1,x\n", date("2026-11-15")).unwrap_err();
        assert_eq!(
            problems,
            ["--waivers w.csv: the header lacks finding_id, reason, approved_by, expires; a waivers file's header is finding_id,ticket_id,rule,reason,approved_by,expires"]
        );
    }

    #[test]
    fn gbk_files_are_read() {
        let text = format!("{HEAD},RMA-2,review-sla.late,系统故障,张敏,\n");
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        assert_eq!(decode(&bytes), text);
    }
}
