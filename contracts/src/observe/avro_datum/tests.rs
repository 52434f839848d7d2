//! The decoder against apache-avro (the oracle for the binary format) and against the
//! example checker; bad and hostile bodies.

use super::*;
use apache_avro::Schema;
use apache_avro::types::Value as Avro;
use serde_json::json;
use std::sync::Arc;

fn plan(schema: &str) -> Plan {
    let json: Value = serde_json::from_str(schema).expect("JSON");
    Plan::resolve(&json, &[]).expect("resolves")
}

/// What the example checker says about `value` against `schema`.
fn example_check(schema: &str, value: &Value) -> Vec<crate::avro::Mismatch> {
    let schema: Value = serde_json::from_str(schema).expect("JSON");
    let mut names = crate::avro::Names::default();
    for named in crate::avro::scan(&schema).defined {
        names.add(named);
    }
    crate::avro::validate_json(&schema, &names, value)
}

fn encode(schema: &str, value: Avro) -> Vec<u8> {
    let parsed = Schema::parse_str(schema).expect("a valid schema");
    encode_with(&parsed, &[], value)
}

const ORDER: &str = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "string"},
    {"name": "qty", "type": "int"},
    {"name": "total", "type": "long"},
    {"name": "price", "type": "float"},
    {"name": "rate", "type": "double"},
    {"name": "paid", "type": "boolean"},
    {"name": "raw", "type": "bytes"},
    {"name": "code", "type": {"type": "fixed", "name": "Code", "size": 2}},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
    {"name": "note", "type": ["null", "string"]},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "attrs", "type": {"type": "map", "values": "long"}},
    {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    {"name": "meta", "type": {"type": "record", "name": "Meta", "fields": [
        {"name": "correlationId", "type": "string"}]}},
    {"name": "again", "type": ["null", "Meta"]}
]}"#;

fn order_value() -> Avro {
    let meta = Avro::Record(vec![("correlationId".into(), Avro::String("c-1".into()))]);
    Avro::Record(vec![
        ("id".into(), Avro::String("o-1".into())),
        ("qty".into(), Avro::Int(-3)),
        ("total".into(), Avro::Long(1 << 40)),
        ("price".into(), Avro::Float(0.1)),
        ("rate".into(), Avro::Double(f64::NAN)),
        ("paid".into(), Avro::Boolean(true)),
        ("raw".into(), Avro::Bytes(vec![0, 255])),
        ("code".into(), Avro::Fixed(2, vec![b'A', b'B'])),
        ("status".into(), Avro::Enum(1, "PAID".into())),
        (
            "note".into(),
            Avro::Union(1, Box::new(Avro::String("hi".into()))),
        ),
        (
            "tags".into(),
            Avro::Array(vec![Avro::String("a".into()), Avro::String("b".into())]),
        ),
        (
            "attrs".into(),
            Avro::Map([("k".to_owned(), Avro::Long(5))].into_iter().collect()),
        ),
        ("day".into(), Avro::Date(19_000)),
        ("meta".into(), meta.clone()),
        ("again".into(), Avro::Union(1, Box::new(meta))),
    ])
}

#[test]
fn every_type_decodes_to_json() {
    let body = encode(ORDER, order_value());
    let value = plan(ORDER).decode(&body).expect("decodes");
    assert_eq!(
        value,
        json!({
            "id": "o-1", "qty": -3, "total": 1_u64 << 40, "price": 0.1, "rate": "NaN",
            "paid": true, "raw": "\u{0}\u{ff}", "code": "AB", "status": "PAID", "note": "hi",
            "tags": ["a", "b"], "attrs": {"k": 5}, "day": 19_000,
            "meta": {"correlationId": "c-1"}, "again": {"correlationId": "c-1"}
        })
    );
    // Field order is the schema's.
    let keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(keys[..3], ["id", "qty", "total"]);
}

#[test]
fn a_kept_value_writes_the_text_of_its_tree_and_finds_what_its_tree_finds() {
    let plan = Arc::new(plan(ORDER));
    let body = encode(ORDER, order_value());
    let kept = AvroValue::decode(&plan, &body).expect("decodes");
    let tree = plan.decode(&body).expect("decodes");
    assert_eq!(kept.to_json(), tree);
    // Written straight from the bytes, by serde or by the one-pass writer, the text is
    // the tree's, byte for byte.
    let text = serde_json::to_string(&tree).expect("writes");
    assert_eq!(serde_json::to_string(&kept).expect("writes"), text);
    assert_eq!(String::from_utf8_lossy(kept.json_text()), text);
    let pointers = [
        "",
        "/id",
        "/qty",
        "/total",
        "/price",
        "/rate",
        "/paid",
        "/raw",
        "/code",
        "/status",
        "/note",
        "/tags",
        "/tags/0",
        "/tags/1",
        "/tags/2",
        "/tags/01",
        "/tags/+1",
        "/tags/x",
        "/attrs",
        "/attrs/k",
        "/attrs/nope",
        "/day",
        "/meta",
        "/meta/correlationId",
        "/again/correlationId",
        "/again/nope",
        "/id/deeper",
        "/nope",
        "id",
        "/",
    ];
    for pointer in pointers {
        assert_eq!(
            kept.pointer(pointer).as_ref(),
            tree.pointer(pointer),
            "at {pointer:?}"
        );
    }
}

