package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eviction through the aggregator's flushes (cap 100, eviction after 1 idle flush, 1 s intervals on a
 * test clock): a context with data is kept; an idle one is evicted; what a writer that raced the
 * eviction put in its slot is still sent under the evicted context; the slot's next context gets only
 * its own data.
 */
class EvictionTest {
    private final Telemetry telemetry = new Telemetry();
    private final Registry registry = new Registry(100, 10, 1, 2, List.of());
    private final Recorder recorder = new Recorder(registry, telemetry, 2, 4096);
    private final TelemetryAcrossOutagesTest.FlakyTransport transport = new TelemetryAcrossOutagesTest.FlakyTransport(telemetry);
    private final long[] now = {1_700_000_000_000L};
    private final Aggregator agg = new Aggregator(recorder, () -> new Packer(transport, telemetry, null), telemetry,
            1000, 0, 1000, false, () -> now[0]);

    private void flush() {
        now[0] += 1000;
        agg.flush();
    }

    @Test
    void aRacingWriteIsSentUnderTheEvictedContextAndTheSlotsNextContextGetsOnlyItsOwn() {
        agg.startInline();
        int old = registry.register(Source.API, Registry.COUNT, "old");
        int busy = registry.register(Source.API, Registry.TIMER, "busy");
        int slot = registry.live(old);
        recorder.count(slot, 1);
        recorder.recordNanos(registry.live(busy), 1_000_000);
        flush();
        assertEquals(1, transport.sum("old"));

        recorder.recordNanos(registry.live(busy), 2_000_000);
        flush(); // "old" had nothing: evicted; "busy" had a value: kept
        assertEquals(-1, registry.live(old));
        assertTrue(registry.live(busy) >= 0);
        assertEquals(1, registry.evictions());

        recorder.count(slot, 5); // a writer that passed the generation check just before the eviction
        flush(); // the quarantine flush: sent under the old context, then the slot is free
        assertEquals(6, transport.sum("old"));

        int fresh = registry.register(Source.API, Registry.COUNT, "new");
        assertEquals(slot, registry.live(fresh), "the freed slot is reused");
        assertNotEquals(old, fresh);
        recorder.count(registry.live(fresh), 7);
        flush();
        assertEquals(7, transport.sum("new"));
        assertEquals(6, transport.sum("old"), "nothing of the new context under the old name");
        assertEquals(2, transport.values("busy"));
    }
}
