#!/usr/bin/env bash
# Registry load benchmark: `GET /schemas/ids/{id}` and lookup under wrk against the contrail
# registry, with nginx serving the same response bytes as a static file in the same run as the
# reference for this machine; then the latency of registering new versions under
# FULL_TRANSITIVE against 100 earlier versions.
#
# usage: bench/registry/run.sh [DURATION_SECONDS=20] [CONNECTIONS=64]
# needs: wrk and nginx (apt-get install wrk nginx-light), python3
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${1:-20}"
CONNECTIONS="${2:-64}"
THREADS=2
REGISTRY_PORT="${REGISTRY_PORT:-18081}"
NGINX_PORT="${NGINX_PORT:-18082}"
for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install wrk nginx-light)" >&2; exit 2; }
done

work="$(mktemp -d)"
chmod 755 "$work" # nginx's workers run as an unprivileged user and must read the file
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet -p contrail
./target/release/contrail registry serve --listen "127.0.0.1:$REGISTRY_PORT" \
  --store "sqlite://$work/registry.db" 2>"$work/registry.log" &
pids+=($!)
base="http://127.0.0.1:$REGISTRY_PORT"
for _ in $(seq 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done

# One schema of realistic size (a 20-field record) to fetch by id.
python3 bench/registry/load.py seed "$base" "$work"

# nginx serves exactly the bytes the registry answers, with the same media type.
mkdir -p "$work/www/schemas/ids" "$work/nginx"
curl -sf "$base/schemas/ids/1" >"$work/www/schemas/ids/1"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $(nproc);
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/vnd.schemaregistry.v1+json;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/www;
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$NGINX_PORT/schemas/ids/1" >/dev/null && break; sleep 0.1; done
cmp <(curl -sf "$base/schemas/ids/1") <(curl -sf "http://127.0.0.1:$NGINX_PORT/schemas/ids/1")

run_wrk() { # slug name url [lua script]
  local slug="$1" name="$2" url="$3" script="${4:-}"
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" >"$work/$slug.txt"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/$slug.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/$slug.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$slug.txt")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$work/$slug.txt" | tr '\n' ' ')
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "${errors:-none}"
  echo "$rps" >"$work/$slug.rps"
}

echo
echo "wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s each, on $(nproc) cores"
echo
echo "| job | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
run_wrk nginx "nginx static file" "http://127.0.0.1:$NGINX_PORT/schemas/ids/1"
run_wrk get "contrail GET /schemas/ids/1" "$base/schemas/ids/1"
run_wrk lookup "contrail lookup POST /subjects/{s}" "$base/subjects/bench-value" "$work/lookup.lua"
echo
awk -v a="$(cat "$work/get.rps")" -v b="$(cat "$work/nginx.rps")" \
  'BEGIN { printf "GET /schemas/ids/{id}: contrail / nginx = %.2f\n", a / b }'
echo
python3 bench/registry/load.py register "$base" "$work"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(nginx -v 2>&1); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
