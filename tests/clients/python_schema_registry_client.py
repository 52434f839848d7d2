#!/usr/bin/env python3
"""Drives contrail's schema registry with python-schema-registry-client, unchanged.

Usage: python_schema_registry_client.py REGISTRY_URL

The community client (PyPI `python-schema-registry-client`, used by Faust and many FastAPI
services) in both of its forms, `SchemaRegistryClient` and `AsyncSchemaRegistryClient`, as an
application calls them: register, get by id, versions, global and per-subject compatibility,
test compatibility, delete. Its global compatibility calls go to `config/` with an empty
subject, which is why a registry must treat `/config/` as `/config`. Expects a registry
without subjects named `psrc-*`; the sync run uses `psrc-sync-*`, the async one
`psrc-async-*`. Prints one line per step and exits 1 naming the first mismatch.
"""

import asyncio
import sys
import traceback

from schema_registry.client import AsyncSchemaRegistryClient, SchemaRegistryClient, schema

from orders import ORDER_V1, ORDER_V2, ORDER_V3_INCOMPATIBLE

CUSTOMER_JSON = {
    "type": "object",
    "properties": {"id": {"type": "string"}},
    "required": ["id"],
}


class Mismatch(Exception):
    pass


def expect(what, actual, expected):
    if actual != expected:
        raise Mismatch(f"{what}: expected {expected!r}, got {actual!r}")
    print(f"ok   {what}")


class Sync:
    """The same calls on either client: the async one's are awaited."""

    def __init__(self, client):
        self.client = client

    async def __call__(self, name, *args, **kwargs):
        return getattr(self.client, name)(*args, **kwargs)


class Async:
    def __init__(self, client):
        self.client = client

    async def __call__(self, name, *args, **kwargs):
        return await getattr(self.client, name)(*args, **kwargs)


async def scenario(call, prefix):
    orders, customers = f"{prefix}-orders", f"{prefix}-customers"

    # Global compatibility: read, change, read back, restore.
    expect(f"{prefix}: global compatibility", await call("get_compatibility"), "BACKWARD")
    expect(f"{prefix}: set global FULL", await call("update_compatibility", "FULL"), True)
    expect(f"{prefix}: global is FULL", await call("get_compatibility"), "FULL")
    expect(f"{prefix}: set global BACKWARD", await call("update_compatibility", "BACKWARD"), True)

    # Register and read back by id and by version.
    v1 = schema.AvroSchema(ORDER_V1)
    id1 = await call("register", orders, v1)
    expect(f"{prefix}: registering again gives the same id", await call("register", orders, v1), id1)
    by_id = await call("get_by_id", id1)
    expect(f"{prefix}: get_by_id gives the schema", by_id.raw_schema, v1.raw_schema)
    latest = await call("get_schema", orders)
    expect(f"{prefix}: latest version", (latest.schema_id, latest.version), (id1, 1))
    found = await call("check_version", orders, v1)
    expect(f"{prefix}: check_version finds it", (found.schema_id, found.version), (id1, 1))

    # Compatibility of the next versions against the latest.
    v2, v3 = schema.AvroSchema(ORDER_V2), schema.AvroSchema(ORDER_V3_INCOMPATIBLE)
    expect(f"{prefix}: v2 is compatible", await call("test_compatibility", orders, v2), True)
    id2 = await call("register", orders, v2)
    expect(f"{prefix}: versions", await call("get_versions", orders), [1, 2])
    expect(f"{prefix}: v3 is not compatible", await call("test_compatibility", orders, v3), False)
    verbose = await call("test_compatibility", orders, v3, verbose=True)
    expect(f"{prefix}: verbose says why", verbose["is_compatible"], False)
    if not any("customer" in message for message in verbose.get("messages", [])):
        raise Mismatch(f"{prefix}: the verbose answer names no field: {verbose}")

    # Per-subject compatibility overrides the global level.
    expect(f"{prefix}: set subject NONE", await call("update_compatibility", "NONE", orders), True)
    expect(f"{prefix}: subject is NONE", await call("get_compatibility", orders), "NONE")
    expect(f"{prefix}: v3 passes under NONE", await call("test_compatibility", orders, v3), True)

    # JSON Schema, and where an id is used.
    customer = schema.JsonSchema(CUSTOMER_JSON)
    id_json = await call("register", customers, customer, schema_type="JSON")
    used = await call("get_schema_subject_versions", id_json)
    # One id per schema: the other run's subject of the same schema shares it.
    expect(
        f"{prefix}: the JSON schema's subject versions",
        [(u.subject, u.version) for u in used if u.subject.startswith(prefix)],
        [(customers, 1)],
    )
    subjects = await call("get_subjects")
    expect(
        f"{prefix}: subjects",
        sorted(s for s in subjects if s.startswith(prefix)),
        [customers, orders],
    )

    # Deletes: one version, then the subject.
    expect(f"{prefix}: delete version 2", await call("delete_version", orders, 2), 2)
    expect(f"{prefix}: versions after the delete", await call("get_versions", orders), [1])
    expect(f"{prefix}: delete the subject", await call("delete_subject", orders), [1])
    expect(f"{prefix}: the subject is gone", await call("get_versions", orders), [])
    if id2 == id1:
        raise Mismatch(f"{prefix}: v2 got v1's id")


def main():
    url = sys.argv[1]
    try:
        asyncio.run(scenario(Sync(SchemaRegistryClient(url)), "psrc-sync"))
        asyncio.run(scenario(Async(AsyncSchemaRegistryClient(url)), "psrc-async"))
    except Mismatch as mismatch:
        print(f"FAIL {mismatch}")
        return 1
    except Exception:  # the client's own errors: show where it broke
        traceback.print_exc()
        return 1
    print("all 2 client scenarios passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
