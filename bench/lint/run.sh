#!/usr/bin/env bash
# `contrail lint --format json` on a generated catalog of SERVICES services and EVENTS events:
# generates the catalog (once per size), builds contrail, then measures wall time with
# hyperfine, peak memory with GNU time and, when valgrind is installed and CALLGRIND=1,
# instructions executed on a smaller catalog (immune to other load on the machine).
#
# usage: bench/lint/run.sh [SERVICES=2000] [EVENTS=10000]
# env:   CONTRAIL=path/to/contrail (skip the build), OUT=dir for catalogs (default /tmp),
#        RUNS=hyperfine runs (default 10), CALLGRIND=1 to count instructions on 400/2000
# needs: python3, hyperfine, /usr/bin/time (GNU time); valgrind for CALLGRIND=1
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

generate() {
  local dir="$out/contrail-lintbench-$1-$2"
  if [[ ! -f "$dir/contrail.yaml" ]]; then
    python3 bench/lint/generate_catalog.py "$dir" "$1" "$2" >&2
  fi
  echo "$dir"
}

catalog=$(generate "$services" "$events")
echo "catalog: $catalog ($services services, $events events, $(find "$catalog" -type f | wc -l) files)"
echo "findings: $("$CONTRAIL" lint --format json "$catalog" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["diagnostics"]))')"

# lint exits 1 when there are findings at error severity, which this catalog has.
hyperfine --warmup 1 --runs "$runs" -i "$CONTRAIL lint --format json $catalog"

/usr/bin/time -v "$CONTRAIL" lint --format json "$catalog" 2>&1 >/dev/null |
  grep -E 'Elapsed|Maximum resident|User time|System time' || true

if [[ "${CALLGRIND:-0}" == 1 ]]; then
  small=$(generate 400 2000)
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$CONTRAIL" lint --format json "$small" \
    2>&1 >/dev/null | grep -E 'Collected' || true
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
