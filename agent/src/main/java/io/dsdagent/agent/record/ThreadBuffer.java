package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicLongArray;

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
 * The two positions sit 128 bytes apart in one array, away from its ends, so writer and reader never
 * share a cache line for them.
 */
final class ThreadBuffer {
    private static final int PUBLISHED = 7;
    private static final int DROPPED = 15;
    private static final int RELEASED = 23;
    private static final int COUNT = 0;
    private static final int LAST = 1;

    private final int[] ids;
    private final long[] values;
    private final Object[] refs;
    private final int mask;
    private final AtomicLongArray positions = new AtomicLongArray(31);
    /** The thread that writes this buffer; cleared or dead once it ended. */
    final WeakReference<Thread> owner;

    /** Values this thread could not buffer, per context: count and last value, written by it alone. */
    private final ContextCells drops;
    /** Aggregator's own: per context, the count of {@link #drops} taken so far. */
    private final ContextCells taken;

    /**
     * Writer's own: values this thread sent to the shared path since its buffer last took one; set to
     * {@link #SPILL_LIMIT} when the shared path was full too. At the limit, a value that finds the buffer
     * full is counted at once ({@link #drop}) instead of trying the shared path: a thread that outruns the
     * aggregator pays for a plain count, not for atomics, and cannot fill the queue virtual threads share.
     */
    int spilled;
    /** Values a thread may spill into the shared path per drain of its buffer: 16 chunks. */
    static final int SPILL_LIMIT = 4096;

    /** Writer's own: next position to write, the aggregator's release point last seen, values dropped. */
    private long tail;
    private long releasedSeen;
    private long droppedTotal;

    /** Aggregator's own: next position to drain, drops taken, the last value of the last take. */
    private long head;
    private long takenTotal;
    private long lastTaken;

    /** {@code capacity} must be a power of two; {@code segments} as the registry's. */
    ThreadBuffer(Thread owner, int capacity, int segments) {
        this.drops = new ContextCells(segments, 2);
        this.taken = new ContextCells(segments, 1);
        this.owner = new WeakReference<Thread>(owner);
        this.ids = new int[capacity];
        this.values = new long[capacity];
        this.refs = new Object[capacity];
        this.mask = capacity - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /**
     * Writer: appends and publishes one sample; returns the position it took, or -1 if the buffer is
     * full (the aggregator has not drained it yet).
     */
    long offer(int id, long bits, Object ref) {
        long t = write(id, bits, ref);
        if (t >= 0) {
            publish(t + 1);
            spilled = 0;
        }
        return t;
    }

    /** Writer: {@link #drop}, counting an unknown context in {@code telemetry}. */
    void dropValue(int id, long bits, Telemetry telemetry) {
        if (!drop(id, bits)) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
        }
    }

    /** Writer: stores a sample without publishing it; returns its position or -1 if full. */
    long write(int id, long bits, Object ref) {
        long t = tail;
        if (t - releasedSeen > mask) {
            releasedSeen = positions.get(RELEASED);
            if (t - releasedSeen > mask) {
                return -1;
            }
        }
        int i = (int) t & mask;
        ids[i] = id;
        values[i] = bits;
        if (ref != null) {
            refs[i] = ref; // the aggregator clears it after draining, so a value never carries an old member
        }
        tail = t + 1;
        return t;
    }

    /** Writer: makes every sample before {@code upTo} visible to the aggregator (one release store). */
    void publish(long upTo) {
        positions.lazySet(PUBLISHED, upTo);
    }

    /** Aggregator: published samples not yet drained. */
    long pending() {
        return positions.get(PUBLISHED) - head;
    }

    /**
     * Aggregator: moves published samples into {@code into} until it is full or none is left; the
     * slots are released to the writer after the copy. Returns the number moved.
     */
    int drainTo(Chunk into) {
        long published = positions.get(PUBLISHED);
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
        positions.lazySet(RELEASED, h);
        return n;
    }

    /**
     * Writer, when the buffer is full: counts a value of {@code id} as not kept, in this thread's own
     * cells, with plain reads and release stores (no atomic instruction: this thread is their only
     * writer). The last value is stored before the count, so a count the aggregator sees has its value.
     * False if the context is unknown.
     */
    boolean drop(int id, long bits) {
        AtomicLongArray a = drops.segment(id); // allocated once per thread and segment of contexts
        if (a == null) {
            return false;
        }
        a.lazySet(ContextCells.offset(LAST, id), bits);
        int c = ContextCells.offset(COUNT, id);
        a.lazySet(c, a.get(c) + 1);
        positions.lazySet(DROPPED, ++droppedTotal);
        return true;
    }

    /**
     * Aggregator: {@code id}'s values this thread dropped since the last take. The writer's count only
     * grows, so the take is the difference from the count taken before: nothing is reset under the writer.
     */
    long takeDropped(int id) {
        AtomicLongArray a = drops.existing(id);
        if (a == null) {
            return 0;
        }
        long count = a.get(ContextCells.offset(COUNT, id));
        AtomicLongArray t = taken.segment(id);
        int k = ContextCells.offset(0, id);
        long n = count - t.get(k);
        if (n != 0) {
            t.lazySet(k, count);
            takenTotal += n;
            lastTaken = a.get(ContextCells.offset(LAST, id)); // after the count: see drop
        }
        return n;
    }

    /** Aggregator: the value dropped last for the context of the last {@link #takeDropped} above zero. */
    long lastTaken() {
        return lastTaken;
    }

    /** Aggregator: whether every drop published so far was taken (a dead thread's slot may then go). */
    boolean dropsTaken() {
        return positions.get(DROPPED) == takenTotal;
    }

    /**
     * Aggregator, after the final drain and take: samples and drops published since, by a writer that
     * read "open" just before the close. They are counted as {@code shutdown}, once.
     */
    long late() {
        long published = positions.get(PUBLISHED);
        long dropped = positions.get(DROPPED);
        long n = published - head + dropped - takenTotal;
        head = published;
        takenTotal = dropped;
        return n;
    }
}
