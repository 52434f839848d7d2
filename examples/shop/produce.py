#!/usr/bin/env python3
"""Produces the shop example's order flow onto a Kafka broker, as the shop's services would.

Something for `contrail sample` and `contrail trace` to read: each order goes
OrderPlaced -> PaymentProcessed -> InventoryReserved -> OrderShipped, written with Confluent's
own serializers (Avro for three events, JSON Schema for InventoryReserved) against the schemas
`contrail registry push` registered. On request, some orders break off, some do something no
contract declares, and a few records are malformed on purpose.

Requirements
------------
Python 3.9+ and confluent-kafka with its Schema Registry extras, nothing else:

    pip install 'confluent-kafka[avro,json,schemaregistry]'

A broker (Kafka, Redpanda, tansu, ...) and a schema registry that holds the shop's schemas
(contrail's own registry works):

    contrail registry serve --listen 127.0.0.1:8081 &
    contrail registry push examples/shop --registry http://127.0.0.1:8081
    python examples/shop/produce.py --bootstrap 127.0.0.1:9092 \\
        --registry http://127.0.0.1:8081 --create-topics 3 --orders 100 \\
        --broken-every 10 --undeclared-every 25 --malformed --manifest produced.json

What it writes
--------------
Order i (1..N) has correlation id `c-{i}` and order id `o-{i}`. Every record's key is the
order id as a plain UTF-8 string, so an order's records stay in order on each topic, and every
record carries the header `correlation-id: c-{i}`, where the catalog (contrail.yaml,
`defaults.correlation`) says the correlation id is. Payloads are made up from `--seed` and the
order number: the same flags give the same bytes.

Record timestamps are set explicitly, so hop latencies are known in advance. Order i starts at
`start = --start-ms + (i - 1) * --step-ms`; its records are stamped

    OrderPlaced         start
    PaymentProcessed    start + 100 ms
    InventoryReserved   start + 250 ms
    OrderShipped        start + 400 ms

(with `--jitter-ms J`, each hop takes up to J ms longer, drawn from the seed). Each payload's
`occurredAt` (and OrderShipped's `shippedAt`) is its record's timestamp.

- `--broken-every K`: every K-th order (i % K == 0) stops after PaymentProcessed: the inventory
  service never reserves it, and shipping never ships it.
- `--undeclared-every K`: every K-th order also gets an OrderShipped at start + 50 ms, right
  after its OrderPlaced. Only shipping produces OrderShipped, and it consumes only
  InventoryReserved, which the flow has not seen yet: the edge OrderPlaced -> OrderShipped is
  one no contract declares.
- `--malformed`: five more records on shop.orders, after the last order (the first at
  `--start-ms + N * --step-ms`, then 100 ms apart), each keyed and correlated by its kind
  (`o-wrong-magic`, `c-wrong-magic`, ...): an OrderPlaced whose magic byte is 7 instead of 0
  (`wrong_magic`); an OrderPlaced cut off halfway through its Avro body (`truncated`); an
  OrderPlaced framed with schema id 99999, which the registry does not know
  (`unknown_schema_id`); a valid OrderPlaced with no correlation-id header
  (`no_correlation_id`); a valid PaymentProcessed, which is declared on shop.payments, not
  shop.orders (`not_declared`).

- `--schema-id-header`: the serializers put the schema's GUID in a `__value_schema_id` header
  (magic byte 1, then the 16 bytes) instead of the schema id before the payload, as
  confluent-kafka does with `schema.id.serializer: header_schema_id_serializer` (Confluent 8's
  header framing). Readers find the schema with `GET /schemas/guids/{guid}`. The hand-made
  malformed records keep the classic framing.

Records of one partition are never sent in one batch: tansu 0.6.0 answers ListOffsets(latest)
with the newest batch's base offset + 1, so a reader would miss the rest of a batch.

The manifest
------------
`--manifest FILE` writes what was produced, as JSON, so tests can check a reader's output
exactly:

    {
      "version": 1,
      "settings": {"orders": 100, "seed": 1, "start_ms": ..., "step_ms": 1000, "jitter_ms": 0,
                   "broken_every": 10, "undeclared_every": 25, "malformed": true,
                   "schema_id_header": false},
      "offsets_ms": {"OrderPlaced": 0, "PaymentProcessed": 100, "InventoryReserved": 250,
                     "OrderShipped": 400, "undeclared": 50},
      "topics": {"shop.orders": 3, ...},            partitions per topic
      "schema_ids": {"shop.orders-value": 3, ...},  the latest version's id of each subject
      "schema_guids": {"shop.orders-value": "…", ...},   and its GUID
      "records": [                                  one a line, in the order produced
        {"topic": "shop.orders", "partition": 1, "offset": 0, "timestamp_ms": ...,
         "key": "o-1", "correlation_id": "c-1", "event": "OrderPlaced", "kind": "flow",
         "schema_id": 3, "schema_guid": null, "value": {...}},
        ...
      ]
    }

`kind` is `flow` (a record of a complete order), `broken` (a record of an order that stops
after PaymentProcessed), `undeclared` (the extra OrderShipped), or one of the malformed kinds
above. `event` is the event the record was written as (for a malformed record: before it was
damaged; null for bytes that are no event). `correlation_id` is the correlation-id header, null
without one (the only header records carry besides `__value_schema_id`). `schema_id` is the id
in the value's prefix, `schema_guid` the GUID in the `__value_schema_id` header; each is null
without one. `value` is the payload as serialized, null where the bytes do not decode.

The script exits 0 when the broker acknowledged every record, 1 with a message otherwise (an
unreachable broker or registry, schemas not pushed, a topic missing), within `--timeout`.
"""

