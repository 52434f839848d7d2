#!/usr/bin/env bash
# Compatibility benchmark: `contrail compat` against the Apache Avro Python checker on a long
# subject history (FULL_TRANSITIVE of version 200 against 199 earlier versions of a 150-field
# record), whole processes, measured in the same run with hyperfine.
#
# usage: bench/compat/run.sh [VERSIONS=200] [FIELDS=150]
# needs: hyperfine (apt-get install hyperfine), python3 with `avro` (scripts/requirements-test.txt)
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSIONS="${1:-200}"
FIELDS="${2:-150}"
PYTHON="${CONTRAIL_PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet -p contrail
"$PYTHON" bench/compat/generate_history.py "$work" "$VERSIONS" "$FIELDS"
new="$work/v$(printf %03d "$VERSIONS").avsc"
olds=$(ls "$work"/v*.avsc | grep -v "$new" | tr '\n' ' ')

# Both must agree before timing means anything.
./target/release/contrail compat --mode FULL_TRANSITIVE "$new" $olds | tail -1
"$PYTHON" bench/compat/python_compat.py FULL_TRANSITIVE "$new" $olds

hyperfine --warmup 2 --runs "${RUNS:-10}" --export-markdown "$work/result.md" \
  -n contrail "./target/release/contrail compat --format json --mode FULL_TRANSITIVE $new $olds" \
  -n python-avro "$PYTHON bench/compat/python_compat.py FULL_TRANSITIVE $new $olds"
cat "$work/result.md"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); python-avro $("$PYTHON" -c 'import importlib.metadata as m; print(m.version("avro"))')"
