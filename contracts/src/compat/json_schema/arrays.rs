//! Confluent's `ArraySchemaDiff`: `items` (one schema for all items, or a tuple), open, closed
//! and partially open tuples, `additionalItems`, `unevaluatedItems`, `maxItems`, `minItems`,
//! `uniqueItems`, `maxContains` and `minContains`. The 2020-12 spellings (`prefixItems`, `items`
//! after it) are read into the same model.

use serde_json::{Map, Value};

use super::context::{Ctx, Engine, Pos};
use super::loader::Loader;
use super::model::{Additional, Draft, Extra, Kind, Node, number};
use super::rules::{JsonSchemaRule, JsonSchemaRule as R};
use super::scalars::Bound;

/// The array keywords Confluent compares, whichever draft spells them.
#[derive(Debug)]
pub(super) struct ArrK {
    all: Option<Node>,
    tuple: Vec<Node>,
    tuple_kw: &'static str,
    extra: Extra,
    extra_kw: &'static str,
    max: Option<f64>,
    min: Option<f64>,
    unique: bool,
    max_contains: Option<f64>,
    min_contains: Option<f64>,
    uneval: Option<Node>,
}

const MAX_ITEMS: Bound = Bound {
    keyword: "maxItems",
    added: R::MaxItemsAdded,
    removed: R::MaxItemsRemoved,
    increased: R::MaxItemsIncreased,
    decreased: R::MaxItemsDecreased,
};

const MIN_ITEMS: Bound = Bound {
    keyword: "minItems",
    added: R::MinItemsAdded,
    removed: R::MinItemsRemoved,
    increased: R::MinItemsIncreased,
    decreased: R::MinItemsDecreased,
};

const MAX_CONTAINS: Bound = Bound {
    keyword: "maxContains",
    added: R::MaxContainsAdded,
    removed: R::MaxContainsRemoved,
    increased: R::MaxContainsIncreased,
    decreased: R::MaxContainsDecreased,
};

const MIN_CONTAINS: Bound = Bound {
    keyword: "minContains",
    added: R::MinContainsAdded,
    removed: R::MinContainsRemoved,
    increased: R::MinContainsIncreased,
    decreased: R::MinContainsDecreased,
};

/// `unevaluatedItems` or `unevaluatedProperties`, and the rule for each way it can change.
pub(super) struct Unevaluated {
    pub(super) keyword: &'static str,
    pub(super) added: JsonSchemaRule,
    pub(super) removed: JsonSchemaRule,
    pub(super) extended: JsonSchemaRule,
    pub(super) narrowed: JsonSchemaRule,
}

const UNEVALUATED_ITEMS: Unevaluated = Unevaluated {
    keyword: "unevaluatedItems",
    added: R::UnevaluatedItemsAdded,
    removed: R::UnevaluatedItemsRemoved,
    extended: R::UnevaluatedItemsExtended,
    narrowed: R::UnevaluatedItemsNarrowed,
};