#[test]
fn pointers_unescape_their_tokens_and_follow_map_keys_across_blocks() {
    let schema = r#"{"type": "map", "values": "long"}"#;
    let plan = Arc::new(plan(schema));
    // Two blocks, the second with a negative count and its size (as Java's writer does
    // when it buffers): keys after the first block are found too.
    let mut body = vec![2]; // one entry
    body.extend([6, b'a', b'/', b'b', 2]); // "a/b": 1
    body.extend([1, 10]); // -1 entries, 5 bytes
    body.extend([6, b'c', b'~', b'd', 4]); // "c~d": 2
    body.push(0);
    let kept = AvroValue::decode(&plan, &body).expect("decodes");
    assert_eq!(kept.to_json(), json!({"a/b": 1, "c~d": 2}));
    assert_eq!(kept.pointer("/a~1b"), Some(json!(1)));
    assert_eq!(kept.pointer("/c~0d"), Some(json!(2)));
    assert_eq!(kept.pointer("/c~d"), Some(json!(2)));
    assert_eq!(kept.pointer("/a/b"), None);
}

#[test]
fn decoded_records_validate_against_their_schema() {
    let body = encode(ORDER, order_value());
    let mut value = plan(ORDER).decode(&body).expect("decodes");
    // NaN is a valid double that JSON cannot write; the checker wants a number.
    value["rate"] = json!(1.5);
    assert_eq!(example_check(ORDER, &value), []);
}

#[test]
fn recursive_types_and_references_resolve() {
    let list = r#"{"type": "record", "name": "Node", "fields": [
        {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}"#;
    let tail = Avro::Record(vec![
        ("v".into(), Avro::Int(2)),
        ("next".into(), Avro::Union(0, Box::new(Avro::Null))),
    ]);
    let head = Avro::Record(vec![
        ("v".into(), Avro::Int(1)),
        ("next".into(), Avro::Union(1, Box::new(tail))),
    ]);
    let body = encode(list, head);
    assert_eq!(
        plan(list).decode(&body),
        Ok(json!({"v": 1, "next": {"v": 2, "next": null}}))
    );

    // A type from another schema (a registry reference).
    let money = r#"{"type": "record", "name": "Money", "namespace": "shop", "fields": [
        {"name": "amount", "type": "long"}]}"#;
    let order = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "total", "type": "Money"}]}"#;
    let (root, schemata) =
        Schema::parse_str_with_list(order, [money]).expect("parses with its reference");
    let json = |text: &str| serde_json::from_str::<Value>(text).expect("JSON");
    let plan = Plan::resolve(&json(order), &[&json(money)]).expect("resolves");
    let value = Avro::Record(vec![(
        "total".into(),
        Avro::Record(vec![("amount".into(), Avro::Long(7))]),
    )]);
    let body = encode_with(&root, &schemata, value);
    assert_eq!(plan.decode(&body), Ok(json!({"total": {"amount": 7}})));
}

#[test]
fn bad_bodies_say_where_they_stop() {
    let body = encode(ORDER, order_value());
    let plan = plan(ORDER);
    let err = plan.decode(&body[..6]).expect_err("truncated");
    assert_eq!(
        err.to_string(),
        "at byte 6 (/total): the body ends after 6 bytes, 1 more needed"
    );
    let mut longer = body.clone();
    longer.push(0);
    let err = plan.decode(&longer).expect_err("left over");
    assert!(err.to_string().contains("1 bytes left over"), "{err}");
    // A string whose length runs past the end.
    let err = plan.decode(&[0x7e]).expect_err("short string");
    assert_eq!(
        err.to_string(),
        "at byte 1 (/id): the body ends after 1 bytes, 63 more needed"
    );
    // An enum index out of range, a union branch out of range.
    let status = r#"{"type": "enum", "name": "S", "symbols": ["A"]}"#;
    assert!(
        self::plan(status)
            .decode(&[2])
            .is_err_and(|e| e.to_string().contains("enum index 1"))
    );
    let union = r#"["null", "int"]"#;
    assert!(
        self::plan(union)
            .decode(&[4])
            .is_err_and(|e| e.to_string().contains("union branch 2"))
    );
    // A varint that never ends.
    assert!(
        self::plan(r#""long""#)
            .decode(&[0xff; 11])
            .is_err_and(|e| e.to_string().contains("longer than 10 bytes"))
    );
}

#[test]
fn hostile_counts_neither_allocate_nor_spin() {
    // An array of nulls claiming i64::MAX / 2 items in four bytes.
    let nulls = r#"{"type": "array", "items": "null"}"#;
    let mut body = vec![0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    body.push(0);
    let err = self::plan(nulls).decode(&body).expect_err("refused");
    assert!(
        err.to_string().contains("more values than it can hold"),
        "{err}"
    );
    // A recursive record nested past the limit: each byte is union branch 1, a next Node.
    let list = r#"{"type": "record", "name": "Node", "fields": [
        {"name": "next", "type": ["null", "Node"]}]}"#;
    let body = vec![2; 10_000];
    let err = self::plan(list).decode(&body).expect_err("too deep");
    assert!(err.to_string().contains("nest deeper than"), "{err}");

    // Just under the limit it decodes, and the example checker walks it on a test
    // thread's small stack too.
    let mut body = vec![2; MAX_DEPTH - 1];
    body.push(0);
    let value = self::plan(list).decode(&body).expect("decodes");
    assert_eq!(example_check(list, &value), []);
}

