package io.dsdagent.agent.record;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a value sample goes when every stripe a writer tried is held by another writer: a bounded ring
 * of single samples that any number of threads append to and the aggregator alone drains.
 *
 * <p>A stripe is held for a few nanoseconds, but a writer the scheduler preempts while holding one keeps
 * it for a whole time slice; with more threads than cores (8 writers on one CPU) the other writers then
 * find their stripes busy for milliseconds. Dropping those samples lost up to a tenth of a burst; this
 * ring takes them instead, so a sample is dropped (and counted as {@code queue_full}) only when the
 * ring is full too.
 *
 * <p>Each slot carries a sequence number (the bounded-queue scheme described by Dmitry Vyukov): a writer
 * claims position {@code p} by moving the tail from {@code p} to {@code p + 1} with one compare-and-set
 * when the slot's sequence says it is free, writes the sample and publishes it by setting the sequence
 * to {@code p + 1}. No lock, no allocation, no waiting: a writer that loses the race re-reads the tail,
 * a full ring is reported at once. The consumer stops at a claimed slot not yet published and picks it
 * up at its next drain.
 */
final class Overflow {
    private final int mask;
    private final AtomicLongArray sequence;
    private final int[] ids;
    private final long[] values;
    private final Object[] refs;
    private final AtomicLong tail = new AtomicLong();
    private long head; // the aggregator's only

    /** {@code capacity} is rounded up to a power of two. */
    Overflow(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        mask = size - 1;
        sequence = new AtomicLongArray(size);
        for (int i = 0; i < size; i++) {
            sequence.lazySet(i, i);
        }
        ids = new int[size];
        values = new long[size];
        refs = new Object[size];
    }

    int capacity() {
        return mask + 1;
    }

    /** Appends one sample; returns the position it took (0, 1, 2, ...), or -1 if the ring is full. */
    long offer(int id, long bits, Object ref) {
        for (;;) {
            long pos = tail.get();
            int i = (int) pos & mask;
            long seq = sequence.get(i);
            if (seq == pos) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    ids[i] = id;
                    values[i] = bits;
                    refs[i] = ref;
                    sequence.lazySet(i, pos + 1); // release: the slot's fields are visible before it
                    return pos;
                }
            } else if (seq < pos) {
                return -1; // the slot still holds a sample from one lap ago: full
            }
            // else another writer took pos first: try the new tail
        }
    }

    /** Moves published samples into {@code into} until it is full or the next slot is not published. */
    void drainTo(Chunk into) {
        while (!into.isFull()) {
            int i = (int) head & mask;
            if (sequence.get(i) != head + 1) {
                return; // empty, or claimed by a writer that has not finished
            }
            into.put(ids[i], values[i], refs[i]);
            refs[i] = null;
            sequence.lazySet(i, head + mask + 1); // free for the writer one lap ahead
            head++;
        }
    }
}
