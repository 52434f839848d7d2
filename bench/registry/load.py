#!/usr/bin/env python3
"""Helpers of bench/registry/run.sh, standard library only.

  load.py seed BASE WORK      registers the schema the GET benchmark fetches (id 1) and writes
                              WORK/lookup.lua, the wrk script that looks it up.
  load.py register BASE WORK  registers 100 versions of a record under FULL_TRANSITIVE, then
                              times REGISTRATIONS registrations of a new version, each checked
                              against those 100 (the new version is deleted again, untimed,
                              before the next), and prints the latencies.
"""

import json
import os
import statistics
import sys
import time
import urllib.request

MEDIA_TYPE = "application/vnd.schemaregistry.v1+json"


def request(method: str, url: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": MEDIA_TYPE})
    with urllib.request.urlopen(req) as response:
        return json.loads(response.read())


def record(name: str, fields: int, optional: int = 0) -> str:
    """A record with `fields` required fields and `optional` nullable fields with defaults:
    every version with more optional fields is FULL compatible with every earlier one."""
    body = [{"name": f"field{i:03d}", "type": ["string", "long", "double"][i % 3], "doc": f"Field {i}."} for i in range(fields)]
    body += [{"name": f"extra{i:03d}", "type": ["null", "string"], "default": None} for i in range(optional)]
    return json.dumps({"type": "record", "name": name, "namespace": "bench", "fields": body})


def seed(base: str, work: str) -> None:
    schema = record("Order", 20)
    result = request("POST", f"{base}/subjects/bench-value/versions", {"schema": schema})
    assert result["id"] == 1, result
    body = json.dumps({"schema": schema})
    with open(os.path.join(work, "lookup.lua"), "w") as lua:
        lua.write('wrk.method = "POST"\n')
        lua.write(f'wrk.headers["Content-Type"] = "{MEDIA_TYPE}"\n')
        lua.write(f"wrk.body = {json.dumps(body)}\n")


def register(base: str, work: str) -> None:
    subject = "history-value"
    existing = int(os.environ.get("VERSIONS", "100"))
    runs = int(os.environ.get("REGISTRATIONS", "30"))
    request("PUT", f"{base}/config/{subject}", {"compatibility": "FULL_TRANSITIVE"})
    for version in range(existing):
        request("POST", f"{base}/subjects/{subject}/versions", {"schema": record("History", 30, version)})
    latencies = []
    for extra in range(existing, existing + runs):
        body = {"schema": record("History", 30, extra)}
        start = time.perf_counter()
        registered = request("POST", f"{base}/subjects/{subject}/versions", body)
        latencies.append((time.perf_counter() - start) * 1000)
        # Back to exactly `existing` versions for the next one (not timed).
        version = request("POST", f"{base}/subjects/{subject}", body)["version"]
        assert registered["id"] > 0, registered
        request("DELETE", f"{base}/subjects/{subject}/versions/{version}")
        request("DELETE", f"{base}/subjects/{subject}/versions/{version}?permanent=true")
    versions = request("GET", f"{base}/subjects/{subject}/versions")
    assert len(versions) == existing, versions
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(
        f"register a new version under FULL_TRANSITIVE against {existing} earlier versions "
        f"(30-field record), {runs} registrations, client-measured: "
        f"median {statistics.median(latencies):.2f} ms, p95 {p95:.2f} ms, max {latencies[-1]:.2f} ms"
    )


def main() -> None:
    command, base, work = sys.argv[1:4]
    {"seed": seed, "register": register}[command](base.rstrip("/"), work)


if __name__ == "__main__":
    main()
