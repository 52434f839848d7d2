//! JSON Schema compatibility, following Confluent Schema Registry's JSON Schema diff.
//!
//! # Source followed
//!
//! A port of `io.confluent.kafka.schemaregistry.json.diff` in confluentinc/schema-registry
//! (`json-schema-provider/src/main/java/io/confluent/kafka/schemaregistry/json/diff/`), the
//! 8.x line (2025–2026), read at these commits:
//! - `SchemaDiff.java` (658073b7) — the dispatcher: singleton unions, a non-combined original
//!   against an `anyOf`/`oneOf` update (`SUM_TYPE_EXTENDED`) and an `allOf` original against a
//!   non-combined update (`PRODUCT_TYPE_NARROWED`), `TrueSchema`/`FalseSchema`, `TYPE_CHANGED`
//!   between schema classes (number and integer are one class), annotations; its
//!   `COMPATIBLE_CHANGES` (`COMPATIBLE_CHANGES_STRICT`, the default policy) is
//!   [`COMPATIBLE_CHANGES`] below. From the newer `SchemaDiffTest.java` (0596a13): the
//!   `connect.type: bytes` exception, exact (fractional) `multipleOf` divisibility, and a
//!   greatest-fixed-point iteration over recursive cycles.
//! - `ObjectSchemaDiff.java` (0de3fd45): required, properties in open / closed / partially open
//!   content models, dependencies, `additionalProperties`, `maxProperties`/`minProperties`;
//!   with `Difference.java` (08e6ae23), where 8.x deprecates `PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`
//!   for `OPTIONAL_`, `REQUIRED_` and `REQUIRED_..._WITH_DEFAULT_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`.
//! - `ArraySchemaDiff.java` (115509ba: `items`, tuples, `additionalItems`, `unevaluatedItems`,
//!   bounds, `uniqueItems`, `maxContains`/`minContains`), `CombinedSchemaDiff.java` (10a588d0:
//!   criterion changes, subschemas collapsed into a set, maximum cardinality matching of
//!   compatible subschema pairs), `NumberSchemaDiff.java` (3fe380b8), `StringSchemaDiff.java`
//!   (91f72175), `EnumSchemaDiff.java` (748d64e1), `ConstSchemaDiff.java` (6fd93942),
//!   `NotSchemaDiff.java` (70a81335), `Context.java` (26cde791: memoised pair comparison; a pair
//!   met again while it is being compared is a recursive cycle, assumed compatible).
//! - The schema model is that of the everit loader Confluent uses: `{"type": "string",
//!   "enum": [..]}` is a synthetic `allOf` of an enum and a string schema, a `type` array is an
//!   `anyOf` of one schema per type, keywords without `type` "sniff" the type they belong to,
//!   `$ref` is replaced by the schema it refers to, `true` and `{}` are the empty schema.
//! - Draft differences where Confluent has them (from each document's `$schema`; none means
//!   draft 7): in 2020-12, `prefixItems` is the tuple and `items` next to it is
//!   `additionalItems` (a boolean `items` alone too); from 2019-09 `dependentRequired` and
//!   `dependentSchemas` are `dependencies`, `unevaluatedProperties`/`unevaluatedItems` count,
//!   `$id` is not an annotation and `$ref` may have sibling keywords (an `allOf` of the target
//!   and the siblings); draft 4's boolean `exclusiveMaximum`/`exclusiveMinimum` are not
//!   compared (Confluent compares only the numeric draft-6+ form).
//!
//! Confluent's rules are documented in "JSON Schema compatibility rules" (docs.confluent.io,
//! `schema-registry/fundamentals/serdes-develop/serdes-json.html`): adding a property to an
//! *open* content model (no `additionalProperties: false`) is incompatible under BACKWARD,
//! because older data may already hold that property with another type; removing one from a
//! *closed* model is incompatible; a *partially open* model (`patternProperties` or an
//! `additionalProperties` schema) covers a property when the property's schema and the
//! pattern/additional schema are compatible. Confluent's own test resources are ported in
//! `contracts/tests/json_compat.rs`.
//!
//! # Direction
//!
//! `can_read(reader, writer)` returns the incompatible differences of Confluent's
//! `SchemaDiff.compare(original = writer, update = reader)`; [`changes`] returns all of them,
//! compatible ones included, with Confluent's `#/...` paths.
//!
//! # Where this deliberately differs from Confluent (each has a test)
//!
//! - A `$ref` that cannot be resolved inside its document (remote, relative to another file,
//!   dangling, or a pure `$ref` cycle) is reported as `UNRESOLVED_REFERENCE`. (Confluent
//!   rejects such a schema when it is registered, or resolves it through registered schema
//!   references, which a single document does not carry.) Local `#/...` pointers, `#anchor`s,
//!   and URIs equal to an `$id` inside the document resolve.
//! - `EXCLUSIVE_MAXIMUM_DECREASED` compares the two `exclusiveMaximum` values (Confluent's code
//!   compares with the updated `maximum` and throws when there is none).
//! - Comparisons are bounded (nesting depth and number of pair comparisons) and run on a worker
//!   thread with a large stack; a schema beyond the bounds is reported as
//!   `COMPARISON_LIMIT_EXCEEDED` instead of being passed.
//! - Not ported: the `confluent:reserved` metadata rules (they need registry metadata), the
//!   LENIENT policy, and the 2020-12 loader's quirks that drop `maxProperties`,
//!   `minProperties` and `additionalProperties: false` next to an empty `properties` (these
//!   change only the list of compatible differences, never the verdict).
//! - Inferred, as the Confluent sources at hand do not list them: `MAX_CONTAINS_INCREASED`,
//!   `MAX_CONTAINS_REMOVED`, `MIN_CONTAINS_DECREASED`, `MIN_CONTAINS_REMOVED`,
//!   `UNEVALUATED_*_ADDED` and `UNEVALUATED_*_EXTENDED` are compatible (like their `maxItems` /
//!   `additionalItems` counterparts); `unevaluatedProperties` opens, closes and partially opens
//!   an object exactly as `unevaluatedItems` does an array in `ArraySchemaDiff`.
//! - As in Confluent, `if`/`then`/`else`, `contains`, `propertyNames`, `format`, and `required`
//!   names that have no property schema are not compared; a non-schema value where a schema is
//!   expected counts as the empty schema.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use serde_json::{Map, Value};

use super::Incompatibility;
use crate::pointer::pointer_join_all;
use crate::uri::percent_decode;

/// Rule reported for a `$ref` that cannot be resolved inside its document.
pub const UNRESOLVED_REFERENCE: &str = "UNRESOLVED_REFERENCE";
/// Rule reported when a comparison exceeds contrail's depth or work bounds.
pub const COMPARISON_LIMIT_EXCEEDED: &str = "COMPARISON_LIMIT_EXCEEDED";

/// The differences Confluent treats as compatible (`SchemaDiff.COMPATIBLE_CHANGES_STRICT`),
/// plus the `*_CONTAINS_*` and `UNEVALUATED_*` ones inferred by analogy (see the module docs).
pub const COMPATIBLE_CHANGES: &[&str] = &[
    "ID_CHANGED",
    "DESCRIPTION_CHANGED",
    "TITLE_CHANGED",
    "DEFAULT_CHANGED",
    "SCHEMA_REMOVED",
    "TYPE_EXTENDED",
    "MAX_LENGTH_INCREASED",
    "MAX_LENGTH_REMOVED",
    "MIN_LENGTH_DECREASED",
    "MIN_LENGTH_REMOVED",
    "PATTERN_REMOVED",
    "MAXIMUM_INCREASED",
    "MAXIMUM_REMOVED",
    "MINIMUM_DECREASED",
    "MINIMUM_REMOVED",
    "EXCLUSIVE_MAXIMUM_INCREASED",
    "EXCLUSIVE_MAXIMUM_REMOVED",
    "EXCLUSIVE_MINIMUM_DECREASED",
    "EXCLUSIVE_MINIMUM_REMOVED",
    "MULTIPLE_OF_REDUCED",
    "MULTIPLE_OF_REMOVED",
    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
    "REQUIRED_ATTRIBUTE_REMOVED",
    "DEPENDENCY_ARRAY_NARROWED",
    "DEPENDENCY_ARRAY_REMOVED",
    "DEPENDENCY_SCHEMA_REMOVED",
    "MAX_PROPERTIES_INCREASED",
    "MAX_PROPERTIES_REMOVED",
    "MIN_PROPERTIES_DECREASED",
    "MIN_PROPERTIES_REMOVED",
    "ADDITIONAL_PROPERTIES_ADDED",
    "ADDITIONAL_PROPERTIES_EXTENDED",
    "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "MAX_ITEMS_INCREASED",
    "MAX_ITEMS_REMOVED",
    "MIN_ITEMS_DECREASED",
    "MIN_ITEMS_REMOVED",
    "UNIQUE_ITEMS_REMOVED",
    "ADDITIONAL_ITEMS_ADDED",
    "ADDITIONAL_ITEMS_EXTENDED",
    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
    "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ENUM_ARRAY_EXTENDED",
    "COMBINED_TYPE_EXTENDED",
    "PRODUCT_TYPE_NARROWED",
    "SUM_TYPE_EXTENDED",
    "NOT_TYPE_NARROWED",
    // Inferred by analogy (not in the Confluent sources followed).
    "MAX_CONTAINS_INCREASED",
    "MAX_CONTAINS_REMOVED",
    "MIN_CONTAINS_DECREASED",
    "MIN_CONTAINS_REMOVED",
    "UNEVALUATED_PROPERTIES_ADDED",
    "UNEVALUATED_PROPERTIES_EXTENDED",
    "UNEVALUATED_ITEMS_ADDED",
    "UNEVALUATED_ITEMS_EXTENDED",
];

/// Whether Confluent accepts a difference of this kind.
pub fn is_compatible_change(rule: &str) -> bool {
    COMPATIBLE_CHANGES.contains(&rule)
}

/// One difference between a writer and a reader schema, compatible or not, as Confluent's
/// `SchemaDiff.compare(original = writer, update = reader)` would list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Confluent's `Difference.Type` name.
    pub rule: &'static str,
    /// Whether Confluent accepts this difference.
    pub compatible: bool,
    /// Confluent's `jsonPath` of the difference (`#/properties/foo`).
    pub path: String,
    /// JSON pointer into the reader schema document.
    pub reader_path: String,
    /// JSON pointer into the writer schema document.
    pub writer_path: String,
    /// What changed, naming the property.
    pub message: String,
}

/// Everything that keeps `reader` from accepting all documents `writer` accepts, by Confluent's
/// rules: the incompatible [`changes`].
pub fn can_read(reader: &Value, writer: &Value) -> Vec<Incompatibility> {
    changes(reader, writer)
        .into_iter()
        .filter(|c| !c.compatible)
        .map(|c| Incompatibility {
            rule: c.rule,
            reader_path: c.reader_path,
            writer_path: c.writer_path,
            message: c.message,
        })
        .collect()
}

