//! Enum values: the canonical spellings and every alias of TICKETS.md (plus a mapping
//! file's), matched after folding case, spaces, `-` and `_`.

use super::header::fold;
use super::values::{number_text, Value};
use crate::ticket::{Cause, Column, Decision, FreightPayer, FreightPayment, Kind, ServiceType};

/// The canonical values of an enum kind.
pub(super) fn canonical_values(kind: Kind) -> Vec<&'static str> {
    fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|value| name(*value)).collect()
    }
    match kind {
        Kind::ServiceType => names(ServiceType::ALL, ServiceType::as_str),
        Kind::Cause => names(Cause::ALL, Cause::as_str),
        Kind::Decision => names(Decision::ALL, Decision::as_str),
        Kind::FreightPayer => names(FreightPayer::ALL, FreightPayer::as_str),
        Kind::FreightPayment => names(FreightPayment::ALL, FreightPayment::as_str),
        Kind::Text | Kind::Bool | Kind::Date | Kind::DateTime | Kind::Money => Vec::new(),
    }
}

/// True for the enum kinds that have aliases.
pub(super) fn is_enum(kind: Kind) -> bool {
    !canonical_values(kind).is_empty()
}

/// The value a `decision` alias such as `pending` or `处理中` stands for: no decision yet.
pub(super) const PENDING: &str = "pending";

/// A kind's aliases, as (alias, canonical value); `None` is a pending decision.
type AliasTable = &'static [(&'static str, Option<&'static str>)];

/// The aliases of `service_type` in TICKETS.md.
const SERVICE_TYPE_ALIASES: AliasTable = &[
    ("refund", Some("return")),
    ("退货", Some("return")),
    ("退款", Some("return")),
    ("退货退款", Some("return")),
    ("replacement", Some("exchange")),
    ("换货", Some("exchange")),
    ("warranty repair", Some("repair")),
    ("维修", Some("repair")),
    ("保修", Some("repair")),
];

/// The aliases of `cause` in TICKETS.md.
const CAUSE_ALIASES: AliasTable = &[
    ("no reason", Some("no_reason")),
    ("personal", Some("no_reason")),
    ("customer reason", Some("no_reason")),
    ("changed mind", Some("no_reason")),
    ("七天无理由", Some("no_reason")),
    ("无理由", Some("no_reason")),
    ("个人原因", Some("no_reason")),
    ("quality problem", Some("quality")),
    ("defect", Some("quality")),
    ("performance failure", Some("quality")),
    ("fault", Some("quality")),
    ("质量问题", Some("quality")),
    ("性能故障", Some("quality")),
    ("logistics damage", Some("logistics")),
    ("wrong item", Some("logistics")),
    ("missing parts", Some("logistics")),
    ("lost", Some("logistics")),
    ("物流损坏", Some("logistics")),
    ("错发", Some("logistics")),
    ("漏发", Some("logistics")),
    ("少件", Some("logistics")),
    ("man-made damage", Some("man_made")),
    ("human damage", Some("man_made")),
    ("misuse", Some("man_made")),
    ("drop", Some("man_made")),
    ("liquid", Some("man_made")),
    ("water damage", Some("man_made")),
    ("人为损坏", Some("man_made")),
    ("进水", Some("man_made")),
    ("摔坏", Some("man_made")),
    ("force majeure", Some("force_majeure")),
    ("act of god", Some("force_majeure")),
    ("不可抗力", Some("force_majeure")),
    ("wear", Some("cosmetic")),
    ("scratch", Some("cosmetic")),
    ("cosmetic damage", Some("cosmetic")),
    ("外观磨损", Some("cosmetic")),
    ("划痕", Some("cosmetic")),
    ("software upgrade", Some("software")),
    ("软件升级", Some("software")),
];

