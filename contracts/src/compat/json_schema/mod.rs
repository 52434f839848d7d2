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
//! - A `$ref` that cannot be resolved (remote, naming no reference, dangling, or a pure `$ref`
//!   cycle, within a document or across documents) is reported as `UNRESOLVED_REFERENCE`.
//!   (Confluent rejects such a schema when it is registered.) Local `#/...` pointers, `#anchor`s,
//!   and URIs equal to an `$id` inside the document resolve, and so, for a [`Document`] with
//!   references (Confluent's `JsonSchema` with `resolvedReferences`, loaded in
//!   `JsonSchema.loadPreviousDraft`, which registers each reference under its name resolved
//!   against the root's `$id`), a `$ref` whose base is a reference's name (as written, with or
//!   without `./`, or both resolved against the root's `$id`) or the `$id` of any of the side's
//!   documents. The referenced documents are read with the root's draft (everit loads them
//!   with the root's loader); a `#...` reference inside a referenced document resolves in that
//!   document. URI resolution is the subset schema references need (scheme, absolute path,
//!   relative last segment), not all of RFC 3986.
//! - Paths: Confluent's `#/...` path follows the comparison through `$ref`s (everit replaces a
//!   `ReferenceSchema` by the schema it refers to and `SchemaDiff` names the keywords it walks),
//!   so a difference inside a referenced schema reached through `#/properties/address` is
//!   reported at `#/properties/address/properties/street`. contrail's reader and writer
//!   pointers name the document they point into: a plain JSON pointer into the root,
//!   `name#/pointer` into the reference `name`.
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
//!
//! # Layout
//!
//! One file per Confluent class (or group of classes) followed:
//!
//! | file | follows |
//! | --- | --- |
//! | `schema_diff.rs` | `SchemaDiff`: the dispatcher between schema classes, annotations |
//! | `context.rs` | `Context`: the differences of a pair, the memo of pairs, recursion guards |
//! | `scalars.rs` | `StringSchemaDiff`, `NumberSchemaDiff`, `EnumSchemaDiff`, `ConstSchemaDiff` |
//! | `combinators.rs` | `CombinedSchemaDiff` (`allOf`/`anyOf`/`oneOf`), `NotSchemaDiff` |
//! | `objects.rs` | `ObjectSchemaDiff` |
//! | `arrays.rs` | `ArraySchemaDiff` |
//! | `rules.rs` | `Difference.Type` and `SchemaDiff.COMPATIBLE_CHANGES_STRICT` |
//! | `messages.rs` | (contrail's own) the message of each difference |
//! | `model.rs` | everit's schema classes, as Confluent's diff sees them |
//! | `loader.rs` | everit's `SchemaLoader`: `$id`s, anchors, `$ref` resolution |
//!
//! Each keyword is read (a `Loader` method) next to where it is compared.

mod arrays;
mod combinators;
mod context;
mod loader;
mod messages;
mod model;
mod objects;
mod rules;
mod scalars;
mod schema_diff;

use serde_json::Value;

use super::Incompatibility;
use context::Engine;
use loader::Docs;
use model::Side;
pub use rules::{COMPATIBLE_CHANGES, JsonSchemaRule};

/// Rule reported for a `$ref` that resolves neither inside its document nor to a reference.
pub const UNRESOLVED_REFERENCE: &str = JsonSchemaRule::UnresolvedReference.as_str();
/// Rule reported when a comparison exceeds contrail's depth or work bounds.
pub const COMPARISON_LIMIT_EXCEEDED: &str = JsonSchemaRule::ComparisonLimitExceeded.as_str();

/// One difference between a writer and a reader schema, compatible or not, as Confluent's
/// `SchemaDiff.compare(original = writer, update = reader)` would list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Confluent's `Difference.Type`.
    pub rule: JsonSchemaRule,
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

/// A JSON schema with the schemas it refers to: Confluent's `JsonSchema` with its
/// `resolvedReferences`. A `$ref` whose base (the part before `#`) is a reference's `name`
/// (as written, or both resolved against the root's `$id`), or the `$id` of any of the
/// documents, resolves into that document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// The schema itself.
    pub root: Value,
    /// `(name, schema)` of every schema it refers to, directly or through another reference.
    pub references: Vec<(String, Value)>,
}

impl Document {
    /// A schema that refers to no other document.
    pub fn new(root: Value) -> Self {
        Document {
            root,
            references: Vec::new(),
        }
    }

    /// The same schema with one more referenced document.
    #[must_use]
    pub fn with_reference(mut self, name: impl Into<String>, schema: Value) -> Self {
        self.references.push((name.into(), schema));
        self
    }

