#!/usr/bin/env bash
# Runs Warden's whole test suite.
#
# On a fresh Debian machine (as root) it installs what is missing (PostgreSQL, Redis, Node.js, Ceph RADOS Gateway),
# starts throw-away PostgreSQL, Redis and S3-compatible (eng/rgw.sh) servers on free loopback ports, installs the Node
# test packages, builds the solution in Release (warnings are errors), runs every test project and stops the servers
# again, also when tests fail. On a developer machine with its own servers, export WARDEN_TEST_POSTGRES /
# WARDEN_TEST_REDIS / WARDEN_TEST_S3_ENDPOINT (+ _ACCESS_KEY, _SECRET_KEY) to use those.
#
# Extra arguments go to `dotnet test`, e.g.  ./test.sh --filter "FullyQualifiedName~Storage"
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

# shellcheck source=eng/test-services.sh
source eng/test-services.sh
trap stop_services EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

install_missing
start_services

if [ -f tests/node/package.json ]; then
  echo "test.sh: installing Node test packages"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

echo "test.sh: building (Release, warnings as errors)"
dotnet build Warden.slnx -c Release -warnaserror -nologo -clp:ErrorsOnly

RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

status=0
dotnet test Warden.slnx -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --logger "trx" --results-directory "$RESULTS" "$@" || status=$?

# One closing line for people and CI: totals over every test project.
passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${n:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the runner failed without a result file (crash, build error): never report green
fi
echo
echo "Total: $passed passed, $failed failed, $skipped skipped"
exit "$status"
