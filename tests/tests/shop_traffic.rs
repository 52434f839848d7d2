//! The shop traffic fixture itself (`contrail_e2e::shop_traffic`, examples/shop/produce.py):
//! what a reader gets back from tansu is exactly what the manifest says was produced, the
//! timestamps follow the documented scheme, and contrail's own decoder and classifier see each
//! record as the kind the manifest gives it — so the tests of `sample` and `trace` can take the
//! manifest as the truth.
//!
//! Skipped with a message when tansu is not installed and not required (see
//! `contrail_e2e::tansu`).

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use contrail_contracts::observe::{
    Classifier, DecodedValue, Decoder, ObservedRecord, RegisteredSchema, SchemaSource, SourceError,
};
use contrail_contracts::schema::SchemaFormat;
use contrail_contracts::{LoadOptions, load_catalog};
use contrail_e2e::http::request;
use contrail_e2e::shop_traffic::{
    Kind, Manifest, ProducedRecord, ShopTrafficOptions, TOPICS, produce, produce_py, shop_dir,
    shop_traffic,
};
use contrail_e2e::{contrail, start_registry};
use contrail_kafka::{BrokerProfile, Polled, Reader, Selection, Start, Until};
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(10);

/// Every record of the shop's topics, from the start to the end, in (topic, partition,
/// offset) order.
fn read_everything(bootstrap: &str) -> Vec<ObservedRecord> {
    // fetch.wait.max.ms: tansu waits that long on every fetch, even with data there.
    let profile = BrokerProfile::new(bootstrap).with("fetch.wait.max.ms", "10");
    let mut reader = Reader::connect(&profile, TIMEOUT).expect("connects");
    let topics: Vec<Selection> = TOPICS.into_iter().map(Selection::topic).collect();
    reader
        .assign(&topics, Start::Earliest, Until::End)
        .expect("assigns");
    let mut records = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        match reader.poll(Duration::from_millis(100)).expect("polls") {
            Polled::Record(r) => records.push(r),
            Polled::Idle => {}
            Polled::Finished => {
                records.sort_by(|a, b| {
                    (&a.topic, a.partition, a.offset).cmp(&(&b.topic, b.partition, b.offset))
                });
                return records;
            }
            Polled::Stopped => panic!("stopped"),
        }
    }
    panic!(
        "did not finish; read {} records: {:?}",
        records.len(),
        reader.progress()
    );
}

/// contrail's registry over HTTP as the decoder's schema source, the way `sample` will ask it.
struct HttpRegistry {
    base: String,
}

impl HttpRegistry {
    fn get(&self, path: &str) -> Option<Value> {
        let reply = request("GET", &format!("{}{path}", self.base), &[], "", TIMEOUT);
        match reply.status {
            404 => None,
            _ => Some(reply.ok()),
        }
    }

    /// The texts of `references`, transitively, dependencies first.
    fn references(&self, references: &Value, into: &mut Vec<(String, String)>) {
        for reference in references.as_array().into_iter().flatten() {
            let path = format!(
                "/subjects/{}/versions/{}",
                reference["subject"].as_str().expect("subject"),
                reference["version"]
            );
            let version = self.get(&path).expect("a referenced version exists");
            self.references(&version["references"], into);
            let name = reference["name"].as_str().expect("name").to_owned();
            let text = version["schema"].as_str().expect("schema").to_owned();
            into.push((name, text));
        }
    }
}

impl SchemaSource for HttpRegistry {
    fn by_id(&mut self, id: u32) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        let Some(schema) = self.get(&format!("/schemas/ids/{id}")) else {
            return Ok(None);
        };
        let format = match schema["schemaType"].as_str().unwrap_or("AVRO") {
            "AVRO" => SchemaFormat::Avro,
            "JSON" => SchemaFormat::JsonSchema,
            other => panic!("schema {id} is {other}"),
        };
        let mut references = Vec::new();
        self.references(&schema["references"], &mut references);
        let subjects = self
            .get(&format!("/schemas/ids/{id}/versions"))
            .expect("versions of a known id")
            .as_array()
            .expect("a list")
            .iter()
            .map(|v| {
                let subject = v["subject"].as_str().expect("subject").to_owned();
                let version = v["version"].as_u64().expect("version");
                (subject, u32::try_from(version).expect("small"))
            })
            .collect();
        Ok(Some(Arc::new(RegisteredSchema {
            id,
            format,
            schema: schema["schema"].as_str().expect("schema").to_owned(),
            references,
            subjects,
        })))
    }

    fn by_guid(&mut self, _: [u8; 16]) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        Ok(None)
    }
}

