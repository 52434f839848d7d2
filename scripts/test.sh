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

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked --no-fail-fast
