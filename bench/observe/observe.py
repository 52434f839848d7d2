#!/usr/bin/env python3
"""The Python side of bench/observe/sample.sh: fills shop.orders, and the two peers that read it.

    observe.py produce BOOTSTRAP REGISTRY RECORDS [PARTITIONS]
        RECORDS OrderPlaced records (Avro, Confluent framing, ~200 bytes with key and header)
        on shop.orders. Every 4 records share an order (key `o-{j}`, header
        `correlation-id: c-{j}`, one value serialized once), so RECORDS/4 flows for
        `contrail trace`. Produced in bulk, then one more record per partition in a batch of
        its own: tansu 0.6.0 answers ListOffsets(latest) with the newest batch's base offset + 1.
    observe.py steady BOOTSTRAP REGISTRY RATE SECONDS
        RATE OrderPlaced records a second on shop.orders for SECONDS seconds, four per order
        as above (RATE/4 new flows a second), for `contrail trace --follow` in
        bench/observe/follow.sh.
    observe.py bare BOOTSTRAP RECORDS [PARTITIONS]
        librdkafka's own speed: assign every partition at the beginning, `consume()` in
        batches, count records, decode nothing.
    observe.py deserializing BOOTSTRAP REGISTRY RECORDS [PARTITIONS]
        What a Python user writes: DeserializingConsumer with AvroDeserializer, `poll()` per
        record.

Both readers stop once they have RECORDS records and print how many they read and their
own time from connecting to the last record (the script times whole processes, as it does
contrail).
"""

import os
import random
import sys
import time
import uuid

from confluent_kafka import Consumer, DeserializingConsumer, Producer, TopicPartition
from confluent_kafka import OFFSET_BEGINNING
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import (
    MessageField,
    SerializationContext,
    StringDeserializer,
)

TOPIC = "shop.orders"
SKUS = ("BOOK-1", "MUG-2", "PEN-3", "LAMP-4", "BAG-5")
# The same settings every reader gets: tansu waits fetch.wait.max.ms on every fetch, even with
# data there (tests/src/tansu.rs); contrail's profile sets the same value.
FETCH_WAIT_MS = "10"


def reader_conf(bootstrap):
    return {
        "bootstrap.servers": bootstrap,
        "group.id": f"bench-observe-{os.getpid()}",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "fetch.wait.max.ms": FETCH_WAIT_MS,
        "log_level": 2,
    }


def order(j, rng, now_ms):
    """OrderPlaced of order j: five line items, so a record is about 200 bytes."""
    items = [
        {
            "sku": sku,
            "quantity": rng.randint(1, 3),
            "unitPrice": {"amountMinor": rng.randint(199, 4999), "currency": "EUR"},
        }
        for sku in rng.sample(SKUS, len(SKUS))
    ]
    return {
        "eventId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "occurredAt": now_ms,
        "orderId": f"o-{j}",
        "customerId": f"customer-{rng.randint(1, 50000):08d}",
        "items": items,
        "total": {
            "amountMinor": sum(i["quantity"] * i["unitPrice"]["amountMinor"] for i in items),
            "currency": "EUR",
        },
        "couponCode": "WELCOME10" if rng.random() < 0.2 else None,
    }


