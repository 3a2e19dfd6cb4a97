#!/usr/bin/env bash
# Backup and restore of a PostgreSQL control-plane database holding 1,000,000 usage-ledger rows:
# times and sizes of `warden backup create`, `verify` and `restore`. Reports figures, asserts nothing.
#
#   POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=…;Database=postgres" benchmarks/backup/run.sh
#
# POSTGRES (default: $WARDEN_TEST_POSTGRES, which ./test.sh and eng/test-services.sh export) is an admin connection
# string of a PostgreSQL server; the script creates and drops its own databases there. ROWS (default 1000000).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
POSTGRES="${POSTGRES:-${WARDEN_TEST_POSTGRES:-}}"
ROWS="${ROWS:-1000000}"
if [[ -z "$POSTGRES" ]]; then
  echo "Set POSTGRES (an admin connection string) or WARDEN_TEST_POSTGRES (eng/test-services.sh exports it)." >&2
  exit 2
fi

# Key=Value;… → libpq parameters for psql (the password through PGPASSWORD, not argv).
declare -A cs
IFS=';' read -ra parts <<<"$POSTGRES"
for part in "${parts[@]}"; do
  [[ "$part" == *=* ]] || continue
  key="${part%%=*}"; cs["${key,,}"]="${part#*=}"
done
export PGHOST="${cs[host]:-127.0.0.1}" PGPORT="${cs[port]:-5432}" PGUSER="${cs[username]:-${cs[user id]:-postgres}}"
[[ -n "${cs[password]:-}" ]] && export PGPASSWORD="${cs[password]}"

suffix="$(date -u +%H%M%S)_$$"
source_db="warden_bench_src_$suffix"
target_db="warden_bench_dst_$suffix"
location="$(mktemp -d -t warden-bench-backups-XXXXXX)"
base="${POSTGRES%;}"
base="$(sed -E 's/(^|;)[Dd]atabase=[^;]*//g' <<<"$base")"
source_cs="$base;Database=$source_db"
target_cs="$base;Database=$target_db"

cleanup() {
  psql -d postgres -qc "DROP DATABASE IF EXISTS \"$source_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  psql -d postgres -qc "DROP DATABASE IF EXISTS \"$target_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$location"
}
trap cleanup EXIT

echo "Building warden (Release)…"
dotnet build "$root/src/Warden" -c Release -v q -nologo >/dev/null
warden=(dotnet "$root/src/Warden/bin/Release/net10.0/warden.dll")

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

psql -d postgres -qc "CREATE DATABASE \"$source_db\""
"${warden[@]}" migrate --connection-string "$source_cs" >/dev/null

echo "Loading $ROWS ledger rows…"
t0=$(now)
psql -d "$source_db" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO organizations (id, slug, name, created_at, updated_at)
  SELECT ('00000000-0000-0000-0000-00000000000' || g)::uuid, 'org' || g, 'Organization ' || g, now(), now() FROM generate_series(1, 4) g;
INSERT INTO projects (id, organization_id, slug, name, created_at, updated_at)
  SELECT ('00000000-0000-0000-0001-0000000000' || lpad(g::text, 2, '0'))::uuid, ('00000000-0000-0000-0000-00000000000' || (1 + g % 4))::uuid,
         'project' || g, 'Project ' || g, now(), now() FROM generate_series(1, 16) g;
INSERT INTO consumers (id, project_id, name, created_at)
  SELECT ('00000000-0000-0000-0002-0000000000' || lpad(g::text, 2, '0'))::uuid, ('00000000-0000-0000-0001-0000000000' || lpad((1 + g % 16)::text, 2, '0'))::uuid,
         'svc' || g, now() FROM generate_series(1, 64) g;
INSERT INTO usage_records (event_id, occurred_at, organization_id, project_id, consumer_id, api_key_id, logical_model, provider_name,
                           upstream_model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cache_hit,
                           status, latency_ms, request_id)
SELECT md5('event' || g)::uuid,
       now() - (g * interval '2.6 second'),
       ('00000000-0000-0000-0000-00000000000' || (1 + g % 4))::uuid,
       ('00000000-0000-0000-0001-0000000000' || lpad((1 + g % 16)::text, 2, '0'))::uuid,
       ('00000000-0000-0000-0002-0000000000' || lpad((1 + g % 64)::text, 2, '0'))::uuid,
       md5('key' || (g % 200))::uuid,
       (ARRAY['chat', 'chat-large', 'embed', 'claude'])[1 + g % 4],
       (ARRAY['openai', 'azure', 'anthropic'])[1 + g % 3],
       (ARRAY['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small', 'claude-3-5-sonnet'])[1 + g % 4],
       200 + (g::bigint * 7919) % 4000, 20 + (g::bigint * 104729) % 900, (g % 5) * 128, 0,
       round(((200 + (g::bigint * 7919) % 4000) * 0.00000015 + (20 + (g::bigint * 104729) % 900) * 0.0000006)::numeric, 9),
       g % 23 = 0,
       CASE WHEN g % 97 = 0 THEN 'upstream_error' WHEN g % 211 = 0 THEN 'client_closed' ELSE 'ok' END,
       80 + (g::bigint * 31) % 2400,
       'req_' || md5('request' || g)
FROM generate_series(1, $ROWS) g;
ANALYZE;
SQL
load_s=$(elapsed "$t0" "$(now)")
db_bytes=$(psql -d "$source_db" -tAc "SELECT pg_database_size(current_database())")

run_timed() { local t=$(now); "$@" >"$location/.last" 2>&1 || { cat "$location/.last" >&2; exit 1; }; elapsed "$t" "$(now)"; }

echo "warden backup create…"
create_s=$(run_timed "${warden[@]}" backup create --connection-string "$source_cs" --to "$location")
backup_id=$(awk '/^Backup /{print $2; exit}' "$location/.last")
payload_bytes=$(stat -c %s "$location/$backup_id/payload.dump")
echo "warden backup verify…"
verify_s=$(run_timed "${warden[@]}" backup verify "$backup_id" --connection-string "$source_cs" --from "$location")
echo "warden backup restore (into a new database)…"
psql -d postgres -qc "CREATE DATABASE \"$target_db\""
restore_s=$(run_timed "${warden[@]}" backup restore "$backup_id" --connection-string "$target_cs" --from "$location")
restored_rows=$(psql -d "$target_db" -tAc "SELECT count(*) FROM usage_records")
echo "warden backup restore --force (replacing a populated database)…"
replace_s=$(run_timed "${warden[@]}" backup restore "$backup_id" --connection-string "$target_cs" --from "$location" --force)

mkdir -p "$root/benchmarks/results"
out="$root/benchmarks/results/backup-$(date -u +%Y%m%dT%H%M%SZ).json"
server_version=$(psql -d postgres -tAc "SHOW server_version")
cat >"$out" <<JSON
{
  "ledgerRows": $ROWS,
  "postgres": "$server_version",
  "cores": $(nproc),
  "loadSeconds": $load_s,
  "databaseBytes": $db_bytes,
  "payloadBytes": $payload_bytes,
  "createSeconds": $create_s,
  "verifySeconds": $verify_s,
  "restoreIntoEmptySeconds": $restore_s,
  "restoreReplacingSeconds": $replace_s,
  "restoredLedgerRows": $restored_rows
}
JSON
cat "$out"
