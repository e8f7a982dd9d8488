//! The value parsers on arbitrary text: dates (with and without a day/month order and a
//! mapping format), Excel serials, money, yes/no, enum aliases, header keys. Nothing may
//! panic; what is accepted keeps the documented bounds.
#![no_main]

use chrono::{Datelike, NaiveDate};
use libfuzzer_sys::fuzz_target;
use rma_audit::ingest::fuzzing;
use rma_audit::ingest::DateOrder;
use rma_audit::ticket::{Column, When};

fn date_of(when: When) -> NaiveDate {
    match when {
        When::Date(date) => date,
        When::Local(local) => local.date(),
        When::Fixed(fixed) => fixed.naive_local().date(),
    }
}

fn in_range(when: When) {
    let year = date_of(when).year();
    assert!((1990..=2100).contains(&year), "accepted {when:?}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match selector % 6 {
        0 => {
            let order = match selector / 6 % 3 {
                0 => None,
                1 => Some(DateOrder::Dmy),
                _ => Some(DateOrder::Mdy),
            };
            if let Ok(when) = fuzzing::date_text(&text, &[], order) {
                in_range(when);
            }
        }
        1 => {
            // The first line is a mapping format, the rest the value.
            let (format, value) = text.split_once('\n').unwrap_or(("%d/%m/%Y %H:%M", &text));
            if let Ok(when) = fuzzing::date_text(value, &[format.to_string()], None) {
                in_range(when);
            }
        }
        2 => {
            if rest.len() >= 8 {
                let bytes: [u8; 8] = rest[..8].try_into().unwrap_or([0; 8]);
                let number = f64::from_le_bytes(bytes);
                if let Ok(when) = fuzzing::date_serial(number) {
                    in_range(when);
                }
                if let Ok(amount) = fuzzing::money_number(number) {
                    assert!(!amount.is_sign_negative() || amount.is_zero());
                }
            }
        }
        3 => {
            if let Ok(amount) = fuzzing::money_text(&text) {
                assert!(!amount.is_sign_negative() || amount.is_zero(), "{text:?}");
            }
        }
        4 => {
            let _ = fuzzing::bool_text(&text);
            let _ = fuzzing::header_key(&text);
        }
        _ => {
            for column in [
                Column::ServiceType,
                Column::Cause,
                Column::Decision,
                Column::FreightPayer,
                Column::FreightPayment,
            ] {
                let _ = fuzzing::enum_text(column, &text);
            }
        }
    }
});
