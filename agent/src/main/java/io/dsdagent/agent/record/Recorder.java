package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;
import org.jctools.queues.atomic.SpmcAtomicArrayQueue;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The recording hot path: no allocation, no lock, no map lookup, never waits.
 *
 * <ul>
 *   <li><b>Counts</b> are added straight into striped cells ({@code getAndAdd} on the caller's stripe),
 *       so they are exact under any load and never dropped.</li>
 *   <li><b>Gauges</b> are a last-value cell per context.</li>
 *   <li><b>Value samples</b> (timers, histograms, distributions, set members) are appended to a
 *       {@link Chunk} owned by the caller's stripe. A writer takes the chunk with one atomic swap, so it
 *       is the only writer; if the stripe is busy it tries the next one and never spins. A full chunk is
 *       handed to the aggregator on a JCTools MPSC queue and replaced from a pool (an SPMC queue the
 *       aggregator refills). A writer that finds {@link #MAX_ATTEMPTS} stripes held (their writers
 *       preempted mid-write) appends to the {@link Overflow} ring instead. Pool and ring bound memory at
 *       {@code DSD_AGENT_QUEUE_SIZE} samples: when both are full the sample is dropped and counted.</li>
 * </ul>
 * Stripes are chosen by thread id, so any number of threads (virtual threads included) share a fixed
 * number of buffers.
 */
public final class Recorder {
    static final long GAUGE_UNSET = 0x7ff8dead0000beefL; // a NaN payload no real gauge can carry
    public static final int CHUNK_SIZE = 256;
    private static final int PAD = 16; // longs/refs between stripe slots: no false sharing
    private static final int MAX_ATTEMPTS = 4;

    private final Registry registry;
    private final Telemetry telemetry;
    private final int stripes;
    private final int stripeMask;
    private final AtomicReferenceArray<Chunk> owned;
    private final AtomicLongArray recorded;
    /** Value samples drained by the aggregator (stored values are counted here, not when recorded). */
    private final java.util.concurrent.atomic.AtomicLong drained = new java.util.concurrent.atomic.AtomicLong();
    private final int wakeThreshold;
    private final MpscAtomicArrayQueue<Chunk> full;
    private final SpmcAtomicArrayQueue<Chunk> free;
    private final Overflow overflow;
    private final int overflowWakeMask;
    private final Chunk overflowScratch = new Chunk(CHUNK_SIZE); // the aggregator's, for draining the ring
    private volatile Thread consumer;
    private volatile boolean consumerParked;

    public Recorder(Registry registry, Telemetry telemetry, int stripes, int queueSamples) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two");
        }
        this.registry = registry;
        this.telemetry = telemetry;
        this.stripes = stripes;
        this.stripeMask = stripes - 1;
        // an eighth of the budget for the ring, the rest for chunks
        this.overflow = new Overflow(Integer.highestOneBit(Math.max(64, queueSamples / 8)));
        this.overflowWakeMask = overflow.capacity() / 4 - 1;
        int chunks = Math.max(stripes * 2, (queueSamples - overflow.capacity()) / CHUNK_SIZE);
        this.owned = new AtomicReferenceArray<Chunk>(stripes * PAD);
        this.recorded = new AtomicLongArray(stripes * PAD);
        this.full = new MpscAtomicArrayQueue<Chunk>(chunks);
        this.wakeThreshold = Math.max(1, chunks / 8);
        full.size(); // links JCTools' size helper now, not on an application thread's first hand-off
        this.free = new SpmcAtomicArrayQueue<Chunk>(chunks);
        for (int i = 0; i < stripes; i++) {
            owned.set(i * PAD, new Chunk(CHUNK_SIZE));
        }
        for (int i = stripes; i < chunks; i++) {
            free.offer(new Chunk(CHUNK_SIZE));
        }
    }

    /** A power of two of about four stripes per core, at most 64. */
    public static int defaultStripes() {
        int n = Runtime.getRuntime().availableProcessors() * 4;
        int p = 4;
        while (p < n && p < 64) {
            p <<= 1;
        }
        return p;
    }

    public int stripes() {
        return stripes;
    }

    public Registry registry() {
        return registry;
    }

    /** The aggregator thread, woken when a chunk is handed over while it sleeps. */
    public void setConsumer(Thread t) {
        consumer = t;
    }

    /** Called by the consumer around its park, so writers know to wake it. */
    public void setConsumerParked(boolean parked) {
        consumerParked = parked;
    }

    private int stripe() {
        int h = (int) Thread.currentThread().getId() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & stripeMask;
    }

    // ---- hot path -------------------------------------------------------------------------------

    public void count(int id, long delta) {
        Registry.Segment seg = id < 0 ? null : registry.segments.get(id >>> Registry.SHIFT);
        if (seg == null) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
            return;
        }
        int s = stripe();
        seg.counts.getAndAdd(s * Registry.SEGMENT + (id & Registry.MASK), delta);
        recorded.getAndIncrement(s * PAD);
    }

    public void gauge(int id, double value) {
        Registry.Segment seg = id < 0 ? null : registry.segments.get(id >>> Registry.SHIFT);
        if (seg == null) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
            return;
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            telemetry.drop(Telemetry.Drop.NAN);
            return;
        }
        seg.gauges.set(id & Registry.MASK, Double.doubleToRawLongBits(value));
        recorded.getAndIncrement(stripe() * PAD);
    }

    /** A timer value in nanoseconds. */
    public void recordNanos(int id, long nanos) {
        append(id, nanos, null);
    }

    /** A histogram or distribution value. */
    public void record(int id, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            telemetry.drop(Telemetry.Drop.NAN);
            return;
        }
        append(id, Double.doubleToRawLongBits(value), null);
    }

    public void setAdd(int id, String member) {
        append(id, 0L, member == null ? "null" : member);
    }

    private void append(int id, long bits, Object ref) {
        if (id < 0) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
            return;
        }
        int start = stripe();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int slot = ((start + attempt) & stripeMask) * PAD;
            Chunk c = owned.getAndSet(slot, null);
            if (c == null) {
                continue; // another thread is writing this stripe: try the next
            }
            if (c.isFull()) {
                c = handOff(c);
            }
            boolean stored = !c.isFull();
            if (stored) {
                c.put(id, bits, ref);
                if (c.isFull()) {
                    c = handOff(c);
                }
            }
            owned.lazySet(slot, c);
            if (!stored) { // stored values are counted when the aggregator drains them: one atomic less here
                telemetry.drop(Telemetry.Drop.QUEUE_FULL);
            }
            return;
        }
        long pos = overflow.offer(id, bits, ref);
        if (pos < 0) {
            wakeConsumer();
            telemetry.drop(Telemetry.Drop.QUEUE_FULL);
        } else if ((pos & overflowWakeMask) == overflowWakeMask) { // every quarter ring: drain before the tick
            wakeConsumer();
        }
    }

    /** Hands a full chunk to the aggregator and returns an empty one, or the same one if the pool is dry. */
    private Chunk handOff(Chunk c) {
        Chunk fresh = free.poll();
        if (fresh == null) {
            wakeConsumer();
            return c;
        }
        full.offer(c); // cannot fail: the queue holds every chunk there is
        if (full.size() >= wakeThreshold) { // else the next tick (100 ms) drains it: fewer unparks
            wakeConsumer();
        }
        return fresh;
    }

    private void wakeConsumer() {
        if (consumerParked) {
            Thread t = consumer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** For tests: takes stripe {@code i}'s chunk as a writer preempted mid-write would hold it. */
    Chunk holdStripe(int i) {
        return owned.getAndSet(i * PAD, null);
    }

    /** For tests: gives back what {@link #holdStripe} took. */
    void releaseStripe(int i, Chunk c) {
        owned.set(i * PAD, c);
    }

    int overflowCapacity() {
        return overflow.capacity();
    }

    // ---- aggregator side (one thread) -------------------------------------------------------------

    /** Receives drained chunks; must not keep them. */
    public interface ChunkConsumer {
        void accept(int[] ids, long[] values, Object[] refs, int size);
    }

    /** Drains the chunks handed over so far; returns the number of samples. */
    public int drainFull(ChunkConsumer consumer) {
        int n = 0;
        Chunk c;
        while ((c = full.poll()) != null) {
            n += consume(c, consumer);
            free.offer(c);
        }
        for (;;) { // then the ring, a chunk's worth at a time
            overflow.drainTo(overflowScratch);
            int k = overflowScratch.size;
            if (k > 0) {
                n += consume(overflowScratch, consumer);
            }
            if (k < CHUNK_SIZE) {
                return n;
            }
        }
    }

    /**
     * Takes the partly filled chunk of every stripe (swapping in an empty one), so that an interval's
     * samples are flushed even from threads that went quiet. A stripe being written right now is
     * retried a few times; what cannot be taken goes into the next interval.
     */
    public int drainStripes(ChunkConsumer consumer) {
        int n = 0;
        for (int i = 0; i < stripes; i++) {
            int slot = i * PAD;
            Chunk c = null;
            for (int spin = 0; spin < 1000 && c == null; spin++) {
                c = owned.getAndSet(slot, null);
                if (c == null) {
                    Thread.yield();
                }
            }
            if (c == null) {
                continue;
            }
            if (c.size == 0) {
                owned.lazySet(slot, c);
                continue;
            }
            Chunk fresh = free.poll();
            if (fresh == null) {
                n += consume(c, consumer);
                owned.lazySet(slot, c);
            } else {
                owned.lazySet(slot, fresh);
                n += consume(c, consumer);
                free.offer(c);
            }
        }
        return n;
    }

    private int consume(Chunk c, ChunkConsumer consumer) {
        int n = c.size;
        drained.lazySet(drained.get() + n); // only the aggregator thread writes it
        consumer.accept(c.ids, c.values, c.refs, n);
        c.clear();
        return n;
    }

    /** Sum of a counter's stripes since the last call, resetting them. */
    public long takeCount(int id) {
        Registry.Segment seg = registry.segments.get(id >>> Registry.SHIFT);
        int base = id & Registry.MASK;
        long sum = 0;
        for (int s = 0; s < stripes; s++) {
            int i = s * Registry.SEGMENT + base;
            if (seg.counts.get(i) != 0) {
                sum += seg.counts.getAndSet(i, 0);
            }
        }
        return sum;
    }

    /** The gauge's last value bits since the last call, or {@link #GAUGE_UNSET}. */
    public long takeGauge(int id) {
        Registry.Segment seg = registry.segments.get(id >>> Registry.SHIFT);
        int i = id & Registry.MASK;
        if (seg.gauges.get(i) == GAUGE_UNSET) {
            return GAUGE_UNSET;
        }
        return seg.gauges.getAndSet(i, GAUGE_UNSET);
    }

    public static boolean isUnset(long gaugeBits) {
        return gaugeBits == GAUGE_UNSET;
    }

    /** Every sample accepted so far (counts, gauges, values), across stripes. */
    public long recorded() {
        long sum = 0;
        for (int i = 0; i < stripes; i++) {
            sum += recorded.get(i * PAD);
        }
        return sum + drained.get();
    }
}
