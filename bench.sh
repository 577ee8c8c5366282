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
#                                     executable jar (java -jar; median of paired differences over interleaved rounds)
#                                     options: --runs N (5), --wrk-seconds S (15), --parts startup,springboot,throughput,
#                                     --rounds R (2, throughput), --springboot-rounds R (5, at least 5)
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
case "$what" in
  record) record "$@" ;;
  wire) wire "$@" ;;
  overhead) overhead "$@" ;;
  all) wire && record ;;
  *) echo "usage: $0 record [JMH options] | wire | overhead [options] | all" >&2; exit 2 ;;
esac