    /// Whether both refer to the same documents under the same names, in whatever order
    /// they were gathered (a catalog's files, a registry's resolved references).
    pub fn same_references(&self, other: &Document) -> bool {
        fn sorted(document: &Document) -> Vec<&(String, Value)> {
            let mut references: Vec<&(String, Value)> = document.references.iter().collect();
            references.sort_by(|a, b| a.0.cmp(&b.0));
            references
        }
        sorted(self) == sorted(other)
    }

    fn docs(&self) -> Docs<'_> {
        Docs {
            root: &self.root,
            references: &self.references,
        }
    }
}

impl From<Value> for Document {
    fn from(root: Value) -> Self {
        Document::new(root)
    }
}

impl std::ops::Deref for Document {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.root
    }
}

/// Everything that keeps `reader` from accepting all documents `writer` accepts, by Confluent's
/// rules: the incompatible [`changes`].
pub fn can_read(reader: &Value, writer: &Value) -> Vec<Incompatibility> {
    incompatible(run(alone(reader), alone(writer)))
}

/// [`can_read`] for schemas with references.
pub fn can_read_with(reader: &Document, writer: &Document) -> Vec<Incompatibility> {
    incompatible(run(reader.docs(), writer.docs()))
}

/// Every difference (compatible or not) between the writer and the reader schema.
pub fn changes(reader: &Value, writer: &Value) -> Vec<Change> {
    run(alone(reader), alone(writer))
}

/// [`changes`] for schemas with references.
pub fn changes_with(reader: &Document, writer: &Document) -> Vec<Change> {
    run(reader.docs(), writer.docs())
}

fn alone(root: &Value) -> Docs<'_> {
    Docs {
        root,
        references: &[],
    }
}

fn incompatible(changes: Vec<Change>) -> Vec<Incompatibility> {
    changes
        .into_iter()
        .filter(|c| !c.compatible)
        .map(|c| Incompatibility {
            rule: c.rule.as_str(),
            reader_path: c.reader_path,
            writer_path: c.writer_path,
            message: c.message,
        })
        .collect()
}

fn run(reader: Docs<'_>, writer: Docs<'_>) -> Vec<Change> {
    // Recursive schemas compared pairwise recurse deeply (Confluent's Java does the same on the
    // JVM's stack), so the comparison runs on a worker with a large stack; where no thread can
    // be started it runs here with a depth bound small enough for any caller's stack.
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("json-compat".to_string())
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, || compute(reader, writer, MAX_DEPTH));
        match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| vec![messages::limit_change()]),
            Err(_) => compute(reader, writer, MAX_DEPTH_INLINE),
        }
    })
}

