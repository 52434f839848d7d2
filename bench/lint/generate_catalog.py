#!/usr/bin/env python3
"""Writes a large catalog for the lint benchmark: SERVICES services and EVENTS events (native
YAML, each event with an Avro schema of ~12 fields), every service producing a few events and
consuming a few others, with the kinds of gaps lint rules look for sprinkled in.

usage: generate_catalog.py OUT_DIR [SERVICES=2000] [EVENTS=10000]
"""

import json
import random
import sys
from pathlib import Path


def main() -> None:
    out = Path(sys.argv[1])
    services = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    events = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    rng = random.Random(42)
    (out / "events").mkdir(parents=True, exist_ok=True)
    (out / "services").mkdir(parents=True, exist_ok=True)
    (out / "schemas").mkdir(parents=True, exist_ok=True)
    (out / "contrail.yaml").write_text(
        "catalog: bench\ndefaults:\n  compatibility: BACKWARD_TRANSITIVE\n  correlation: { header: correlation-id }\n  owner: team-platform\n"
    )
    verbs = ["Placed", "Paid", "Shipped", "Cancelled", "Updated", "Created", "Deleted", "Reserved", "Refunded", "Sent"]
    names = []
    for i in range(events):
        name = f"Entity{i:05d}{verbs[i % len(verbs)]}"
        names.append(name)
        fields = [
            {"name": "eventId", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "occurredAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "entityId", "type": "string"},
        ]
        for f in range(9):
            fields.append({"name": f"field{f}", "type": ["null", "string"], "default": None} if f % 3 else {"name": f"field{f}", "type": "long"})
        schema = {"type": "record", "name": name, "namespace": "bench", "doc": "Generated.", "fields": fields}
        (out / "schemas" / f"{name}.avsc").write_text(json.dumps(schema))
        key = "entityId" if i % 17 else "entity_id"  # some keys that miss the payload
        (out / "events" / f"{name}.yaml").write_text(
            f"event: {name}\nkind: domain\ntopic: bench.entity{i % 500}.v1\nkey: {key}\nschema: ../schemas/{name}.avsc\n"
        )
    for s in range(services):
        produced = [names[(s * 5 + k) % events] for k in range(5)]
        consumed = [names[rng.randrange(events)] for _ in range(3)]
        lines = [f"service: service{s:04d}", "produces:"] + [f"  - {e}" for e in produced] + ["consumes:"]
        for e in consumed:
            lines += [f"  - event: {e}", f"    group: service{s:04d}", "    reads: [entityId, field1]"]
            if s % 7:
                lines += ["    idempotency: { key: eventId }", "    retry: { max: 5, backoff: exponential }", f"    dead-letter: bench.service{s:04d}.dlq"]
        (out / "services" / f"service{s:04d}.yaml").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
