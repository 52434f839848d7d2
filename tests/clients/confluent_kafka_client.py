#!/usr/bin/env python3
"""Drives contrail's schema registry with Confluent's own Python client, unchanged.

Usage: confluent_kafka_client.py REGISTRY_URL

Uses confluent-kafka's SchemaRegistryClient and its Avro, JSON Schema and Protobuf serializers
exactly as an application would (no broker is needed: the serializers only talk to the registry).
Expects a registry without subjects named `py-*` or `py/*`. Prints one line per check and exits
1 with a message naming the first mismatch, so a failure reads as the step that broke.
"""

import json
import sys
import traceback

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

from orders import ORDER_V1, ORDER_V2, ORDER_V3_INCOMPATIBLE

REGISTRY_URL = None

SHIPMENT_JSON = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Shipment",
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "weight_grams": {"type": "integer"},
        "express": {"type": "boolean"},
    },
    "required": ["id", "weight_grams"],
}


class Mismatch(Exception):
    """A client saw something other than what Confluent's registry would answer."""


def check(condition, what):
    if not condition:
        raise Mismatch(what)
    print(f"ok: {what.split(':')[0]}")


def expect_registry_error(action, http_status, error_codes, what):
    """Runs `action`, which must fail with SchemaRegistryError carrying one of `error_codes`."""
    try:
        action()
    except SchemaRegistryError as error:
        check(
            error.http_status_code == http_status and error.error_code in error_codes,
            f"{what}: expected HTTP {http_status} with error_code in {error_codes}, got {error!r}",
        )
        return error
    raise Mismatch(f"{what}: expected SchemaRegistryError {error_codes}, the call succeeded")


def registry_client_calls(client):
    subject = "py-client-value"
    v1 = Schema(json.dumps(ORDER_V1), "AVRO")
    schema_id = client.register_schema(subject, v1)
    check(isinstance(schema_id, int) and schema_id > 0, f"register_schema: id {schema_id!r}")
    again = client.register_schema(subject, Schema(json.dumps(ORDER_V1, indent=2), "AVRO"))
    check(again == schema_id, f"register_schema is idempotent: {again} != {schema_id}")

    fetched = client.get_schema(schema_id)
    check(
        fetched.schema_type == "AVRO" and json.loads(fetched.schema_str) == ORDER_V1,
        f"get_schema: {fetched.schema_type} {fetched.schema_str}",
    )
    latest = client.get_latest_version(subject)
    check(
        (latest.subject, latest.version, latest.schema_id) == (subject, 1, schema_id),
        f"get_latest_version: {latest.subject} v{latest.version} id {latest.schema_id}",
    )
    versions = client.get_versions(subject)
    check(versions == [1], f"get_versions: {versions}")
    found = client.lookup_schema(subject, v1)
    check(
        (found.schema_id, found.version) == (schema_id, 1),
        f"lookup_schema: id {found.schema_id} v{found.version}",
    )
    expect_registry_error(
        lambda: client.lookup_schema(subject, Schema(json.dumps(ORDER_V2), "AVRO")),
        404,
        (40403,),
        "lookup_schema of an unregistered schema",
    )
    expect_registry_error(
        lambda: client.get_schema(schema_id + 1000), 404, (40403,), "get_schema of an unknown id"
    )

    client.set_compatibility(subject_name=subject, level="backward")
    level = client.get_compatibility(subject)
    check(level == "BACKWARD", f"set/get_compatibility of the subject: {level}")
    incompatible = Schema(json.dumps(ORDER_V3_INCOMPATIBLE), "AVRO")
    verdict = client.test_compatibility(subject, incompatible)
    check(verdict is False, f"test_compatibility of an incompatible schema: {verdict}")
    verdict = client.test_compatibility(subject, Schema(json.dumps(ORDER_V2), "AVRO"))
    check(verdict is True, f"test_compatibility of a compatible schema: {verdict}")
    error = expect_registry_error(
        lambda: client.register_schema(subject, incompatible),
        409,
        (409, 40901),
        "register_schema of an incompatible schema",
    )
    check(
        "customer" in error.error_message,
        f"the incompatibility names the field: {error.error_message}",
    )

    global_level = client.get_compatibility()
    check(global_level == "BACKWARD", f"global compatibility defaults to BACKWARD: {global_level}")

    deleted = client.delete_subject(subject)
    check(deleted == [1], f"delete_subject: {deleted}")
    expect_registry_error(
        lambda: client.get_versions(subject), 404, (40401,), "get_versions after delete_subject"
    )
    deleted = client.delete_subject(subject, permanent=True)
    check(deleted == [1], f"delete_subject permanent: {deleted}")


