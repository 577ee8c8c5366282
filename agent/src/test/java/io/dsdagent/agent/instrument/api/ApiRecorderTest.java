package io.dsdagent.agent.instrument.api;

import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.testing.Allocations;
import io.dsdagent.bootstrap.Sink;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API's entries: a live id records with no allocation; a stale or refused id is handled once. */
class ApiRecorderTest {
    private final Telemetry telemetry = new Telemetry();

    /** Cap 16 with no floors (the API may take all 16), eviction after one idle flush. */
    private final Registry registry = new Registry(16, 0, 1, 2, List.of());
    private final Recorder recorder = new Recorder(registry, telemetry, 2, 1 << 16);
    private final ApiRecorder api = new ApiRecorder(recorder, telemetry);

    private void idleFlush() {
        for (int slot = 0; slot < registry.size(); slot++) {
            if (registry.get(slot) != null) {
                registry.flushed(slot, false);
            }
        }
        registry.endFlush();
    }

    @Test
    void recordingThroughALiveIdAllocatesNothing() {
        Registry big = new Registry(1000, 2, List.of(), telemetry);
        Recorder recorder = new Recorder(big, telemetry, 2, 1 << 20);
        ApiRecorder a = new ApiRecorder(recorder, telemetry);
        int counter = a.resolve(Registry.COUNT, "c", new String[] {"k:v"});
        int timer = a.resolve(Registry.TIMER, "t", new String[0]);
        int gauge = a.resolve(Registry.GAUGE, "g", new String[0]);
        for (int i = 0; i < 20_000; i++) { // let the JIT settle
            a.tryCount(counter, 1);
            a.tryGauge(gauge, i);
        }
        Allocations m = Allocations.measure(5, () -> {
            for (int i = 0; i < 1000; i++) {
                a.tryCount(counter, 1);
                a.tryRecordNanos(timer, i);
                a.tryGauge(gauge, i);
            }
        });
        assertEquals(0, m.fewest(), "bytes allocated by 3,000 records through live ids, " + m);
        assertEquals(0, telemetry.totalDropped());
    }

    @Test
    void anEvictedIdAsksItsHandleToRenew() {
        int id = api.resolve(Registry.COUNT, "c", new String[0]);
        assertEquals(Sink.TAKEN, api.tryCount(id, 1));
        idleFlush(); // it had data: the registry was not told, so this counts as idle
        assertEquals(Sink.STALE, api.tryCount(id, 1));
        int renewed = api.resolve(Registry.COUNT, "c", new String[0]);
        assertNotEquals(id, renewed);
        assertEquals(Sink.TAKEN, api.tryCount(renewed, 1));
        assertEquals(0, telemetry.totalDropped());
    }

    @Test
    void anEvictedTimerIdIsAskedToRenewAndNeverRecordsIntoItsReusedSlot() {
        int id = api.resolve(Registry.TIMER, "t", new String[0]);
        int slot = registry.live(id);
        for (int i = 0; i < 3; i++) {
            assertEquals(Sink.TAKEN, api.tryRecordNanos(id, 1));
        }
        assertEquals(3, recorder.drainFull((ids, values, refs, size) -> { }));
        idleFlush(); // evicted: the slot goes into quarantine
        assertEquals(Sink.STALE, api.tryRecordNanos(id, 2));
        idleFlush(); // the slot is free: the next context takes it, with the next generation
        int other = api.resolve(Registry.HISTOGRAM, "h", new String[0]);
        assertEquals(slot, registry.live(other), "the premise: the evicted timer's slot was reused");
        assertEquals(Sink.STALE, api.tryRecordNanos(id, 3));
        assertEquals(Sink.STALE, api.tryRecord(id, 3.0));
        assertEquals(Sink.TAKEN, api.tryRecord(other, 5.0));
        List<Long> intoSlot = new ArrayList<>();
        recorder.drainFull((ids, values, refs, size) -> {
            for (int i = 0; i < size; i++) {
                assertEquals(slot, ids[i]);
                intoSlot.add(values[i]);
            }
        });
        assertEquals(List.of(Double.doubleToRawLongBits(5.0)), intoSlot, "only the new context's value");
        int renewed = api.resolve(Registry.TIMER, "t", new String[0]);
        assertNotEquals(id, renewed);
        assertEquals(Sink.TAKEN, api.tryRecordNanos(renewed, 4));
        assertEquals(0, telemetry.totalDropped());
    }

    @Test
    void aRefusedIdIsDroppedOnceEachCallUntilThereIsRoomThenAskedToRenew() {
        for (int i = 0; i < 16; i++) {
            assertTrue(api.resolve(Registry.COUNT, "full", new String[] {"i:" + i}) >= 0);
        }
        int refused = api.resolve(Registry.COUNT, "late", new String[0]);
        assertEquals(-1, refused);
        assertEquals(Sink.TAKEN, api.tryCount(refused, 1));
        api.count(refused, 1); // the older stub: dropped and counted once too
        assertEquals(2, telemetry.dropped(Telemetry.Drop.CONTEXT_CAP));
        idleFlush();
        assertEquals(Sink.STALE, api.tryCount(refused, 1), "room now: renew");
        assertEquals(2, telemetry.dropped(Telemetry.Drop.CONTEXT_CAP));
        assertTrue(api.resolve(Registry.COUNT, "late", new String[0]) >= 0);
    }
}
