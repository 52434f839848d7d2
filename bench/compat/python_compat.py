#!/usr/bin/env python3
"""The Python reference for the compatibility benchmark: the same job as
`contrail compat --mode MODE NEW OLD...`, with the Apache Avro package's checker (a port of
Java's SchemaCompatibility). Exits 0 when compatible, 1 when not.

usage: python_compat.py MODE NEW OLD...
"""

import sys

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType


def compatible(reader, writer) -> bool:
    result = ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
    return result.compatibility is SchemaCompatibilityType.compatible


def main() -> int:
    mode, new_path, *old_paths = sys.argv[1:]
    parse = lambda p: avro.schema.parse(open(p).read())  # noqa: E731
    new = parse(new_path)
    olds = [parse(p) for p in old_paths]
    if not mode.endswith("_TRANSITIVE"):
        olds = olds[-1:]
    backward = mode.startswith(("BACKWARD", "FULL"))
    forward = mode.startswith(("FORWARD", "FULL"))
    ok = True
    for old in olds:
        if backward and not compatible(new, old):
            ok = False
        if forward and not compatible(old, new):
            ok = False
    print("compatible" if ok else "NOT compatible")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
