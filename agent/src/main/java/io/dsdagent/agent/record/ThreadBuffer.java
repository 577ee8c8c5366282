package io.dsdagent.agent.record;

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
    private static final int RELEASED = 23;

    private final int[] ids;
    private final long[] values;
    private final Object[] refs;
    private final int mask;
    private final AtomicLongArray positions = new AtomicLongArray(31);
    /** The thread that writes this buffer; cleared or dead once it ended. */
    final WeakReference<Thread> owner;

    /** Writer's own: next position to write, and the aggregator's release point last seen. */
    private long tail;
    private long releasedSeen;

    /** Aggregator's own: next position to drain. */
    private long head;

    /** {@code capacity} must be a power of two. */
    ThreadBuffer(Thread owner, int capacity) {
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
        }
        return t;
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
     * Aggregator, after the final drain: samples published since, by a writer that read "open" just
     * before the close and published after the drain. They are counted as {@code shutdown}, once.
     */
    long late() {
        long published = positions.get(PUBLISHED);
        long n = published - head;
        head = published;
        return n;
    }
}
