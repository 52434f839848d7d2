//! The reader against librdkafka's in-process mock cluster: what it reads, where it starts
//! and stops, what it refuses, and that it commits nothing.
//!
//! The mock cluster does not implement offsets-for-times (it answers "end" for any time), nor
//! transaction markers (an aborted record is read even with read_committed), so starting by
//! time and transactional topics are tested against a real broker in the end-to-end tests.

use std::sync::atomic::Ordering;
use std::time::Duration;

use contrail_kafka::{
    BrokerProfile, KafkaError, ObservedHeader, ObservedRecord, Polled, Reader, Selection, Start,
    Until,
};
use rdkafka::ClientConfig;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseProducer, BaseRecord, DefaultProducerContext, Producer};
use rdkafka::topic_partition_list::Offset;

mod support;

use support::{TIMEOUT, commit, committed, read_all};

type Cluster = MockCluster<'static, DefaultProducerContext>;

fn cluster(topics: &[(&str, i32)]) -> Cluster {
    let cluster = MockCluster::new(1).expect("mock cluster");
    for (topic, partitions) in topics {
        cluster.create_topic(topic, *partitions, 1).expect("topic");
    }
    cluster
}

fn profile(cluster: &Cluster) -> BrokerProfile {
    BrokerProfile::new(cluster.bootstrap_servers()).with("fetch.wait.max.ms", "10")
}

fn reader(cluster: &Cluster) -> Reader {
    Reader::connect(&profile(cluster), TIMEOUT).expect("connects")
}

fn producer(cluster: &Cluster, extra: &[(&str, &str)]) -> BaseProducer {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", cluster.bootstrap_servers())
        .set("linger.ms", "0");
    for (k, v) in extra {
        config.set(*k, *v);
    }
    config.create().expect("producer")
}

/// One record to produce: partition, key, value, headers.
struct Out<'a> {
    partition: i32,
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
    headers: &'a [(&'a str, Option<&'a [u8]>)],
    timestamp: i64,
}

fn out(partition: i32, value: &str) -> Out<'_> {
    Out {
        partition,
        key: None,
        value: Some(value.as_bytes()),
        headers: &[],
        timestamp: 1_700_000_000_000,
    }
}

