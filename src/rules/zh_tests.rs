//! The findings' texts in Chinese, pinned on the readings of RULES.md: the same findings as
//! in English, with dates as `2025年10月13日`, the policy cited by its Chinese name and the
//! holidays by theirs.

use chrono::{DateTime, Utc};

use super::fixtures::*;
use super::*;
use crate::l10n::{Lang, Texts};
use crate::ticket::{Cause, Decision, FreightPayer, FreightPayment};

fn finding_in(lang: Lang, ticket: &Ticket, as_of: DateTime<Utc>, rule: &str) -> Finding {
    let calendars = calendars();
    let ctx = Context {
        as_of,
        calendars: &calendars,
        texts: Texts::of(lang),
    };
    let result = evaluate(ticket, &joining(), &ctx)
        .into_iter()
        .find(|r| r.rule == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"));
    match result.outcome {
        Outcome::Flagged(finding) => *finding,
        other => panic!("expected a finding, got {other:?}"),
    }
}

/// The Chinese finding, after checking it is the English one but for its three texts.
fn chinese(ticket: &Ticket, as_of: &str, rule: &str) -> Finding {
    let english = finding_in(Lang::En, ticket, end_of(as_of), rule);
    let chinese = finding_in(Lang::ZhCn, ticket, end_of(as_of), rule);
    assert_eq!(
        (
            &english.clause,
            english.amount,
            english.late_by,
            english.severity
        ),
        (
            &chinese.clause,
            chinese.amount,
            chinese.late_by,
            chinese.severity
        )
    );
    assert_eq!(english.finding_id(), chinese.finding_id());
    assert_ne!(english.explanation, chinese.explanation);
    chinese
}

#[test]
fn the_rules_md_refund_example_in_chinese() {
    let ticket = Ticket {
        ticket_id: "T1".into(),
        decision: Some(Decision::Refund),
        applied_at: at("2025-09-20 10:00"),
        received_at: at("2025-09-29 10:00"),
        refunded_at: at("2025-10-14 09:00"),
        refund_amount: yuan("199.00"),
        ..Ticket::default()
    };
    let found = chinese(&ticket, "2025-10-20", "refund-cycle.late");
    assert_eq!(
        found.expected,
        "退款时间不晚于2025年10月13日（2025年9月29日后第5个工作日）"
    );
    assert_eq!(found.actual, "退款时间为2025年10月14日");
    assert_eq!(
        found.explanation,
        "2025年10月14日退款，截止日为2025年10月13日，逾期1个工作日：2025年9月29日商品入库，\
         乔宁 S4.1规定5个工作日内完成（cn日历：国庆节、中秋节放假10月1日至10月8日，\
         10月11日调休上班）。"
    );
}

#[test]
fn a_review_waiting_past_its_sla_in_chinese() {
    let ticket = Ticket {
        applied_at: at("2025-10-05 09:00"),
        ..Ticket::default()
    };
    let found = chinese(&ticket, "2025-10-06", "review-sla.overdue");
    assert_eq!(found.expected, "2025年10月5日 09:00申请后24小时内审核");
    assert_eq!(found.actual, "截至审计时点2025年10月6日 23:59仍未审核");
    assert_eq!(
        found.explanation,
        "截至审计时点2025年10月6日 23:59仍未审核，距申请已38小时59分钟（超时15.0小时）：\
         申请时间为2025年10月5日 09:00，乔宁 S2承诺24小时内完成审核。"
    );
}

#[test]
fn a_freight_deduction_above_the_policy_in_chinese() {
    let ticket = Ticket {
        decision: Some(Decision::Refund),
        cause: Some(Cause::NoReason),
        courier: Some("ZTO".into()),
        freight_payment: Some(FreightPayment::Collect),
        freight_payer: Some(FreightPayer::Customer),
        freight_deducted: yuan("25"),
        ..Ticket::default()
    };
    let found = chinese(&ticket, "2025-10-01", "freight.deduction-mismatch");
    assert_eq!(found.expected, "扣除运费 20.00");
    assert_eq!(found.actual, "扣除运费 25.00");
    assert_eq!(
        found.explanation,
        "无理由退货经ZTO到付寄回，退款中扣除运费25.00，但乔宁 R3.2规定应扣除20.00（多扣5.00）。"
    );
}

#[test]
fn coverage_reasons_in_chinese_name_the_column_as_exports_do() {
    let texts = Texts::of(Lang::ZhCn);
    assert_eq!(Unknown::Blank("received_at").text(texts), "缺少入库时间");
    assert_eq!(
        Unknown::Exclusion("label_tampered").text(texts),
        "无法判断除外情形：标签涂改为空"
    );
    assert_eq!(Unknown::Calendar(2027).text(texts), "工作日历未覆盖2027年");
    // The English reason is what summary.json counts, whatever the language.
    assert_eq!(
        Unknown::Calendar(2027).to_string(),
        "calendar does not cover 2027"
    );
}
