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
