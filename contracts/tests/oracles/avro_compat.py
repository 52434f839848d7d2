"""Reference verdicts for contrail's Avro compatibility differential test.

Reads JSON lines {"reader": schema, "writer": schema} on stdin and writes one line per pair:
"1" (compatible), "0" (incompatible) or "E <message>" (the pair could not be checked), using
the Apache Avro Python package's ReaderWriterCompatibilityChecker, a port of Java Avro's
SchemaCompatibility.
"""

import json
import sys

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType


def main() -> None:
    out = []
    for line in sys.stdin:
        if not line.strip():
            continue
        pair = json.loads(line)
        try:
            reader = avro.schema.parse(json.dumps(pair["reader"]))
            writer = avro.schema.parse(json.dumps(pair["writer"]))
            result = ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
            out.append("1" if result.compatibility is SchemaCompatibilityType.compatible else "0")
        except Exception as error:  # noqa: BLE001 - any failure is reported, not fatal
            out.append("E " + str(error).replace("\n", " "))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
