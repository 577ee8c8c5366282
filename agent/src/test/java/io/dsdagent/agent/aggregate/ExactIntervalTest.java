package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.record.HeldStripes;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counts are exact whatever is dropped: values that could not be queued still count, through the sample
 * rates the Datadog Agent weighs them by; counter sums never wrap; every lost call is counted once,
 * under one reason, in calls. The aggregator is driven inline on a capturing transport (256-byte
 * datagrams), 4 stripes, a queue of 8,192 samples (a 1,024-sample overflow ring), no per-thread buffers:
 * the shared path, which virtual threads and full thread buffers take, is the one that overflows.
 */
class ExactIntervalTest {
    private final Telemetry telemetry = new Telemetry();
    private final Registry registry = new Registry(100, 4, List.of(), telemetry);
    private final Recorder recorder = new Recorder(registry, telemetry, 4, 8192, 0);
    private final TelemetryAcrossOutagesTest.FlakyTransport transport =
            new TelemetryAcrossOutagesTest.FlakyTransport(telemetry);
    private final Aggregator agg = new Aggregator(recorder, () -> new Packer(transport, telemetry, null), telemetry,
            1000, 0, 1000, true, () -> 1_700_000_000_000L);

    ExactIntervalTest() {
        agg.startInline();
    }

    /** Holds every stripe, as writers preempted mid-write would: values go to the ring, then are dropped. */
    private HeldStripes holdStripes() {
        return new HeldStripes(recorder);
    }

    /** What the Datadog Agent counts for {@code name}'s value lines: values times int(1/rate). */
    private long agentCount(String name) {
        long n = 0;
        for (String l : transport.lines) {
            if (l.startsWith(name + ":")) {
                String[] f = l.split("\\|");
                long weight = 1;
                for (String field : f) {
                    if (field.startsWith("@")) {
                        weight = (long) (1.0 / Double.parseDouble(field.substring(1)));
                    }
                }
                n += (f[0].split(":").length - 1) * weight;
            }
        }
        return n;
    }

