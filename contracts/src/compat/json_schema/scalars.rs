//! Confluent's `StringSchemaDiff`, `NumberSchemaDiff`, `EnumSchemaDiff` and `ConstSchemaDiff`,
//! and the numeric bounds that strings, numbers, objects and arrays all compare the same way.

use serde_json::{Map, Value};

use super::context::{Ctx, Engine, Pos};
use super::messages::fmt_num;
use super::model::{Node, number};
use super::rules::{JsonSchemaRule, JsonSchemaRule as R};

/// The string keywords Confluent compares (`format` is not one).
#[derive(Debug)]
pub(super) struct StrK<'a> {
    max: Option<f64>,
    min: Option<f64>,
    pattern: Option<&'a str>,
}

impl<'a> StrK<'a> {
    pub(super) fn read(obj: &'a Map<String, Value>) -> Self {
        StrK {
            max: number(obj, "maxLength"),
            min: number(obj, "minLength"),
            pattern: obj.get("pattern").and_then(Value::as_str),
        }
    }
}

/// The number keywords Confluent compares; `integer` is `type: integer`, a narrowed number.
#[derive(Debug)]
pub(super) struct NumK {
    max: Option<f64>,
    min: Option<f64>,
    xmax: Option<f64>,
    xmin: Option<f64>,
    multiple: Option<f64>,
    pub(super) integer: bool,
}

impl NumK {
    pub(super) fn read(obj: &Map<String, Value>, integer: bool) -> Self {
        NumK {
            max: number(obj, "maximum"),
            min: number(obj, "minimum"),
            xmax: number(obj, "exclusiveMaximum"),
            xmin: number(obj, "exclusiveMinimum"),
            multiple: number(obj, "multipleOf"),
            integer,
        }
    }
}

/// An optional numeric keyword compared as a bound, and the rule for each way it can change.
pub(super) struct Bound {
    pub(super) keyword: &'static str,
    pub(super) added: JsonSchemaRule,
    pub(super) removed: JsonSchemaRule,
    pub(super) increased: JsonSchemaRule,
    pub(super) decreased: JsonSchemaRule,
}

pub(super) const MAX_LENGTH: Bound = Bound {
    keyword: "maxLength",
    added: R::MaxLengthAdded,
    removed: R::MaxLengthRemoved,
    increased: R::MaxLengthIncreased,
    decreased: R::MaxLengthDecreased,
};

pub(super) const MIN_LENGTH: Bound = Bound {
    keyword: "minLength",
    added: R::MinLengthAdded,
    removed: R::MinLengthRemoved,
    increased: R::MinLengthIncreased,
    decreased: R::MinLengthDecreased,
};

pub(super) const MAXIMUM: Bound = Bound {
    keyword: "maximum",
    added: R::MaximumAdded,
    removed: R::MaximumRemoved,
    increased: R::MaximumIncreased,
    decreased: R::MaximumDecreased,
};

pub(super) const MINIMUM: Bound = Bound {
    keyword: "minimum",
    added: R::MinimumAdded,
    removed: R::MinimumRemoved,
    increased: R::MinimumIncreased,
    decreased: R::MinimumDecreased,
};

pub(super) const EXCLUSIVE_MAXIMUM: Bound = Bound {
    keyword: "exclusiveMaximum",
    added: R::ExclusiveMaximumAdded,
    removed: R::ExclusiveMaximumRemoved,
    increased: R::ExclusiveMaximumIncreased,
    decreased: R::ExclusiveMaximumDecreased,
};

pub(super) const EXCLUSIVE_MINIMUM: Bound = Bound {
    keyword: "exclusiveMinimum",
    added: R::ExclusiveMinimumAdded,
    removed: R::ExclusiveMinimumRemoved,
    increased: R::ExclusiveMinimumIncreased,
    decreased: R::ExclusiveMinimumDecreased,
};

