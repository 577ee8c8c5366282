#!/usr/bin/env bash
# Benchmarks (README "Benchmarks"). Not part of `mvn verify`: the sources under
# integration-tests/src/bench are compiled only with the Maven profile `bench`.
#
#   ./bench.sh record [JMH options]   recording cost of one timing: dsd-agent vs java-dogstatsd-client vs
#                                     Micrometer StatsD vs a bare System.nanoTime() pair, and an empty @Timed
#                                     method and a woven servlet request measured whole; 1 and 2 threads,
#                                     JMH's GC profiler (ns/op and B/op); closes with ratios to the clock floor
#   ./bench.sh wire                   wire cost of 1,000,000 timings over 100 contexts through each client
#                                     to a UDP receiver: values, datagrams, bytes, packet fill
#   ./bench.sh overhead [options]     start-up (JDK 17 default CDS, JDK 25 AOT cache), wrk throughput and
#                                     latency, RSS and heap of a Jetty 12 app: no agent, dsd-agent, the
#                                     OpenTelemetry Java agent and dd-java-agent (downloaded from Maven Central),
#                                     and start-up of the Spring Boot 3.5 app of it-apps/springboot as an
#                                     executable jar (java -jar; median of paired differences over interleaved rounds,
#                                     with a no-op agent's as the floor every agent pays)
#                                     options: --runs N (5), --wrk-seconds S (15), --parts startup,springboot,throughput,
#                                     --rounds R (2, throughput), --springboot-rounds R (5, at least 5)
#   ./bench.sh hello [options]        start-up of a hello-world main (hyperfine, --warmup 3 --runs 20, interleaved
#                                     by hyperfine's order): no agent, -javaagent with DSD_AGENT_ENABLED=false, the whole
#                                     agent (exit flush included, to a UDP port nobody reads), on JDK 17 and 25; prints
#                                     median wall ms, mean user+sys CPU ms and what each agent run adds
#                                     options: --runs N (20), --jdks "java /path/to/jdk25/bin/java"
#   ./bench.sh all                    record and wire
#
# JMH results also go to integration-tests/target/bench-record.json.
set -euo pipefail
cd "$(dirname "$0")"
what=${1:-all}
shift || true
mvn -B -q -Pbench -pl integration-tests -am -DskipTests package
cp="integration-tests/target/classes:$(cat integration-tests/target/app.classpath)"
record() {
  # defaults (-bm avgt -tu ns -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc, JSON results) are RecordBench's, each
  # overridable here: JMH refuses an option given twice
  java -cp "$cp" io.dsdagent.bench.record.RecordBench "$@"
}
wire() {
  java -cp "$cp" io.dsdagent.bench.wire.WireCost "$@"
}
overhead() {
  peers=integration-tests/target/peers
  otel=$(sed -n 's:.*<otel.javaagent.version>\(.*\)</otel.javaagent.version>.*:\1:p' pom.xml)
  dd=$(sed -n 's:.*<dd.javaagent.version>\(.*\)</dd.javaagent.version>.*:\1:p' pom.xml)
  mvn -B -q dependency:copy -Dartifact=io.opentelemetry.javaagent:opentelemetry-javaagent:"$otel" -DoutputDirectory="$peers"
  mvn -B -q dependency:copy -Dartifact=com.datadoghq:dd-java-agent:"$dd" -DoutputDirectory="$peers"
  # jars only: class-data sharing and the AOT cache ignore classes in directories
  appcp="$PWD/$(ls integration-tests/target/dsd-agent-integration-tests-*.jar | head -1):$(cat integration-tests/target/app.classpath)"
  java -cp "$cp" io.dsdagent.bench.overhead.Overhead --cp "$appcp" --agent "$PWD/agent/target/dsd-agent.jar" \
    --otel "$PWD/$peers/opentelemetry-javaagent-$otel.jar" --dd "$PWD/$peers/dd-java-agent-$dd.jar" \
    --springboot-jar "$(ls "$PWD"/it-apps/springboot/target/dsd-agent-it-app-springboot-*-exec.jar | head -1)" "$@"
}
hello() {
  local runs=20 jdks="java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
  while [ $# -gt 0 ]; do
    case "$1" in
      --runs) runs=$2; shift 2 ;;
      --jdks) jdks=$2; shift 2 ;;
      *) echo "hello: unknown option $1" >&2; exit 2 ;;
    esac
  done
  local agent="$PWD/agent/target/dsd-agent.jar" classes="$PWD/integration-tests/target/classes"
  local json=integration-tests/target/bench-hello.json main=io.dsdagent.bench.hello.Hello
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  for j in $jdks; do
    echo "== $($j -version 2>&1 | head -1)"
    # a port nobody reads: what a host without a Datadog Agent sees; the sends still happen
    hyperfine -N --style basic --warmup 3 --runs "$runs" --export-json "$json" \
      -n none "$j -cp $classes $main" \
      -n disabled "env DSD_AGENT_ENABLED=false $j -javaagent:$agent -cp $classes $main" \
      -n agent "env DD_DOGSTATSD_PORT=18125 $j -javaagent:$agent -cp $classes $main" >/dev/null
    jq -r '.results as $r | ($r[0].median * 1000) as $w0 | (($r[0].user + $r[0].system) * 1000) as $c0
      | $r[] | ((.user + .system) * 1000) as $c
      | "\(.command | .[0:8])  median \(.median * 1000 | round) ms (added \(.median * 1000 - $w0 | round)), min \(.min * 1000 | round), max \(.max * 1000 | round); CPU user+sys mean \($c | round) ms (added \($c - $c0 | round))"' "$json"
  done
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}
case "$what" in
  record) record "$@" ;;
  wire) wire "$@" ;;
  overhead) overhead "$@" ;;
  hello) hello "$@" ;;
  all) wire && record ;;
  *) echo "usage: $0 record [JMH options] | wire | overhead [options] | hello [options] | all" >&2; exit 2 ;;
esac
