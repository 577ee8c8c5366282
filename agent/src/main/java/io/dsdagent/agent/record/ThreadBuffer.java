package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One platform thread's value samples on their way to the aggregator: a ring written by that thread
 * only, with plain stores and one ordered store ({@code lazySet}, a release) that publishes each value,
 * and drained by the aggregator thread only. No atomic read-modify-write, no lock, no allocation: the
 * cheapest hand-off there is between two threads.
 *
 * <p>What must hold:
 * <ul>
 *   <li>Only the owning thread calls {@link #offer} ({@link #write}, {@link #publish}); only the
 *       aggregator calls {@link #drainTo} and {@link #late}.</li>
 *   <li>A slot's fields are written before the position that covers them is published, and the
 *       aggregator reads no slot past the published position, so it never sees a half-written value.</li>
 *   <li>The writer never overwrites a slot the aggregator has not released: it checks its cached view
 *       of the aggregator's position, and re-reads the real one only when the cache says full, so the
 *       writer does not touch the aggregator's cache line on the common path.</li>
 * </ul>
 * The positions are plain {@code volatile} fields of this object, written with release stores through
 * field updaters (which the JIT reduces to one store: this class is final) and read by the other side
 * only where it must: the aggregator reads the writer's at each drain, the writer reads the aggregator's
 * only when its cached limit says full. No padding: each side writes the other's line at most once per
 * drain (100 ms), not per value.
 */
final class ThreadBuffer {
    private static final AtomicLongFieldUpdater<ThreadBuffer> PUBLISHED =
            AtomicLongFieldUpdater.newUpdater(ThreadBuffer.class, "published");
    /** Where a drop's release store goes: it publishes the drop cells' plain stores before it. */
    private static final AtomicLongFieldUpdater<ThreadBuffer> DROPPED =
            AtomicLongFieldUpdater.newUpdater(ThreadBuffer.class, "dropped");
    private static final AtomicLongFieldUpdater<ThreadBuffer> RELEASED =
            AtomicLongFieldUpdater.newUpdater(ThreadBuffer.class, "released");

    private final int[] ids;
    private final long[] values;
    private final Object[] refs;
    private final int mask;
    /** Writer's release stores: positions up to which samples are written; the last dropped value. */
    private volatile long published;
    private volatile long dropped;
    /** Aggregator's release store: positions before it are drained and may be written again. */
    private volatile long released;
    /**
     * The thread that writes this buffer: how a thread recognizes its own (by identity, not by id, which
     * a subclass of {@code Thread} may override). Held strongly: the aggregator frees the slot, and so
     * the reference, at its first drain after the thread ended.
     */
    final Thread owner;

    /**
     * Values this thread could not buffer, per context: a segment of {@value Registry#SEGMENT} pairs of
     * count and last value (side by side, so a drop touches one cache line), allocated by this thread on
     * its first drop into the segment. Written with plain stores by this thread alone, published by a
     * release store into {@code DROPPED}, which the aggregator reads first ({@link #takeDropped}); no
     * running total, whose read-modify-write would add a second chain through memory to every drop. Plain
     * arrays, not atomic ones: this is the path a thread that outruns the aggregator takes for most values,
     * so it is kept to three dependent loads. A count is a 64-bit plain write, atomic on every 64-bit JVM
     * (JLS 17.7 leaves 32-bit ones free).
     */
    private final long[][] drops;
    /** Aggregator's own: per context, the count of {@link #drops} taken so far. */
    private final long[][] taken;

    /**
     * Writer's own: values this thread sent to the shared path since its buffer last took one; set to
     * {@link #SPILL_LIMIT} when the shared path was full too. At the limit, a value that finds the buffer
     * full is counted at once ({@link #drop}) instead of trying the shared path: a thread that outruns the
     * aggregator pays for a plain count, not for atomics, and cannot fill the queue virtual threads share.
     * Reset off the hot path: when {@link #write} finds room again after the aggregator released slots (a
     * buffer with room takes every value, so no value spills between that and the buffer being full).
     */
    int spilled;
    /** Values a thread may spill into the shared path per drain of its buffer: 16 chunks. */
    static final int SPILL_LIMIT = 4096;

    /**
     * Writer's own: the first position it may not write (the aggregator's release point last seen, plus
     * the capacity): one compare per value while there is room. The next position to write is
     * {@link #published}, which only this thread writes.
     */
    private long limit;

    /** Aggregator's own: next position to drain, the last value of the last take. */
    private long head;
    private long lastTaken;

    /**
     * Makes the JVM initialize this class (its field updaters: reflection, about half a millisecond) when
     * called, so that the registry's owner can do it before any application thread records.
     */
    static void initialize() {
        // the call is the work: a static method's first call initializes its class
    }

    /** {@code capacity} must be a power of two; {@code segments} as the registry's. */
    ThreadBuffer(Thread owner, int capacity, int segments) {
        this.drops = new long[segments][];
        this.taken = new long[segments][];
        this.owner = owner;
        this.ids = new int[capacity];
        this.values = new long[capacity];
        this.refs = new Object[capacity];
        this.mask = capacity - 1;
        this.limit = capacity;
    }

    /**
     * Writer: appends and publishes one sample; returns the position it took, or -1 if the buffer is
     * full (the aggregator has not drained it yet).
     */
    long offer(int id, long bits, Object ref) {
        long t = write(id, bits, ref);
        if (t >= 0) {
            publish(t + 1);
        }
        return t;
    }

    /**
     * Writer, the hot path for a value (no set member): appends and publishes it; or, when the buffer is
     * full and this thread has spilled {@link #SPILL_LIMIT} values into the shared path since its buffer
     * last took one, counts it in this thread's own cells ({@link #drop}). Small, so that the JIT inlines
     * it, the count included: a thread that outruns the aggregator takes that branch for most values.
     * False when the caller must go on: the buffer is full and the thread may still spill, or the context
     * is unknown.
     */
    boolean offerValue(int id, long bits) {
        long t = write(id, bits, null);
        if (t < 0) {
            return spilled >= SPILL_LIMIT && drop(id, bits);
        }
        publish(t + 1);
        return true;
    }

    /** Writer: {@link #drop}, counting an unknown context in {@code telemetry}. */
    void dropValue(int id, long bits, Telemetry telemetry) {
        if (!drop(id, bits)) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
        }
    }

    /**
     * Writer: stores a sample at the next position without publishing it; returns the position or -1 if
     * full. Until {@link #publish} moves past it, a second write goes to the same position.
     */
    long write(int id, long bits, Object ref) {
        long t = published; // this thread's own field: the volatile read is a plain load on x86
        if (t >= limit) {
            long l = released + mask + 1;
            if (t >= l) {
                return -1; // still full: no store, this is the count path's every call
            }
            limit = l;
            spilled = 0; // room again: this value goes in, so the thread may spill again once it is full
        }
        int i = (int) t & mask;
        ids[i] = id;
        values[i] = bits;
        if (ref != null) {
            refs[i] = ref; // the aggregator clears it after draining, so a value never carries an old member
        }
        return t;
    }

    /** Writer: makes every sample before {@code upTo} visible to the aggregator (one release store). */
    void publish(long upTo) {
        PUBLISHED.lazySet(this, upTo);
    }

    /**
     * Aggregator: moves published samples into {@code into} until it is full or none is left; the
     * slots are released to the writer after the copy. Returns the number moved.
     */
    int drainTo(Chunk into) {
        long published = this.published;
        long h = head;
        int n = 0;
        while (h < published && !into.isFull()) {
            int i = (int) h & mask;
            Object ref = refs[i];
            into.put(ids[i], values[i], ref);
            if (ref != null) {
                refs[i] = null;
            }
            h++;
            n++;
        }
        head = h;
        RELEASED.lazySet(this, h);
        return n;
    }

    /**
     * Writer, when the buffer is full: counts a value of {@code id} as not kept, in this thread's own
     * cells, with plain stores and one release store (no atomic instruction: this thread is their only
     * writer). The last value is stored before the count; were the two stores seen out of order, the
     * flush would take an earlier value of the same context as the representative, never a foreign one.
     * False if the context is unknown.
     */
    boolean drop(int id, long bits) {
        int s = id >>> Registry.SHIFT;
        if (s >= drops.length) {
            return false;
        }
        long[] a = drops[s];
        if (a == null) {
            a = newSegment(s);
        }
        int j = (id & Registry.MASK) << 1;
        a[j + 1] = bits;
        a[j]++;
        DROPPED.lazySet(this, bits); // release: publishes the stores above (and a new segment)
        return true;
    }

    private long[] newSegment(int s) {
        long[] a = new long[2 * Registry.SEGMENT]; // once per thread and segment of contexts
        drops[s] = a;
        return a;
    }

    /**
     * Aggregator: {@code id}'s values this thread dropped since the last take. The writer's count only
     * grows, so the take is the difference from the count taken before: nothing is reset under the writer.
     */
    long takeDropped(int id) {
        long acquire = dropped; // acquire: the writer's cells up to its last release are visible after it
        int s = id >>> Registry.SHIFT;
        long[] a = s < drops.length ? drops[s] : null;
        if (a == null) {
            return 0;
        }
        int i = id & Registry.MASK;
        long count = a[i << 1];
        long[] t = taken[s];
        long n = count - (t == null ? 0 : t[i]);
        if (n != 0) {
            if (t == null) {
                t = taken[s] = new long[Registry.SEGMENT];
            }
            t[i] = count;
            lastTaken = a[(i << 1) + 1]; // after the count: see drop
        }
        return n;
    }

    /** Aggregator: the value dropped last for the context of the last {@link #takeDropped} above zero. */
    long lastTaken() {
        return lastTaken;
    }

    /**
     * Aggregator: whether every drop published so far was taken (a dead thread's slot may then go). A
     * scan of the thread's cells, done only for a thread that has ended.
     */
    boolean dropsTaken() {
        return untaken(false) == 0;
    }

    /**
     * Aggregator, after the final drain and take: samples and drops published since, by a writer that
     * read "open" just before the close. They are counted as {@code shutdown}, once.
     */
    long late() {
        long published = this.published;
        long n = published - head;
        head = published;
        return n + untaken(true);
    }

    /** Drops in the cells not taken yet, summed over every context; {@code take} marks them taken. */
    private long untaken(boolean take) {
        long acquire = dropped; // acquire, as in takeDropped
        long n = 0;
        for (int s = 0; s < drops.length; s++) {
            long[] a = drops[s];
            if (a == null) {
                continue;
            }
            long[] t = taken[s];
            if (t == null && take) {
                t = taken[s] = new long[Registry.SEGMENT];
            }
            for (int i = 0; i < Registry.SEGMENT; i++) {
                long c = a[i << 1];
                long d = c - (t == null ? 0 : t[i]);
                if (d != 0) {
                    n += d;
                    if (take) {
                        t[i] = c;
                    }
                }
            }
        }
        return n;
    }
}
