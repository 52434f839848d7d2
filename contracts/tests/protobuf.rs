//! Protobuf events in a catalog: `.proto` schemas compiled with their imports, the message an
//! event names, JSON examples, field paths, and AsyncAPI Protobuf payloads.

use std::path::Path;

use contrail_contracts::payload::{Found, Payload, segments};
use contrail_contracts::{Diagnostic, LoadOptions, Loaded, load_catalog};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dir");
    }
    std::fs::write(&path, text).expect("write file");
}

fn catalog(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "contrail.yaml", "catalog: test\n");
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    let loaded = load_catalog(dir.path(), LoadOptions::default()).expect("loads");
    (dir, loaded)
}

fn with_code<'a>(loaded: &'a Loaded, code: &str) -> Vec<&'a Diagnostic> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.code == code)
        .collect()
}

fn relative(dir: &tempfile::TempDir, d: &Diagnostic) -> String {
    let Some(location) = &d.location else {
        return "nowhere".to_owned();
    };
    let file = location
        .file
        .strip_prefix(dir.path())
        .unwrap_or(&location.file);
    format!(
        "{}:{}:{}",
        file.display(),
        location.start.line,
        location.start.column
    )
}

const SHIPMENT: &str = r#"syntax = "proto3";
package shop.shipping.v1;

import "google/protobuf/timestamp.proto";
import "common/address.proto";

message ShipmentDispatched {
  string shipment_id = 1;
  string order_id = 2;
  google.protobuf.Timestamp dispatched_at = 3;
  shop.common.v1.Address destination = 4;
  repeated Parcel parcels = 5;
  message Parcel { string tracking_number = 1; uint32 weight_grams = 2; }
}

message ShipmentReturned {
  string shipment_id = 1;
}
"#;

const ADDRESS: &str = r#"syntax = "proto3";
package shop.common.v1;
message Address { string city = 1; string country_code = 2; }
"#;

#[test]
fn an_event_with_imports_loads_clean_and_its_payload_is_its_message() {
    let (_dir, loaded) = catalog(&[
        ("schemas/shipment.proto", SHIPMENT),
        // Found from the catalog root, as protoc -I<root> would.
        ("common/address.proto", ADDRESS),
        (
            "events/returned.yaml",
            "event: ShipmentReturned\ntopic: shop.returns\nschema: ../schemas/shipment.proto\nmessage: shop.shipping.v1.ShipmentReturned\nexamples:\n  - payload: { shipmentId: s-1 }\n",
        ),
        (
            "events/dispatched.yaml",
            "event: ShipmentDispatched\ntopic: shop.shipments\nschema: ../schemas/shipment.proto\nexamples:\n  - payload:\n      shipmentId: s-1\n      dispatchedAt: '2026-01-02T03:04:05Z'\n      destination: { city: Lyon, countryCode: FR }\n      parcels: [ { trackingNumber: T-1, weightGrams: 1200 } ]\n",
        ),
    ]);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let payload = |event: &str| {
        let event = loaded.catalog.event(event).expect("declared");
        Payload::of(&loaded.catalog, event.schema.as_ref().expect("a schema")).expect("a payload")
    };
    let Payload::Protobuf(first) = payload("ShipmentDispatched") else {
        panic!("a Protobuf payload")
    };
    assert_eq!(first.full_name(), "shop.shipping.v1.ShipmentDispatched");
    let Payload::Protobuf(named) = payload("ShipmentReturned") else {
        panic!("a Protobuf payload")
    };
    assert_eq!(named.full_name(), "shop.shipping.v1.ShipmentReturned");
    let dispatched = payload("ShipmentDispatched");
    assert_eq!(
        dispatched.resolve(&segments("destination.countryCode")),
        Found::Always
    );
    assert!(matches!(
        dispatched.resolve(&segments("parcels.weight")),
        Found::Missing(segment, _) if segment == "weight"
    ));
}

#[test]
fn a_missing_import_and_a_syntax_error_are_reported_where_they_are() {
    let (dir, loaded) = catalog(&[
        ("schemas/shipment.proto", SHIPMENT),
        (
            "schemas/broken.proto",
            "syntax = \"proto3\";\nmessage Broken {\n  string id = 1\n}\n",
        ),
        (
            "events/a.yaml",
            "event: ShipmentDispatched\nschema: ../schemas/shipment.proto\n",
        ),
        (
            "events/b.yaml",
            "event: BrokenHappened\nschema: ../schemas/broken.proto\n",
        ),
    ]);
    let unresolved = with_code(&loaded, "CV011");
    assert_eq!(unresolved.len(), 1, "{:#?}", loaded.diagnostics);
    assert_eq!(relative(&dir, unresolved[0]), "schemas/shipment.proto:5:1");
    assert!(
        unresolved[0].message.contains("common/address.proto"),
        "{}",
        unresolved[0].message
    );
    let invalid = with_code(&loaded, "CV010");
    assert_eq!(invalid.len(), 1, "{:#?}", loaded.diagnostics);
    assert_eq!(relative(&dir, invalid[0]), "schemas/broken.proto:4:1");
    // A schema that does not compile has no payload to check examples or paths against.
    let event = loaded.catalog.event("BrokenHappened").expect("declared");
    assert!(Payload::of(&loaded.catalog, event.schema.as_ref().expect("a schema")).is_none());
}

