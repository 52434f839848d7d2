//! Loaders never panic, whatever the files hold. Inputs are built from fragments of the
//! formats contrail reads (keys, brackets, anchors, aliases, indentation), so the generator
//! reaches deep into the loaders instead of stopping at the first syntax error.

use std::path::Path;

use contrail_contracts::{LoadOptions, load_catalog, yaml};
use proptest::prelude::*;

const FRAGMENTS: &[&str] = &[
    "event: ",
    "service: ",
    "asyncapi: ",
    "2.6.0",
    "3.0.0",
    "topic: ",
    "key: ",
    "schema: ",
    "kind: ",
    "domain",
    "produces:",
    "consumes:",
    "- ",
    "event: A",
    "group: g",
    "reads: [a, b]",
    "retry: {max: 3, backoff: exponential}",
    "idempotency: {key: id}",
    "dead-letter: d",
    "examples:",
    "payload: {a: 1}",
    "channels:",
    "operations:",
    "action: send",
    "action: receive",
    "channel: {$ref: '#/channels/c'}",
    "messages:",
    "$ref: '#/components/messages/m'",
    "$ref: 'other.yaml#/x'",
    "$ref: 'http://example.com/x.yaml'",
    "payload:",
    "type: object",
    "properties:",
    "components:",
    "correlationId: {location: '$message.header#/c'}",
    "schemaFormat: application/vnd.apache.avro;version=1.9.0",
    "publish:",
    "subscribe:",
    "message:",
    "oneOf:",
    "&a ",
    "*a",
    "<<: *a",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "'",
    "\"",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    "~",
    "null",
    "0x1F",
    "-1",
    "1e999",
    "é",
    "\u{feff}",
    "#c",
    "---\n",
    "...\n",
    "!!str ",
    "!tag ",
    "? ",
    "|\n  x",
    ">-\n  y",
    "catalog: c",
    "defaults:",
    "compatibility: FULL",
    "correlation: traceparent",
    "x.avsc",
    "{\"type\": \"record\", \"name\": \"R\", \"fields\": [",
    "{\"name\": \"f\", \"type\": \"int\"}",
    "\"type\": [\"null\", \"R\"]",
];

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|parts| parts.concat())
}

fn write_catalog(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn yaml_reader_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = yaml::parse(&text);
    }

    #[test]
    fn yaml_reader_never_panics_on_fragments(text in document()) {
        let _ = yaml::parse(&text);
    }

    #[test]
    fn catalog_loader_never_panics(
        config in document(),
        event in document(),
        service in document(),
        asyncapi in document(),
        other in document(),
        avsc in document(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = format!("catalog: fuzz\n{config}");
        let event = format!("event: E\n{event}");
        let service = format!("service: S\n{service}");
        let asyncapi = format!("asyncapi: 3.0.0\n{asyncapi}");
        write_catalog(dir.path(), &[
            ("contrail.yaml", config.as_str()),
            ("events/e.yaml", event.as_str()),
            ("services/s.yaml", service.as_str()),
            ("asyncapi.yaml", asyncapi.as_str()),
            ("other.yaml", other.as_str()),
            ("x.avsc", avsc.as_str()),
        ]);
        let loaded = load_catalog(dir.path(), LoadOptions::default()).expect("the directory exists");
        for d in &loaded.diagnostics {
            prop_assert!(!d.message.is_empty());
            if let Some(l) = &d.location {
                prop_assert!(l.start.line >= 1 && l.start.column >= 1, "{d:?}");
            }
        }
    }
}

/// Avro-shaped JSON: records, fields, unions, arrays, maps, enums, fixed, names that may or may
/// not resolve, recursion through names, and deep nesting.
fn avro_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let leaf = prop_oneof![
        prop::sample::select(vec![
            "null", "boolean", "int", "long", "float", "double", "bytes", "string", "R", "E",
            "n.R", "Missing"
        ])
        .prop_map(|s| json!(s)),
        Just(json!({"type": "enum", "name": "E", "symbols": ["A", "B"]})),
        Just(json!({"type": "enum", "name": "E", "symbols": ["A"], "default": "A"})),
        Just(json!({"type": "fixed", "name": "F", "size": 4})),
        Just(json!({"type": "long", "logicalType": "timestamp-millis"})),
        any::<i64>().prop_map(|n| json!(n)),
        Just(json!({})),
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            inner.clone().prop_map(|t| json!({"type": "array", "items": t})),
            inner.clone().prop_map(|t| json!({"type": "map", "values": t})),
            (prop::collection::vec(inner.clone(), 0..4), any::<bool>()).prop_map(|(types, default)| {
                let fields: Vec<serde_json::Value> = types
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let mut f = json!({"name": format!("f{i}"), "type": t});
                        if default {
                            f["default"] = json!(null);
                        }
                        f
                    })
                    .collect();
                json!({"type": "record", "name": "R", "namespace": "n", "aliases": ["Old"], "fields": fields})
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The Avro resolver and checker take any JSON without panicking, and a schema that
    /// resolves can always read itself.
    #[test]
    fn avro_checker_never_panics(a in avro_json(), b in avro_json()) {
        use contrail_contracts::compat::avro::{AvroSchema, can_read, risky_changes};
        let parsed_a = AvroSchema::parse(&a, &[]);
        let parsed_b = AvroSchema::parse(&b, &[&a]);
        if let Ok(sa) = &parsed_a {
            prop_assert!(can_read(sa, sa).is_empty(), "a schema must read itself: {a}");
            prop_assert!(risky_changes(sa, sa).is_empty());
        }
        if let (Ok(sa), Ok(sb)) = (&parsed_a, &parsed_b) {
            let _ = can_read(sa, sb);
            let _ = can_read(sb, sa);
            let _ = risky_changes(sa, sb);
        }
    }
}

#[test]
fn deeply_nested_avro_is_refused_not_overflowed() {
    use contrail_contracts::compat::avro::AvroSchema;
    let mut schema = serde_json::json!("int");
    // Deep enough to pass the resolver's bound (256) many times over, shallow enough for
    // serde_json's own recursive drop on a test thread's stack in debug builds.
    for _ in 0..1_000 {
        schema = serde_json::json!({"type": "array", "items": schema});
    }
    let error = AvroSchema::parse(&schema, &[]).expect_err("too deep");
    assert!(error.message.contains("nests too deeply"), "{error}");
}