/// The aliases of `decision` (`None`: no decision yet) in TICKETS.md.
const DECISION_ALIASES: AliasTable = &[
    ("refunded", Some("refund")),
    ("退款", Some("refund")),
    ("exchanged", Some("exchange")),
    ("replaced", Some("exchange")),
    ("换货", Some("exchange")),
    ("free repair", Some("free_repair")),
    ("warranty repair", Some("free_repair")),
    ("免费维修", Some("free_repair")),
    ("保修", Some("free_repair")),
    ("paid repair", Some("paid_repair")),
    ("付费维修", Some("paid_repair")),
    ("reject", Some("rejected")),
    ("declined", Some("rejected")),
    ("驳回", Some("rejected")),
    ("拒绝", Some("rejected")),
    ("blank", None),
    (PENDING, None),
    ("open", None),
    ("处理中", None),
];

/// The aliases of `freight_payer` in TICKETS.md.
const FREIGHT_PAYER_ALIASES: AliasTable = &[
    ("buyer", Some("customer")),
    ("买家", Some("customer")),
    ("客户", Some("customer")),
    ("seller", Some("company")),
    ("merchant", Some("company")),
    ("卖家", Some("company")),
    ("商家", Some("company")),
    ("公司", Some("company")),
];

/// The aliases of `freight_payment` in TICKETS.md.
const FREIGHT_PAYMENT_ALIASES: AliasTable = &[
    ("sender pays", Some("prepaid")),
    ("寄付", Some("prepaid")),
    ("现付", Some("prepaid")),
    ("freight collect", Some("collect")),
    ("cod", Some("collect")),
    ("到付", Some("collect")),
];

/// The aliases of TICKETS.md for an enum kind.
fn builtin_aliases(kind: Kind) -> AliasTable {
    match kind {
        Kind::ServiceType => SERVICE_TYPE_ALIASES,
        Kind::Cause => CAUSE_ALIASES,
        Kind::Decision => DECISION_ALIASES,
        Kind::FreightPayer => FREIGHT_PAYER_ALIASES,
        Kind::FreightPayment => FREIGHT_PAYMENT_ALIASES,
        Kind::Text | Kind::Bool | Kind::Date | Kind::DateTime | Kind::Money => &[],
    }
}

/// Every spelling an enum column accepts, folded, to its canonical value (`None`: pending).
#[derive(Debug, Clone, Default)]
pub(super) struct Aliases {
    by_key: foldhash::HashMap<String, Option<&'static str>>,
}

