//! The schema model: everit's, as Confluent's diff sees it (`org.everit.json.schema`).
//!
//! A schema is a [`Node`]: the pointer of a schema object in the writer or the reader document
//! and the [`View`] of it everit would load. everit splits an object with keywords of several
//! kinds into a synthetic `allOf` of one schema per kind ([`parts_of`]); a node loads into a
//! [`Loaded`] schema whose [`Kind`] the comparisons match on.

use std::rc::Rc;

use serde_json::{Map, Value};

use super::arrays::ArrK;
use super::objects::ObjK;
use super::scalars::{NumK, StrK};

/// Which document a schema is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Side {
    Writer,
    Reader,
}

impl Side {
    pub(super) fn idx(self) -> usize {
        match self {
            Side::Writer => 0,
            Side::Reader => 1,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Side::Writer => "writer",
            Side::Reader => "reader",
        }
    }
}

/// The JSON Schema draft a document is written in, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Draft {
    D4,
    D6,
    D7,
    D2019,
    D2020,
}

/// The draft of a document's `$schema`; none (or one not recognised) means draft 7.
pub(super) fn detect_draft(doc: &Value) -> Draft {
    let Some(uri) = doc.get("$schema").and_then(Value::as_str) else {
        return Draft::D7;
    };
    if uri.contains("draft-04") || uri.contains("draft-03") {
        Draft::D4
    } else if uri.contains("draft-06") {
        Draft::D6
    } else if uri.contains("2019-09") {
        Draft::D2019
    } else if uri.contains("2020-12") {
        Draft::D2020
    } else {
        Draft::D7
    }
}

/// A `type` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Ty {
    Str,
    Num,
    Int,
    Obj,
    Arr,
    Bool,
    Null,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Num => "number",
            Ty::Int => "integer",
            Ty::Obj => "object",
            Ty::Arr => "array",
            Ty::Bool => "boolean",
            Ty::Null => "null",
        }
    }

    pub(super) fn parse(name: &str) -> Option<Ty> {
        Some(match name {
            "string" => Ty::Str,
            "number" => Ty::Num,
            "integer" => Ty::Int,
            "object" => Ty::Obj,
            "array" => Ty::Arr,
            "boolean" => Ty::Bool,
            "null" => Ty::Null,
            _ => return None,
        })
    }
}

/// A combinator's criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Crit {
    All,
    Any,
    One,
}

impl Crit {
    pub(super) fn name(self) -> &'static str {
        match self {
            Crit::All => "allOf",
            Crit::Any => "anyOf",
            Crit::One => "oneOf",
        }
    }
}

/// Which part of the schema object at a pointer a node stands for. everit splits an object
/// with keywords of several kinds into a synthetic `allOf` of one schema per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum View {
    /// The whole schema object.
    Whole,
    /// The whole schema object without its `$ref` (2019-09+ `$ref` with sibling keywords).
    NoRef,
    Enum,
    Const,
    Not,
    Comb(Crit),
    /// `type: [..]`: an `anyOf` of one schema per type.
    TypeArray,
    /// A schema of one explicit type.
    Type(Ty),
    /// A schema of a type inferred from its keywords (no `type`).
    Sniff(Ty),
    /// `if`/`then`/`else` (not compared by Confluent).
    Cond,
    /// A `$ref` that cannot be resolved.
    Broken,
}

/// A schema: the pointer of its object in one of the two documents and the view of it.
/// Nodes compare and hash by the interned pointer `id`, not by the (possibly long) pointer.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) side: Side,
    pub(super) id: u32,
    pub(super) ptr: Rc<str>,
    pub(super) view: View,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.side == other.side && self.id == other.id && self.view == other.view
    }
}

impl Eq for Node {}

impl std::hash::Hash for Node {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.side.hash(state);
        self.id.hash(state);
        self.view.hash(state);
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Additional {
    /// Absent or `true`: anything else is allowed.
    Open,
    /// `false`.
    Closed,
}

/// `additionalProperties` or `additionalItems` as everit reads them: a boolean is a flag, an
/// object is a schema.
#[derive(Debug, Clone)]
pub(super) enum Extra {
    Flag(Additional),
    Schema(Node),
}

impl Extra {
    pub(super) fn permits(&self) -> bool {
        !matches!(self, Extra::Flag(Additional::Closed))
    }