/// `(event, timestamp)` of each record of each flow.
fn timelines(manifest: &Manifest) -> BTreeMap<String, Vec<(String, i64)>> {
    manifest
        .flows()
        .into_iter()
        .map(|(id, records)| {
            let steps = records
                .iter()
                .map(|r| (r.event.clone().unwrap_or_default(), r.timestamp_ms))
                .collect();
            (id.to_owned(), steps)
        })
        .collect()
}

fn topic_of(event: &str) -> &'static str {
    match event {
        "OrderPlaced" => TOPICS[0],
        "PaymentProcessed" => TOPICS[1],
        "InventoryReserved" => TOPICS[2],
        "OrderShipped" => TOPICS[3],
        other => panic!("no such event {other}"),
    }
}

#[test]
fn shop_traffic_reads_back_exactly_as_its_manifest_says() {
    let options = ShopTrafficOptions {
        orders: 12,
        partitions: 3,
        broken_every: Some(4),
        undeclared_every: Some(5),
        malformed: true,
        ..ShopTrafficOptions::default()
    };
    let Some(traffic) = shop_traffic(&options) else {
        return;
    };
    let manifest = &traffic.manifest;
    let start = options.start_ms;

    // The documented scheme: order i starts at start + (i - 1) * step; its records follow at
    // fixed offsets; every 4th stops after PaymentProcessed; every 5th has an OrderShipped
    // 50 ms after its OrderPlaced.
    let mut expected = BTreeMap::new();
    for i in 1..=12 {
        let t = start + (i - 1) * options.step_ms;
        let mut steps = vec![("OrderPlaced", t)];
        if i % 5 == 0 {
            steps.push(("OrderShipped", t + 50));
        }
        steps.push(("PaymentProcessed", t + 100));
        if i % 4 != 0 {
            steps.extend([("InventoryReserved", t + 250), ("OrderShipped", t + 400)]);
        }
        let steps: Vec<(String, i64)> = steps.into_iter().map(|(e, t)| (e.to_owned(), t)).collect();
        expected.insert(format!("c-{i}"), steps);
    }
    assert_eq!(timelines(manifest), expected);
    let offsets: Vec<(&str, i64)> = manifest
        .offsets_ms
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        offsets,
        [
            ("InventoryReserved", 250),
            ("OrderPlaced", 0),
            ("OrderShipped", 400),
            ("PaymentProcessed", 100),
            ("undeclared", 50)
        ]
    );
    let count = |kind| manifest.of_kind(kind).count();
    assert_eq!(count(Kind::Flow), 9 * 4);
    assert_eq!(count(Kind::Broken), 3 * 2);
    assert_eq!(count(Kind::Undeclared), 2);
    for record in &manifest.records {
        let order = record.key.strip_prefix("o-").expect("an order key");
        if record.kind.problem().is_none() {
            assert_eq!(
                record.correlation_id.as_deref(),
                Some(&*format!("c-{order}"))
            );
            let event = record.event.as_deref().expect("an event");
            assert_eq!(record.topic, topic_of(event), "{record:?}");
            let value = record.value.as_ref().expect("a payload");
            assert_eq!(value["orderId"], record.key.as_str());
        }
    }

    // The malformed records, on shop.orders after the last order, 100 ms apart.
    let malformed: Vec<String> = manifest
        .records
        .iter()
        .filter(|r| r.kind.problem().is_some())
        .map(|r| {
            assert_eq!(r.topic, "shop.orders");
            let event = r.event.as_deref().unwrap_or("-");
            let correlation_id = r.correlation_id.as_deref().unwrap_or("-");
            let at = r.timestamp_ms - start;
            format!("{:?} {} {correlation_id} {event} +{at}", r.kind, r.key)
        })
        .collect();
    assert_eq!(
        malformed,
        [
            "WrongMagic o-wrong-magic c-wrong-magic OrderPlaced +12000",
            "Truncated o-truncated c-truncated OrderPlaced +12100",
            "UnknownSchemaId o-unknown-schema-id c-unknown-schema-id OrderPlaced +12200",
            "NoCorrelationId o-no-correlation-id - OrderPlaced +12300",
            "NotDeclared o-not-declared c-not-declared PaymentProcessed +12400",
        ]
    );

    // Each partition's offsets run from 0 without a gap, and the topics have the partitions
    // asked for.
    let mut by_partition: BTreeMap<(&str, i32), Vec<i64>> = BTreeMap::new();
    for r in &manifest.records {
        by_partition
            .entry((&r.topic, r.partition))
            .or_default()
            .push(r.offset);
    }
    for (partition, offsets) in &by_partition {
        let expected: Vec<i64> = (0..offsets.len() as i64).collect();
        assert_eq!(offsets, &expected, "{partition:?}");
    }
    assert!(manifest.topics.values().all(|&p| p == 3), "{manifest:?}");
    assert!(
        by_partition.len() > 4,
        "the keys spread over several partitions: {by_partition:?}"
    );

    // Read back: exactly the manifest's records, with their timestamps, keys and headers.
    let observed = read_everything(traffic.bootstrap());
    let mut produced: Vec<&ProducedRecord> = manifest.records.iter().collect();
    produced
        .sort_by(|a, b| (&a.topic, a.partition, a.offset).cmp(&(&b.topic, b.partition, b.offset)));
    let seen: Vec<String> = observed.iter().map(ObservedRecord::position).collect();
    let made: Vec<String> = produced.iter().map(|r| r.position()).collect();
    assert_eq!(seen, made);
    for (seen, made) in observed.iter().zip(&produced) {
        assert_eq!(
            seen.timestamp_ms,
            Some(made.timestamp_ms),
            "{}",
            made.position()
        );
        assert_eq!(seen.key.as_deref(), Some(made.key.as_bytes()));
        let headers: Vec<(&str, Option<&[u8]>)> = seen
            .headers
            .iter()
            .map(|h| (h.key.as_str(), h.value.as_deref()))
            .collect();
        let expected: Vec<(&str, Option<&[u8]>)> = made
            .correlation_id
            .iter()
            .map(|c| ("correlation-id", Some(c.as_bytes())))
            .collect();
        assert_eq!(headers, expected, "{}", made.position());
    }

    // The framing: magic byte 0 and the schema id the manifest names, registered under the
    // subject of the event's topic (99999 under none); the wrong magic byte is 7.
    for (seen, made) in observed.iter().zip(&produced) {
        let value = seen.value.as_deref().expect("no tombstones");
        match made.schema_id {
            Some(id) => {
                assert_eq!(value[0], 0, "{}", made.position());
                assert_eq!(value[1..5], id.to_be_bytes(), "{}", made.position());
            }
            None => assert_eq!(value[0], 7, "{}", made.position()),
        }
    }
    let registry = HttpRegistry {
        base: traffic.registry_url().to_owned(),
    };
    for (subject, id) in &manifest.schema_ids {
        let versions = registry
            .get(&format!("/schemas/ids/{id}/versions"))
            .expect("a known id");
        assert_eq!(versions[0]["subject"], subject.as_str());
    }
    let subject_of = |event: &str| format!("{}-value", topic_of(event));
    for made in &manifest.records {
        let (Some(id), Some(event)) = (made.schema_id, made.event.as_deref()) else {
            continue;
        };
        if made.kind != Kind::UnknownSchemaId {
            assert_eq!(manifest.schema_ids[&subject_of(event)], id, "{made:?}");
        }
    }
    assert!(registry.get("/schemas/ids/99999").is_none());

    // contrail's decoder and classifier (what `sample` and `trace` run) through the registry:
    // each value decodes to the manifest's payload, each record is the manifest's event with
    // its correlation id, flow records conform to their contracts, and each malformed record
    // is the problem its kind names.
    let catalog = load_catalog(&shop_dir(), LoadOptions::default())
        .expect("the shop example loads")
        .catalog;
    let mut classifier = Classifier::new(&catalog);
    let mut decoder = Decoder::new(registry);
    for (seen, made) in observed.iter().zip(&produced) {
        let decoded = decoder.decode(seen).expect("the registry answers");
        let check = classifier.classify(seen, &decoded);
        let at = made.position();
        assert_eq!(
            check.problem.map(|p| p.as_str()),
            made.kind.problem(),
            "{at}: {check:?}"
        );
        assert_eq!(check.event, made.event, "{at}");
        match &made.value {
            Some(value) => assert_eq!(
                decoded.value.value.to_json().as_deref(),
                Some(value),
                "{at}"
            ),
            None => assert!(
                matches!(decoded.value.value, DecodedValue::Undecodable { .. }),
                "{at}: {:?}",
                decoded.value
            ),
        }
        if made.kind.problem().is_none() {
            assert_eq!(check.correlation_id, made.correlation_id, "{at}");
            assert_eq!(check.findings, [], "{at}");
        }
    }
}

