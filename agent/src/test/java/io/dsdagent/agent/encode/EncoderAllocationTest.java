package io.dsdagent.agent.encode;

import io.dsdagent.agent.aggregate.SampleRates;
import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Once warmed up, encoding a value allocates nothing: counts, gauges, packed values, rates, set members. */
class EncoderAllocationTest {
    @Test
    void encodingAllocatesZeroBytesPerValue() {
        Telemetry telemetry = new Telemetry();
        Registry registry = new Registry(100, 1, Arrays.asList("env:prod", "service:web"), telemetry);
        CapturingTransport tr = new CapturingTransport(1432);
        tr.keep = false;
        Packer p = new Packer(tr, telemetry, "|c:abc|card:low".getBytes(StandardCharsets.US_ASCII));
        ContextInfo count = registry.get(registry.register(Registry.COUNT, "requests", "status:200"));
        ContextInfo gauge = registry.get(registry.register(Registry.GAUGE, "queue.depth"));
        ContextInfo timer = registry.get(registry.register(Registry.TIMER, "latency", "route:/a"));
        ContextInfo hist = registry.get(registry.register(Registry.HISTOGRAM, "size"));
        ContextInfo set = registry.get(registry.register(Registry.SET, "users"));
        SampleRates rates = new SampleRates();
        long[] nanos = new long[64];
        long[] doubles = new long[64];
        for (int i = 0; i < 64; i++) {
            nanos[i] = 1_234_567L * (i + 1);
            doubles[i] = Double.doubleToRawLongBits(Math.PI * (i - 20) * 1e-3 * (i % 7 == 0 ? 1e9 : 1));
        }
        String member = "user-42é";
        int rounds = 20_000;
        long values = encode(p, count, gauge, timer, hist, set, rates, nanos, doubles, member, rounds); // warm up, JIT
        assertTrue(values > 1_000_000);
        Allocations a = Allocations.measure(5,
                () -> encode(p, count, gauge, timer, hist, set, rates, nanos, doubles, member, rounds));
        assertEquals(0, a.fewest(), values + " values per attempt, " + a);
    }

    private static long encode(Packer p, ContextInfo count, ContextInfo gauge, ContextInfo timer, ContextInfo hist,
                               ContextInfo set, SampleRates rates, long[] nanos, long[] doubles, String member, int rounds) {
        long values = 0;
        for (int i = 0; i < rounds; i++) {
            p.timestamped(count, false, i, 1_700_000_000L + i);
            p.timestamped(gauge, true, doubles[i & 63], 1_700_000_000L + i);
            p.packed(timer, nanos, 0, 64, Packer.NANOS, rates.forWeight(1 + (i % 97)));
            p.packed(hist, doubles, 0, 64, Packer.DOUBLE_BITS, 1);
            p.setMember(set, member);
            values += 131;
        }
        p.flush();
        return values;
    }
}
