#!/usr/bin/env bash
# `contrail trace --follow` at a steady produce rate: does its memory stay flat? (issue 12,
# "Performance": RSS flat within ±10 % over a 10-minute run; figures in docs/performance.md).
#
# Starts tansu (memory storage, an ephemeral port) and `contrail registry serve`, pushes the
# shop's schemas, creates the shop's topics, then runs `contrail trace --follow --window
# WINDOW` while bench/observe/observe.py produces RATE OrderPlaced records a second (four per
# correlation id) for WARMUP + MEASURE seconds. The trace's RSS is read from /proc every 10 s;
# the first WARMUP seconds (the window filling up) are left out, and the rest is summarised:
# min, max, first, last, and the spread around the mean.
#
# usage: bench/observe/follow.sh
# env:   RATE (default 2000), WINDOW (default 1m), WARMUP (seconds, default 120),
#        MEASURE (seconds, default 600), CONTRAIL, TANSU, PYTHON as in sample.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE="${RATE:-2000}"
WINDOW="${WINDOW:-1m}"
WARMUP="${WARMUP:-120}"
MEASURE="${MEASURE:-600}"
. bench/observe/setup.sh

"$CONTRAIL" trace "$work/shop" --brokers bench --registry "$registry" --from latest --follow \
  --window "$WINDOW" --format json >"$work/trace.out" 2>"$work/trace.err" &
trace=$!
pids+=("$trace")
sleep 2
seconds=$((WARMUP + MEASURE))
"$PYTHON" bench/observe/observe.py steady "$bootstrap" "$registry" "$RATE" "$seconds" \
  >"$work/steady.out" &
producer=$!
pids+=("$producer")

# RSS every 10 s while the producer runs: "seconds rss_kb".
start=$SECONDS
while kill -0 "$producer" 2>/dev/null; do
  sleep 10
  rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$trace/status" 2>/dev/null || true)"
  [ -n "$rss" ] || { echo "trace stopped: $(cat "$work/trace.err")" >&2; exit 1; }
  echo "$((SECONDS - start)) $rss" | tee -a "$work/rss.txt" >&2
done
wait "$producer"
cat "$work/steady.out" >&2

echo
echo "trace --follow --window $WINDOW at $RATE records/s ($((RATE / 4)) new flows/s);" \
  "RSS every 10 s after a ${WARMUP}-s warm-up, over ${MEASURE} s;" \
  "$(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v warm="$WARMUP" '$1 > warm { n++; s += $2; if (!min || $2 < min) min = $2; if ($2 > max) max = $2;
    if (!first) first = $2; last = $2 }
  END { mean = s / n; printf "samples %d: min %.1f MB, max %.1f MB, first %.1f MB, last %.1f MB, mean %.1f MB, spread %+.1f%% / %+.1f%% of the mean\n",
    n, min / 1024, max / 1024, first / 1024, last / 1024, mean / 1024, (min - mean) * 100 / mean, (max - mean) * 100 / mean }' \
  "$work/rss.txt"
