package io.dsdagent.agent.record;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live cap: shares per source, eviction of idle contexts, generations, quarantine. */
class RegistryTest {
    /** Cap 100, 10% floor per source, eviction after 2 idle flushes. */
    private final Registry registry = new Registry(100, 10, 2, 2, List.of());

    /** What the aggregator does at a flush when no context had data. */
    private void idleFlush() {
        for (int slot = 0; slot < registry.size(); slot++) {
            if (registry.get(slot) != null) {
                registry.flushed(slot, false);
            }
        }
        registry.endFlush();
    }

    private List<Integer> fill(Source s, String name, int n) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(registry.register(s, Registry.COUNT, name, "i:" + i));
        }
        return ids;
    }

    @Test
    void theAgentsOwnContextsAreOutsideTheCapAndTheirIdIsTheirSlot() {
        for (int i = 0; i < 300; i++) {
            int id = registry.register(Registry.GAUGE, "jvm.x", "i:" + i);
            assertEquals(i, id);
            assertEquals(i, registry.live(id));
        }
        assertEquals(300, registry.live(Source.AGENT));
        assertEquals(80, fill(Source.API, "api", 80).stream().filter(id -> id >= 0).count(), "the cap is untouched");
        for (int i = 0; i < 10; i++) {
            idleFlush();
        }
        assertEquals(300, registry.live(Source.AGENT), "never evicted");
    }

    @Test
    void noNegativeOrForgedIdIsLiveWhateverTheSlotsHold() {
        List<Integer> ids = fill(Source.API, "n", 5);
        for (int i = 0; i < 2; i++) { // contexts 1-4 idle: evicted, context 0 kept
            for (int slot = 0; slot < registry.size(); slot++) {
                registry.flushed(slot, slot == 0);
            }
            registry.endFlush();
        }
        assertEquals(0, registry.live(ids.get(0)));
        assertEquals(-1, registry.live(ids.get(1)), "evicted");
        // the record path has no sign check: a slot without a live context must hold nothing any id equals
        for (int slot = 0; slot < 4096; slot++) {
            assertEquals(-1, registry.live(~slot), "~" + slot);
            assertEquals(-1, registry.live(-1 - slot * 1024), "-1 - " + slot + " * 1024");
        }
        assertEquals(-1, registry.live(-1), "the id of a refused context");
        assertEquals(-1, registry.live(Integer.MIN_VALUE));
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            int forged = rnd.nextInt() | Integer.MIN_VALUE;
            assertEquals(-1, registry.live(forged), "negative id " + forged);
        }
    }

    @Test
    void everyIdStaysLiveAsTheSlotsGrowPastTheirFirstSegmentsAndAnEvictedOneIsRefusedInEvery() {
        Registry r = new Registry(5000, 10, 2, 2, List.of());
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 4000; i++) { // four segments of 1,024 slots: the live-id array is copied at each
            int id = r.register(Source.API, Registry.COUNT, "g", "i:" + i);
            assertTrue(id >= 0);
            ids.add(id);
            assertEquals(i, r.live(id), "the newest id, in the copy made for its segment");
        }
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(i, r.live(ids.get(i)), "an id registered before a copy survives it");
        }
        for (int slot = 0; slot < r.size(); slot++) {
            r.flushed(slot, slot % 2 == 0); // the odd slots idle
        }
        for (int slot = 0; slot < r.size(); slot++) {
            r.flushed(slot, slot % 2 == 0);
        }
        r.endFlush();
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(i % 2 == 0 ? i : -1, r.live(ids.get(i)), "evicted ids refused, kept ones live");
        }
        int beyond = ids.get(3999) + 4096; // the slot of a segment never allocated, as a forged id would name it
        assertEquals(-1, r.live(beyond));
        assertEquals(-1, r.live(1 << 20 | 5), "another generation of a live slot");
    }

    @Test
    void aFloodingSourceLeavesEveryOtherSourceItsFloor() {
        List<Integer> api = fill(Source.API, "flood", 1000);
        assertEquals(80, api.stream().filter(id -> id >= 0).count(), "100 minus the two other floors");
        assertFalse(registry.hasRoom(Source.API));
        assertTrue(registry.hasRoom(Source.METHODS));
        assertEquals(10, fill(Source.METHODS, "m", 10).stream().filter(id -> id >= 0).count());
        assertEquals(10, fill(Source.HTTP, "h", 10).stream().filter(id -> id >= 0).count());
        assertEquals(-1, registry.register(Source.METHODS, Registry.COUNT, "m", "i:10"), "the cap is full");
        assertEquals(100, registry.live(Source.API) + registry.live(Source.METHODS) + registry.live(Source.HTTP));
    }

    @Test
    void anIdleContextIsEvictedQuarantinedForOneFlushThenItsSlotIsReusedWithTheNextGeneration() {
        int a = registry.register(Source.API, Registry.COUNT, "a");
        int slot = registry.live(a);
        assertTrue(slot >= 0);
        idleFlush();
        assertEquals(slot, registry.live(a), "one idle flush of two");
        idleFlush();
        assertEquals(-1, registry.live(a), "evicted: the id is refused at once");
        assertEquals(1, registry.evictions());
        ContextInfo quarantined = registry.get(slot);
        assertNotNull(quarantined, "its last data is still flushed under it");
        assertEquals(a, quarantined.handle);

        int again = registry.register(Source.API, Registry.COUNT, "a");
        assertNotEquals(slot, registry.live(again), "not the quarantined slot");
        registry.endFlush();
        assertNull(registry.get(slot), "freed after the quarantine flush");

        int b = registry.register(Source.API, Registry.COUNT, "b");
        assertEquals(slot, registry.live(b), "the freed slot, reused");
        assertNotEquals(a, b, "with the next generation");
        assertEquals(-1, registry.live(a), "the old id never reaches the new context");
        assertEquals("b", registry.get(slot).name);
    }

    @Test
    void aContextWithDataIsKeptAndAPinnedOneIsNeverEvicted() {
        int busy = registry.register(Source.METHODS, Registry.COUNT, "busy");
        int pinned = registry.registerPinned(Source.API, Registry.COUNT, "pinned");
        for (int i = 0; i < 5; i++) {
            registry.flushed(registry.live(busy), true);
            registry.flushed(registry.live(pinned), false);
            registry.endFlush();
        }
        assertTrue(registry.live(busy) >= 0);
        assertTrue(registry.live(pinned) >= 0);
        assertEquals(0, registry.evictions());
    }

    @Test
    void evictionFreesRoomUnderTheCapForNewContexts() {
        assertEquals(80, fill(Source.API, "old", 80).stream().filter(id -> id >= 0).count());
        assertEquals(-1, registry.register(Source.API, Registry.COUNT, "new", "i:0"));
        idleFlush();
        idleFlush();
        assertTrue(registry.hasRoom(Source.API));
        assertEquals(0, registry.live(Source.API));
        assertEquals(80, fill(Source.API, "new", 80).stream().filter(id -> id >= 0).count());
    }

    @Test
    void aContextRefRegistersAgainAfterEvictionAndARefusedOneOnlyOnceThereIsRoom() {
        ContextRef kept = new ContextRef(registry, Source.API, Registry.COUNT, "kept");
        int first = kept.id();
        assertEquals(registry.live(first), kept.slot());
        assertEquals(registry.live(first), kept.slot(), "checked once, then taken from the cache");
        idleFlush();
        idleFlush();
        assertEquals(-1, registry.live(first));
        fill(Source.API, "other", 79); // the API's share is full again, "kept" aside
        int slot = kept.slot(); // the cached slot is not trusted: a context was evicted since
        assertTrue(slot >= 0, "re-registered on its next use");
        assertNotEquals(first, kept.id());
        assertSame(registry.get(slot), registry.get(registry.live(kept.id())));

        ContextRef refused = new ContextRef(registry, Source.API, Registry.COUNT, "late");
        assertEquals(-1, refused.id());
        assertEquals(-1, refused.slot(), "no room: no lookup, the caller drops the sample");
        for (int i = 0; i < 3; i++) {
            idleFlush();
        }
        assertTrue(refused.slot() >= 0, "room again: it registers");
    }
}
