#!/usr/bin/env bash
# End-to-end benchmark: direct to `warden mock-provider`, through Warden, and through Portkey's gateway, in one run,
# against the same mock upstream. Reports figures; asserts nothing. See benchmarks/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E="$ROOT/benchmarks/e2e"
RESULTS="$ROOT/benchmarks/results"
DURATION=${DURATION:-10}          # seconds per wrk measurement
CONNECTIONS=${CONNECTIONS:-64}    # wrk connections for the throughput test at 20 ms upstream latency
TTFT_RUNS=${TTFT_RUNS:-200}       # streams per target for time-to-first-token at c=1
STREAMS=${STREAMS:-200}           # concurrent streams for the stall check
SOAK=${SOAK:-0}                   # seconds of sustained load on the Warden gateway while its RSS is sampled (0: skip)

WORK=$(mktemp -d /tmp/warden-e2e.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if declare -F STOP_PG >/dev/null; then STOP_PG; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url, timeout seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  log "timed out waiting for $1"; return 1
}
rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }
start_rss_sampler() { # pid, file: samples RSS every 200 ms until the process or the sampler is stopped
  ( while kill -0 "$1" 2>/dev/null; do rss_kb "$1" >>"$2" 2>/dev/null || true; sleep 0.2; done ) &
  SAMPLER=$!
}
stop_rss_sampler() { kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; }

# --- Tools ---------------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  log "installing wrk (apt)"
  apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
PORTKEY="$E2E/node_modules/@portkey-ai/gateway/build/start-server.js"
if [ ! -f "$PORTKEY" ]; then
  log "installing @portkey-ai/gateway@1.15.2 (npm)"
  npm install --prefix "$E2E" --no-audit --no-fund --no-package-lock --silent
fi
# Portkey 1.15.2 on Node 20 fails every stream with `TypeError: immutable` (its issues #1389/#1550): rebuild the
# Response before updateHeaders() mutates its headers, as its PR #1551 does.
if ! grep -q 'WARDEN_BENCH_PATCH' "$PORTKEY"; then
  log "patching Portkey's streaming path (PR #1551)"
  python3 - "$PORTKEY" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
old = "this.updateHeaders(i,n.cacheStatus,o),{response:i"
new = ("this.context.isStreaming&&(i=new Response(i.body,{status:i.status,statusText:i.statusText,"
       "headers:new Headers(i.headers)})/*WARDEN_BENCH_PATCH*/),this.updateHeaders(i,n.cacheStatus,o),{response:i")
if text.count(old) != 1:
    sys.exit("Portkey build does not look like 1.15.2; patch site not found")
open(path, "w", encoding="utf-8").write(text.replace(old, new))
PY
fi

# --- Build ---------------------------------------------------------------------------------------------------------
log "building Warden (Release)"
dotnet build -c Release "$ROOT/src/Warden" -nologo -v q >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
WARDEN_DLL="$ROOT/src/Warden/bin/Release/net10.0/warden.dll"

# --- Request bodies ------------------------------------------------------------------------------------------------
BODY='{"model":"demo-model","messages":[{"role":"system","content":"You are a concise assistant."},{"role":"user","content":"Summarise the quarterly report in three sentences, highlighting revenue growth by region."}],"max_tokens":64,"temperature":0.2}'
printf '%s' "$BODY" >"$WORK/body.json"
printf '%s' "${BODY%\}},\"stream\":true}" >"$WORK/stream.json"
printf '%s' "${BODY/demo-model/demo-model-20ms}" >"$WORK/body20.json"  # Warden routes this name to the 20 ms mock

# --- Upstreams -----------------------------------------------------------------------------------------------------
MOCK0=$(free_port); MOCK20=$(free_port)
dotnet "$WARDEN_DLL" mock-provider --url "http://127.0.0.1:$MOCK0" >"$WORK/mock0.log" 2>&1 & PIDS+=($!); MOCK0_PID=$!
dotnet "$WARDEN_DLL" mock-provider --url "http://127.0.0.1:$MOCK20" --latency 20 >"$WORK/mock20.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$MOCK0/healthz" 30
wait_http "http://127.0.0.1:$MOCK20/healthz" 30

# --- PostgreSQL (control-plane database and usage ledger) and Redis (shared counters) ---------------------------
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ ! -x "$PG_BIN/initdb" ] || ! command -v redis-server >/dev/null; then
  log "installing postgresql and redis-server (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null; }
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PG_DATA="$WORK/pg"; mkdir -p "$PG_DATA"; chmod 755 "$WORK"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
PG_PORT=$(free_port)
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$PG_PORT" "$PG_DATA" >>"$PG_DATA/postgresql.conf"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/log" -w start >/dev/null
STOP_PG() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true; }
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE warden" >/dev/null
REDIS_PORT=$(free_port)
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$WORK/redis.pid" --dir "$WORK" \
  --save "" --appendonly no --logfile "$WORK/redis.log"
for _ in $(seq 1 50); do [ -s "$WORK/redis.pid" ] && break; sleep 0.1; done
PIDS+=("$(cat "$WORK/redis.pid")")

