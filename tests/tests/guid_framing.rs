//! Records framed by schema GUID (Confluent 8's header framing), end to end.
//!
//! confluent-kafka's serializers take each schema's GUID from contrail's registry and write it
//! in a `__value_schema_id` header (`examples/shop/produce.py --schema-id-header`, which sets
//! `schema.id.serializer: header_schema_id_serializer`); `contrail sample` finds the schema by
//! its GUID; and confluent-kafka's own deserializer reads the records back through
//! `GET /schemas/guids/{guid}`, so the registry answers the way the client expects.
//!
//! Skipped with a message when tansu is not installed and not required.

use std::collections::BTreeMap;

use contrail_e2e::http;
use contrail_e2e::shop_traffic::{ShopTrafficOptions, python, shop_traffic};

use serde_json::{Value, json};

use super::live_topics::{ndjson, position, run, stdout};

/// `GET url`, asserting a 200 with the registry's media type.
fn get_json(url: &str) -> Value {
    http::request("GET", url, &[], "", std::time::Duration::from_secs(10)).ok()
}

#[test]
fn records_framed_by_guid_decode_through_the_registry() {
    let Some(traffic) = shop_traffic(&ShopTrafficOptions {
        orders: 3,
        schema_id_header: true,
        ..ShopTrafficOptions::default()
    }) else {
        return;
    };
    let manifest = &traffic.manifest;

    // Every GUID the serializers wrote is the one the registry gives the subject's latest
    // version, and the registry finds the schema (and its id) by it.
    for (subject, guid) in &manifest.schema_guids {
        let latest = get_json(&format!(
            "{}/subjects/{subject}/versions/latest",
            traffic.registry_url()
        ));
        assert_eq!(latest["guid"], json!(guid), "{subject}");
        let by_guid = get_json(&format!("{}/schemas/guids/{guid}", traffic.registry_url()));
        assert_eq!(by_guid["schema"], latest["schema"], "{subject}");
        assert_eq!(by_guid.get("id"), None, "Confluent's answer carries no id");
        let ids = get_json(&format!(
            "{}/schemas/guids/{guid}/ids",
            traffic.registry_url()
        ));
        assert_eq!(
            ids,
            json!([{"context": ".", "id": latest["id"]}]),
            "{subject}"
        );
    }

    // contrail sample decodes every record by its GUID: the same values, events and
    // correlation ids as the producer wrote, and no problem.
    let (records, summary) = ndjson(&stdout(&run(
        &traffic,
        "sample",
        &["--limit", "all", "--format", "ndjson"],
    )));
    assert_eq!(summary["stopped"], "end", "{summary}");
    assert_eq!(records.len(), manifest.records.len());
    let by_position: BTreeMap<_, _> = records.iter().map(|r| (position(r), r)).collect();
    for produced in &manifest.records {
        let at = produced.position();
        let record = by_position
            .get(&(
                produced.topic.clone(),
                i64::from(produced.partition),
                produced.offset,
            ))
            .unwrap_or_else(|| panic!("{at} was not sampled"));
        let guid = produced.schema_guid.as_deref().expect("framed by GUID");
        assert_eq!(produced.schema_id, None, "{at}");
        assert_eq!(record["value"]["framing"], "header", "{at}: {record}");
        assert_eq!(record["value"]["schema_guid"], json!(guid), "{at}");
        assert_eq!(record["value"].get("schema_id"), None, "{at}: {record}");
        assert_eq!(
            Some(&record["value"]["json"]),
            produced.value.as_ref(),
            "{at}"
        );
        assert_eq!(record["event"], json!(produced.event), "{at}");
        assert_eq!(
            record["correlation_id"],
            json!(produced.correlation_id),
            "{at}"
        );
        assert_eq!(record["problem"], Value::Null, "{at}: {record}");
        assert_eq!(record["conforms"], json!(true), "{at}: {record}");
    }

    // confluent-kafka's deserializer reads the same records back, finding each schema with
    // GET /schemas/guids/{guid}.
    let script = r#"
import json, sys
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

bootstrap, registry, topic = sys.argv[1:4]
client = SchemaRegistryClient({"url": registry})
deserializer = AvroDeserializer(client)
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "guid-check",
                     "enable.auto.commit": False, "fetch.wait.max.ms": 10})
partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
values = []
for message in consumer.consume(num_messages=1000, timeout=5):
    if message.error():
        raise SystemExit(str(message.error()))
    context = SerializationContext(topic, MessageField.VALUE, message.headers())
    values.append(deserializer(message.value(), context))
consumer.close()

def plain(value):
    # Avro's logical types come back as Python objects: timestamp-millis as a datetime, uuid
    # as a UUID; the producer wrote milliseconds and text.
    if hasattr(value, "timestamp"):
        return round(value.timestamp() * 1000)
    return str(value)

print(json.dumps(values, default=plain))
"#;
    let output = std::process::Command::new(python())
        .args([
            "-c",
            script,
            traffic.bootstrap(),
            traffic.registry_url(),
            "shop.orders",
        ])
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut read: Vec<Value> = serde_json::from_slice(&output.stdout).expect("the values as JSON");
    let mut produced: Vec<Value> = manifest
        .records
        .iter()
        .filter(|r| r.topic == "shop.orders")
        .filter_map(|r| r.value.clone())
        .collect();
    let order_id = |v: &Value| v["orderId"].as_str().unwrap_or_default().to_owned();
    read.sort_by_key(order_id);
    produced.sort_by_key(order_id);
    assert_eq!(read, produced);
}
