#!/usr/bin/env bash
# Throw-away PostgreSQL, Redis and S3-compatible storage for the test suite, on free loopback ports.
# Sourced by test.sh.  Exports:
#   WARDEN_TEST_POSTGRES  admin connection string (each test class creates its own database)
#   WARDEN_TEST_REDIS     host:port of a Redis server
#   WARDEN_TEST_PG_BIN    directory of the PostgreSQL server binaries
#   WARDEN_TEST_S3_ENDPOINT, WARDEN_TEST_S3_ACCESS_KEY, WARDEN_TEST_S3_SECRET_KEY
#                         an S3-compatible endpoint and a user's keys (each test class creates its own bucket);
#                         a Ceph RADOS Gateway started by eng/rgw.sh
# When a variable is already set the matching server is not started (developer machines that run their own).

PG_BIN_DEFAULT=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
SERVICES_DIR=""
PG_DATA=""
REDIS_PIDFILE=""
RGW_DIR=""
RGW_SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rgw.sh"

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# Runs a command as the postgres user when we are root (the server binaries refuse to run as root).
as_pg() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_missing() {
  local need=()
  [ -n "${WARDEN_TEST_POSTGRES:-}" ] || [ -x "${PG_BIN_DEFAULT}/initdb" ] || need+=(postgresql postgresql-client)
  # redis-server is needed even with an external Redis: tests that flush or stop Redis start a private one.
  command -v redis-server >/dev/null || need+=(redis-server)
  # warden backup runs pg_dump/pg_restore (also against an external server).
  command -v pg_restore >/dev/null || ls /usr/lib/postgresql/*/bin/pg_restore >/dev/null 2>&1 || need+=(postgresql-client)
  command -v node >/dev/null || need+=(nodejs npm)
  command -v curl >/dev/null || need+=(curl)
  if [ -z "${WARDEN_TEST_S3_ENDPOINT:-}" ] && ! { command -v radosgw && command -v ceph-mon && command -v ceph-osd; } >/dev/null; then
    need+=(radosgw ceph-mon ceph-osd)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != "0" ]; then
      echo "test.sh: missing ${need[*]}; install them or run as root" >&2
      return 1
    fi
    echo "test.sh: installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    PG_BIN_DEFAULT=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
}

start_services() {
  SERVICES_DIR=$(mktemp -d /tmp/warden-test-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  export WARDEN_TEST_PG_BIN="${WARDEN_TEST_PG_BIN:-$PG_BIN_DEFAULT}"

  if [ -z "${WARDEN_TEST_POSTGRES:-}" ]; then
    local port
    port=$(free_port)
    PG_DATA="$SERVICES_DIR/pg"
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$PG_DATA"
    as_pg "$WARDEN_TEST_PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
    cat >>"$PG_DATA/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DATA'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    as_pg "$WARDEN_TEST_PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/log" -w start >/dev/null
    export WARDEN_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    echo "test.sh: PostgreSQL $("$WARDEN_TEST_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
  fi

  if [ -z "${WARDEN_TEST_REDIS:-}" ]; then
    local rport
    rport=$(free_port)
    REDIS_PIDFILE="$SERVICES_DIR/redis.pid"
    redis-server --bind 127.0.0.1 --port "$rport" --daemonize yes --pidfile "$REDIS_PIDFILE" \
      --dir "$SERVICES_DIR" --save "" --appendonly no --logfile "$SERVICES_DIR/redis.log"
    for _ in $(seq 1 50); do
      (exec 3<>"/dev/tcp/127.0.0.1/$rport") 2>/dev/null && break
      sleep 0.1
    done
    export WARDEN_TEST_REDIS="127.0.0.1:$rport"
    echo "test.sh: Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on $WARDEN_TEST_REDIS"
  fi

  if [ -z "${WARDEN_TEST_S3_ENDPOINT:-}" ]; then
    local rgw_env started=$SECONDS
    RGW_DIR="$SERVICES_DIR/rgw"
    rgw_env=$(bash "$RGW_SCRIPT" start "$RGW_DIR") || return 1
    eval "$rgw_env"
    echo "test.sh: Ceph RADOS Gateway $(radosgw --version | awk '{print $3}') on $WARDEN_TEST_S3_ENDPOINT ($((SECONDS - started)) s to start)"
  fi
}

stop_services() {
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_pg "$WARDEN_TEST_PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "$REDIS_PIDFILE" ] && [ -f "$REDIS_PIDFILE" ]; then
    kill "$(cat "$REDIS_PIDFILE")" 2>/dev/null || true
  fi
  if [ -n "$RGW_DIR" ]; then
    bash "$RGW_SCRIPT" stop "$RGW_DIR" >/dev/null 2>&1 || true
  fi
  [ -n "$SERVICES_DIR" ] && rm -rf "$SERVICES_DIR"
  return 0
}
