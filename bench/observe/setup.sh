# Sourced by the bench/observe scripts: finds tansu, a Python with confluent-kafka and a
# contrail binary, then starts tansu (memory storage, an ephemeral port) and `contrail registry
# serve` (a temporary SQLite store), pushes the shop's schemas, copies the shop's catalog to
# $work/shop with a broker profile `bench`, and creates the shop's topics with PARTITIONS
# partitions. Leaves $work, $bootstrap, $registry, $PYTHON, $CONTRAIL and $TANSU set; stops what
# it started and removes $work on exit.
# env: CONTRAIL (a contrail binary; default: cargo build --release), TANSU (default
#      ~/.cache/contrail/tansu-0.6.0/bin/tansu, as scripts/test.sh installs it), PYTHON (with
#      confluent-kafka[avro,schemaregistry]; default scripts/test.sh's venv), PARTITIONS.
PARTITIONS="${PARTITIONS:-4}"
CACHE="${CONTRAIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrail}"
TANSU="${TANSU:-$CACHE/tansu-0.6.0/bin/tansu}"
has_kafka() { "$1" -c 'import confluent_kafka.schema_registry.avro' 2>/dev/null; }
if [ -z "${PYTHON:-}" ]; then
  # scripts/test.sh's venv for the current requirements, else an earlier one that has it.
  PYTHON="$CACHE/venv-$(sha256sum scripts/requirements-test.txt | cut -c1-12)/bin/python"
  for candidate in "$PYTHON" "$CACHE"/venv-*/bin/python; do
    if has_kafka "$candidate"; then PYTHON="$candidate"; break; fi
  done
fi
[ -x "$TANSU" ] || { echo "tansu is required at $TANSU (scripts/test.sh installs it), or set TANSU" >&2; exit 2; }
has_kafka "$PYTHON" ||
  { echo "$PYTHON lacks confluent-kafka with Avro (scripts/test.sh installs it), or set PYTHON" >&2; exit 2; }
if [ -z "${CONTRAIL:-}" ]; then
  cargo build --release --quiet -p contrail
  CONTRAIL="${CARGO_TARGET_DIR:-target}/release/contrail"
fi
CONTRAIL="$(realpath "$CONTRAIL")"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { # port what
  for _ in $(seq 300); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not listen on 127.0.0.1:$1" >&2
  exit 1
}

# The broker.
broker_port="$(free_port)"
bootstrap="127.0.0.1:$broker_port"
"$TANSU" broker --listener-url "tcp://$bootstrap" --advertised-listener-url "tcp://$bootstrap" \
  --storage-engine memory://tansu/ >"$work/tansu.log" 2>&1 &
pids+=($!)
wait_port "$broker_port" tansu

# The registry, with the shop's schemas.
registry_port="$(free_port)"
registry="http://127.0.0.1:$registry_port"
"$CONTRAIL" registry serve --listen "127.0.0.1:$registry_port" --store "sqlite://$work/registry.db" \
  >"$work/registry.log" 2>&1 &
pids+=($!)
wait_port "$registry_port" "contrail registry serve"
"$CONTRAIL" registry push examples/shop --registry "$registry" >"$work/push.log"

# The shop's catalog with a broker profile: `contrail sample` and `trace` take librdkafka
# settings only from a profile, and tansu waits fetch.wait.max.ms on every fetch even with data
# there (tests/src/tansu.rs), so every reader here sets it to 10 ms.
cp -r examples/shop "$work/shop"
cat >>"$work/shop/contrail.yaml" <<YAML
brokers:
  bench:
    bootstrap: $bootstrap
    fetch.wait.max.ms: 10
YAML

# Every topic of the catalog (trace reads them all); only shop.orders gets records.
for topic in shop.orders shop.payments shop.inventory shop.shipments; do
  "$TANSU" topic create "$topic" --partitions "$PARTITIONS" --broker "tcp://$bootstrap" >/dev/null
done
