//! Compatibility checking on a long subject history: the pieces `contrail compat` spends its
//! time in, on the same generated history as bench/compat/run.sh (a 150-field record that
//! gained one optional field per version).

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

criterion_group!(benches, bench);
criterion_main!(benches);