#[test]
fn shop_traffic_produces_the_same_payloads_from_the_same_seed() {
    let options = ShopTrafficOptions {
        orders: 3,
        partitions: 1,
        jitter_ms: 40,
        ..ShopTrafficOptions::default()
    };
    let Some(traffic) = shop_traffic(&options) else {
        return;
    };
    // Twice more onto the same topics: the same seed, then another.
    let again = |options: &ShopTrafficOptions, name: &str| {
        let path = traffic.dir.path().join(name);
        produce(options, traffic.bootstrap(), traffic.registry_url(), &path)
    };
    let same = again(&options, "same.json");
    let other = again(
        &ShopTrafficOptions {
            seed: 2,
            ..options.clone()
        },
        "other.json",
    );
    let payloads = |m: &Manifest| -> Vec<(i64, Option<Value>)> {
        m.records
            .iter()
            .map(|r| (r.timestamp_ms, r.value.clone()))
            .collect()
    };
    assert_eq!(payloads(&traffic.manifest), payloads(&same));
    assert_ne!(payloads(&traffic.manifest), payloads(&other));
    // The second run's records follow the first's three orders.
    assert_eq!(same.records[0].position(), "shop.orders/0@3");
    // Jitter stretches hops, but never reorders an order's records.
    let mut stretched = false;
    for records in traffic.manifest.flows().values() {
        let events: Vec<&str> = records.iter().filter_map(|r| r.event.as_deref()).collect();
        assert_eq!(
            events,
            [
                "OrderPlaced",
                "PaymentProcessed",
                "InventoryReserved",
                "OrderShipped"
            ]
        );
        let gaps: Vec<i64> = records
            .windows(2)
            .map(|w| w[1].timestamp_ms - w[0].timestamp_ms)
            .collect();
        for (gap, fixed) in gaps.iter().zip([100, 150, 150]) {
            assert!((fixed..=fixed + 40).contains(gap), "{gaps:?}");
            stretched |= *gap > fixed;
        }
    }
    assert!(stretched);
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("an ephemeral port")
}

