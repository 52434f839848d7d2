#!/usr/bin/env bash
# Lints every AsyncAPI document of tests/corpus/asyncapi with contrail and with Spectral's
# AsyncAPI ruleset, one process per document for both tools, and prints the total time of each.
#
# usage: bench/lint/corpus.sh
# needs: node + `npm install @stoplight/spectral-cli` (SPECTRAL=path/to/spectral), a release build
set -euo pipefail
cd "$(dirname "$0")/../.."
SPECTRAL="${SPECTRAL:-spectral}"
corpus=tests/corpus/asyncapi
ruleset="$(mktemp -d)/.spectral.yaml"
echo 'extends: ["spectral:asyncapi"]' > "$ruleset"
cargo build --release --quiet -p contrail
docs=$(grep -rl '^asyncapi:' "$corpus" --include='*.yml' --include='*.yaml' | sort)
count=$(echo "$docs" | wc -l)

start=$(date +%s.%N)
for doc in $docs; do ./target/release/contrail lint --format json "$doc" > /dev/null || true; done
contrail=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
for doc in $docs; do "$SPECTRAL" lint --ruleset "$ruleset" --format json "$doc" > /dev/null 2>&1 || true; done
spectral=$(echo "$(date +%s.%N) - $start" | bc)

echo "documents: $count"
echo "contrail: ${contrail}s"
echo "spectral: ${spectral}s"
echo "contrail / spectral: $(echo "scale=5; 100 * $contrail / $spectral" | bc)%"
echo "machine: $(nproc) cores, $(uname -sr); spectral $("$SPECTRAL" --version)"
