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

WORK=$(mktemp -d /tmp/warden-e2e.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
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

# --- Upstreams -----------------------------------------------------------------------------------------------------
MOCK0=$(free_port); MOCK20=$(free_port)
dotnet "$WARDEN_DLL" mock-provider --url "http://127.0.0.1:$MOCK0" >"$WORK/mock0.log" 2>&1 & PIDS+=($!); MOCK0_PID=$!
dotnet "$WARDEN_DLL" mock-provider --url "http://127.0.0.1:$MOCK20" --latency 20 >"$WORK/mock20.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$MOCK0/healthz" 30
wait_http "http://127.0.0.1:$MOCK20/healthz" 30

# --- Warden --------------------------------------------------------------------------------------------------------
DATA="$WORK/warden"
GW=$(free_port); CP=$(free_port)
WARDEN_ARGS=(serve --data-dir "$DATA" --gateway-url "http://127.0.0.1:$GW" --control-plane-url "http://127.0.0.1:$CP")
log "seeding Warden (serve --demo)"
dotnet "$WARDEN_DLL" "${WARDEN_ARGS[@]}" --demo >"$WORK/seed.log" 2>&1 & SEED_PID=$!; PIDS+=($SEED_PID)
for _ in $(seq 1 600); do [ -s "$DATA/demo.json" ] && break; sleep 0.1; done
[ -s "$DATA/demo.json" ] || { cat "$WORK/seed.log"; exit 1; }
sleep 0.5
kill -TERM "$SEED_PID"; wait "$SEED_PID" 2>/dev/null || true
KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["apiKey"])' "$DATA/demo.json")

point_warden_at() { # mock port
  python3 - "$DATA/warden.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("update providers set base_url=?", (f"http://127.0.0.1:{sys.argv[2]}/v1",))
db.commit()
db.close()
PY
}
start_warden() {
  env 'WARDEN__Logging__LogLevel__Warden.Gateway.Usage=Warning' dotnet "$WARDEN_DLL" "${WARDEN_ARGS[@]}" >>"$WORK/warden.log" 2>&1 &
  WARDEN_PID=$!; PIDS+=($WARDEN_PID)
  for _ in $(seq 1 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW/v1/chat/completions" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" || true)
    [ "$code" = 200 ] && return 0
    sleep 0.1
  done
  log "Warden did not answer 200 (last: $code)"; tail -50 "$WORK/warden.log"; exit 1
}
stop_warden() { kill -TERM "$WARDEN_PID"; wait "$WARDEN_PID" 2>/dev/null || true; }

# --- Portkey -------------------------------------------------------------------------------------------------------
PK=$(free_port)
node "$PORTKEY" --port="$PK" --headless >"$WORK/portkey.log" 2>&1 & PORTKEY_PID=$!; PIDS+=($PORTKEY_PID)
wait_http "http://127.0.0.1:$PK/" 30

# --- Measurements --------------------------------------------------------------------------------------------------
OUT="$WORK/figures.jsonl"
: >"$OUT"
record() { printf '{"target":"%s","test":"%s","data":%s}\n' "$1" "$2" "$3" >>"$OUT"; }

wrk_run() { # target test url connections threads mock_port_for_portkey auth
  local target=$1 test=$2 url=$3 conns=$4 threads=$5 mock=$6 auth=$7 line
  local custom=""; [ "$target" = portkey ] && custom="http://127.0.0.1:$mock/v1"
  # Warm-up, not recorded: JIT, connection pools.
  BODY_FILE="$WORK/body.json" AUTH_HEADER="$auth" PORTKEY_CUSTOM_HOST="$custom" \
    wrk -t"$threads" -c"$conns" -d2s -s "$E2E/post.lua" "$url" >/dev/null 2>&1 || true
  line=$(BODY_FILE="$WORK/body.json" AUTH_HEADER="$auth" PORTKEY_CUSTOM_HOST="$custom" \
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

WARDEN_URL="http://127.0.0.1:$GW/v1/chat/completions"
PORTKEY_URL="http://127.0.0.1:$PK/v1/chat/completions"
AUTH="Bearer $KEY"

# Idle RSS: Warden and Portkey started and answered one request, no load yet.
point_warden_at "$MOCK0"
start_warden
sleep 2
record warden rss_idle "{\"rss_kb\":$(rss_kb "$WARDEN_PID")}"
record portkey rss_idle "{\"rss_kb\":$(rss_kb "$PORTKEY_PID")}"
record direct rss_idle "{\"rss_kb\":$(rss_kb "$MOCK0_PID")}"

log "latency at c=1, upstream latency 0"
wrk_run direct latency_c1 "http://127.0.0.1:$MOCK0/v1/chat/completions" 1 1 "$MOCK0" ""
wrk_run warden latency_c1 "$WARDEN_URL" 1 1 "$MOCK0" "$AUTH"
wrk_run portkey latency_c1 "$PORTKEY_URL" 1 1 "$MOCK0" "Bearer sk-unused"

log "streaming time to first token, c=1 and $STREAMS concurrent streams"
ttft_run direct ttft_c1 "http://127.0.0.1:$MOCK0/v1/chat/completions" "$TTFT_RUNS" 1 "$MOCK0" ""
ttft_run warden ttft_c1 "$WARDEN_URL" "$TTFT_RUNS" 1 "$MOCK0" "$AUTH"
ttft_run portkey ttft_c1 "$PORTKEY_URL" "$TTFT_RUNS" 1 "$MOCK0" "Bearer sk-unused"
ttft_run direct streams_concurrent "http://127.0.0.1:$MOCK0/v1/chat/completions" "$STREAMS" "$STREAMS" "$MOCK0" ""
ttft_run warden streams_concurrent "$WARDEN_URL" "$STREAMS" "$STREAMS" "$MOCK0" "$AUTH"
ttft_run portkey streams_concurrent "$PORTKEY_URL" "$STREAMS" "$STREAMS" "$MOCK0" "Bearer sk-unused"

log "throughput at 20 ms upstream latency, $CONNECTIONS connections"
stop_warden
point_warden_at "$MOCK20"
start_warden
wrk_run direct throughput_20ms "http://127.0.0.1:$MOCK20/v1/chat/completions" "$CONNECTIONS" 2 "$MOCK20" ""
: >"$WORK/warden.rss"; start_rss_sampler "$WARDEN_PID" "$WORK/warden.rss"
wrk_run warden throughput_20ms "$WARDEN_URL" "$CONNECTIONS" 2 "$MOCK20" "$AUTH"
stop_rss_sampler
: >"$WORK/portkey.rss"; start_rss_sampler "$PORTKEY_PID" "$WORK/portkey.rss"
wrk_run portkey throughput_20ms "$PORTKEY_URL" "$CONNECTIONS" 2 "$MOCK20" "Bearer sk-unused"
stop_rss_sampler
record warden rss_peak "{\"rss_kb\":$(sort -n "$WORK/warden.rss" | tail -1)}"
record portkey rss_peak "{\"rss_kb\":$(sort -n "$WORK/portkey.rss" | tail -1)}"
stop_warden

# --- Report --------------------------------------------------------------------------------------------------------
mkdir -p "$RESULTS"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
python3 "$E2E/report.py" "$OUT" "$RESULTS/e2e-$STAMP.json" "$RESULTS/e2e-$STAMP.md" \
  "connections=$CONNECTIONS duration=${DURATION}s ttft_runs=$TTFT_RUNS streams=$STREAMS"
cat "$RESULTS/e2e-$STAMP.md"
log "results: $RESULTS/e2e-$STAMP.json, $RESULTS/e2e-$STAMP.md"