/// Runs produce.py with `--timeout 2`; asserts it fails within 30 s and returns its stderr.
fn produce_fails(bootstrap: &str, registry: &str) -> String {
    let started = Instant::now();
    let output = produce_py(&[
        "--bootstrap",
        bootstrap,
        "--registry",
        registry,
        "--timeout",
        "2",
    ])
    .output()
    .expect("python runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    stderr
}

#[test]
fn shop_traffic_produce_py_says_which_peer_is_missing() {
    let broker = format!("127.0.0.1:{}", closed_port());
    let nowhere = format!("http://127.0.0.1:{}", closed_port());
    let stderr = produce_fails(&broker, &nowhere);
    assert!(
        stderr.starts_with(&format!(
            "produce.py: error: the schema registry at {nowhere} is unreachable"
        )),
        "{stderr}"
    );

    let dir = tempfile::tempdir().expect("a temporary directory");
    let registry = start_registry(&dir.path().join("registry.db"), &[]);
    let stderr = produce_fails(&broker, &registry.base);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "produce.py: error: the registry at {0} has no subject shop.orders-value: push the \
             shop's schemas first (contrail registry push examples/shop --registry {0})",
            registry.base
        )
    );

    let push = contrail()
        .args(["registry", "push"])
        .arg(shop_dir())
        .args(["--registry", &registry.base])
        .output()
        .expect("contrail runs");
    assert!(push.status.success(), "{push:?}");
    let stderr = produce_fails(&broker, &registry.base);
    assert!(
        stderr.starts_with(&format!(
            "produce.py: error: the broker at {broker} did not answer"
        )),
        "{stderr}"
    );
}