impl Engine<'_> {
    /// Compares an optional numeric keyword.
    pub(super) fn bound(
        &self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        bound: &Bound,
        a: Option<f64>,
        b: Option<f64>,
    ) {
        let keyword = bound.keyword;
        let (rule, detail) = match (a, b) {
            (None, None) => return,
            (None, Some(b)) => (bound.added, format!("gained {keyword} {}", fmt_num(b))),
            (Some(a), None) => (bound.removed, format!("lost {keyword} {}", fmt_num(a))),
            (Some(a), Some(b)) => match a.partial_cmp(&b) {
                Some(std::cmp::Ordering::Less) => (
                    bound.increased,
                    format!("{keyword} increased from {} to {}", fmt_num(a), fmt_num(b)),
                ),
                Some(std::cmp::Ordering::Greater) => (
                    bound.decreased,
                    format!("{keyword} decreased from {} to {}", fmt_num(a), fmt_num(b)),
                ),
                _ => return,
            },
        };
        self.add(ctx, rule, Pos::new(o, u).attr(&[keyword]), detail);
    }

    /// `StringSchemaDiff.compare`.
    pub(super) fn compare_strings(
        &self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: &StrK<'_>,
        b: &StrK<'_>,
    ) {
        self.bound(ctx, o, u, &MAX_LENGTH, a.max, b.max);
        self.bound(ctx, o, u, &MIN_LENGTH, a.min, b.min);
        let (rule, detail) = match (a.pattern, b.pattern) {
            (None, Some(p)) => (R::PatternAdded, format!("gained pattern `{p}`")),
            (Some(p), None) => (R::PatternRemoved, format!("lost pattern `{p}`")),
            (Some(p), Some(q)) if p != q => (
                R::PatternChanged,
                format!("changed pattern from `{p}` to `{q}`"),
            ),
            _ => return,
        };
        self.add(ctx, rule, Pos::new(o, u).attr(&["pattern"]), detail);
    }

    /// `NumberSchemaDiff.compare`.
    pub(super) fn compare_numbers(&self, ctx: &mut Ctx, o: &Node, u: &Node, a: &NumK, b: &NumK) {
        self.bound(ctx, o, u, &MAXIMUM, a.max, b.max);
        self.bound(ctx, o, u, &MINIMUM, a.min, b.min);
        self.bound(ctx, o, u, &EXCLUSIVE_MAXIMUM, a.xmax, b.xmax);
        self.bound(ctx, o, u, &EXCLUSIVE_MINIMUM, a.xmin, b.xmin);
        let multiple = match (a.multiple, b.multiple) {
            (None, None) => None,
            (None, Some(m)) => Some((
                R::MultipleOfAdded,
                format!("gained multipleOf {}", fmt_num(m)),
            )),
            (Some(m), None) => Some((
                R::MultipleOfRemoved,
                format!("lost multipleOf {}", fmt_num(m)),
            )),
            (Some(x), Some(y)) if !same_number(x, y) => {
                let rule = if divides(x, y) {
                    R::MultipleOfExpanded
                } else if divides(y, x) {
                    R::MultipleOfReduced
                } else {
                    R::MultipleOfChanged
                };
                Some((
                    rule,
                    format!("changed multipleOf from {} to {}", fmt_num(x), fmt_num(y)),
                ))
            }
            _ => None,
        };
        if let Some((rule, detail)) = multiple {
            self.add(ctx, rule, Pos::new(o, u).attr(&["multipleOf"]), detail);
        }
        if a.integer != b.integer {
            let (rule, detail) = if a.integer {
                (R::TypeExtended, "was widened from integer to number")
            } else {
                (R::TypeNarrowed, "was narrowed from number to integer")
            };
            self.add(
                ctx,
                rule,
                Pos::new(o, u).attrs(&["type"], &["type"]),
                detail.to_string(),
            );
        }
    }

    /// `EnumSchemaDiff.compare`.
    pub(super) fn compare_enums(
        &self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: &[Value],
        b: &[Value],
    ) {
        let a_in_b = a.iter().all(|v| b.contains(v));
        let b_in_a = b.iter().all(|v| a.contains(v));
        let rule = match (a_in_b, b_in_a) {
            (true, true) => return,
            (true, false) => R::EnumArrayExtended,
            (false, true) => R::EnumArrayNarrowed,
            (false, false) => R::EnumArrayChanged,
        };
        let missing: Vec<String> = a
            .iter()
            .filter(|v| !b.contains(v))
            .map(Value::to_string)
            .collect();
        let detail = if missing.is_empty() {
            "gained enum values".to_string()
        } else {
            format!("no longer allows enum value(s) {}", missing.join(", "))
        };
        self.add(ctx, rule, Pos::new(o, u).attr(&["enum"]), detail);
    }

    /// `ConstSchemaDiff.compare`: a changed const is reported as a changed enum.
    pub(super) fn compare_consts(&self, ctx: &mut Ctx, o: &Node, u: &Node, a: &Value, b: &Value) {
        if a != b {
            let detail = format!("changed its const from {a} to {b}");
            self.add(
                ctx,
                R::EnumArrayChanged,
                Pos::new(o, u).attr(&["const"]),
                detail,
            );
        }
    }
}

fn same_number(a: f64, b: f64) -> bool {
    a.partial_cmp(&b) == Some(std::cmp::Ordering::Equal)
}

/// Whether `b` is a whole multiple of `a` (`b % a == 0`, tolerant of binary fractions).
fn divides(a: f64, b: f64) -> bool {
    if a == 0.0 || !a.is_finite() || !b.is_finite() {
        return false;
    }
    let q = b / a;
    (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiple_of_uses_exact_divisibility() {
        assert!(divides(0.5, 10.0));
        assert!(divides(0.1, 0.3));
        assert!(!divides(10.0, 0.5));
        assert!(!divides(0.0, 1.0));
    }
}
