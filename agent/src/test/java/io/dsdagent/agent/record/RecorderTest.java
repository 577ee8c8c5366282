package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Value samples whose writer finds its stripes held: a writer preempted mid-write holds its stripe for a
 * time slice, which on a busy machine with more threads than cores made the others drop samples (an
 * integration run lost 1,426 of 16,000 on one CPU). They now go to the overflow ring.
 */
class RecorderTest {
    private final Telemetry telemetry = new Telemetry();

    private Recorder recorder(int stripes, int queueSamples) {
        // no per-thread buffers: these tests are about the shared path (virtual threads, full thread buffers)
        return new Recorder(new Registry(100, stripes, List.of(), telemetry), telemetry, stripes, queueSamples, 0);
    }

    private static Chunk[] holdAll(Recorder r) {
        Chunk[] held = new Chunk[r.stripes()];
        for (int i = 0; i < held.length; i++) {
            held[i] = r.holdStripe(i);
        }
        return held;
    }

    /** Collects drained samples in order. */
    private static final class Collected implements Recorder.ChunkConsumer {
        final List<Long> values = new ArrayList<>();
        final List<Object> refs = new ArrayList<>();
        long sum;

        @Override
        public void accept(int[] ids, long[] vs, Object[] rs, int size) {
            for (int i = 0; i < size; i++) {
                values.add(vs[i]);
                refs.add(rs == null ? null : rs[i]);
                sum += vs[i];
            }
        }
    }