#[test]
fn an_unknown_message_is_reported_with_the_closest_name() {
    let (dir, loaded) = catalog(&[
        ("schemas/shipment.proto", SHIPMENT),
        ("common/address.proto", ADDRESS),
        (
            "events/a.yaml",
            "event: ShipmentDispatched\nschema: ../schemas/shipment.proto\nmessage: shop.shipping.v1.ShipmentDispatchd\n",
        ),
        (
            "events/b.yaml",
            "event: OrderPlaced\nschema: ../schemas/order.json\nmessage: OrderPlaced\n",
        ),
        ("schemas/order.json", "{ \"type\": \"object\" }"),
    ]);
    let unknown = with_code(&loaded, "CV014");
    assert_eq!(unknown.len(), 2, "{:#?}", loaded.diagnostics);
    let proto = unknown
        .iter()
        .find(|d| d.message.contains("ShipmentDispatchd"))
        .expect("reported");
    assert_eq!(relative(&dir, proto), "events/a.yaml:3:10");
    assert_eq!(
        proto.help.as_deref(),
        Some(
            "did you mean `shop.shipping.v1.ShipmentDispatched`? name the message by its full name, package included"
        )
    );
    let json = unknown
        .iter()
        .find(|d| d.message.contains("OrderPlaced"))
        .expect("reported");
    assert!(
        json.message.contains("JSON Schema, not Protobuf"),
        "{}",
        json.message
    );
}

#[test]
fn examples_that_do_not_fit_name_the_example_and_the_field() {
    let (dir, loaded) = catalog(&[
        ("schemas/shipment.proto", SHIPMENT),
        ("common/address.proto", ADDRESS),
        (
            "events/a.yaml",
            "event: ShipmentDispatched\nschema: ../schemas/shipment.proto\nexamples:\n  - name: heavy\n    payload:\n      parcels:\n        - { trackingNumber: T-1, weightGrams: heavy }\n  - payload: { shipmentId: s-1, colour: red }\n",
        ),
    ]);
    let mismatches = with_code(&loaded, "CV030");
    assert_eq!(mismatches.len(), 2, "{:#?}", loaded.diagnostics);
    assert!(
        mismatches[0].message.starts_with("example `heavy` of `ShipmentDispatched` does not match its schema at /parcels/0/weightGrams:"),
        "{}",
        mismatches[0].message
    );
    assert_eq!(relative(&dir, mismatches[0]), "events/a.yaml:7:47");
    assert!(
        mismatches[1].message.starts_with("example 2 of"),
        "{}",
        mismatches[1].message
    );
    assert!(
        mismatches[1].message.contains("colour"),
        "{}",
        mismatches[1].message
    );
}

#[test]
fn asyncapi_protobuf_payloads_load_inline_and_by_reference() {
    let document = r#"asyncapi: 3.0.0
info: { title: shipping, version: 1.0.0 }
channels:
  shipments:
    address: shop.shipments
    messages:
      ShipmentReturned:
        payload:
          schemaFormat: application/vnd.google.protobuf;version=3
          x-message: shop.shipping.v1.ShipmentReturned
          schema:
            $ref: '../schemas/shipment.proto'
      LabelPrinted:
        payload:
          schemaFormat: application/vnd.google.protobuf;version=3
          schema: |
            syntax = "proto3";
            package shop.labels.v1;
            import "google/protobuf/timestamp.proto";
            message LabelPrinted { string shipment_id = 1; google.protobuf.Timestamp printed_at = 2; }
        examples:
          - payload: { shipmentId: s-1, printedAt: 'not a time' }
operations:
  report:
    action: send
    channel: { $ref: '#/channels/shipments' }
"#;
    let (_dir, loaded) = catalog(&[
        ("schemas/shipment.proto", SHIPMENT),
        ("common/address.proto", ADDRESS),
        ("asyncapi/shipping.yaml", document),
    ]);
    let mismatches = with_code(&loaded, "CV030");
    assert_eq!(mismatches.len(), 1, "{:#?}", loaded.diagnostics);
    assert!(
        mismatches[0].message.contains("at /printedAt"),
        "{}",
        mismatches[0].message
    );
    assert_eq!(loaded.diagnostics.len(), 1, "{:#?}", loaded.diagnostics);
    let message = |event: &str| {
        let event = loaded.catalog.event(event).expect("declared");
        match Payload::of(&loaded.catalog, event.schema.as_ref().expect("a schema")) {
            Some(Payload::Protobuf(message)) => message.full_name().to_owned(),
            other => panic!("{event:?}: {other:?}"),
        }
    };
    assert_eq!(
        message("ShipmentReturned"),
        "shop.shipping.v1.ShipmentReturned"
    );
    assert_eq!(message("LabelPrinted"), "shop.labels.v1.LabelPrinted");
}

#[test]
fn an_inline_asyncapi_protobuf_error_is_reported_at_the_payload() {
    let document = "asyncapi: 2.6.0\ninfo: { title: t, version: 1.0.0 }\nchannels:\n  labels:\n    subscribe:\n      message:\n        schemaFormat: application/vnd.google.protobuf\n        payload: |\n          syntax = \"proto3\";\n          message Label { Missing m = 1; }\n";
    let (dir, loaded) = catalog(&[("asyncapi/labels.yaml", document)]);
    let invalid = with_code(&loaded, "CV010");
    assert_eq!(invalid.len(), 1, "{:#?}", loaded.diagnostics);
    assert!(
        invalid[0]
            .message
            .starts_with("invalid Protobuf schema (line 2, column 17 of the payload text)"),
        "{}",
        invalid[0].message
    );
    assert_eq!(relative(&dir, invalid[0]), "asyncapi/labels.yaml:9:11");
}
