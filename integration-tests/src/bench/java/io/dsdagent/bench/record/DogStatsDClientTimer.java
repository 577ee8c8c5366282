package io.dsdagent.bench.record;

import com.timgroup.statsd.NonBlockingStatsDClient;
import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import io.dsdagent.bench.Sink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.Map;

/**
 * java-dogstatsd-client 4.4.x in its default configuration (client-side aggregation on, non-blocking,
 * telemetry on): {@code recordExecutionTime(name, millis, tags)}. Its aggregation covers counts, gauges and
 * sets, so every timing still becomes one line on the wire. The tag array is built once, as a careful
 * caller would.
 */
@State(Scope.Benchmark)
public class DogStatsDClientTimer {
    private static final String[] TAGS = {"context:c0"};
    private Sink sink;
    private NonBlockingStatsDClient client;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sink = new Sink(RecordBench.sinkPort(), "bench.record");
        client = new NonBlockingStatsDClientBuilder().hostname("127.0.0.1").port(sink.port()).build();
    }

    @Benchmark
    @Threads(1)
    public void threads1(Values v) {
        client.recordExecutionTime("bench.record", v.millis(), TAGS);
    }

    @Benchmark
    @Threads(2)
    public void threads2(Values v) {
        client.recordExecutionTime("bench.record", v.millis(), TAGS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.stop();
        Sink.Stats s = sink.snapshot();
        Map<String, Long> t = ClientTelemetry.of(client);
        long sent = t.getOrDefault("metricsSent", 0L);
        long dropped = t.getOrDefault("packetsDroppedQueue", 0L);
        System.out.printf("%n[sink] java-dogstatsd-client: values received %,d; %,d datagrams, %,d bytes;"
                        + " client telemetry (its last 10 s interval) %s: %.2f%% of calls dropped on its full queue%n",
                s.metricWeighted(), s.datagrams(), s.bytes(), t,
                sent + dropped == 0 ? 0.0 : 100.0 * dropped / (sent + dropped));
        sink.close();
    }
}
