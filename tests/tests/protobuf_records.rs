//! Protobuf records, end to end: confluent-kafka's own `ProtobufSerializer` writes them (through
//! tests/clients/protobuf_produce.py, which makes the message classes at run time from a
//! descriptor set contrail compiles, so no protoc is needed), registering each file as the
//! base64 `FileDescriptorProto` it always sends and each import as a reference; `contrail sample`
//! reads the message indexes, finds the message, decodes it to the protobuf JSON mapping and
//! checks it against the catalog.
//!
//! Skipped with a message when tansu is not installed and not required.

use std::path::{Path, PathBuf};

use contrail_contracts::protobuf::{ProtoSource, compile};
use contrail_e2e::shop_traffic::{ShopTraffic, ShopTrafficOptions, python, shop_dir, shop_traffic};
use prost::Message;
use serde_json::{Value, json};

use super::live_topics::{ndjson, run, stdout};

/// `files` (import name → text) compiled with `root` first, written as a binary
/// FileDescriptorSet (what `protoc --include_imports -o` writes) to `dir/name.pb`.
fn descriptor_set(dir: &Path, root: &str, files: &[(&str, String)]) -> PathBuf {
    let source = |name: &str| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| ProtoSource {
                path: PathBuf::from(n),
                text: text.clone(),
            })
    };
    let compiled = compile(root, source(root).expect("the root file"), |import, _| {
        source(import)
    })
    .unwrap_or_else(|errors| panic!("{root} does not compile: {errors:?}"));
    let path = dir.join(format!("{}.pb", root.replace('/', "_")));
    std::fs::write(&path, compiled.file_descriptor_set().encode_to_vec()).expect("written");
    path
}

/// Runs protobuf_produce.py: writes `records` as `message` to `topic`; returns what it
/// printed, one `{"partition", "offset", "value"}` per record.
fn produce(
    traffic: &ShopTraffic,
    topic: &str,
    descriptors: &Path,
    message: &str,
    records: &Value,
) -> Vec<Value> {
    let records_path = traffic.dir.path().join(format!("{topic}-{message}.json"));
    std::fs::write(&records_path, records.to_string()).expect("written");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/protobuf_produce.py");
    let output = std::process::Command::new(python())
        .arg(script)
        .args([traffic.bootstrap(), traffic.registry_url(), topic])
        .arg(descriptors)
        .arg(message)
        .arg(&records_path)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "protobuf_produce.py: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the produced records as JSON")
}

/// The sampled records of `topic`, by offset (the topics here have one partition each).
fn sample(traffic: &ShopTraffic, topic: &str) -> Vec<Value> {
    let (mut records, summary) = ndjson(&stdout(&run(
        traffic,
        "sample",
        &["--topic", topic, "--limit", "all", "--format", "ndjson"],
    )));
    assert_eq!(summary["stopped"], "end", "{summary}");
    records.sort_by_key(|r| (r["partition"].as_i64(), r["offset"].as_i64()));
    records
}

fn stock(sku: &str, available: i32, correlation: &str) -> Value {
    json!({
        "key": sku,
        "headers": {"correlation-id": correlation},
        "value": {
            "eventId": format!("e-{sku}"),
            "occurredAt": "2026-11-20T08:30:00Z",
            "sku": sku,
            "warehouse": "BER-1",
            "available": available,
            "reason": "REASON_RECEIVED",
            "adjustments": [{"delta": available, "note": "delivery 4711"}]
        }
    })
}