import argparse
import json
import random
import sys
import time
import uuid

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import (
    SchemaRegistryClient,
    header_schema_id_serializer,
)
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.serialization import (
    MessageField,
    SerializationContext,
    StringSerializer,
)

# Each event's topic (events/*.yaml); its subject is the topic + "-value" (the catalog's
# `subject-naming: topic`, Confluent's TopicNameStrategy).
TOPICS = {
    "OrderPlaced": "shop.orders",
    "PaymentProcessed": "shop.payments",
    "InventoryReserved": "shop.inventory",
    "OrderShipped": "shop.shipments",
}
# The shop's other topics, created with the rest (readers of the catalog's topics expect them)
# but written nothing: StockLevelChanged is the shop's Protobuf event, outside the order flow.
QUIET_TOPICS = ["shop.stock"]
# Milliseconds from an order's start to each of its records.
OFFSETS_MS = {
    "OrderPlaced": 0,
    "PaymentProcessed": 100,
    "InventoryReserved": 250,
    "OrderShipped": 400,
}
UNDECLARED_OFFSET_MS = 50
MALFORMED_GAP_MS = 100
CORRELATION_HEADER = "correlation-id"
WRONG_MAGIC_BYTE = 7
UNKNOWN_SCHEMA_ID = 99999
MALFORMED_KINDS = (
    "wrong_magic",
    "truncated",
    "unknown_schema_id",
    "no_correlation_id",
    "not_declared",
)

SKUS = ("BOOK-1", "MUG-2", "PEN-3", "LAMP-4", "BAG-5")
WAREHOUSES = ("BER-1", "HAM-2", "MUC-3")
CARRIERS = ("DHL", "UPS", "DPD")
METHODS = ("CARD", "PAYPAL", "BANK_TRANSFER")


class ProduceError(Exception):
    """Why the run stopped, for the user: printed without a traceback."""


def subject(topic):
    return f"{topic}-value"


def iso_time(ms):
    """`2026-11-20T10:00:00.250Z`: JSON Schema's date-time for InventoryReserved.occurredAt."""
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000))
    return f"{seconds}.{ms % 1000:03d}Z"


