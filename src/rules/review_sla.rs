//! `review-sla.*`: applications reviewed later than the policy's hour SLA, or still waiting
//! for review at the as-of instant. Hour SLAs need datetimes on both ends.

use chrono::{DateTime, Utc};

use crate::finding::LateBy;
use crate::policy::HourSla;
use crate::ticket::Column;

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
    let applied_text = applied.with_timezone(&e.tz).format("%Y-%m-%d %H:%M");
    let until_text = until.with_timezone(&e.tz).format("%Y-%m-%d %H:%M");
    let promise = format!(
        "applied {applied_text} and {} promises a review within {} hours",
        e.cite(&sla.clause),
        sla.hours
    );
    let (actual, explanation) = if overdue {
        (
            format!("not reviewed at as-of {until_text}"),
            format!(
                "Not reviewed by the as-of {until_text}, {} after applying ({late} hours over): {promise}.",
                elapsed(seconds)
            ),
        )
    } else {
        (
            format!("reviewed_at {until_text}"),
            format!(
                "Reviewed {until_text}, {} after applying ({late} hours over): {promise}.",
                elapsed(seconds)
            ),
        )
    };
    Verdict::Flagged(Flag {
        clause: sla.clause.clone(),
        expected: format!("reviewed within {} hours of {applied_text}", sla.hours),
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
