//! Coverage questions the eligibility and freight rules share: is a ticket within the
//! warranty (or its extension after a repair), within a return or exchange window, and does
//! an exclusion apply. All judged on date(`applied_at`), with the unknowns of RULES.md.

use std::fmt;

use chrono::NaiveDate;

use crate::l10n::{Lang, Texts};
use crate::policy::{Period, Warranty, WarrantyTerm, Window};
use crate::ticket::Column;
use crate::tr;

use super::periods::{last_covered, period_adjective, window_end};
use super::reading::{all, note, Eval, Known, Trace, Unknown};

/// What the warranty says about one application date. Displayed, it is the coverage in
/// words, e.g. `the 12-month warranty from delivered_at 2024-05-01 ends 2025-04-30`, written
/// only when a trace or a finding needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Coverage {
    pub covered: bool,
    /// The last covered date: the later of the warranty's and the extension's, of those known.
    pub last_covered: Option<NaiveDate>,
    base: Option<Term>,
    extension: Option<Extension>,
}

impl Coverage {
    /// The coverage in the words of `texts`.
    pub(crate) fn text(&self, texts: &Texts) -> String {
        let mut out = String::new();
        if let Some(term) = &self.base {
            let period = period_adjective(texts, term.period);
            let column = texts.field(term.start_column);
            out = match term.at_the_latest {
                Some(unknown) => tr!(
                    texts,
                    "warranty-term-at-latest",
                    period = period,
                    column = column,
                    start = term.start,
                    unknown = unknown.text(texts),
                    last = term.last
                ),
                None => tr!(
                    texts,
                    "warranty-term",
                    period = period,
                    column = column,
                    start = term.start,
                    last = term.last
                ),
            };
        }
        if let Some(extension) = &self.extension {
            if self.base.is_some() {
                texts.render_into(&mut out, "warranty-and", &[]);
            }
            out.push_str(&tr!(
                texts,
                "warranty-extension",
                period = period_adjective(texts, extension.period),
                returned = extension.returned,
                last = extension.last
            ));
        }
        out
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Texts::of(Lang::En)))
    }
}

/// The extension after a repair: when the repaired product came back, for how long, and the
/// last date it covers.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Extension {
    returned: NaiveDate,
    period: Period,
    last: NaiveDate,
}

/// The warranty term that applies (with or without proof), its start and last covered date.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Term {
    start_column: Column,
    start: NaiveDate,
    period: Period,
    last: NaiveDate,
    /// Why the real start is unknown, when this term only bounds it: the warranty started
    /// on `start` at the latest and ends on `last` at the latest.
    at_the_latest: Option<Unknown>,
}

/// Why the term is unknown, and the latest it can end when a known date bounds its start.
struct UnknownTerm {
    unknown: Unknown,
    latest: Option<Term>,
}

fn chosen_term<'w>(e: &Eval<'_>, warranty: &'w Warranty) -> Known<&'w WarrantyTerm> {
    match &warranty.without_proof {
        None => Ok(&warranty.with_proof),
        Some(without) => match e.flag(Column::ProofOfPurchase) {
            Some(true) => Ok(&warranty.with_proof),
            Some(false) => Ok(without),
            None => Err(Unknown::Blank(Column::ProofOfPurchase.name())),
        },
    }
}

/// The term from the earliest present start column, or from an earlier date of
/// `earlier_if_known`. With every start column blank the term is unknown; a known
/// `earlier_if_known` date then bounds it (the start could only be earlier).
fn base_term(e: &Eval<'_>, warranty: &Warranty) -> Result<Term, UnknownTerm> {
    let term = chosen_term(e, warranty).map_err(|unknown| UnknownTerm {
        unknown,
        latest: None,
    })?;
    let earliest = |columns: &[Column]| {
        columns
            .iter()
            .filter_map(|column| e.date(*column).ok().map(|date| (*column, date)))
            .min_by_key(|(_, date)| *date)
    };
    let earlier = earliest(&term.earlier_if_known);
    let period = e
        .ticket
        .product_category
        .as_deref()
        .filter(|_| !term.by_category.is_empty())
        .and_then(|category| term.by_category.get(&category.trim().to_lowercase()))
        .copied()
        .unwrap_or(term.period);
    let term_from = |(start_column, start): (Column, NaiveDate), at_the_latest| Term {
        start_column,
        start,
        period,
        last: last_covered(start, period),
        at_the_latest,
    };
    if let Some(start) = earliest(&term.starts) {
        Ok(term_from(
            earlier.filter(|(_, date)| *date < start.1).unwrap_or(start),
            None,
        ))
    } else {
        let unknown = match term.starts.as_slice() {
            [only] => Unknown::Blank(only.name()),
            _ => Unknown::NoWarrantyStart,
        };
        Err(UnknownTerm {
            unknown,
            latest: earlier.map(|start| term_from(start, Some(unknown))),
        })
    }
}