def event_id(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def timestamps(start_ms, rng, jitter_ms):
    """When each record of an order is stamped: the fixed offsets, each hop up to `jitter_ms`
    longer. Draws the same number of values whatever the flags, so payloads do not depend on
    them."""
    stamps = {}
    previous = None
    for event, offset in OFFSETS_MS.items():
        extra = rng.randint(0, jitter_ms) if jitter_ms else 0
        if previous is None:
            stamps[event] = start_ms
        else:
            stamps[event] = stamps[previous] + offset - OFFSETS_MS[previous] + extra
        previous = event
    stamps["undeclared"] = start_ms + UNDECLARED_OFFSET_MS
    return stamps


def order_payloads(order_id, rng, stamps):
    """The four events of one order, plus the OrderShipped an undeclared shortcut writes."""
    items = [
        {
            "sku": sku,
            "quantity": rng.randint(1, 3),
            "unitPrice": {"amountMinor": rng.randint(199, 4999), "currency": "EUR"},
        }
        for sku in rng.sample(SKUS, rng.randint(1, 3))
    ]
    total = sum(item["quantity"] * item["unitPrice"]["amountMinor"] for item in items)
    warehouse = rng.choice(WAREHOUSES)

    def shipped(at):
        return {
            "eventId": event_id(rng),
            "occurredAt": at,
            "orderId": order_id,
            "carrier": rng.choice(CARRIERS),
            "trackingNumber": f"{rng.getrandbits(64):020d}",
            "warehouse": warehouse,
            "shippedAt": at,
        }

    return {
        "OrderPlaced": {
            "eventId": event_id(rng),
            "occurredAt": stamps["OrderPlaced"],
            "orderId": order_id,
            "customerId": f"cust-{rng.randint(1, 500)}",
            "items": items,
            "total": {"amountMinor": total, "currency": "EUR"},
            "couponCode": "WELCOME10" if rng.random() < 0.2 else None,
        },
        "PaymentProcessed": {
            "eventId": event_id(rng),
            "occurredAt": stamps["PaymentProcessed"],
            "orderId": order_id,
            "paymentId": f"pay-{rng.getrandbits(32):08x}",
            "amount": {"amountMinor": total, "currency": "EUR"},
            "pspReference": f"psp-{rng.getrandbits(32):08x}"
            if rng.random() < 0.8
            else None,
            "method": rng.choice(METHODS),
        },
        "InventoryReserved": {
            "eventId": event_id(rng),
            "occurredAt": iso_time(stamps["InventoryReserved"]),
            "orderId": order_id,
            "reservations": [
                {
                    "sku": item["sku"],
                    "quantity": item["quantity"],
                    "warehouse": warehouse,
                }
                for item in items
            ],
        },
        "OrderShipped": shipped(stamps["OrderShipped"]),
        "undeclared": shipped(stamps["undeclared"]),
    }


class Registry:
    """The shop's subjects in the registry, and a serializer for each event that writes with
    the version `contrail registry push` registered (never registering one of its own)."""

    def __init__(self, url, timeout, schema_id_header=False):
        self.url = url
        self.client = SchemaRegistryClient(
            {"url": url, "timeout": timeout, "max.retries": 0}
        )
        self.schema_id_header = schema_id_header
        self.schema_ids = {}
        self.schema_guids = {}
        for topic in TOPICS.values():
            name = subject(topic)
            try:
                latest = self.client.get_latest_version(name)
                self.schema_ids[name] = latest.schema_id
                self.schema_guids[name] = latest.guid
            except SchemaRegistryError as error:
                if error.error_code == 40401:  # subject not found
                    raise ProduceError(
                        f"the registry at {url} has no subject {name}: push the shop's schemas "
                        f"first (contrail registry push examples/shop --registry {url})"
                    ) from error
                raise ProduceError(
                    f"the registry at {url} answered for {name}: {error}"
                ) from error
            except (
                Exception
            ) as error:  # the HTTP library's own errors: refused, timed out, ...
                raise ProduceError(
                    f"the schema registry at {url} is unreachable: {error}"
                ) from error
        conf = {"auto.register.schemas": False, "use.latest.version": True}
        # The malformed records are made from the classic framing's bytes, whatever the flow
        # records use.
        self.prefixed = self._serializers(conf)
        if schema_id_header:
            conf = {**conf, "schema.id.serializer": header_schema_id_serializer}
        self.serializers = self._serializers(conf)

    def _serializers(self, conf):
        avro = AvroSerializer(self.client, None, conf=conf)
        return {
            "OrderPlaced": avro,
            "PaymentProcessed": avro,
            "InventoryReserved": JSONSerializer(None, self.client, conf=conf),
            "OrderShipped": avro,
        }

    def serialize(self, event, payload, headers, prefixed=False):
        """`payload` in Confluent's wire format, with the latest schema of `event`'s subject;
        with `--schema-id-header` (unless `prefixed`), the serializer appends the schema's GUID
        to `headers` instead of writing the schema id before the payload."""
        topic = TOPICS[event]
        context = SerializationContext(topic, MessageField.VALUE, headers)
        serializers = self.prefixed if prefixed else self.serializers
        try:
            return serializers[event](payload, context)
        except SchemaRegistryError as error:
            raise ProduceError(
                f"serializing {event} with {subject(topic)}: {error}"
            ) from error


class Broker:
    """A producer that records where each record landed, sending records of one partition in
    batches of their own (see the tansu note at the top)."""

    def __init__(self, bootstrap, timeout):
        self.bootstrap = bootstrap
        self.timeout = timeout
        self.errors = []
        self.producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "linger.ms": 0,
                "acks": "all",
                "message.timeout.ms": int(timeout * 1000),
                "socket.connection.setup.timeout.ms": int(timeout * 1000),
                "error_cb": self.errors.append,
                # Connection errors reach error_cb and the message below, not stderr.
                "log_level": 2,
            }
        )
        self.keys = StringSerializer("utf_8")
        self.records = []
        self.failed = []
        self.unflushed = set()

    def _unreachable(self, what):
        last = f" ({self.errors[-1].str()})" if self.errors else ""
        return ProduceError(
            f"the broker at {self.bootstrap} {what} within {self.timeout:g}s{last}"
        )

    def partitions(self):
        """Partitions per topic of the shop's topics that exist."""
        try:
            metadata = self.producer.list_topics(timeout=self.timeout)
        except KafkaException as error:
            raise self._unreachable(
                f"did not answer ({error.args[0].str()})"
            ) from error
        return {
            topic: len(meta.partitions)
            for topic, meta in metadata.topics.items()
            if topic in TOPICS.values() and meta.error is None
        }

    def create_topics(self, partitions):
        """Creates the shop's topics that are missing, with `partitions` partitions each."""
        existing = self.partitions()
        missing = [t for t in [*TOPICS.values(), *QUIET_TOPICS] if t not in existing]
        if not missing:
            return
        admin = AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 2})
        futures = admin.create_topics(
            [
                NewTopic(t, num_partitions=partitions, replication_factor=1)
                for t in missing
            ],
            request_timeout=self.timeout,
        )
        for topic, future in futures.items():
            try:
                future.result(timeout=self.timeout)
            except KafkaException as error:
                if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                    raise ProduceError(
                        f"creating topic {topic}: {error.args[0].str()}"
                    ) from error
        # Metadata may lag behind the creation for a moment.
        deadline = time.monotonic() + self.timeout
        while any(t not in self.partitions() for t in missing):
            if time.monotonic() > deadline:
                raise ProduceError(
                    f"the topics {', '.join(missing)} were created but do not appear"
                )
            time.sleep(0.1)

    def send(
        self, topic, key, value, timestamp_ms, correlation_id, described, extra_headers=()
    ):
        """Queues one record, and its manifest entry: `described` (event, kind, schema id or
        GUID, and value) with where the record is, once the broker acknowledges it.
        `extra_headers` follow the correlation-id header (the serializer's schema GUID)."""
        # A second record for a topic waits until the first is acknowledged, so no batch holds
        # two records of one partition (records of one topic share a batch only when they
        # share a partition, which different keys may).
        if topic in self.unflushed:
            self.flush()
        headers = []
        if correlation_id is not None:
            headers.append((CORRELATION_HEADER, correlation_id.encode()))
        headers.extend(extra_headers)
        entry = {
            "topic": topic,
            "partition": None,
            "offset": None,
            "timestamp_ms": timestamp_ms,
            "key": key,
            "correlation_id": correlation_id,
            **described,
        }

        def delivered(error, message):
            if error is not None:
                self.failed.append(f"{topic} key {key}: {error.str()}")
            else:
                entry.update(partition=message.partition(), offset=message.offset())

        self.producer.produce(
            topic,
            key=self.keys(key),
            value=value,
            headers=headers,
            timestamp=timestamp_ms,
            on_delivery=delivered,
        )
        self.records.append(entry)
        self.unflushed.add(topic)

    def flush(self):
        remaining = self.producer.flush(self.timeout)
        if remaining:
            raise self._unreachable(f"did not acknowledge {remaining} records")
        if self.failed:
            raise ProduceError(
                f"the broker refused {len(self.failed)} records: {self.failed[0]}"
            )
        self.unflushed.clear()


