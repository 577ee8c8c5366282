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
 *       {@code DSD_AGENT_QUEUE_SIZE} samples: when both are full a timer, histogram or distribution
 *       value is not kept but its count is ({@link ValueDrops}); a set member is dropped and counted.</li>
 * </ul>
 * Stripes are chosen by thread id, so any number of threads (virtual threads included) share a fixed
 * number of buffers.
 *
 * <p>Every call is accounted for exactly once: as recorded (counted by the aggregator when it takes a
 * counter's calls, drains a value or takes a value's drop), or as dropped before that under one reason
 * ({@code context_cap} for a refused context, {@code unknown_context}, {@code nan_or_infinite},
 * {@code queue_full}, {@code shutdown} after {@link #close}). {@link #close} and the writers meet in
 * Dekker's pattern (a writer's atomic claim, then its read of {@code closed}; the closer's write of
 * {@code closed}, then its claims), so the final drain ({@link #closeAndDrain}) gets every call that missed
 * the close, and every call that saw it is counted as {@code shutdown}.
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
    /** Gauge calls per stripe (counter calls are per context, {@link CounterCalls}). */
    private final AtomicLongArray gaugeCalls;
    /** Value samples drained by the aggregator (stored values are counted here, not when recorded). */
    private final java.util.concurrent.atomic.AtomicLong drained = new java.util.concurrent.atomic.AtomicLong();
    private final ValueDrops drops;
    private final CounterCalls calls;
    private volatile boolean closed;
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
        this.gaugeCalls = new AtomicLongArray(stripes * PAD);
        this.drops = new ValueDrops(registry.segments.length());
        this.calls = new CounterCalls(registry.segments.length(), stripes);
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

    /** The registry segment of a non-negative id, or null if there is none. */
    private Registry.Segment segment(int id) {
        int s = id >>> Registry.SHIFT;
        return s < registry.segments.length() ? registry.segments.get(s) : null;
    }

    public void count(int id, long delta) {
        if (id < 0) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP); // the handle's registration was refused
            return;
        }
        AtomicLongArray callCells = calls.cells(id);
        Registry.Segment seg = callCells == null ? null : segment(id);
        if (seg == null) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
            return;
        }
        if (closed) {
            telemetry.drop(Telemetry.Drop.SHUTDOWN);
            return;
        }
        int s = stripe();
        long before = seg.counts.getAndAdd(s * Registry.SEGMENT + (id & Registry.MASK), delta);
        calls.called(callCells, id, s, before, delta);
    }

    public void gauge(int id, double value) {
        if (id < 0) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
            return;
        }
        Registry.Segment seg = segment(id);
        if (seg == null) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
            return;
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            telemetry.drop(Telemetry.Drop.NAN);
            return;
        }
        if (closed) {
            telemetry.drop(Telemetry.Drop.SHUTDOWN);
            return;
        }
        seg.gauges.set(id & Registry.MASK, Double.doubleToRawLongBits(value));
        gaugeCalls.getAndIncrement(stripe() * PAD);
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
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP); // the handle's registration was refused
            return;
        }
        int start = stripe();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int slot = ((start + attempt) & stripeMask) * PAD;
            Chunk c = owned.getAndSet(slot, null);
            if (c == null) {
                continue; // another thread is writing this stripe: try the next
            }
            if (closed) { // read after the claim: see closeAndDrain
                owned.lazySet(slot, c);
                telemetry.drop(Telemetry.Drop.SHUTDOWN);
                return;
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
                notQueued(id, bits, ref);
            }
            return;
        }
        long pos = overflow.offer(id, bits, ref);
        if (pos == Overflow.CLOSED) {
            telemetry.drop(Telemetry.Drop.SHUTDOWN);
        } else if (pos < 0) {
            wakeConsumer();
            notQueued(id, bits, ref);
        } else if ((pos & overflowWakeMask) == overflowWakeMask) { // every quarter ring: drain before the tick
            wakeConsumer();
        }
    }

    /** The drop path: a value keeps its count ({@link ValueDrops}); a set member is lost. */
    private void notQueued(int id, long bits, Object ref) {
        if (ref != null) {
            telemetry.drop(Telemetry.Drop.QUEUE_FULL);
        } else if (!drops.add(id, bits)) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
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
            Chunk c = null;
            for (int spin = 0; spin < 1000 && c == null; spin++) {
                c = takeStripe(i);
            }
            if (c != null) {
                n += drainStripe(i, c, consumer);
            }
        }
        return n;
    }

    private Chunk takeStripe(int i) {
        Chunk c = owned.getAndSet(i * PAD, null);
        if (c == null) {
            Thread.yield();
        }
        return c;
    }

    private int drainStripe(int i, Chunk c, ChunkConsumer consumer) {
        int slot = i * PAD;
        if (c.size == 0) {
            owned.lazySet(slot, c);
            return 0;
        }
        Chunk fresh = free.poll();
        if (fresh == null) {
            int n = consume(c, consumer);
            owned.lazySet(slot, c);
            return n;
        }
        owned.lazySet(slot, fresh);
        int n = consume(c, consumer);
        free.offer(c);
        return n;
    }

    /**
     * The final drain: closes the recorder (every later call is counted as {@code shutdown}) and drains
     * every stripe, every handed-over chunk and every ring slot claimed before the close, waiting until
     * {@code deadlineNanos} for writers caught mid-call. A ring slot still unpublished then is counted
     * as {@code shutdown}; a stripe still held is left (its writer never ran again) and returned, so the
     * caller can say so. Returns the number of stripes left.
     */
    public int closeAndDrain(ChunkConsumer consumer, long deadlineNanos) {
        closed = true;
        overflow.close();
        int held = 0;
        for (int i = 0; i < stripes; i++) {
            Chunk c;
            while ((c = takeStripe(i)) == null && System.nanoTime() - deadlineNanos < 0) {
                // a writer holds it for a few instructions, or for a time slice if preempted
            }
            if (c == null) {
                held++;
            } else {
                drainStripe(i, c, consumer); // given back: later writers see closed and count shutdown
            }
        }
        Chunk c;
        while ((c = full.poll()) != null) {
            consume(c, consumer);
            free.offer(c);
        }
        for (;;) {
            long left = overflow.drainClosed(overflowScratch, deadlineNanos);
            if (left > 0) {
                telemetry.drop(Telemetry.Drop.SHUTDOWN, left);
            }
            boolean more = overflowScratch.isFull();
            if (overflowScratch.size > 0) {
                consume(overflowScratch, consumer);
            }
            if (!more) {
                return held;
            }
        }
    }

    /** For the aggregator's park: whether handed-over chunks or ring samples are waiting. */
    public boolean hasWork() {
        return !full.isEmpty() || overflow.hasClaims();
    }

    private int consume(Chunk c, ChunkConsumer consumer) {
        int n = c.size;
        drained.lazySet(drained.get() + n); // only the aggregator thread writes it
        consumer.accept(c.ids, c.values, c.refs, n);
        c.clear();
        return n;
    }

    /**
     * Adds a counter's interval into {@code into} (cleared first): the sum of its stripes, exact beyond
     * the long range, and its calls, resetting them. The calls count as recorded.
     */
    public void takeCount(int id, CountTake into) {
        takeCount(id, into, true);
    }

    /**
     * After the final flush: the calls a counter received since it was taken (writers that read
     * {@code closed} just before it was set). The caller counts them as {@code shutdown}, not recorded.
     */
    public long takeLateCalls(int id, CountTake scratch) {
        takeCount(id, scratch, false);
        return scratch.calls;
    }

    private void takeCount(int id, CountTake into, boolean recorded) {
        into.clear();
        Registry.Segment seg = segment(id);
        if (seg == null) {
            return;
        }
        int base = id & Registry.MASK;
        for (int s = 0; s < stripes; s++) {
            int i = s * Registry.SEGMENT + base;
            if (seg.counts.get(i) != 0) {
                into.add(seg.counts.getAndSet(i, 0));
            }
        }
        calls.take(id, into, recorded);
    }

    /** Values of {@code id} not queued since the last call (their count is exact), resetting it. */
    public long takeDropped(int id) {
        return drops.take(id);
    }

    /** The bits of the value of {@code id} dropped last; meaningful after {@link #takeDropped} above zero. */
    public long lastDropped(int id) {
        return drops.last(id);
    }

    /** The gauge's last value bits since the last call, or {@link #GAUGE_UNSET}. */
    public long takeGauge(int id) {
        Registry.Segment seg = segment(id);
        int i = id & Registry.MASK;
        if (seg == null || seg.gauges.get(i) == GAUGE_UNSET) {
            return GAUGE_UNSET;
        }
        return seg.gauges.getAndSet(i, GAUGE_UNSET);
    }

    public static boolean isUnset(long gaugeBits) {
        return gaugeBits == GAUGE_UNSET;
    }

    /**
     * Calls that reached the recorder's cells and queues and were taken by the aggregator so far: gauge
     * calls, counter calls taken, values drained and values taken as not queued. Calls dropped before
     * that are in {@link Telemetry} under their reason. Read by the aggregator thread.
     */
    public long recorded() {
        long sum = 0;
        for (int i = 0; i < stripes; i++) {
            sum += gaugeCalls.get(i * PAD);
        }
        return sum + drained.get() + calls.taken() + drops.taken();
    }
}
