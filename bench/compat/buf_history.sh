#!/usr/bin/env bash
# `buf breaking` over a whole history: the newest version directory against each earlier one,
# both ways (buf checks one direction per run; FULL_TRANSITIVE asks for both). Exits non-zero
# on the first break. Buf's WIRE_JSON category is the nearest to what Confluent checks (the
# encoding, binary and JSON), less its three field-deletion rules: Confluent accepts removing a
# field, so a history that adds fields passes both directions, as it does in Confluent.
#
# usage: bench/compat/buf_history.sh BUF NEW_DIR OLD_DIR...
set -euo pipefail
buf="$1" new="$2"
shift 2
config='{"version":"v2","breaking":{"use":["WIRE_JSON"],"except":["FIELD_NO_DELETE","FIELD_NO_DELETE_UNLESS_NAME_RESERVED","FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"]}}'
for old in "$@"; do
  "$buf" breaking "$new" --against "$old" --config "$config"
  "$buf" breaking "$old" --against "$new" --config "$config"
done