def confluent_header(data):
    """The schema id of Confluent's wire format: magic byte 0, then a big-endian 4-byte id."""
    if len(data) < 5 or data[0] != 0:
        raise Mismatch(f"not Confluent's wire format: {data[:8]!r}")
    return int.from_bytes(data[1:5], "big")


def avro_round_trip(client):
    topic = "py-orders"
    ctx = SerializationContext(topic, MessageField.VALUE)
    subject = f"{topic}-value"
    serializer = AvroSerializer(client, json.dumps(ORDER_V1), conf={"auto.register.schemas": True})
    deserializer = AvroDeserializer(client)
    records = [
        {"id": "o-1", "amount_cents": 1999},
        {"id": "o-2", "amount_cents": 0},
        {"id": "ö-ünïcode", "amount_cents": -(2**62)},
    ]
    encoded = [serializer(record, ctx) for record in records]
    v1_id = client.get_latest_version(subject).schema_id
    ids = {confluent_header(data) for data in encoded}
    check(ids == {v1_id}, f"Avro bytes carry the registered id {v1_id}: {ids}")
    decoded = [deserializer(data, ctx) for data in encoded]
    check(decoded == records, f"Avro round trip: {decoded}")

    # Evolution: the v2 writer registers v2; a reader holding v1 still reads its bytes.
    writer_v2 = AvroSerializer(client, json.dumps(ORDER_V2), conf={"auto.register.schemas": True})
    v2_record = {"id": "o-3", "amount_cents": 5, "currency": "CHF"}
    v2_bytes = writer_v2(v2_record, ctx)
    # lookup_schema, not get_latest_version: the client caches the latest version per subject.
    v2 = client.lookup_schema(subject, Schema(json.dumps(ORDER_V2), "AVRO"))
    check(
        v2.version == 2 and confluent_header(v2_bytes) == v2.schema_id != v1_id,
        f"a compatible v2 is registered as version 2: v{v2.version} id {v2.schema_id}",
    )
    v1_reader = AvroDeserializer(client, json.dumps(ORDER_V1))
    read = v1_reader(v2_bytes, ctx)
    check(read == {"id": "o-3", "amount_cents": 5}, f"a v1 reader reads v2 bytes: {read}")
    check(deserializer(v2_bytes, ctx) == v2_record, "the writer's schema reads v2 bytes")

    writer_v3 = AvroSerializer(
        client, json.dumps(ORDER_V3_INCOMPATIBLE), conf={"auto.register.schemas": True}
    )
    error = expect_registry_error(
        lambda: writer_v3({**v2_record, "customer": "c-1"}, ctx),
        409,
        (409, 40901),
        "auto-registering an incompatible v3 through AvroSerializer",
    )
    check(
        "READER_FIELD_MISSING_DEFAULT_VALUE" in error.error_message,
        f"the refusal explains itself: {error.error_message}",
    )
    versions = client.get_versions(subject)
    check(versions == [1, 2], f"the refused schema left no version: {versions}")


def json_round_trip(client):
    topic = "py-shipments"
    ctx = SerializationContext(topic, MessageField.VALUE)
    schema = json.dumps(SHIPMENT_JSON)
    serializer = JSONSerializer(schema, client, conf={"auto.register.schemas": True})
    deserializer = JSONDeserializer(schema, schema_registry_client=client)
    records = [
        {"id": "s-1", "weight_grams": 1200, "express": True},
        {"id": "s-2", "weight_grams": 5},
    ]
    encoded = [serializer(record, ctx) for record in records]
    latest = client.get_latest_version(f"{topic}-value")
    check(
        latest.schema.schema_type == "JSON"
        and {confluent_header(data) for data in encoded} == {latest.schema_id},
        f"JSON bytes carry the registered id: {latest.schema_id} {latest.schema.schema_type}",
    )
    decoded = [deserializer(data, ctx) for data in encoded]
    check(decoded == records, f"JSON Schema round trip: {decoded}")
    try:
        serializer({"id": "s-3"}, ctx)
    except Exception as error:  # the client raises SerializationError wrapping ValidationError
        check("weight_grams" in str(error), f"an invalid record is refused by the client: {error}")
    else:
        raise Mismatch("a record without a required property was serialized")


