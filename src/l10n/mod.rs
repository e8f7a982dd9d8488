//! The readers' language: one Fluent message catalogue per language (`data/locales/`),
//! compiled into the binary, and the texts of findings, coverage and the workbook rendered
//! from it. Rendering is cheap: the catalogue is parsed once per process, and the messages
//! are compiled into templates that write straight into a `String`.

mod template;

#[cfg(test)]
mod tests;

use std::fmt::{self, Write as _};
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use foldhash::HashMap;
use rust_decimal::Decimal;
use unic_langid::LanguageIdentifier;

use crate::ticket::Column;
use template::{Plurals, Template};

/// The language of the workbook and of the findings' texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English (`en`), the default.
    #[default]
    En,
    /// Simplified Chinese (`zh-CN`).
    ZhCn,
}

impl Lang {
    /// Every language with a catalogue.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The tag as `--lang` takes it: `en`, `zh-CN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The catalogue's files, in the order they are added to the bundle.
    fn sources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => &[
                (
                    "en/rules.ftl",
                    include_str!("../../data/locales/en/rules.ftl"),
                ),
                (
                    "en/workbook.ftl",
                    include_str!("../../data/locales/en/workbook.ftl"),
                ),
            ],
            Lang::ZhCn => &[
                (
                    "zh-CN/rules.ftl",
                    include_str!("../../data/locales/zh-CN/rules.ftl"),
                ),
                (
                    "zh-CN/workbook.ftl",
                    include_str!("../../data/locales/zh-CN/workbook.ftl"),
                ),
            ],
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `--lang` value that is not a catalogue's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`: expected `en` or `zh-CN`")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(text: &str) -> Result<Lang, UnknownLang> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "en" => Ok(Lang::En),
            "zh-cn" | "zh" | "zh-hans" => Ok(Lang::ZhCn),
            _ => Err(UnknownLang(text.to_string())),
        }
    }
}

/// One argument of a message. Dates are written the language's way (`2025-10-13`,
/// `2025年10月13日`); numbers select plural variants.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// Text written as it is (ids, codes, already rendered phrases).
    Str(&'a str),
    /// A whole number: counts of days, hours, rows.
    Num(i64),
    /// An amount, written with its scale (`20.00`).
    Money(Decimal),
    /// A calendar date.
    Date(NaiveDate),
    /// A local date and time, to the minute.
    Minute(NaiveDateTime),
}

/// A value that can be passed to a message (see the [`tr!`](crate::tr) macro).
pub trait IntoArg {
    /// The argument for this value.
    fn arg(&self) -> Arg<'_>;
}

impl IntoArg for str {
    fn arg(&self) -> Arg<'_> {
        Arg::Str(self)
    }
}

impl IntoArg for String {
    fn arg(&self) -> Arg<'_> {
        Arg::Str(self)
    }
}

impl IntoArg for crate::ticket::CompactString {
    fn arg(&self) -> Arg<'_> {
        Arg::Str(self)
    }
}

impl<T: IntoArg + ?Sized> IntoArg for &T {
    fn arg(&self) -> Arg<'_> {
        (**self).arg()
    }
}

impl IntoArg for Arg<'_> {
    fn arg(&self) -> Arg<'_> {
        *self
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn arg(&self) -> Arg<'_> {
                Arg::Num(i64::from(*self))
            }
        }
    )*};
}
number_arg!(u32, i32, i64, u16, u8);

macro_rules! wide_number_arg {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn arg(&self) -> Arg<'_> {
                Arg::Num(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
wide_number_arg!(u64, usize);

impl IntoArg for Decimal {
    fn arg(&self) -> Arg<'_> {
        Arg::Money(*self)
    }
}

impl IntoArg for NaiveDate {
    fn arg(&self) -> Arg<'_> {
        Arg::Date(*self)
    }
}

impl IntoArg for NaiveDateTime {
    fn arg(&self) -> Arg<'_> {
        Arg::Minute(*self)
    }
}

/// Renders a message of a catalogue: `tr!(texts, "message-id", name = value, …)`. The id
/// and the names are literals, so a test can check them against the catalogues.
#[macro_export]
macro_rules! tr {
    ($texts:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $texts.render($id, &[$((stringify!($name), $crate::l10n::IntoArg::arg(&$value))),*])
    };
}

/// What a template needs to write arguments: the language's date style and plural rules.
pub(crate) struct Writer<'a> {
    lang: Lang,
    plurals: &'a Plurals,
}

impl Writer<'_> {
    fn write_arg(&self, out: &mut String, arg: &Arg<'_>) {
        let _ = match (arg, self.lang) {
            (Arg::Str(text), _) => {
                out.push_str(text);
                Ok(())
            }
            (Arg::Num(n), _) => write!(out, "{n}"),
            (Arg::Money(amount), _) => write!(out, "{amount}"),
            (Arg::Date(date), Lang::En) => write!(out, "{date}"),
            (Arg::Date(date), Lang::ZhCn) => {
                write!(out, "{}年{}月{}日", date.year(), date.month(), date.day())
            }
            (Arg::Minute(at), Lang::En) => {
                write!(out, "{} {:02}:{:02}", at.date(), at.hour(), at.minute())
            }
            (Arg::Minute(at), Lang::ZhCn) => write!(
                out,
                "{}年{}月{}日 {:02}:{:02}",
                at.year(),
                at.month(),
                at.day(),
                at.hour(),
                at.minute()
            ),
        };
    }
}

/// A compiled message: a fast template, or the bundle for messages it does not cover.
enum Compiled {
    Fast(Template),
    Bundle,
}