#[test]
fn agrees_with_apache_avro_on_generated_values() {
    // apache-avro's reader is the oracle for the binary format; its Value converted to
    // JSON must equal ours wherever both are defined.
    let parsed = Schema::parse_str(ORDER).expect("valid");
    let plan = plan(ORDER);
    for seed in 0..50_i64 {
        let meta = Avro::Record(vec![(
            "correlationId".into(),
            Avro::String(format!("c-{seed}")),
        )]);
        let value = Avro::Record(vec![
            ("id".into(), Avro::String("é".repeat(seed as usize))),
            ("qty".into(), Avro::Int((seed * 7919) as i32 - 100_000)),
            ("total".into(), Avro::Long(seed.wrapping_mul(i64::MAX / 37))),
            ("price".into(), Avro::Float(seed as f32 / 3.0)),
            ("rate".into(), Avro::Double(seed as f64 * -1.25)),
            ("paid".into(), Avro::Boolean(seed % 2 == 0)),
            ("raw".into(), Avro::Bytes((0..seed as u8).collect())),
            ("code".into(), Avro::Fixed(2, vec![seed as u8, 1])),
            (
                "status".into(),
                Avro::Enum(
                    (seed % 2) as u32,
                    ["NEW", "PAID"][(seed % 2) as usize].into(),
                ),
            ),
            ("note".into(), Avro::Union(0, Box::new(Avro::Null))),
            (
                "tags".into(),
                Avro::Array((0..seed).map(|i| Avro::String(i.to_string())).collect()),
            ),
            (
                "attrs".into(),
                Avro::Map((0..seed).map(|i| (i.to_string(), Avro::Long(i))).collect()),
            ),
            ("day".into(), Avro::Date(seed as i32)),
            ("meta".into(), meta),
            ("again".into(), Avro::Union(0, Box::new(Avro::Null))),
        ]);
        let body = encode_with(&parsed, &[], value);
        let ours = plan.decode(&body).expect("decodes");
        let mut text = Vec::new();
        plan.write_json(&body, &mut text).expect("writes");
        assert_eq!(
            text,
            serde_json::to_vec(&ours).expect("writes"),
            "seed {seed}"
        );
        let theirs = apache_avro::reader::datum::GenericDatumReader::builder(&parsed)
            .build()
            .expect("a reader")
            .read_value(&mut &body[..])
            .expect("apache-avro decodes");
        let Avro::Record(fields) = theirs else {
            panic!("a record")
        };
        for (name, field) in fields {
            let expected = match field {
                Avro::String(s) | Avro::Enum(_, s) => json!(s),
                Avro::Int(i) | Avro::Date(i) => json!(i),
                Avro::Long(l) => json!(l),
                Avro::Float(f) => json!(f.to_string().parse::<f64>().expect("a float")),
                Avro::Double(d) => json!(d),
                Avro::Boolean(b) => json!(b),
                Avro::Bytes(b) | Avro::Fixed(_, b) => {
                    json!(b.iter().map(|&c| char::from(c)).collect::<String>())
                }
                Avro::Union(_, inner) if *inner == Avro::Null => Value::Null,
                Avro::Array(items) => json!(
                    items
                        .into_iter()
                        .map(|i| match i {
                            Avro::String(s) => s,
                            other => panic!("{other:?}"),
                        })
                        .collect::<Vec<_>>()
                ),
                Avro::Map(entries) => Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| match v {
                            Avro::Long(l) => (k, json!(l)),
                            other => panic!("{other:?}"),
                        })
                        .collect(),
                ),
                Avro::Record(inner) => Value::Object(
                    inner
                        .into_iter()
                        .map(|(k, v)| match v {
                            Avro::String(s) => (k, json!(s)),
                            other => panic!("{other:?}"),
                        })
                        .collect(),
                ),
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(ours[&name], expected, "field {name}, seed {seed}");
        }
    }
}
