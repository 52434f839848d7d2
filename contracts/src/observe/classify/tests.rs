use std::path::Path;

use serde_json::json;

use super::*;
use crate::observe::decode::tests::{ORDER, Schemas, framed, order_body};
use crate::observe::{Decoder, ObservedHeader};

/// Writes `text` to `path` under `dir`, making its directories.
fn write_file(dir: &std::path::Path, path: &str, text: &str) {
    let path = dir.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a directory");
    }
    std::fs::write(path, text).expect("written");
}

/// A catalog on disk: OrderPlaced (Avro, a required correlation header, the catalog default),
/// PaymentProcessed (JSON Schema, correlation in the payload), OrderShipped (no schema,
/// correlation in `traceparent`), and two events sharing `shop.items`, one with a subject of
/// its own.
fn catalog() -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |path: &str, text: &str| write_file(dir.path(), path, text);
    write(
        "contrail.yaml",
        "catalog: shop\ndefaults:\n  correlation: { header: correlation-id }\n  subject-naming: topic\n",
    );
    write("schemas/order-placed.avsc", ORDER);
    write(
        "events/order-placed.yaml",
        "event: OrderPlaced\ntopic: shop.orders\nschema: schemas/order-placed.avsc\n\
         headers:\n  correlation-id: { required: true }\n",
    );
    write(
        "schemas/payment.json",
        r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "required": ["orderRef", "amount"],
            "properties": {"orderRef": {"type": "integer"}, "amount": {"type": "integer"}}}"#,
    );
    write(
        "events/payment-processed.yaml",
        "event: PaymentProcessed\ntopic: shop.payments\nschema: schemas/payment.json\n\
         correlation: { payload: /orderRef }\n",
    );
    write(
        "events/order-shipped.yaml",
        "event: OrderShipped\ntopic: shop.shipping\ncorrelation: traceparent\n",
    );
    write(
        "schemas/item.avsc",
        r#"{"type": "record", "name": "ItemAdded", "namespace": "shop", "fields": [
            {"name": "sku", "type": "string"}]}"#,
    );
    write(
        "events/item-added.yaml",
        "event: ItemAdded\ntopic: shop.items\nschema: schemas/item.avsc\nsubject: shop.items-added\n",
    );
    write(
        "events/item-removed.yaml",
        "event: ItemRemoved\ntopic: shop.items\n",
    );
    let loaded = crate::load_catalog(dir.path(), crate::LoadOptions::default()).expect("loads");
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "the test catalog has errors: {errors:?}");
    (dir, loaded.catalog)
}

fn record(topic: &str, value: Option<Vec<u8>>, headers: &[(&str, &[u8])]) -> ObservedRecord {
    ObservedRecord {
        topic: topic.to_owned(),
        partition: 0,
        offset: 7,
        timestamp_ms: Some(1),
        key: Some(b"o-1".to_vec()),
        value,
        headers: headers
            .iter()
            .map(|(k, v)| ObservedHeader {
                key: (*k).to_owned(),
                value: Some(v.to_vec()),
            })
            .collect(),
    }
}

/// The registry of the tests: OrderPlaced's schema as id 7 under its subject, a later version
/// of it (a field added) as 8, ItemAdded's as 9, a Protobuf schema as 10.
fn registry() -> Schemas {
    let v2 = ORDER.replacen(
        r#"{"name": "amount", "type": "long"},"#,
        r#"{"name": "amount", "type": "long"}, {"name": "coupon", "type": "string", "default": ""},"#,
        1,
    );
    assert_ne!(v2, ORDER);
    Schemas::default()
        .with(7, SchemaFormat::Avro, ORDER)
        .subject("shop.orders-value")
        .with(8, SchemaFormat::Avro, &v2)
        .subject("shop.orders-value")
        .with(
            9,
            SchemaFormat::Avro,
            r#"{"type": "record", "name": "ItemAdded", "namespace": "shop", "fields": [
                {"name": "sku", "type": "string"}]}"#,
        )
        .subject("shop.items-added")
        .with(
            10,
            SchemaFormat::Protobuf,
            "syntax = \"proto3\"; message M {}",
        )
        .subject("shop.orders-value")
}

/// Decodes and classifies one record.
fn check(catalog: &Catalog, record: &ObservedRecord) -> RecordCheck {
    let mut decoder = Decoder::new(registry());
    let decoded = decoder.decode(record).expect("the registry is up");
    Classifier::new(catalog).classify(record, &decoded)
}

