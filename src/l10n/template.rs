//! Messages compiled once from the catalogue's syntax tree into pieces that render straight
//! into a `String`: text, variables, and selections on a variable (exact keys and plural
//! categories). A message using anything else is left to the Fluent bundle, which gives the
//! same text more slowly; a test renders every message both ways.

use std::fmt::Write as _;

use fluent_syntax::ast;
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};

use super::Arg;

/// One compiled message.
#[derive(Debug)]
pub(super) struct Template {
    pieces: Vec<Piece>,
    /// Bytes to reserve before writing: the text, and a dozen per variable.
    pub(super) capacity: usize,
}

#[derive(Debug)]
enum Piece {
    Text(String),
    Var(String),
    Select(Select),
}

#[derive(Debug)]
struct Select {
    variable: String,
    /// Selected with `NUMBER($n, type: "ordinal")`: ordinal plural categories.
    ordinal: bool,
    variants: Vec<(Key, Vec<Piece>)>,
    default: usize,
}

#[derive(Debug)]
enum Key {
    /// `[1]`: matches the number 1 (cardinal selections only, as in Fluent).
    Number(i64),
    /// `[one]`: a plural category, or a word matched against a text argument.
    Word(String),
}

/// The plural rules of a language, both kinds, made once.
pub(super) struct Plurals {
    cardinal: PluralRules,
    ordinal: PluralRules,
}

impl Plurals {
    pub(super) fn new(lang: &unic_langid::LanguageIdentifier) -> Plurals {
        Plurals {
            cardinal: rules_for(lang, PluralRuleType::CARDINAL),
            ordinal: rules_for(lang, PluralRuleType::ORDINAL),
        }
    }

    fn category(&self, ordinal: bool, n: i64) -> Option<PluralCategory> {
        let rules = if ordinal {
            &self.ordinal
        } else {
            &self.cardinal
        };
        rules.select(n).ok()
    }
}

/// The rules of `lang`, else of its language alone (`zh-CN` → `zh`), as Fluent looks
/// them up.
fn rules_for(lang: &unic_langid::LanguageIdentifier, kind: PluralRuleType) -> PluralRules {
    let language_only = unic_langid::LanguageIdentifier::from_parts(lang.language, None, None, &[]);
    PluralRules::create(lang.clone(), kind)
        .or_else(|_| PluralRules::create(language_only, kind))
        .expect("plural rules for a bundled language")
}

impl Template {
    /// The compiled form of a message's value, or `None` where it uses more than this
    /// renderer knows.
    pub(super) fn compile(pattern: &ast::Pattern<&str>) -> Option<Template> {
        let pieces = pieces(pattern)?;
        Some(Template {
            capacity: capacity(&pieces),
            pieces,
        })
    }

    /// Writes the message with `args`; a missing variable is written `{$name}`, as Fluent
    /// writes it.
    pub(super) fn write(
        &self,
        out: &mut String,
        args: &[(&str, Arg<'_>)],
        ctx: &super::Writer<'_>,
    ) {
        write_pieces(&self.pieces, out, args, ctx);
    }
}

fn capacity(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.len(),
            Piece::Var(_) => 12,
            Piece::Select(select) => select
                .variants
                .iter()
                .map(|(_, pieces)| capacity(pieces))
                .max()
                .unwrap_or(0),
        })
        .sum()
}

fn pieces(pattern: &ast::Pattern<&str>) -> Option<Vec<Piece>> {
    pattern
        .elements
        .iter()
        .map(|element| match element {
            ast::PatternElement::TextElement { value } => Some(Piece::Text((*value).to_string())),
            ast::PatternElement::Placeable { expression } => placeable(expression),
        })
        .collect()
}

fn placeable(expression: &ast::Expression<&str>) -> Option<Piece> {
    match expression {
        ast::Expression::Inline(inline) => inline_piece(inline),
        ast::Expression::Select { selector, variants } => {
            let (variable, ordinal) = selector_of(selector)?;
            let mut compiled = Vec::with_capacity(variants.len());
            let mut default = 0;
            for (index, variant) in variants.iter().enumerate() {
                let key = match &variant.key {
                    ast::VariantKey::Identifier { name } => Key::Word((*name).to_string()),
                    ast::VariantKey::NumberLiteral { value } => {
                        if ordinal {
                            return None;
                        }
                        Key::Number(value.parse().ok()?)
                    }
                };
                if variant.default {
                    default = index;
                }
                compiled.push((key, pieces(&variant.value)?));
            }
            Some(Piece::Select(Select {
                variable,
                ordinal,
                variants: compiled,
                default,
            }))
        }
    }
}

fn inline_piece(inline: &ast::InlineExpression<&str>) -> Option<Piece> {
    match inline {
        ast::InlineExpression::VariableReference { id } => Some(Piece::Var(id.name.to_string())),
        ast::InlineExpression::StringLiteral { value } if !value.contains('\\') => {
            Some(Piece::Text((*value).to_string()))
        }
        ast::InlineExpression::Placeable { expression } => placeable(expression),
        _ => None,
    }
}

/// `$n` or `NUMBER($n, type: "ordinal")`.
fn selector_of(selector: &ast::InlineExpression<&str>) -> Option<(String, bool)> {
    match selector {
        ast::InlineExpression::VariableReference { id } => Some((id.name.to_string(), false)),
        ast::InlineExpression::FunctionReference { id, arguments } if id.name == "NUMBER" => {
            let [ast::InlineExpression::VariableReference { id: variable }] =
                arguments.positional.as_slice()
            else {
                return None;
            };
            let [named] = arguments.named.as_slice() else {
                return None;
            };
            match (&named.name.name, &named.value) {
                (&"type", ast::InlineExpression::StringLiteral { value: "ordinal" }) => {
                    Some((variable.name.to_string(), true))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn write_pieces(
    pieces: &[Piece],
    out: &mut String,
    args: &[(&str, Arg<'_>)],
    ctx: &super::Writer<'_>,
) {
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Var(name) => match find(args, name) {
                Some(arg) => ctx.write_arg(out, arg),
                None => {
                    let _ = write!(out, "{{${name}}}");
                }
            },
            Piece::Select(select) => {
                let chosen = find(args, &select.variable)
                    .and_then(|arg| choose(select, arg, ctx))
                    .unwrap_or(select.default);
                write_pieces(&select.variants[chosen].1, out, args, ctx);
            }
        }
    }
}

fn find<'a, 'b>(args: &'a [(&str, Arg<'b>)], name: &str) -> Option<&'a Arg<'b>> {
    args.iter()
        .find(|(key, _)| *key == name)
        .map(|(_, arg)| arg)
}

/// The variant Fluent would choose: the first key that matches, in order.
fn choose(select: &Select, arg: &Arg<'_>, ctx: &super::Writer<'_>) -> Option<usize> {
    select
        .variants
        .iter()
        .position(|(key, _)| match (key, arg) {
            (Key::Number(k), Arg::Num(n)) => !select.ordinal && k == n,
            (Key::Word(word), Arg::Num(n)) => plural_category(word)
                .is_some_and(|cat| ctx.plurals.category(select.ordinal, *n) == Some(cat)),
            (Key::Word(word), Arg::Str(text)) => word == text,
            _ => false,
        })
}

fn plural_category(word: &str) -> Option<PluralCategory> {
    Some(match word {
        "zero" => PluralCategory::ZERO,
        "one" => PluralCategory::ONE,
        "two" => PluralCategory::TWO,
        "few" => PluralCategory::FEW,
        "many" => PluralCategory::MANY,
        "other" => PluralCategory::OTHER,
        _ => return None,
    })
}
