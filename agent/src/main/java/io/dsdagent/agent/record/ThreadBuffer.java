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
 *   <li>The writer never overwrites a slot the aggregator has not released: it writes below
 *       {@link #writable}, the aggregator's drained position plus the capacity.</li>
 * </ul>
 * The positions are plain {@code volatile} fields of this object, written with release stores through
 * field updaters (which the JIT reduces to one store: this class is final): the aggregator reads the
 * writer's at each drain, the writer reads the aggregator's with every value (a load from the line it
 * writes anyway). No padding: the aggregator writes that line once per drain (100 ms), not per value.
 */
final class ThreadBuffer {
    private static final AtomicLongFieldUpdater<ThreadBuffer> PUBLISHED =
            AtomicLongFieldUpdater.newUpdater(ThreadBuffer.class, "published");
    /** Where a drop's release store goes: it publishes the drop cells' plain stores before it. */
    private static final AtomicLongFieldUpdater<ThreadBuffer> DROPPED =
            AtomicLongFieldUpdater.newUpdater(ThreadBuffer.class, "dropped");
    private static final AtomicLongFieldUpdater<ThreadBuffer> WRITABLE =
            AtomicLongFieldUpdater.newUpdater(ThreadBuffer.class, "writable");

    private final int[] ids;
    private final long[] values;
    private final Object[] refs;
    private final int mask;
    /** Writer's release stores: positions up to which samples are written; the last dropped value. */
    private volatile long published;
    private volatile long dropped;
    /**
     * Aggregator's release store: the first position the writer may not write, the drained position plus
     * the capacity (so that the writer's full check is one load and one compare).
     */
    private volatile long writable;
    /**
     * The thread that writes this buffer: how a thread recognizes its own (by identity, not by id, which
     * a subclass of {@code Thread} may override). Held strongly: the aggregator frees the slot, and so
     * the reference, at its first drain after the thread ended.
     */
    final Thread owner;

    /**
     * Values this thread could not buffer, per context: a segment of {@value Registry#SEGMENT} cells
     * ({@link DropCell}: count and last value, one object, so a drop touches one cache line and needs no
     * index check), a segment allocated by this thread on its first drop into it and a cell on its first
     * drop of the context. Written with plain stores by this thread alone, published by a release store into
     * {@code DROPPED}, which the aggregator reads first ({@link #takeDropped}); no running total, whose
     * read-modify-write would add a second chain through memory to every drop. Plain fields, not atomic
     * ones: this is the path a thread that outruns the aggregator takes for most values. A count is a
     * 64-bit plain write, atomic on every 64-bit JVM (JLS 17.7 leaves 32-bit ones free).
     */
    private final DropCell[][] drops;
    /**
     * Writer's own: the slot of the last drop and its cell, so that a thread dropping values of one
     * context again and again (the usual case once it outruns the aggregator) reaches the cell with one
     * compare instead of the segment walk. -1: none yet.
     */
    private int dropSlot = -1;
    private DropCell dropCell;

    /** One context's values dropped by one thread: what {@link #drops} holds. */
    static final class DropCell {
        /** Writer's: values dropped so far (only grows), and the bits of the last one. */
        long count;
        long last;
        /** Aggregator's own: {@link #count} as of its last take. */
        long taken;
    }

    /**
     * Writer's own: values this thread sent to the shared path while its buffer was full up to
     * {@link #spillFrom} (the {@link #writable} it saw then): the allowance renews whenever the aggregator
     * has drained the buffer since. At {@link #SPILL_LIMIT}, or when the shared path was full too, the
     * buffer is saturated at that point ({@link #saturatedAt}): until the aggregator drains it, a value that
     * finds it full is counted at once ({@link #drop}) instead of trying the shared path, so a thread that
     * outruns the aggregator pays for a plain count, not for atomics, and cannot fill the queue virtual
     * threads share.
     */
    private int spilled;
    private long spillFrom = -1;
    /** Writer's own: the {@link #writable} at which this buffer saturated; -1 (no position) while it is not. */
    private long saturatedAt = -1;
    /** Values a thread may spill into the shared path per drain of its buffer: 16 chunks. */
    static final int SPILL_LIMIT = 4096;

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
        this.drops = new DropCell[segments][];
        this.owner = owner;
        this.ids = new int[capacity];
        this.values = new long[capacity];
        this.refs = new Object[capacity];
        this.mask = capacity - 1;
        this.writable = capacity;
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
     * full and saturated (see {@link #spilled}), counts it in this thread's own cells ({@link #drop}).
     * Small, so that the JIT inlines it, the count included: a thread that outruns the aggregator takes
     * that branch for most values. False when the caller must go on ({@link #spill}): the buffer is full
     * and not saturated, or the context is unknown.
     */
    boolean offerValue(int id, long bits) {
        long t = published; // as in write, with one read of writable for both checks
        long l = writable;
        if (t >= l) {
            return l == saturatedAt && drop(id, bits);
        }
        store(t, id, bits, null);
        publish(t + 1);
        return true;
    }

    /**
     * Writer, for a value that found the buffer full and not saturated: whether it may go to the shared
     * path (counted against the allowance, renewed after each drain); false once the allowance is used
     * up, which saturates the buffer: the caller then counts the value here ({@link #dropValue}).
     */
    boolean spill() {
        long l = writable;
        if (l == saturatedAt) {
            return false;
        }
        if (l != spillFrom) { // drained since the last spill: a new allowance
            spillFrom = l;
            spilled = 0;
        }
        if (spilled >= SPILL_LIMIT) {
            saturatedAt = l;
            return false;
        }
        spilled++;
        return true;
    }

    /** Writer: the shared path was full too: saturated until the next drain, as at the allowance's end. */
    void saturate() {
        saturatedAt = writable;
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
        if (t >= writable) { // one line with published: the aggregator writes it once per drain
            return -1; // full: no store
        }
        store(t, id, bits, ref);
        return t;
    }

    /** Writer: the sample's fields at position {@code t}, which the caller checked is writable. */
    private void store(long t, int id, long bits, Object ref) {
        int i = (int) t & mask;
        ids[i] = id;
        values[i] = bits;
        if (ref != null) {
            refs[i] = ref; // the aggregator clears it after draining, so a value never carries an old member
        }
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
        WRITABLE.lazySet(this, h + mask + 1);
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
        DropCell c = id == dropSlot ? dropCell : cell(id);
        if (c == null) {
            return false;
        }
        c.last = bits;
        c.count++;
        DROPPED.lazySet(this, bits); // release: publishes the stores above (and a new cell or segment)
        return true;
    }

    /** Writer: {@code id}'s cell, created on its first drop and remembered for the next; null if unknown. */
    private DropCell cell(int id) {
        int s = id >>> Registry.SHIFT; // a negative id (-1) shifts past the segments
        if (s >= drops.length) {
            return null;
        }
        DropCell[] a = drops[s];
        if (a == null) {
            a = drops[s] = new DropCell[Registry.SEGMENT]; // once per thread and segment of contexts
        }
        DropCell c = a[id & Registry.MASK];
        if (c == null) {
            c = a[id & Registry.MASK] = new DropCell(); // once per thread and context
        }
        dropCell = c;
        dropSlot = id;
        return c;
    }

    /**
     * Aggregator: {@code id}'s values this thread dropped since the last take. The writer's count only
     * grows, so the take is the difference from the count taken before: nothing is reset under the writer.
     */
    long takeDropped(int id) {
        long acquire = dropped; // acquire: the writer's cells up to its last release are visible after it
        int s = id >>> Registry.SHIFT;
        DropCell[] a = s < drops.length ? drops[s] : null;
        DropCell c = a == null ? null : a[id & Registry.MASK];
        if (c == null) {
            return 0;
        }
        long count = c.count;
        long n = count - c.taken;
        if (n != 0) {
            c.taken = count;
            lastTaken = c.last; // after the count: see drop
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
        for (DropCell[] a : drops) {
            if (a == null) {
                continue;
            }
            for (DropCell c : a) {
                if (c == null) {
                    continue;
                }
                long count = c.count;
                n += count - c.taken;
                if (take) {
                    c.taken = count;
                }
            }
        }
        return n;
    }
}