def produce(bootstrap, registry, records, partitions):
    client = SchemaRegistryClient({"url": registry})
    serialize = AvroSerializer(
        client, None, conf={"auto.register.schemas": False, "use.latest.version": True}
    )
    context = SerializationContext(TOPIC, MessageField.VALUE)
    failed = []

    def delivered(error, _message):
        if error is not None:
            failed.append(error.str())

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "linger.ms": 50,
            "batch.num.messages": 10000,
            "batch.size": 1000000,
            "queue.buffering.max.messages": 2000000,
            "queue.buffering.max.kbytes": 1048576,
            "acks": "all",
            "log_level": 2,
        }
    )
    rng = random.Random(12)
    now_ms = int(time.time() * 1000)
    started = time.monotonic()
    bulk = records - partitions
    sizes = 0
    value = key = header = None
    for i in range(bulk):
        j = i // 4
        if i % 4 == 0:
            value = serialize(order(j, rng, now_ms), context)
            key = f"o-{j}".encode()
            header = [("correlation-id", f"c-{j}".encode())]
            sizes += len(value) + len(key) + len("correlation-id") + len(header[0][1])
        while True:
            try:
                producer.produce(TOPIC, value, key, headers=header, on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.05)
        if i % 10000 == 0:
            producer.poll(0)
    if producer.flush(120):
        sys.exit("produce: the broker did not acknowledge every record")
    # Each partition's last record in a batch of its own (tansu's ListOffsets quirk).
    for p in range(partitions):
        j = bulk // 4 + 1 + p
        value = serialize(order(j, rng, now_ms), context)
        producer.produce(
            TOPIC,
            value,
            f"o-{j}".encode(),
            partition=p,
            headers=[("correlation-id", f"c-{j}".encode())],
            on_delivery=delivered,
        )
    if producer.flush(60):
        sys.exit("produce: the broker did not acknowledge the last records")
    if failed:
        sys.exit(f"produce: {len(failed)} records refused: {failed[0]}")
    elapsed = time.monotonic() - started
    mean = sizes / max(1, (bulk + 3) // 4)
    print(
        f"produced {records} records ({bulk // 4 + partitions} orders) in {elapsed:.1f} s, "
        f"~{mean:.0f} bytes each (value + key + header)"
    )


def steady(bootstrap, registry, rate, seconds):
    client = SchemaRegistryClient({"url": registry})
    serialize = AvroSerializer(
        client, None, conf={"auto.register.schemas": False, "use.latest.version": True}
    )
    context = SerializationContext(TOPIC, MessageField.VALUE)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "log_level": 2})
    rng = random.Random(34)
    started = time.monotonic()
    sent = 0
    j = 0
    # Ten ticks a second, each topping the count up to where the rate says it should be.
    while time.monotonic() - started < seconds:
        due = int((time.monotonic() - started) * rate)
        while sent < due:
            if sent % 4 == 0:
                j += 1
                value = serialize(order(j, rng, int(time.time() * 1000)), context)
                key = f"o-{j}".encode()
                header = [("correlation-id", f"c-{j}".encode())]
            producer.produce(TOPIC, value, key, headers=header)
            sent += 1
        producer.poll(0)
        time.sleep(0.1)
    producer.flush(30)
    print(f"steady: {sent} records in {time.monotonic() - started:.0f} s")


def assignment(partitions):
    return [TopicPartition(TOPIC, p, OFFSET_BEGINNING) for p in range(partitions)]


def bare(bootstrap, records, partitions):
    consumer = Consumer(reader_conf(bootstrap))
    started = time.monotonic()
    consumer.assign(assignment(partitions))
    count = 0
    while count < records:
        for message in consumer.consume(num_messages=10000, timeout=1.0):
            if message.error() is None:
                count += 1
    elapsed = time.monotonic() - started
    consumer.close()
    print(f"bare: {count} records in {elapsed:.2f} s")


def deserializing(bootstrap, registry, records, partitions):
    client = SchemaRegistryClient({"url": registry})
    conf = reader_conf(bootstrap)
    conf["key.deserializer"] = StringDeserializer("utf_8")
    conf["value.deserializer"] = AvroDeserializer(client)
    consumer = DeserializingConsumer(conf)
    started = time.monotonic()
    consumer.assign(assignment(partitions))
    count = 0
    while count < records:
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            message.value()
            count += 1
    elapsed = time.monotonic() - started
    consumer.close()
    print(f"deserializing: {count} records in {elapsed:.2f} s")


def main(argv):
    command, rest = argv[0], argv[1:]
    if command == "produce":
        produce(rest[0], rest[1], int(rest[2]), int(rest[3]) if len(rest) > 3 else 4)
    elif command == "steady":
        steady(rest[0], rest[1], int(rest[2]), int(rest[3]))
    elif command == "bare":
        bare(rest[0], int(rest[1]), int(rest[2]) if len(rest) > 2 else 4)
    elif command == "deserializing":
        deserializing(rest[0], rest[1], int(rest[2]), int(rest[3]) if len(rest) > 3 else 4)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
