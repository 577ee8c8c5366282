package io.dsdagent.bench.wire;

import com.timgroup.statsd.NonBlockingStatsDClient;
import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import io.dsdagent.api.DsdMetrics;
import io.dsdagent.bench.record.ClientTelemetry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The wire-cost workload, run in its own JVM by {@link WireCost}: {@value #TIMINGS} timings spread round
 * robin over {@value #CONTEXTS} contexts (metric {@code bench.wire}, tag {@code context:cNN}), whole
 * milliseconds from 1 to 1000 (the same values for every client, so every client writes the same digits),
 * then the client is closed (dsd-agent: the JVM exits and the shutdown hook flushes).
 *
 * <p>The loop is paced to at most {@value #PER_MILLI} timings per millisecond (a million per second from one
 * thread, a busy service): an unpaced loop records ten million a second, faster than any of the clients
 * drains, and would measure their drop paths instead of their wire format.
 *
 * <p>Args: {@code dsd-agent|java-dogstatsd-client|micrometer PORT}.
 */
public final class WireApp {
    static final int TIMINGS = 1_000_000;
    static final int CONTEXTS = 100;
    static final String METRIC = "bench.wire";
    static final int PER_MILLI = 1000;
    private static long start;

    /** Waits, every {@link #PER_MILLI} timings, until the pace allows the next ones. */
    private static void pace(int i) {
        if (i % PER_MILLI != 0) {
            return;
        }
        if (i == 0) {
            start = System.nanoTime();
            return;
        }
        long due = start + (long) (i / PER_MILLI) * 1_000_000L;
        long now;
        while ((now = System.nanoTime()) < due) {
            LockSupport.parkNanos(due - now);
        }
    }

    private WireApp() {
    }

    static long millis(SplittableRandom r) {
        return 1 + r.nextInt(1000);
    }

    public static void main(String[] args) throws Exception {
        String subject = args[0];
        int port = Integer.parseInt(args[1]);
        SplittableRandom r = new SplittableRandom(4);
        switch (subject) {
            case "dsd-agent" -> {
                io.dsdagent.api.Timer[] timers = new io.dsdagent.api.Timer[CONTEXTS];
                for (int c = 0; c < CONTEXTS; c++) {
                    timers[c] = DsdMetrics.timer(METRIC, "context:c" + c);
                }
                for (int i = 0; i < TIMINGS; i++) {
                    pace(i);
                    timers[i % CONTEXTS].record(millis(r) * 1_000_000L);
                }
            }
            case "java-dogstatsd-client" -> {
                // blocking: the producer waits for the client's queue instead of dropping, so every timing
                // reaches the wire; the encoding and packing are those of the default configuration
                NonBlockingStatsDClient client = new NonBlockingStatsDClientBuilder().hostname("127.0.0.1")
                        .port(port).blocking(true).build();
                String[][] tags = new String[CONTEXTS][];
                for (int c = 0; c < CONTEXTS; c++) {
                    tags[c] = new String[] {"context:c" + c};
                }
                for (int i = 0; i < TIMINGS; i++) {
                    pace(i);
                    client.recordExecutionTime(METRIC, millis(r), tags[i % CONTEXTS]);
                }
                System.out.println("client says (before stop) " + ClientTelemetry.of(client));
                client.stop();
                System.out.println("client says (after stop) " + ClientTelemetry.of(client));
            }
            case "micrometer" -> {
                StatsdMeterRegistry registry = new StatsdMeterRegistry(new StatsdConfig() {
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
                }, Clock.SYSTEM);
                Timer[] timers = new Timer[CONTEXTS];
                for (int c = 0; c < CONTEXTS; c++) {
                    timers[c] = Timer.builder(METRIC).tag("context", "c" + c).register(registry);
                }
                for (int i = 0; i < TIMINGS; i++) {
                    pace(i);
                    timers[i % CONTEXTS].record(millis(r), TimeUnit.MILLISECONDS);
                }
                registry.close();
            }
            default -> throw new IllegalArgumentException(subject);
        }
    }
}
