//! Confluent's `ObjectSchemaDiff`: `required`, `properties` in open, closed and partially open
//! content models, `dependencies` (and 2019-09's `dependentRequired` / `dependentSchemas`),
//! `additionalProperties`, `unevaluatedProperties`, `maxProperties` and `minProperties`.

use serde_json::{Map, Value};

use super::arrays::Unevaluated;
use super::context::{Ctx, Engine, Pos};
use super::loader::Loader;
use super::model::{Draft, Extra, Node, number};
use super::rules::JsonSchemaRule as R;
use super::scalars::Bound;
use crate::pointer::pointer_join_all;

/// The object keywords Confluent compares.
#[derive(Debug)]
pub(super) struct ObjK<'a> {
    props: Vec<(&'a str, Node)>,
    required: Vec<&'a str>,
    patterns: Vec<(&'a str, Node)>,
    extra: Extra,
    /// Property dependencies: the names a property requires.
    dep_arrays: Vec<Dependency<'a, Vec<&'a Value>>>,
    /// Schema dependencies: the schema that applies when a property is present.
    dep_schemas: Vec<Dependency<'a, Node>>,
    max: Option<f64>,
    min: Option<f64>,
    uneval: Option<Node>,
}

/// One entry of `dependencies` (or of 2019-09's `dependentRequired` / `dependentSchemas`).
#[derive(Debug)]
pub(super) struct Dependency<'a, T> {
    property: &'a str,
    /// The names required or the schema that applies.
    then: T,
    /// The keyword it is written under.
    keyword: &'static str,
}

const MAX_PROPERTIES: Bound = Bound {
    keyword: "maxProperties",
    added: R::MaxPropertiesAdded,
    removed: R::MaxPropertiesRemoved,
    increased: R::MaxPropertiesIncreased,
    decreased: R::MaxPropertiesDecreased,
};

const MIN_PROPERTIES: Bound = Bound {
    keyword: "minProperties",
    added: R::MinPropertiesAdded,
    removed: R::MinPropertiesRemoved,
    increased: R::MinPropertiesIncreased,
    decreased: R::MinPropertiesDecreased,
};

const UNEVALUATED_PROPERTIES: Unevaluated = Unevaluated {
    keyword: "unevaluatedProperties",
    added: R::UnevaluatedPropertiesAdded,
    removed: R::UnevaluatedPropertiesRemoved,
    extended: R::UnevaluatedPropertiesExtended,
    narrowed: R::UnevaluatedPropertiesNarrowed,
};

