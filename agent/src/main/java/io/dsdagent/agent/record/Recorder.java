package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;

/**
 * The recording hot path: no allocation, no lock, no map lookup, never waits. The entry points every
 * instrumentation and the API call, and the aggregator's side of them.
 *
 * <ul>
 *   <li><b>Counts</b> are added straight into striped cells, exact under any load and never queued, and
 *       <b>gauges</b> are a last-value cell per context ({@link CountsAndGauges}).</li>
 *   <li><b>Value samples</b> (timers, histograms, distributions, set members) go into stripe-owned chunks
 *       or the overflow ring ({@link ValueBuffers}), bounded by {@code DSD_AGENT_QUEUE_SIZE}; a value
 *       that finds no room is not kept but its count is ({@link ValueDrops}), a set member is dropped
 *       and counted.</li>
 * </ul>
 * A platform thread's values go first into a buffer of its own ({@link ThreadBuffers}: plain stores,
 * one release store per value); virtual threads, a thread whose slot another live thread holds and a
 * full buffer's excess take the shared stripes, chosen by thread id, so any number of threads share a fixed number of
 * buffers.
 *
 * <p>Every call is accounted for exactly once: as recorded (counted when the aggregator takes a
 * counter's calls, drains a value or takes a value's drop; gauge calls at once), or as dropped before
 * that under one reason ({@code context_cap} for the id -1 of a refused context, {@code unknown_context},
 * {@code nan_or_infinite}, {@code queue_full}, {@code shutdown} after {@link #closeAndDrain}), so
 * {@link #recorded} plus those drops is every call since the agent's sink was installed.
 */
public final class Recorder {
    static final long GAUGE_UNSET = 0x7ff8dead0000beefL; // a NaN payload no real gauge can carry
    public static final int CHUNK_SIZE = 256;

    private final Registry registry;
    private final Telemetry telemetry;
    private final int stripes;
    private final int stripeMask;
    private final ValueDrops drops;
    private final CountsAndGauges scalars;
    private final ValueBuffers values;
    /** {@code values}' thread buffers, one hop closer: what every value's hot path reads first. */
    private final ThreadBuffers threads;
    /** Aggregator's own: whether the last {@link #takeDropped} found thread-buffer drops. */
    private boolean lastFromThreads;

    /** With the default number of per-thread buffers for {@code queueSamples} ({@link #defaultThreadBuffers}). */
    public Recorder(Registry registry, Telemetry telemetry, int stripes, int queueSamples) {
        this(registry, telemetry, stripes, queueSamples, defaultThreadBuffers(queueSamples));
    }

