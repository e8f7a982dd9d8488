//! `review-sla.*`: applications reviewed later than the policy's hour SLA, or still waiting
//! for review at the as-of instant. Hour SLAs need datetimes on both ends.

use chrono::{DateTime, Utc};

use crate::finding::LateBy;
use crate::policy::HourSla;
use crate::ticket::Column;
use crate::tr;

use super::reading::{elapsed, hours_late, note, Eval, Flag, Known, Trace, Unknown, Verdict};

fn late_flag(
    e: &Eval<'_>,
    sla: &HourSla,
    applied: DateTime<Utc>,
    until: DateTime<Utc>,
    overdue: bool,
) -> Verdict {
    let seconds = (until - applied).num_seconds();
    let limit = i64::from(sla.hours) * 3600;
    if seconds <= limit {
        return Verdict::Passed;
    }
    let late = hours_late(seconds - limit);
    let texts = e.texts();
    let applied_at = applied.with_timezone(&e.tz).naive_local();
    let until_at = until.with_timezone(&e.tz).naive_local();
    let elapsed = elapsed(texts, seconds);
    let promise = tr!(
        texts,
        "review-promise",
        applied = applied_at,
        cite = e.cite(&sla.clause),
        hours = sla.hours
    );
    let (actual, explanation) = if overdue {
        (
            tr!(texts, "review-overdue-actual", until = until_at),
            tr!(
                texts,
                "review-overdue-explanation",
                until = until_at,
                elapsed = elapsed,
                late = late,
                promise = promise
            ),
        )
    } else {
        (
            tr!(texts, "review-late-actual", until = until_at),
            tr!(
                texts,
                "review-late-explanation",
                until = until_at,
                elapsed = elapsed,
                late = late,
                promise = promise
            ),
        )
    };
    Verdict::Flagged(Flag {
        clause: sla.clause.clone(),
        expected: tr!(
            texts,
            "review-expected",
            hours = sla.hours,
            applied = applied_at
        ),
        actual,
        amount: None,
        late_by: Some(LateBy::hours(late)),
        explanation,
    })
}

fn applied(e: &Eval<'_>, trace: &mut Trace) -> Known<DateTime<Utc>> {
    let applied = e.instant(Column::AppliedAt)?;
    note(
        trace,
        "applied_at",
        applied.with_timezone(&e.tz).format("%Y-%m-%d %H:%M:%S"),
    );
    Ok(applied)
}

/// `review-sla.late`: reviewed_at − applied_at > the SLA. Not yet reviewed: passed.
pub(crate) fn late(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(sla) = &e.policy.params.review_sla else {
        return Ok(Verdict::OutOfScope);
    };
    let Some(reviewed) = e.ticket.reviewed_at else {
        note(trace, "reviewed_at", "blank (not yet)");
        return Ok(Verdict::Passed);
    };
    let applied = applied(e, trace)?;
    let reviewed = reviewed
        .instant_in(e.tz)
        .ok_or(Unknown::NoTime(Column::ReviewedAt.name()))?;
    note(
        trace,
        "reviewed_at",
        reviewed.with_timezone(&e.tz).format("%Y-%m-%d %H:%M:%S"),
    );
    Ok(late_flag(e, sla, applied, reviewed, false))
}

/// `review-sla.overdue`: not reviewed and as-of − applied_at > the SLA.
pub(crate) fn overdue(e: &Eval<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(sla) = &e.policy.params.review_sla else {
        return Ok(Verdict::OutOfScope);
    };
    if let Some(reviewed) = e.ticket.reviewed_at {
        note(trace, "reviewed_at", e.show(reviewed));
        return Ok(Verdict::Passed);
    }
    note(trace, "reviewed_at", "blank (not yet)");
    let applied = applied(e, trace)?;
    note(
        trace,
        "as_of",
        e.ctx.as_of.with_timezone(&e.tz).format("%Y-%m-%d %H:%M:%S"),
    );
    Ok(late_flag(e, sla, applied, e.ctx.as_of, true))
}
