//! What the Trends sheet shows (with `--history`): the earlier runs of the history beside
//! this one, and how long this run's open findings have been open. Plain data, read from the
//! history before the workbook is written.

use chrono::NaiveDate;

use crate::finding::Category;

/// The earlier runs and the ages of the open findings, for the Trends sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trends {
    /// The history file, as given to `--history`.
    pub history: String,
    /// Up to [`Trends::RUNS`]` - 1` runs recorded before this one, oldest first. This run's own
    /// column comes from its summary.
    pub earlier: Vec<TrendRun>,
    /// This run's open findings (every finding not waived, counted once by `finding_id`) by
    /// how long they have been open, from the first of the consecutive recorded runs that had
    /// them: [`AGE_BANDS`].
    pub ages: [u64; 4],
    /// Whether this run is recorded in the history: false when its result cannot be trusted.
    pub recorded: bool,
}

impl Trends {
    /// How many runs the sheet shows side by side, this one included.
    pub const RUNS: usize = 12;
}

/// The age bands of open findings, in whole months since first seen: under 1, 1 to under 3, 3
/// to under 6, 6 and more.
pub const AGE_BANDS: [(u32, Option<u32>); 4] =
    [(0, Some(1)), (1, Some(3)), (3, Some(6)), (6, None)];

/// The band of a finding first seen on `first_seen` and still open on `as_of`: a finding first
/// seen on 31 October is a month old on 30 November (the month's last day).
pub fn age_band(first_seen: NaiveDate, as_of: NaiveDate) -> usize {
    let months_after = |months: u32| {
        first_seen
            .checked_add_months(chrono::Months::new(months))
            .unwrap_or(NaiveDate::MAX)
    };
    AGE_BANDS
        .iter()
        .rposition(|(lower, _)| months_after(*lower) <= as_of)
        .unwrap_or(0)
}

/// One recorded run, as the Trends sheet shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrendRun {
    /// The run's as-of date.
    pub as_of: NaiveDate,
    /// Tickets audited.
    pub tickets: u64,
    /// Findings per category, in [`Category::ALL`] order.
    pub by_category: [u64; 6],
    /// Findings of severity violation.
    pub violations: u64,
    /// Findings the run before it did not have.
    pub new: u64,
    /// Findings of the run before it that it no longer had.
    pub resolved: u64,
}

impl TrendRun {
    /// Every finding of the run.
    pub fn findings(&self) -> u64 {
        self.by_category.iter().sum()
    }

    /// Violations per 100 tickets audited; none without tickets.
    pub fn violations_per_100(&self) -> Option<f64> {
        (self.tickets > 0).then(|| self.violations as f64 * 100.0 / self.tickets as f64)
    }

    /// Adds `count` findings of `category`.
    pub fn add(&mut self, category: Category, count: u64) {
        if let Some(index) = Category::ALL.iter().position(|c| *c == category) {
            self.by_category[index] += count;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ages_are_whole_months_since_first_recorded() {
        let as_of = date("2026-11-30");
        assert_eq!(age_band(date("2026-11-30"), as_of), 0);
        assert_eq!(age_band(date("2026-11-01"), as_of), 0);
        // Seen a month ago and still open: one month old.
        assert_eq!(age_band(date("2026-10-30"), as_of), 1);
        // Monthly runs on the last day of the month: seen in two runs is a month old.
        assert_eq!(age_band(date("2026-10-31"), as_of), 1);
        assert_eq!(age_band(date("2026-09-01"), as_of), 1);
        assert_eq!(age_band(date("2026-08-30"), as_of), 2);
        assert_eq!(age_band(date("2026-06-01"), as_of), 2);
        assert_eq!(age_band(date("2026-05-30"), as_of), 3);
        assert_eq!(age_band(date("2024-01-01"), as_of), 3);
    }

    #[test]
    fn violations_per_100_tickets() {
        let run = TrendRun {
            tickets: 400,
            violations: 6,
            ..TrendRun::default()
        };
        assert_eq!(run.violations_per_100(), Some(1.5));
        assert_eq!(TrendRun::default().violations_per_100(), None);
    }
}
