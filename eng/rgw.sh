#!/usr/bin/env bash
# A throw-away S3-compatible object store for tests: Ceph RADOS Gateway (Debian packages radosgw, ceph-mon,
# ceph-osd) as one monitor, one in-memory OSD (memstore) and one radosgw, all on free loopback ports, without
# authentication between the daemons, every file under one directory.
#
#   eng/rgw.sh start DIR   starts the daemons and prints the variables the tests read, as `export` lines:
#                          WARDEN_TEST_S3_ENDPOINT (http://127.0.0.1:PORT), WARDEN_TEST_S3_ACCESS_KEY,
#                          WARDEN_TEST_S3_SECRET_KEY (a user created for the run)
#   eng/rgw.sh stop DIR    stops the daemons started in DIR (by the PIDs they wrote there) and removes DIR
#
# Everything is lost when the daemons stop: the OSD keeps its objects in memory (capped at 2 GiB).
set -euo pipefail

# A free port below the kernel's ephemeral range: a port in that range can be taken at any moment as the local end of
# an outgoing connection (the daemons open many), and the gateway then fails to bind it.
rgw_free_port() {
  local low=20000 high port
  high=$(awk '{print $1 - 1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32767)
  [ "$high" -gt "$low" ] || { low=10000; high=19999; }
  for _ in $(seq 1 200); do
    port=$((low + RANDOM % (high - low + 1)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "rgw.sh: no free port found" >&2
  return 1
}

rgw_stop() {
  local dir=$1 pidfile pid
  [ -d "$dir/run" ] || { rm -rf "$dir"; return 0; }
  # The gateway first, then the OSD (it tells the monitor it is going down), the monitor last.
  for pidfile in "$dir"/run/client.rgw.*.pid "$dir"/run/osd.*.pid "$dir"/run/mon.*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}

rgw_start() {
  local dir=$1
  mkdir -p "$dir"/{mon,osd,run,log}
  local fsid mon_port rgw_port conf="$dir/ceph.conf"
  fsid=$(cat /proc/sys/kernel/random/uuid)
  mon_port=$(rgw_free_port)
  rgw_port=$(rgw_free_port)
  while [ "$rgw_port" = "$mon_port" ]; do rgw_port=$(rgw_free_port); done

  cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
# One OSD: every pool keeps a single copy, placement stops at the OSD level, few placement groups.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon warn on msgr2 not enabled = false
# A test machine's disk may be fuller than a production monitor would accept; never let that stop the monitor.
mon data avail warn = 1
mon data avail crit = 0
# Fewer and quicker monitor proposals: the gateway creates its pools one map change at a time at first start.
paxos propose interval = 0.1
paxos min wait = 0.01
# The OSD is placed in the CRUSH map by this script, not by itself at boot: its boot-time commands can race the
# monitor map and be refused ("wrong fsid"), leaving the OSD down.
osd crush update on start = false
osd class update on start = false
osd objectstore = memstore
memstore device bytes = 2147483648
osd mon shutdown timeout = 1
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
mon data = $dir/mon/\$name
osd data = $dir/osd/\$name
keyring = $dir/keyring
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
CONF

  # Chained with &&: this function runs as an `if` condition, where `set -e` does not apply.
  local osd_uuid osd_id
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  {
    monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$mon_port]" "$dir/monmap" &&
      ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" &&
      ceph-mon -c "$conf" -i a &&
      osd_id=$(ceph -c "$conf" --connect-timeout 30 osd new "$osd_uuid") &&
      ceph -c "$conf" osd crush add "osd.$osd_id" 1.0 root=default &&
      mkdir -p "$dir/osd/osd.$osd_id" &&
      ceph-osd -c "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" &&
      ceph-osd -c "$conf" -i "$osd_id"
  } >"$dir/log/start.log" 2>&1 || { echo "rgw.sh: starting Ceph failed:" >&2; tail -n 20 "$dir/log/start.log" >&2; return 1; }

  # The gateway creates its pools at start and waits for them, so the OSD must be up first.
  local up=""
  for _ in $(seq 1 60); do
    if ceph -c "$conf" --connect-timeout 5 osd stat 2>/dev/null | grep -q " 1 up"; then up=1; break; fi
    sleep 0.25
  done
  if [ -z "$up" ]; then
    echo "rgw.sh: the OSD did not come up:" >&2
    tail -n 5 "$dir/log/osd.0.log" >&2 || true
    return 1
  fi

  radosgw -c "$conf" -n client.rgw.a >>"$dir/log/start.log" 2>&1 \
    || { echo "rgw.sh: starting radosgw failed:" >&2; tail -n 20 "$dir/log/start.log" >&2; return 1; }

  # The gateway answers once it has created its pools on the OSD (a few seconds).
  local ready="" pidfile="$dir/run/client.rgw.a.pid"
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null -m 2 "http://127.0.0.1:$rgw_port/"; then ready=1; break; fi
    if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
    sleep 0.2
  done
  if [ -z "$ready" ]; then
    echo "rgw.sh: radosgw did not answer on 127.0.0.1:$rgw_port:" >&2
    tail -n 5 "$dir/log/client.rgw.a.log" >&2 || true
    return 1
  fi

  local access_key secret_key
  access_key="WARDENTEST$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr 'a-f' 'A-F')"
  secret_key=$(head -c 30 /dev/urandom | base64 | tr -d '+/=\n')
  radosgw-admin -c "$conf" user create --uid warden-test --display-name "Warden tests" \
    --access-key "$access_key" --secret-key "$secret_key" >>"$dir/log/start.log" 2>&1 \
    || { echo "rgw.sh: creating the S3 user failed" >&2; tail -n 20 "$dir/log/start.log" >&2; return 1; }

  echo "export WARDEN_TEST_S3_ENDPOINT='http://127.0.0.1:$rgw_port'"
  echo "export WARDEN_TEST_S3_ACCESS_KEY='$access_key'"
  echo "export WARDEN_TEST_S3_SECRET_KEY='$secret_key'"
}

case "${1:-}" in
  start)
    [ -n "${2:-}" ] || { echo "usage: $0 start DIR" >&2; exit 2; }
    # A port taken between choosing and binding it fails one attempt, not the suite.
    for attempt in 1 2 3; do
      if rgw_start "$2"; then exit 0; fi
      rgw_stop "$2"
      [ "$attempt" -lt 3 ] && echo "rgw.sh: starting again" >&2
    done
    exit 1
    ;;
  stop)
    [ -n "${2:-}" ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
    rgw_stop "$2"
    ;;
  *)
    echo "usage: $0 start DIR | stop DIR" >&2
    exit 2
    ;;
esac