# --- Warden: `warden control-plane` on PostgreSQL + `warden gateway`, configured through the admin API --------------
CP=$(free_port); GW=$(free_port); GWR=$(free_port)
INTERNAL_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' ); INGEST_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
ADMIN_TOKEN=$(head -c 32 /dev/urandom | base64 | tr -d '/+=')
WARDEN__ControlPlane__InternalToken="bench-internal-$INTERNAL_TOKEN" WARDEN__ControlPlane__IngestToken="bench-ingest-$INGEST_TOKEN" \
  WARDEN__ControlPlane__BootstrapAdminToken="bench-admin-$ADMIN_TOKEN" \
  dotnet "$WARDEN_DLL" control-plane --url "http://127.0.0.1:$CP" \
  --connection-string "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=warden" >"$WORK/control-plane.log" 2>&1 &
CP_PID=$!; PIDS+=($CP_PID)
wait_http "http://127.0.0.1:$CP/readyz" 60
log "configuring Warden through the admin API (budgets and TPM/RPM limits at every scope)"
KEY=$(python3 "$E2E/configure.py" "http://127.0.0.1:$CP" "bench-admin-$ADMIN_TOKEN" "$MOCK0" "$MOCK20")

start_gateway() { # port, log name, extra args...: a gateway with the ledger on (events shipped to the control plane)
  local port=$1 name=$2; shift 2
  env WARDEN__Gateway__InternalToken="bench-internal-$INTERNAL_TOKEN" WARDEN__Gateway__IngestToken="bench-ingest-$INGEST_TOKEN" \
    WARDEN__Gateway__SpoolDir="$WORK/spool-$name" WARDEN__Gateway__Counters__Redis="127.0.0.1:$REDIS_PORT" \
    'WARDEN__Logging__LogLevel__Warden.Gateway.Usage=Warning' \
    dotnet "$WARDEN_DLL" gateway --url "http://127.0.0.1:$port" --control-plane-url "http://127.0.0.1:$CP" "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!; PIDS+=($LAST_PID)
  local code
  for _ in $(seq 1 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/chat/completions" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" || true)
    [ "$code" = 200 ] && break
    sleep 0.1
  done
  [ "$code" = 200 ] || { log "gateway $name did not answer 200 (last: $code)"; tail -50 "$WORK/$name.log"; exit 1; }
  # The governance set must be on: a prompt with an e-mail address comes back with the masking header.
  local masked
  masked=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/v1/chat/completions" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' -d '{"model":"demo-model","messages":[{"role":"user","content":"mail jane@example.com"}]}' \
    | tr -d '\r' | awk -F': ' 'tolower($1)=="x-warden-pii-masked"{print $2}')
  [ "$masked" = 1 ] || { log "gateway $name does not mask PII (x-warden-pii-masked: '$masked')"; exit 1; }
}
start_gateway "$GW" warden; WARDEN_PID=$LAST_PID
start_gateway "$GWR" warden_redis --counter-store redis; WARDEN_REDIS_PID=$LAST_PID

# --- Portkey -------------------------------------------------------------------------------------------------------
PK=$(free_port)
node "$PORTKEY" --port="$PK" --headless >"$WORK/portkey.log" 2>&1 & PORTKEY_PID=$!; PIDS+=($PORTKEY_PID)
wait_http "http://127.0.0.1:$PK/" 30

# --- Measurements --------------------------------------------------------------------------------------------------
OUT="$WORK/figures.jsonl"
: >"$OUT"
record() { printf '{"target":"%s","test":"%s","data":%s}\n' "$1" "$2" "$3" >>"$OUT"; }

wrk_run() { # target test url connections threads mock_port_for_portkey auth body_file
  local target=$1 test=$2 url=$3 conns=$4 threads=$5 mock=$6 auth=$7 body=${8:-$WORK/body.json} line
  local custom=""; [ "$target" = portkey ] && custom="http://127.0.0.1:$mock/v1"
  # Warm-up, not recorded: JIT, connection pools.
  BODY_FILE="$body" AUTH_HEADER="$auth" PORTKEY_CUSTOM_HOST="$custom" \
    wrk -t"$threads" -c"$conns" -d2s -s "$E2E/post.lua" "$url" >/dev/null 2>&1 || true
  line=$(BODY_FILE="$body" AUTH_HEADER="$auth" PORTKEY_CUSTOM_HOST="$custom" \
    wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 5s -s "$E2E/post.lua" "$url" | grep '^WRK_JSON ' | cut -d' ' -f2-)
  record "$target" "$test" "$line"
  log "$target $test: $line"
}
ttft_run() { # target test url runs concurrency mock_port auth
  local custom=""; [ "$1" = portkey ] && custom="http://127.0.0.1:$6/v1"
  local line
  line=$(node "$E2E/ttft.mjs" "$3" "$4" "$5" "$WORK/stream.json" "$7" "$custom" | grep '^TTFT_JSON ' | cut -d' ' -f2-)
  record "$1" "$2" "$line"
  log "$1 $2: $line"
}

