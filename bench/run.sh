#!/usr/bin/env bash
# "Prove it fast": builds in Release, then compares on this machine, in one run,
#   1. the authorizer's throughput and p99 with a bare Kestrel endpoint's (issue 12: median of the A/B rounds,
#      throughput >= 0.85, p99 <= 1.3x), and
#   2. the local host's start -> first 200 allow with the bare app's start -> first 200 (target <= 2x).
# Both servers run as their own processes over mutual TLS on 127.0.0.1; see docs/performance.md.
#
# Usage: bench/run.sh [--quick] [any TppGate.LoadTest flag, e.g. --duration 30 --workers 64 --http 2]
# Defaults can also come from the environment: LOAD_DURATION, LOAD_WARMUP, LOAD_WORKERS, LOAD_HTTP,
# LOAD_ROUNDS, LOAD_STARTUP_RUNS. --quick (a smoke check, about 15 s after the build) exits non-zero only on
# errors (a non-200 or non-allow answer, a server that does not start), never on a missed ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

flags=(
  --duration "${LOAD_DURATION:-10}"
  --warmup "${LOAD_WARMUP:-90}"
  --workers "${LOAD_WORKERS:-32}"
  --http "${LOAD_HTTP:-1.1}"
  --rounds "${LOAD_ROUNDS:-7}"
  --startup-runs "${LOAD_STARTUP_RUNS:-5}"
)

echo "== build (Release)"
dotnet build bench/TppGate.Baseline/TppGate.Baseline.csproj -c Release --nologo -v quiet
dotnet build bench/TppGate.LoadTest/TppGate.LoadTest.csproj -c Release --nologo -v quiet

echo "== run"
exec dotnet bench/TppGate.LoadTest/bin/Release/net10.0/TppGate.LoadTest.dll "${flags[@]}" "$@"
