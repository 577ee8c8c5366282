package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;
import org.jctools.queues.atomic.SpmcAtomicArrayQueue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Why one class of about 400 lines: the thread buffers, the stripes, the ring and the final drain share
 * one close protocol and one accounting rule (a value is drained, counted as dropped, or counted as
 * {@code shutdown}, exactly once); split, each part would have to expose the others' invariants.
 *
 * <p>Where value samples (timers, histograms, distributions, set members) wait for the aggregator: a
 * {@link Chunk} owned by each stripe, taken by a writer with one atomic swap (so it is the only writer;
 * a busy stripe sends it to the next, it never spins); a full chunk handed over on a JCTools MPSC queue
 * and replaced from a pool (an SPMC queue the aggregator refills); and, for a writer that finds
 * {@link #MAX_ATTEMPTS} stripes held (their writers preempted mid-write), the {@link Overflow} ring.
 * Pool and ring bound memory at {@code DSD_AGENT_QUEUE_SIZE} samples: when both are full a value is not
 * kept but its count is ({@link ValueDrops}), a set member is dropped and counted.
 *
 * <p>Closing meets the writers in Dekker's pattern: a writer claims its stripe or ring slot (an atomic
 * swap or compare-and-set, a full fence) and then reads {@code closed}; {@link #closeAndDrain} writes
 * {@code closed} and then claims each stripe and reads the ring's tail. A writer that missed the close
 * therefore holds a claim the final drain waits for; a writer that saw it counts its call as
 * {@code shutdown}.
 *
 * <p>Before all that, a platform thread writes into its own {@link ThreadBuffer} ({@link ThreadBuffers}),
 * and only a full one, or a thread without one (virtual, or its slot another live thread's), comes to
 * the stripes. A thread with a buffer spills at most {@link ThreadBuffer#SPILL_LIMIT} values per drain
 * of its buffer, fewer if it finds the stripes and ring full, and then counts the value in its own
 * cells, skipping the stripes until its buffer is drained. Such a writer does not read {@code closed}:
 * the close takes every buffer out of the threads' reach ({@link ThreadBuffers#close}), and one that found
 * its buffer just before and publishes after the final drain is found by {@link #lateValues} and counted
 * as {@code shutdown} there.
 */
final class ValueBuffers {
    private static final int PAD = 16; // refs between stripe slots: no false sharing
    private static final int MAX_ATTEMPTS = 4;

    private final Telemetry telemetry;
    private final ValueDrops drops;
    private final int stripes;
    private final int stripeMask;
    private final AtomicReferenceArray<Chunk> owned;
    /** Value samples drained by the aggregator (stored values are counted here, not when recorded). */
    private final AtomicLong drained = new AtomicLong();
    private volatile boolean closed;
    private final int wakeThreshold;
    private final MpscAtomicArrayQueue<Chunk> full;
    private final SpmcAtomicArrayQueue<Chunk> free;
    private final Overflow overflow;
    private final int overflowWakeMask;
    private final Chunk overflowScratch = new Chunk(Recorder.CHUNK_SIZE); // the aggregator's, for the ring
    private final ThreadBuffers threads;
    private volatile Thread consumer;
    private volatile boolean consumerParked;

    ValueBuffers(Telemetry telemetry, ValueDrops drops, int stripes, int queueSamples, int threadBuffers,
                 int segments) {
        this.telemetry = telemetry;
        this.drops = drops;
        this.stripes = stripes;
        this.stripeMask = stripes - 1;
        // an eighth of the budget for the ring, the rest for chunks
        this.overflow = new Overflow(Integer.highestOneBit(Math.max(64, queueSamples / 8)));
        this.overflowWakeMask = overflow.capacity() / 4 - 1;
        this.threads = new ThreadBuffers(threadBuffers, Recorder.CHUNK_SIZE, segments);
        // the thread buffers come on top: virtual threads and full buffers keep the whole shared budget
        int chunks = Math.max(stripes * 2, (queueSamples - overflow.capacity()) / Recorder.CHUNK_SIZE);
        this.owned = new AtomicReferenceArray<Chunk>(stripes * PAD);
        this.full = new MpscAtomicArrayQueue<Chunk>(chunks);
        this.wakeThreshold = Math.max(1, chunks / 8);
        full.size(); // links JCTools' size helper now, not on an application thread's first hand-off
        this.free = new SpmcAtomicArrayQueue<Chunk>(chunks);
        for (int i = 0; i < stripes; i++) {
            owned.set(i * PAD, new Chunk(Recorder.CHUNK_SIZE));
        }
        for (int i = stripes; i < chunks; i++) {
            free.offer(new Chunk(Recorder.CHUNK_SIZE));
        }
    }

    void setConsumer(Thread t) {
        consumer = t;
    }

    void setConsumerParked(boolean parked) {
        consumerParked = parked;
    }

    long drained() {
        return drained.get();
    }

    /** The per-thread buffers: {@link Recorder}'s hot path writes them directly, then calls {@link #appendSlow}. */
    ThreadBuffers threads() {
        return threads;
    }

    /**
     * A refused context, a set member, a closed recorder, a full own buffer, or a thread without one.
     * Kept out of line: see the comment above the shared path.
     */
    void appendSlow(int id, long bits, Object ref, ThreadBuffer own) {
        if (id < 0) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP); // the handle's registration was refused
            return;
        }
        if (own != null) {
            if (closed) {
                telemetry.drop(Telemetry.Drop.SHUTDOWN);
                return;
            }
            if (ref != null && own.offer(id, bits, ref) >= 0) {
                return;
            }
            // the buffer is full. No wake-up from here: a buffer that fills before the tick spills to the
            // stripes, whose hand-offs wake the aggregator; an unpark per buffer would cost more than its values
            if (ref == null && !own.spill()) { // count it, keep no value
                own.dropValue(id, bits, telemetry);
                return;
            }
        }
        // the shared path: a stripe's chunk, else the overflow ring, else the drop path. Written out here,
        // not called, on purpose: this method's bytecode stays above the JIT's limit for inlining a hot
        // callee (HotSpot's FreqInlineSize, 325 bytes), so it is never inlined into append, whose compiled
        // code then stays small enough to be inlined into every recording caller.
        int start = Recorder.stripe(stripeMask);
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
                notQueued(id, bits, ref, own);
            }
            return;
        }
        long pos = overflow.offer(id, bits, ref);
        if (pos == Overflow.CLOSED) {
            telemetry.drop(Telemetry.Drop.SHUTDOWN);
        } else if (pos < 0) {
            wakeConsumer();
            notQueued(id, bits, ref, own);
        } else if ((pos & overflowWakeMask) == overflowWakeMask) { // every quarter ring: drain before the tick
            wakeConsumer();
        }
    }

    /**
     * The drop path: a value keeps its count, in its thread's own cells if it has a buffer (which then
     * skips the shared path until the aggregator drains it) or in the shared
     * {@link ValueDrops}; a set member is lost.
     */
    private void notQueued(int id, long bits, Object ref, ThreadBuffer own) {
        if (ref != null) {
            telemetry.drop(Telemetry.Drop.QUEUE_FULL);
        } else if (own != null) {
            own.saturate();
            own.dropValue(id, bits, telemetry);
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

    /** Drains every thread's published values, then the chunks handed over so far; returns the number of samples. */
    int drainFull(Recorder.ChunkConsumer consumer) {
        return drainThreads(consumer) + drainShared(consumer);
    }

    /**
     * Drains the chunks handed over so far and the ring, not the thread buffers: what a writer's wake-up
     * asks for. Draining a thread's buffer renews its spill allowance, so draining them on every wake-up
     * would let threads that outrun the aggregator keep it busy (spill, wake, drain, spill again) instead
     * of counting their values: thread buffers are drained on the tick.
     */
    int drainShared(Recorder.ChunkConsumer consumer) {
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
            if (k < Recorder.CHUNK_SIZE) {
                return n;
            }
        }
    }

    /**
     * Takes the partly filled chunk of every stripe (swapping in an empty one), so that an interval's
     * samples are flushed even from threads that went quiet. A stripe being written right now is
     * retried a few times; what cannot be taken goes into the next interval.
     */
    int drainStripes(Recorder.ChunkConsumer consumer) {
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

    private int drainStripe(int i, Chunk c, Recorder.ChunkConsumer consumer) {
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
    int closeAndDrain(Recorder.ChunkConsumer consumer, long deadlineNanos) {
        closed = true;
        threads.close(); // after the flag: a writer that finds no buffer now takes the shared path and sees it
        overflow.close();
        drainThreads(consumer);
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

    /** For the aggregator's park: whether handed-over chunks or ring samples wait (thread buffers: the tick). */
    boolean hasWork() {
        return !full.isEmpty() || overflow.hasPublished();
    }

    private int drainThreads(Recorder.ChunkConsumer consumer) {
        int n = threads.drain(overflowScratch, consumer);
        drained.lazySet(drained.get() + n); // only the aggregator thread writes it
        return n;
    }

    /**
     * After {@link #closeAndDrain} and the final send: values published since by writers that read
     * "open" just before the close. They are counted as {@code shutdown} here; returns how many.
     */
    long lateValues() {
        long n = threads.late();
        if (n > 0) {
            telemetry.drop(Telemetry.Drop.SHUTDOWN, n);
        }
        return n;
    }

    /** Values of {@code id} the thread buffers could not keep since the last call (counted per thread). */
    long takeThreadDrops(int id) {
        return threads.takeDropped(id);
    }

    /** A value of the context of the last {@link #takeThreadDrops} above zero. */
    long lastThreadDrop() {
        return threads.lastDropped();
    }

    /** Thread-buffer drops taken so far: part of "recorded". */
    long threadDropsTaken() {
        return threads.droppedTaken();
    }

    /** For tests: the number of thread buffers registered. */
    int threadBuffers() {
        return threads.registered();
    }

    /** For tests: the calling thread's own buffer, or null. */
    ThreadBuffer ownBuffer() {
        return threads.current();
    }

    private int consume(Chunk c, Recorder.ChunkConsumer consumer) {
        int n = c.size;
        drained.lazySet(drained.get() + n); // only the aggregator thread writes it
        consumer.accept(c.ids, c.values, c.refs, n);
        c.clear();
        return n;
    }
}