/// Is date(`applied`) within the warranty or its extension? Covered by either decides even
/// when the other is unknown; out of warranty needs both known, or an application after the
/// latest the warranty can end.
pub(crate) fn coverage(e: &Eval<'_>, warranty: &Warranty, applied: NaiveDate) -> Known<Coverage> {
    let extension = warranty
        .extension_after_repair
        .zip(e.ticket.last_repair_returned_at)
        .map(|(period, returned)| Extension {
            returned,
            period,
            last: last_covered(returned, period),
        });
    let extension_covers = extension.is_some_and(|extension| applied <= extension.last);
    let base = match base_term(e, warranty) {
        Ok(term) => Some(term),
        Err(_) if extension_covers => None,
        Err(UnknownTerm {
            latest: Some(term), ..
        }) if applied > term.last => Some(term),
        Err(UnknownTerm { unknown, .. }) => return Err(unknown),
    };
    let base_covers = base.is_some_and(|term| applied <= term.last);
    let last = base
        .map(|term| term.last)
        .into_iter()
        .chain(extension.map(|extension| extension.last))
        .max();
    Ok(Coverage {
        covered: base_covers || extension_covers,
        last_covered: last,
        base,
        extension,
    })
}

/// A window's start and last allowed date for this ticket.
pub(crate) fn window_dates(e: &Eval<'_>, window: &Window) -> Known<(NaiveDate, NaiveDate)> {
    let start = e.date(window.from)?;
    Ok((start, window_end(start, window)))
}

/// Is date(`applied`) on or before the window's last allowed date?
pub(crate) fn within_window(e: &Eval<'_>, window: &Window, applied: NaiveDate) -> Known<bool> {
    Ok(applied <= window_dates(e, window)?.1)
}

/// Outside every return and exchange window of the policy, whatever the cause. A policy
/// without windows is outside.
pub(crate) fn outside_every_window(e: &Eval<'_>, applied: NaiveDate) -> Known<bool> {
    let params = &e.policy.params;
    let outside: Vec<Known<bool>> = [&params.return_window, &params.exchange_window]
        .into_iter()
        .flatten()
        .map(|window| within_window(e, window, applied).map(|within| !within))
        .collect();
    all(&outside)
}

/// The exclusion that applies, in words (`cause man_made, label_tampered`), or `None` when
/// none does. One known-true member decides; "no exclusion" needs every member known.
pub(crate) fn exclusion(e: &Eval<'_>) -> Known<Option<String>> {
    let exclusions = &e.policy.params.exclusions;
    let mut hits: Vec<String> = Vec::new();
    let mut unknown: Option<Unknown> = None;
    if !exclusions.causes.is_empty() {
        match e.ticket.cause {
            Some(cause) if exclusions.causes.contains(&cause) => {
                hits.push(tr!(
                    e.texts(),
                    "exclusion-cause",
                    cause = e.value(cause.as_str())
                ));
            }
            Some(_) => {}
            None => unknown = unknown.or(Some(Unknown::Exclusion(Column::Cause.name()))),
        }
    }
    let flags = exclusions
        .when_true
        .iter()
        .map(|column| (column, true))
        .chain(exclusions.when_false.iter().map(|column| (column, false)));
    for (column, excluding) in flags {
        match e.flag(*column) {
            Some(value) if value == excluding => hits.push(tr!(
                e.texts(),
                "exclusion-flag",
                column = e.field(*column),
                value = e.value(if value { "true" } else { "false" })
            )),
            Some(_) => {}
            None => unknown = unknown.or(Some(Unknown::Exclusion(column.name()))),
        }
    }
    match (hits.is_empty(), unknown) {
        (false, _) => Ok(Some(hits.join(&tr!(e.texts(), "list-comma")))),
        (true, Some(unknown)) => Err(unknown),
        (true, None) => Ok(None),
    }
}

/// Within the warranty and no exclusion, for the charged / rejected rules: the coverage
/// (displayed, in words) when both hold, `None` when either is known not to (or there is no
/// warranty).
pub(crate) fn in_warranty_not_excluded(
    e: &Eval<'_>,
    applied: NaiveDate,
    trace: &mut Trace,
) -> Known<Option<Coverage>> {
    let Some(warranty) = &e.policy.params.warranty else {
        return Ok(None);
    };
    let cover = coverage(e, warranty, applied);
    if let Ok(cover) = &cover {
        note(trace, "warranty", cover);
    }
    let excluded = exclusion(e);
    let holds = all(&[
        cover.as_ref().map(|c| c.covered).map_err(|u| *u),
        excluded.as_ref().map(Option::is_none).map_err(|u| *u),
    ])?;
    Ok(cover.ok().filter(|_| holds))
}

