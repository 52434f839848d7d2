#!/usr/bin/env bash
# `contrail graph` (JSON, DOT, impact of an event and of one of its fields) and `contrail docs`
# on the generated catalog of SERVICES services and EVENTS events (bench/lint/generate_catalog.py,
# the lint benchmark's catalog), whole processes: loading the catalog is part of every figure.
#
# usage: bench/graph/large.sh [SERVICES=2000] [EVENTS=10000]
# env:   CONTRAIL=path/to/contrail (skip the build), OUT=dir for the catalog and the site
#        (default /tmp), RUNS=hyperfine runs (default 10)
# needs: python3, hyperfine
set -euo pipefail
cd "$(dirname "$0")/../.."
services="${1:-2000}"
events="${2:-10000}"
out="${OUT:-/tmp}"
runs="${RUNS:-10}"

if [[ -z "${CONTRAIL:-}" ]]; then
  cargo build --release --quiet -p contrail
  CONTRAIL="${CARGO_TARGET_DIR:-target}/release/contrail"
fi

catalog="$out/contrail-lintbench-$services-$events"
if [[ ! -f "$catalog/contrail.yaml" ]]; then
  python3 bench/lint/generate_catalog.py "$catalog" "$services" "$events" >&2
fi
site="$out/contrail-docsbench-$services-$events"
# An event two services consume whose downstream is every other service (1,998 transitive,
# 4,514 events on the paths in the 2,000/10,000 catalog): the longest walk impact makes.
# `entityId` is a field every consumer reads.
event=Entity02848Refunded
"$CONTRAIL" graph "$catalog" --impact "$event" --format json 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print("impact of", d["event"], ":", len(d["direct"]), "direct,", len(d["transitive"]), "transitive,", len(d["events"]), "events")' || true
"$CONTRAIL" graph "$catalog" --format json 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print("graph:", len(d["nodes"]), "nodes,", len(d["edges"]), "edges")'

# The catalog has findings (it is made for the lint benchmark); graph notes them on stderr.
hyperfine --warmup 1 --runs "$runs" -N -i \
  -n "graph --format json" "$CONTRAIL graph $catalog --format json" \
  -n "graph --format dot" "$CONTRAIL graph $catalog --format dot" \
  -n "graph --impact EVENT" "$CONTRAIL graph $catalog --impact $event" \
  -n "graph --impact EVENT.entityId" "$CONTRAIL graph $catalog --impact $event.entityId" \
  -n "docs --history 0" "$CONTRAIL docs $catalog --out $site --history 0"
echo "site: $(find "$site" -type f | wc -l) files, $(du -sh "$site" | cut -f1)"
echo "version: $("$CONTRAIL" --version)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