impl<'a> Loader<'a> {
    pub(super) fn load_object(
        &self,
        node: &Node,
        obj: &'a Map<String, Value>,
        draft: Draft,
    ) -> ObjK<'a> {
        let schema_map = |keyword: &str| -> Vec<(&'a str, Node)> {
            match obj.get(keyword) {
                Some(Value::Object(map)) => map
                    .iter()
                    .filter(|(_, v)| v.is_object() || v.is_boolean())
                    .map(|(k, _)| (k.as_str(), self.child(node, &[keyword, k])))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let props = schema_map("properties");
        let patterns = schema_map("patternProperties");
        let required = match obj.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let extra = self.extra(node, obj, "additionalProperties");
        let mut dep_arrays = Vec::new();
        let mut dep_schemas = Vec::new();
        let mut dependency_keywords = vec!["dependencies"];
        if draft >= Draft::D2019 {
            dependency_keywords.extend(["dependentRequired", "dependentSchemas"]);
        }
        for keyword in dependency_keywords {
            let Some(Value::Object(map)) = obj.get(keyword) else {
                continue;
            };
            for (k, v) in map {
                match v {
                    Value::Array(names) if keyword != "dependentSchemas" => {
                        dep_arrays.push(Dependency {
                            property: k,
                            then: names.iter().collect(),
                            keyword,
                        });
                    }
                    Value::Object(_) | Value::Bool(_) if keyword != "dependentRequired" => {
                        dep_schemas.push(Dependency {
                            property: k,
                            then: self.child(node, &[keyword, k]),
                            keyword,
                        });
                    }
                    _ => {}
                }
            }
        }
        let uneval = if draft >= Draft::D2019 {
            self.schema_child(node, obj, "unevaluatedProperties")
        } else {
            None
        };
        ObjK {
            props,
            required,
            patterns,
            extra,
            dep_arrays,
            dep_schemas,
            max: number(obj, "maxProperties"),
            min: number(obj, "minProperties"),
            uneval,
        }
    }
}

impl Engine<'_> {
    /// `ObjectSchemaDiff.compare`.
    pub(super) fn compare_objects(
        &mut self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: &ObjK<'_>,
        b: &ObjK<'_>,
    ) {
        self.compare_required(ctx, o, u, a, b);
        self.compare_properties(ctx, o, u, a, b);
        self.compare_dependencies(ctx, o, u, a, b);
        self.compare_additional_properties(ctx, o, u, a, b);
        self.compare_unevaluated(
            ctx,
            o,
            u,
            a.uneval.as_ref(),
            b.uneval.as_ref(),
            &UNEVALUATED_PROPERTIES,
        );
        self.bound(ctx, o, u, &MAX_PROPERTIES, a.max, b.max);
        self.bound(ctx, o, u, &MIN_PROPERTIES, a.min, b.min);
    }

    /// A property declared on both sides that became required or optional.
    fn compare_required(&self, ctx: &mut Ctx, o: &Node, u: &Node, a: &ObjK<'_>, b: &ObjK<'_>) {
        for (key, _) in &a.props {
            let key = *key;
            let Some((_, b_schema)) = b.props.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            let was = a.required.contains(&key);
            let is = b.required.contains(&key);
            let rule = match (was, is) {
                (true, false) => R::RequiredAttributeRemoved,
                (false, true)
                    if self
                        .loader
                        .has_default(b_schema, &pointer_join_all(&u.ptr, &["properties", key])) =>
                {
                    R::RequiredAttributeWithDefaultAdded
                }
                (false, true) => R::RequiredAttributeAdded,
                _ => continue,
            };
            self.add(
                ctx,
                rule,
                Pos::new(o, u)
                    .attrs(&["required", key], &["required", key])
                    .path(&["required", key], &[key]),
                String::new(),
            );
        }
    }

