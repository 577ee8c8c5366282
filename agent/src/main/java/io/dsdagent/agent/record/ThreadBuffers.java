package io.dsdagent.agent.record;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bounded set of per-thread buffers ({@link ThreadBuffer}) and how a thread finds its own.
 *
 * <p>A platform thread gets a buffer on its first value, in the slot its thread id picks ({@code id &
 * (slots - 1)}: ids are handed out in sequence, so threads spread), claimed with one compare-and-set; it
 * finds it again by that slot and its own identity ({@link ThreadBuffer#owner}), two plain loads and a
 * compare, no {@link ThreadLocal} map. Memory stays bounded: a thread whose slot a live thread holds, and
 * every virtual thread ({@code Thread.isVirtual}, reached by a method handle resolved once, constant
 * {@code false} before JDK 21), gets no buffer and uses the shared striped path; a virtual thread never
 * claims a slot (so 100,000 of them leave nothing behind). When a thread ends, the aggregator drains what
 * it published (everything it wrote: a thread's end happens-before another thread sees it dead) and,
 * once the flush has taken the values it counted without keeping ({@link ThreadBuffer#drop}), frees its
 * slot for the next thread.
 *
 * <p>No writer wakes the aggregator from here, and a full buffer does not keep it from parking: its
 * tick (100 ms) drains every buffer, and a buffer that fills before spills to the shared stripes, whose
 * hand-offs wake it. A thread that outruns the aggregator costs it one pass per tick, not a spinning core.
 *
 * <p>What must hold: only the owning thread writes a buffer, only the aggregator drains and frees slots;
 * a slot is taken with one compare-and-set by the registering thread.
 */
final class ThreadBuffers {
    private static final MethodHandle IS_VIRTUAL = isVirtual();

    private final AtomicReferenceArray<ThreadBuffer> slots;
    /**
     * What the hot path reads: the same buffers as {@link #slots}, in a plain array (no extra hop to the
     * atomic array's backing array, no cast of its element). Written after each change of {@code slots},
     * read without ordering: a thread sees its own claim at once, and a stale entry of another thread
     * fails the owner check (a buffer's fields are final, so its owner is never seen half-built) and sends
     * it to {@link #claim}, which works on {@code slots}. Volatile only so that a loop of the application
     * reads it on every call (the JIT may not hoist it): {@link #close} replaces it with an empty array.
     */
    private volatile ThreadBuffer[] bySlot;
    /** Set by {@link #close}: no thread claims a buffer after it. */
    private volatile boolean closed;
    private final int capacity;
    private final int segments;
    /** Aggregator's own: drops taken from thread buffers so far, and the last value of the last take. */
    private long droppedTaken;
    private long lastDropped;

    /**
     * {@code buffers} slots (rounded down to a power of two) of {@code capacity} samples each (a power of
     * two); 0 slots turns them off.
     */
    ThreadBuffers(int buffers, int capacity, int segments) {
        int n = buffers <= 0 ? 0 : Integer.highestOneBit(buffers);
        this.slots = new AtomicReferenceArray<ThreadBuffer>(Math.max(1, n));
        this.bySlot = new ThreadBuffer[Math.max(1, n)];
        if (n == 0) {
            ThreadBuffer none = new ThreadBuffer(null, 1, 0); // owned by no thread: every thread takes the stripes
            slots.set(0, none);
            bySlot[0] = none;
        }
        this.capacity = capacity;
        this.segments = segments;
        ThreadBuffer.initialize(); // here, on the agent's thread, not on an application thread's first value
        isVirtual(Thread.currentThread()); // JDK 21+: links the handle's invoker here too
    }

    /**
     * {@code Thread.isVirtual} as a method handle; null before JDK 19, where no thread is virtual. A JDK
     * without the method is told by reflection, so it spins none of the method-handle machinery (about
     * 5 ms of the agent's start on JDK 17, and the first invocation's on an application thread).
     */
    private static MethodHandle isVirtual() {
        try {
            Thread.class.getMethod("isVirtual");
        } catch (Throwable before19) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (Throwable e) {
            return null;
        }
    }

    /** Whether {@code t} is a virtual thread (always false before JDK 21). */
    static boolean isVirtual(Thread t) {
        MethodHandle h = IS_VIRTUAL;
        if (h == null) {
            return false;
        }
        try {
            return (boolean) h.invokeExact(t);
        } catch (Throwable e) {
            return false;
        }
    }

    /** The calling thread's buffer, or null if it has none (virtual, or its slot is another's). */
    ThreadBuffer current() {
        Thread t = Thread.currentThread();
        ThreadBuffer[] a = bySlot;
        int i = (int) t.getId() & (a.length - 1); // a power of two: the JIT drops the range check
        ThreadBuffer b = a[i];
        return b != null && b.owner == t ? b : claim(t, i);
    }

    /** Not the hot path: a thread's first value, or a thread without a buffer. */
    private ThreadBuffer claim(Thread t, int i) {
        if (closed || slots.get(i) != null || isVirtual(t)) {
            return null; // bounded: this thread records through the shared stripes
        }
        ThreadBuffer b = new ThreadBuffer(t, capacity, segments);
        if (!slots.compareAndSet(i, null, b)) {
            return null;
        }
        bySlot[i] = b;
        return b;
    }

    /**
     * The final drain's first step: from now on no thread finds or claims a buffer, so every value takes
     * the shared path, which counts it as {@code shutdown}. A thread that found its buffer just before
     * publishes into it still; {@link #late} counts that after the final drain. The buffers stay in
     * {@code slots} for the drains that follow.
     */
    void close() {
        closed = true;
        bySlot = new ThreadBuffer[bySlot.length];
    }

    /** For tests: the number of slots holding a buffer. */
    int registered() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (owned(i) != null) {
                n++;
            }
        }
        return n;
    }

    /** The buffer in slot {@code i} if a thread owns it; null for an empty slot and the ownerless one. */
    private ThreadBuffer owned(int i) {
        ThreadBuffer b = slots.get(i);
        return b != null && b.owner != null ? b : null;
    }

    /**
     * Aggregator: drains every buffer's published samples into {@code consumer}, a chunk's worth at a
     * time through {@code scratch}, and frees the slot of every buffer whose thread has ended, after
     * draining it. Returns the number of samples drained.
     */
    int drain(Chunk scratch, Recorder.ChunkConsumer consumer) {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            ThreadBuffer b = owned(i);
            if (b == null) {
                continue;
            }
            boolean ended = !b.owner.isAlive(); // before draining: see the class comment
            while (b.drainTo(scratch) > 0) {
                n += scratch.size;
                consumer.accept(scratch.ids, scratch.values, scratch.refs, scratch.size);
                scratch.clear();
            }
            if (ended && b.dropsTaken()) { // else at the drain after the next flush took its drops
                bySlot[i] = null; // first: a claim after the next line must not be undone by this one
                slots.set(i, null);
            }
        }
        return n;
    }

    /** Aggregator: {@code id}'s values the threads dropped since the last take, summed over the buffers. */
    long takeDropped(int id) {
        long n = 0;
        for (int i = 0; i < slots.length(); i++) {
            ThreadBuffer b = owned(i);
            if (b != null) {
                long k = b.takeDropped(id);
                if (k > 0) {
                    n += k;
                    lastDropped = b.lastTaken();
                }
            }
        }
        droppedTaken += n;
        return n;
    }

    /** Aggregator: a value dropped for the context of the last {@link #takeDropped} above zero. */
    long lastDropped() {
        return lastDropped;
    }

    /** Aggregator: drops taken from thread buffers so far (part of "recorded"). */
    long droppedTaken() {
        return droppedTaken;
    }

    /** Aggregator, after the final drain: samples and drops published since, to count as {@code shutdown}. */
    long late() {
        long n = 0;
        for (int i = 0; i < slots.length(); i++) {
            ThreadBuffer b = owned(i);
            if (b != null) {
                n += b.late();
            }
        }
        return n;
    }
}