def described(event, kind, schema_id, value, schema_guid=None):
    """What a record's manifest entry says about its value."""
    return {
        "event": event,
        "kind": kind,
        "schema_id": schema_id,
        "schema_guid": schema_guid,
        "value": value,
    }


def produce_order(broker, registry, args, i):
    """Order i's records, in the order its services would write them."""
    order_id, correlation_id = f"o-{i}", f"c-{i}"
    rng = random.Random(f"{args.seed}:{i}")
    stamps = timestamps(args.start_ms + (i - 1) * args.step_ms, rng, args.jitter_ms)
    payloads = order_payloads(order_id, rng, stamps)
    broken = bool(args.broken_every) and i % args.broken_every == 0
    undeclared = bool(args.undeclared_every) and i % args.undeclared_every == 0

    def send(event, kind, stamp):
        payload = payloads[stamp]
        topic = TOPICS[event]
        schema_id = registry.schema_ids[subject(topic)]
        headers = []
        value = registry.serialize(event, payload, headers)
        if registry.schema_id_header:
            guid = registry.schema_guids[subject(topic)]
            about = described(event, kind, None, payload, guid)
        else:
            about = described(event, kind, schema_id, payload)
        broker.send(
            topic, order_id, value, stamps[stamp], correlation_id, about, headers
        )

    kind = "broken" if broken else "flow"
    send("OrderPlaced", kind, "OrderPlaced")
    if undeclared:
        send("OrderShipped", "undeclared", "undeclared")
    send("PaymentProcessed", kind, "PaymentProcessed")
    if not broken:
        send("InventoryReserved", kind, "InventoryReserved")
        send("OrderShipped", kind, "OrderShipped")


