//! The [`Book`]: everything the sheet writers read, computed once before any sheet is
//! written — the run, its findings in listing order, the layout, the styles and the policies'
//! timezones.

use crate::l10n::Texts;
use chrono_tz::Tz;
use rayon::prelude::*;

use super::layout::{Layout, Limits};
use super::styles::Styles;
use crate::audit::AuditRun;
use crate::finding::Finding;
use crate::report::{RunMeta, Summary};
use crate::ticket::Ticket;

/// Everything the sheet writers read, computed once.
pub(super) struct Book<'a> {
    pub run: &'a AuditRun,
    pub meta: &'a RunMeta,
    pub summary: &'a Summary,
    pub styles: Styles,
    pub layout: Layout,
    pub limits: Limits,
    /// Every finding, newest first within severity (see [`sort_findings`]).
    pub sorted: Vec<&'a Finding>,
    /// (policy id, version) → the policy's timezone, for showing instants in local time.
    zones: foldhash::HashMap<(&'a str, &'a str), Tz>,
}

impl<'a> Book<'a> {
    pub(super) fn new(
        run: &'a AuditRun,
        meta: &'a RunMeta,
        summary: &'a Summary,
        limits: Limits,
    ) -> Book<'a> {
        let zones: foldhash::HashMap<(&str, &str), Tz> = run
            .policies_used
            .iter()
            .map(|((id, version), policy)| ((id.as_str(), version.as_str()), policy.timezone))
            .collect();
        let sorted = sort_findings(run, &zones);
        let texts = Texts::of(run.lang);
        let layout = Layout::plan(run, &sorted, limits, texts);
        Book {
            run,
            meta,
            summary,
            styles: Styles::new(texts),
            layout,
            limits,
            sorted,
            zones,
        }
    }

    /// The ticket a finding held in memory is about, when the run kept it.
    pub(super) fn ticket(&self, finding: &Finding) -> Option<&'a Ticket> {
        self.run.flagged_tickets.get(&finding.source).map(|t| &**t)
    }

    pub(super) fn zone(&self, finding: &Finding) -> Option<Tz> {
        self.zones
            .get(&(finding.policy.as_str(), finding.policy_version.as_str()))
            .copied()
    }

    /// The input file a finding or rejection came from.
    pub(super) fn input_path(&self, input: usize) -> &'a str {
        self.run.inputs.get(input).map_or("", |i| i.path.as_str())
    }
}

/// The order of every listing of findings: severity (violation, warning, info), then
/// `applied_at` newest first (blank last), then ticket id, rule and source.
fn sort_findings<'a>(
    run: &'a AuditRun,
    zones: &foldhash::HashMap<(&str, &str), Tz>,
) -> Vec<&'a Finding> {
    let applied = |finding: &Finding| {
        let zone = zones
            .get(&(finding.policy.as_str(), finding.policy_version.as_str()))
            .copied()
            .unwrap_or(chrono_tz::UTC);
        let ticket = run.flagged_tickets.get(&finding.source).map(|t| &**t);
        crate::audit::spill::applied_key(ticket, zone)
    };
    let mut keyed: Vec<(Option<i64>, &Finding)> =
        run.findings.par_iter().map(|f| (applied(f), f)).collect();
    // The same order the spill files are merged in (a total order, so the sort's stability
    // does not matter), sorted on every core.
    keyed.par_sort_by(|(a_time, a), (b_time, b)| {
        crate::audit::spill::listing_order(*a_time, a, *b_time, b)
    });
    keyed.into_iter().map(|(_, f)| f).collect()
}