/// One language's catalogue, parsed and compiled once per process.
pub struct Texts {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    messages: HashMap<String, Compiled>,
    plurals: Plurals,
    /// The label of each ticket column (`field-received_at`), by [`Column`] position.
    fields: Vec<String>,
    /// The ids of the workbook's fixed labels (`wb-` messages without variables).
    label_ids: Vec<String>,
    /// English label → the label in this language (empty for English).
    labels: HashMap<String, String>,
}

impl fmt::Debug for Texts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Texts")
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

impl Texts {
    /// The catalogue of `lang`, built on first use.
    pub fn of(lang: Lang) -> &'static Texts {
        static EN: OnceLock<Texts> = OnceLock::new();
        static ZH_CN: OnceLock<Texts> = OnceLock::new();
        let cell = match lang {
            Lang::En => &EN,
            Lang::ZhCn => &ZH_CN,
        };
        cell.get_or_init(|| Texts::build(lang))
    }

    fn build(lang: Lang) -> Texts {
        let id: LanguageIdentifier = lang.as_str().parse().expect("a valid language tag");
        let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
        bundle.set_use_isolating(false);
        bundle.add_builtins().expect("the builtin functions");
        let mut messages = HashMap::default();
        let mut label_ids = Vec::new();
        for (name, source) in lang.sources() {
            let resource = FluentResource::try_new((*source).to_string())
                .unwrap_or_else(|(_, errors)| panic!("{name} does not parse: {errors:?}"));
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(message) = entry {
                    let compiled = message
                        .value
                        .as_ref()
                        .and_then(Template::compile)
                        .map_or(Compiled::Bundle, Compiled::Fast);
                    let fixed = message.value.as_ref().is_some_and(|pattern| {
                        pattern.elements.iter().all(|element| {
                            matches!(
                                element,
                                fluent_syntax::ast::PatternElement::TextElement { .. }
                            )
                        })
                    });
                    if fixed && message.id.name.starts_with("wb-") {
                        label_ids.push(message.id.name.to_string());
                    }
                    messages.insert(message.id.name.to_string(), compiled);
                }
            }
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("{name}: {errors:?}"));
        }
        let mut texts = Texts {
            lang,
            bundle,
            messages,
            plurals: Plurals::new(&id),
            fields: Vec::new(),
            label_ids,
            labels: HashMap::default(),
        };
        if lang != Lang::En {
            let english = Texts::of(Lang::En);
            texts.labels = texts
                .label_ids
                .iter()
                .map(|id| (english.render(id, &[]), texts.render(id, &[])))
                .collect();
        }
        texts.fields = Column::ALL
            .iter()
            .map(|column| {
                let id = format!("field-{}", column.name());
                if texts.messages.contains_key(&id) {
                    texts.render(&id, &[])
                } else {
                    column.name().to_string()
                }
            })
            .collect();
        texts
    }

    /// The language of this catalogue.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// A fixed label of the workbook, given in English (the `en` catalogue's text of a
    /// `wb-` message without variables), in this language: `Findings` → `问题明细`. Text that is no
    /// label (a store name, a path) is returned as it is.
    pub fn label<'a>(&'a self, english: &'a str) -> &'a str {
        if self.labels.is_empty() {
            return english;
        }
        self.labels.get(english).map_or(english, String::as_str)
    }

    /// The label of a ticket column as texts name it (`received_at` → `入库时间`).
    pub fn field(&self, column: Column) -> &str {
        &self.fields[column as usize]
    }

    /// Message `id` with `args`. An id missing from the catalogue renders as the id itself
    /// (a test checks every id the code uses).
    pub fn render(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        if let Some(Compiled::Fast(template)) = self.messages.get(id) {
            let mut out = String::with_capacity(template.capacity);
            template.write(&mut out, args, &self.writer());
            return out;
        }
        let mut out = String::new();
        self.render_into(&mut out, id, args);
        out
    }

    fn writer(&self) -> Writer<'_> {
        Writer {
            lang: self.lang,
            plurals: &self.plurals,
        }
    }

    /// [`Texts::render`], appended to `out`.
    pub fn render_into(&self, out: &mut String, id: &str, args: &[(&str, Arg<'_>)]) {
        match self.messages.get(id) {
            Some(Compiled::Fast(template)) => template.write(out, args, &self.writer()),
            Some(Compiled::Bundle) => out.push_str(&self.render_with_fluent(id, args).0),
            None => out.push_str(id),
        }
    }

    /// The message rendered by the Fluent bundle itself, with the errors it reported
    /// (missing variables among them).
    pub(crate) fn render_with_fluent(
        &self,
        id: &str,
        args: &[(&str, Arg<'_>)],
    ) -> (String, Vec<String>) {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return (id.to_string(), vec![format!("no message `{id}`")]);
        };
        let writer = Writer {
            lang: self.lang,
            plurals: &self.plurals,
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, arg) in args {
            let value = match arg {
                Arg::Num(n) => FluentValue::from(*n),
                other => {
                    let mut text = String::new();
                    writer.write_arg(&mut text, other);
                    FluentValue::from(text)
                }
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned();
        (text, errors.iter().map(ToString::to_string).collect())
    }

    /// Every message id of the catalogue.
    #[cfg(test)]
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    /// The variables message `id` refers to, in every variant.
    #[cfg(test)]
    pub(crate) fn variables(&self, id: &str) -> Vec<String> {
        let mut found = Vec::new();
        if let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) {
            tests::collect_variables(pattern, &mut found);
        }
        found
    }

    /// Whether message `id` renders through a compiled template.
    #[cfg(test)]
    pub(crate) fn is_fast(&self, id: &str) -> bool {
        matches!(self.messages.get(id), Some(Compiled::Fast(_)))
    }
}
