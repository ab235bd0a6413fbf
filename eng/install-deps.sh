#!/usr/bin/env bash
# Installs the OS packages the test suite needs, on Debian 12, idempotently.
# Brokers run from Debian's packages on loopback ports the tests choose; the tests start and stop them.
set -euo pipefail

packages=(
  python3 curl
  # Kafka: kcat as an independent client (librdkafka, also the specs' mock cluster, comes from NuGet's librdkafka.redist)
  kcat
  # RabbitMQ (AMQP 0-9-1, and AMQP 1.0 through its plugin) and amqp-tools as an independent client
  # (the amqp10/jms endpoint and the specs' AMQP 1.0 client use AMQPNetLite from NuGet)
  rabbitmq-server amqp-tools
  # MQTT 5: the Mosquitto broker and mosquitto_pub/sub as independent clients (the endpoint uses MQTTnet from NuGet)
  mosquitto mosquitto-clients
  # The dashboard (/ui) and cross-origin page specs: a real headless browser, driven by Playwright for .NET
  chromium
  # NodeClientSpecs: Node's built-in WebSocket as an independent client (Node 20.10 or later; Debian 12's own is 18)
  nodejs
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # Debian starts services it installs where it can; the tests run their own broker instances instead.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod +x /usr/sbin/policy-rc.d
    trap '$sudo_cmd rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is required and is not on PATH" >&2
  exit 1
fi
