//! Compatibility checking on a long subject history: the pieces `contrail compat` spends its
//! time in, on the same generated history as bench/compat/run.sh (a 150-field record that
//! gained one optional field per version), and the JSON Schema checker on the same shape of
//! history and on mutually recursive unions (where its pair memo does the work).

use std::hint::black_box;

use contrail_contracts::compat::avro::{AvroSchema, can_read};
use contrail_contracts::compat::{self, CompatibilityMode, SchemaVersion};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

fn field(i: usize) -> Value {
    let name = format!("field_{i:03}");
    match i % 8 {
        0 => json!({"name": name, "type": "string"}),
        1 => json!({"name": name, "type": "long"}),
        2 => json!({"name": name, "type": ["null", "string"], "default": null}),
        3 => {
            json!({"name": name, "type": {"type": "array", "items": {"type": "record", "name": format!("Item{i}"),
            "fields": [{"name": "sku", "type": "string"}, {"name": "quantity", "type": "int"}]}}})
        }
        4 => json!({"name": name, "type": {"type": "map", "values": "double"}}),
        5 => {
            json!({"name": name, "type": {"type": "enum", "name": format!("Status{i}"), "symbols": ["NEW", "PAID"], "default": "NEW"}})
        }
        6 => json!({"name": name, "type": {"type": "record", "name": format!("Address{i}"),
            "fields": [{"name": "street", "type": "string"}, {"name": "zip", "type": ["null", "string"], "default": null}]}}),
        _ => json!({"name": name, "type": {"type": "long", "logicalType": "timestamp-millis"}}),
    }
}

fn history(versions: usize, fields: usize) -> Vec<Value> {
    let base: Vec<Value> = (0..fields).map(field).collect();
    (1..=versions)
        .map(|v| {
            let mut all = base.clone();
            all.extend((1..v).map(|k| json!({"name": format!("added_{k:03}"), "type": ["null", "string"], "default": null})));
            json!({"type": "record", "name": "OrderPlaced", "namespace": "bench", "fields": all})
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let history = history(200, 150);
    let texts: Vec<String> = history
        .iter()
        .map(|v| serde_json::to_string_pretty(v).expect("json"))
        .collect();
    let newest_text = texts.last().expect("versions");
    let parsed: Vec<AvroSchema> = history
        .iter()
        .map(|v| AvroSchema::parse(v, &[]).expect("valid"))
        .collect();
    let (newest, earlier) = parsed.split_last().expect("versions");

    c.bench_function("parse one version: serde_json", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(newest_text)).expect("json"))
    });
    c.bench_function("parse one version: contrail yaml tree", |b| {
        b.iter(|| contrail_contracts::yaml::parse(black_box(newest_text)).expect("yaml"))
    });
    c.bench_function("parse one version: apache-avro", |b| {
        b.iter(|| apache_avro::Schema::parse_str(black_box(newest_text)).expect("avro"))
    });
    c.bench_function("resolve one version: AvroSchema::parse", |b| {
        b.iter(|| AvroSchema::parse(black_box(history.last().expect("v")), &[]).expect("valid"))
    });
    c.bench_function("can_read: newest vs previous", |b| {
        b.iter(|| can_read(black_box(newest), black_box(&earlier[earlier.len() - 1])))
    });
    let versions: Vec<SchemaVersion> = parsed.iter().cloned().map(SchemaVersion::Avro).collect();
    let (new, old) = versions.split_last().expect("versions");
    c.bench_function("FULL_TRANSITIVE: version 200 against 199", |b| {
        b.iter(|| {
            compat::check(
                CompatibilityMode::FullTransitive,
                black_box(new),
                black_box(old),
            )
            .expect("same format")
        })
    });
}

/// The JSON Schema counterpart of [`field`]: one property of each kind the checker compares.
fn property(i: usize) -> Value {
    match i % 8 {
        0 => json!({"type": "string", "maxLength": 64}),
        1 => json!({"type": "integer", "minimum": 0}),
        2 => json!({"type": ["null", "string"]}),
        3 => json!({"type": "array", "items": {"type": "object", "additionalProperties": false,
            "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"}}, "required": ["sku"]}}),
        4 => json!({"type": "object", "additionalProperties": {"type": "number"}}),
        5 => json!({"enum": ["NEW", "PAID"], "default": "NEW"}),
        6 => json!({"$ref": "#/definitions/address"}),
        _ => json!({"oneOf": [{"type": "null"}, {"type": "string", "format": "date-time"}]}),
    }
}

/// Version `v` of the JSON Schema history: [`property`] kinds plus one optional property per
/// earlier version.
fn json_version(v: usize, properties: usize) -> Value {
    let mut all = serde_json::Map::new();
    for i in 0..properties {
        all.insert(format!("field_{i:03}"), property(i));
    }
    for k in 1..v {
        all.insert(format!("added_{k:03}"), json!({"type": ["null", "string"]}));
    }
    json!({"$schema": "http://json-schema.org/draft-07/schema#", "title": "OrderPlaced",
        "type": "object", "properties": all, "required": ["field_000", "field_001"],
        "definitions": {"address": {"type": "object", "properties": {
            "street": {"type": "string"}, "zip": {"type": ["null", "string"]}}}}})
}

/// The shape of Confluent's `recursiveOneOfTradeSchema`: twelve mutually recursive object
/// types, each with two twelve-way unions of all of them.
fn recursive_unions() -> Value {
    let types: Vec<String> = (0..12).map(|i| format!("Product{i}")).collect();
    let union = || json!({"oneOf": types.iter().map(|t| json!({"$ref": format!("#/definitions/{t}")})).collect::<Vec<_>>()});
    let definitions: serde_json::Map<String, Value> = types
        .iter()
        .map(|t| {
            let schema = json!({"type": "object", "properties": {"id": {"type": "string"},
                "underlying": union(), "referenceProduct": union()}});
            (t.clone(), schema)
        })
        .collect();
    json!({"type": "object", "definitions": definitions,
        "properties": {"tradeId": {"type": "string"}, "product": union()}})
}

fn bench_json_schema(c: &mut Criterion) {
    let (newest, previous) = (json_version(200, 150), json_version(199, 150));
    c.bench_function("JSON Schema can_read: version 200 vs 199", |b| {
        b.iter(|| compat::json_schema::can_read(black_box(&newest), black_box(&previous)))
    });
    let trade = recursive_unions();
    c.bench_function("JSON Schema can_read: recursive unions", |b| {
        b.iter(|| compat::json_schema::can_read(black_box(&trade), black_box(&trade)))
    });
}

criterion_group!(benches, bench, bench_json_schema);
criterion_main!(benches);
