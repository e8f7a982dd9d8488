//! Working-day deadlines ("within N working days from X") and the late / overdue checks the
//! refund-cycle and turnaround rules share.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::calendar::Calendar;
use crate::finding::LateBy;
use crate::ticket::Column;

use super::periods::plus_days;
use super::reading::{note, Eval, Flag, Known, Trace, Verdict};
use crate::tr;

/// One working-day deadline rule: from which event, for which action, how many working days.
pub(crate) struct WorkingDeadline<'p> {
    /// The event the clock starts from (`received_at`, `repair_approved_at`).
    pub start: Column,
    /// Which deadline, as the catalogue's `deadline-*` messages select their words:
    /// `refund`, `exchange` or `repair`.
    pub kind: &'static str,
    /// The action that must happen by the deadline (`refunded_at`).
    pub action: Column,
    pub working_days: u32,
    pub clause: &'p str,
    pub amount: Option<Decimal>,
}

/// `1st`, `2nd`, `3rd`, `5th`, `11th`… (the trace's English).
pub(crate) fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The `n`-th working day strictly after `start`, traced.
pub(crate) fn nth_working_day(
    calendar: &Calendar,
    start: NaiveDate,
    n: u32,
    label: &str,
    trace: &mut Trace,
) -> Known<NaiveDate> {
    let date = calendar.add_working_days(start, n)?;
    note(
        trace,
        label,
        format_args!(
            "{date} ({} working day after {start}, {} calendar)",
            ordinal(n),
            calendar.id
        ),
    );
    Ok(date)
}

struct Computed<'c> {
    start: NaiveDate,
    deadline: NaiveDate,
    calendar: &'c Calendar,
}

fn compute<'c>(e: &Eval<'c>, rule: &WorkingDeadline<'_>, trace: &mut Trace) -> Known<Computed<'c>> {
    let start = e.date(rule.start)?;
    if let Some(when) = e.when(rule.start) {
        note(trace, rule.start.name(), e.show(when));
    }
    let calendar = e.calendar()?;
    let deadline = nth_working_day(calendar, start, rule.working_days, "deadline", trace)?;
    Ok(Computed {
        start,
        deadline,
        calendar,
    })
}

/// The reason clause of the explanation, naming the holidays that moved the deadline.
fn because(e: &Eval<'_>, rule: &WorkingDeadline<'_>, computed: &Computed<'_>) -> String {
    let texts = e.texts();
    let holidays = computed
        .calendar
        .describe_between_in(plus_days(computed.start, 1), computed.deadline, texts)
        .map(|text| tr!(texts, "holidays", text = text))
        .unwrap_or_default();
    tr!(
        texts,
        "deadline-because",
        start_phrase = tr!(texts, "deadline-start", kind = rule.kind),
        start = computed.start,
        cite = e.cite(rule.clause),
        allowed = e.working_days(rule.working_days),
        holidays = holidays
    )
}

fn expected(e: &Eval<'_>, rule: &WorkingDeadline<'_>, computed: &Computed<'_>) -> String {
    let texts = e.texts();
    tr!(
        texts,
        "deadline-expected",
        action = e.field(rule.action),
        deadline = computed.deadline,
        nth = tr!(texts, "nth-working-day", n = rule.working_days),
        start = computed.start
    )
}

/// The action happened after the deadline date. A blank action has not happened: passed.
pub(crate) fn late(e: &Eval<'_>, rule: &WorkingDeadline<'_>, trace: &mut Trace) -> Known<Verdict> {
    let Some(action) = e.when(rule.action) else {
        note(trace, rule.action.name(), "blank (not yet)");
        return Ok(Verdict::Passed);
    };
    let computed = compute(e, rule, trace)?;
    let done = action.date_in(e.tz);
    note(trace, rule.action.name(), e.show(action));
    if done <= computed.deadline {
        return Ok(Verdict::Passed);
    }
    let late = computed
        .calendar
        .working_days_after(computed.deadline, done)?;
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: rule.clause.to_string(),
        expected: expected(e, rule, &computed),
        actual: tr!(
            texts,
            "deadline-late-actual",
            action = e.field(rule.action),
            done = done
        ),
        amount: rule.amount,
        late_by: Some(LateBy::working_days(late)),
        explanation: tr!(
            texts,
            "deadline-late-explanation",
            done_phrase = tr!(texts, "deadline-done", kind = rule.kind),
            done = done,
            late_days = e.working_days(late),
            deadline = computed.deadline,
            because = because(e, rule, &computed)
        ),
    }))
}

/// The action has not happened and date(as-of) is past the deadline date.
pub(crate) fn overdue(
    e: &Eval<'_>,
    rule: &WorkingDeadline<'_>,
    trace: &mut Trace,
) -> Known<Verdict> {
    if let Some(action) = e.when(rule.action) {
        note(trace, rule.action.name(), e.show(action));
        return Ok(Verdict::Passed);
    }
    note(trace, rule.action.name(), "blank (not yet)");
    let computed = compute(e, rule, trace)?;
    let as_of = e.as_of_date();
    note(trace, "as_of date", as_of);
    if as_of <= computed.deadline {
        return Ok(Verdict::Passed);
    }
    let late = computed
        .calendar
        .working_days_after(computed.deadline, as_of)?;
    let texts = e.texts();
    Ok(Verdict::Flagged(Flag {
        clause: rule.clause.to_string(),
        expected: expected(e, rule, &computed),
        actual: tr!(
            texts,
            "deadline-overdue-actual",
            action = e.field(rule.action),
            as_of = as_of
        ),
        amount: rule.amount,
        late_by: Some(LateBy::working_days(late)),
        explanation: tr!(
            texts,
            "deadline-overdue-explanation",
            pending_phrase = tr!(texts, "deadline-pending", kind = rule.kind),
            as_of = as_of,
            late_days = e.working_days(late),
            deadline = computed.deadline,
            because = because(e, rule, &computed)
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_naturally() {
        let got: Vec<String> = [1, 2, 3, 4, 5, 7, 11, 12, 13, 21, 22].map(ordinal).to_vec();
        assert_eq!(
            got,
            ["1st", "2nd", "3rd", "4th", "5th", "7th", "11th", "12th", "13th", "21st", "22nd"]
        );
    }
}
