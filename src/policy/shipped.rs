//! The shipped policy files, compiled into the binary, and the tests that pin their values to
//! the rule catalogue.

/// The shipped policy files: (file name, text).
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "joining.toml",
        include_str!("../../data/policies/joining.toml"),
    ),
    (
        "changkong.toml",
        include_str!("../../data/policies/changkong.toml"),
    ),
    ("xinji.toml", include_str!("../../data/policies/xinji.toml")),
    (
        "handset-oem.toml",
        include_str!("../../data/policies/handset-oem.toml"),
    ),
    (
        "repair-service.toml",
        include_str!("../../data/policies/repair-service.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::BUILT_IN;
    use crate::policy::*;
    use crate::ticket::{Cause, Column};

    fn shipped() -> PolicySet {
        PolicySet::load(None).unwrap_or_else(|d| panic!("{d:#?}"))
    }

    fn shipped_policy(id: &str) -> Policy {
        let set = shipped();
        let mut versions: Vec<Policy> = set.versions_of(id).cloned().collect();
        assert_eq!(versions.len(), 1, "{id} ships one version");
        versions.remove(0)
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    /// Every clause id of RULES.md's clause index, per policy.
    const CLAUSE_INDEX: &[(&str, &[&str])] = &[
        (
            "joining",
            &[
                "W2.1", "W2.2", "W2.3", "W2.4", "W2.5", "W3", "R1", "R2", "R3.1", "R3.2", "R4",
                "S2", "S4.1", "S4.2", "S4.3",
            ],
        ),
        (
            "changkong",
            &[
                "B1", "B2.1", "B2.2", "B2.3", "B2.4", "B2.5", "B2.6", "B2.7", "I.1", "III.1",
                "III.2", "IV.4", "IV.5",
            ],
        ),
        ("xinji", &["D", "P", "E"]),
        ("handset-oem", &["T1", "T2", "T3", "T4"]),
        (
            "repair-service",
            &["1.3", "2.1", "2.2", "2.4", "2.6", "4.2"],
        ),
    ];

    #[test]
    fn built_in_policies_load_without_diagnostics() {
        let set = shipped();
        let ids: Vec<&str> = set.versions().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "changkong",
                "handset-oem",
                "joining",
                "repair-service",
                "xinji"
            ]
        );
        for policy in set.versions() {
            assert_eq!(policy.currency, "CNY");
            assert_eq!(policy.timezone, chrono_tz::Asia::Shanghai);
            assert_eq!(policy.calendar, "cn");
            assert_eq!(policy.effective_from, date("2000-01-01"));
            assert_eq!(policy.effective_to, None);
            assert_eq!(policy.origin, "built-in");
            assert_eq!(policy.sha256.len(), 64);
            assert!(policy.aliases.contains(&policy.id), "{} alias", policy.id);
            assert!(!policy.params.exclusions.causes.is_empty(), "{}", policy.id);
        }
    }

    #[test]
    fn the_shipped_directory_checks_clean() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/policies");
        assert_eq!(check_dir(&dir), []);
        let from_dir = PolicySet::load(Some(&dir)).unwrap_or_else(|d| panic!("{d:#?}"));
        // Loaded from disk they replace the built-in versions and compile to the same values.
        for policy in from_dir.versions() {
            assert_ne!(policy.origin, "built-in");
            let built_in = shipped_policy(&policy.id);
            assert_eq!(policy.params, built_in.params);
            assert_eq!(policy.sha256, built_in.sha256);
        }
        assert_eq!(from_dir.versions().len(), BUILT_IN.len());
    }

    #[test]
    fn every_clause_of_the_index_is_quoted() {
        for (id, clauses) in CLAUSE_INDEX {
            let policy = shipped_policy(id);
            let have: Vec<&str> = policy.clauses.keys().map(String::as_str).collect();
            let mut want = clauses.to_vec();
            want.sort_unstable();
            assert_eq!(have, want, "{id}");
            for clause in *clauses {
                assert!(policy.quote(clause).len() > 10, "{id} {clause}");
            }
        }
    }

    #[test]
    fn sha256_is_of_the_file_bytes() {
        let policy = shipped_policy("xinji");
        let (_, text) = BUILT_IN.iter().find(|(n, _)| *n == "xinji.toml").unwrap();
        assert_eq!(policy.sha256, sha256_hex(text.as_bytes()));
        // The SHA-256 of "abc", to pin the hex encoding.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn joining_parameters_match_the_rules() {
        let p = shipped_policy("joining");
        let params = &p.params;
        assert_eq!(
            params.return_window,
            Some(Window {
                days: 7,
                counting: Counting::Inclusive,
                from: Column::DeliveredAt,
                causes: vec![Cause::NoReason, Cause::Quality],
                clause: "R1".into(),
            })
        );
        assert_eq!(
            params.exchange_window,
            Some(Window {
                days: 15,
                counting: Counting::Inclusive,
                from: Column::DeliveredAt,
                causes: vec![Cause::Quality],
                clause: "R1".into(),
            })
        );
        assert_eq!(
            params.return_conditions,
            Some(ReturnConditions {
                package_complete: true,
                no_appearance_damage: true,
                not_activated: false,
                clause: "W2.1".into(),
            })
        );
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(warranty.with_proof.starts, [Column::DeliveredAt]);
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        assert!(warranty.with_proof.by_category.is_empty());
        assert_eq!(warranty.without_proof, None);
        assert_eq!(warranty.extension_after_repair, None);
        assert_eq!(warranty.clause, "W2.4");
        assert_common_exclusions(&p, &[], &[], "W3");

        let freight = &params.freight;
        assert_eq!(freight.company_bears, [Cause::Quality, Cause::Logistics]);
        assert!(!freight.company_bears_only_in_warranty);
        assert_eq!(freight.company_bears_clause.as_deref(), Some("R3.1"));
        assert_eq!(freight.customer_bears, Some(vec![Cause::NoReason]));
        assert_eq!(freight.customer_bears_clause.as_deref(), Some("R3.2"));
        assert_eq!(
            freight.deduction,
            Some(Deduction {
                amount: Decimal::from_str("20.00").unwrap(),
                causes: vec![Cause::NoReason],
                exempt_sf: true,
                exempt_remote_area: true,
                clause: "R3.2".into(),
            })
        );
        assert_eq!(
            freight.deduction.as_ref().unwrap().amount.to_string(),
            "20.00"
        );
        assert_eq!(freight.return_leg, None);
        assert_eq!(freight.collect_refused_clause, None);

        assert_eq!(
            params.review_sla,
            Some(HourSla {
                hours: 24,
                clause: "S2".into()
            })
        );
        assert_eq!(
            params.refund_cycle,
            Some(RefundCycle {
                earliest_working_days: 3,
                latest_working_days: 5,
                clause: "S4.1".into(),
            })
        );
        assert_eq!(
            params.exchange_turnaround,
            Some(WorkingDayDeadline {
                working_days: 7,
                clause: "S4.2".into()
            })
        );
        assert_eq!(params.repair_turnaround, None);
        assert_eq!(params.receipt_close, None);
        assert_eq!(params.unpaid_hold, None);
        assert_eq!(params.customer_shipment, None);
        assert_eq!(params.exchange_same_model_clause.as_deref(), Some("R4"));
        assert_eq!(params.free_service_clause.as_deref(), Some("W2.4"));
        assert!(p.assumptions.is_empty());
        // JOINING judges exchanges by its 15-day window, not by the warranty.
        assert_eq!(params.exchange_in_warranty_clause, None);
    }

    #[test]
    fn changkong_parameters_match_the_rules() {
        let p = shipped_policy("changkong");
        let params = &p.params;
        assert_eq!(
            params.return_window,
            Some(Window {
                days: 7,
                counting: Counting::After,
                from: Column::DeliveredAt,
                causes: vec![Cause::NoReason, Cause::Quality],
                clause: "B1".into(),
            })
        );
        assert_eq!(params.exchange_window, None);
        assert_eq!(
            params.return_conditions,
            Some(ReturnConditions {
                package_complete: true,
                no_appearance_damage: true,
                not_activated: true,
                clause: "B1".into(),
            })
        );
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(warranty.with_proof.starts, [Column::PurchasedAt]);
        assert_eq!(warranty.with_proof.period, Period::Days(180));
        let without = warranty.without_proof.as_ref().unwrap();
        assert_eq!(without.starts, [Column::FactoryShippedAt]);
        assert_eq!(without.period, Period::Days(240));
        assert_eq!(warranty.extension_after_repair, Some(Period::Days(60)));
        assert_eq!(warranty.clause, "I.1");
        assert_eq!(warranty.extension_clause.as_deref(), Some("I.1"));
        assert_common_exclusions(&p, &[], &[], "B2.4");

        let freight = &params.freight;
        assert_eq!(freight.company_bears, [Cause::Quality]);
        assert!(freight.company_bears_only_in_warranty);
        assert_eq!(freight.company_bears_clause.as_deref(), Some("III.1"));
        // Every cause other than quality, logistics and software included.
        let customer = freight.customer_bears.as_ref().unwrap();
        assert!(!customer.contains(&Cause::Quality));
        assert!(customer.contains(&Cause::Logistics));
        assert!(customer.contains(&Cause::Software));
        assert_eq!(customer.len(), Cause::ALL.len() - 1);
        assert_eq!(freight.customer_bears_clause.as_deref(), Some("III.1"));
        assert_eq!(freight.deduction, None);
        assert_eq!(
            freight.return_leg,
            Some(ReturnLeg::CausesInWarranty {
                causes: vec![Cause::Quality],
                clause: "III.1".into()
            })
        );
        assert_eq!(freight.collect_refused_clause, None);

        assert_eq!(params.review_sla, None);
        assert_eq!(params.refund_cycle, None);
        assert_eq!(params.exchange_turnaround, None);
        assert_eq!(
            params.repair_turnaround,
            Some(WorkingDayDeadline {
                working_days: 3,
                clause: "IV.5".into()
            })
        );
        assert_eq!(
            params.customer_shipment,
            Some(DayLimit {
                days: 7,
                clause: "B2.7".into()
            })
        );
        assert_eq!(params.receipt_close, None);
        assert_eq!(params.unpaid_hold, None);
        assert_eq!(params.exchange_same_model_clause, None);
        assert_eq!(params.exchange_in_warranty_clause, None);
    }

    #[test]
    fn xinji_parameters_match_the_rules() {
        let p = shipped_policy("xinji");
        let params = &p.params;
        assert_eq!(params.return_window, None);
        assert_eq!(params.exchange_window, None);
        assert_eq!(params.return_conditions, None);
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(
            warranty.with_proof.starts,
            [Column::ActivatedAt, Column::PurchasedAt]
        );
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        assert_eq!(warranty.without_proof, None);
        assert_eq!(warranty.extension_after_repair, None);
        assert_eq!(warranty.clause, "D");
        assert_common_exclusions(
            &p,
            &[Column::PurchasedOverseas],
            &[Column::ProofOfPurchase],
            "E",
        );
        assert_eq!(params.freight.company_bears_clause, None);
        assert_eq!(params.freight.customer_bears_clause, None);
        assert_eq!(params.freight.return_leg, None);
        assert_eq!(params.free_service_clause.as_deref(), Some("P"));
        assert_eq!(params.exchange_in_warranty_clause.as_deref(), Some("P"));
        assert_eq!(params.review_sla, None);
    }

    #[test]
    fn handset_oem_parameters_match_the_rules() {
        let p = shipped_policy("handset-oem");
        let params = &p.params;
        assert_eq!(params.return_window, None);
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(warranty.with_proof.starts, [Column::DeliveredAt]);
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        assert_eq!(warranty.without_proof, None);
        assert_eq!(warranty.clause, "T2");
        assert_common_exclusions(&p, &[], &[], "T3");
        // T1: all shipment at the customer's expense, whatever the cause.
        assert_eq!(params.freight.customer_bears, None);
        assert_eq!(params.freight.customer_bears_clause.as_deref(), Some("T1"));
        assert!(params.freight.company_bears.is_empty());
        assert_eq!(params.freight.company_bears_clause, None);
        assert_eq!(params.freight.return_leg, None);
        assert_eq!(params.exchange_in_warranty_clause.as_deref(), Some("T2"));
    }

    #[test]
    fn repair_service_parameters_match_the_rules() {
        let p = shipped_policy("repair-service");
        let params = &p.params;
        assert_eq!(params.return_window, None);
        let warranty = params.warranty.as_ref().unwrap();
        assert_eq!(warranty.with_proof.starts, [Column::PurchasedAt]);
        assert_eq!(warranty.with_proof.earlier_if_known, [Column::DeliveredAt]);
        assert_eq!(warranty.with_proof.period, Period::Months(12));
        let without = warranty.without_proof.as_ref().unwrap();
        assert_eq!(without.starts, [Column::FactoryShippedAt]);
        assert!(without.earlier_if_known.is_empty());
        assert_eq!(without.period, Period::Months(12));
        assert_eq!(warranty.clause, "2.4");
        assert_eq!(p.assumptions.len(), 1);
        assert!(p.assumptions[0].contains("12 months"));
        assert!(p.assumptions[0].contains("assumes"));
        assert_common_exclusions(&p, &[], &[], "1.3");

        let freight = &params.freight;
        assert_eq!(freight.customer_bears, None);
        assert_eq!(freight.customer_bears_clause.as_deref(), Some("2.1"));
        assert_eq!(
            freight.return_leg,
            Some(ReturnLeg::Always {
                clause: "2.1".into()
            })
        );
        assert_eq!(freight.collect_refused_clause.as_deref(), Some("2.1"));
        assert_eq!(
            params.receipt_close,
            Some(DayLimit {
                days: 15,
                clause: "4.2".into()
            })
        );
        assert_eq!(
            params.unpaid_hold,
            Some(PeriodLimit {
                period: Period::Months(1),
                clause: "2.6".into()
            })
        );
        assert_eq!(params.free_service_clause.as_deref(), Some("1.3"));
        assert_eq!(params.exchange_in_warranty_clause, None);
    }

    fn assert_common_exclusions(
        policy: &Policy,
        extra_true: &[Column],
        extra_false: &[Column],
        clause: &str,
    ) {
        let exclusions = &policy.params.exclusions;
        assert_eq!(
            exclusions.causes,
            [Cause::ManMade, Cause::ForceMajeure, Cause::Cosmetic],
            "{}",
            policy.id
        );
        let mut when_true = vec![Column::LabelTampered, Column::UnauthorizedRepair];
        when_true.extend_from_slice(extra_true);
        let mut when_false = vec![Column::AuthorizedChannel];
        when_false.extend_from_slice(extra_false);
        assert_eq!(exclusions.when_true, when_true, "{}", policy.id);
        assert_eq!(exclusions.when_false, when_false, "{}", policy.id);
        assert_eq!(exclusions.clause, clause, "{}", policy.id);
        assert!(!exclusions.causes.contains(&Cause::Software));
    }

    #[test]
    fn lookup_by_id_or_alias_ignores_case_and_spaces() {
        let set = shipped();
        for (text, id) in [
            ("joining", "joining"),
            ("JOINING", "joining"),
            ("jonning", "joining"),
            ("乔宁", "joining"),
            (" Changkong ", "changkong"),
            ("长空", "changkong"),
            ("南昌长空", "changkong"),
            ("xinji", "xinji"),
            ("心迹", "xinji"),
            ("HANDSET-OEM", "handset-oem"),
            ("Repair Service", "repair-service"),
        ] {
            assert_eq!(set.lookup(text), Some(id), "{text}");
        }
        assert_eq!(set.lookup("huawei"), None);
    }
}
