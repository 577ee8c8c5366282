#!/usr/bin/env bash
# Benchmarks (README "Benchmarks"). Not part of `mvn verify`: the sources under
# integration-tests/src/bench are compiled only with the Maven profile `bench`.
#
#   ./bench.sh record [JMH options]   recording cost of one timing: dsd-agent vs java-dogstatsd-client vs
#                                     Micrometer StatsD vs a bare System.nanoTime() pair; 1 and 2 threads,
#                                     JMH's GC profiler (ns/op and B/op)
#   ./bench.sh wire                   wire cost of 1,000,000 timings over 100 contexts through each client
#                                     to a UDP receiver: values, datagrams, bytes, packet fill
#   ./bench.sh all                    both
#
# JMH results also go to integration-tests/target/bench-record.json.
set -euo pipefail
cd "$(dirname "$0")"
what=${1:-all}
shift || true
mvn -B -q -Pbench -pl integration-tests -am -DskipTests package
cp="integration-tests/target/classes:$(cat integration-tests/target/app.classpath)"
record() {
  java -cp "$cp" io.dsdagent.bench.record.RecordBench -bm avgt -tu ns -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc \
    -rf json -rff integration-tests/target/bench-record.json "$@"
}
wire() {
  java -cp "$cp" io.dsdagent.bench.wire.WireCost "$@"
}
case "$what" in
  record) record "$@" ;;
  wire) wire "$@" ;;
  all) wire && record ;;
  *) echo "usage: $0 record [JMH options] | wire | all" >&2; exit 2 ;;
esac
