#!/usr/bin/env bash
# Builds the agent and runs the demo: a Jetty app with -javaagent:dsd-agent.jar sending to the agent's
# built-in receiver (java -jar dsd-agent.jar listen), which prints every metric it gets. ~30 s.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests package
port=${DEMO_PORT:-18125}
seconds=${DEMO_SECONDS:-30}
cp=$(cat integration-tests/target/app.classpath)
java -jar agent/target/dsd-agent.jar listen --udp "$port" --seconds $((seconds + 8)) &
listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT
sleep 1
DD_DOGSTATSD_URL="udp://127.0.0.1:$port" DD_SERVICE=demo DD_ENV=local DSD_AGENT_FLUSH_INTERVAL=2s \
  java -javaagent:agent/target/dsd-agent.jar -cp "integration-tests/target/classes:$cp" \
  io.dsdagent.demo.DemoApp "$seconds"
wait $listener || true
