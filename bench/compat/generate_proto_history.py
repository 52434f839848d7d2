#!/usr/bin/env python3
"""Writes a long Protobuf subject history for the compatibility benchmark.

Version 1 is a message of FIELDS fields of mixed kinds: scalars, repeated nested messages,
maps, enums, oneofs, a message imported from another file and a well-known type. Each later
version adds one field, the evolution most subjects see, so every version is compatible with
every other and a FULL_TRANSITIVE check compares the newest with all earlier ones in both
directions: the worst case.

Each version is a directory `vNNN/` holding `event.proto` and the file it imports
(`common/money.proto`), so both `contrail compat` (imports next to the file) and `buf breaking`
(a directory is a module) read it as it is.

usage: generate_proto_history.py OUT_DIR [VERSIONS=200] [FIELDS=150]
"""

import sys
from pathlib import Path

MONEY = """syntax = "proto3";
package bench.common;

message Money {
  string currency = 1;
  int64 amount_minor = 2;
}
"""


def body(fields: int) -> tuple[list[str], list[str], int]:
    """The message's lines and its nested types' lines for FIELDS fields, and the next number."""
    lines, nested = [], []
    number = 1
    for i in range(fields):
        kind = i % 8
        name = f"field_{i:03d}"
        if kind == 0:
            lines.append(f"  string {name} = {number};")
        elif kind == 1:
            lines.append(f"  int64 {name} = {number};")
        elif kind == 2:
            nested.append(f"  message Item{i} {{\n    string sku = 1;\n    int32 quantity = 2;\n  }}")
            lines.append(f"  repeated Item{i} {name} = {number};")
        elif kind == 3:
            lines.append(f"  map<string, int32> {name} = {number};")
        elif kind == 4:
            nested.append(
                f"  enum Status{i} {{\n    STATUS{i}_UNSPECIFIED = 0;\n"
                f"    STATUS{i}_OPEN = 1;\n    STATUS{i}_CLOSED = 2;\n  }}"
            )
            lines.append(f"  Status{i} {name} = {number};")
        elif kind == 5:
            lines.append(f"  bench.common.Money {name} = {number};")
        elif kind == 6:
            lines.append(f"  google.protobuf.Timestamp {name} = {number};")
        else:
            lines.append(
                f"  oneof choice_{i:03d} {{\n    string {name}_text = {number};\n"
                f"    int32 {name}_code = {number + 1};\n  }}"
            )
            number += 1
        number += 1
    return lines, nested, number


def version(fields: int, added: int) -> str:
    lines, nested, number = body(fields)
    for extra in range(added):
        lines.append(f"  optional string extra_{extra:03d} = {number + extra};")
    return (
        'syntax = "proto3";\npackage bench.events.v1;\n\n'
        'import "common/money.proto";\nimport "google/protobuf/timestamp.proto";\n\n'
        "message Event {\n" + "\n".join(lines) + "\n\n" + "\n".join(nested) + "\n}\n"
    )


def main() -> None:
    out = Path(sys.argv[1])
    versions = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    fields = int(sys.argv[3]) if len(sys.argv) > 3 else 150
    for v in range(1, versions + 1):
        directory = out / f"v{v:03d}"
        (directory / "common").mkdir(parents=True, exist_ok=True)
        (directory / "common" / "money.proto").write_text(MONEY)
        (directory / "event.proto").write_text(version(fields, v - 1))


if __name__ == "__main__":
    main()
