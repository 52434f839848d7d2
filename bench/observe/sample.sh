#!/usr/bin/env bash
# `contrail sample` and `contrail trace` on a large topic, against confluent-kafka for Python in
# the same run (issue 12, "Performance"; figures in docs/performance.md).
#
# Starts tansu (memory storage, an ephemeral port) and `contrail registry serve` (a temporary
# SQLite store), pushes the shop's schemas, creates the shop's topics (shop.orders with 4
# partitions), produces RECORDS Avro OrderPlaced records (~200 bytes with key and header; every
# 4 records share a correlation-id header, so RECORDS/4 flows), then times whole processes:
#   1. contrail sample examples/shop --topic shop.orders --limit all --format ndjson > /dev/null
#   2. a bare confluent-kafka consumer: consume() in batches, no decoding (librdkafka's speed)
#   3. confluent-kafka's DeserializingConsumer with AvroDeserializer, poll() per record
#   4. contrail trace examples/shop --format json --flows none
# and prints a Markdown table with records/s, the ratio to the bare consumer and peak RSS.
#
# usage: RECORDS=1000000 bench/observe/sample.sh
# env:   RECORDS (default 1000000), CONTRAIL (a contrail binary; default: cargo build --release),
#        TANSU (default ~/.cache/contrail/tansu-0.6.0/bin/tansu, as scripts/test.sh installs it),
#        PYTHON (with confluent-kafka[avro,schemaregistry]; default scripts/test.sh's venv),
#        CHECK=0 skips the untimed check that `contrail sample` reads every record.
# needs: GNU time (/usr/bin/time), python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
RECORDS="${RECORDS:-1000000}"
PARTITIONS=4
CHECK="${CHECK:-1}"
[ -x /usr/bin/time ] || { echo "GNU time is required (apt-get install time)" >&2; exit 2; }
. bench/observe/setup.sh
"$PYTHON" bench/observe/observe.py produce "$bootstrap" "$registry" "$RECORDS" "$PARTITIONS"

# run NAME COMMAND...: one whole process under GNU time; its wall seconds and peak RSS.
run() {
  local name="$1"
  shift
  /usr/bin/time -v -o "$work/$name.time" "$@"
  awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' \
    "$work/$name.time" >"$work/$name.seconds"
  awk -F': ' '/Maximum resident set size/ { printf "%.0f\n", $2 / 1024 }' "$work/$name.time" \
    >"$work/$name.rss"
  echo "$name: $(cat "$work/$name.seconds") s, $(cat "$work/$name.rss") MB peak RSS" >&2
}

connect=(--brokers bench --registry "$registry")
run sample "$CONTRAIL" sample "$work/shop" "${connect[@]}" --topic shop.orders --limit all \
  --format ndjson >/dev/null
run bare "$PYTHON" bench/observe/observe.py bare "$bootstrap" "$RECORDS" "$PARTITIONS" \
  >"$work/bare.out"
run deserializing "$PYTHON" bench/observe/observe.py deserializing "$bootstrap" "$registry" \
  "$RECORDS" "$PARTITIONS" >"$work/deserializing.out"
# --flows none keeps the report to counts and edges (a few KB); it goes to a file to be checked.
run trace "$CONTRAIL" trace "$work/shop" "${connect[@]}" --format json --flows none \
  >"$work/trace.json"

# What trace saw must be what was produced.
"$PYTHON" - "$work/trace.json" "$RECORDS" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
records, totals = report["records"], report["totals"]
print(f"trace: {records['read']} records read, {records['in_flows']} in "
      f"{totals['flows']} flows, problems {sum(records['problems'].values())}", file=sys.stderr)
if records["read"] != int(sys.argv[2]):
    sys.exit(f"trace read {records['read']} records, not {sys.argv[2]}")
PY
# And sample (untimed: its output is counted through a pipe).
if [ "$CHECK" = 1 ]; then
  read_by_sample="$("$CONTRAIL" sample "$work/shop" "${connect[@]}" --topic shop.orders \
    --limit all --format ndjson | tail -n 1 | "$PYTHON" -c \
    'import json, sys; s = json.load(sys.stdin)["summary"]; t = s["topics"][0]; print(t["read"], t["conforming"], s["stopped"])')"
  echo "sample (untimed check): read, conforming, stopped = $read_by_sample" >&2
  [ "${read_by_sample%% *}" = "$RECORDS" ] || { echo "sample did not read $RECORDS records" >&2; exit 1; }
fi

echo
echo "$RECORDS records on shop.orders ($PARTITIONS partitions), tansu 0.6.0 (memory storage);" \
  "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "confluent-kafka $("$PYTHON" -c 'import confluent_kafka as c, importlib.metadata as m; print(m.version("confluent-kafka"), "(librdkafka", c.libversion()[0] + ")")'), $("$PYTHON" --version)"
echo
echo "| tool | records | seconds | records/s | vs bare consumer | peak RSS |"
echo "|---|---|---|---|---|---|"
bare_rate="$(awk -v n="$RECORDS" -v s="$(cat "$work/bare.seconds")" 'BEGIN { print n / s }')"
row() { # name label
  awk -v label="$2" -v n="$RECORDS" -v s="$(cat "$work/$1.seconds")" -v b="$bare_rate" \
    -v rss="$(cat "$work/$1.rss")" \
    'BEGIN { r = n / s; printf "| %s | %d | %.2f | %.0f | %.2f× | %d MB |\n", label, n, s, r, r / b, rss }'
}
row sample '`contrail sample --limit all --format ndjson`'
row bare 'confluent-kafka `Consumer.consume()` (no decoding)'
row deserializing 'confluent-kafka `DeserializingConsumer` + `AvroDeserializer`'
row trace "\`contrail trace --format json --flows none\` ($((RECORDS / 4)) flows)"
echo
awk -v a="$(cat "$work/sample.seconds")" -v b="$(cat "$work/bare.seconds")" \
  -v d="$(cat "$work/deserializing.seconds")" \
  'BEGIN { printf "sample: %.2f× the bare consumer (target ≥ 0.7), %.1f× DeserializingConsumer (target ≥ 10)\n", b / a, d / a }'
echo "the Python peers' own time, from assigning to the last record (the table times whole processes):" \
  "$(cat "$work/bare.out"); $(cat "$work/deserializing.out")"
echo "trace: peak RSS $(cat "$work/trace.rss") MB (target < 300 MB at 1,000,000 records)"