impl Aliases {
    /// The canonical values and built-in aliases of `column`, then `extra` (from a mapping
    /// file), which win over the built-ins.
    pub(super) fn new(column: Column, extra: &[(String, Option<&'static str>)]) -> Aliases {
        let kind = column.kind();
        let mut by_key = foldhash::HashMap::default();
        for value in canonical_values(kind) {
            by_key.insert(fold(value), Some(value));
        }
        for (alias, value) in builtin_aliases(kind) {
            by_key.insert(fold(alias), *value);
        }
        for (alias, value) in extra {
            by_key.insert(fold(alias), *value);
        }
        Aliases { by_key }
    }

    /// The canonical value of `value`; `Some(None)` for a pending decision.
    pub(super) fn lookup(&self, value: Value<'_>) -> Option<Option<&'static str>> {
        match value {
            // Most exports write one of the folded spellings (`quality`, `退货`): no folding.
            Value::Text(text) => match self.by_key.get(text) {
                Some(found) => Some(*found),
                None => self.by_key.get(&fold(text)).copied(),
            },
            Value::Number(number) => self.by_key.get(&number_text(number)).copied(),
            Value::Bool(_) | Value::DateTime(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value<'_> {
        Value::Text(value)
    }

    fn lookup(column: Column, value: &str) -> Option<Option<&'static str>> {
        Aliases::new(column, &[]).lookup(text(value))
    }

    #[test]
    fn every_enum_alias_of_the_table() {
        let table: &[(Column, &str, &[&str])] = &[
            (
                Column::ServiceType,
                "return",
                &["return", "refund", "退货", "退款", "退货退款"],
            ),
            (
                Column::ServiceType,
                "exchange",
                &["exchange", "replacement", "换货"],
            ),
            (
                Column::ServiceType,
                "repair",
                &["repair", "warranty repair", "维修", "保修"],
            ),
            (
                Column::Cause,
                "no_reason",
                &[
                    "no_reason",
                    "no reason",
                    "personal",
                    "customer reason",
                    "changed mind",
                    "七天无理由",
                    "无理由",
                    "个人原因",
                ],
            ),
            (
                Column::Cause,
                "quality",
                &[
                    "quality",
                    "quality problem",
                    "defect",
                    "performance failure",
                    "fault",
                    "质量问题",
                    "性能故障",
                ],
            ),
            (
                Column::Cause,
                "logistics",
                &[
                    "logistics",
                    "logistics damage",
                    "wrong item",
                    "missing parts",
                    "lost",
                    "物流损坏",
                    "错发",
                    "漏发",
                    "少件",
                ],
            ),
            (
                Column::Cause,
                "man_made",
                &[
                    "man_made",
                    "man-made damage",
                    "human damage",
                    "misuse",
                    "drop",
                    "liquid",
                    "water damage",
                    "人为损坏",
                    "进水",
                    "摔坏",
                ],
            ),
            (
                Column::Cause,
                "force_majeure",
                &["force_majeure", "force majeure", "act of god", "不可抗力"],
            ),
            (
                Column::Cause,
                "cosmetic",
                &[
                    "cosmetic",
                    "wear",
                    "scratch",
                    "cosmetic damage",
                    "外观磨损",
                    "划痕",
                ],
            ),
            (
                Column::Cause,
                "software",
                &["software", "software upgrade", "软件升级"],
            ),
            (Column::Decision, "refund", &["refund", "refunded", "退款"]),
            (
                Column::Decision,
                "exchange",
                &["exchange", "exchanged", "replaced", "换货"],
            ),
            (
                Column::Decision,
                "free_repair",
                &[
                    "free_repair",
                    "free repair",
                    "warranty repair",
                    "免费维修",
                    "保修",
                ],
            ),
            (
                Column::Decision,
                "paid_repair",
                &["paid_repair", "paid repair", "付费维修"],
            ),
            (
                Column::Decision,
                "rejected",
                &["rejected", "reject", "declined", "驳回", "拒绝"],
            ),
            (
                Column::FreightPayer,
                "customer",
                &["customer", "buyer", "买家", "客户"],
            ),
            (
                Column::FreightPayer,
                "company",
                &["company", "seller", "merchant", "卖家", "商家", "公司"],
            ),
            (
                Column::FreightPayment,
                "prepaid",
                &["prepaid", "sender pays", "寄付", "现付"],
            ),
            (
                Column::FreightPayment,
                "collect",
                &["collect", "freight collect", "cod", "到付"],
            ),
        ];
        for (column, canonical, aliases) in table {
            for alias in *aliases {
                assert_eq!(
                    lookup(*column, alias),
                    Some(Some(*canonical)),
                    "{column:?} {alias}"
                );
                let shouted = alias.to_uppercase();
                assert_eq!(
                    lookup(*column, &shouted),
                    Some(Some(*canonical)),
                    "{column:?} {shouted}"
                );
            }
        }
        for pending in ["blank", "pending", "Open", "处理中"] {
            assert_eq!(lookup(Column::Decision, pending), Some(None), "{pending}");
        }
        assert_eq!(
            lookup(Column::Cause, "Man Made Damage"),
            Some(Some("man_made"))
        );
        assert_eq!(lookup(Column::Cause, "no-reason"), Some(Some("no_reason")));
        assert_eq!(lookup(Column::Cause, "boredom"), None);
        assert_eq!(
            lookup(Column::ServiceType, "rejected"),
            None,
            "aliases are per column"
        );
    }

    #[test]
    fn extra_aliases_join_the_table() {
        let extra = vec![
            ("Refund processed".to_string(), Some("refund")),
            ("Waiting".to_string(), None),
        ];
        let aliases = Aliases::new(Column::Decision, &extra);
        assert_eq!(
            aliases.lookup(text("refund PROCESSED")),
            Some(Some("refund"))
        );
        assert_eq!(aliases.lookup(text("waiting")), Some(None));
        assert_eq!(aliases.lookup(text("退款")), Some(Some("refund")));
    }
}