    /// Properties declared on one side only, judged by the other side's content model, and
    /// properties declared on both, compared.
    fn compare_properties(
        &mut self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: &ObjK<'_>,
        b: &ObjK<'_>,
    ) {
        let keys = union_keys(
            a.props.iter().map(|(k, _)| *k),
            b.props.iter().map(|(k, _)| *k),
        );
        let a_open = self.object_is_open(a);
        let b_open = self.object_is_open(b);
        for key in keys {
            let pa = a
                .props
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, n)| n.clone());
            let pb = b
                .props
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, n)| n.clone());
            let logical = ["properties".to_string(), key.to_string()];
            let data = [key.to_string()];
            let here = || {
                Pos::new(o, u)
                    .attr(&["properties", key])
                    .path(&["properties", key], &[key])
            };
            match (pa, pb) {
                (Some(pa), None) => {
                    if b_open {
                        self.add(
                            ctx,
                            R::PropertyRemovedFromOpenContentModel,
                            here(),
                            String::new(),
                        );
                    } else if let Some(partial) = self.object_partial(b, key) {
                        let sub = self.compare(&pa, &partial);
                        ctx.merge(&sub, &logical, &data);
                        let rule = if sub.compatible() {
                            R::PropertyRemovedIsCoveredByPartiallyOpenContentModel
                        } else {
                            R::PropertyRemovedNotCoveredByPartiallyOpenContentModel
                        };
                        self.add(ctx, rule, here(), String::new());
                    } else if self.loader.is_false_schema(&pa) {
                        self.add(
                            ctx,
                            R::PropertyWithFalseRemovedFromClosedContentModel,
                            here(),
                            String::new(),
                        );
                    } else {
                        self.add(
                            ctx,
                            R::PropertyRemovedFromClosedContentModel,
                            here(),
                            String::new(),
                        );
                    }
                }
                (None, Some(pb)) => {
                    let required = b.required.contains(&key);
                    let with_default = required
                        && self
                            .loader
                            .has_default(&pb, &pointer_join_all(&u.ptr, &["properties", key]));
                    if a_open {
                        let rule = if self.loader.is_empty_schema(&pb) {
                            R::PropertyWithEmptySchemaAddedToOpenContentModel
                        } else if with_default {
                            R::RequiredPropertyWithDefaultAddedToOpenContentModel
                        } else if required {
                            R::RequiredPropertyAddedToOpenContentModel
                        } else {
                            R::OptionalPropertyAddedToOpenContentModel
                        };
                        self.add(ctx, rule, here(), String::new());
                    } else {
                        if let Some(partial) = self.object_partial(a, key) {
                            let sub = self.compare(&partial, &pb);
                            ctx.merge(&sub, &logical, &data);
                            let rule = if sub.compatible() {
                                R::PropertyAddedIsCoveredByPartiallyOpenContentModel
                            } else {
                                R::PropertyAddedNotCoveredByPartiallyOpenContentModel
                            };
                            self.add(ctx, rule, here(), String::new());
                        }
                        let rule = if with_default {
                            R::RequiredPropertyWithDefaultAddedToUnopenContentModel
                        } else if required {
                            R::RequiredPropertyAddedToUnopenContentModel
                        } else {
                            R::OptionalPropertyAddedToUnopenContentModel
                        };
                        self.add(ctx, rule, here(), String::new());
                    }
                }
                (Some(pa), Some(pb)) => {
                    let sub = self.compare(&pa, &pb);
                    ctx.merge(&sub, &logical, &data);
                }
                (None, None) => {}
            }
        }
    }

    /// Property dependencies (`"a": ["b"]`: `a` requires `b`) and schema dependencies.
    fn compare_dependencies(
        &mut self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: &ObjK<'_>,
        b: &ObjK<'_>,
    ) {
        for (key, da, db) in by_property(&a.dep_arrays, &b.dep_arrays) {
            let pos = dependency_pos(o, u, key, da, db);
            let names = |d: Option<&Dependency<'_, Vec<&Value>>>| {
                d.map_or(String::new(), |d| {
                    d.then
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            };
            let rule = match (da, db) {
                (Some(_), None) => R::DependencyArrayRemoved,
                (None, Some(_)) => R::DependencyArrayAdded,
                (Some(x), Some(y)) => {
                    let (xa, xb) = (&x.then, &y.then);
                    let a_in_b = xa.iter().all(|v| xb.contains(v));
                    let b_in_a = xb.iter().all(|v| xa.contains(v));
                    match (a_in_b, b_in_a) {
                        (true, true) => continue,
                        (true, false) => R::DependencyArrayExtended,
                        (false, true) => R::DependencyArrayNarrowed,
                        (false, false) => R::DependencyArrayChanged,
                    }
                }
                (None, None) => continue,
            };
            let detail = format!(
                "changed what `{key}` requires from [{}] to [{}]",
                names(da),
                names(db)
            );
            self.add(ctx, rule, pos, detail);
        }
        for (key, da, db) in by_property(&a.dep_schemas, &b.dep_schemas) {
            let pos = dependency_pos(o, u, key, da, db);
            match (da, db) {
                (Some(_), None) => self.add(
                    ctx,
                    R::DependencySchemaRemoved,
                    pos,
                    format!("lost the schema that applies when `{key}` is present"),
                ),
                (None, Some(_)) => self.add(
                    ctx,
                    R::DependencySchemaAdded,
                    pos,
                    format!("gained a schema that applies when `{key}` is present"),
                ),
                (Some(x), Some(y)) => {
                    let sub = self.compare(&x.then, &y.then);
                    ctx.merge(&sub, &["dependencies".to_string(), key.to_string()], &[]);
                }
                (None, None) => {}
            }
        }
    }

    /// `additionalProperties`: opened, closed, or its schema compared.
    fn compare_additional_properties(
        &mut self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: &ObjK<'_>,
        b: &ObjK<'_>,
    ) {
        let pos = || {
            Pos::new(o, u)
                .attr(&["additionalProperties"])
                .path(&["additionalProperties"], &[])
        };
        if a.extra.permits() != b.extra.permits() {
            let rule = if b.extra.permits() {
                R::AdditionalPropertiesAdded
            } else {
                R::AdditionalPropertiesRemoved
            };
            self.add(ctx, rule, pos(), String::new());
        } else {
            match (a.extra.schema(), b.extra.schema()) {
                (None, Some(_)) => {
                    self.add(ctx, R::AdditionalPropertiesNarrowed, pos(), String::new())
                }
                (Some(_), None) => {
                    self.add(ctx, R::AdditionalPropertiesExtended, pos(), String::new())
                }
                (Some(x), Some(y)) => {
                    let sub = self.compare(x, y);
                    ctx.merge(
                        &sub,
                        &["additionalProperties".to_string()],
                        &["*".to_string()],
                    );
                }
                (None, None) => {}
            }
        }
    }

    fn object_is_open(&self, k: &ObjK<'_>) -> bool {
        k.patterns.is_empty()
            && k.extra.schema().is_none()
            && k.extra.permits()
            && self.uneval_is_open(k.uneval.as_ref())
    }

    /// The schema a partially open object gives a property it does not declare.
    fn object_partial(&mut self, k: &ObjK<'_>, key: &str) -> Option<Node> {
        for (pattern, schema) in &k.patterns {
            if self.pattern_finds(pattern, key) {
                return Some(schema.clone());
            }
        }
        if let Some(schema) = k.extra.schema() {
            return Some(schema.clone());
        }
        self.uneval_partial(k.extra.permits(), k.uneval.as_ref())
    }
}

