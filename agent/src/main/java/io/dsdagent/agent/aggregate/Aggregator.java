package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.CountTake;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one aggregator thread: a duty cycle that drains the recorder's queues every tick, aggregates per
 * context, and flushes every interval. It is the only writer of aggregation state and the only user of
 * the packer and transport; stop travels through the same loop, so the final flush never races a
 * regular one.
 *
 * <p>Flush times are aligned to wall-clock multiples of the interval plus a per-process random offset
 * (so a node's pods do not all send at the same instant); counts and gauges are stamped with the start
 * of the interval they close ({@code |T}), which is strictly increasing, so no context ever gets two
 * timestamped points in one second.
 */
public final class Aggregator implements Runnable, Recorder.ChunkConsumer {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int IDLE_EVICT = 5;

    private final Recorder recorder;
    private final Registry registry;
    private final PackerFactory packerFactory;
    private Packer packer;
    private final Telemetry telemetry;
    private final long intervalMillis;
    private final long offsetMillis;
    private final int cap;
    private final Xorshift rnd = new Xorshift(System.nanoTime());
    private final SampleRates rates = new SampleRates();
    private final MpscAtomicArrayQueue<Outbound> rawMessages = new MpscAtomicArrayQueue<Outbound>(1024);
    private final Clock clock;
    private final java.util.List<Runnable> tickTasks = new java.util.concurrent.CopyOnWriteArrayList<Runnable>();

    private ValueState[] states = new ValueState[64];
    private long intervalStart;
    private long lastStampSeconds;
    private volatile boolean stopping;
    /** Until when the final drain waits for writers caught mid-call: half the stop bound. */
    private volatile long finalDeadline;
    private volatile boolean stopped;
    private Thread thread;

    private final SelfTelemetry self;
    private final CountTake countTake = new CountTake();

    /** Wall clock in milliseconds; replaceable in tests. */
    public interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long millis() {
                return System.currentTimeMillis();
            }
        };

        long millis();
    }

    /**
     * Creates the transport and packer on the aggregator thread, so sockets and /proc reads (origin
     * detection) happen after {@code premain} returns.
     */
    public interface PackerFactory {
        Packer create();
    }

    /** An event or service check, encoded on the aggregator thread. */
    public interface Outbound {
        byte[] encode();
    }

    public Aggregator(Recorder recorder, PackerFactory packerFactory, Telemetry telemetry, long intervalMillis,
                      long offsetMillis, int maxSamplesPerContext, boolean telemetryEnabled, Clock clock) {
        this.recorder = recorder;
        this.registry = recorder.registry();
        this.packerFactory = packerFactory;
        this.telemetry = telemetry;
        this.intervalMillis = intervalMillis;
        this.offsetMillis = offsetMillis;
        this.cap = maxSamplesPerContext;
        this.clock = clock;
        this.intervalStart = clock.millis() / intervalMillis * intervalMillis;
        this.self = telemetryEnabled ? new SelfTelemetry(registry, recorder, telemetry) : null;
    }

    /** Starts the daemon thread {@code dsd-agent-aggregator}. */
    public synchronized void start() {
        thread = new Thread(this, "dsd-agent-aggregator");
        thread.setDaemon(true);
        recorder.setConsumer(thread);
        thread.start();
    }

    /** Runs on the aggregator thread at every tick (about every 100 ms): samplers hang off this. */
    public void addTickTask(Runnable task) {
        tickTasks.add(task);
    }

    /** Queues an event or service check; false (counted) if the queue is full. */
    public boolean offerRaw(Outbound message) {
        if (!rawMessages.offer(message)) {
            telemetry.drop(Telemetry.Drop.QUEUE_FULL);
            return false;
        }
        return true;
    }

    @Override
    public void run() {
        long nextFlush = intervalStart + intervalMillis + offsetMillis;
        try {
            packer = packerFactory.create();
            while (!stopping) {
                long now = clock.millis();
                if (now >= nextFlush) {
                    flush();
                    nextFlush = intervalStart + intervalMillis + offsetMillis;
                    if (nextFlush <= now) { // fell behind (suspended VM, long GC): realign
                        intervalStart = (now - offsetMillis) / intervalMillis * intervalMillis;
                        nextFlush = intervalStart + intervalMillis + offsetMillis;
                    }
                } else {
                    tick();
                    long waitNanos = Math.min(TICK_NANOS, TimeUnit.MILLISECONDS.toNanos(nextFlush - now));
                    recorder.setConsumerParked(true);
                    // re-checked after the flag: a writer that handed over just before it saw no one parked
                    if (!stopping && !recorder.hasWork()) {
                        LockSupport.parkNanos(this, Math.max(waitNanos, 1));
                    }
                    recorder.setConsumerParked(false);
                }
            }
            finalFlush();
        } catch (Throwable t) {
            Log.error("aggregator stopped by " + t + "; metrics are no longer sent");
        } finally {
            stopped = true;
        }
    }

    /** Drains queues and runs tick tasks; sends queued events at once. */
    public void tick() {
        recorder.drainFull(this);
        for (Runnable r : tickTasks) {
            try {
                r.run();
            } catch (Throwable t) {
                Log.warnOnce("tick-" + r.getClass().getName(), "background task " + r + " failed: " + t);
            }
        }
        if (sendRaw()) {
            packer.flush();
        }
    }

    private boolean sendRaw() {
        Outbound o;
        boolean any = false;
        while ((o = rawMessages.poll()) != null) {
            try {
                byte[] m = o.encode();
                packer.raw(m, m.length);
                any = true;
            } catch (RuntimeException e) {
                Log.warnOnce("encode-" + e.getClass().getName(), "could not encode an event or service check: " + e);
            }
        }
        return any;
    }

    /**
     * Stops the thread after a final flush, waiting at most {@code timeoutMillis}. Safe to call from a
     * shutdown hook: the thread that called {@code System.exit} waits here, at most that long.
     */
    public void stop(long timeoutMillis) {
        finalDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) / 2;
        stopping = true;
        Thread t = thread;
        if (t == null) {
            return;
        }
        LockSupport.unpark(t);
        try {
            t.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!stopped) {
            Log.warn("final flush did not finish within " + timeoutMillis + " ms");
        }
    }

    /** For tests that drive the aggregator without its thread. */
    public void startInline() {
        packer = packerFactory.create();
    }

    /** Closes the current interval: everything recorded so far goes out stamped with its start. */
    public void flush() {
        recorder.drainFull(this);
        recorder.drainStripes(this);
        recorder.drainFull(this);
        flushDrained(false);
    }

    /**
     * The last flush, on stop: closes the recorder, drains every stripe, chunk and ring slot (waiting a
     * bounded time for writers caught mid-call), sends it all, then counts the counter calls that raced
     * the cutoff as {@code shutdown}, so what was recorded before exit is sent or counted, exactly.
     */
    public void finalFlush() {
        long deadline = finalDeadline != 0 ? finalDeadline : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        int held = recorder.closeAndDrain(this, deadline);
        if (held > 0) {
            Log.warn(held + " recording buffer(s) still held by threads that never ran again before exit;"
                    + " their values are not sent");
        }
        flushDrained(true);
    }

    private void flushDrained(boolean last) {
        long stamp = Math.max(intervalStart / 1000, lastStampSeconds + 1);
        lastStampSeconds = stamp;
        intervalStart += intervalMillis;
        sendRaw();
        int n = registry.size();
        for (int id = 0; id < n; id++) {
            ContextInfo ctx = registry.get(id);
            if (ctx == null) {
                continue;
            }
            switch (ctx.type) {
                case Registry.COUNT:
                    flushCount(ctx, stamp);
                    break;
                case Registry.GAUGE: {
                    long bits = recorder.takeGauge(id);
                    if (!Recorder.isUnset(bits)) {
                        packer.timestamped(ctx, true, bits, stamp);
                    }
                    break;
                }
                default:
                    flushValues(ctx);
            }
        }
        if (last) {
            countLateCalls(n);
        }
        if (self != null) {
            self.emit(packer, stamp);
        }
        packer.flush();
        if (self != null) {
            self.settle(packer);
        }
    }

    /**
     * One count line per counter that was called: its exact sum (beyond the long range in the encoder's
     * shortest float64 form, which the Datadog Agent parses counts as anyway), standing for its calls.
     */
    private void flushCount(ContextInfo ctx, long stamp) {
        recorder.takeCount(ctx.id, countTake);
        if (countTake.calls == 0 && countTake.isZero()) {
            return;
        }
        boolean written = countTake.fitsLong()
                ? packer.timestamped(ctx, false, countTake.low(), stamp)
                : packer.timestamped(ctx, true, Double.doubleToRawLongBits(countTake.asDouble()), stamp);
        if (written) {
            packer.samples(countTake.calls);
        } else if (countTake.calls > 1) { // the packer counted the line once; it stood for its calls
            telemetry.drop(Telemetry.Drop.MESSAGE_TOO_LARGE, countTake.calls - 1);
        }
    }

    /** After the final flush's lines: counter calls that came in after their take are counted as shutdown. */
    private void countLateCalls(int n) {
        for (int id = 0; id < n; id++) {
            ContextInfo ctx = registry.get(id);
            if (ctx != null && ctx.type == Registry.COUNT) {
                long late = recorder.takeLateCalls(id, countTake);
                if (late > 0) {
                    telemetry.drop(Telemetry.Drop.SHUTDOWN, late);
                }
            }
        }
    }

    private void flushValues(ContextInfo ctx) {
        long dropped = ctx.type == Registry.SET ? 0 : recorder.takeDropped(ctx.id);
        ValueState st = ctx.id < states.length ? states[ctx.id] : null;
        if (dropped > 0 && (st == null || st.count == 0)) {
            // every value of the interval was dropped: the last one carries the whole count
            st = state(ctx.id);
            st.add(recorder.lastDropped(ctx.id), cap, rnd);
            dropped--;
        }
        if (st == null) {
            return;
        }
        if (st.count == 0) {
            if (++st.idleIntervals >= IDLE_EVICT) {
                states[ctx.id] = null; // evict: frees the sample buffer of a context gone quiet
            }
            return;
        }
        st.idleIntervals = 0;
        if (ctx.type == Registry.SET) {
            flushSet(ctx, st);
            return;
        }
        if (self != null) {
            self.notKept(dropped, st.count - st.kept);
        }
        sendWeighted(ctx, st, st.count + dropped);
        st.reset();
    }

    /**
     * The kept values standing for {@code total} calls: weights {@code base + 1} for the first
     * {@code total % kept} values and {@code base} for the rest, so the Datadog Agent's {@code int(1/rate)}
     * weights sum to exactly {@code total} ({@link SampleRates}).
     */
    private void sendWeighted(ContextInfo ctx, ValueState st, long total) {
        int kind = ctx.nanos ? Packer.NANOS : Packer.DOUBLE_BITS;
        int k = st.kept;
        long base = total / k;
        int rem = (int) (total % k);
        if (rem > 0) {
            packer.packed(ctx, st.samples, 0, rem, kind, rates.forWeight(base + 1));
        }
        packer.packed(ctx, st.samples, rem, k, kind, rates.forWeight(base));
    }

    /** One line per distinct member; the first stands for the repeated adds too (telemetry counts calls). */
    private void flushSet(ContextInfo ctx, ValueState st) {
        boolean first = true;
        for (String m : st.members) {
            packer.setMember(ctx, m);
            if (first) {
                packer.samples(st.count - st.members.size() - st.refused);
                first = false;
            }
        }
        st.reset();
    }

    /** Receives drained value samples. */
    @Override
    public void accept(int[] ids, long[] values, Object[] refs, int size) {
        for (int i = 0; i < size; i++) {
            int id = ids[i];
            ValueState st = state(id);
            if (refs != null && refs[i] != null) {
                if (!st.addMember(SetMembers.bound((String) refs[i]), cap)) {
                    telemetry.drop(Telemetry.Drop.SET_CAP);
                }
            } else {
                st.add(values[i], cap, rnd);
            }
        }
    }

    private ValueState state(int id) {
        if (id >= states.length) {
            states = Arrays.copyOf(states, Math.max(id + 1, states.length * 2));
        }
        ValueState st = states[id];
        if (st == null) {
            st = new ValueState();
            states[id] = st;
        }
        return st;
    }
}
