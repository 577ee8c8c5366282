package io.dsdagent.agent.record;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bounded set of per-thread buffers ({@link ThreadBuffer}) and how a thread finds its own.
 *
 * <p>A platform thread gets a buffer on its first value, through a {@link ThreadLocal}, and registers
 * it once in one of a fixed number of slots, which the aggregator walks. Memory stays bounded: a thread
 * that finds every slot taken, and every virtual thread ({@code Thread.isVirtual}, reached by a method
 * handle resolved once, constant {@code false} before JDK 21), gets no buffer and uses the shared striped
 * path; a virtual thread never touches the {@code ThreadLocal} (so 100,000 of them leave no map behind).
 * When a thread ends, the aggregator drains what it published (everything it wrote: a thread's end
 * happens-before another thread sees it dead) and, once the flush has taken the values it counted
 * without keeping ({@link ThreadBuffer#drop}), frees its slot for the next thread.
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
    /** The {@link ThreadLocal}'s answer for a platform thread that found no free slot. */
    private static final ThreadBuffer NONE = new ThreadBuffer(null, 1, 0);

    private final AtomicReferenceArray<ThreadBuffer> slots;
    private final int capacity;
    private final int segments;
    /** Aggregator's own: drops taken from thread buffers so far, and the last value of the last take. */
    private long droppedTaken;
    private long lastDropped;
    private final ThreadLocal<ThreadBuffer> local = new ThreadLocal<ThreadBuffer>() {
        @Override
        protected ThreadBuffer initialValue() {
            return register();
        }
    };

    /** {@code buffers} slots of {@code capacity} samples each (a power of two); 0 slots turns them off. */
    ThreadBuffers(int buffers, int capacity, int segments) {
        this.slots = new AtomicReferenceArray<ThreadBuffer>(buffers);
        this.capacity = capacity;
        this.segments = segments;
    }

    private static MethodHandle isVirtual() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (Throwable before21) {
            return MethodHandles.dropArguments(MethodHandles.constant(boolean.class, false), 0, Thread.class);
        }
    }

    /** Whether {@code t} is a virtual thread (always false before JDK 21). */
    static boolean isVirtual(Thread t) {
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            return false;
        }
    }

    int slots() {
        return slots.length();
    }

    /** The calling thread's buffer, or null if it has none (virtual, or no free slot when it came). */
    ThreadBuffer current() {
        if (slots.length() == 0 || isVirtual(Thread.currentThread())) {
            return null;
        }
        ThreadBuffer b = local.get();
        return b == NONE ? null : b;
    }

    private ThreadBuffer register() {
        ThreadBuffer b = new ThreadBuffer(Thread.currentThread(), capacity, segments);
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, b)) {
                return b;
            }
        }
        return NONE; // bounded: this thread records through the shared stripes
    }

    /** For tests: the number of slots holding a buffer. */
    int registered() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Aggregator: drains every buffer's published samples into {@code consumer}, a chunk's worth at a
     * time through {@code scratch}, and frees the slot of every buffer whose thread has ended, after
     * draining it. Returns the number of samples drained.
     */
    int drain(Chunk scratch, Recorder.ChunkConsumer consumer) {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            ThreadBuffer b = slots.get(i);
            if (b == null) {
                continue;
            }
            Thread owner = b.owner.get();
            boolean ended = owner == null || !owner.isAlive(); // before draining: see the class comment
            while (b.drainTo(scratch) > 0) {
                n += scratch.size;
                consumer.accept(scratch.ids, scratch.values, scratch.refs, scratch.size);
                scratch.clear();
            }
            if (ended && b.dropsTaken()) { // else at the drain after the next flush took its drops
                slots.set(i, null);
            }
        }
        return n;
    }

    /** Aggregator: {@code id}'s values the threads dropped since the last take, summed over the buffers. */
    long takeDropped(int id) {
        long n = 0;
        for (int i = 0; i < slots.length(); i++) {
            ThreadBuffer b = slots.get(i);
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
            ThreadBuffer b = slots.get(i);
            if (b != null) {
                n += b.late();
            }
        }
        return n;
    }
}