def parcel_message_class(weight_type=None, extra_field=False, pool=None):
    """A Protobuf message class built at run time (no protoc needed), as generated code would
    define it: py/parcel.proto imports a well-known type and another file of its own.
    `weight_type` and `extra_field` give later versions of the same file, built in their own
    descriptor pool."""
    field = descriptor_pb2.FieldDescriptorProto
    optional = field.LABEL_OPTIONAL
    money = descriptor_pb2.FileDescriptorProto(
        name="py/money.proto", package="py.shop", syntax="proto3"
    )
    money_message = money.message_type.add(name="Money")
    money_message.field.add(name="currency", number=1, type=field.TYPE_STRING, label=optional)
    money_message.field.add(name="cents", number=2, type=field.TYPE_INT64, label=optional)

    parcel = descriptor_pb2.FileDescriptorProto(
        name="py/parcel.proto", package="py.shop", syntax="proto3"
    )
    parcel.dependency.extend(["google/protobuf/timestamp.proto", "py/money.proto"])
    message = parcel.message_type.add(name="Parcel")
    message.field.add(name="id", number=1, type=field.TYPE_STRING, label=optional)
    message.field.add(
        name="weight_grams", number=2, type=weight_type or field.TYPE_INT64, label=optional
    )
    message.field.add(
        name="shipped_at",
        number=3,
        type=field.TYPE_MESSAGE,
        type_name=".google.protobuf.Timestamp",
        label=optional,
    )
    message.field.add(
        name="postage",
        number=4,
        type=field.TYPE_MESSAGE,
        type_name=".py.shop.Money",
        label=optional,
    )
    if extra_field:
        message.field.add(name="fragile", number=5, type=field.TYPE_BOOL, label=optional)
    if pool is None:
        pool = descriptor_pool.Default()
    else:
        # A fresh pool holds no well-known types; generated code would have imported it.
        timestamp = descriptor_pb2.FileDescriptorProto()
        timestamp_pb2.DESCRIPTOR.CopyToProto(timestamp)
        pool.Add(timestamp)
    pool.Add(money)
    pool.Add(parcel)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("py.shop.Parcel"))


def protobuf_round_trip(client):
    topic = "py-parcels"
    ctx = SerializationContext(topic, MessageField.VALUE)
    parcel = parcel_message_class()
    conf = {"auto.register.schemas": True, "use.deprecated.format": False}
    serializer = ProtobufSerializer(parcel, client, conf)
    deserializer = ProtobufDeserializer(parcel, {"use.deprecated.format": False}, client)
    messages = [parcel(id="p-1", weight_grams=1200), parcel(id="p-2")]
    messages[1].shipped_at.FromSeconds(1_700_000_000)
    messages[1].postage.currency = "EUR"
    messages[1].postage.cents = 450
    encoded = [serializer(message, ctx) for message in messages]
    latest = client.get_latest_version(f"{topic}-value")
    check(
        latest.schema.schema_type == "PROTOBUF"
        and {confluent_header(data) for data in encoded} == {latest.schema_id},
        f"Protobuf bytes carry the registered id: {latest.schema_id} {latest.schema.schema_type}",
    )
    # The imported file of our own was registered first, under its file name, and referenced;
    # the well-known type was not (skip.known.types).
    references = [(r.name, r.subject, r.version) for r in latest.schema.references]
    check(
        references == [("py/money.proto", "py/money.proto", 1)],
        f"the import is registered and referenced: {references}",
    )
    decoded = [deserializer(data, ctx) for data in encoded]
    check(decoded == messages, f"Protobuf round trip: {decoded}")


PARCEL_PROTO = """syntax = "proto3";
package py.shop;

import "google/protobuf/timestamp.proto";
import "py/money.proto";

// The same file the serializer registered as a base64 FileDescriptorProto, as text.
message Parcel {
  string id = 1;
  int64 weight_grams = 2;
  google.protobuf.Timestamp shipped_at = 3;
  Money postage = 4;
}
"""

