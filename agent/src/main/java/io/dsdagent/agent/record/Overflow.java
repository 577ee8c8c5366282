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
 *
 * <p>Closing (the final flush) follows Dekker's pattern: a writer claims its slot (a compare-and-set, a
 * full fence) and then reads {@link #closed}; the closer sets {@code closed} and then reads the tail. So
 * either the writer sees the ring closed, publishes an empty slot ({@link #TOMBSTONE}) and counts its
 * call as {@code shutdown}, or the closer's tail covers the writer's slot and {@link #drainClosed} waits
 * for it. Nothing claimed before the close is left behind uncounted.
 */
final class Overflow {
    private final int mask;
    private final AtomicLongArray sequence;
    private final int[] ids;
    private final long[] values;
    private final Object[] refs;
    private final AtomicLong tail = new AtomicLong();
    private long head; // the aggregator's only
    private volatile boolean closed;
    /** The tail when the ring was closed; -1 while open. Aggregator thread only. */
    private long closedTail = -1;
    /** Id of a slot claimed after the close: published so the drain can pass it, never delivered. */
    static final int TOMBSTONE = Integer.MIN_VALUE;
    /** {@link #offer}'s answer when the ring is full. */
    static final long FULL = -1;
    /** {@link #offer}'s answer when the ring was closed: the caller counts its call as shutdown. */
    static final long CLOSED = -2;

    /** {@code capacity} is rounded up to a power of two. */
    Overflow(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        mask = size - 1;
        long[] free = new long[size];
        for (int i = 0; i < size; i++) {
            free[i] = i; // a plain loop, copied once: lazySet per slot ran interpreted at start-up (2 ms)
        }
        sequence = new AtomicLongArray(free);
        ids = new int[size];
        values = new long[size];
        refs = new Object[size];
    }

    int capacity() {
        return mask + 1;
    }

    /**
     * Appends one sample; returns the position it took (0, 1, 2, ...), {@link #FULL} if the ring is full,
     * or {@link #CLOSED} if it was closed.
     */
    long offer(int id, long bits, Object ref) {
        for (;;) {
            long pos = tail.get();
            int i = (int) pos & mask;
            long seq = sequence.get(i);
            if (seq == pos) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    boolean late = closed; // after the claim: see the class comment
                    ids[i] = late ? TOMBSTONE : id;
                    values[i] = bits;
                    refs[i] = late ? null : ref;
                    sequence.lazySet(i, pos + 1); // release: the slot's fields are visible before it
                    return late ? CLOSED : pos;
                }
            } else if (seq < pos) {
                return closed ? CLOSED : FULL; // the slot still holds a sample from one lap ago: full
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
            if (ids[i] != TOMBSTONE) {
                into.put(ids[i], values[i], refs[i]);
            }
            refs[i] = null;
            sequence.lazySet(i, head + mask + 1); // free for the writer one lap ahead
            head++;
        }
    }

    /**
     * Whether the next slot to drain is published (aggregator thread only). A slot claimed and not yet
     * published does not count: its writer may be preempted, and the aggregator must not spin on it.
     */
    boolean hasPublished() {
        return sequence.get((int) head & mask) == head + 1;
    }

    /** Closes the ring: a later claim publishes a tombstone; {@link #drainClosed} then drains what came before. */
    void close() {
        closed = true;
        closedTail = tail.get(); // after the volatile write: covers every writer that missed the close
    }

    /**
     * After {@link #close}: drains into {@code into} like {@link #drainTo}, but waits (yielding, until
     * {@code deadlineNanos}) for slots claimed before the close and not yet published. Returns the number
     * of such slots still unpublished at the deadline (their writers were never scheduled again: the
     * caller counts them as shutdown), or 0; call again while {@code into} comes back full.
     */
    long drainClosed(Chunk into, long deadlineNanos) {
        for (;;) {
            drainTo(into);
            if (into.isFull() || head >= closedTail) {
                return 0;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                long left = closedTail - head;
                head = closedTail; // given up: never delivered, counted by the caller
                return left;
            }
            Thread.yield();
        }
    }
}