/// The keys of the original then the update's other keys, in order: Confluent walks the union
/// of both sides' keys.
fn union_keys<'k>(
    a: impl Iterator<Item = &'k str>,
    b: impl Iterator<Item = &'k str>,
) -> Vec<&'k str> {
    let mut keys: Vec<&str> = a.collect();
    for k in b {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// The dependencies of both sides paired by property, in the order Confluent walks them.
type Paired<'s, 'a, T> = Vec<(
    &'a str,
    Option<&'s Dependency<'a, T>>,
    Option<&'s Dependency<'a, T>>,
)>;

fn by_property<'s, 'a, T>(
    a: &'s [Dependency<'a, T>],
    b: &'s [Dependency<'a, T>],
) -> Paired<'s, 'a, T> {
    let keys = union_keys(a.iter().map(|d| d.property), b.iter().map(|d| d.property));
    keys.into_iter()
        .map(|key| {
            let find = |side: &'s [Dependency<'a, T>]| side.iter().find(|d| d.property == key);
            (key, find(a), find(b))
        })
        .collect()
}

/// Where a dependency is: under the keyword each side writes it with, and Confluent's
/// `dependencies/<property>` path.
fn dependency_pos<'n, T>(
    o: &'n Node,
    u: &'n Node,
    key: &str,
    da: Option<&Dependency<'_, T>>,
    db: Option<&Dependency<'_, T>>,
) -> Pos<'n> {
    let keyword = |d: Option<&Dependency<'_, T>>| d.map_or("dependencies", |d| d.keyword);
    Pos::new(o, u)
        .attrs(&[keyword(da), key], &[keyword(db), key])
        .path(&["dependencies", key], &[])
}