    pub(super) fn schema(&self) -> Option<&Node> {
        match self {
            Extra::Schema(node) => Some(node),
            Extra::Flag(_) => None,
        }
    }
}

/// What a schema is (everit's schema class), with the keywords its comparison reads.
#[derive(Debug)]
pub(super) enum Kind<'a> {
    Empty,
    False,
    Boolean,
    Null,
    Str(StrK<'a>),
    Num(NumK),
    Obj(Box<ObjK<'a>>),
    Arr(Box<ArrK>),
    Enum(&'a [Value]),
    Const(&'a Value),
    /// Criterion, the subschemas as written (duplicates included) and, for explicit
    /// combinators, the subschemas' JSON as written (Confluent collapses equal ones).
    Comb(Crit, Vec<Node>, Vec<Option<&'a Value>>),
    Not(Node),
    Cond,
    Broken,
}

impl Kind<'_> {
    /// everit's schema class, as `SchemaDiff.schemaTypesEqual` compares them.
    pub(super) fn class(&self) -> u8 {
        match self {
            Kind::Empty => 0,
            Kind::False => 1,
            Kind::Boolean => 2,
            Kind::Null => 3,
            Kind::Str(_) => 4,
            Kind::Num(_) => 5,
            Kind::Obj(_) => 6,
            Kind::Arr(_) => 7,
            Kind::Enum(_) => 8,
            Kind::Const(_) => 9,
            Kind::Comb(..) => 10,
            Kind::Not(_) => 11,
            Kind::Cond => 12,
            Kind::Broken => 13,
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Kind::Empty => "any value".to_string(),
            Kind::False => "no value (false)".to_string(),
            Kind::Boolean => "boolean".to_string(),
            Kind::Null => "null".to_string(),
            Kind::Str(_) => "string".to_string(),
            Kind::Num(n) if n.integer => "integer".to_string(),
            Kind::Num(_) => "number".to_string(),
            Kind::Obj(_) => "object".to_string(),
            Kind::Arr(_) => "array".to_string(),
            Kind::Enum(_) => "enum".to_string(),
            Kind::Const(_) => "const".to_string(),
            Kind::Comb(_, subs, _)
                if !subs.is_empty() && subs.iter().all(|n| matches!(n.view, View::Type(_))) =>
            {
                let names: Vec<&str> = subs
                    .iter()
                    .filter_map(|n| match n.view {
                        View::Type(t) => Some(t.name()),
                        _ => None,
                    })
                    .collect();
                names.join(" or ")
            }
            Kind::Comb(c, ..) => c.name().to_string(),
            Kind::Not(_) => "not".to_string(),
            Kind::Cond => "if/then/else".to_string(),
            Kind::Broken => "unresolved $ref".to_string(),
        }
    }
}

/// A schema as loaded for one comparison.
#[derive(Debug)]
pub(super) struct Loaded<'a> {
    pub(super) obj: Option<&'a Map<String, Value>>,
    /// Whether `$id`, `title`, `description` and `default` belong to this schema (they belong
    /// to the whole object, not to the parts of a synthetic `allOf`).
    pub(super) common: bool,
    pub(super) kind: Kind<'a>,
}

impl Loaded<'_> {
    pub(super) fn is_comb(&self) -> bool {
        matches!(self.kind, Kind::Comb(..))
    }
}

/// Keywords that may sit next to a 2019-09+ `$ref` without making it a combination.
const REF_ANNOTATIONS: &[&str] = &[
    "$ref",
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "$comment",
    "$defs",
    "definitions",
    "$vocabulary",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
];
const OBJECT_KEYWORDS_2019: &[&str] = &[
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];
const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
];
const ARRAY_KEYWORDS_2019: &[&str] = &["unevaluatedItems", "minContains", "maxContains"];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern", "format"];

/// The parts everit makes of a schema object, in its extractor order.
pub(super) fn parts_of(obj: &Map<String, Value>, draft: Draft) -> Vec<View> {
    let mut parts = Vec::new();
    if obj.get("enum").is_some_and(Value::is_array) {
        parts.push(View::Enum);
    }
    for crit in [Crit::All, Crit::Any, Crit::One] {
        if obj.get(crit.name()).is_some_and(Value::is_array) {
            parts.push(View::Comb(crit));
        }
    }
    if obj
        .get("not")
        .is_some_and(|v| v.is_object() || v.is_boolean())
    {
        parts.push(View::Not);
    }
    if draft >= Draft::D6 && obj.contains_key("const") {
        parts.push(View::Const);
    }
    match obj.get("type") {
        Some(Value::String(name)) => {
            if let Some(ty) = Ty::parse(name) {
                parts.push(View::Type(ty));
            }
        }
        Some(Value::Array(names)) => {
            if names
                .iter()
                .any(|n| n.as_str().and_then(Ty::parse).is_some())
            {
                parts.push(View::TypeArray);
            }
        }
        Some(_) => {}
        None => {
            let has = |keywords: &[&str]| keywords.iter().any(|k| obj.contains_key(*k));
            let modern = draft >= Draft::D2019;
            if has(ARRAY_KEYWORDS)
                || (modern && has(ARRAY_KEYWORDS_2019))
                || (draft >= Draft::D2020 && obj.contains_key("prefixItems"))
            {
                parts.push(View::Sniff(Ty::Arr));
            }
            if has(OBJECT_KEYWORDS) || (modern && has(OBJECT_KEYWORDS_2019)) {
                parts.push(View::Sniff(Ty::Obj));
            }
            if has(NUMBER_KEYWORDS) {
                parts.push(View::Sniff(Ty::Num));
            }
            if has(STRING_KEYWORDS) {
                parts.push(View::Sniff(Ty::Str));
            }
        }
    }
    if draft >= Draft::D7 && ["if", "then", "else"].iter().any(|k| obj.contains_key(*k)) {
        parts.push(View::Cond);
    }
    parts
}

/// The reference of a schema object: `$ref`, or from 2019-09 `$recursiveRef` / `$dynamicRef`.
pub(super) fn ref_of(obj: &Map<String, Value>, draft: Draft) -> Option<&str> {
    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
        return Some(reference);
    }
    if draft >= Draft::D2019 {
        for keyword in ["$recursiveRef", "$dynamicRef"] {
            if let Some(reference) = obj.get(keyword).and_then(Value::as_str) {
                return Some(reference);
            }
        }
    }
    None
}

/// Whether a 2019-09+ `$ref` has keywords next to it that make the schema an `allOf` of the
/// target and the rest.
pub(super) fn has_ref_siblings(obj: &Map<String, Value>) -> bool {
    obj.keys().any(|k| {
        !REF_ANNOTATIONS.contains(&k.as_str()) && k != "$recursiveRef" && k != "$dynamicRef"
    })
}

/// A keyword's value as a number, if it is one.
pub(super) fn number(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key).and_then(Value::as_f64)
}
