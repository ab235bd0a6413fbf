#!/usr/bin/env bash
# Soak run (not part of CI): the server on its default configuration as a child process, driven over loopback by
# mixed POST, WebSocket, SSE and poll clients with topic churn, slow readers and oversized bodies for a set time.
# Prints resident memory and latency every second, drops by reason, and checks accepted = delivered + counted drops.
#   eng/soak.sh                       60 s
#   eng/soak.sh --duration 10m        the run recorded in docs/benchmarks.md ("Soak")
#   eng/soak.sh --rate 4000 --topic-churn 10 --no-slow-readers   (options: bench/Rx.Mediation.Soak/SoakOptions.cs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet build -c Release "$root/Rx.Mediation.Server" --nologo -v quiet
dotnet build -c Release "$root/bench/Rx.Mediation.Soak" --nologo -v quiet
exec dotnet run -c Release --no-build --project "$root/bench/Rx.Mediation.Soak" -- \
  --server "$root/Rx.Mediation.Server/bin/Release/net10.0/Rx.Mediation.Server.dll" "$@"