NOTE_PROTO = """syntax = "proto3";
package py.notes;

message Note {
  string text = 1;
  map<string, int32> counts = 2;
  oneof kind {
    string author = 3;
    bool anonymous = 4;
  }
}
"""


def note_message_class():
    """The message NOTE_PROTO defines, built at run time as generated code would define it."""
    field = descriptor_pb2.FieldDescriptorProto
    optional = field.LABEL_OPTIONAL
    notes = descriptor_pb2.FileDescriptorProto(
        name="py/notes.proto", package="py.notes", syntax="proto3"
    )
    note = notes.message_type.add(name="Note")
    note.field.add(name="text", number=1, type=field.TYPE_STRING, label=optional)
    note.field.add(
        name="counts",
        number=2,
        type=field.TYPE_MESSAGE,
        type_name=".py.notes.Note.CountsEntry",
        label=field.LABEL_REPEATED,
    )
    note.oneof_decl.add(name="kind")
    note.field.add(name="author", number=3, type=field.TYPE_STRING, label=optional, oneof_index=0)
    note.field.add(name="anonymous", number=4, type=field.TYPE_BOOL, label=optional, oneof_index=0)
    entry = note.nested_type.add(name="CountsEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=field.TYPE_STRING, label=optional)
    entry.field.add(name="value", number=2, type=field.TYPE_INT32, label=optional)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(notes)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("py.notes.Note"))


def protobuf_text_form(client):
    """What the registry stores for a base64 registration (Confluent's .proto text), the same
    file sent as text, and data whose schema was registered as text read by the Python
    ProtobufDeserializer (which asks for the writer's schema with format=serialized)."""
    subject = "py-parcels-value"
    # A fresh client: this one cached the registrations' answers (the base64 it sent) by id.
    reader = SchemaRegistryClient({"url": REGISTRY_URL})
    registered = reader.get_version(subject, 1)
    text = registered.schema.schema_str
    check(
        text.startswith('syntax = "proto3";\npackage py.shop;\n')
        and "  .py.shop.Money postage = 4;\n" in text,
        f"a base64 registration is stored as .proto text: {text!r}",
    )
    references = registered.schema.references
    same = client.register_schema(subject, Schema(PARCEL_PROTO, "PROTOBUF", references))
    check(
        same == registered.schema_id,
        f"the same file sent as text gets the same id: {same} != {registered.schema_id}",
    )
    money = reader.get_version("py/money.proto", 1).schema.schema_str
    check("message Money {" in money, f"the imported file is stored as text: {money!r}")

    # A schema registered as text (as `contrail registry push` and Java clients send it).
    notes_subject = "py-notes-value"
    note_id = client.register_schema(notes_subject, Schema(NOTE_PROTO, "PROTOBUF"))
    note = note_message_class()
    message = note(text="hello", counts={"a": 1, "b": 2}, author="ann")
    # Confluent's framing: magic byte, schema id, message indexes ([0]: the first message).
    data = bytes([0]) + note_id.to_bytes(4, "big") + bytes([0]) + message.SerializeToString()
    ctx = SerializationContext("py-notes", MessageField.VALUE)
    # A consumer has its own client: `client` cached the registration's answer (the text) by id.
    reader = SchemaRegistryClient({"url": REGISTRY_URL})
    deserializer = ProtobufDeserializer(note, {"use.deprecated.format": False}, reader)
    read = deserializer(data, ctx)
    check(read == message, f"ProtobufDeserializer reads data of a text schema: {read}")
    # And the serializer of the same message finds the text registration (lookup, no new id).
    serializer = ProtobufSerializer(
        note, client, {"auto.register.schemas": False, "use.latest.version": False}
    )
    framed = serializer(message, ctx)
    check(
        confluent_header(framed) == note_id,
        f"ProtobufSerializer finds the text registration: {confluent_header(framed)} != {note_id}",
    )


