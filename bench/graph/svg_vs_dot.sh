#!/usr/bin/env bash
# `contrail graph --format svg` (contrail's own layout) against `contrail graph --format dot |
# dot -Tsvg` (Graphviz) on the same ~200-node focus graph: the neighbourhood of service0003 at
# depth 4 in a generated catalog of 100 services and 300 events (192 nodes).
#
# usage: bench/graph/svg_vs_dot.sh
# env:   CONTRAIL=path/to/contrail (skip the build), OUT=dir for the catalog (default /tmp),
#        RUNS=hyperfine runs (default 20)
# needs: python3, hyperfine, Graphviz's dot
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-/tmp}"
runs="${RUNS:-20}"

if [[ -z "${CONTRAIL:-}" ]]; then
  cargo build --release --quiet -p contrail
  CONTRAIL="${CARGO_TARGET_DIR:-target}/release/contrail"
fi

catalog="$out/contrail-graphbench-100-300"
if [[ ! -f "$catalog/contrail.yaml" ]]; then
  python3 bench/lint/generate_catalog.py "$catalog" 100 300 >&2
fi
focus=(--focus service0003 --depth 4)
nodes=$("$CONTRAIL" graph "$catalog" "${focus[@]}" --format json 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["nodes"]), "nodes,", len(d["edges"]), "edges")')
echo "focus graph: $nodes"
echo "dot: $(dot -V 2>&1)"

# The catalog has findings (it is made for the lint benchmark); graph notes them on stderr.
hyperfine --warmup 2 --runs "$runs" -N \
  -n "contrail --format svg" "$CONTRAIL graph $catalog ${focus[*]} --format svg" \
  -n "contrail --layout dot" "$CONTRAIL graph $catalog ${focus[*]} --format svg --layout dot"
hyperfine --warmup 2 --runs "$runs" \
  -n "contrail --format dot | dot -Tsvg" "$CONTRAIL graph $catalog ${focus[*]} --format dot 2>/dev/null | dot -Tsvg >/dev/null"
