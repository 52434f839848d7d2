//! The field-level schema diff on generated JSON Schemas: no panic whatever the shape (local
//! `$ref` cycles included), nothing changed between a schema and itself, and the diff is
//! symmetric.

use contrail_contracts::compat::SchemaVersion;
use contrail_contracts::compat::field_diff::changed_fields;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Schema-shaped JSON: objects with the keywords the diff knows, names from a small set so that
/// properties and references meet.
fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({ "type": "string" })),
        Just(json!({ "type": "integer" })),
        Just(json!(true)),
        Just(json!({ "$ref": "#/$defs/a" })),
        Just(json!({ "$ref": "#/$defs/b" })),
        Just(json!({ "$ref": "https://example.invalid/x.json" })),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        let name = prop::sample::select(vec!["a", "b", "c"]);
        prop_oneof![
            prop::collection::btree_map(name.clone(), inner.clone(), 0..3)
                .prop_map(|p| { json!({ "type": "object", "properties": p }) }),
            (
                prop::collection::btree_map(name.clone(), inner.clone(), 0..3),
                prop::collection::vec(name, 0..3)
            )
                .prop_map(|(p, r)| json!({ "properties": p, "required": r })),
            inner
                .clone()
                .prop_map(|i| json!({ "type": "array", "items": i })),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|i| json!({ "items": i })),
            (inner.clone(), inner).prop_map(|(a, b)| json!({ "$defs": { "a": a, "b": b } })),
        ]
    })
}

/// A document with definitions that may refer to each other (and to themselves).
fn document() -> impl Strategy<Value = Value> {
    (schema(), schema(), schema()).prop_map(|(mut root, a, b)| {
        if let Some(object) = root.as_object_mut() {
            object.insert("$defs".to_owned(), json!({ "a": a, "b": b }));
        }
        root
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn json_schema_diffs_are_total_empty_on_self_and_symmetric(new in document(), old in document()) {
        let (new, old) = (SchemaVersion::json(new), SchemaVersion::json(old));
        prop_assert!(changed_fields(&new, &new).is_empty());
        prop_assert_eq!(changed_fields(&new, &old), changed_fields(&old, &new));
    }
}
