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

if [ ! -d ../shared/corpus/asyncapi ]; then
  echo "warning: ../shared/corpus/asyncapi not found beside the checkout; the AsyncAPI corpus tests will fail" >&2
fi

# Everything installed for the tests lives in one cache directory, reused by later runs.
CACHE="${CONTRAIL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrail}"
mkdir -p "$CACHE"

# Python reference implementations used by differential tests (Apache Avro's compatibility
# checker), in a virtualenv keyed by the requirements file so a change reinstalls it.
VENV="$CACHE/venv-$(sha256sum scripts/requirements-test.txt | cut -c1-12)"
if ! "$VENV/bin/python" -c "import avro.compatibility" 2>/dev/null; then
  echo "== installing the Python test oracles into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
fi
export CONTRAIL_PYTHON="$VENV/bin/python"

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked --no-fail-fast