/// The clause granting free service in warranty (defaults to the warranty clause).
pub(crate) fn free_service_clause(e: &Eval<'_>) -> String {
    let params = &e.policy.params;
    params
        .free_service_clause
        .clone()
        .or_else(|| params.warranty.as_ref().map(|w| w.clause.clone()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use crate::rules::fixtures::{calendars, changkong, date, end_of, repair_service, xinji};
    use crate::rules::Context;
    use crate::ticket::Ticket;

    fn cover(ticket: &Ticket, policy: &Policy, applied: &str) -> Known<Coverage> {
        let calendars = calendars();
        let ctx = Context {
            as_of: end_of("2030-01-01"),
            calendars: &calendars,
            texts: crate::l10n::Texts::of(crate::l10n::Lang::En),
        };
        let e = Eval::new(ticket, policy, &ctx);
        let warranty = policy.params.warranty.as_ref().expect("a warranty");
        coverage(&e, warranty, date(applied))
    }

    #[test]
    fn warranty_length_can_vary_by_product_category() {
        let mut policy = repair_service();
        if let Some(warranty) = policy.params.warranty.as_mut() {
            let periods = &mut warranty.with_proof.by_category;
            periods.insert("watch".into(), Period::Months(6));
        }
        let mut ticket = Ticket {
            proof_of_purchase: Some(true),
            purchased_at: Some(date("2025-01-15")),
            product_category: Some(" Watch ".into()),
            ..Ticket::default()
        };
        let watch = cover(&ticket, &policy, "2025-07-15").unwrap();
        assert_eq!(
            (watch.covered, watch.last_covered),
            (false, Some(date("2025-07-14")))
        );
        ticket.product_category = Some("phone".into());
        assert!(cover(&ticket, &policy, "2025-07-15").unwrap().covered);
    }

    #[test]
    fn the_earliest_present_start_counts() {
        let mut ticket = Ticket {
            activated_at: Some(date("2024-03-10")),
            purchased_at: Some(date("2024-03-01")),
            ..Ticket::default()
        };
        let both = cover(&ticket, &xinji(), "2025-03-01").unwrap();
        assert_eq!(both.last_covered, Some(date("2025-02-28")));
        ticket.purchased_at = None;
        let activation = cover(&ticket, &xinji(), "2025-03-01").unwrap();
        assert_eq!(activation.last_covered, Some(date("2025-03-09")));
        ticket.activated_at = None;
        assert_eq!(
            cover(&ticket, &xinji(), "2025-03-01"),
            Err(Unknown::NoWarrantyStart)
        );
    }

    #[test]
    fn coverage_reads_as_the_warranty_and_the_extension_in_words() {
        let mut ticket = Ticket {
            proof_of_purchase: Some(true),
            purchased_at: Some(date("2024-10-01")),
            last_repair_returned_at: Some(date("2025-02-01")),
            ..Ticket::default()
        };
        let both = cover(&ticket, &changkong(), "2025-04-02").unwrap();
        assert_eq!(
            both.to_string(),
            "the 180-day warranty from purchased_at 2024-10-01 ends 2025-03-30 and the 60-day \
             extension after the repair returned 2025-02-01 ends 2025-04-02"
        );
        ticket.last_repair_returned_at = None;
        let base = cover(&ticket, &changkong(), "2025-03-30").unwrap();
        assert_eq!(
            base.to_string(),
            "the 180-day warranty from purchased_at 2024-10-01 ends 2025-03-30"
        );
        ticket.proof_of_purchase = None;
        ticket.last_repair_returned_at = Some(date("2025-02-01"));
        let extension = cover(&ticket, &changkong(), "2025-04-02").unwrap();
        assert_eq!(
            extension.to_string(),
            "the 60-day extension after the repair returned 2025-02-01 ends 2025-04-02"
        );
    }

    #[test]
    fn an_earlier_date_starts_the_term_but_never_stands_in_for_a_blank_start() {
        let mut ticket = Ticket {
            proof_of_purchase: Some(true),
            purchased_at: Some(date("2024-06-10")),
            delivered_at: Some(date("2024-06-05")),
            ..Ticket::default()
        };
        let earlier = cover(&ticket, &repair_service(), "2025-06-05").unwrap();
        assert_eq!(
            (earlier.covered, earlier.last_covered),
            (false, Some(date("2025-06-04")))
        );
        ticket.purchased_at = None;
        assert_eq!(
            cover(&ticket, &repair_service(), "2025-06-04"),
            Err(Unknown::Blank("purchased_at"))
        );
        let after_the_latest_end = cover(&ticket, &repair_service(), "2025-06-05").unwrap();
        assert!(!after_the_latest_end.covered);
        assert_eq!(
            after_the_latest_end.to_string(),
            "the 12-month warranty from delivered_at 2024-06-05 (no purchased_at) ends \
             2025-06-04 at the latest"
        );
    }

    #[test]
    fn the_extension_covers_even_when_the_warranty_is_unknown() {
        let ticket = Ticket {
            last_repair_returned_at: Some(date("2025-02-01")),
            ..Ticket::default()
        };
        let covered = cover(&ticket, &changkong(), "2025-04-02").unwrap();
        assert!(covered.covered);
        assert_eq!(covered.last_covered, Some(date("2025-04-02")));
        assert_eq!(
            cover(&ticket, &changkong(), "2025-04-03"),
            Err(Unknown::Blank("proof_of_purchase"))
        );
    }
}