impl<'a> Loader<'a> {
    pub(super) fn load_array(
        &self,
        node: &Node,
        obj: &'a Map<String, Value>,
        draft: Draft,
    ) -> ArrK {
        let tuple_of = |keyword: &str| -> Vec<Node> {
            match obj.get(keyword) {
                Some(Value::Array(items)) => (0..items.len())
                    .map(|i| self.child(node, &[keyword, &i.to_string()]))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (all, tuple, tuple_kw, extra, extra_kw) = if draft >= Draft::D2020 {
            let tuple = tuple_of("prefixItems");
            match obj.get("items") {
                Some(Value::Object(_)) if !obj.contains_key("prefixItems") => (
                    Some(self.child(node, &["items"])),
                    tuple,
                    "prefixItems",
                    Extra::Flag(Additional::Open),
                    "items",
                ),
                _ => (
                    None,
                    tuple,
                    "prefixItems",
                    self.extra(node, obj, "items"),
                    "items",
                ),
            }
        } else {
            let (all, tuple) = match obj.get("items") {
                Some(Value::Array(_)) => (None, tuple_of("items")),
                Some(Value::Object(_) | Value::Bool(_)) => {
                    (Some(self.child(node, &["items"])), Vec::new())
                }
                _ => (None, Vec::new()),
            };
            (
                all,
                tuple,
                "items",
                self.extra(node, obj, "additionalItems"),
                "additionalItems",
            )
        };
        let uneval = if draft >= Draft::D2019 {
            self.schema_child(node, obj, "unevaluatedItems")
        } else {
            None
        };
        ArrK {
            all,
            tuple,
            tuple_kw,
            extra,
            extra_kw,
            max: number(obj, "maxItems"),
            min: number(obj, "minItems"),
            unique: obj.get("uniqueItems") == Some(&Value::Bool(true)),
            max_contains: number(obj, "maxContains"),
            min_contains: number(obj, "minContains"),
            uneval,
        }
    }
}

impl Engine<'_> {
    /// `ArraySchemaDiff.compare`.
    pub(super) fn compare_arrays(&mut self, ctx: &mut Ctx, o: &Node, u: &Node, a: &ArrK, b: &ArrK) {
        self.compare_items(ctx, o, u, a, b);
        self.compare_tuples(ctx, o, u, a, b);
        self.compare_additional_items(ctx, o, u, a, b);
        self.compare_unevaluated(
            ctx,
            o,
            u,
            a.uneval.as_ref(),
            b.uneval.as_ref(),
            &UNEVALUATED_ITEMS,
        );
        self.bound(ctx, o, u, &MAX_ITEMS, a.max, b.max);
        self.bound(ctx, o, u, &MIN_ITEMS, a.min, b.min);
        if a.unique != b.unique {
            let rule = if a.unique {
                R::UniqueItemsRemoved
            } else {
                R::UniqueItemsAdded
            };
            self.add(
                ctx,
                rule,
                Pos::new(o, u).attr(&["uniqueItems"]),
                String::new(),
            );
        }
        self.bound(ctx, o, u, &MAX_CONTAINS, a.max_contains, b.max_contains);
        self.bound(ctx, o, u, &MIN_CONTAINS, a.min_contains, b.min_contains);
    }

    /// `items` as one schema for all items.
    fn compare_items(&mut self, ctx: &mut Ctx, o: &Node, u: &Node, a: &ArrK, b: &ArrK) {
        let all = || Pos::new(o, u).attr(&["items"]).path(&["items"], &[]);
        match (&a.all, &b.all) {
            (None, Some(_)) => self.add(ctx, R::SchemaAdded, all(), String::new()),
            (Some(_), None) => self.add(ctx, R::SchemaRemoved, all(), String::new()),
            (Some(x), Some(y)) => {
                let sub = self.compare(x, y);
                ctx.merge(&sub, &["items".to_string()], &["*".to_string()]);
            }
            (None, None) => {}
        }
    }

    /// Tuple items: compared by position; those on one side only are judged by the other
    /// side's content model.
    fn compare_tuples(&mut self, ctx: &mut Ctx, o: &Node, u: &Node, a: &ArrK, b: &ArrK) {
        let common = a.tuple.len().min(b.tuple.len());
        for i in 0..common {
            let sub = self.compare(&a.tuple[i], &b.tuple[i]);
            ctx.merge(&sub, &[format!("items/{i}")], &[i.to_string()]);
        }
        let b_open = self.array_is_open(b);
        let a_open = self.array_is_open(a);
        for (i, item) in a.tuple.iter().enumerate().skip(common) {
            let index = i.to_string();
            let here = Pos::new(o, u)
                .attrs(&[a.tuple_kw, &index], &[b.tuple_kw, &index])
                .path(&[&format!("items/{i}")], &[&index]);
            if b_open {
                self.add(ctx, R::ItemRemovedFromOpenContentModel, here, String::new());
            } else if let Some(partial) = self.array_partial(b) {
                let sub = self.compare(item, &partial);
                ctx.merge(&sub, &[format!("items/{i}")], std::slice::from_ref(&index));
                let rule = if sub.compatible() {
                    R::ItemRemovedIsCoveredByPartiallyOpenContentModel
                } else {
                    R::ItemRemovedNotCoveredByPartiallyOpenContentModel
                };
                self.add(ctx, rule, here, String::new());
            } else if self.loader.is_false_schema(item) {
                self.add(
                    ctx,
                    R::ItemWithFalseRemovedFromClosedContentModel,
                    here,
                    String::new(),
                );
            } else {
                self.add(
                    ctx,
                    R::ItemRemovedFromClosedContentModel,
                    here,
                    String::new(),
                );
            }
        }
        for (i, item) in b.tuple.iter().enumerate().skip(common) {
            let index = i.to_string();
            let here = Pos::new(o, u)
                .attrs(&[a.tuple_kw, &index], &[b.tuple_kw, &index])
                .path(&[&format!("items/{i}")], &[&index]);
            if a_open {
                let rule = if self.loader.is_empty_schema(item) {
                    R::ItemWithEmptySchemaAddedToOpenContentModel
                } else {
                    R::ItemAddedToOpenContentModel
                };
                self.add(ctx, rule, here, String::new());
            } else if let Some(partial) = self.array_partial(a) {
                let sub = self.compare(&partial, item);
                ctx.merge(&sub, &[format!("items/{i}")], std::slice::from_ref(&index));
                let rule = if sub.compatible() {
                    R::ItemAddedIsCoveredByPartiallyOpenContentModel
                } else {
                    R::ItemAddedNotCoveredByPartiallyOpenContentModel
                };
                self.add(ctx, rule, here, String::new());
            } else {
                self.add(ctx, R::ItemAddedToClosedContentModel, here, String::new());
            }
        }
    }

    /// `additionalItems` (2020-12: `items` after `prefixItems`): opened, closed, or its schema
    /// compared.
    fn compare_additional_items(&mut self, ctx: &mut Ctx, o: &Node, u: &Node, a: &ArrK, b: &ArrK) {
        let pos = || {
            Pos::new(o, u)
                .attrs(&[a.extra_kw], &[b.extra_kw])
                .path(&["additionalItems"], &[])
        };
        if a.extra.permits() != b.extra.permits() {
            let rule = if a.extra.permits() {
                R::AdditionalItemsRemoved
            } else {
                R::AdditionalItemsAdded
            };
            self.add(ctx, rule, pos(), String::new());
        } else {
            match (a.extra.schema(), b.extra.schema()) {
                (None, Some(_)) => self.add(ctx, R::AdditionalItemsNarrowed, pos(), String::new()),
                (Some(_), None) => self.add(ctx, R::AdditionalItemsExtended, pos(), String::new()),
                (Some(x), Some(y)) => {
                    let sub = self.compare(x, y);
                    ctx.merge(&sub, &["additionalItems".to_string()], &["*".to_string()]);
                }
                (None, None) => {}
            }
        }
    }

    /// `ArraySchemaDiff.compareUnevaluatedItems`, also used for `unevaluatedProperties`.
    pub(super) fn compare_unevaluated(
        &mut self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: Option<&Node>,
        b: Option<&Node>,
        rules: &Unevaluated,
    ) {
        #[derive(PartialEq)]
        enum U {
            Absent,
            False,
            Empty,
            Schema,
        }
        let class = |n: Option<&Node>| match n {
            None => U::Absent,
            Some(n) => match self.loader.load(n).kind {
                Kind::False => U::False,
                Kind::Empty => U::Empty,
                _ => U::Schema,
            },
        };
        let keyword = rules.keyword;
        let (ua, ub) = (class(a), class(b));
        let change = match (&ua, &ub) {
            (U::Absent, U::Absent) => return,
            (U::Absent, x) => Some(if *x == U::False {
                rules.removed
            } else {
                rules.narrowed
            }),
            (x, U::Absent) => Some(if *x == U::False {
                rules.added
            } else {
                rules.extended
            }),
            (U::False, x) if *x != U::False => Some(rules.added),
            (x, U::False) if *x != U::False => Some(rules.removed),
            (U::Empty, x) if *x != U::Empty => Some(rules.narrowed),
            (x, U::Empty) if *x != U::Empty => Some(rules.extended),
            _ => None,
        };
        match (change, a, b) {
            (Some(rule), ..) => {
                self.add(
                    ctx,
                    rule,
                    Pos::new(o, u).attr(&[keyword]).path(&[keyword], &[]),
                    String::new(),
                );
            }
            (None, Some(x), Some(y)) => {
                let sub = self.compare(x, y);
                ctx.merge(&sub, &[keyword.to_string()], &["*".to_string()]);
            }
            _ => {}
        }
    }

    /// Whether `unevaluatedItems` / `unevaluatedProperties` leaves a content model open.
    pub(super) fn uneval_is_open(&self, uneval: Option<&Node>) -> bool {
        uneval.is_none_or(|n| self.loader.is_empty_schema(n))
    }

    /// The schema `unevaluatedItems` / `unevaluatedProperties` gives what nothing else
    /// declares, when it makes the content model partially open.
    pub(super) fn uneval_partial(&self, permits: bool, uneval: Option<&Node>) -> Option<Node> {
        let uneval = uneval?;
        (permits && !self.loader.is_false_schema(uneval) && !self.loader.is_empty_schema(uneval))
            .then(|| uneval.clone())
    }

    fn array_is_open(&self, k: &ArrK) -> bool {
        k.extra.permits() && k.extra.schema().is_none() && self.uneval_is_open(k.uneval.as_ref())
    }

    /// The schema a partially open array gives a tuple item it does not declare.
    fn array_partial(&self, k: &ArrK) -> Option<Node> {
        if let Some(schema) = k.extra.schema() {
            return Some(schema.clone());
        }
        self.uneval_partial(k.extra.permits(), k.uneval.as_ref())
    }
}