fn compute(reader: Docs<'_>, writer: Docs<'_>, max_depth: usize) -> Vec<Change> {
    let mut engine = Engine::new(writer, reader, max_depth);
    let mut out = Vec::new();
    for side in [Side::Writer, Side::Reader] {
        for (ptr, reference) in engine.loader.unresolved_refs(side) {
            out.push(messages::unresolved_reference(side, ptr, &reference));
        }
    }
    let root = engine.run();
    out.extend(root.diffs.iter().map(|d| d.to_change(&engine.loader)));
    if engine.limit_hit {
        out.push(messages::limit_change());
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
    fn multiple_of_uses_exact_divisibility() {
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
        let found = compute(alone(&schema), alone(&schema), MAX_DEPTH_INLINE);
        assert_eq!(
            found.iter().map(|c| c.rule).collect::<Vec<_>>(),
            [JsonSchemaRule::ComparisonLimitExceeded]
        );
        let shallow = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        assert!(compute(alone(&shallow), alone(&shallow), MAX_DEPTH_INLINE).is_empty());
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

    // -----------------------------------------------------------------------------------------
    // References to other documents (Confluent's `resolvedReferences`).

    fn customer(reference: &str) -> Value {
        json!({"type": "object", "properties": {"name": {"type": "string"},
                                               "address": {"$ref": reference}}})
    }

    fn address(street: &str) -> Value {
        json!({"type": "object", "properties": {"street": {"type": street}},
               "additionalProperties": false})
    }

    fn with_address(root: Value, address: Value) -> Document {
        Document::new(root).with_reference("address.json", address)
    }

    #[test]
    fn a_breaking_change_inside_a_referenced_schema_is_found_through_the_ref() {
        let old = with_address(customer("address.json"), address("string"));
        let new = with_address(customer("address.json"), address("integer"));
        // BACKWARD: the new schema reads data written with the old one.
        let found = changes_with(&new, &old);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule.as_str(), "TYPE_CHANGED");
        assert!(!found[0].compatible);
        assert_eq!(found[0].path, "#/properties/address/properties/street");
        assert_eq!(found[0].reader_path, "address.json#/properties/street/type");
        assert_eq!(found[0].writer_path, "address.json#/properties/street/type");
        // FORWARD: the old schema reads data written with the new one.
        let rules: Vec<_> = can_read_with(&old, &new).iter().map(|i| i.rule).collect();
        assert_eq!(rules, ["TYPE_CHANGED"]);
        // Without the references, the same roots compare equal (and the refs are unresolved).
        assert!(
            can_read(&new.root, &old.root)
                .iter()
                .all(|i| i.rule == UNRESOLVED_REFERENCE)
        );
    }

    #[test]
    fn a_change_inside_a_reference_is_judged_per_direction() {
        let old = with_address(customer("address.json"), address("string"));
        let mut wider = address("string");
        wider["properties"]["zip"] = json!({"type": "string"});
        let new = with_address(customer("address.json"), wider);
        // BACKWARD: a property added to a closed content model is compatible.
        assert!(can_read_with(&new, &old).is_empty());
        assert_eq!(
            changes_with(&new, &old)
                .iter()
                .map(|c| (c.rule.as_str(), c.path.as_str()))
                .collect::<Vec<_>>(),
            [(
                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
                "#/properties/address/properties/zip"
            )]
        );
        // FORWARD: the old, closed schema cannot read the new property.
        let rules: Vec<_> = can_read_with(&old, &new).iter().map(|i| i.rule).collect();
        assert_eq!(rules, ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"]);
    }

    #[test]
    fn fragments_ids_and_local_refs_resolve_in_the_referenced_document() {
        let types = |street: &str| {
            json!({"$id": "https://example.com/schemas/types.json",
                   "definitions": {"Street": {"$ref": "#/definitions/Text"},
                                   "Text": {"type": street}}})
        };
        for reference in [
            "types.json#/definitions/Street",
            "./types.json#/definitions/Street",
            "https://example.com/schemas/types.json#/definitions/Street",
            "/schemas/types.json#/definitions/Street",
        ] {
            let root = json!({"$id": "https://example.com/schemas/customer.json",
                              "type": "object",
                              "properties": {"street": {"$ref": reference}},
                              // A local pointer of the same name in the root must not be used.
                              "definitions": {"Text": {"type": "boolean"}}});
            let old = Document::new(root.clone()).with_reference("types.json", types("string"));
            let new = Document::new(root).with_reference("types.json", types("integer"));
            let found = can_read_with(&new, &old);
            assert_eq!(found.len(), 1, "{reference}: {found:?}");
            assert_eq!(found[0].rule, "TYPE_CHANGED", "{reference}");
            assert_eq!(
                found[0].reader_path, "types.json#/definitions/Text/type",
                "{reference}"
            );
            assert!(can_read_with(&old, &old).is_empty(), "{reference}");
        }
    }

    #[test]
    fn a_reference_missing_on_one_side_stays_unresolved() {
        let with = with_address(customer("address.json"), address("string"));
        let without = Document::new(customer("address.json"));
        let found = changes_with(&with, &without);
        let unresolved: Vec<_> = found
            .iter()
            .filter(|c| c.rule.as_str() == UNRESOLVED_REFERENCE)
            .collect();
        assert_eq!(unresolved.len(), 1, "{found:?}");
        assert_eq!(unresolved[0].writer_path, "/properties/address/$ref");
        assert_eq!(unresolved[0].reader_path, "");
        assert!(!unresolved[0].compatible);
        // A dangling `$ref` inside a referenced document names that document.
        let broken = with_address(customer("address.json"), json!({"$ref": "nowhere.json"}));
        let found = can_read_with(&broken, &with);
        let paths: Vec<_> = found
            .iter()
            .map(|i| (i.rule, i.reader_path.as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                (UNRESOLVED_REFERENCE, "/properties/address/$ref"),
                (UNRESOLVED_REFERENCE, "address.json#/$ref")
            ]
        );
    }

    #[test]
    fn cycles_across_two_documents_terminate() {
        let a = |leaf: &str| {
            json!({"type": "object", "properties": {"b": {"$ref": "b.json"},
                                                   "leaf": {"type": leaf}}})
        };
        let b = json!({"type": "object", "properties": {"a": {"$ref": "a.json"}}});
        let doc = |leaf: &str| {
            Document::new(json!({"$ref": "a.json"}))
                .with_reference("a.json", a(leaf))
                .with_reference("b.json", b.clone())
        };
        assert!(can_read_with(&doc("string"), &doc("string")).is_empty());
        let found = can_read_with(&doc("integer"), &doc("string"));
        assert!(!found.is_empty());
        assert!(found.iter().all(|i| i.rule == "TYPE_CHANGED"), "{found:?}");
        // A pure `$ref` cycle between two documents is unresolved, not a hang.
        let pure = Document::new(json!({"$ref": "x.json"}))
            .with_reference("x.json", json!({"$ref": "y.json"}))
            .with_reference("y.json", json!({"$ref": "x.json"}));
        let found = can_read_with(&pure, &pure);
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|i| i.rule == UNRESOLVED_REFERENCE),
            "{found:?}"
        );
    }
}