fn send(producer: &BaseProducer, topic: &str, records: &[Out<'_>]) {
    for r in records {
        let mut headers = OwnedHeaders::new();
        for (key, value) in r.headers {
            headers = headers.insert(Header { key, value: *value });
        }
        let mut record = BaseRecord::<[u8], [u8]>::to(topic)
            .partition(r.partition)
            .timestamp(r.timestamp)
            .headers(headers);
        if let Some(key) = r.key {
            record = record.key(key);
        }
        if let Some(value) = r.value {
            record = record.payload(value);
        }
        producer.send(record).map_err(|(e, _)| e).expect("queued");
    }
    producer.flush(TIMEOUT).expect("flushed");
}

fn positions(records: &[ObservedRecord]) -> Vec<String> {
    let mut p: Vec<String> = records.iter().map(ObservedRecord::position).collect();
    p.sort();
    p
}

#[test]
fn records_arrive_as_they_were_produced_headers_keys_and_tombstones_included() {
    let cluster = cluster(&[("shop.orders", 2)]);
    let producer = producer(&cluster, &[]);
    let not_utf8: &[u8] = &[0xff, 0xfe, 0x00, 0x80];
    send(
        &producer,
        "shop.orders",
        &[
            Out {
                partition: 0,
                key: Some(b"order-1"),
                value: Some(b"{\"orderId\":\"1\"}"),
                headers: &[
                    ("correlation-id", Some(b"c-1")),
                    ("binary", Some(not_utf8)),
                    ("null", None),
                    ("correlation-id", Some(b"c-2")),
                ],
                timestamp: 1_700_000_000_123,
            },
            Out {
                partition: 0,
                key: Some(b"order-1"),
                value: None,
                headers: &[],
                timestamp: 1_700_000_000_124,
            },
            Out {
                partition: 1,
                key: None,
                value: Some(b""),
                headers: &[("empty", Some(b""))],
                timestamp: 1_700_000_000_125,
            },
        ],
    );
    let mut reader = reader(&cluster);
    reader
        .assign(
            &[Selection::topic("shop.orders")],
            Start::Earliest,
            Until::End,
        )
        .expect("assigns");
    let records = read_all(&mut reader);
    let header = |key: &str, value: Option<&[u8]>| ObservedHeader {
        key: key.to_owned(),
        value: value.map(<[u8]>::to_vec),
    };
    assert_eq!(
        records,
        [
            ObservedRecord {
                topic: "shop.orders".to_owned(),
                partition: 0,
                offset: 0,
                timestamp_ms: Some(1_700_000_000_123),
                key: Some(b"order-1".to_vec()),
                value: Some(b"{\"orderId\":\"1\"}".to_vec()),
                headers: vec![
                    header("correlation-id", Some(b"c-1")),
                    header("binary", Some(not_utf8)),
                    header("null", None),
                    header("correlation-id", Some(b"c-2")),
                ],
            },
            ObservedRecord {
                topic: "shop.orders".to_owned(),
                partition: 0,
                offset: 1,
                timestamp_ms: Some(1_700_000_000_124),
                key: Some(b"order-1".to_vec()),
                value: None,
                headers: vec![],
            },
            ObservedRecord {
                topic: "shop.orders".to_owned(),
                partition: 1,
                offset: 0,
                timestamp_ms: Some(1_700_000_000_125),
                key: None,
                value: Some(Vec::new()),
                headers: vec![header("empty", Some(b""))],
            },
        ]
    );
    assert_eq!(records[0].header("correlation-id"), Some(&b"c-2"[..]));
    assert!(reader.progress().iter().all(|p| p.done && p.lag() == 0));
}

#[test]
fn start_positions_latest_offset_and_a_partition_filter() {
    let cluster = cluster(&[("t", 3)]);
    let producer = producer(&cluster, &[]);
    let mut batch = Vec::new();
    for partition in 0..3 {
        for i in 0..5 {
            batch.push((partition, format!("p{partition}-{i}")));
        }
    }
    let outs: Vec<Out<'_>> = batch.iter().map(|(p, v)| out(*p, v)).collect();
    send(&producer, "t", &outs);
    let mut reader = reader(&cluster);

    reader
        .assign(&[Selection::topic("t")], Start::Earliest, Until::End)
        .expect("assigns");
    let lags: Vec<i64> = reader.progress().iter().map(|p| p.lag()).collect();
    assert_eq!(lags, [5, 5, 5]);
    assert_eq!(read_all(&mut reader).len(), 15);

    // Latest up to the end: nothing to read, finished at once.
    reader
        .assign(&[Selection::topic("t")], Start::Latest, Until::End)
        .expect("assigns");
    assert_eq!(
        reader.poll(Duration::ZERO).expect("polls"),
        Polled::Finished
    );

    // An offset, in the chosen partitions only; an offset past the end is the end.
    reader
        .assign(
            &[Selection::partitions("t", [2, 0])],
            Start::Offset(3),
            Until::End,
        )
        .expect("assigns");
    assert_eq!(
        positions(&read_all(&mut reader)),
        ["t/0@3", "t/0@4", "t/2@3", "t/2@4"]
    );
    reader
        .assign(
            &[Selection::partitions("t", [1])],
            Start::Offset(99),
            Until::End,
        )
        .expect("assigns");
    assert_eq!(
        reader.poll(Duration::ZERO).expect("polls"),
        Polled::Finished
    );

    // The mock answers every offsets-for-times lookup with -1, Kafka's answer for a time after
    // the newest record: such a start is the end.
    reader
        .assign(&[Selection::topic("t")], Start::Time(0), Until::End)
        .expect("assigns");
    assert!(reader.progress().iter().all(|p| p.done && p.position == 5));
    assert_eq!(
        reader.poll(Duration::ZERO).expect("polls"),
        Polled::Finished
    );

    // A partition that does not exist.
    let err = reader
        .assign(
            &[Selection::partitions("t", [0, 7])],
            Start::Earliest,
            Until::End,
        )
        .expect_err("no partition 7");
    assert_eq!(
        err.to_string(),
        "topic `t` has no partition 7; its partitions are 0, 1, 2"
    );
}

#[test]
fn only_records_present_at_assignment_are_read_until_the_end() {
    let cluster = cluster(&[("t", 1)]);
    let producer = producer(&cluster, &[]);
    send(&producer, "t", &[out(0, "a"), out(0, "b")]);
    let mut reader = reader(&cluster);
    reader
        .assign(&[Selection::topic("t")], Start::Earliest, Until::End)
        .expect("assigns");
    send(&producer, "t", &[out(0, "c")]);
    assert_eq!(positions(&read_all(&mut reader)), ["t/0@0", "t/0@1"]);
}

#[test]
fn empty_topics_and_partitions_finish_at_once() {
    let cluster = cluster(&[("empty", 4), ("one", 2)]);
    let producer = producer(&cluster, &[]);
    send(&producer, "one", &[out(1, "x")]);
    let mut reader = reader(&cluster);
    reader
        .assign(
            &[Selection::topic("empty"), Selection::topic("one")],
            Start::Earliest,
            Until::End,
        )
        .expect("assigns");
    let done: Vec<bool> = reader.progress().iter().map(|p| p.done).collect();
    assert_eq!(done, [true, true, true, true, true, false]);
    assert_eq!(positions(&read_all(&mut reader)), ["one/1@0"]);

    reader
        .assign(&[Selection::topic("empty")], Start::Earliest, Until::End)
        .expect("assigns");
    assert_eq!(
        reader.poll(Duration::ZERO).expect("polls"),
        Polled::Finished
    );
    assert_eq!(reader.records().count(), 0);
}

#[test]
fn a_topic_that_does_not_exist_is_named_with_close_names() {
    let cluster = cluster(&[("shop.orders", 1), ("shop.orders.dlq", 1), ("billing", 1)]);
    let reader = reader(&cluster);
    let err = reader.partitions("shop.order").expect_err("no such topic");
    match &err {
        KafkaError::UnknownTopic { topic, similar, .. } => {
            assert_eq!(topic, "shop.order");
            assert_eq!(similar, &["shop.orders", "shop.orders.dlq"]);
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string()
            .ends_with("; did you mean `shop.orders`, `shop.orders.dlq`?"),
        "{err}"
    );
    // Reading it does not create it.
    assert!(reader.partitions("shop.order").is_err());
    assert_eq!(reader.partitions("billing").expect("exists"), [0]);
}

#[test]
fn an_unreachable_broker_is_an_error() {
    let err = Reader::connect(&BrokerProfile::new("127.0.0.1:1"), Duration::from_secs(2))
        .expect_err("nothing listens on port 1");
    assert!(
        matches!(&err, KafkaError::Unreachable { bootstrap, .. } if bootstrap == "127.0.0.1:1"),
        "{err}"
    );
    assert!(err.to_string().contains("check that the address"), "{err}");
}

#[test]
fn settings_contrail_controls_and_settings_librdkafka_refuses_are_errors() {
    let err = Reader::connect(
        &BrokerProfile::new("127.0.0.1:1").with("enable.auto.commit", "true"),
        TIMEOUT,
    )
    .expect_err("reserved");
    assert!(matches!(err, KafkaError::ReservedSetting { .. }), "{err}");
    let err = Reader::connect(
        &BrokerProfile::new("127.0.0.1:1").with("no.such.setting", "1"),
        TIMEOUT,
    )
    .expect_err("unknown setting");
    assert!(
        matches!(&err, KafkaError::Setting { key, .. } if key == "no.such.setting"),
        "{err}"
    );
}

#[test]
fn sampling_commits_nothing() {
    let cluster = cluster(&[("t", 2)]);
    let producer = producer(&cluster, &[]);
    send(
        &producer,
        "t",
        &[out(0, "a"), out(0, "b"), out(1, "c"), out(1, "d")],
    );
    // A real consumer group that has read some of the topic.
    commit(&cluster.bootstrap_servers(), "inventory", "t", 0, 1);
    let before = committed(&cluster.bootstrap_servers(), "inventory", "t", 2);
    assert_eq!(before, [(0, Offset::Offset(1)), (1, Offset::Invalid)]);

    let mut reader = reader(&cluster);
    for start in [Start::Earliest, Start::Offset(1)] {
        reader
            .assign(&[Selection::topic("t")], start, Until::End)
            .expect("assigns");
        assert!(!read_all(&mut reader).is_empty());
    }
    drop(reader);

    assert_eq!(
        committed(&cluster.bootstrap_servers(), "inventory", "t", 2),
        before
    );
}

#[test]
fn a_broker_that_goes_away_mid_read_is_an_error_after_the_timeout() {
    let cluster = cluster(&[("t", 1)]);
    let mut reader = Reader::connect(&profile(&cluster), Duration::from_secs(1)).expect("connects");
    reader
        .assign(&[Selection::topic("t")], Start::Earliest, Until::Never)
        .expect("assigns");
    assert_eq!(
        reader.poll(Duration::from_millis(200)).expect("polls"),
        Polled::Idle
    );
    cluster.broker_down(1).expect("down");
    let mut outcome = None;
    for _ in 0..200 {
        match reader.poll(Duration::from_millis(100)) {
            Ok(Polled::Idle) => {}
            other => {
                outcome = Some(other);
                break;
            }
        }
    }
    match outcome {
        Some(Err(KafkaError::Lost { .. })) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_open_ended_read_follows_new_records_until_stopped() {
    let cluster = cluster(&[("t", 1)]);
    let producer = producer(&cluster, &[]);
    send(&producer, "t", &[out(0, "old")]);
    let mut reader = reader(&cluster);
    reader
        .assign(&[Selection::topic("t")], Start::Latest, Until::Never)
        .expect("assigns");
    assert_eq!(
        reader.poll(Duration::from_millis(200)).expect("polls"),
        Polled::Idle
    );
    send(&producer, "t", &[out(0, "new")]);
    let record = loop {
        match reader.poll(Duration::from_millis(100)).expect("polls") {
            Polled::Record(r) => break r,
            Polled::Idle => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(record.value.as_deref(), Some(&b"new"[..]));
    assert_eq!(reader.progress()[0].position, 2);
    reader.refresh_watermarks().expect("watermarks");
    assert_eq!(reader.progress()[0].lag(), 0);

    let stop = reader.stop_flag();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        stop.store(true, Ordering::Relaxed);
    });
    assert_eq!(reader.records().count(), 0);
    assert_eq!(
        reader.poll(Duration::from_secs(5)).expect("polls"),
        Polled::Stopped
    );
}
