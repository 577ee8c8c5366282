package io.dsdagent.bench.record;

import io.dsdagent.bench.Sink;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * Micrometer's {@code StatsdMeterRegistry}, datadog flavor, otherwise default configuration (buffered
 * lines up to 1400 bytes): {@code Timer.record(long, TimeUnit)} on a timer registered once.
 */
@State(Scope.Benchmark)
public class MicrometerTimer {
    private Sink sink;
    private StatsdMeterRegistry registry;
    private Timer timer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sink = new Sink(RecordBench.sinkPort(), "bench.record");
        registry = registry(sink.port());
        timer = Timer.builder("bench.record").tag("context", "c0").register(registry);
    }

    static StatsdMeterRegistry registry(int port) {
        StatsdConfig config = new StatsdConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public StatsdFlavor flavor() {
                return StatsdFlavor.DATADOG;
            }

            @Override
            public String host() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return port;
            }
        };
        return new StatsdMeterRegistry(config, Clock.SYSTEM);
    }

    @Benchmark
    @Threads(1)
    public void threads1(Values v) {
        timer.record(v.nanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    @Threads(2)
    public void threads2(Values v) {
        timer.record(v.nanos(), TimeUnit.NANOSECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        registry.close();
        Sink.Stats s = sink.snapshot();
        System.out.printf("%n[sink] micrometer: values received %,d; %,d datagrams, %,d bytes%n",
                s.metricWeighted(), s.datagrams(), s.bytes());
        sink.close();
    }
}
