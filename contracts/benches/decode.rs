//! The per-record cost of `contrail sample` and `trace` in contracts: decoding a ~200-byte
//! Avro record framed the Confluent way (magic byte 0, schema id) to JSON through a cached
//! registry schema, and classifying it against its contract. apache-avro's own reader runs on
//! the same bytes as the peer: to its `types::Value` alone, and on to JSON (what decoding with
//! it would cost).

use std::hint::black_box;
use std::sync::Arc;

use apache_avro::Schema;
use apache_avro::types::Value as Avro;
use contrail_contracts::observe::{
    Classifier, DecodedValue, Decoder, ObservedHeader, ObservedRecord, RegisteredSchema,
    SchemaSource, SourceError,
};
use contrail_contracts::schema::SchemaFormat;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

// The allocator the `contrail` binary runs with: decoding allocates every string and object of
// every record, so the figure depends on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ORDER: &str = r#"{"type": "record", "name": "OrderPlaced", "namespace": "shop", "fields": [
    {"name": "orderId", "type": "string"},
    {"name": "customerId", "type": "string"},
    {"name": "amountMinor", "type": "long"},
    {"name": "currency", "type": "string"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
    {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item", "fields": [
        {"name": "sku", "type": "string"}, {"name": "quantity", "type": "int"},
        {"name": "priceMinor", "type": "long"}]}}},
    {"name": "note", "type": ["null", "string"], "default": null},
    {"name": "meta", "type": {"type": "record", "name": "Meta", "fields": [
        {"name": "correlationId", "type": "string"}, {"name": "source", "type": "string"}]}}
]}"#;

struct Registry(Arc<RegisteredSchema>);

impl SchemaSource for Registry {
    fn by_id(&mut self, id: u32) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        Ok((id == self.0.id).then(|| Arc::clone(&self.0)))
    }
    fn by_guid(&mut self, _: [u8; 16]) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        Ok(None)
    }
}

fn order(i: usize) -> Avro {
    let item = |n: usize| {
        Avro::Record(vec![
            ("sku".into(), Avro::String(format!("SKU-{n:05}"))),
            ("quantity".into(), Avro::Int(1 + (n % 3) as i32)),
            ("priceMinor".into(), Avro::Long(1999 + n as i64)),
        ])
    };
    Avro::Record(vec![
        (
            "orderId".into(),
            Avro::String(format!("8f14e45f-ceea-467a-9575-{i:012}")),
        ),
        (
            "customerId".into(),
            Avro::String(format!("customer-{i:08}")),
        ),
        ("amountMinor".into(), Avro::Long(12_345 + i as i64)),
        ("currency".into(), Avro::String("EUR".into())),
        ("status".into(), Avro::Enum(1, "PAID".into())),
        ("placedAt".into(), Avro::TimestampMillis(1_760_000_000_000)),
        (
            "items".into(),
            Avro::Array((0..4).map(|n| item(i + n)).collect()),
        ),
        (
            "note".into(),
            Avro::Union(
                1,
                Box::new(Avro::String(
                    "leave the parcel at the back door, please".into(),
                )),
            ),
        ),
        (
            "meta".into(),
            Avro::Record(vec![
                ("correlationId".into(), Avro::String(format!("c-{i:010}"))),
                ("source".into(), Avro::String("checkout-web".into())),
            ]),
        ),
    ])
}

fn records(schema: &Schema, count: usize) -> Vec<ObservedRecord> {
    let writer = apache_avro::writer::datum::GenericDatumWriter::builder(schema)
        .build()
        .expect("a writer");
    (0..count)
        .map(|i| {
            let mut value = vec![0, 0, 0, 0, 7];
            writer
                .write_value(&mut value, order(i))
                .expect("the value fits");
            ObservedRecord {
                topic: "shop.orders".into(),
                partition: 0,
                offset: i as i64,
                timestamp_ms: Some(1_760_000_000_000),
                key: Some(format!("order-{i}").into_bytes()),
                value: Some(value),
                headers: vec![ObservedHeader {
                    key: "correlation-id".into(),
                    value: Some(format!("c-{i:010}").into_bytes()),
                }],
            }
        })
        .collect()
}

/// A catalog declaring the event, written to a temporary directory and loaded.
fn catalog() -> (tempfile::TempDir, contrail_contracts::Catalog) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("written");
    };
    write(
        "contrail.yaml",
        "catalog: bench\ndefaults:\n  correlation: { header: correlation-id }\n",
    );
    write("order-placed.avsc", ORDER);
    write(
        "order-placed.yaml",
        "event: OrderPlaced\ntopic: shop.orders\nschema: order-placed.avsc\n",
    );
    let loaded = contrail_contracts::load_catalog(dir.path(), Default::default()).expect("loads");
    (dir, loaded.catalog)
}

fn bench(c: &mut Criterion) {
    let schema = Schema::parse_str(ORDER).expect("valid");
    let records = records(&schema, 1_000);
    let bytes: usize = records
        .iter()
        .filter_map(|r| r.value.as_ref())
        .map(Vec::len)
        .sum();
    eprintln!("average value size: {} bytes", bytes / records.len());
    let registered = Arc::new(RegisteredSchema {
        id: 7,
        format: SchemaFormat::Avro,
        schema: ORDER.to_owned(),
        references: Vec::new(),
        subjects: vec![("shop.orders-value".into(), 1)],
    });

    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(records.len() as u64));
    let mut decoder = Decoder::new(Registry(Arc::clone(&registered)));
    group.bench_function("contrail: key and value to JSON", |b| {
        b.iter(|| {
            for record in &records {
                black_box(decoder.decode(record).expect("the registry answers"));
            }
        })
    });
    let (_dir, catalog) = catalog();
    let mut classifier = Classifier::new(&catalog);
    group.bench_function("contrail: decode and classify", |b| {
        b.iter(|| {
            for record in &records {
                let decoded = decoder.decode(record).expect("the registry answers");
                black_box(classifier.classify(record, &decoded));
            }
        })
    });
    // What `contrail sample --format ndjson` does with each record (the rest of the record's
    // line is the same for every schema).
    let mut out = Vec::with_capacity(1 << 20);
    group.bench_function(
        "contrail: decode, classify and write the value as JSON",
        |b| {
            b.iter(|| {
                out.clear();
                for record in &records {
                    let decoded = decoder.decode(record).expect("the registry answers");
                    black_box(classifier.classify(record, &decoded));
                    match &decoded.value.value {
                        DecodedValue::Json(json) => serde_json::to_writer(&mut out, json),
                        DecodedValue::Avro(avro) => {
                            out.extend_from_slice(avro.json_text());
                            Ok(())
                        }
                        _ => Ok(()),
                    }
                    .expect("writes to memory");
                }
                black_box(&out);
            })
        },
    );
    let reader = apache_avro::reader::datum::GenericDatumReader::builder(&schema)
        .build()
        .expect("a reader");
    group.bench_function("apache-avro: value to types::Value", |b| {
        b.iter(|| {
            for record in &records {
                let body = record.value.as_deref().map_or(&[][..], |v| &v[5..]);
                black_box(reader.read_value(&mut &body[..]).expect("decodes"));
            }
        })
    });
    group.bench_function("apache-avro: value to types::Value to JSON", |b| {
        b.iter(|| {
            for record in &records {
                let body = record.value.as_deref().map_or(&[][..], |v| &v[5..]);
                let value = reader.read_value(&mut &body[..]).expect("decodes");
                black_box(serde_json::Value::try_from(value).expect("converts"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
