#!/usr/bin/env bash
# Protobuf compatibility benchmark: `contrail compat --mode FULL_TRANSITIVE` of version 200
# against 199 earlier versions of a 150-field message (nested messages, enums, oneofs, maps,
# an import and a well-known type), whole process, beside `buf breaking` on the same history in
# the same run. There is no runnable Confluent implementation here; Buf is the nearest peer
# (it checks its own rules, not Confluent's: see docs/performance.md).
#
# usage: bench/compat/proto_run.sh [VERSIONS=200] [FIELDS=150]
# needs: hyperfine (apt-get install hyperfine), python3, npm (installs @bufbuild/buf into the
# cache on first use)
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSIONS="${1:-200}"
FIELDS="${2:-150}"
BUF_VERSION=1.75.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/contrail/buf-$BUF_VERSION"
if [ ! -x "$cache/node_modules/.bin/buf" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm install --silent --no-package-lock --no-audit --no-fund "@bufbuild/buf@$BUF_VERSION")
fi
buf="$cache/node_modules/.bin/buf"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet -p contrail
python3 bench/compat/generate_proto_history.py "$work" "$VERSIONS" "$FIELDS"
new_dir="$work/v$(printf %03d "$VERSIONS")"
old_dirs=$(ls -d "$work"/v* | grep -v "$new_dir" | tr '\n' ' ')
new="$new_dir/event.proto"
olds=$(for d in $old_dirs; do printf '%s/event.proto ' "$d"; done)

# Both must accept the history before timing means anything.
"$target/release/contrail" compat --mode FULL_TRANSITIVE "$new" $olds | tail -1
bench/compat/buf_history.sh "$buf" "$new_dir" $old_dirs && echo "buf: no breaking change"

hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$work/result.md" \
  -n contrail "$target/release/contrail compat --format json --mode FULL_TRANSITIVE $new $olds" \
  -n "buf breaking (x$(( (VERSIONS - 1) * 2 )))" "bench/compat/buf_history.sh $buf $new_dir $old_dirs"
cat "$work/result.md"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); buf $("$buf" --version)"
