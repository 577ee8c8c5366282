#!/usr/bin/env bash
# Builds the agent and runs the demo: a Jetty app with -javaagent:dsd-agent.jar sending to the agent's
# built-in receiver (java -jar dsd-agent.jar listen --summary), which draws a table of what arrived every
# 5 s: one row per metric context. DEMO_LISTEN="" shows every message decoded instead. ~30 s.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests package
port=${DEMO_PORT:-18125}
seconds=${DEMO_SECONDS:-30}
listen=${DEMO_LISTEN---summary --interval 5s}
cp=$(cat integration-tests/target/app.classpath)
# shellcheck disable=SC2086 # $listen is a list of options
COLUMNS=${COLUMNS:-$( { [ -t 1 ] && tput cols 2>/dev/null; } || echo 120)} \
  java -jar agent/target/dsd-agent.jar listen --udp "$port" --seconds $((seconds + 8)) $listen &
listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT
sleep 1
DD_DOGSTATSD_URL="udp://127.0.0.1:$port" DD_SERVICE=demo DD_ENV=local DSD_AGENT_FLUSH_INTERVAL=2s \
  java -javaagent:agent/target/dsd-agent.jar -cp "integration-tests/target/classes:$cp" \
  io.dsdagent.demo.DemoApp "$seconds"
wait $listener || true
