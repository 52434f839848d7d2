#!/usr/bin/env bash
# `contrail docs` against the AsyncAPI generator with its HTML template, on each of the 58
# AsyncAPI documents of tests/corpus/asyncapi, one process per document for both tools (as
# their users would run them). Prints each tool's total wall and CPU time (user + sys) and
# contrail's share, and counts the documents the generator refused.
#
# usage: bench/graph/docs_vs_asyncapi.sh
# env:   GENERATOR_DIR=dir where `npm install @asyncapi/generator @asyncapi/html-template`
#        was run (default ~/.cache/contrail/bench-asyncapi-generator; set
#        PUPPETEER_SKIP_DOWNLOAD=1 when installing: the template only needs Chromium for PDF),
#        CONTRAIL=path/to/contrail (skip the build), OUT=scratch dir (default a mktemp dir),
#        TIMEOUT=seconds per generator run (default 600), ONLY=contrail|generator to run one
#        side (the ratio is then not printed)
# needs: node, GNU time (/usr/bin/time), a release build of contrail
set -euo pipefail
cd "$(dirname "$0")/../.."
generator_dir="${GENERATOR_DIR:-$HOME/.cache/contrail/bench-asyncapi-generator}"
out="${OUT:-$(mktemp -d)}"
timeout_s="${TIMEOUT:-600}"

if [[ -z "${CONTRAIL:-}" ]]; then
  cargo build --release --quiet -p contrail
  CONTRAIL="${CARGO_TARGET_DIR:-target}/release/contrail"
fi
mapfile -t docs < <(grep -rl '^asyncapi:' tests/corpus/asyncapi --include='*.yml' --include='*.yaml' | sort)
echo "documents: ${#docs[@]}"

# Runs "$@" once per document (DOC and OUT substituted), adding up wall and CPU seconds.
# Prints: total-wall total-cpu failures.
measure() {
  local tool="$1"
  shift
  local wall=0 cpu=0 failed=0 times i=0
  for doc in "${docs[@]}"; do
    i=$((i + 1))
    local site="$out/$tool/$i"
    rm -rf "$site"
    mkdir -p "$site"
    local cmd=("${@//DOC/$doc}")
    cmd=("${cmd[@]//OUT/$site}")
    if ! times=$(/usr/bin/time -f '%e %U %S' "${cmd[@]}" 2>&1 >/dev/null | tail -n 1); then
      failed=$((failed + 1))
      echo "  $tool failed on $doc" >&2
    fi
    read -r w u s <<<"$times"
    wall=$(echo "$wall + ${w:-0}" | bc)
    cpu=$(echo "$cpu + ${u:-0} + ${s:-0}" | bc)
  done
  echo "$wall $cpu $failed"
}

only="${ONLY:-}"
if [[ "$only" != generator ]]; then
  read -r c_wall c_cpu c_failed < <(measure contrail "$CONTRAIL" docs DOC --out OUT --history 0)
  echo "contrail docs: ${c_wall}s wall, ${c_cpu}s CPU, $c_failed failed"
fi
if [[ "$only" != contrail ]]; then
  read -r g_wall g_cpu g_failed < <(NODE_PATH="$generator_dir/node_modules" measure generator \
    timeout "$timeout_s" node bench/graph/asyncapi_html.js DOC OUT)
  echo "asyncapi generator + html-template: ${g_wall}s wall, ${g_cpu}s CPU, $g_failed of ${#docs[@]} failed"
fi
if [[ -z "$only" ]]; then
  echo "contrail / generator: wall $(echo "scale=4; 100 * $c_wall / $g_wall" | bc)%," \
    "CPU $(echo "scale=4; 100 * $c_cpu / $g_cpu" | bc)%"
fi
echo "versions: $("$CONTRAIL" --version 2>/dev/null || echo contrail); node $(node --version);" \
  "@asyncapi/generator $(node -p "require('$generator_dir/node_modules/@asyncapi/generator/package.json').version")," \
  "@asyncapi/html-template $(node -p "require('$generator_dir/node_modules/@asyncapi/html-template/package.json').version")"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
