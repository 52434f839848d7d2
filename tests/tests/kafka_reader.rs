//! contrail-kafka's reader against a real broker process (tansu): records produced with
//! librdkafka read back exactly, from the beginning and from a point in time (which the mock
//! cluster of the crate's own tests cannot answer), and no consumer group's offsets touched.
//!
//! Skipped with a message when tansu is not installed and not required (see
//! `contrail_e2e::tansu`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use contrail_e2e::start_tansu;
use contrail_kafka::{BrokerProfile, KafkaError, ObservedRecord, Reader, Selection, Start, Until};
use rdkafka::ClientConfig;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::topic_partition_list::Offset;

#[path = "../../kafka/tests/support/mod.rs"]
pub(crate) mod support;

use support::{TIMEOUT, commit, committed, read_all};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Sends `(partition, value)` records (a `None` value is a tombstone) with a correlation-id
/// header and one that is not UTF-8, and waits until the broker has them.
fn send(producer: &BaseProducer, topic: &str, records: &[(i32, Option<&str>)]) {
    for (partition, value) in records {
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "correlation-id",
                value: Some(value.unwrap_or("tombstone")),
            })
            .insert(Header {
                key: "raw",
                value: Some(&[0xffu8, 0x00][..]),
            })
            .insert(Header::<&[u8]> {
                key: "null",
                value: None,
            });
        let mut record = BaseRecord::<str, str>::to(topic)
            .partition(*partition)
            .key("k")
            .headers(headers);
        if let Some(value) = value {
            record = record.payload(value);
        }
        producer.send(record).map_err(|(e, _)| e).expect("queued");
    }
    producer.flush(TIMEOUT).expect("flushed");
}

fn values(records: &[ObservedRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| match &r.value {
            Some(v) => format!("{}@{}", String::from_utf8_lossy(v), r.partition),
            None => format!("tombstone@{}", r.partition),
        })
        .collect()
}

#[test]
fn the_reader_reads_a_real_broker_from_the_start_and_from_a_time() {
    let Some(tansu) = start_tansu() else {
        return;
    };
    tansu.create_topic("shop.orders", 2);
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", &tansu.bootstrap)
        .set("linger.ms", "0")
        .create()
        .expect("producer");
    // tansu 0.6.0 answers ListOffsets(latest) with the newest batch's base offset + 1, so each
    // partition's last record goes in a batch of its own (a flush between them).
    send(
        &producer,
        "shop.orders",
        &[(0, Some("a1")), (0, None), (1, Some("b1"))],
    );
    send(
        &producer,
        "shop.orders",
        &[(0, Some("a2")), (1, Some("b2"))],
    );
    // tansu looks up offsets by when it wrote a record; leave a clear gap around the time.
    std::thread::sleep(Duration::from_millis(1500));
    let between = now_ms();
    std::thread::sleep(Duration::from_millis(1500));
    send(
        &producer,
        "shop.orders",
        &[(0, Some("a3")), (1, Some("b3"))],
    );
    send(&producer, "shop.orders", &[(0, Some("a4"))]);

    // A consumer group that has read part of the topic.
    commit(&tansu.bootstrap, "inventory", "shop.orders", 0, 2);
    let before = committed(&tansu.bootstrap, "inventory", "shop.orders", 2);
    assert_eq!(before[0], (0, Offset::Offset(2)));

    // fetch.wait.max.ms: tansu waits that long on every fetch, even with data there.
    let profile = BrokerProfile::new(&tansu.bootstrap).with("fetch.wait.max.ms", "10");
    let mut reader = Reader::connect(&profile, TIMEOUT).expect("connects");

    reader
        .assign(
            &[Selection::topic("shop.orders")],
            Start::Earliest,
            Until::End,
        )
        .expect("assigns");
    let lags: Vec<i64> = reader.progress().iter().map(|p| p.lag()).collect();
    assert_eq!(lags, [5, 3]);
    let all = read_all(&mut reader);
    assert_eq!(
        values(&all),
        [
            "a1@0",
            "tombstone@0",
            "a2@0",
            "a3@0",
            "a4@0",
            "b1@1",
            "b2@1",
            "b3@1"
        ]
    );
    let first = &all[0];
    assert_eq!(first.key.as_deref(), Some(&b"k"[..]));
    assert_eq!(first.header("correlation-id"), Some(&b"a1"[..]));
    assert_eq!(first.header("raw"), Some(&[0xffu8, 0x00][..]));
    assert_eq!(first.headers.len(), 3);
    assert_eq!(first.headers[2].value, None);
    assert!(first.timestamp_ms.is_some_and(|t| t > between - 600_000));

    reader
        .assign(
            &[Selection::topic("shop.orders")],
            Start::Time(between),
            Until::End,
        )
        .expect("assigns");
    assert_eq!(values(&read_all(&mut reader)), ["a3@0", "a4@0", "b3@1"]);

    // A time after the newest record would start at the end, but tansu 0.6.0 answers such a
    // lookup with offset 0 where Kafka answers -1; the crate's mock-cluster tests cover it.

    let err = reader.partitions("shop.order").expect_err("no such topic");
    assert!(
        matches!(&err, KafkaError::UnknownTopic { similar, .. } if similar == &["shop.orders"]),
        "{err}"
    );
    drop(reader);

    assert_eq!(
        committed(&tansu.bootstrap, "inventory", "shop.orders", 2),
        before
    );
}
