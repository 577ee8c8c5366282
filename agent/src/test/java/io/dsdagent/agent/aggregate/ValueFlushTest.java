package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.testing.UdpLoopback;
import io.dsdagent.agent.transport.UdpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator's flush of timer, histogram and distribution values, read byte for byte from a real UDP socket:
 * every value of an interval in one packed line while the context is under its cap; above the cap an unbiased
 * sample whose sample rates make the Datadog Agent count ({@code int(1/rate)} per value) exactly the values recorded.
 */
class ValueFlushTest {
    private final Telemetry telemetry = new Telemetry();
    private final Registry registry = new Registry(100, 1, List.of("env:test"), telemetry);
    private final Recorder recorder = new Recorder(registry, telemetry, 1, 4096);
    private final UdpLoopback rx;
    private final long[] now = {1_700_000_000_000L};

    ValueFlushTest() throws IOException {
        rx = new UdpLoopback();
    }

    @AfterEach
    void close() {
        rx.close();
    }

    private Aggregator aggregator(int maxSamplesPerContext) {
        UdpTransport t = new UdpTransport("127.0.0.1", rx.port(), 1432, telemetry);
        Aggregator agg = new Aggregator(recorder, () -> new Packer(t, telemetry, null), telemetry, 1000, 0,
                maxSamplesPerContext, false, () -> now[0]);
        agg.startInline();
        return agg;
    }

    private String flush(Aggregator agg) throws IOException {
        now[0] += 1000;
        agg.flush();
        return new String(rx.receive(), StandardCharsets.UTF_8);
    }

    @Test
    void valuesUnderTheCapGoOutInOrderAsOnePackedLinePerContext() throws IOException {
        Aggregator agg = aggregator(1000);
        int timer = registry.register(Registry.TIMER, "app.latency", "route:/a");
        int hist = registry.register(Registry.HISTOGRAM, "app.size");
        int dist = registry.register(Registry.DISTRIBUTION, "app.dist", "b:2", "a:1");
        recorder.recordNanos(timer, 1_500_000);
        recorder.recordNanos(timer, 2_000_000);
        recorder.recordNanos(timer, 250_000);
        recorder.record(hist, 1);
        recorder.record(hist, 2.5);
        recorder.record(hist, -3e-7);
        recorder.record(dist, 1e21);
        recorder.record(dist, 0.1);
        // tags sorted with the constant ones; exponents as Go's strconv writes them
        assertEquals("app.latency:1.5:2:0.25|ms|#env:test,route:/a\n"
                + "app.size:1:2.5:-3e-07|h|#env:test\n"
                + "app.dist:1e+21:0.1|d|#a:1,b:2,env:test\n", flush(agg));
        assertEquals(8, recorder.recorded());
    }

    @Test
    void aContextWithNoValuesInAnIntervalSendsNothing() throws IOException {
        Aggregator agg = aggregator(1000);
        int hist = registry.register(Registry.HISTOGRAM, "app.size");
        int other = registry.register(Registry.HISTOGRAM, "app.other");
        recorder.record(hist, 4);
        recorder.record(other, 5);
        assertEquals("app.size:4|h|#env:test\napp.other:5|h|#env:test\n", flush(agg));
        recorder.record(other, 6);
        assertEquals("app.other:6|h|#env:test\n", flush(agg));
        now[0] += 1000;
        agg.flush();
        assertTrue(rx.isEmpty(), "an interval with no values sends no datagram");
    }

    /**
     * 10 values over a cap of 4: two kept values weigh 3 and two weigh 2 (3+3+2+2 = 10). All values are equal so
     * that the reservoir's random choice cannot change the bytes.
     */
    @Test
    void aboveTheCapTheSampleRatesCarryTheExactCount() throws IOException {
        Aggregator agg = aggregator(4);
        int hist = registry.register(Registry.HISTOGRAM, "app.size");
        for (int i = 0; i < 10; i++) {
            recorder.record(hist, 7);
        }
        String d = flush(agg);
        assertEquals("app.size:7:7|h|@0.3333333333333333|#env:test\napp.size:7:7|h|@0.5|#env:test\n", d);
        assertEquals(10, agentCount(d));
    }

    /** Weight 93 is the one whose plain {@code 1.0/93} the Datadog Agent would truncate to 92. */
    @Test
    void aTimerAtNinetyThreeTimesTheCapIsWeighedNinetyThreePerValue() throws IOException {
        Aggregator agg = aggregator(4);
        int timer = registry.register(Registry.TIMER, "app.latency");
        for (int i = 0; i < 4 * 93; i++) {
            recorder.recordNanos(timer, 1_000_000);
        }
        String d = flush(agg);
        assertEquals("app.latency:1:1:1:1|ms|@" + rate(93) + "|#env:test\n", d);
        assertEquals(92, (long) (1 / (1.0 / 93)), "why the rate is not simply 1/93");
        assertEquals(4 * 93, agentCount(d));
    }

    /** 5 values over a cap of 3: two weigh 2 and one weighs 1, which is written without a rate. */
    @Test
    void aWeightOfOneIsWrittenWithoutARate() throws IOException {
        Aggregator agg = aggregator(3);
        int dist = registry.register(Registry.DISTRIBUTION, "app.dist");
        for (int i = 0; i < 5; i++) {
            recorder.record(dist, 0.5);
        }
        String d = flush(agg);
        assertEquals("app.dist:0.5:0.5|d|@0.5|#env:test\napp.dist:0.5|d|#env:test\n", d);
        assertEquals(5, agentCount(d));
    }

    /** The rate's text as the packer writes it: the shortest decimal that parses back to the same double. */
    private static String rate(long weight) {
        double r = SampleRates.compute(weight);
        assertEquals(weight, (long) (1 / r));
        return Double.toString(r);
    }

    /** What the Datadog Agent counts for a datagram of value lines: each value {@code int(1/rate)}. */
    private static long agentCount(String datagram) {
        long n = 0;
        for (String line : datagram.split("\n")) {
            String[] fields = line.split("\\|");
            long weight = 1;
            for (String f : fields) {
                if (f.startsWith("@")) {
                    weight = (long) (1 / Double.parseDouble(f.substring(1)));
                }
            }
            n += (fields[0].split(":").length - 1) * weight;
        }
        return n;
    }
}