fn avro_v2_body(order: &str) -> Vec<u8> {
    use apache_avro::types::Value as Avro;
    let schema = registry().by_id[1].schema.clone();
    let schema = apache_avro::Schema::parse_str(&schema).expect("valid");
    let value = Avro::Record(vec![
        ("orderId".into(), Avro::String(order.to_owned())),
        ("amount".into(), Avro::Long(5)),
        ("coupon".into(), Avro::String("X".into())),
        (
            "meta".into(),
            Avro::Record(vec![(
                "correlationId".into(),
                Avro::Union(0, Box::new(Avro::Null)),
            )]),
        ),
    ]);
    crate::observe::avro_datum::encode_with(&schema, &[], value)
}

#[test]
fn the_event_is_found_by_subject_and_conforms() {
    let (_dir, catalog) = catalog();
    let r = record(
        "shop.orders",
        Some(framed(7, &order_body("o-1", None))),
        &[("correlation-id", b"c-1")],
    );
    let checked = check(&catalog, &r);
    assert_eq!(
        checked,
        RecordCheck {
            event: Some("OrderPlaced".into()),
            correlation_id: Some("c-1".into()),
            problem: None,
            detail: None,
            tombstone: false,
            findings: Vec::new(),
        }
    );
}

#[test]
fn another_schema_version_is_checked_against_the_catalogs() {
    let (_dir, catalog) = catalog();
    let r = record(
        "shop.orders",
        Some(framed(8, &avro_v2_body("o-1"))),
        &[("correlation-id", b"c-1")],
    );
    let checked = check(&catalog, &r);
    assert_eq!(checked.problem, None);
    assert_eq!(checked.event.as_deref(), Some("OrderPlaced"));
    assert_eq!(
        checked.findings,
        [Finding {
            kind: FindingKind::PayloadMismatch,
            pointer: Some("/coupon".into()),
            message: "the payload does not match the schema of `OrderPlaced` at /coupon: field `coupon` is not declared in record shop.OrderPlaced".into(),
        }]
    );
}

