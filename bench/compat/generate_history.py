#!/usr/bin/env python3
"""Writes a long subject history for the compatibility benchmark.

Version 1 is a record of FIELDS fields of mixed types (nested records, arrays, maps, enums,
unions); each later version adds one optional field with a default, the evolution most
subjects see. All versions are mutually compatible, so a FULL_TRANSITIVE check has to compare
the newest version with every earlier one in both directions: the worst case.

usage: generate_history.py OUT_DIR [VERSIONS=200] [FIELDS=150]
"""

import json
import sys
from pathlib import Path


def field(i: int) -> dict:
    kind = i % 8
    name = f"field_{i:03d}"
    if kind == 0:
        return {"name": name, "type": "string", "doc": f"Field {i}."}
    if kind == 1:
        return {"name": name, "type": "long"}
    if kind == 2:
        return {"name": name, "type": ["null", "string"], "default": None}
    if kind == 3:
        return {"name": name, "type": {"type": "array", "items": {
            "type": "record", "name": f"Item{i}", "fields": [
                {"name": "sku", "type": "string"},
                {"name": "quantity", "type": "int"},
                {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
            ]}}}
    if kind == 4:
        return {"name": name, "type": {"type": "map", "values": "double"}}
    if kind == 5:
        return {"name": name, "type": {"type": "enum", "name": f"Status{i}",
                                        "symbols": ["NEW", "PAID", "SHIPPED", "CANCELLED"], "default": "NEW"}}
    if kind == 6:
        return {"name": name, "type": {"type": "record", "name": f"Address{i}", "fields": [
            {"name": "street", "type": "string"}, {"name": "city", "type": "string"},
            {"name": "zip", "type": ["null", "string"], "default": None}]}}
    return {"name": name, "type": {"type": "long", "logicalType": "timestamp-millis"}}


def main() -> None:
    out = Path(sys.argv[1])
    versions = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    fields = int(sys.argv[3]) if len(sys.argv) > 3 else 150
    out.mkdir(parents=True, exist_ok=True)
    base = [field(i) for i in range(fields)]
    for v in range(1, versions + 1):
        added = [{"name": f"added_{k:03d}", "type": ["null", "string"], "default": None} for k in range(1, v)]
        schema = {"type": "record", "name": "OrderPlaced", "namespace": "com.shop.bench", "fields": base + added}
        (out / f"v{v:03d}.avsc").write_text(json.dumps(schema, indent=2))


if __name__ == "__main__":
    main()