/// Every difference (compatible or not) between the writer and the reader schema.
pub fn changes(reader: &Value, writer: &Value) -> Vec<Change> {
    // Recursive schemas compared pairwise recurse deeply (Confluent's Java does the same on the
    // JVM's stack), so the comparison runs on a worker with a large stack; where no thread can
    // be started it runs here with a depth bound small enough for any caller's stack.
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("json-compat".to_string())
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, || compute(reader, writer, MAX_DEPTH));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| vec![limit_change()]),
            Err(_) => compute(reader, writer, MAX_DEPTH_INLINE),
        }
    })
}

fn limit_change() -> Change {
    Change {
        rule: COMPARISON_LIMIT_EXCEEDED,
        compatible: false,
        path: "#/".to_string(),
        reader_path: String::new(),
        writer_path: String::new(),
        message: format!(
            "the schemas are too deep or too large to compare completely ({COMPARISON_LIMIT_EXCEEDED})"
        ),
    }
}

fn compute(reader: &Value, writer: &Value, max_depth: usize) -> Vec<Change> {
    let mut engine = Engine::new(writer, reader, max_depth);
    let mut out = Vec::new();
    for side in [Side::Writer, Side::Reader] {
        for (ptr, reference) in engine.unresolved_refs(side) {
            let (writer_path, reader_path) = match side {
                Side::Writer => (ptr.clone(), String::new()),
                Side::Reader => (String::new(), ptr.clone()),
            };
            out.push(Change {
                rule: UNRESOLVED_REFERENCE,
                compatible: false,
                path: format!("#{ptr}"),
                reader_path,
                writer_path,
                message: format!(
                    "the {} schema's $ref `{reference}` at `{}` cannot be resolved within the document ({UNRESOLVED_REFERENCE})",
                    side.name(),
                    display_pointer(&ptr)
                ),
            });
        }
    }
    let root = engine.run();
    for d in &root.diffs {
        out.push(d.to_change(&engine));
    }
    if engine.limit_hit {
        out.push(limit_change());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Bounds.

/// Maximum nesting of pair comparisons on the worker thread, and when no worker can be started.
const MAX_DEPTH: usize = 2_000;
const MAX_DEPTH_INLINE: usize = 64;
/// Stack of the worker thread (reserved, not committed, until used).
const WORKER_STACK_BYTES: usize = 256 << 20;
/// Maximum number of pair comparisons over all fixed-point rounds.
const MAX_STEPS: usize = 200_000;
/// Maximum rounds of the greatest-fixed-point iteration for recursive schemas.
const MAX_ROUNDS: usize = 8;
/// Maximum `$ref` hops when resolving a chain of references.
const MAX_REF_HOPS: usize = 64;
/// Maximum depth and number of values visited when indexing a document.
const MAX_SCAN_DEPTH: usize = 512;
const MAX_SCAN_NODES: usize = 1_000_000;

// ---------------------------------------------------------------------------------------------
// Schema model (everit's, as Confluent sees it).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Side {
    Writer,
    Reader,
}

impl Side {
    fn idx(self) -> usize {
        match self {
            Side::Writer => 0,
            Side::Reader => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Side::Writer => "writer",
            Side::Reader => "reader",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Draft {
    D4,
    D6,
    D7,
    D2019,
    D2020,
}

fn detect_draft(doc: &Value) -> Draft {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ty {
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

    fn parse(name: &str) -> Option<Ty> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Crit {
    All,
    Any,
    One,
}

impl Crit {
    fn name(self) -> &'static str {
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
enum View {
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
struct Node {
    side: Side,
    id: u32,
    ptr: Rc<str>,
    view: View,
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

/// FxHash (rustc's): fast, non-cryptographic, for maps keyed by our own ids and pointers.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Fx = std::hash::BuildHasherDefault<FxHasher>;
type FxMap<K, V> = HashMap<K, V, Fx>;
type FxSet<K> = HashSet<K, Fx>;

#[derive(Debug, Clone, Copy)]
enum Additional {
    /// Absent or `true`: anything else is allowed.
    Open,
    /// `false`.
    Closed,
}

#[derive(Debug, Clone)]
enum Extra {
    Flag(Additional),
    Schema(Node),
}

impl Extra {
    fn permits(&self) -> bool {
        !matches!(self, Extra::Flag(Additional::Closed))
    }

    fn schema(&self) -> Option<&Node> {
        match self {
            Extra::Schema(node) => Some(node),
            Extra::Flag(_) => None,
        }
    }
}

#[derive(Debug)]
struct StrK<'a> {
    max: Option<f64>,
    min: Option<f64>,
    pattern: Option<&'a str>,
}

#[derive(Debug)]
struct NumK {
    max: Option<f64>,
    min: Option<f64>,
    xmax: Option<f64>,
    xmin: Option<f64>,
    multiple: Option<f64>,
    integer: bool,
}

#[derive(Debug)]
struct ObjK<'a> {
    props: Vec<(&'a str, Node)>,
    required: Vec<&'a str>,
    patterns: Vec<(&'a str, Node)>,
    extra: Extra,
    /// (property, required names, keyword).
    dep_arrays: Vec<(&'a str, Vec<&'a Value>, &'static str)>,
    /// (property, schema, keyword).
    dep_schemas: Vec<(&'a str, Node, &'static str)>,
    max: Option<f64>,
    min: Option<f64>,
    uneval: Option<Node>,
}

#[derive(Debug)]
struct ArrK {
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

#[derive(Debug)]
enum Kind<'a> {
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
    fn class(&self) -> u8 {
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

    fn describe(&self) -> String {
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
struct Loaded<'a> {
    obj: Option<&'a Map<String, Value>>,
    /// Whether `$id`, `title`, `description` and `default` belong to this schema (they belong
    /// to the whole object, not to the parts of a synthetic `allOf`).
    common: bool,
    kind: Kind<'a>,
}

impl Loaded<'_> {
    fn is_comb(&self) -> bool {
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

// ---------------------------------------------------------------------------------------------
// Differences.

/// A difference with paths relative to the pair of schemas it was found in.
#[derive(Debug, Clone)]
struct Diff {
    rule: &'static str,
    /// Confluent's path segments (`properties`, `foo`, `items/0`, ...).
    logical: Vec<String>,
    /// Instance path segments, for messages (`foo`, `*`, `0`, ...).
    data: Vec<String>,
    /// The original and the update schema, and the keyword concerned in each (pointers are
    /// worked out only for the differences reported).
    o: Node,
    u: Node,
    o_attr: Vec<String>,
    u_attr: Vec<String>,
    detail: String,
}

impl Diff {
    fn to_change(&self, engine: &Engine<'_>) -> Change {
        let o_ptr = engine.locate(&self.o, &self.o_attr);
        let u_ptr = engine.locate(&self.u, &self.u_attr);
        let (writer_ptr, reader_ptr) = if self.o.side == Side::Writer {
            (o_ptr, u_ptr)
        } else {
            (u_ptr, o_ptr)
        };
        let subject = if self.data.is_empty() {
            match self.logical.as_slice() {
                [first, key, _, ..] if first == "dependencies" => {
                    format!("the schema that applies when `{key}` is present")
                }
                [first, key]
                    if first == "dependencies" && !self.rule.starts_with("DEPENDENCY_") =>
                {
                    format!("the schema that applies when `{key}` is present")
                }
                _ => "the root schema".to_string(),
            }
        } else {
            format!("property `/{}`", self.data.join("/"))
        };
        let text = if self.detail.is_empty() {
            default_text(self.rule).to_string()
        } else {
            self.detail.clone()
        };
        Change {
            rule: self.rule,
            compatible: is_compatible_change(self.rule),
            path: format!("#/{}", self.logical.join("/")),
            reader_path: reader_ptr,
            writer_path: writer_ptr,
            message: format!("{subject} {text} ({})", self.rule),
        }
    }
}

/// Differences found comparing one pair of schemas (Confluent's `Context`).
#[derive(Debug, Default)]
struct Ctx {
    diffs: Vec<Diff>,
    /// Set when the comparison met a recursive cycle already known to be incompatible.
    tainted: bool,
}

impl Ctx {
    fn compatible(&self) -> bool {
        !self.tainted && self.diffs.iter().all(|d| is_compatible_change(d.rule))
    }

    fn merge(&mut self, sub: &Ctx, logical: &[String], data: &[String]) {
        self.tainted |= sub.tainted;
        for d in &sub.diffs {
            let mut d = d.clone();
            if !logical.is_empty() {
                d.logical.splice(0..0, logical.iter().cloned());
            }
            if !data.is_empty() {
                d.data.splice(0..0, data.iter().cloned());
            }
            self.diffs.push(d);
        }
    }
}

/// Where a difference is: the two schemas, the keyword concerned on each side, Confluent's path
/// and the instance path (both relative to the pair being compared).
struct Pos<'n> {
    o: &'n Node,
    u: &'n Node,
    o_attr: Vec<String>,
    u_attr: Vec<String>,
    logical: Vec<String>,
    data: Vec<String>,
}

impl<'n> Pos<'n> {
    fn new(o: &'n Node, u: &'n Node) -> Self {
        Pos {
            o,
            u,
            o_attr: Vec::new(),
            u_attr: Vec::new(),
            logical: Vec::new(),
            data: Vec::new(),
        }
    }

    /// The same keyword path on both sides, also used as Confluent's path.
    fn attr(mut self, segs: &[&str]) -> Self {
        self.o_attr = strings(segs);
        self.u_attr = strings(segs);
        self.logical = strings(segs);
        self
    }

    /// Keyword paths that differ between the sides (draft-specific keyword names).
    fn attrs(mut self, o_attr: &[&str], u_attr: &[&str]) -> Self {
        self.o_attr = strings(o_attr);
        self.u_attr = strings(u_attr);
        self
    }

    fn path(mut self, logical: &[&str], data: &[&str]) -> Self {
        self.logical = strings(logical);
        self.data = strings(data);
        self
    }
}

fn strings(segs: &[&str]) -> Vec<String> {
    segs.iter().map(|s| (*s).to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// The comparison engine.

type Pair = (Node, Node);

/// A combinator: criterion, subschemas, their JSON as written.
type Combined<'s, 'a> = (Crit, &'s [Node], &'s [Option<&'a Value>]);

/// Subschemas with duplicates collapsed: Confluent collects them into a set of schemas that are
/// equal when their JSON as written is (a `$ref` is compared as written, not resolved).
fn distinct(subs: &[Node], raw: &[Option<&Value>]) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    let mut seen: Vec<&Value> = Vec::new();
    for (i, s) in subs.iter().enumerate() {
        match raw.get(i) {
            Some(Some(value)) => {
                if seen.contains(value) {
                    continue;
                }
                seen.push(value);
            }
            _ => {
                if out.contains(s) {
                    continue;
                }
            }
        }
        out.push(s.clone());
    }
    out
}

struct Engine<'a> {
    docs: [&'a Value; 2],
    drafts: [Draft; 2],
    /// `$id` (without fragment) -> pointer, per document.
    ids: [HashMap<String, String>; 2],
    /// Anchor name -> pointer, per document.
    anchors: [HashMap<String, String>; 2],
    /// (pointer of the object holding `$ref`, the reference), per document.
    refs: [Vec<(String, String)>; 2],
    memo: FxMap<Pair, Rc<Ctx>>,
    in_progress: FxSet<Pair>,
    /// Pairs met again while in progress and assumed compatible in this round.
    assumed: FxSet<Pair>,
    /// Pairs found incompatible in an earlier round (no longer assumed compatible).
    known_bad: FxSet<Pair>,
    steps: usize,
    depth: usize,
    max_depth: usize,
    limit_hit: bool,
    patterns: HashMap<String, Option<jsonschema::Validator>>,
    /// Node id -> value, per document.
    values: [RefCell<Vec<Option<&'a Value>>>; 2],
    /// Pointer -> id, per document.
    ids_of: [RefCell<FxMap<Rc<str>, u32>>; 2],
}

impl<'a> Engine<'a> {
    fn new(writer: &'a Value, reader: &'a Value, max_depth: usize) -> Self {
        let drafts = [detect_draft(writer), detect_draft(reader)];
        let (wi, wa, wr) = index_document(writer, drafts[0]);
        let (ri, ra, rr) = index_document(reader, drafts[1]);
        Engine {
            docs: [writer, reader],
            drafts,
            ids: [wi, ri],
            anchors: [wa, ra],
            refs: [wr, rr],
            memo: FxMap::default(),
            in_progress: FxSet::default(),
            assumed: FxSet::default(),
            known_bad: FxSet::default(),
            steps: 0,
            depth: 0,
            max_depth,
            limit_hit: false,
            patterns: HashMap::new(),
            values: [RefCell::new(Vec::new()), RefCell::new(Vec::new())],
            ids_of: [
                RefCell::new(FxMap::default()),
                RefCell::new(FxMap::default()),
            ],
        }
    }

    /// The `$ref`s of a document that do not resolve to a schema in it.
    fn unresolved_refs(&self, side: Side) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (ptr, reference) in &self.refs[side.idx()] {
            let broken = match self.resolve(side, reference) {
                None => true,
                Some(target) => self.canon(side, target).view == View::Broken,
            };
            if broken {
                out.push((pointer_join_all(ptr, &["$ref"]), reference.clone()));
            }
        }
        out
    }

    /// Compares the two roots, iterating to the greatest fixed point over recursive cycles.
    fn run(&mut self) -> Rc<Ctx> {
        let o = self.canon(Side::Writer, String::new());
        let u = self.canon(Side::Reader, String::new());
        let mut result = Rc::new(Ctx::default());
        for _ in 0..MAX_ROUNDS {
            self.memo.clear();
            self.assumed.clear();
            self.in_progress.clear();
            self.depth = 0;
            result = self.compare(&o, &u);
            let newly_bad: Vec<Pair> = self
                .assumed
                .iter()
                .filter(|pair| !self.known_bad.contains(*pair))
                .filter(|pair| self.memo.get(*pair).is_some_and(|c| !c.compatible()))
                .cloned()
                .collect();
            if newly_bad.is_empty() || self.limit_hit {
                break;
            }
            self.known_bad.extend(newly_bad);
        }
        result
    }

    /// The value at a pointer; pointers met before are looked up, not walked again.
    fn value(&self, side: Side, ptr: &str) -> Option<&'a Value> {
        self.docs[side.idx()].pointer(ptr)
    }

    /// The value of a node's schema, remembered by node id.
    fn value_of(&self, node: &Node) -> Option<&'a Value> {
        let known = self.values[node.side.idx()]
            .borrow()
            .get(node.id as usize)
            .copied()
            .flatten();
        known.or_else(|| self.value(node.side, &node.ptr))
    }

    fn draft(&self, side: Side) -> Draft {
        self.drafts[side.idx()]
    }

    /// Interns a pointer (and remembers the value there).
    fn node(&self, side: Side, ptr: String, view: View, value: Option<&'a Value>) -> Node {
        let mut ids = self.ids_of[side.idx()].borrow_mut();
        if let Some((ptr, id)) = ids.get_key_value(ptr.as_str()) {
            return Node {
                side,
                id: *id,
                ptr: ptr.clone(),
                view,
            };
        }
        let index = ids.len();
        let id = u32::try_from(index).unwrap_or(u32::MAX);
        let ptr: Rc<str> = ptr.into();
        ids.insert(ptr.clone(), id);
        let mut values = self.values[side.idx()].borrow_mut();
        if values.len() == index {
            values.push(value);
        }
        Node {
            side,
            id,
            ptr,
            view,
        }
    }

    /// The node for the schema at `ptr`, with `$ref` chains followed.
    fn canon(&self, side: Side, ptr: String) -> Node {
        let value = self.value(side, &ptr);
        self.canon_at(side, ptr, value)
    }

    /// `canon` for a pointer whose value is already known.
    fn canon_at(&self, side: Side, ptr: String, value: Option<&'a Value>) -> Node {
        let mut ptr = ptr;
        let mut value = value;
        let mut seen: HashSet<String> = HashSet::new();
        for _ in 0..MAX_REF_HOPS {
            let Some(found) = value else {
                return self.node(side, ptr, View::Broken, None);
            };
            let Value::Object(obj) = found else {
                return self.node(side, ptr, View::Whole, value);
            };
            let Some(reference) = ref_of(obj, self.draft(side)) else {
                return self.node(side, ptr, View::Whole, value);
            };
            if self.draft(side) >= Draft::D2019 && has_ref_siblings(obj) {
                return self.node(side, ptr, View::Whole, value);
            }
            if !seen.insert(ptr.clone()) {
                return self.node(side, ptr, View::Broken, value);
            }
            match self.resolve(side, reference) {
                Some(target) => {
                    value = self.value(side, &target);
                    ptr = target;
                }
                None => return self.node(side, ptr, View::Broken, value),
            }
        }
        self.node(side, ptr, View::Broken, None)
    }

    fn child(&self, parent: &Node, segs: &[&str]) -> Node {
        let ptr = pointer_join_all(&parent.ptr, segs);
        let mut value = self.value_of(parent);
        for seg in segs {
            value = match value {
                Some(Value::Object(map)) => map.get(*seg),
                Some(Value::Array(items)) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
        }
        self.canon_at(parent.side, ptr, value)
    }

    /// Resolves a reference within its document: `#`, `#/json/pointer`, `#anchor`, or a URI
    /// equal to an `$id` in the document followed by one of those.
    fn resolve(&self, side: Side, reference: &str) -> Option<String> {
        let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let base_ptr = if base.is_empty() {
            String::new()
        } else {
            self.ids[side.idx()].get(base)?.clone()
        };
        let fragment = percent_decode(fragment);
        let target = if fragment.is_empty() {
            base_ptr
        } else if fragment.starts_with('/') {
            format!("{base_ptr}{fragment}")
        } else {
            self.anchors[side.idx()].get(&fragment)?.clone()
        };
        match self.value(side, &target)? {
            Value::Object(_) | Value::Bool(_) => Some(target),
            _ => None,
        }
    }

    /// Loads the schema a node stands for.
    fn load(&self, node: &Node) -> Loaded<'a> {
        let broken = Loaded {
            obj: None,
            common: false,
            kind: Kind::Broken,
        };
        if node.view == View::Broken {
            return broken;
        }
        let Some(value) = self.value_of(node) else {
            return broken;
        };
        let obj = match value {
            Value::Bool(true) => {
                return Loaded {
                    obj: None,
                    common: false,
                    kind: Kind::Empty,
                };
            }
            Value::Bool(false) => {
                return Loaded {
                    obj: None,
                    common: false,
                    kind: Kind::False,
                };
            }
            Value::Object(obj) => obj,
            _ => {
                return Loaded {
                    obj: None,
                    common: false,
                    kind: Kind::Empty,
                };
            }
        };
        let draft = self.draft(node.side);
        match node.view {
            View::Whole | View::NoRef => {
                if node.view == View::Whole
                    && let Some(reference) = ref_of(obj, draft)
                {
                    // Only 2019-09+ `$ref` with siblings reaches here: everything else was
                    // followed by `canon`.
                    let target = match self.resolve(node.side, reference) {
                        Some(target) => self.canon(node.side, target),
                        None => Node {
                            view: View::Broken,
                            ..node.clone()
                        },
                    };
                    let rest = Node {
                        view: View::NoRef,
                        ..node.clone()
                    };
                    return Loaded {
                        obj: Some(obj),
                        common: true,
                        kind: Kind::Comb(Crit::All, vec![target, rest], vec![None, None]),
                    };
                }
                let parts = parts_of(obj, draft);
                let kind = match parts.as_slice() {
                    [] => Kind::Empty,
                    [part] => self.load_part(node, obj, *part),
                    _ => Kind::Comb(
                        Crit::All,
                        parts
                            .iter()
                            .map(|v| Node {
                                view: *v,
                                ..node.clone()
                            })
                            .collect(),
                        vec![None; parts.len()],
                    ),
                };
                Loaded {
                    obj: Some(obj),
                    common: node.view == View::Whole,
                    kind,
                }
            }
            view => Loaded {
                obj: Some(obj),
                common: false,
                kind: self.load_part(node, obj, view),
            },
        }
    }

    fn load_part(&self, node: &Node, obj: &'a Map<String, Value>, view: View) -> Kind<'a> {
        let draft = self.draft(node.side);
        match view {
            View::Enum => match obj.get("enum") {
                Some(Value::Array(values)) => Kind::Enum(values),
                _ => Kind::Empty,
            },
            View::Const => obj.get("const").map_or(Kind::Empty, Kind::Const),
            View::Not => Kind::Not(self.child(node, &["not"])),
            View::Comb(crit) => {
                let raw: Vec<Option<&'a Value>> = obj
                    .get(crit.name())
                    .and_then(Value::as_array)
                    .map_or(Vec::new(), |a| a.iter().map(Some).collect());
                let subs = (0..raw.len())
                    .map(|i| self.child(node, &[crit.name(), &i.to_string()]))
                    .collect();
                Kind::Comb(crit, subs, raw)
            }
            View::TypeArray => {
                let subs: Vec<Node> = obj
                    .get("type")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().and_then(Ty::parse))
                    .map(|t| Node {
                        view: View::Type(t),
                        ..node.clone()
                    })
                    .collect();
                let raw = vec![None; subs.len()];
                Kind::Comb(Crit::Any, subs, raw)
            }
            View::Type(ty) | View::Sniff(ty) => match ty {
                Ty::Str => Kind::Str(StrK {
                    max: number(obj, "maxLength"),
                    min: number(obj, "minLength"),
                    pattern: obj.get("pattern").and_then(Value::as_str),
                }),
                Ty::Num | Ty::Int => Kind::Num(NumK {
                    max: number(obj, "maximum"),
                    min: number(obj, "minimum"),
                    xmax: number(obj, "exclusiveMaximum"),
                    xmin: number(obj, "exclusiveMinimum"),
                    multiple: number(obj, "multipleOf"),
                    integer: view == View::Type(Ty::Int),
                }),
                Ty::Obj => Kind::Obj(Box::new(self.load_object(node, obj, draft))),
                Ty::Arr => Kind::Arr(Box::new(self.load_array(node, obj, draft))),
                Ty::Bool => Kind::Boolean,
                Ty::Null => Kind::Null,
            },
            View::Cond => Kind::Cond,
            View::Whole | View::NoRef | View::Broken => Kind::Empty,
        }
    }

    fn load_object(&self, node: &Node, obj: &'a Map<String, Value>, draft: Draft) -> ObjK<'a> {
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
                        dep_arrays.push((k.as_str(), names.iter().collect(), keyword));
                    }
                    Value::Object(_) | Value::Bool(_) if keyword != "dependentRequired" => {
                        dep_schemas.push((k.as_str(), self.child(node, &[keyword, k]), keyword));
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

    fn load_array(&self, node: &Node, obj: &'a Map<String, Value>, draft: Draft) -> ArrK {
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

    /// `additionalProperties` / `additionalItems` as everit reads them: a boolean is a flag, an
    /// object is a schema.
    fn extra(&self, node: &Node, obj: &Map<String, Value>, keyword: &str) -> Extra {
        match obj.get(keyword) {
            Some(Value::Bool(false)) => Extra::Flag(Additional::Closed),
            Some(Value::Object(_)) => Extra::Schema(self.child(node, &[keyword])),
            _ => Extra::Flag(Additional::Open),
        }
    }

    fn schema_child(&self, node: &Node, obj: &Map<String, Value>, keyword: &str) -> Option<Node> {
        match obj.get(keyword) {
            Some(Value::Object(_) | Value::Bool(_)) => Some(self.child(node, &[keyword])),
            _ => None,
        }
    }

    fn is_empty_schema(&self, node: &Node) -> bool {
        matches!(self.load(node).kind, Kind::Empty)
    }

    fn is_false_schema(&self, node: &Node) -> bool {
        matches!(self.load(node).kind, Kind::False)
    }

    /// Whether the schema at a node (or the schema its `$ref` points to) has a `default`.
    fn has_default(&self, node: &Node, raw_ptr: &str) -> bool {
        let has = |ptr: &str| {
            self.value(node.side, ptr)
                .and_then(Value::as_object)
                .is_some_and(|o| o.contains_key("default"))
        };
        has(raw_ptr) || has(&node.ptr)
    }

    /// Java's `Pattern.matcher(key).find()`, through the JSON Schema `pattern` keyword (same
    /// unanchored search). An invalid pattern matches nothing.
    fn pattern_finds(&mut self, pattern: &str, key: &str) -> bool {
        let validator = self.patterns.entry(pattern.to_string()).or_insert_with(|| {
            let schema = serde_json::json!({ "type": "string", "pattern": pattern });
            jsonschema::validator_for(&schema).ok()
        });
        validator
            .as_ref()
            .is_some_and(|v| v.is_valid(&Value::String(key.to_string())))
    }

    /// The deepest existing pointer along `segs` from a node (a `required` name is found by
    /// value in its array).
    fn locate(&self, node: &Node, segs: &[String]) -> String {
        let mut ptr = node.ptr.to_string();
        let Some(mut value) = self.value_of(node) else {
            return ptr;
        };
        for seg in segs {
            let next = match value {
                Value::Object(map) => map.get(seg).map(|v| (seg.clone(), v)),
                Value::Array(items) => match seg.parse::<usize>() {
                    Ok(i) => items.get(i).map(|v| (seg.clone(), v)),
                    Err(_) => items
                        .iter()
                        .position(|v| v.as_str() == Some(seg.as_str()))
                        .map(|i| (i.to_string(), &items[i])),
                },
                _ => None,
            };
            let Some((seg, v)) = next else { break };
            ptr = pointer_join_all(&ptr, &[&seg]);
            value = v;
        }
        ptr
    }

    fn add(&self, ctx: &mut Ctx, rule: &'static str, pos: Pos<'_>, detail: String) {
        ctx.diffs.push(Diff {
            rule,
            logical: pos.logical,
            data: pos.data,
            o: pos.o.clone(),
            u: pos.u.clone(),
            o_attr: pos.o_attr,
            u_attr: pos.u_attr,
            detail,
        });
    }

    /// `SchemaDiff.compare(ctx, original, update)`, memoised per pair; differences are relative
    /// to the pair.
    fn compare(&mut self, o: &Node, u: &Node) -> Rc<Ctx> {
        let key: Pair = (o.clone(), u.clone());
        if let Some(hit) = self.memo.get(&key) {
            return hit.clone();
        }
        if self.in_progress.contains(&key) {
            // A recursive cycle: assume compatible unless an earlier round showed otherwise.
            let tainted = self.known_bad.contains(&key);
            if !tainted {
                self.assumed.insert(key);
            }
            return Rc::new(Ctx {
                diffs: Vec::new(),
                tainted,
            });
        }
        if self.depth >= self.max_depth || self.steps >= MAX_STEPS {
            self.limit_hit = true;
            return Rc::new(Ctx::default());
        }
        self.steps += 1;
        self.depth += 1;
        self.in_progress.insert(key.clone());
        let mut ctx = Ctx::default();
        self.compare_into(&mut ctx, o, u);
        self.in_progress.remove(&key);
        self.depth -= 1;
        let ctx = Rc::new(ctx);
        self.memo.insert(key, ctx.clone());
        ctx
    }

    fn compare_into(&mut self, ctx: &mut Ctx, o: &Node, u: &Node) {
        let lo = self.load(o);
        let lu = self.load(u);
        if matches!(lo.kind, Kind::Broken) || matches!(lu.kind, Kind::Broken) {
            // Reported once as UNRESOLVED_REFERENCE.
            return;
        }
        if !lo.is_comb()
            && let Kind::Comb(crit, subs, _) = &lu.kind
        {
            if subs.len() == 1 {
                let sub = self.compare(o, &subs[0]);
                if sub.compatible() {
                    ctx.merge(&sub, &[], &[]);
                    return;
                }
            } else if matches!(crit, Crit::Any | Crit::One) {
                for s in subs {
                    let sub = self.compare(o, s);
                    if sub.compatible() {
                        ctx.merge(&sub, &[], &[]);
                        self.add(ctx, "SUM_TYPE_EXTENDED", Pos::new(o, u), String::new());
                        return;
                    }
                }
            }
        } else if !lu.is_comb()
            && let Kind::Comb(crit, subs, _) = &lo.kind
        {
            if subs.len() == 1 {
                let sub = self.compare(&subs[0], u);
                if sub.compatible() {
                    ctx.merge(&sub, &[], &[]);
                    return;
                }
            }
            if *crit == Crit::All {
                for s in subs {
                    let sub = self.compare(s, u);
                    if sub.compatible() {
                        ctx.merge(&sub, &[], &[]);
                        self.add(ctx, "PRODUCT_TYPE_NARROWED", Pos::new(o, u), String::new());
                        return;
                    }
                }
            }
        }

        if lo.kind.class() != lu.kind.class() {
            if matches!(lo.kind, Kind::False) || matches!(lu.kind, Kind::Empty) {
                return;
            }
            let connect_bytes = |l: &Loaded<'_>| {
                l.obj
                    .and_then(|m| m.get("connect.type"))
                    .and_then(Value::as_str)
                    == Some("bytes")
            };
            if connect_bytes(&lo) && connect_bytes(&lu) {
                return;
            }
            let detail = format!(
                "changed type from {} to {}",
                lo.kind.describe(),
                lu.kind.describe()
            );
            self.add(
                ctx,
                "TYPE_CHANGED",
                Pos::new(o, u).attrs(&["type"], &["type"]),
                detail,
            );
            return;
        }

        self.compare_annotations(ctx, o, u, &lo, &lu);

        match (&lo.kind, &lu.kind) {
            (Kind::Str(a), Kind::Str(b)) => self.compare_strings(ctx, o, u, a, b),
            (Kind::Num(a), Kind::Num(b)) => self.compare_numbers(ctx, o, u, a, b),
            (Kind::Const(a), Kind::Const(b)) if a != b => {
                let detail = format!("changed its const from {a} to {b}");
                self.add(
                    ctx,
                    "ENUM_ARRAY_CHANGED",
                    Pos::new(o, u).attr(&["const"]),
                    detail,
                );
            }
            (Kind::Enum(a), Kind::Enum(b)) => self.compare_enums(ctx, o, u, a, b),
            (Kind::Comb(ca, sa, ra), Kind::Comb(cb, sb, rb)) => {
                self.compare_combined(ctx, o, u, (*ca, sa, ra), (*cb, sb, rb));
            }
            (Kind::Not(a), Kind::Not(b)) => {
                // Reversed: the update's `not` must reject at most what the original's rejects.
                let sub = self.compare(b, a);
                let rule = if sub.compatible() {
                    "NOT_TYPE_NARROWED"
                } else {
                    "NOT_TYPE_EXTENDED"
                };
                self.add(ctx, rule, Pos::new(o, u).attr(&["not"]), String::new());
            }
            (Kind::Obj(a), Kind::Obj(b)) => self.compare_objects(ctx, o, u, a, b),
            (Kind::Arr(a), Kind::Arr(b)) => self.compare_arrays(ctx, o, u, a, b),
            _ => {}
        }
    }

    fn compare_annotations(
        &self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        lo: &Loaded<'a>,
        lu: &Loaded<'a>,
    ) {
        let get = |l: &Loaded<'a>, side: Side, key: &str| -> Option<&'a Value> {
            if !l.common {
                return None;
            }
            let obj = l.obj?;
            if key == "$id" {
                return match self.draft(side) {
                    Draft::D4 => obj.get("id"),
                    Draft::D6 | Draft::D7 => obj.get("$id").or_else(|| obj.get("id")),
                    Draft::D2019 | Draft::D2020 => None,
                };
            }
            obj.get(key)
        };
        for (key, rule) in [
            ("$id", "ID_CHANGED"),
            ("title", "TITLE_CHANGED"),
            ("description", "DESCRIPTION_CHANGED"),
            ("default", "DEFAULT_CHANGED"),
        ] {
            if get(lo, o.side, key) != get(lu, u.side, key) {
                self.add(
                    ctx,
                    rule,
                    Pos::new(o, u).attrs(&[key], &[key]),
                    String::new(),
                );
            }
        }
    }

    /// Compares an optional numeric keyword: (added, removed, increased, decreased).
    #[allow(clippy::too_many_arguments)]
    fn bound(
        &self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        keyword: &str,
        a: Option<f64>,
        b: Option<f64>,
        rules: [&'static str; 4],
    ) {
        let (rule, detail) = match (a, b) {
            (None, None) => return,
            (None, Some(b)) => (rules[0], format!("gained {keyword} {}", fmt_num(b))),
            (Some(a), None) => (rules[1], format!("lost {keyword} {}", fmt_num(a))),
            (Some(a), Some(b)) => match a.partial_cmp(&b) {
                Some(std::cmp::Ordering::Less) => (
                    rules[2],
                    format!("{keyword} increased from {} to {}", fmt_num(a), fmt_num(b)),
                ),
                Some(std::cmp::Ordering::Greater) => (
                    rules[3],
                    format!("{keyword} decreased from {} to {}", fmt_num(a), fmt_num(b)),
                ),
                _ => return,
            },
        };
        self.add(ctx, rule, Pos::new(o, u).attr(&[keyword]), detail);
    }

    fn compare_strings(&self, ctx: &mut Ctx, o: &Node, u: &Node, a: &StrK<'_>, b: &StrK<'_>) {
        self.bound(
            ctx,
            o,
            u,
            "maxLength",
            a.max,
            b.max,
            [
                "MAX_LENGTH_ADDED",
                "MAX_LENGTH_REMOVED",
                "MAX_LENGTH_INCREASED",
                "MAX_LENGTH_DECREASED",
            ],
        );
        self.bound(
            ctx,
            o,
            u,
            "minLength",
            a.min,
            b.min,
            [
                "MIN_LENGTH_ADDED",
                "MIN_LENGTH_REMOVED",
                "MIN_LENGTH_INCREASED",
                "MIN_LENGTH_DECREASED",
            ],
        );
        let (rule, detail) = match (a.pattern, b.pattern) {
            (None, Some(p)) => ("PATTERN_ADDED", format!("gained pattern `{p}`")),
            (Some(p), None) => ("PATTERN_REMOVED", format!("lost pattern `{p}`")),
            (Some(p), Some(q)) if p != q => (
                "PATTERN_CHANGED",
                format!("changed pattern from `{p}` to `{q}`"),
            ),
            _ => return,
        };
        self.add(ctx, rule, Pos::new(o, u).attr(&["pattern"]), detail);
    }

    fn compare_numbers(&self, ctx: &mut Ctx, o: &Node, u: &Node, a: &NumK, b: &NumK) {
        self.bound(
            ctx,
            o,
            u,
            "maximum",
            a.max,
            b.max,
            [
                "MAXIMUM_ADDED",
                "MAXIMUM_REMOVED",
                "MAXIMUM_INCREASED",
                "MAXIMUM_DECREASED",
            ],
        );
        self.bound(
            ctx,
            o,
            u,
            "minimum",
            a.min,
            b.min,
            [
                "MINIMUM_ADDED",
                "MINIMUM_REMOVED",
                "MINIMUM_INCREASED",
                "MINIMUM_DECREASED",
            ],
        );
        self.bound(
            ctx,
            o,
            u,
            "exclusiveMaximum",
            a.xmax,
            b.xmax,
            [
                "EXCLUSIVE_MAXIMUM_ADDED",
                "EXCLUSIVE_MAXIMUM_REMOVED",
                "EXCLUSIVE_MAXIMUM_INCREASED",
                "EXCLUSIVE_MAXIMUM_DECREASED",
            ],
        );
        self.bound(
            ctx,
            o,
            u,
            "exclusiveMinimum",
            a.xmin,
            b.xmin,
            [
                "EXCLUSIVE_MINIMUM_ADDED",
                "EXCLUSIVE_MINIMUM_REMOVED",
                "EXCLUSIVE_MINIMUM_INCREASED",
                "EXCLUSIVE_MINIMUM_DECREASED",
            ],
        );
        let multiple = match (a.multiple, b.multiple) {
            (None, None) => None,
            (None, Some(m)) => Some((
                "MULTIPLE_OF_ADDED",
                format!("gained multipleOf {}", fmt_num(m)),
            )),
            (Some(m), None) => Some((
                "MULTIPLE_OF_REMOVED",
                format!("lost multipleOf {}", fmt_num(m)),
            )),
            (Some(x), Some(y)) if !same_number(x, y) => {
                let rule = if divides(x, y) {
                    "MULTIPLE_OF_EXPANDED"
                } else if divides(y, x) {
                    "MULTIPLE_OF_REDUCED"
                } else {
                    "MULTIPLE_OF_CHANGED"
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
                ("TYPE_EXTENDED", "was widened from integer to number")
            } else {
                ("TYPE_NARROWED", "was narrowed from number to integer")
            };
            self.add(
                ctx,
                rule,
                Pos::new(o, u).attrs(&["type"], &["type"]),
                detail.to_string(),
            );
        }
    }

    fn compare_enums(&self, ctx: &mut Ctx, o: &Node, u: &Node, a: &[Value], b: &[Value]) {
        let a_in_b = a.iter().all(|v| b.contains(v));
        let b_in_a = b.iter().all(|v| a.contains(v));
        let rule = match (a_in_b, b_in_a) {
            (true, true) => return,
            (true, false) => "ENUM_ARRAY_EXTENDED",
            (false, true) => "ENUM_ARRAY_NARROWED",
            (false, false) => "ENUM_ARRAY_CHANGED",
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

    /// `CombinedSchemaDiff.compare`.
    fn compare_combined(
        &mut self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: Combined<'_, 'a>,
        b: Combined<'_, 'a>,
    ) {
        let (ca, sa, ra) = a;
        let (cb, sb, rb) = b;
        let criterion = if ca == cb {
            None
        } else {
            match cb {
                Crit::Any => Some("COMBINED_TYPE_EXTENDED"),
                Crit::One if sa.len() == 1 => Some("COMBINED_TYPE_EXTENDED"),
                Crit::All if sa.len() == 1 && sb.len() == 1 => Some("COMBINED_TYPE_EXTENDED"),
                _ => Some("COMBINED_TYPE_CHANGED"),
            }
        };
        if let Some(rule) = criterion {
            let detail = format!("changed from {} to {}", ca.name(), cb.name());
            self.add(
                ctx,
                rule,
                Pos::new(o, u).attrs(&[ca.name()], &[cb.name()]),
                detail,
            );
            if rule == "COMBINED_TYPE_CHANGED" {
                return;
            }
        }
        let sa = distinct(sa, ra);
        let sb = distinct(sb, rb);
        let size_rule = match sa.len().cmp(&sb.len()) {
            std::cmp::Ordering::Less if cb == Crit::All => Some("PRODUCT_TYPE_EXTENDED"),
            std::cmp::Ordering::Less => Some("SUM_TYPE_EXTENDED"),
            std::cmp::Ordering::Greater if cb == Crit::All => Some("PRODUCT_TYPE_NARROWED"),
            std::cmp::Ordering::Greater => Some("SUM_TYPE_NARROWED"),
            std::cmp::Ordering::Equal => None,
        };
        if let Some(rule) = size_rule {
            let detail = format!(
                "went from {} to {} {} subschemas",
                sa.len(),
                sb.len(),
                cb.name()
            );
            self.add(
                ctx,
                rule,
                Pos::new(o, u).attrs(&[ca.name()], &[cb.name()]),
                detail,
            );
        }
        let mut edges: Vec<Vec<(usize, Rc<Ctx>)>> = Vec::with_capacity(sa.len());
        for x in &sa {
            let mut row = Vec::new();
            for (j, y) in sb.iter().enumerate() {
                if self.limit_hit {
                    break;
                }
                let sub = self.compare(x, y);
                if sub.compatible() {
                    row.push((j, sub));
                }
            }
            // Prefer matching subschemas that differ the least.
            row.sort_by_key(|(_, sub)| sub.diffs.len());
            edges.push(row);
        }
        let adjacency: Vec<Vec<usize>> = edges
            .iter()
            .map(|row| row.iter().map(|(j, _)| *j).collect())
            .collect();
        let matching = max_matching(sa.len(), sb.len(), &adjacency);
        let mut matched = 0;
        for (i, j) in matching.iter().enumerate() {
            let Some(j) = j else { continue };
            matched += 1;
            if let Some((_, sub)) = edges[i].iter().find(|(k, _)| k == j) {
                ctx.merge(sub, &[format!("{}/{i}", ca.name())], &[]);
            }
        }
        if matched < sa.len().min(sb.len()) {
            self.add(
                ctx,
                "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
                Pos::new(o, u).attrs(&[ca.name()], &[cb.name()]),
                format!(
                    "has {} subschemas that no longer match any of the writer's",
                    cb.name()
                ),
            );
        }
    }

    fn object_is_open(&self, k: &ObjK<'_>) -> bool {
        k.patterns.is_empty()
            && k.extra.schema().is_none()
            && k.extra.permits()
            && self.uneval_is_open(k.uneval.as_ref())
    }

    fn uneval_is_open(&self, uneval: Option<&Node>) -> bool {
        uneval.is_none_or(|n| self.is_empty_schema(n))
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

    fn uneval_partial(&self, permits: bool, uneval: Option<&Node>) -> Option<Node> {
        let uneval = uneval?;
        (permits && !self.is_false_schema(uneval) && !self.is_empty_schema(uneval))
            .then(|| uneval.clone())
    }

    /// `ObjectSchemaDiff.compare`.
    fn compare_objects(&mut self, ctx: &mut Ctx, o: &Node, u: &Node, a: &ObjK<'_>, b: &ObjK<'_>) {
        // Required.
        for (key, _) in &a.props {
            let key = *key;
            let Some((_, b_schema)) = b.props.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            let was = a.required.contains(&key);
            let is = b.required.contains(&key);
            let rule = match (was, is) {
                (true, false) => "REQUIRED_ATTRIBUTE_REMOVED",
                (false, true)
                    if self
                        .has_default(b_schema, &pointer_join_all(&u.ptr, &["properties", key])) =>
                {
                    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                }
                (false, true) => "REQUIRED_ATTRIBUTE_ADDED",
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

        // Properties.
        let mut keys: Vec<&str> = a.props.iter().map(|(k, _)| *k).collect();
        for (k, _) in &b.props {
            if !keys.contains(k) {
                keys.push(*k);
            }
        }
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
                            "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
                            here(),
                            String::new(),
                        );
                    } else if let Some(partial) = self.object_partial(b, key) {
                        let sub = self.compare(&pa, &partial);
                        ctx.merge(&sub, &logical, &data);
                        let rule = if sub.compatible() {
                            "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                        } else {
                            "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                        };
                        self.add(ctx, rule, here(), String::new());
                    } else if self.is_false_schema(&pa) {
                        self.add(
                            ctx,
                            "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
                            here(),
                            String::new(),
                        );
                    } else {
                        self.add(
                            ctx,
                            "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
                            here(),
                            String::new(),
                        );
                    }
                }
                (None, Some(pb)) => {
                    let required = b.required.contains(&key);
                    let with_default = required
                        && self.has_default(&pb, &pointer_join_all(&u.ptr, &["properties", key]));
                    if a_open {
                        let rule = if self.is_empty_schema(&pb) {
                            "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                        } else if with_default {
                            "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
                        } else if required {
                            "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
                        } else {
                            "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
                        };
                        self.add(ctx, rule, here(), String::new());
                    } else {
                        if let Some(partial) = self.object_partial(a, key) {
                            let sub = self.compare(&partial, &pb);
                            ctx.merge(&sub, &logical, &data);
                            let rule = if sub.compatible() {
                                "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                            } else {
                                "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                            };
                            self.add(ctx, rule, here(), String::new());
                        }
                        let rule = if with_default {
                            "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
                        } else if required {
                            "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
                        } else {
                            "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
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

        // Dependencies.
        let mut dep_keys: Vec<&str> = a.dep_arrays.iter().map(|(k, ..)| *k).collect();
        for (k, ..) in &b.dep_arrays {
            if !dep_keys.contains(k) {
                dep_keys.push(*k);
            }
        }
        for key in dep_keys {
            let da = a.dep_arrays.iter().find(|(k, ..)| *k == key);
            let db = b.dep_arrays.iter().find(|(k, ..)| *k == key);
            let (ka, kb) = (
                da.map_or("dependencies", |d| d.2),
                db.map_or("dependencies", |d| d.2),
            );
            let pos = Pos::new(o, u)
                .attrs(&[ka, key], &[kb, key])
                .path(&["dependencies", key], &[]);
            let names = |d: Option<&(&str, Vec<&Value>, &str)>| {
                d.map_or(String::new(), |(_, names, _)| {
                    names
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            };
            let rule = match (da, db) {
                (Some(_), None) => "DEPENDENCY_ARRAY_REMOVED",
                (None, Some(_)) => "DEPENDENCY_ARRAY_ADDED",
                (Some((_, xa, _)), Some((_, xb, _))) => {
                    let a_in_b = xa.iter().all(|v| xb.contains(v));
                    let b_in_a = xb.iter().all(|v| xa.contains(v));
                    match (a_in_b, b_in_a) {
                        (true, true) => continue,
                        (true, false) => "DEPENDENCY_ARRAY_EXTENDED",
                        (false, true) => "DEPENDENCY_ARRAY_NARROWED",
                        (false, false) => "DEPENDENCY_ARRAY_CHANGED",
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
        let mut dep_keys: Vec<&str> = a.dep_schemas.iter().map(|(k, ..)| *k).collect();
        for (k, ..) in &b.dep_schemas {
            if !dep_keys.contains(k) {
                dep_keys.push(*k);
            }
        }
        for key in dep_keys {
            let da = a.dep_schemas.iter().find(|(k, ..)| *k == key);
            let db = b.dep_schemas.iter().find(|(k, ..)| *k == key);
            let (ka, kb) = (
                da.map_or("dependencies", |d| d.2),
                db.map_or("dependencies", |d| d.2),
            );
            let pos = Pos::new(o, u)
                .attrs(&[ka, key], &[kb, key])
                .path(&["dependencies", key], &[]);
            match (da, db) {
                (Some(_), None) => self.add(
                    ctx,
                    "DEPENDENCY_SCHEMA_REMOVED",
                    pos,
                    format!("lost the schema that applies when `{key}` is present"),
                ),
                (None, Some(_)) => self.add(
                    ctx,
                    "DEPENDENCY_SCHEMA_ADDED",
                    pos,
                    format!("gained a schema that applies when `{key}` is present"),
                ),
                (Some((_, na, _)), Some((_, nb, _))) => {
                    let sub = self.compare(na, nb);
                    ctx.merge(&sub, &["dependencies".to_string(), key.to_string()], &[]);
                }
                (None, None) => {}
            }
        }

        // additionalProperties.
        let pos = || {
            Pos::new(o, u)
                .attr(&["additionalProperties"])
                .path(&["additionalProperties"], &[])
        };
        if a.extra.permits() != b.extra.permits() {
            let rule = if b.extra.permits() {
                "ADDITIONAL_PROPERTIES_ADDED"
            } else {
                "ADDITIONAL_PROPERTIES_REMOVED"
            };
            self.add(ctx, rule, pos(), String::new());
        } else {
            match (a.extra.schema(), b.extra.schema()) {
                (None, Some(_)) => {
                    self.add(ctx, "ADDITIONAL_PROPERTIES_NARROWED", pos(), String::new())
                }
                (Some(_), None) => {
                    self.add(ctx, "ADDITIONAL_PROPERTIES_EXTENDED", pos(), String::new())
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

        self.compare_unevaluated(
            ctx,
            o,
            u,
            a.uneval.as_ref(),
            b.uneval.as_ref(),
            "unevaluatedProperties",
            "PROPERTIES",
        );

        self.bound(
            ctx,
            o,
            u,
            "maxProperties",
            a.max,
            b.max,
            [
                "MAX_PROPERTIES_ADDED",
                "MAX_PROPERTIES_REMOVED",
                "MAX_PROPERTIES_INCREASED",
                "MAX_PROPERTIES_DECREASED",
            ],
        );
        self.bound(
            ctx,
            o,
            u,
            "minProperties",
            a.min,
            b.min,
            [
                "MIN_PROPERTIES_ADDED",
                "MIN_PROPERTIES_REMOVED",
                "MIN_PROPERTIES_INCREASED",
                "MIN_PROPERTIES_DECREASED",
            ],
        );
    }

    /// `ArraySchemaDiff.compareUnevaluatedItems`, also used for `unevaluatedProperties`.
    #[allow(clippy::too_many_arguments)]
    fn compare_unevaluated(
        &mut self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: Option<&Node>,
        b: Option<&Node>,
        keyword: &str,
        what: &str,
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
            Some(n) => match self.load(n).kind {
                Kind::False => U::False,
                Kind::Empty => U::Empty,
                _ => U::Schema,
            },
        };
        let (ua, ub) = (class(a), class(b));
        let change = match (&ua, &ub) {
            (U::Absent, U::Absent) => return,
            (U::Absent, x) => Some(if *x == U::False {
                "REMOVED"
            } else {
                "NARROWED"
            }),
            (x, U::Absent) => Some(if *x == U::False { "ADDED" } else { "EXTENDED" }),
            (U::False, x) if *x != U::False => Some("ADDED"),
            (x, U::False) if *x != U::False => Some("REMOVED"),
            (U::Empty, x) if *x != U::Empty => Some("NARROWED"),
            (x, U::Empty) if *x != U::Empty => Some("EXTENDED"),
            _ => None,
        };
        match (change, a, b) {
            (Some(change), ..) => {
                let rule = unevaluated_rule(what, change);
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

    fn array_is_open(&self, k: &ArrK) -> bool {
        k.extra.permits() && k.extra.schema().is_none() && self.uneval_is_open(k.uneval.as_ref())
    }

    fn array_partial(&self, k: &ArrK) -> Option<Node> {
        if let Some(schema) = k.extra.schema() {
            return Some(schema.clone());
        }
        self.uneval_partial(k.extra.permits(), k.uneval.as_ref())
    }

    /// `ArraySchemaDiff.compare`.
    fn compare_arrays(&mut self, ctx: &mut Ctx, o: &Node, u: &Node, a: &ArrK, b: &ArrK) {
        // items (one schema for all items).
        let all = || Pos::new(o, u).attr(&["items"]).path(&["items"], &[]);
        match (&a.all, &b.all) {
            (None, Some(_)) => self.add(ctx, "SCHEMA_ADDED", all(), String::new()),
            (Some(_), None) => self.add(ctx, "SCHEMA_REMOVED", all(), String::new()),
            (Some(x), Some(y)) => {
                let sub = self.compare(x, y);
                ctx.merge(&sub, &["items".to_string()], &["*".to_string()]);
            }
            (None, None) => {}
        }

        // Tuple items.
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
                self.add(
                    ctx,
                    "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
                    here,
                    String::new(),
                );
            } else if let Some(partial) = self.array_partial(b) {
                let sub = self.compare(item, &partial);
                ctx.merge(&sub, &[format!("items/{i}")], std::slice::from_ref(&index));
                let rule = if sub.compatible() {
                    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                } else {
                    "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                };
                self.add(ctx, rule, here, String::new());
            } else if self.is_false_schema(item) {
                self.add(
                    ctx,
                    "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
                    here,
                    String::new(),
                );
            } else {
                self.add(
                    ctx,
                    "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
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
                let rule = if self.is_empty_schema(item) {
                    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                } else {
                    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
                };
                self.add(ctx, rule, here, String::new());
            } else if let Some(partial) = self.array_partial(a) {
                let sub = self.compare(&partial, item);
                ctx.merge(&sub, &[format!("items/{i}")], std::slice::from_ref(&index));
                let rule = if sub.compatible() {
                    "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                } else {
                    "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                };
                self.add(ctx, rule, here, String::new());
            } else {
                self.add(
                    ctx,
                    "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
                    here,
                    String::new(),
                );
            }
        }

        // additionalItems.
        let pos = || {
            Pos::new(o, u)
                .attrs(&[a.extra_kw], &[b.extra_kw])
                .path(&["additionalItems"], &[])
        };
        if a.extra.permits() != b.extra.permits() {
            let rule = if a.extra.permits() {
                "ADDITIONAL_ITEMS_REMOVED"
            } else {
                "ADDITIONAL_ITEMS_ADDED"
            };
            self.add(ctx, rule, pos(), String::new());
        } else {
            match (a.extra.schema(), b.extra.schema()) {
                (None, Some(_)) => self.add(ctx, "ADDITIONAL_ITEMS_NARROWED", pos(), String::new()),
                (Some(_), None) => self.add(ctx, "ADDITIONAL_ITEMS_EXTENDED", pos(), String::new()),
                (Some(x), Some(y)) => {
                    let sub = self.compare(x, y);
                    ctx.merge(&sub, &["additionalItems".to_string()], &["*".to_string()]);
                }
                (None, None) => {}
            }
        }

        self.compare_unevaluated(
            ctx,
            o,
            u,
            a.uneval.as_ref(),
            b.uneval.as_ref(),
            "unevaluatedItems",
            "ITEMS",
        );

        self.bound(
            ctx,
            o,
            u,
            "maxItems",
            a.max,
            b.max,
            [
                "MAX_ITEMS_ADDED",
                "MAX_ITEMS_REMOVED",
                "MAX_ITEMS_INCREASED",
                "MAX_ITEMS_DECREASED",
            ],
        );
        self.bound(
            ctx,
            o,
            u,
            "minItems",
            a.min,
            b.min,
            [
                "MIN_ITEMS_ADDED",
                "MIN_ITEMS_REMOVED",
                "MIN_ITEMS_INCREASED",
                "MIN_ITEMS_DECREASED",
            ],
        );
        if a.unique != b.unique {
            let rule = if a.unique {
                "UNIQUE_ITEMS_REMOVED"
            } else {
                "UNIQUE_ITEMS_ADDED"
            };
            self.add(
                ctx,
                rule,
                Pos::new(o, u).attr(&["uniqueItems"]),
                String::new(),
            );
        }
        self.bound(
            ctx,
            o,
            u,
            "maxContains",
            a.max_contains,
            b.max_contains,
            [
                "MAX_CONTAINS_ADDED",
                "MAX_CONTAINS_REMOVED",
                "MAX_CONTAINS_INCREASED",
                "MAX_CONTAINS_DECREASED",
            ],
        );
        self.bound(
            ctx,
            o,
            u,
            "minContains",
            a.min_contains,
            b.min_contains,
            [
                "MIN_CONTAINS_ADDED",
                "MIN_CONTAINS_REMOVED",
                "MIN_CONTAINS_INCREASED",
                "MIN_CONTAINS_DECREASED",
            ],
        );
    }
}

fn unevaluated_rule(what: &str, change: &str) -> &'static str {
    match (what, change) {
        ("PROPERTIES", "ADDED") => "UNEVALUATED_PROPERTIES_ADDED",
        ("PROPERTIES", "REMOVED") => "UNEVALUATED_PROPERTIES_REMOVED",
        ("PROPERTIES", "EXTENDED") => "UNEVALUATED_PROPERTIES_EXTENDED",
        ("PROPERTIES", _) => "UNEVALUATED_PROPERTIES_NARROWED",
        (_, "ADDED") => "UNEVALUATED_ITEMS_ADDED",
        (_, "REMOVED") => "UNEVALUATED_ITEMS_REMOVED",
        (_, "EXTENDED") => "UNEVALUATED_ITEMS_EXTENDED",
        _ => "UNEVALUATED_ITEMS_NARROWED",
    }
}

/// The parts everit makes of a schema object, in its extractor order.
fn parts_of(obj: &Map<String, Value>, draft: Draft) -> Vec<View> {
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

fn ref_of(obj: &Map<String, Value>, draft: Draft) -> Option<&str> {
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

fn has_ref_siblings(obj: &Map<String, Value>) -> bool {
    obj.keys().any(|k| {
        !REF_ANNOTATIONS.contains(&k.as_str()) && k != "$recursiveRef" && k != "$dynamicRef"
    })
}

type Index = (
    HashMap<String, String>,
    HashMap<String, String>,
    Vec<(String, String)>,
);

/// Walks the subschemas of a document (iteratively, bounded): `$id`s, anchors and `$ref`s.
fn index_document(doc: &Value, draft: Draft) -> Index {
    const SCHEMA_MAPS: &[&str] = &[
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependentSchemas",
        "dependencies",
    ];
    const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
    const SCHEMA_ONES: &[&str] = &[
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    ];
    let mut ids = HashMap::new();
    let mut anchors = HashMap::new();
    let mut refs = Vec::new();
    let mut stack: Vec<(&Value, String, usize)> = vec![(doc, String::new(), 0)];
    let mut visited = 0usize;
    while let Some((value, ptr, depth)) = stack.pop() {
        visited += 1;
        if visited > MAX_SCAN_NODES {
            break;
        }
        let Value::Object(obj) = value else { continue };
        let id_keyword = if draft == Draft::D4 { "id" } else { "$id" };
        if let Some(id) = obj.get(id_keyword).and_then(Value::as_str) {
            if let Some(anchor) = id.strip_prefix('#') {
                if !anchor.is_empty() {
                    anchors
                        .entry(anchor.to_string())
                        .or_insert_with(|| ptr.clone());
                }
            } else {
                let base = id.split('#').next().unwrap_or(id);
                if !base.is_empty() {
                    ids.entry(base.to_string()).or_insert_with(|| ptr.clone());
                }
            }
        }
        for keyword in ["$anchor", "$dynamicAnchor"] {
            if let Some(anchor) = obj.get(keyword).and_then(Value::as_str) {
                anchors
                    .entry(anchor.to_string())
                    .or_insert_with(|| ptr.clone());
            }
        }
        if let Some(reference) = ref_of(obj, draft) {
            refs.push((ptr.clone(), reference.to_string()));
        }
        if depth >= MAX_SCAN_DEPTH {
            continue;
        }
        for (key, child) in obj {
            let key = key.as_str();
            if SCHEMA_MAPS.contains(&key) {
                if let Value::Object(map) = child {
                    for (name, schema) in map {
                        if schema.is_object() {
                            stack.push((schema, pointer_join_all(&ptr, &[key, name]), depth + 1));
                        }
                    }
                }
            } else if SCHEMA_LISTS.contains(&key)
                && let Value::Array(list) = child
            {
                for (i, schema) in list.iter().enumerate() {
                    stack.push((
                        schema,
                        pointer_join_all(&ptr, &[key, &i.to_string()]),
                        depth + 1,
                    ));
                }
            } else if SCHEMA_ONES.contains(&key) && child.is_object() {
                stack.push((child, pointer_join_all(&ptr, &[key]), depth + 1));
            }
        }
    }
    refs.sort();
    (ids, anchors, refs)
}

/// Maximum cardinality bipartite matching (augmenting paths, breadth first): for each left
/// vertex, the right vertex it is matched to.
fn max_matching(left: usize, right: usize, adjacency: &[Vec<usize>]) -> Vec<Option<usize>> {
    let mut match_l: Vec<Option<usize>> = vec![None; left];
    let mut match_r: Vec<Option<usize>> = vec![None; right];
    for start in 0..left {
        let mut reached_from: Vec<Option<usize>> = vec![None; right];
        let mut seen_l = vec![false; left];
        let mut queue = VecDeque::from([start]);
        seen_l[start] = true;
        let mut free = None;
        'search: while let Some(l) = queue.pop_front() {
            for &r in adjacency.get(l).map_or(&[][..], Vec::as_slice) {
                if r >= right || reached_from[r].is_some() {
                    continue;
                }
                reached_from[r] = Some(l);
                match match_r[r] {
                    None => {
                        free = Some(r);
                        break 'search;
                    }
                    Some(next) => {
                        if !seen_l[next] {
                            seen_l[next] = true;
                            queue.push_back(next);
                        }
                    }
                }
            }
        }
        let mut r = match free {
            Some(r) => r,
            None => continue,
        };
        // Flip the augmenting path back to `start`.
        for _ in 0..=left {
            let Some(l) = reached_from[r] else { break };
            let previous = match_l[l];
            match_l[l] = Some(r);
            match_r[r] = Some(l);
            match previous {
                Some(p) if l != start => r = p,
                _ => break,
            }
        }
    }
    match_l
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

fn number(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key).and_then(Value::as_f64)
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

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn display_pointer(ptr: &str) -> &str {
    if ptr.is_empty() { "/" } else { ptr }
}

/// What a rule means, for messages that have no more specific detail.
fn default_text(rule: &str) -> &'static str {
    match rule {
        "ID_CHANGED" => "changed its $id",
        "TITLE_CHANGED" => "changed its title",
        "DESCRIPTION_CHANGED" => "changed its description",
        "DEFAULT_CHANGED" => "changed its default value",
        "SCHEMA_ADDED" => {
            "gained an items schema, so items the writer left unconstrained may be rejected"
        }
        "SCHEMA_REMOVED" => "lost its items schema (any item is accepted)",
        "SUM_TYPE_EXTENDED" => "accepts more alternatives (oneOf/anyOf/type) than before",
        "SUM_TYPE_NARROWED" => "accepts fewer alternatives (oneOf/anyOf/type) than before",
        "PRODUCT_TYPE_EXTENDED" => "must satisfy more allOf subschemas than before",
        "PRODUCT_TYPE_NARROWED" => "must satisfy fewer allOf subschemas than before",
        "NOT_TYPE_NARROWED" => "has a `not` that rejects no more than before",
        "NOT_TYPE_EXTENDED" => "has a `not` that rejects values the writer allowed",
        "REQUIRED_ATTRIBUTE_ADDED" => "became required",
        "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" => "became required (it has a default)",
        "REQUIRED_ATTRIBUTE_REMOVED" => "is no longer required",
        "ADDITIONAL_PROPERTIES_ADDED" => "now allows additional properties",
        "ADDITIONAL_PROPERTIES_REMOVED" => {
            "no longer allows additional properties (additionalProperties: false)"
        }
        "ADDITIONAL_PROPERTIES_EXTENDED" => {
            "no longer constrains additional properties with a schema"
        }
        "ADDITIONAL_PROPERTIES_NARROWED" => "now constrains additional properties with a schema",
        "ADDITIONAL_ITEMS_ADDED" => "now allows additional items",
        "ADDITIONAL_ITEMS_REMOVED" => "no longer allows additional items",
        "ADDITIONAL_ITEMS_EXTENDED" => "no longer constrains additional items with a schema",
        "ADDITIONAL_ITEMS_NARROWED" => "now constrains additional items with a schema",
        "UNEVALUATED_PROPERTIES_ADDED" | "UNEVALUATED_ITEMS_ADDED" => {
            "now allows unevaluated values"
        }
        "UNEVALUATED_PROPERTIES_REMOVED" | "UNEVALUATED_ITEMS_REMOVED" => {
            "no longer allows unevaluated values"
        }
        "UNEVALUATED_PROPERTIES_EXTENDED" | "UNEVALUATED_ITEMS_EXTENDED" => {
            "no longer constrains unevaluated values with a schema"
        }
        "UNEVALUATED_PROPERTIES_NARROWED" | "UNEVALUATED_ITEMS_NARROWED" => {
            "now constrains unevaluated values with a schema"
        }
        "DEPENDENCY_ARRAY_ADDED" => "gained a property dependency",
        "DEPENDENCY_ARRAY_REMOVED" => "lost a property dependency",
        "DEPENDENCY_ARRAY_EXTENDED" => "requires more properties through its dependency",
        "DEPENDENCY_ARRAY_NARROWED" => "requires fewer properties through its dependency",
        "DEPENDENCY_ARRAY_CHANGED" => "requires other properties through its dependency",
        "DEPENDENCY_SCHEMA_ADDED" => "gained a schema dependency",
        "DEPENDENCY_SCHEMA_REMOVED" => "lost a schema dependency",
        "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
        | "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" => {
            "was added to an open content model, where the writer may already have written it with another type"
        }
        "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" => {
            "was added as a required property to an open content model"
        }
        "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL" => {
            "was added as a required property (with a default) to an open content model"
        }
        "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" => {
            "was added with an empty schema to an open content model"
        }
        "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" => {
            "was added as a required property without a default to a closed content model"
        }
        "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL" => {
            "was added as a required property with a default to a closed content model"
        }
        "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" => {
            "was added as an optional property to a closed content model"
        }
        "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL" => "was removed from an open content model",
        "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" => {
            "(declared `false`) was removed from a closed content model"
        }
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL" => {
            "was removed from a closed content model, so data that has it is rejected"
        }
        "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => {
            "was removed but is still accepted by the patternProperties/additionalProperties schema"
        }
        "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => {
            "was removed and is not accepted by the patternProperties/additionalProperties schema"
        }
        "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => {
            "was added and accepts what the writer's patternProperties/additionalProperties schema allowed"
        }
        "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => {
            "was added with a schema that rejects values the writer's patternProperties/additionalProperties schema allowed"
        }
        "ITEM_ADDED_TO_OPEN_CONTENT_MODEL" => "was added as a tuple item to an open content model",
        "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" => {
            "was added as an empty tuple item to an open content model"
        }
        "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL" => {
            "was added as a tuple item to a closed content model"
        }
        "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL" => {
            "was removed as a tuple item from an open content model"
        }
        "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" => {
            "(declared `false`) was removed as a tuple item from a closed content model"
        }
        "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL" => {
            "was removed as a tuple item from a closed content model, so data that has it is rejected"
        }
        "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => {
            "was removed as a tuple item but is still accepted by the additional items schema"
        }
        "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => {
            "was removed as a tuple item and is not accepted by the additional items schema"
        }
        "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => {
            "was added as a tuple item accepting what the writer's additional items schema allowed"
        }
        "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => {
            "was added as a tuple item rejecting values the writer's additional items schema allowed"
        }
        "UNIQUE_ITEMS_ADDED" => "now requires unique items",
        "UNIQUE_ITEMS_REMOVED" => "no longer requires unique items",
        _ => "changed",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rules(reader: Value, writer: Value) -> Vec<&'static str> {
        can_read(&reader, &writer)
            .into_iter()
            .map(|i| i.rule)
            .collect()
    }

    fn all(reader: Value, writer: Value) -> Vec<String> {
        changes(&reader, &writer)
            .into_iter()
            .map(|c| format!("{} {}", c.rule, c.path))
            .collect()
    }

    #[test]
    fn identical_schemas_are_compatible() {
        let s =
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]});
        assert!(can_read(&s, &s).is_empty());
        assert!(changes(&s, &s).is_empty());
    }

    #[test]
    fn type_change_names_the_property_and_both_pointers() {
        let writer = json!({"type": "object", "properties": {"total": {"type": "string"}}});
        let reader = json!({"type": "object", "properties": {"total": {"type": "integer"}}});
        let found = can_read(&reader, &writer);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "TYPE_CHANGED");
        assert_eq!(found[0].writer_path, "/properties/total/type");
        assert_eq!(found[0].reader_path, "/properties/total/type");
        assert_eq!(
            found[0].message,
            "property `/total` changed type from string to integer (TYPE_CHANGED)"
        );
    }

    #[test]
    fn integer_is_a_narrowed_number() {
        assert_eq!(
            rules(json!({"type": "integer"}), json!({"type": "number"})),
            ["TYPE_NARROWED"]
        );
        assert!(rules(json!({"type": "number"}), json!({"type": "integer"})).is_empty());
        assert_eq!(
            all(json!({"type": "number"}), json!({"type": "integer"})),
            ["TYPE_EXTENDED #/"]
        );
    }

    #[test]
    fn open_and_closed_content_models() {
        let open = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let open2 = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}});
        assert_eq!(
            rules(open2.clone(), open.clone()),
            ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"]
        );
        assert!(rules(open, open2).is_empty());
        let closed = json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false});
        let closed2 = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                             "additionalProperties": false});
        assert!(rules(closed2.clone(), closed.clone()).is_empty());
        assert_eq!(
            rules(closed, closed2),
            ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"]
        );
    }

    #[test]
    fn required_property_added_to_closed_model_needs_a_default() {
        let writer = json!({"properties": {"a": {}}, "additionalProperties": false});
        let reader = json!({"properties": {"a": {}, "b": {"type": "string"}}, "required": ["b"],
                            "additionalProperties": false});
        assert_eq!(
            rules(reader, writer.clone()),
            ["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"]
        );
        let reader = json!({"properties": {"a": {}, "b": {"type": "string", "default": "x"}}, "required": ["b"],
                            "additionalProperties": false});
        assert!(rules(reader, writer).is_empty());
    }

    #[test]
    fn required_pointer_is_the_array_element() {
        let writer = json!({"properties": {"a": {"type": "string"}}});
        let reader = json!({"properties": {"a": {"type": "string"}}, "required": ["x", "a"]});
        let found = can_read(&reader, &writer);
        assert_eq!(found[0].rule, "REQUIRED_ATTRIBUTE_ADDED");
        assert_eq!(found[0].reader_path, "/required/1");
        assert_eq!(found[0].writer_path, "");
    }

    #[test]
    fn local_refs_resolve_and_recursion_terminates() {
        let tree = json!({
            "definitions": {"node": {"type": "object", "properties": {
                "value": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}},
            "$ref": "#/definitions/node"
        });
        assert!(can_read(&tree, &tree).is_empty());
        let mut changed = tree.clone();
        changed["definitions"]["node"]["properties"]["value"] = json!({"type": "integer"});
        let found = can_read(&changed, &tree);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "TYPE_CHANGED");
        assert_eq!(
            found[0].reader_path,
            "/definitions/node/properties/value/type"
        );
    }

    #[test]
    fn unresolved_refs_are_reported_not_panicked_on() {
        let reader =
            json!({"properties": {"a": {"$ref": "other.json#/x"}, "b": {"$ref": "#/nowhere"}}});
        let writer = json!({"properties": {"a": {}, "b": {}}});
        let found = can_read(&reader, &writer);
        let refs: Vec<_> = found
            .iter()
            .filter(|i| i.rule == UNRESOLVED_REFERENCE)
            .collect();
        assert_eq!(refs.len(), 2, "{found:?}");
        assert_eq!(refs[0].reader_path, "/properties/a/$ref");
        let cycle =
            json!({"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "#/definitions/a"}}});
        // Both refs of the cycle, in both documents.
        assert_eq!(rules(cycle.clone(), cycle), [UNRESOLVED_REFERENCE; 4]);
    }

    #[test]
    fn anchors_and_ids_resolve() {
        let doc = json!({"$id": "https://example.com/s.json", "properties": {
            "a": {"$ref": "https://example.com/s.json#/definitions/x"},
            "b": {"$ref": "#named"}},
            "definitions": {"x": {"type": "string"}, "y": {"$id": "#named", "type": "number"}}});
        assert!(can_read(&doc, &doc).is_empty());
    }

    #[test]
    fn matching_is_maximum() {
        // 0 -> {0, 1}, 1 -> {0}: greedy 0->0 must be undone.
        let m = max_matching(2, 2, &[vec![0, 1], vec![0]]);
        assert_eq!(m, [Some(1), Some(0)]);
        let m = max_matching(3, 2, &[vec![0], vec![0], vec![1]]);
        assert_eq!(m.iter().flatten().count(), 2);
    }

    #[test]
    fn multiple_of_uses_exact_divisibility() {
        assert!(divides(0.5, 10.0));
        assert!(divides(0.1, 0.3));
        assert!(!divides(10.0, 0.5));
        assert!(!divides(0.0, 1.0));
        assert_eq!(
            rules(
                json!({"type": "number", "multipleOf": 0.25}),
                json!({"type": "number", "multipleOf": 0.5})
            ),
            [] as [&str; 0]
        );
        assert_eq!(
            rules(
                json!({"type": "number", "multipleOf": 10}),
                json!({"type": "number", "multipleOf": 0.5})
            ),
            ["MULTIPLE_OF_EXPANDED"]
        );
    }

    /// Runs `f` on a thread with a stack large enough to build and drop very deep values.
    fn with_big_stack(f: impl FnOnce() + Send) {
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new()
                .stack_size(512 << 20)
                .spawn_scoped(scope, f);
            assert!(handle.expect("thread starts").join().is_ok());
        });
    }

    #[test]
    fn deep_nesting_hits_the_limit_instead_of_the_stack() {
        with_big_stack(|| {
            let mut schema = json!({"type": "string"});
            for _ in 0..(MAX_DEPTH + 50) {
                schema = json!({"type": "array", "items": schema});
            }
            let found = can_read(&schema, &schema);
            assert_eq!(
                found.iter().map(|i| i.rule).collect::<Vec<_>>(),
                [COMPARISON_LIMIT_EXCEEDED]
            );
        });
    }

    #[test]
    fn inline_fallback_is_bounded_for_the_callers_stack() {
        // What runs when no worker thread can be started: on this (small) test thread.
        let mut schema = json!({"type": "string"});
        for _ in 0..(MAX_DEPTH_INLINE + 10) {
            schema = json!({"type": "object", "properties": {"a": {"oneOf": [schema]}}});
        }
        let found = compute(&schema, &schema, MAX_DEPTH_INLINE);
        assert_eq!(
            found.iter().map(|c| c.rule).collect::<Vec<_>>(),
            [COMPARISON_LIMIT_EXCEEDED]
        );
        let shallow = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        assert!(compute(&shallow, &shallow, MAX_DEPTH_INLINE).is_empty());
    }

    #[test]
    fn deep_nesting_below_the_limit_fits_the_worker_stack() {
        with_big_stack(|| {
            // The heaviest frames: objects whose properties are singleton oneOfs of allOfs.
            let mut schema = json!({"type": "string"});
            for _ in 0..(MAX_DEPTH / 3 - 5) {
                schema = json!({"type": "object", "properties": {"a": {"oneOf": [{"allOf": [schema, {"minProperties": 0}]}]}}});
            }
            assert!(can_read(&schema, &schema).is_empty());
        });
    }
}