declare -A URL=(
  [direct]="http://127.0.0.1:$MOCK0/v1/chat/completions"
  [warden]="http://127.0.0.1:$GW/v1/chat/completions"
  [warden_redis]="http://127.0.0.1:$GWR/v1/chat/completions"
  [portkey]="http://127.0.0.1:$PK/v1/chat/completions"
)
declare -A URL20=(
  [direct]="http://127.0.0.1:$MOCK20/v1/chat/completions"
  [warden]="${URL[warden]}" [warden_redis]="${URL[warden_redis]}" [portkey]="${URL[portkey]}"
)
declare -A AUTH=([direct]="" [warden]="Bearer $KEY" [warden_redis]="Bearer $KEY" [portkey]="Bearer sk-unused")
declare -A PID_OF=([direct]=$MOCK0_PID [warden]=$WARDEN_PID [warden_redis]=$WARDEN_REDIS_PID [portkey]=$PORTKEY_PID)
TARGETS=(direct warden warden_redis portkey)

# Idle RSS: every process started and answered at least one request, no load yet.
sleep 2
for t in "${TARGETS[@]}"; do record "$t" rss_idle "{\"rss_kb\":$(rss_kb "${PID_OF[$t]}")}"; done
record control_plane rss_idle "{\"rss_kb\":$(rss_kb "$CP_PID")}"

log "latency at c=1, upstream latency 0"
for t in "${TARGETS[@]}"; do wrk_run "$t" latency_c1 "${URL[$t]}" 1 1 "$MOCK0" "${AUTH[$t]}"; done

log "streaming time to first token, c=1 and $STREAMS concurrent streams"
for t in "${TARGETS[@]}"; do ttft_run "$t" ttft_c1 "${URL[$t]}" "$TTFT_RUNS" 1 "$MOCK0" "${AUTH[$t]}"; done
for t in "${TARGETS[@]}"; do ttft_run "$t" streams_concurrent "${URL[$t]}" "$STREAMS" "$STREAMS" "$MOCK0" "${AUTH[$t]}"; done

log "throughput at 20 ms upstream latency, $CONNECTIONS connections"
for t in "${TARGETS[@]}"; do
  : >"$WORK/$t.rss"; start_rss_sampler "${PID_OF[$t]}" "$WORK/$t.rss"
  wrk_run "$t" throughput_20ms "${URL20[$t]}" "$CONNECTIONS" 2 "$MOCK20" "${AUTH[$t]}" "$WORK/body20.json"
  stop_rss_sampler
  [ "$t" = direct ] || record "$t" rss_peak "{\"rss_kb\":$(sort -n "$WORK/$t.rss" | tail -1)}"
done
record control_plane rss_after "{\"rss_kb\":$(rss_kb "$CP_PID")}"

if [ "$SOAK" -gt 0 ]; then
  log "soak: ${SOAK}s at $CONNECTIONS connections, 20 ms upstream, Warden gateway RSS sampled every 5 s"
  : >"$WORK/soak.rss"
  ( while kill -0 "$WARDEN_PID" 2>/dev/null; do echo "$(date +%s) $(rss_kb "$WARDEN_PID")" >>"$WORK/soak.rss"; sleep 5; done ) &
  SOAK_SAMPLER=$!
  line=$(BODY_FILE="$WORK/body20.json" AUTH_HEADER="Bearer $KEY" PORTKEY_CUSTOM_HOST="" \
    wrk -t2 -c"$CONNECTIONS" -d"${SOAK}s" --timeout 5s -s "$E2E/post.lua" "${URL[warden]}" | grep '^WRK_JSON ' | cut -d' ' -f2-)
  kill "$SOAK_SAMPLER" 2>/dev/null || true; wait "$SOAK_SAMPLER" 2>/dev/null || true
  samples=$(awk '{printf "%s[%s,%s]", (NR>1?",":""), $1, $2}' "$WORK/soak.rss")
  record warden soak "{\"seconds\":$SOAK,\"wrk\":$line,\"rss_kb_samples\":[$samples]}"
  log "soak: $line"
fi

# The ledger: every answered request must have reached PostgreSQL (shipped in batches off the hot path).
sleep 3
LEDGER_ROWS=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d warden -tAc "SELECT count(*) FROM usage_records")
record warden ledger "{\"rows\":$LEDGER_ROWS}"
log "usage ledger rows in PostgreSQL after the run: $LEDGER_ROWS"

# --- Report --------------------------------------------------------------------------------------------------------
mkdir -p "$RESULTS"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
python3 "$E2E/report.py" "$OUT" "$RESULTS/e2e-$STAMP.json" "$RESULTS/e2e-$STAMP.md" \
  "connections=$CONNECTIONS duration=${DURATION}s ttft_runs=$TTFT_RUNS streams=$STREAMS"
cat "$RESULTS/e2e-$STAMP.md"
log "results: $RESULTS/e2e-$STAMP.json, $RESULTS/e2e-$STAMP.md"