    @Test
    void samplesGoToTheRingWhenEveryStripeIsHeldAndArriveInOrder() {
        Recorder r = recorder(4, 65536);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        int set = r.registry().register(Registry.SET, "s");
        Chunk[] held = holdAll(r);
        for (int i = 0; i < 1000; i++) {
            r.recordNanos(timer, i);
        }
        r.setAdd(set, "member");
        Collected c = new Collected();
        assertEquals(1001, r.drainFull(c));
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, (long) c.values.get(i));
        }
        assertEquals("member", c.refs.get(1000));
        assertEquals(0, telemetry.totalDropped());
        assertEquals(0, r.drainFull(new Collected()), "drained once");
        for (int i = 0; i < held.length; i++) {
            r.releaseStripe(i, held[i]);
        }
    }

    @Test
    void aFullRingDropsAndCountsExactlyTheExcess() {
        Recorder r = recorder(4, 8192);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        holdAll(r);
        int ring = r.overflowCapacity();
        assertEquals(1024, ring, "an eighth of the 8,192-sample budget");
        for (int i = 0; i < ring + 100; i++) {
            r.recordNanos(timer, i);
        }
        assertEquals(0, telemetry.totalDropped(), "a value not queued keeps its count: not lost");
        assertEquals(100, r.takeDropped(timer));
        assertEquals(ring + 99, r.lastDropped(timer), "the last value dropped");
        assertEquals(0, r.takeDropped(timer), "taken once");
        Collected c = new Collected();
        assertEquals(ring, r.drainFull(c));
        // drained slots are free again, lap after lap
        for (int lap = 0; lap < 3; lap++) {
            for (int i = 0; i < ring; i++) {
                r.recordNanos(timer, 1);
            }
            assertEquals(ring, r.drainFull(new Collected()));
        }
        assertEquals(0, r.takeDropped(timer));
        int set = r.registry().register(Registry.SET, "s");
        for (int i = 0; i < ring + 3; i++) {
            r.setAdd(set, "m");
        }
        assertEquals(3, telemetry.dropped(Telemetry.Drop.QUEUE_FULL), "a set member that cannot be queued is lost");
    }

    @Test
    void concurrentWritersIntoTheRingWhileTheAggregatorDrainsLoseNothing() throws Exception {
        Recorder r = recorder(4, 64 * 1024 * 1024);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        holdAll(r);
        int writers = 4;
        int each = 200_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = Writers.start(r, timer, writers, each, go);
        Collected c = new Collected();
        AtomicBoolean done = new AtomicBoolean();
        go.countDown();
        long drained = 0;
        while (!done.get()) {
            done.set(threads.stream().noneMatch(Thread::isAlive));
            drained += r.drainFull(c); // drains while writers are mid-publish, then once after they all ended
        }
        drained += r.drainFull(c);
        assertEquals((long) writers * each, drained);
        assertEquals((long) writers * each * (each + 1) / 2, c.sum);
        assertEquals(0, telemetry.totalDropped());
    }

    @Test
    void theRingPathAllocatesNothing() {
        Recorder r = recorder(4, 65536);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        holdAll(r);
        Recorder.ChunkConsumer ignore = (ids, values, refs, size) -> { };
        Runnable work = () -> {
            for (int i = 0; i < 4000; i++) {
                r.recordNanos(timer, i);
            }
            r.drainFull(ignore);
        };
        for (int i = 0; i < 50; i++) {
            work.run(); // warm up: compiled code, not the interpreter, is measured
        }
        Allocations a = Allocations.measure(5, work);
        assertEquals(0, a.fewest(), a.toString());
        assertEquals(0, telemetry.totalDropped());
    }

    @Test
    void theDropPathAndTheCountPathAllocateNothing() {
        Recorder r = recorder(4, 8192);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        int counter = r.registry().register(Registry.COUNT, "c");
        holdAll(r);
        for (int i = 0; i < r.overflowCapacity(); i++) {
            r.recordNanos(timer, i); // the ring is full from here on: every value takes the drop path
        }
        CountTake take = new CountTake();
        Runnable work = () -> {
            for (int i = 0; i < 4000; i++) {
                r.recordNanos(timer, i);
                r.count(counter, Long.MAX_VALUE); // wraps its stripe cell every other call: the carry path
            }
            r.takeCount(counter, take);
            r.takeDropped(timer);
        };
        for (int i = 0; i < 50; i++) {
            work.run();
        }
        Allocations a = Allocations.measure(5, work);
        assertEquals(0, a.fewest(), a.toString());
        assertEquals(0, telemetry.totalDropped(), "values not queued keep their count: nothing lost");
        r.takeCount(counter, take);
        r.count(counter, Long.MAX_VALUE);
        r.count(counter, Long.MAX_VALUE);
        r.takeCount(counter, take);
        assertEquals(2, take.calls);
        assertEquals(0x1p64 - 2, take.asDouble());
    }

    @Test
    void aHandOffOrARingSampleIsSeenByTheAggregatorsRecheckBeforeItParks() {
        Recorder r = recorder(4, 65536);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        assertEquals(false, r.hasWork());
        for (int i = 0; i < Recorder.CHUNK_SIZE; i++) {
            r.recordNanos(timer, i); // one stripe's chunk fills and is handed over
        }
        assertEquals(true, r.hasWork(), "a handed-over chunk");
        r.drainFull(new Collected());
        assertEquals(false, r.hasWork());
        Chunk[] held = holdAll(r);
        r.recordNanos(timer, 1);
        assertEquals(true, r.hasWork(), "a ring sample");
        r.drainFull(new Collected());
        assertEquals(false, r.hasWork());
        for (int i = 0; i < held.length; i++) {
            r.releaseStripe(i, held[i]);
        }
    }

    @Test
    void aClosedRingTakesNoMoreSamplesAndTheFinalDrainGetsEveryOneBeforeTheClose() {
        Recorder r = recorder(4, 65536);
        int timer = r.registry().register(Registry.TIMER | Registry.NANOS, "t");
        int set = r.registry().register(Registry.SET, "s");
        for (int i = 1; i <= 100; i++) {
            r.recordNanos(timer, i); // into the stripes
        }
        Chunk[] held = holdAll(r);
        for (int i = 101; i <= 200; i++) {
            r.recordNanos(timer, i); // into the ring
        }
        for (int i = 0; i < held.length; i++) {
            r.releaseStripe(i, held[i]);
        }
        Collected c = new Collected();
        assertEquals(0, r.closeAndDrain(c, System.nanoTime() + 1_000_000_000L), "no stripe left held");
        assertEquals(200L * 201 / 2, c.sum, "every value recorded before the close, once");
        assertEquals(200, c.values.size());
        r.recordNanos(timer, 1);
        r.setAdd(set, "m");
        r.count(r.registry().register(Registry.COUNT, "c"), 1);
        holdAll(r);
        r.recordNanos(timer, 1); // the ring, closed
        assertEquals(4, telemetry.dropped(Telemetry.Drop.SHUTDOWN));
        assertEquals(0, r.drainFull(new Collected()), "a tombstone is never delivered");
    }
}