    private List<String> lines(String name) {
        List<String> out = new ArrayList<>();
        for (String l : transport.lines) {
            if (l.startsWith(name + ":")) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void valuesThatCannotBeQueuedStillCountThroughTheirSampleRates() {
        int timer = registry.register(Registry.TIMER | Registry.NANOS, "t.timer");
        int hist = registry.register(Registry.HISTOGRAM, "t.hist");
        int dist = registry.register(Registry.DISTRIBUTION, "t.dist");
        holdStripes();
        for (int i = 0; i < 5_000; i++) {
            recorder.recordNanos(timer, 1_000_000L * (i % 7 + 1));
            recorder.record(hist, i % 11);
            recorder.record(dist, i % 13);
        }
        agg.flush();
        assertEquals(5_000, agentCount("t.timer"));
        assertEquals(5_000, agentCount("t.hist"));
        assertEquals(5_000, agentCount("t.dist"));
        assertEquals(3 * 5_000 - 1024, transport.sum("dsd_agent.values.not_kept"), "all but the ring's 1,024");
        assertEquals(0, telemetry.totalDropped(), "nothing lost");
        assertEquals(15_000, transport.sum("dsd_agent.samples.recorded"));
    }

    @Test
    void aContextWhoseEveryValueWasDroppedSendsItsLastValueWithTheWholeCount() {
        int filler = registry.register(Registry.TIMER | Registry.NANOS, "t.filler");
        int timer = registry.register(Registry.TIMER | Registry.NANOS, "t.late");
        holdStripes();
        for (int i = 0; i < 1024; i++) {
            recorder.recordNanos(filler, 1_000_000);
        }
        for (int i = 1; i <= 300; i++) {
            recorder.recordNanos(timer, 1_000_000L * i);
        }
        agg.flush();
        List<String> late = lines("t.late");
        assertEquals(1, late.size(), late.toString());
        assertTrue(late.get(0).startsWith("t.late:300|ms|@"), late.get(0));
        assertEquals(300, agentCount("t.late"));
        assertEquals(1024, agentCount("t.filler"));
        agg.flush();
        assertEquals(1, lines("t.late").size(), "taken once: the next interval sends nothing");
    }

    @Test
    void incrementingByLongMaxValueTwiceSendsTheExactSumNeverAWrappedOne() {
        int big = registry.register(Registry.COUNT, "t.big");
        int low = registry.register(Registry.COUNT, "t.low");
        recorder.count(big, Long.MAX_VALUE);
        recorder.count(big, Long.MAX_VALUE);
        recorder.count(low, Long.MIN_VALUE);
        recorder.count(low, Long.MIN_VALUE);
        agg.flush();
        assertEquals(List.of("t.big:18446744073709552000|c|T1700000000"), lines("t.big"));
        assertEquals(List.of("t.low:-18446744073709552000|c|T1700000000"), lines("t.low"));
        recorder.count(big, Long.MAX_VALUE);
        recorder.count(big, -Long.MAX_VALUE);
        recorder.count(big, 3);
        agg.flush();
        assertEquals("t.big:3|c|T1700000001", lines("t.big").get(1), "the carry does not leak into the next interval");
        assertEquals(7, transport.sum("dsd_agent.samples.recorded"), "calls, not values");
    }

    @Test
    void aLostCountLineCountsTheCallsItStoodForNeverItsValue() {
        int c = registry.register(Registry.COUNT, "t.c");
        recorder.count(c, Long.MIN_VALUE);
        recorder.count(c, 5);
        transport.up = false;
        agg.flush();
        transport.up = true;
        agg.flush();
        assertEquals(2, telemetry.dropped(Telemetry.Drop.SEND_FAILED));
        assertEquals(2, transport.sum("dsd_agent.samples.dropped"));
        assertEquals(2, transport.sum("dsd_agent.samples.recorded"));
        for (String l : transport.lines) {
            assertTrue(!l.startsWith("dsd_agent.") || !l.contains(":-"), "negative telemetry: " + l);
        }
    }

    @Test
    void aCallOnARefusedContextIsCountedOnceAsContextCap() {
        Registry small = new Registry(1, 4, List.of(), telemetry);
        Recorder r = new Recorder(small, telemetry, 4, 8192);
        assertEquals(0, small.register(Source.API, Registry.COUNT, "kept"));
        int refused = small.register(Source.API, Registry.TIMER, "refused");
        assertEquals(-1, refused);
        for (int i = 0; i < 821; i++) {
            r.recordNanos(refused, i);
        }
        r.count(refused, 1);
        assertEquals(822, telemetry.dropped(Telemetry.Drop.CONTEXT_CAP));
        assertEquals(822, telemetry.totalDropped(), "under one reason only");
    }

    @Test
    void theFinalFlushSendsEveryStripeAndRingSlotAndCountsLaterCallsAsShutdown() {
        int timer = registry.register(Registry.TIMER | Registry.NANOS, "t.final");
        int c = registry.register(Registry.COUNT, "t.count");
        for (int i = 0; i < 100; i++) {
            recorder.recordNanos(timer, 1_000_000);
            recorder.count(c, 1);
        }
        HeldStripes h = holdStripes();
        for (int i = 0; i < 50; i++) {
            recorder.recordNanos(timer, 2_000_000); // into the ring
        }
        h.release();
        agg.finalFlush();
        recorder.recordNanos(timer, 1);
        recorder.count(c, 1);
        assertEquals(150, agentCount("t.final"));
        assertEquals(100, transport.sum("t.count"));
        assertEquals(2, telemetry.dropped(Telemetry.Drop.SHUTDOWN));
    }

    @Test
    void longSetMembersAreBoundedInUtf8BytesAndStayDistinct() {
        String prefix = "é".repeat(200); // 400 bytes
        String a = SetMembers.bound(prefix + "a");
        String b = SetMembers.bound(prefix + "b");
        assertTrue(!a.equals(b), a + " / " + b);
        assertEquals(SetMembers.MAX_BYTES - 1, a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                "123 two-byte characters and a nine-byte suffix: the next character would not fit");
        assertTrue(a.matches("é{123}~[0-9a-f]{8}"), a);
        assertEquals(a, SetMembers.bound(prefix + "a"), "stable");
        String fits = "x".repeat(SetMembers.MAX_BYTES);
        assertTrue(fits == SetMembers.bound(fits), "a member that fits is untouched");
        String emoji = "\uD83D\uDE00".repeat(100); // 400 bytes of surrogate pairs
        String e = SetMembers.bound(emoji);
        assertTrue(e.matches("(\uD83D\uDE00){61}~[0-9a-f]{8}"), e);
    }
}