def protobuf_evolution(client):
    """Later versions of py/parcel.proto registered by the serializer (auto.register): the
    registry checks them as Confluent does (BACKWARD, the default)."""
    topic = "py-parcels"
    ctx = SerializationContext(topic, MessageField.VALUE)
    conf = {"auto.register.schemas": True, "use.deprecated.format": False}
    subject = f"{topic}-value"
    # get_versions, not get_latest_version: the client caches the latest version per subject.
    before = client.get_versions(subject)[-1]

    # int64 -> string changes the field's wire type: FIELD_SCALAR_KIND_CHANGED, refused.
    string_weight = parcel_message_class(
        weight_type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
        pool=descriptor_pool.DescriptorPool(),
    )
    serializer = ProtobufSerializer(string_weight, client, conf)
    try:
        serializer(string_weight(id="p-3", weight_grams="heavy"), ctx)
    except Exception as error:  # the serializer wraps the registry's refusal
        cause = error if isinstance(error, SchemaRegistryError) else error.__cause__ or error
        text = str(cause)
        check(
            "409" in text or getattr(cause, "http_status_code", None) == 409,
            f"an incompatible Protobuf evolution is refused with 409: {text}",
        )
        check(
            "FIELD_SCALAR_KIND_CHANGED" in text,
            f"the refusal names Confluent's rule: {text}",
        )
    else:
        raise Mismatch("an int64 -> string change of a Protobuf field was registered")
    check(client.get_versions(subject)[-1] == before, "the refused version was not stored")

    # A new field is compatible: registered as the next version.
    fragile = parcel_message_class(extra_field=True, pool=descriptor_pool.DescriptorPool())
    data = ProtobufSerializer(fragile, client, conf)(fragile(id="p-4", fragile=True), ctx)
    latest = client.get_version(subject, client.get_versions(subject)[-1])
    check(
        latest.version == before + 1 and confluent_header(data) == latest.schema_id,
        f"a compatible Protobuf evolution is registered: version {latest.version}",
    )


def context_round_trip(client):
    """A client whose URL names a context (`…/contexts/.pylinked`), as schema linking's
    destination clients are set up: it registers and reads in that context, whose ids count
    on their own, while the plain client sees the context's subjects qualified."""
    linked = SchemaRegistryClient({"url": f"{REGISTRY_URL}/contexts/.pylinked"})
    topic = "py-linked"
    ctx = SerializationContext(topic, MessageField.VALUE)
    serializer = AvroSerializer(linked, json.dumps(ORDER_V2), conf={"auto.register.schemas": True})
    record = {"id": "o-9", "amount_cents": 7, "currency": "EUR"}
    data = serializer(record, ctx)
    check(confluent_header(data) == 1, f"the context's first schema is id 1: {data[:5]!r}")
    read = AvroDeserializer(linked)(data, ctx)
    check(read == record, f"a reader in the context reads it: {read}")
    check(
        json.loads(client.get_schema(1).schema_str) != ORDER_V2,
        "the default context's id 1 is another schema",
    )
    qualified = ":.pylinked:py-linked-value"
    latest = client.get_latest_version(qualified)
    check(
        (latest.subject, latest.schema_id) == (qualified, 1),
        f"the plain client sees {qualified}: {latest.subject} id {latest.schema_id}",
    )
    by_subject = client.get_schema(1, subject_name=qualified)
    check(
        json.loads(by_subject.schema_str) == ORDER_V2,
        "get_schema with the qualified subject reads the context's id",
    )
    contexts = client.get_contexts()
    check(contexts == [".", ".pylinked"], f"get_contexts: {contexts}")
    check(qualified in client.get_subjects(), "get_subjects lists every context")


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    global REGISTRY_URL
    REGISTRY_URL = argv[1]
    client = SchemaRegistryClient({"url": argv[1]})
    steps = [
        registry_client_calls,
        avro_round_trip,
        json_round_trip,
        protobuf_round_trip,
        protobuf_text_form,
        protobuf_evolution,
        context_round_trip,
    ]
    for step in steps:
        try:
            step(client)
        except Mismatch as mismatch:
            print(f"MISMATCH in {step.__name__}: {mismatch}", file=sys.stderr)
            return 1
        except Exception:  # an unexpected client error fails the step, with its traceback
            traceback.print_exc()
            print(f"FAILED in {step.__name__} (traceback above)", file=sys.stderr)
            return 1
    print(f"all {len(steps)} client scenarios passed against {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