#[test]
fn protobuf_records_decode_through_the_registry() {
    let Some(traffic) = shop_traffic(&ShopTrafficOptions {
        orders: 1,
        partitions: 1,
        ..ShopTrafficOptions::default()
    }) else {
        return;
    };
    let stock_proto = std::fs::read_to_string(shop_dir().join("schemas/stock-level-changed.proto"))
        .expect("the shop's .proto");
    let root = "shop/inventory/v1/stock_level_changed.proto";
    let stock_set = descriptor_set(traffic.dir.path(), root, &[(root, stock_proto)]);

    // StockLevelChanged, the shop's Protobuf event: message indexes [0].
    let written = produce(
        &traffic,
        "shop.stock",
        &stock_set,
        "shop.inventory.v1.StockLevelChanged",
        &json!([stock("BOOK-1", 40, "c-s1"), stock("BOOK-2", 3, "c-s2")]),
    );
    // Its nested message Adjustment: message indexes [0, 0] (the enum before it is not counted).
    let adjustment = json!([{"key": "BOOK-1", "headers": {"correlation-id": "c-a1"},
                             "value": {"delta": -2, "note": "broken in transit"}}]);
    let written_nested = produce(
        &traffic,
        "shop.stock",
        &stock_set,
        "shop.inventory.v1.StockLevelChanged.Adjustment",
        &adjustment,
    );
    let records = sample(&traffic, "shop.stock");
    assert_eq!(records.len(), 3, "{records:#?}");
    for (record, produced) in records.iter().zip(&written) {
        let at = format!("shop.stock@{}", record["offset"]);
        assert_eq!(record["offset"], produced["offset"], "{at}");
        assert_eq!(record["value"]["framing"], "prefix", "{at}: {record}");
        assert_eq!(record["value"]["format"], "protobuf", "{at}: {record}");
        assert_eq!(
            record["value"]["message"], "shop.inventory.v1.StockLevelChanged",
            "{at}: {record}"
        );
        // The JSON form is the one protobuf's own json_format writes.
        assert_eq!(record["value"]["json"], produced["value"], "{at}");
        assert_eq!(record["event"], "StockLevelChanged", "{at}");
        assert_eq!(record["problem"], Value::Null, "{at}: {record}");
        assert_eq!(record["findings"], json!([]), "{at}: {record}");
        assert_eq!(record["conforms"], json!(true), "{at}: {record}");
    }
    assert_eq!(records[0]["correlation_id"], "c-s1");
    assert_eq!(
        records[0]["value"]["json"]["occurredAt"],
        "2026-11-20T08:30:00Z"
    );

    // The nested message decodes as itself, and is not the message the event declares.
    let nested = &records[2];
    assert_eq!(nested["offset"], written_nested[0]["offset"]);
    assert_eq!(
        nested["value"]["message"],
        "shop.inventory.v1.StockLevelChanged.Adjustment"
    );
    assert_eq!(
        nested["value"]["json"],
        json!({"delta": -2, "note": "broken in transit"})
    );
    assert_eq!(nested["value"]["json"], written_nested[0]["value"]);
    assert_eq!(nested["event"], "StockLevelChanged");
    assert_eq!(nested["conforms"], json!(false));
    assert_eq!(
        nested["findings"],
        json!([{"kind": "payload_mismatch", "pointer": "",
                "message": "the payload does not match the schema of `StockLevelChanged`: the record is message `shop.inventory.v1.StockLevelChanged.Adjustment`, the event's is `shop.inventory.v1.StockLevelChanged`"}])
    );
}

#[test]
fn protobuf_records_with_imports_resolve_their_references() {
    let Some(traffic) = shop_traffic(&ShopTrafficOptions {
        orders: 1,
        partitions: 1,
        ..ShopTrafficOptions::default()
    }) else {
        return;
    };
    traffic.tansu.create_topic("shop.transfers", 1);
    let warehouse = "shop/common/v1/warehouse.proto";
    let transfer = "shop/transfers/v1/transfer.proto";
    let files = [
        (
            warehouse,
            "syntax = \"proto3\";\npackage shop.common.v1;\n\
             message Warehouse { string code = 1; string city = 2; }\n"
                .to_owned(),
        ),
        (
            transfer,
            format!(
                "syntax = \"proto3\";\npackage shop.transfers.v1;\nimport \"{warehouse}\";\n\
                 message TransferRequested {{ string sku = 1; }}\n\
                 message StockTransferred {{\n  string sku = 1;\n  int32 units = 2;\n  \
                 shop.common.v1.Warehouse from = 3;\n  shop.common.v1.Warehouse to = 4;\n}}\n"
            ),
        ),
    ];
    let set = descriptor_set(traffic.dir.path(), transfer, &files);
    let moved = json!({"sku": "BOOK-1", "units": 5,
                       "from": {"code": "BER-1", "city": "Berlin"},
                       "to": {"code": "HAM-1", "city": "Hamburg"}});
    // The second top-level message: message indexes [1].
    let written = produce(
        &traffic,
        "shop.transfers",
        &set,
        "shop.transfers.v1.StockTransferred",
        &json!([{"key": "BOOK-1", "headers": {}, "value": moved}]),
    );
    assert_eq!(written[0]["value"], moved);

    // The serializer registered the import under its file name, as a reference.
    let latest: Value = serde_json::from_str(
        &ureq::get(&format!(
            "{}/subjects/shop.transfers-value/versions/latest",
            traffic.registry_url()
        ))
        .call()
        .expect("the subject exists")
        .body_mut()
        .read_to_string()
        .expect("a body"),
    )
    .expect("JSON");
    assert_eq!(latest["references"][0]["name"], warehouse, "{latest}");

    let records = sample(&traffic, "shop.transfers");
    assert_eq!(records.len(), 1, "{records:#?}");
    let record = &records[0];
    assert_eq!(
        record["value"]["message"], "shop.transfers.v1.StockTransferred",
        "{record}"
    );
    assert_eq!(record["value"]["json"], moved, "{record}");
    // No event of the shop is declared on this topic.
    assert_eq!(record["problem"], "not_declared", "{record}");
}