def produce_malformed(broker, registry, args):
    """The five malformed records on shop.orders, after the last order."""
    topic = TOPICS["OrderPlaced"]
    start = args.start_ms + args.orders * args.step_ms
    rng = random.Random(f"{args.seed}:malformed")
    for n, kind in enumerate(MALFORMED_KINDS):
        name = kind.replace("_", "-")
        key, correlation_id = f"o-{name}", f"c-{name}"
        timestamp_ms = start + n * MALFORMED_GAP_MS
        payloads = order_payloads(key, rng, timestamps(timestamp_ms, rng, 0))
        event = "PaymentProcessed" if kind == "not_declared" else "OrderPlaced"
        payload = {**payloads[event], "occurredAt": timestamp_ms}
        framed = registry.serialize(event, payload, [], prefixed=True)
        schema_id = int.from_bytes(framed[1:5], "big")
        body = framed[5:]
        decodes = kind in ("no_correlation_id", "not_declared")
        if kind == "wrong_magic":
            value, schema_id = bytes([WRONG_MAGIC_BYTE]) + framed[1:], None
        elif kind == "truncated":
            value = framed[: 5 + len(body) // 2]
        elif kind == "unknown_schema_id":
            value, schema_id = (
                b"\0" + UNKNOWN_SCHEMA_ID.to_bytes(4, "big") + body,
                UNKNOWN_SCHEMA_ID,
            )
        else:
            value = framed
        if kind == "no_correlation_id":
            correlation_id = None
        about = described(event, kind, schema_id, payload if decodes else None)
        broker.send(topic, key, value, timestamp_ms, correlation_id, about)


def write_manifest(manifest, path):
    """The manifest as JSON, one record a line so it reads (and greps) as a log."""
    records = manifest.pop("records")
    text = json.dumps(manifest, indent=1)[: -len("\n}")]
    lines = ",\n  ".join(json.dumps(record) for record in records)
    with open(path, "w", encoding="utf-8") as out:
        out.write(f'{text},\n "records": [\n  {lines}\n ]\n}}\n')


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Produce the shop example's order flow onto a Kafka broker "
        "(see the top of this file for what is written, and when).",
    )
    parser.add_argument(
        "--bootstrap", required=True, metavar="HOST:PORT", help="the broker"
    )
    parser.add_argument(
        "--registry",
        required=True,
        metavar="URL",
        help="the schema registry holding the shop's schemas",
    )
    parser.add_argument(
        "--orders",
        type=int,
        default=10,
        metavar="N",
        help="orders to place (default 10)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, metavar="S", help="payload seed (default 1)"
    )
    parser.add_argument(
        "--start-ms",
        type=int,
        metavar="T",
        help="timestamp of the first order, in ms since the epoch "
        "(default: N * step before now, so the last order ends about now)",
    )
    parser.add_argument(
        "--step-ms",
        type=int,
        default=1000,
        metavar="MS",
        help="time between orders (default 1000)",
    )
    parser.add_argument(
        "--jitter-ms",
        type=int,
        default=0,
        metavar="J",
        help="each hop up to J ms slower (default 0)",
    )
    parser.add_argument(
        "--broken-every",
        type=int,
        metavar="K",
        help="every K-th order stops after PaymentProcessed",
    )
    parser.add_argument(
        "--undeclared-every",
        type=int,
        metavar="K",
        help="every K-th order also gets an OrderShipped right after OrderPlaced",
    )
    parser.add_argument(
        "--malformed",
        action="store_true",
        help="also write five malformed records on shop.orders",
    )
    parser.add_argument(
        "--create-topics",
        type=int,
        metavar="P",
        help="create the shop's missing topics with P partitions each",
    )
    parser.add_argument(
        "--schema-id-header",
        action="store_true",
        help="frame values by schema GUID in a __value_schema_id header (Confluent 8) "
        "instead of the schema id before the payload",
    )
    parser.add_argument(
        "--manifest", metavar="FILE", help="write what was produced, as JSON"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10,
        metavar="SECONDS",
        help="per broker or registry call (default 10)",
    )
    args = parser.parse_args(argv)
    for name in ("orders", "step_ms", "jitter_ms"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must not be negative")
    for name in ("broken_every", "undeclared_every", "create_topics"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    if args.start_ms is None:
        args.start_ms = int(time.time() * 1000) - args.orders * args.step_ms
    return args


def run(args):
    registry = Registry(args.registry, args.timeout, args.schema_id_header)
    broker = Broker(args.bootstrap, args.timeout)
    if args.create_topics:
        broker.create_topics(args.create_topics)
    partitions = broker.partitions()
    missing = [t for t in TOPICS.values() if t not in partitions]
    if missing:
        raise ProduceError(
            f"the broker at {args.bootstrap} has no topic {', '.join(missing)}: "
            "create them, or pass --create-topics P"
        )
    for i in range(1, args.orders + 1):
        produce_order(broker, registry, args, i)
    if args.malformed:
        produce_malformed(broker, registry, args)
    broker.flush()

    manifest = {
        "version": 1,
        "settings": {
            "orders": args.orders,
            "seed": args.seed,
            "start_ms": args.start_ms,
            "step_ms": args.step_ms,
            "jitter_ms": args.jitter_ms,
            "broken_every": args.broken_every,
            "undeclared_every": args.undeclared_every,
            "malformed": args.malformed,
            "schema_id_header": args.schema_id_header,
        },
        "offsets_ms": {**OFFSETS_MS, "undeclared": UNDECLARED_OFFSET_MS},
        "topics": {t: partitions[t] for t in TOPICS.values()},
        "schema_ids": registry.schema_ids,
        "schema_guids": registry.schema_guids,
        "records": broker.records,
    }
    if args.manifest:
        write_manifest(manifest, args.manifest)
    kinds = {}
    for record in broker.records:
        kinds[record["kind"]] = kinds.get(record["kind"], 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    print(f"produced {len(broker.records)} records to {args.bootstrap} ({summary})")


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except ProduceError as failure:
        print(f"produce.py: error: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