#[test]
fn plain_json_finds_the_topics_only_event_and_a_payload_correlation() {
    let (_dir, catalog) = catalog();
    let r = record(
        "shop.payments",
        Some(br#"{"orderRef": 42, "amount": 10}"#.to_vec()),
        &[],
    );
    let checked = check(&catalog, &r);
    assert_eq!(checked.event.as_deref(), Some("PaymentProcessed"));
    assert_eq!(checked.correlation_id.as_deref(), Some("42"));
    assert_eq!(checked.problem, None);
    assert_eq!(checked.findings, []);

    // Against the JSON Schema: a string where an integer belongs.
    let r = record(
        "shop.payments",
        Some(br#"{"orderRef": 42, "amount": "ten"}"#.to_vec()),
        &[],
    );
    let checked = check(&catalog, &r);
    assert_eq!(checked.problem, None);
    let [finding] = checked.findings.as_slice() else {
        panic!("one finding: {:?}", checked.findings)
    };
    assert_eq!(finding.kind, FindingKind::PayloadMismatch);
    assert_eq!(finding.pointer.as_deref(), Some("/amount"));
    assert!(
        finding
            .message
            .contains("\"ten\" is not of type \"integer\""),
        "{finding:?}"
    );

    // Avro events accept plain JSON too, checked against the Avro schema.
    let r = record(
        "shop.orders",
        Some(br#"{"orderId": 5, "amount": 1, "meta": {}}"#.to_vec()),
        &[("correlation-id", b"c-1")],
    );
    let pointers: Vec<Option<String>> = check(&catalog, &r)
        .findings
        .into_iter()
        .map(|f| f.pointer)
        .collect();
    assert_eq!(pointers, [Some("/orderId".to_owned())]);
}

#[test]
fn a_ce_type_header_tells_events_sharing_a_topic_apart() {
    let (_dir, catalog) = catalog();
    let r = record(
        "shop.items",
        Some(br#"{"sku": "A"}"#.to_vec()),
        &[("ce_type", b"ItemRemoved"), ("correlation-id", b"c-9")],
    );
    let checked = check(&catalog, &r);
    assert_eq!(checked.event.as_deref(), Some("ItemRemoved"));
    assert_eq!(checked.correlation_id.as_deref(), Some("c-9"));
    assert_eq!(checked.problem, None);

    // By subject: ItemAdded has one of its own.
    let body = {
        use apache_avro::types::Value as Avro;
        let schema = apache_avro::Schema::parse_str(&registry().by_id[2].schema).expect("valid");
        let value = Avro::Record(vec![("sku".into(), Avro::String("A".into()))]);
        crate::observe::avro_datum::encode_with(&schema, &[], value)
    };
    let r = record(
        "shop.items",
        Some(framed(9, &body)),
        &[("correlation-id", b"c-9")],
    );
    assert_eq!(check(&catalog, &r).event.as_deref(), Some("ItemAdded"));

    // Neither: two events, nothing to choose by.
    let r = record(
        "shop.items",
        Some(br#"{"sku": "A"}"#.to_vec()),
        &[("correlation-id", b"c-9")],
    );
    let checked = check(&catalog, &r);
    assert_eq!(checked.event, None);
    assert_eq!(checked.problem, Some(Problem::NotDeclared));
    assert_eq!(
        checked.detail.as_deref(),
        Some(
            "topic `shop.items` carries `ItemAdded`, `ItemRemoved` and nothing tells which this record is (the record has no registered schema, no `ce_type` header names one)"
        )
    );
}

#[test]
fn each_problem_kind() {
    let (_dir, catalog) = catalog();
    let header: &[(&str, &[u8])] = &[("correlation-id", b"c-1")];
    let problem = |topic: &str, value: Vec<u8>, headers: &[(&str, &[u8])]| {
        let checked = check(&catalog, &record(topic, Some(value), headers));
        (checked.problem, checked.event, checked.detail)
    };

    let (kind, event, detail) = problem("shop.orders", b"hello".to_vec(), header);
    assert_eq!(kind, Some(Problem::WrongMagic));
    // The topic's only event: the contract the record broke.
    assert_eq!(event.as_deref(), Some("OrderPlaced"));
    assert!(detail.is_some_and(|d| d.starts_with("byte 0x68 is not a Confluent magic byte")));

    let (kind, _, detail) = problem("shop.orders", framed(99, b"\x02"), header);
    assert_eq!(kind, Some(Problem::UnknownSchemaId));
    assert_eq!(
        detail.as_deref(),
        Some("the registry knows no schema with id 99")
    );

    let body = order_body("o-1", None);
    let (kind, event, _) = problem("shop.orders", framed(7, &body[..3]), header);
    assert_eq!(kind, Some(Problem::Truncated));
    assert_eq!(event.as_deref(), Some("OrderPlaced"));
    let (kind, _, detail) = problem("shop.orders", vec![0, 0, 7], header);
    assert_eq!(kind, Some(Problem::Truncated));
    assert_eq!(
        detail.as_deref(),
        Some("5 bytes needed for magic byte 0 and a schema id, got 3")
    );

    // A topic the catalog does not know.
    let (kind, event, detail) = problem("elsewhere", br#"{"a": 1}"#.to_vec(), header);
    assert_eq!((kind, event), (Some(Problem::NotDeclared), None));
    assert_eq!(
        detail.as_deref(),
        Some("no event is declared on topic `elsewhere`")
    );
    // OrderPlaced's schema on ItemAdded's topic: the event, declared elsewhere.
    let (kind, event, detail) = problem("shop.items", framed(7, &body), header);
    assert_eq!(kind, Some(Problem::NotDeclared));
    assert_eq!(event.as_deref(), Some("OrderPlaced"));
    assert_eq!(
        detail.as_deref(),
        Some("`OrderPlaced` is declared on topic `shop.orders`, not `shop.items`")
    );

    let checked = check(
        &catalog,
        &record("shop.orders", Some(framed(7, &body)), &[]),
    );
    assert_eq!(checked.problem, Some(Problem::NoCorrelationId));
    assert_eq!(checked.event.as_deref(), Some("OrderPlaced"));
    assert_eq!(
        checked.detail.as_deref(),
        Some("no header `correlation-id`")
    );
    // Its declared required header is missing too: a finding besides the problem.
    assert_eq!(
        checked.findings,
        [Finding {
            kind: FindingKind::MissingHeader,
            pointer: None,
            message: "required header `correlation-id` of `OrderPlaced` is missing".into(),
        }]
    );
}

#[test]
fn correlation_ids_that_are_not_text_or_not_there() {
    let (_dir, catalog) = catalog();
    let body = framed(7, &order_body("o-1", None));
    let checked = check(
        &catalog,
        &record(
            "shop.orders",
            Some(body.clone()),
            &[("correlation-id", &[0xff, 0xfe])],
        ),
    );
    assert_eq!(checked.problem, Some(Problem::NoCorrelationId));
    assert_eq!(
        checked.detail.as_deref(),
        Some("header `correlation-id` is not UTF-8")
    );
    // Present, so not a missing required header.
    assert_eq!(checked.findings, []);

    let checked = check(
        &catalog,
        &record("shop.payments", Some(br#"{"amount": 1}"#.to_vec()), &[]),
    );
    assert_eq!(checked.problem, Some(Problem::NoCorrelationId));
    assert_eq!(
        checked.detail.as_deref(),
        Some("the payload has no `/orderRef`")
    );
    let checked = check(
        &catalog,
        &record(
            "shop.payments",
            Some(br#"{"orderRef": {"id": 1}, "amount": 1}"#.to_vec()),
            &[],
        ),
    );
    assert_eq!(
        checked.detail.as_deref(),
        Some("the payload's `/orderRef` is neither a string nor a number")
    );
}

#[test]
fn traceparent_correlation() {
    let (_dir, catalog) = catalog();
    let traced = |traceparent: &str| {
        let headers: &[(&str, &[u8])] = &[("traceparent", traceparent.as_bytes())];
        check(
            &catalog,
            &record("shop.shipping", Some(b"{}".to_vec()), headers),
        )
    };
    let checked = traced("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert_eq!(checked.event.as_deref(), Some("OrderShipped"));
    assert_eq!(
        checked.correlation_id.as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(checked.problem, None);

    let checked = traced("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
    assert_eq!(checked.problem, Some(Problem::NoCorrelationId));
    assert_eq!(
        checked.detail.as_deref(),
        Some("header `traceparent` is not a W3C traceparent: the trace id is all zeros")
    );
}

#[test]
fn traceparent_format() {
    let ok = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assert_eq!(trace_id(ok), Ok("4bf92f3577b34da6a3ce929d0e0e4736"));
    // A later version may append fields.
    let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra";
    assert_eq!(trace_id(later), Ok("4bf92f3577b34da6a3ce929d0e0e4736"));
    for (bad, why) in [
        ("00-4bf92f", "shorter than the 55 characters of version 00"),
        (
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "a field is not lowercase hexadecimal",
        ),
        (
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "version ff is invalid",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
            "version 00 has exactly 55 characters",
        ),
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            "fields after the flags must follow a `-`",
        ),
        (
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "the fields are not separated by `-` at 2, 35 and 52",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "the parent id is all zeros",
        ),
        // Multi-byte characters where hex digits belong must not split a char.
        (
            "00-4bf92f3577b34da6a3ce929d0e0e473é-00f067aa0ba902b7-01",
            "the fields are not separated by `-` at 2, 35 and 52",
        ),
    ] {
        assert_eq!(trace_id(bad), Err(why), "{bad}");
    }
}

#[test]
fn tombstones_are_no_problems_and_bad_protobuf_bodies_are_truncated() {
    let (_dir, catalog) = catalog();
    let checked = check(&catalog, &record("shop.orders", None, &[]));
    assert!(checked.tombstone);
    assert_eq!((checked.problem, checked.event), (None, None));

    // Message indexes [0], then a tag for field number 0, which no message has.
    let checked = check(
        &catalog,
        &record(
            "shop.orders",
            Some(framed(10, &[0, 2])),
            &[("correlation-id", b"c-1")],
        ),
    );
    assert_eq!(checked.problem, Some(Problem::Truncated));
    assert_eq!(checked.event.as_deref(), Some("OrderPlaced"));
    // The id travels in a header, so the flow is still known.
    assert_eq!(checked.correlation_id.as_deref(), Some("c-1"));
    let detail = checked.detail.unwrap_or_default();
    assert!(
        detail.starts_with("the body does not decode with Protobuf schema 10: message `M` (from byte 6) does not decode: "),
        "{detail}"
    );
}

/// A catalog with one Protobuf event, `StockChanged` on `shop.stock`, whose correlation id is
/// in the payload; and a registry holding its file as id 20, a later version of it with a
/// field added as 21.
fn protobuf_catalog() -> (tempfile::TempDir, Catalog, Schemas) {
    const STOCK: &str = r#"syntax = "proto3";
package shop.v1;
message Stock {
  string sku = 1;
  int32 available = 2;
  string correlation_id = 3;
  message Line { int32 delta = 1; }
}
"#;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |path: &str, text: &str| write_file(dir.path(), path, text);
    write(
        "contrail.yaml",
        "catalog: shop\ndefaults:\n  subject-naming: topic\n",
    );
    write("schemas/stock.proto", STOCK);
    write(
        "events/stock-changed.yaml",
        "event: StockChanged\ntopic: shop.stock\nschema: schemas/stock.proto\n\
         message: shop.v1.Stock\ncorrelation: { payload: /correlationId }\n",
    );
    let loaded = crate::load_catalog(dir.path(), crate::LoadOptions::default()).expect("loads");
    assert!(
        loaded
            .diagnostics
            .iter()
            .all(|d| d.severity != crate::Severity::Error),
        "{:?}",
        loaded.diagnostics
    );
    let v2 = STOCK.replacen(
        "string correlation_id = 3;",
        "string correlation_id = 3;\n  string bin = 4;",
        1,
    );
    let registry = Schemas::default()
        .with(20, SchemaFormat::Protobuf, STOCK)
        .subject("shop.stock-value")
        .with(21, SchemaFormat::Protobuf, &v2)
        .subject("shop.stock-value");
    (dir, loaded.catalog, registry)
}

#[test]
fn protobuf_records_are_checked_against_the_message_their_event_names() {
    use crate::observe::protobuf_body::write_message_indexes;
    let (_dir, catalog, registry) = protobuf_catalog();
    let mut decoder = Decoder::new(registry);
    let mut classify = |id: u32, indexes: &[i32], message: &[u8]| {
        let mut body = write_message_indexes(indexes);
        body.extend_from_slice(message);
        let record = record("shop.stock", Some(framed(id, &body)), &[]);
        let decoded = decoder.decode(&record).expect("the registry is up");
        Classifier::new(&catalog).classify(&record, &decoded)
    };
    // sku = "BOOK-1", available = 3, correlation_id = "c-9".
    let stock = b"\x0a\x06BOOK-1\x10\x03\x1a\x03c-9";
    let checked = classify(20, &[0], stock);
    assert_eq!(checked.event.as_deref(), Some("StockChanged"));
    assert_eq!(checked.correlation_id.as_deref(), Some("c-9"));
    assert_eq!((checked.problem, checked.findings), (None, Vec::new()));

    // Version 21 writes a field the catalog's message does not declare.
    let mut with_bin = stock.to_vec();
    with_bin.extend_from_slice(b"\x22\x02A1");
    let checked = classify(21, &[0], &with_bin);
    assert_eq!(checked.correlation_id.as_deref(), Some("c-9"));
    assert_eq!(checked.problem, None);
    assert_eq!(checked.findings.len(), 1, "{:?}", checked.findings);
    let finding = &checked.findings[0];
    assert_eq!(finding.kind, FindingKind::PayloadMismatch);
    assert!(
        finding
            .message
            .starts_with("the payload does not match the schema of `StockChanged`: ")
            && finding.message.contains("'bin'"),
        "{}",
        finding.message
    );

    // The nested message [0, 0] is not the event's: said once, not field by field. Its
    // payload has no correlation id either.
    let checked = classify(20, &[0, 0], b"\x08\x05");
    assert_eq!(checked.problem, Some(Problem::NoCorrelationId));
    assert_eq!(
        checked.findings,
        [Finding {
            kind: FindingKind::PayloadMismatch,
            pointer: Some(String::new()),
            message: "the payload does not match the schema of `StockChanged`: the record is message `shop.v1.Stock.Line`, the event's is `shop.v1.Stock`".to_owned(),
        }]
    );
}

#[test]
fn problems_serialize_as_their_snake_case_names() {
    for problem in Problem::ALL {
        assert_eq!(
            serde_json::to_value(problem).ok(),
            Some(json!(problem.as_str()))
        );
    }
    let names: Vec<&str> = Problem::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "wrong_magic",
            "unknown_schema_id",
            "truncated",
            "not_declared",
            "no_correlation_id"
        ]
    );
}

#[test]
fn a_catalog_without_correlation_leaves_records_out_of_flows_without_a_problem() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("contrail.yaml"), "catalog: bare\n").expect("written");
    std::fs::write(dir.path().join("e.yaml"), "event: Pinged\ntopic: pings\n").expect("written");
    let loaded =
        crate::load_catalog(Path::new(dir.path()), crate::LoadOptions::default()).expect("loads");
    let checked = check(&loaded.catalog, &record("pings", Some(b"{}".to_vec()), &[]));
    assert_eq!(checked.event.as_deref(), Some("Pinged"));
    assert_eq!((checked.problem, checked.correlation_id), (None, None));
    assert_eq!(
        checked.detail.as_deref(),
        Some("`Pinged` declares no correlation id, nor do the catalog's defaults")
    );
}
