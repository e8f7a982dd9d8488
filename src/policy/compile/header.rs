//! The identity fields at the top of a policy file (id, name, aliases, currency, timezone,
//! calendar, version, effective dates, assumptions), each checked as it is read.

use std::str::FromStr;

use chrono::NaiveDate;
use chrono_tz::Tz;
use toml::Value;

use super::values::{is_identifier, non_empty, section_has_string};
use super::Compiler;
use crate::policy::raw::{Diagnostics, Section};

/// The identity fields at the top of a policy file.
pub(super) struct Header {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) aliases: Vec<String>,
    pub(super) currency: String,
    pub(super) timezone: Tz,
    pub(super) calendar: String,
    pub(super) version: String,
    pub(super) effective_from: NaiveDate,
    pub(super) effective_to: Option<NaiveDate>,
    pub(super) assumptions: Vec<String>,
}

impl Compiler<'_> {
    /// The identity fields, each checked; a missing `effective_from` is reported and left
    /// as the earliest date.
    pub(super) fn header(&mut self, root: &mut Section<'_>) -> Header {
        let d = &mut *self.diags;
        let id = non_empty(root, d, "id");
        if !id.is_empty() && !is_identifier(&id) {
            d.push(
                "id",
                format!("bad id `{id}` (use lower-case letters, digits, `-` and `_`)"),
            );
        }
        let name = non_empty(root, d, "name");
        let aliases = aliases(root, d);
        let currency = currency(root, d);
        let timezone = timezone(root, d);
        let calendar = root.string(d, "calendar").unwrap_or_default();
        if section_has_string(root, "calendar") && !is_identifier(&calendar) {
            d.push("calendar", format!("bad calendar id `{calendar}`"));
        }
        let version = version(root, d);
        let (effective_from, effective_to) = effective_dates(root, d);
        let assumptions = assumptions(root, d);
        Header {
            id,
            name,
            aliases,
            currency,
            timezone,
            calendar,
            version,
            effective_from: effective_from.unwrap_or(NaiveDate::MIN),
            effective_to,
            assumptions,
        }
    }
}

/// `aliases`: the other names the policy answers to, trimmed; an empty one is reported.
fn aliases(root: &mut Section<'_>, d: &mut Diagnostics) -> Vec<String> {
    let mut aliases = Vec::new();
    for (field, alias) in root.strings(d, "aliases").unwrap_or_default() {
        if alias.trim().is_empty() {
            d.push(field, "empty alias");
        } else {
            aliases.push(alias.trim().to_string());
        }
    }
    aliases
}

/// `currency`: an ISO 4217 code.
fn currency(root: &mut Section<'_>, d: &mut Diagnostics) -> String {
    let currency = root.string(d, "currency").unwrap_or_default();
    if section_has_string(root, "currency")
        && !(currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()))
    {
        d.push(
            "currency",
            format!("bad currency `{currency}` (expected an ISO 4217 code such as CNY)"),
        );
    }
    currency
}

/// `timezone`: an IANA name; UTC when it is missing or unknown (an unknown one is reported).
fn timezone(root: &mut Section<'_>, d: &mut Diagnostics) -> Tz {
    match root.string(d, "timezone") {
        Some(name) => Tz::from_str(name.trim()).unwrap_or_else(|_| {
            d.push(
                "timezone",
                format!("unknown timezone `{name}` (expected an IANA name such as Asia/Shanghai)"),
            );
            Tz::UTC
        }),
        None => Tz::UTC,
    }
}

/// `version`: a non-empty string, or a whole number written bare.
fn version(root: &mut Section<'_>, d: &mut Diagnostics) -> String {
    match root.value("version") {
        None => {
            d.push("version", "missing required field");
            String::new()
        }
        Some(Value::String(text)) if !text.trim().is_empty() => text.trim().to_string(),
        Some(Value::String(_)) => {
            d.push("version", "empty version");
            String::new()
        }
        Some(Value::Integer(number)) => number.to_string(),
        Some(other) => {
            d.push(
                "version",
                format!("expected a string, found a {}", other.type_str()),
            );
            String::new()
        }
    }
}

/// `effective_from` and the optional `effective_to`, which must come after it.
fn effective_dates(
    root: &mut Section<'_>,
    d: &mut Diagnostics,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let effective_from = root.date(d, "effective_from");
    let effective_to = root.opt_date(d, "effective_to");
    if let (Some(from), Some(to)) = (effective_from, effective_to) {
        if to <= from {
            d.push(
                "effective_to",
                format!("effective_to {to} is not after effective_from {from}"),
            );
        }
    }
    (effective_from, effective_to)
}

/// The optional `assumptions`, trimmed; an empty one is reported.
fn assumptions(root: &mut Section<'_>, d: &mut Diagnostics) -> Vec<String> {
    let mut assumptions = Vec::new();
    for (field, text) in root.opt_strings(d, "assumptions") {
        if text.trim().is_empty() {
            d.push(field, "empty assumption");
        } else {
            assumptions.push(text.trim().to_string());
        }
    }
    assumptions
}
