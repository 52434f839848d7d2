//! Helpers the reader's tests share: the mock-cluster tests of this crate and the end-to-end
//! test against tansu (`tests/tests/kafka_reader.rs`, which includes this file by path).
//! Only std, rdkafka and contrail-kafka, so both crates can compile it.

use std::time::Duration;

use contrail_kafka::{ObservedRecord, Polled, Reader};
use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};

pub(crate) const TIMEOUT: Duration = Duration::from_secs(10);

/// Reads until every partition reached its end, in `(partition, offset)` order; fails the
/// test when that takes more than a minute.
pub(crate) fn read_all(reader: &mut Reader) -> Vec<ObservedRecord> {
    let mut records = Vec::new();
    for _ in 0..600 {
        match reader.poll(Duration::from_millis(100)).expect("polls") {
            Polled::Record(r) => records.push(r),
            Polled::Idle => {}
            Polled::Finished => {
                records.sort_by_key(|r| (r.partition, r.offset));
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

/// A consumer group of a real consumer: it commits `offset` for `topic`/`partition`.
pub(crate) fn commit(bootstrap: &str, group: &str, topic: &str, partition: i32, offset: i64) {
    let consumer = group_member(bootstrap, group);
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
        .expect("offset");
    consumer.assign(&tpl).expect("assign");
    consumer.commit(&tpl, CommitMode::Sync).expect("commit");
}

/// The offsets `group` committed for partitions `0..partitions` of `topic`, as a fresh member
/// of the group sees them.
pub(crate) fn committed(
    bootstrap: &str,
    group: &str,
    topic: &str,
    partitions: i32,
) -> Vec<(i32, Offset)> {
    let consumer = group_member(bootstrap, group);
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let found = consumer.committed_offsets(tpl, TIMEOUT).expect("committed");
    found
        .elements()
        .iter()
        .map(|e| (e.partition(), e.offset()))
        .collect()
}

fn group_member(bootstrap: &str, group: &str) -> BaseConsumer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer")
}
