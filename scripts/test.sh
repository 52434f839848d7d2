#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need (idempotently), then runs
# formatting, lints, every test, and the generated-docs check. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# Snapshot tests must match the committed snapshots; never write new ones here.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

if ! command -v cargo >/dev/null; then
  echo "cargo is required: install Rust from https://rustup.rs" >&2
  exit 2
fi

# Everything installed for the tests lives in one cache directory, reused by later runs.
CACHE="${CONTRAIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrail}"
mkdir -p "$CACHE"

# Python reference implementations used by differential tests (Apache Avro's compatibility
# checker), in a virtualenv keyed by the requirements file so a change reinstalls it.
VENV="$CACHE/venv-$(sha256sum scripts/requirements-test.txt | cut -c1-12)"
if ! "$VENV/bin/python" -c "import avro.compatibility, confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.json_schema, confluent_kafka.schema_registry.protobuf" 2>/dev/null; then
  echo "== installing the Python test oracles into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
fi
export CONTRAIL_PYTHON="$VENV/bin/python"

# PostgreSQL server binaries for the PostgreSQL store tests, which start throwaway servers of
# their own (initdb + pg_ctl in a temporary directory). Debian's package is installed when no
# initdb is found; the package's own cluster is not created (the tests never use it).
pg_initdb() { ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1; }
if [ -z "${CONTRAIL_PG_BINDIR:-}" ] && [ -z "$(pg_initdb)" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "PostgreSQL is required for the store tests: install it (apt-get install postgresql) or set CONTRAIL_PG_BINDIR to the directory holding initdb" >&2
    exit 2
  fi
  echo "== installing PostgreSQL (Debian package)"
  mkdir -p /etc/postgresql-common
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
if [ -z "${CONTRAIL_PG_BINDIR:-}" ]; then
  CONTRAIL_PG_BINDIR="$(dirname "$(pg_initdb)")"
fi
export CONTRAIL_PG_BINDIR

# Debian packages the tests drive as real peers: Graphviz's `dot` reads the DOT `contrail graph`
# writes; headless Chromium opens the site `contrail docs` writes. Installed only when the command is missing, so a rerun installs nothing.
missing=()
command -v dot >/dev/null || missing+=(graphviz)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v chromium >/dev/null || missing+=(chromium)
# librdkafka (contrail-kafka) is compiled from its vendored source with TLS: it needs
# pkg-config and OpenSSL's headers (no cmake, no system librdkafka).
command -v pkg-config >/dev/null || missing+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || { command -v pkg-config >/dev/null && pkg-config --exists openssl; } || missing+=(libssl-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "the tests need these Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 2
  fi
  echo "== installing ${missing[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
export CONTRAIL_REQUIRE_GRAPHVIZ=1
export CONTRAIL_REQUIRE_CHROMIUM=1

# Mermaid's own parser (npm packages mermaid + jsdom, exact versions in tests/mermaid/
# package.json) checks what `contrail graph --format mermaid` writes. Installed into the cache,
# keyed by the package file so a version change reinstalls; no lockfile is kept.
MERMAID="$CACHE/mermaid-$(sha256sum tests/mermaid/package.json | cut -c1-12)"
if [ ! -d "$MERMAID/node_modules/mermaid" ] || [ ! -d "$MERMAID/node_modules/jsdom" ]; then
  echo "== installing Mermaid's parser into $MERMAID"
  mkdir -p "$MERMAID"
  cp tests/mermaid/package.json "$MERMAID/"
  (cd "$MERMAID" && npm install --silent --no-package-lock --no-audit --no-fund)
fi
export CONTRAIL_MERMAID_DIR="$MERMAID" CONTRAIL_REQUIRE_MERMAID=1

# The JavaScript registry client @kafkajs/confluent-schema-registry (exact version in
# tests/clients/kafkajs/package.json), run unchanged against the registry by
# tests/clients/kafkajs/client.js. Installed into the cache like Mermaid's parser.
KAFKAJS="$CACHE/kafkajs-$(sha256sum tests/clients/kafkajs/package.json | cut -c1-12)"
if [ ! -d "$KAFKAJS/node_modules/@kafkajs/confluent-schema-registry" ]; then
  echo "== installing @kafkajs/confluent-schema-registry into $KAFKAJS"
  mkdir -p "$KAFKAJS"
  cp tests/clients/kafkajs/package.json "$KAFKAJS/"
  (cd "$KAFKAJS" && npm install --silent --no-package-lock --no-audit --no-fund)
fi
export CONTRAIL_KAFKAJS_DIR="$KAFKAJS" CONTRAIL_REQUIRE_KAFKAJS=1

# tansu, a Kafka-compatible broker, for the end-to-end tests of reading live topics
# (tests/src/lib.rs `start_tansu`). Built once into the cache: the build takes about 30
# minutes on two cores, so it is only run when the binary is missing.
TANSU="$CACHE/tansu-0.6.0"
if [ ! -x "$TANSU/bin/tansu" ]; then
  echo "== installing tansu 0.6.0 into $TANSU (a one-time build, about 15 minutes)"
  # A test broker needs no full optimisation: opt-level 1 roughly halves the build.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo install tansu --version 0.6.0 --features dynostore --locked --root "$TANSU" --target-dir "$CACHE/tansu-build"
  rm -rf "$CACHE/tansu-build"
fi
export CONTRAIL_TANSU="$TANSU/bin/tansu" CONTRAIL_REQUIRE_TANSU=1

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo doc (intra-doc links)"
RUSTDOCFLAGS="-D rustdoc::broken_intra_doc_links -D rustdoc::private_intra_doc_links" \
  cargo doc --workspace --no-deps --locked --quiet

echo "== cargo test"
cargo test --workspace --locked --no-fail-fast
