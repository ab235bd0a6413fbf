#!/usr/bin/env bash
# Broker benchmark (docs/broker-benchmarks.md): for each broker, in one run, the endpoint's own client library
# publishing from a plain loop ("direct") beside the same broker reached through the running server ("engine": WebSocket
# clients → route → endpoint), plus WebSocket → broker → WebSocket round-trip latency. Prints a markdown table:
#   broker | direct events/s | engine events/s | engine/direct | p50 | p99
# followed by where the engine path's time goes (in-process source, endpoint alone, web ingress) and every round.
#
#   eng/bench-brokers.sh                                   all brokers (kafka, mqtt, solace, rabbitmq, amqp10), ~6-8 min on 2 cores
#   eng/bench-brokers.sh --brokers kafka,mqtt              a subset
#   eng/bench-brokers.sh --rounds 3 --kafka 2000000        more rounds, more messages (see bench/Rx.Mediation.BrokerBench/Program.cs)
#
# Brokers are started privately on free loopback ports (librdkafka's mock cluster in-process, Mosquitto and RabbitMQ as
# child processes) and stopped at the end. The markdown is also written to bench/Rx.Mediation.BrokerBench/artifacts/results.md (git-ignored).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/bench/Rx.Mediation.BrokerBench"

bash "$root/eng/install-deps.sh"

dotnet build -c Release "$project" --nologo -v quiet
dotnet "$project/bin/Release/net10.0/Rx.Mediation.BrokerBench.dll" --out "$project/artifacts/results.md" "$@"
