#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them with BenchmarkDotNet.
#   eng/bench.sh                                  the route throughput comparison (RouteThroughput), ~3-4 min on 2 cores
#   eng/bench.sh --filter '*RouteCostBreakdown*'  where the engine route's time and bytes go
#   eng/bench.sh --list flat                      any other BenchmarkDotNet arguments are passed through
# Results: bench/Rx.Mediation.Benchmarks/BenchmarkDotNet.Artifacts/results/*-report-github.md (see docs/benchmarks.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/bench/Rx.Mediation.Benchmarks"

args=("$@")
has_selection=false
for arg in "${args[@]+"${args[@]}"}"; do
  case "$arg" in
    --filter|-f|--filter=*|--list|--list=*|--info|--help|-h|--version) has_selection=true ;;
  esac
done
if [[ "$has_selection" == false ]]; then
  args=(--filter '*RouteThroughput*' "${args[@]+"${args[@]}"}")
fi

dotnet build -c Release "$project" --nologo -v quiet
dotnet run -c Release --no-build --project "$project" -- "${args[@]}"
