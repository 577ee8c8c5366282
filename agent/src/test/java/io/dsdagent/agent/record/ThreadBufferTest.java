package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-thread buffers: what a platform thread publishes reaches the aggregator in order, a quiet
 * thread's values are not stranded, a dead thread's buffer is drained and its slot reused, the set of
 * buffers stays bounded, and the final flush counts a value published after its drain as shutdown.
 * 4 stripes; queue sizes and buffer bounds per test.
 */
class ThreadBufferTest {
    private final Telemetry telemetry = new Telemetry();

    private Recorder recorder(int queueSamples, int threadBuffers) {
        return new Recorder(new Registry(100, 4, List.of(), telemetry), telemetry, 4, queueSamples, threadBuffers);
    }

    /** Collects drained values in order. */
    private static final class Collected implements Recorder.ChunkConsumer {
        final List<Long> values = new ArrayList<>();
        final List<Object> refs = new ArrayList<>();

        @Override
        public void accept(int[] ids, long[] vs, Object[] rs, int size) {
            for (int i = 0; i < size; i++) {
                values.add(vs[i]);
                refs.add(rs == null ? null : rs[i]);
            }
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            l.add(v);
        }
        return l;
    }

    @Test
    void aValueIsDrainedOnlyOncePublishedAndValuesArriveInOrderLapAfterLap() {
        Recorder r = recorder(65536, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        r.recordNanos(timer, 1);
        ThreadBuffer own = r.ownBuffer();
        assertNotNull(own, "a platform thread gets a buffer on its first value");
        long pos = own.write(timer, 2, null); // written, not yet published
        Collected c = new Collected();
        assertEquals(1, r.drainFull(c), "an unpublished value is not read");
        own.publish(pos + 1);
        assertEquals(1, r.drainFull(c), "published, it is");
        assertEquals(List.of(1L, 2L), c.values);
        Collected laps = new Collected();
        long v = 0;
        for (int lap = 0; lap < 10; lap++) { // 10 x 200 values through a 256-slot ring
            for (int i = 0; i < 200; i++) {
                r.recordNanos(timer, ++v);
            }
            assertEquals(200, r.drainFull(laps));
        }
        assertEquals(range(1, 2000), laps.values);
        int set = r.registry().register(Registry.SET, "s");
        r.setAdd(set, "m");
        r.recordNanos(timer, 7);
        Collected members = new Collected();
        r.drainFull(members);
        assertEquals(List.of("m"), members.refs.subList(0, 1));
        assertNull(members.refs.get(1), "a value never carries a member left in its slot");
        assertEquals(0, telemetry.totalDropped());
    }

    @Test
    void aQuietThreadsValuesAreDrainedWhileItLives() throws Exception {
        Recorder r = recorder(65536, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        CountDownLatch recorded = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        Thread quiet = new Thread(() -> {
            r.recordNanos(timer, 41);
            r.recordNanos(timer, 42);
            recorded.countDown();
            try {
                end.await(); // alive and silent: nothing hands its buffer over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        quiet.start();
        recorded.await();
        Collected c = new Collected();
        assertEquals(2, r.drainFull(c));
        assertEquals(List.of(41L, 42L), c.values);
        assertEquals(1, r.threadBuffers(), "still registered while its thread lives");
        end.countDown();
        quiet.join();
    }

    @Test
    void aDeadThreadsBufferIsDrainedAndItsSlotReusedAndThreadsPastTheBoundShareTheStripes() throws Exception {
        Recorder r = recorder(65536, 2);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        Thread shortLived = new Thread(() -> {
            for (int i = 1; i <= 10; i++) {
                r.recordNanos(timer, i);
            }
        });
        shortLived.start();
        shortLived.join();
        assertEquals(1, r.threadBuffers());
        Collected c = new Collected();
        assertEquals(10, r.drainFull(c), "its values, drained once it ended");
        assertEquals(0, r.threadBuffers(), "its slot freed");

        int threads = 3; // one more than the bound
        CountDownLatch registered = new CountDownLatch(threads);
        CountDownLatch end = new CountDownLatch(1);
        List<Thread> live = new ArrayList<>();
        boolean[] hasBuffer = new boolean[threads];
        for (int t = 0; t < threads; t++) {
            int n = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    r.recordNanos(timer, 1);
                }
                hasBuffer[n] = r.ownBuffer() != null;
                registered.countDown();
                try {
                    end.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            live.add(th);
            th.start();
        }
        registered.await();
        // a thread's slot is its id's: two threads may meet in one, so at least one of three has none
        int withBuffer = 0;
        for (boolean b : hasBuffer) {
            withBuffer += b ? 1 : 0;
        }
        assertTrue(r.threadBuffers() >= 1 && r.threadBuffers() <= 2, "bounded: " + r.threadBuffers());
        assertEquals(r.threadBuffers(), withBuffer, "a thread without a slot records through the stripes");
        long drained = r.drainFull(new Collected()) + r.drainStripes(new Collected());
        assertEquals(300, drained);
        end.countDown();
        for (Thread th : live) {
            th.join();
        }
        r.drainFull(new Collected());
        assertEquals(0, r.threadBuffers(), "all reclaimed");
        assertEquals(0, telemetry.totalDropped());
    }

    /** A {@code Thread} subclass may override {@code getId}: a buffer is its owner's by identity. */
    static final class SameId extends Thread {
        SameId(Runnable r) {
            super(r);
        }

        @Override
        @SuppressWarnings("deprecation")
        public long getId() {
            return 7;
        }
    }

    @Test
    void twoThreadsReportingTheSameIdNeverShareABuffer() throws Exception {
        Recorder r = recorder(65536, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        int perThread = 200_000;
        CountDownLatch go = new CountDownLatch(1);
        // neither thread ends before both have recorded: a dead owner's buffer is claimed again, and a
        // thread the scheduler starts late would then rightly own it after the first one ended
        CountDownLatch recorded = new CountDownLatch(2);
        boolean[] hasBuffer = new boolean[2];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int n = t;
            threads.add(new SameId(() -> {
                try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        r.recordNanos(timer, 1);
                    }
                    hasBuffer[n] = r.ownBuffer() != null;
                    recorded.countDown();
                    recorded.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        threads.forEach(Thread::start);
        go.countDown();
        long drained = 0;
        while (threads.get(0).isAlive() || threads.get(1).isAlive()) {
            drained += r.drainFull(new Collected()) + r.drainStripes(new Collected());
        }
        for (Thread th : threads) {
            th.join();
        }
        drained += r.drainFull(new Collected()) + r.drainStripes(new Collected());
        assertTrue(hasBuffer[0] != hasBuffer[1], "one buffer for the one slot both ids pick");
        assertEquals(2L * perThread, drained + r.takeDropped(timer), "every value kept or counted, once");
        assertEquals(0, telemetry.totalDropped());
    }

    private static Chunk[] holdAll(Recorder r) {
        Chunk[] held = new Chunk[r.stripes()];
        for (int i = 0; i < held.length; i++) {
            held[i] = r.holdStripe(i);
        }
        return held;
    }

    @Test
    void aFullBufferSpillsToTheSharedPathAndKeepsEveryValue() {
        Recorder r = recorder(65536, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        for (int i = 1; i <= Recorder.CHUNK_SIZE + 100; i++) {
            r.recordNanos(timer, i);
        }
        Collected c = new Collected();
        assertEquals(Recorder.CHUNK_SIZE, r.drainFull(c));
        assertEquals(100, r.drainStripes(c), "the excess, in a stripe's chunk");
        assertEquals(range(1, Recorder.CHUNK_SIZE + 100), c.values);
        assertEquals(0, r.takeDropped(timer));
    }

    @Test
    void aThreadThatOutrunsTheAggregatorSpillsAtMostTheLimitThenOnlyCounts() {
        Recorder r = recorder(65536, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        int kept = Recorder.CHUNK_SIZE + ThreadBuffer.SPILL_LIMIT;
        for (int i = 1; i <= kept + 50; i++) {
            r.recordNanos(timer, i);
        }
        Collected c = new Collected();
        assertEquals(kept, r.drainFull(c) + r.drainStripes(c), "its buffer, then the limit in the shared path");
        assertEquals(50, r.takeDropped(timer), "then counted, not kept: the shared queue stays for the others");
        assertEquals(kept + 50, r.lastDropped(timer));
        r.recordNanos(timer, 1); // drained: its buffer takes values, and it may spill again
        for (int i = 0; i < Recorder.CHUNK_SIZE; i++) {
            r.recordNanos(timer, 2);
        }
        assertEquals(Recorder.CHUNK_SIZE + 1, r.drainFull(new Collected()) + r.drainStripes(new Collected()));
        assertEquals(0, r.takeDropped(timer));
        assertEquals(kept + 50 + Recorder.CHUNK_SIZE + 1, r.recorded(), "drained + not kept = every value");
    }

    @Test
    void aSaturatedThreadCountsEveryContextsValuesApartWhenItAlternatesBetweenThem() {
        Recorder r = recorder(65536, 4);
        int a = r.registry().register(Registry.TIMER | Registry.NANOS, "a");
        int b = r.registry().register(Registry.TIMER | Registry.NANOS, "b");
        int c = r.registry().register(Registry.TIMER | Registry.NANOS, "c");
        int kept = Recorder.CHUNK_SIZE + ThreadBuffer.SPILL_LIMIT;
        for (int i = 0; i < kept; i++) {
            r.recordNanos(a, 1);
        }
        for (int i = 1; i <= 300; i++) { // each drop changes the context the last drop cached
            r.recordNanos(a, 1000 + i);
            r.recordNanos(b, 2000 + i);
            if (i % 3 == 0) {
                r.recordNanos(c, 3000 + i);
            }
        }
        assertEquals(300, r.takeDropped(a));
        assertEquals(1300, r.lastDropped(a));
        assertEquals(300, r.takeDropped(b));
        assertEquals(2300, r.lastDropped(b));
        assertEquals(100, r.takeDropped(c));
        assertEquals(3300, r.lastDropped(c));
        for (int i = 0; i < 5; i++) {
            r.recordNanos(b, 7);
        }
        assertEquals(0, r.takeDropped(a), "taken once");
        assertEquals(5, r.takeDropped(b), "the cell again, after the other contexts");
        assertEquals(kept, r.drainFull(new Collected()) + r.drainStripes(new Collected()));
        assertEquals(kept + 705, r.recorded(), "drained + not kept = every value");
    }

    @Test
    void aWakeUpDrainsTheSharedQueuesOnlySoASpillingThreadDoesNotRenewItsAllowanceBeforeTheTick() {
        Recorder r = recorder(65536, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        int kept = Recorder.CHUNK_SIZE + ThreadBuffer.SPILL_LIMIT;
        for (int i = 1; i <= kept; i++) {
            r.recordNanos(timer, i);
        }
        Collected c = new Collected();
        int handedOver = r.drainShared(c); // what a hand-off's wake-up drains: the spilled chunks, not the buffer
        assertEquals(ThreadBuffer.SPILL_LIMIT, handedOver);
        for (int i = 0; i < 10; i++) {
            r.recordNanos(timer, 7);
        }
        assertEquals(10, r.takeDropped(timer), "the buffer is still full and the allowance spent: counted only");
        assertEquals(Recorder.CHUNK_SIZE, r.drainFull(c), "the tick drains the buffer");
        r.recordNanos(timer, 8);
        assertEquals(1, r.drainFull(c), "and the buffer takes values again");
        assertEquals(0, r.takeDropped(timer));
        assertEquals(kept + 11, r.recorded(), "drained + not kept = every value");
    }

    @Test
    void whenTheSharedPathIsFullTooTheExcessIsCountedInTheThreadsOwnCellsUntilTheBufferIsDrained() {
        Recorder r = recorder(1024, 4); // a 128-sample ring
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        int set = r.registry().register(Registry.SET, "s");
        Chunk[] held = holdAll(r); // as writers preempted mid-write: the shared path has only its ring
        int ring = r.overflowCapacity();
        for (int i = 1; i <= Recorder.CHUNK_SIZE + ring + 100; i++) {
            r.recordNanos(timer, i);
        }
        r.setAdd(set, "lost"); // a member has no count to keep: when the shared path is full it is lost
        assertEquals(1, telemetry.dropped(Telemetry.Drop.QUEUE_FULL));
        assertEquals(100, r.takeDropped(timer), "not kept, counted");
        assertEquals(Recorder.CHUNK_SIZE + ring + 100, r.lastDropped(timer), "the last value dropped");
        assertEquals(0, r.takeDropped(timer), "taken once");
        Collected c = new Collected();
        assertEquals(Recorder.CHUNK_SIZE + ring, r.drainFull(c));
        assertEquals(range(1, Recorder.CHUNK_SIZE + ring), c.values, "buffer, then ring");
        for (int i = 0; i < held.length; i++) {
            r.releaseStripe(i, held[i]);
        }
        r.recordNanos(timer, 1); // drained: the buffer takes values again
        assertEquals(1, r.drainFull(new Collected()));
        assertEquals(Recorder.CHUNK_SIZE + ring + 100 + 1, r.recorded(), "drained + not kept = every value");
    }

    @Test
    void aDeadThreadsSlotWaitsUntilItsDropsAreTaken() throws Exception {
        Recorder r = recorder(1024, 1);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        Chunk[] held = holdAll(r);
        int ring = r.overflowCapacity();
        Thread burst = new Thread(() -> {
            for (int i = 0; i < Recorder.CHUNK_SIZE + ring + 7; i++) {
                r.recordNanos(timer, i);
            }
        });
        burst.start();
        burst.join();
        assertEquals(Recorder.CHUNK_SIZE + ring, r.drainFull(new Collected()));
        assertEquals(1, r.threadBuffers(), "7 drops not taken yet: the slot stays");
        assertEquals(7, r.takeDropped(timer));
        r.drainFull(new Collected());
        assertEquals(0, r.threadBuffers(), "freed once they were");
        for (int i = 0; i < held.length; i++) {
            r.releaseStripe(i, held[i]);
        }
    }

    @Test
    void theFinalFlushTakesWhatIsPublishedAndCountsAValueCaughtMidWriteAsShutdown() {
        Recorder r = recorder(65536, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        for (int i = 1; i <= 5; i++) {
            r.recordNanos(timer, i);
        }
        ThreadBuffer own = r.ownBuffer();
        long pos = own.write(timer, 6, null); // a writer that read "open" and is preempted before publishing
        Collected c = new Collected();
        assertEquals(0, r.closeAndDrain(c, System.nanoTime() + 1_000_000));
        assertEquals(range(1, 5), c.values, "what was published before the close");
        own.publish(pos + 1); // the preempted writer runs again after the final drain
        own.drop(timer, 8); // and one caught mid-drop
        r.recordNanos(timer, 7); // a writer that reads "closed"
        assertEquals(1, telemetry.dropped(Telemetry.Drop.SHUTDOWN));
        assertEquals(2, r.countLateValues());
        assertEquals(3, telemetry.dropped(Telemetry.Drop.SHUTDOWN), "every call after the cutoff, each once");
        assertEquals(0, r.countLateValues(), "counted once");
        assertEquals(5, r.recorded(), "recorded + dropped = every call");
    }

    @Test
    void theThreadPathAllocatesNothing() {
        Recorder r = recorder(65536, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        Recorder.ChunkConsumer ignore = (ids, values, refs, size) -> { };
        Runnable work = () -> {
            for (int i = 0; i < 200; i++) {
                r.recordNanos(timer, i);
            }
            r.drainFull(ignore);
        };
        for (int i = 0; i < 500; i++) {
            work.run(); // warm up: compiled code, and the thread's buffer registered
        }
        assertNotNull(r.ownBuffer());
        Allocations a = Allocations.measure(5, work);
        assertEquals(0, a.fewest(), a.toString());
        assertEquals(0, telemetry.totalDropped());
    }

    @Test
    void theSaturatedDropPathAllocatesNothing() {
        Recorder r = recorder(1024, 4);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        holdAll(r);
        Runnable work = () -> {
            for (int i = 0; i < 4000; i++) {
                r.recordNanos(timer, i); // buffer and ring full after the first few hundred: counted only
            }
            r.takeDropped(timer);
        };
        for (int i = 0; i < 200; i++) {
            work.run(); // warm up: compiled code, the thread's buffer and drop cells in place
        }
        Allocations a = Allocations.measure(5, work);
        assertEquals(0, a.fewest(), a.toString());
        assertEquals(0, telemetry.totalDropped(), "values not kept keep their count: nothing lost");
    }

    @Test
    void concurrentWritersWhileTheAggregatorDrainsCountEveryValueExactly() throws Exception {
        Recorder r = recorder(1 << 20, 8);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        int writers = 4;
        int each = 200_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = Writers.start(r, timer, writers, each, go);
        long[] sum = new long[1];
        Recorder.ChunkConsumer add = (ids, values, refs, size) -> {
            for (int i = 0; i < size; i++) {
                sum[0] += values[i];
            }
        };
        go.countDown();
        long drained = 0;
        boolean done = false;
        while (!done) {
            done = threads.stream().noneMatch(Thread::isAlive);
            drained += r.drainFull(add);
        }
        drained += r.drainFull(add) + r.drainStripes(add) + r.drainFull(add);
        long notKept = r.takeDropped(timer);
        r.drainFull(add); // frees the slots of the ended writers, their drops taken
        assertEquals((long) writers * each, drained + notKept, "drained " + drained + " + not kept " + notKept);
        assertTrue(notKept > 0 || sum[0] == (long) writers * each * (each + 1) / 2, "every value kept arrives whole");
        assertEquals(0, telemetry.totalDropped());
        assertEquals(0, r.threadBuffers(), "every writer ended: every slot freed");
    }

    @Test
    void writersRacingTheFinalDrainHaveEveryCallCountedOnceAsRecordedOrShutdown() throws Exception {
        for (int round = 0; round < 3; round++) { // the close lands at a different point of the writers' loops
            Telemetry tel = new Telemetry();
            Recorder r = new Recorder(new Registry(100, 4, List.of(), tel), tel, 4, 1 << 16, 8);
            int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
            int writers = 4;
            int each = 2_000_000; // more than the writers record before the close below
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = Writers.start(r, timer, writers, each, go);
            long[] drained = new long[1];
            Recorder.ChunkConsumer add = (ids, values, refs, size) -> drained[0] += size;
            go.countDown();
            while (drained[0] < 2_000 * (round + 1) && threads.stream().anyMatch(Thread::isAlive)) {
                r.drainFull(add); // the writers are under way, buffers and stripes in use
                r.drainStripes(add);
            }
            assertEquals(0, r.closeAndDrain(add, System.nanoTime() + 5_000_000_000L), "no stripe left held");
            long notKept = r.takeDropped(timer); // the final flush's take, then the writers run on
            for (Thread t : threads) {
                t.join();
            }
            long late = r.countLateValues(); // buffers found just before the close, published after the drain
            long shutdown = tel.dropped(Telemetry.Drop.SHUTDOWN); // late ones included
            assertTrue(shutdown > 0, "the close cut the writers short: later calls are counted as shutdown");
            assertTrue(late <= shutdown);
            assertEquals((long) writers * each, drained[0] + notKept + shutdown, "round " + round + ": drained "
                    + drained[0] + " + not kept " + notKept + " + shutdown " + shutdown + " (late " + late + ")");
            assertEquals((long) writers * each, r.recorded() + shutdown, "recorded + dropped = every call");
            assertEquals(shutdown, tel.totalDropped(), "no other reason");
            assertEquals(0, r.drainFull(add), "nothing is drained after the final drain");
        }
    }
}
