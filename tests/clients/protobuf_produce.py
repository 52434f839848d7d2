#!/usr/bin/env python3
"""Produces Protobuf records with confluent-kafka's own ProtobufSerializer, for the end-to-end
tests of `contrail sample` decoding them (tests/tests/protobuf_records.rs).

    protobuf_produce.py BOOTSTRAP REGISTRY_URL TOPIC DESCRIPTOR_SET MESSAGE RECORDS_JSON

DESCRIPTOR_SET is a binary FileDescriptorSet with every file the message's file imports (what
`protoc --include_imports -o` writes; the test compiles it with contrail's own compiler, so no
protoc is needed). The message class is made at run time from it with descriptor_pool and
message_factory. MESSAGE is the full name of the message to write (a nested one is
`Outer.Inner`); RECORDS_JSON a JSON list of {"key", "headers", "value"}, each value the
message in the protobuf JSON mapping.

The serializer registers the message's file (base64, as it always does) under TOPIC-value and
each file it imports under the import's name, writes magic byte 0, the schema id, the message
indexes and the message. Prints, as JSON, one {"partition", "offset", "value"} per record, the
value as protobuf's json_format writes it back, fields at their defaults included.
"""

import json
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def main():
    bootstrap, registry, topic, descriptor_set, message_name, records_json = sys.argv[1:7]
    with open(descriptor_set, "rb") as f:
        files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    message_class = message_factory.GetMessageClass(pool.FindMessageTypeByName(message_name))
    serializer = ProtobufSerializer(
        message_class,
        SchemaRegistryClient({"url": registry}),
        {"auto.register.schemas": True, "use.deprecated.format": False},
    )
    with open(records_json, encoding="utf-8") as f:
        records = json.load(f)

    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0})
    delivered = []

    def on_delivery(error, message):
        if error is not None:
            raise SystemExit(f"delivery failed: {error}")
        delivered.append((message.partition(), message.offset()))

    out = []
    for record in records:
        message = json_format.ParseDict(record["value"], message_class())
        headers = [(k, v.encode()) for k, v in record.get("headers", {}).items()]
        value = serializer(message, SerializationContext(topic, MessageField.VALUE, headers))
        producer.produce(
            topic,
            key=record["key"].encode(),
            value=value,
            headers=headers,
            on_delivery=on_delivery,
        )
        # One record per batch: tansu 0.6.0 answers ListOffsets(latest) with the newest
        # batch's base offset + 1 (tests/src/tansu.rs).
        producer.flush(10)
        partition, offset = delivered[-1]
        written = json_format.MessageToDict(message, always_print_fields_with_no_presence=True)
        out.append({"partition": partition, "offset": offset, "value": written})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