    /** {@code threadBuffers} platform threads at most get a buffer of their own; 0 turns them off. */
    public Recorder(Registry registry, Telemetry telemetry, int stripes, int queueSamples, int threadBuffers) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two");
        }
        this.registry = registry;
        this.telemetry = telemetry;
        this.stripes = stripes;
        this.stripeMask = stripes - 1;
        this.drops = new ValueDrops(registry.segments.length());
        this.scalars = new CountsAndGauges(registry, telemetry, stripes);
        this.values = new ValueBuffers(telemetry, drops, stripes, queueSamples, threadBuffers,
                registry.segments.length());
        this.threads = values.threads();
    }

    /**
     * Per-thread buffers of {@value #CHUNK_SIZE} samples holding half as many samples again as the shared
     * queue: 128 threads at the default 65,536 (384 KiB), at most 1,024. Threads beyond that, and virtual
     * threads, share the stripes, which keep the whole {@code queueSamples}.
     */
    public static int defaultThreadBuffers(int queueSamples) {
        return Math.min(1024, queueSamples / 2 / CHUNK_SIZE);
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
        values.setConsumer(t);
    }

    /** Called by the consumer around its park, so writers know to wake it. */
    public void setConsumerParked(boolean parked) {
        values.setConsumerParked(parked);
    }

    private int stripe() {
        return stripe(stripeMask);
    }

    /** The calling thread's stripe: its id, hashed, masked by {@code mask} (stripes - 1). */
    static int stripe(int mask) {
        int h = (int) Thread.currentThread().getId() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    // ---- hot path -------------------------------------------------------------------------------

    /** Adds {@code delta} to a counter ({@link CountsAndGauges}). */
    public void count(int id, long delta) {
        scalars.count(id, delta, stripe());
    }

    /** Sets a gauge ({@link CountsAndGauges}). */
    public void gauge(int id, double value) {
        scalars.gauge(id, value, stripe());
    }

    /** A timer value in nanoseconds. */
    public void recordNanos(int id, long nanos) {
        append(id, nanos);
    }

    /**
     * A timer value for an API id ({@link Registry#live}): false, recording nothing, if the id is not
     * live (the caller tells the handle). Here rather than in the API's class so that the API's hot path
     * reaches the registry and the thread buffers one hop from the bridge's sink.
     */
    public boolean tryRecordNanos(int id, long nanos) {
        int slot = registry.live(id);
        if (slot < 0) {
            return false;
        }
        appendSlot(slot, nanos);
        return true;
    }

    /** A histogram or distribution value for an API id, as {@link #tryRecordNanos}. */
    public boolean tryRecord(int id, double value) {
        int slot = registry.live(id);
        if (slot < 0) {
            return false;
        }
        record(slot, value);
        return true;
    }

    /** A histogram or distribution value. */
    public void record(int id, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            telemetry.drop(Telemetry.Drop.NAN);
            return;
        }
        append(id, Double.doubleToRawLongBits(value));
    }

    public void setAdd(int id, String member) {
        values.appendSlow(id, 0L, member == null ? "null" : member, threads.current());
    }

    /** One value for a slot, or for -1 (a refused context: counted as such). */
    private void append(int id, long bits) {
        if (id < 0) {
            values.appendSlow(id, bits, null, null);
        } else {
            appendSlot(id, bits);
        }
    }

    /**
     * One value for a slot (not negative), the hot path: the thread's own buffer (found with two plain
     * loads and a compare, written with plain stores and one release store, or counted in its cells once
     * it is saturated); everything else is {@link ValueBuffers#appendSlow}, kept out of line so that this
     * method stays small enough for the JIT to inline into every caller.
     */
    private void appendSlot(int slot, long bits) {
        ThreadBuffer own = threads.current();
        if (own == null || !own.offerValue(slot, bits)) {
            values.appendSlow(slot, bits, null, own);
        }
    }

    /** For tests: takes stripe {@code i}'s chunk as a writer preempted mid-write would hold it. */
    Chunk holdStripe(int i) {
        return values.holdStripe(i);
    }

    /** For tests: gives back what {@link #holdStripe} took. */
    void releaseStripe(int i, Chunk c) {
        values.releaseStripe(i, c);
    }

    int overflowCapacity() {
        return values.overflowCapacity();
    }

    // ---- aggregator side (one thread) -------------------------------------------------------------

    /** Receives drained chunks; must not keep them. */
    public interface ChunkConsumer {
        void accept(int[] ids, long[] values, Object[] refs, int size);
    }

    /** Drains the chunks handed over so far, then the overflow ring; returns the number of samples. */
    public int drainFull(ChunkConsumer consumer) {
        return values.drainFull(consumer);
    }

    /**
     * Drains the chunks handed over so far and the overflow ring, not the per-thread buffers (those wait
     * for the tick, see {@link ValueBuffers#drainShared}); returns the number of samples.
     */
    public int drainShared(ChunkConsumer consumer) {
        return values.drainShared(consumer);
    }

    /**
     * Takes the partly filled chunk of every stripe (swapping in an empty one), so that an interval's
     * samples are flushed even from threads that went quiet. A stripe being written right now is
     * retried a few times; what cannot be taken goes into the next interval.
     */
    public int drainStripes(ChunkConsumer consumer) {
        return values.drainStripes(consumer);
    }

    /**
     * The final drain: closes the recorder (every later call is counted as {@code shutdown}) and drains
     * every stripe, every handed-over chunk and every ring slot claimed before the close, waiting until
     * {@code deadlineNanos} for writers caught mid-call. Returns the number of stripes still held then.
     */
    public int closeAndDrain(ChunkConsumer consumer, long deadlineNanos) {
        scalars.close();
        return values.closeAndDrain(consumer, deadlineNanos);
    }

    /**
     * After {@link #closeAndDrain} and the final send, before the telemetry goes out: counts as
     * {@code shutdown} the values that writers caught mid-write published after the final drain.
     */
    public long countLateValues() {
        return values.lateValues();
    }

    /** For tests: the number of per-thread buffers registered. */
    int threadBuffers() {
        return values.threadBuffers();
    }

    /** For tests: the calling thread's own buffer, or null (virtual thread, no free slot, none configured). */
    ThreadBuffer ownBuffer() {
        return values.ownBuffer();
    }

    /** For the aggregator's park: whether handed-over chunks or ring samples are waiting. */
    public boolean hasWork() {
        return values.hasWork();
    }

    /**
     * Puts a counter's interval into {@code into} (cleared first): the sum of its stripes, exact beyond
     * the long range, and its calls, resetting them. The calls count as recorded.
     */
    public void takeCount(int id, CountTake into) {
        scalars.takeCount(id, into, true);
    }

    /**
     * After the final flush: the calls a counter received since it was taken (writers that read the
     * close just before it happened). The caller counts them as {@code shutdown}, not recorded.
     */
    public long takeLateCalls(int id, CountTake scratch) {
        return scalars.takeLateCalls(id, scratch);
    }

    /** Values of {@code id} not queued since the last call (their count is exact), resetting it. */
    public long takeDropped(int id) {
        long shared = drops.take(id);
        long own = values.takeThreadDrops(id);
        lastFromThreads = own > 0;
        return shared + own;
    }

    /** The bits of the value of {@code id} dropped last; meaningful after {@link #takeDropped} above zero. */
    public long lastDropped(int id) {
        return lastFromThreads ? values.lastThreadDrop() : drops.last(id);
    }

    /** The gauge's last value bits since the last call, or {@link #GAUGE_UNSET}. */
    public long takeGauge(int id) {
        return scalars.takeGauge(id);
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
        return scalars.recorded() + values.drained() + drops.taken() + values.threadDropsTaken();
    }
}
