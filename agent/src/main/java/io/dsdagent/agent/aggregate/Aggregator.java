package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.ContextInfo;
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
    private final boolean telemetryEnabled;
    private final Xorshift rnd = new Xorshift(System.nanoTime());
    private final SampleRates rates = new SampleRates();
    private final MpscAtomicArrayQueue<Outbound> rawMessages = new MpscAtomicArrayQueue<Outbound>(1024);
    private final Clock clock;
    private final java.util.List<Runnable> tickTasks = new java.util.concurrent.CopyOnWriteArrayList<Runnable>();

    private ValueState[] states = new ValueState[64];
    private long intervalStart;
    private long lastStampSeconds;
    private volatile boolean stopping;
    private volatile boolean stopped;
    private Thread thread;

    // telemetry: one slot per dsd_agent.* context (see registerTelemetry)
    private static final int RECORDED = 0;
    private static final int PACKETS = 1;
    private static final int BYTES = 2;
    private static final int ADVICE_ERRORS = 3;
    private static final int MESSAGES_DROPPED = 4;
    private static final int CONTEXTS = 5;
    private static final int SEND_WAIT = 6;
    private static final int SAMPLES_DROPPED = 7;
    private static final int PACKETS_DROPPED = SAMPLES_DROPPED + Telemetry.Drop.values().length;
    private static final int SLOTS = PACKETS_DROPPED + Telemetry.SendError.values().length;
    private int[] telemetryIds;
    /** Totals already delivered: a point is the total minus this. */
    private final long[] reported = new long[SLOTS];
    /** Total in the point written this flush, and the datagram it went out in (-1: none). */
    private final long[] pendingTotal = new long[SLOTS];
    private final long[] pendingDatagram = new long[SLOTS];

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
        /** The message without its newline, cut to fit {@code maxBytes} where it can be. */
        byte[] encode(int maxBytes);
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
        this.telemetryEnabled = telemetryEnabled;
        this.clock = clock;
        this.intervalStart = clock.millis() / intervalMillis * intervalMillis;
        if (telemetryEnabled) {
            registerTelemetry();
        }
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
                    if (!stopping) {
                        LockSupport.parkNanos(this, Math.max(waitNanos, 1));
                    }
                    recorder.setConsumerParked(false);
                }
            }
            flush(); // final flush on stop: everything recorded so far
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
                byte[] m = o.encode(packer.maxPayload() - 1); // the packer adds the newline
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
     * shutdown hook.
     */
    public void stop(long timeoutMillis) {
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
        packer.newFlush(stopping);
        long stamp = Math.max(intervalStart / 1000, lastStampSeconds + 1);
        lastStampSeconds = stamp;
        intervalStart += intervalMillis;
        recorder.drainFull(this);
        recorder.drainStripes(this);
        recorder.drainFull(this);
        sendRaw();
        int n = registry.size();
        for (int id = 0; id < n; id++) {
            ContextInfo ctx = registry.get(id);
            if (ctx == null) {
                continue;
            }
            switch (ctx.type) {
                case Registry.COUNT: {
                    long v = recorder.takeCount(id);
                    if (v != 0 && packer.timestamped(ctx, false, v, stamp)) {
                        packer.samples(Math.abs(v)); // each +1 is one sample
                    }
                    break;
                }
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
        if (telemetryEnabled) {
            emitTelemetry(stamp);
        }
        packer.flush();
        if (telemetryEnabled) {
            settleTelemetry();
        }
    }

    private void flushValues(ContextInfo ctx) {
        ValueState st = ctx.id < states.length ? states[ctx.id] : null;
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
            for (String m : st.members) {
                packer.setMember(ctx, m);
            }
            st.reset();
            return;
        }
        int kind = ctx.nanos ? Packer.NANOS : Packer.DOUBLE_BITS;
        int k = st.kept;
        if (st.count == k) {
            packer.packed(ctx, st.samples, 0, k, kind, 1);
        } else {
            // k values stand for count: weights base+1 (the first rem values) and base, summing to count
            long base = st.count / k;
            int rem = (int) (st.count % k);
            if (rem > 0) {
                packer.packed(ctx, st.samples, 0, rem, kind, rates.forWeight(base + 1));
            }
            packer.packed(ctx, st.samples, rem, k, kind, rates.forWeight(base));
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
                if (!st.addMember((String) refs[i], cap)) {
                    telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
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

    private static final String[] DROP_REASONS;

    static {
        Telemetry.Drop[] ds = Telemetry.Drop.values();
        DROP_REASONS = new String[ds.length];
        for (int i = 0; i < ds.length; i++) {
            DROP_REASONS[i] = "reason:" + ds[i].tag;
        }
    }

    private void registerTelemetry() {
        telemetryIds = new int[SLOTS];
        telemetryIds[RECORDED] = registry.register(Registry.COUNT, "dsd_agent.samples.recorded");
        telemetryIds[PACKETS] = registry.register(Registry.COUNT, "dsd_agent.packets.sent");
        telemetryIds[BYTES] = registry.register(Registry.COUNT, "dsd_agent.bytes.sent");
        telemetryIds[ADVICE_ERRORS] = registry.register(Registry.COUNT, "dsd_agent.advice.errors");
        telemetryIds[MESSAGES_DROPPED] = registry.register(Registry.COUNT, "dsd_agent.messages.dropped");
        telemetryIds[CONTEXTS] = registry.register(Registry.GAUGE, "dsd_agent.contexts");
        telemetryIds[SEND_WAIT] = registry.register(Registry.COUNT, "dsd_agent.send.wait_ms");
        Telemetry.Drop[] ds = Telemetry.Drop.values();
        for (int i = 0; i < ds.length; i++) {
            telemetryIds[SAMPLES_DROPPED + i] = registry.register(Registry.COUNT, "dsd_agent.samples.dropped", DROP_REASONS[i]);
        }
        Telemetry.SendError[] es = Telemetry.SendError.values();
        for (int i = 0; i < es.length; i++) {
            telemetryIds[PACKETS_DROPPED + i] = registry.register(Registry.COUNT, "dsd_agent.packets.dropped",
                    "reason:" + es[i].tag);
        }
        java.util.Arrays.fill(pendingDatagram, -1);
    }

    private void emitTelemetry(long stamp) {
        emit(RECORDED, recorder.recorded(), stamp);
        emit(ADVICE_ERRORS, telemetry.adviceErrors(), stamp);
        emit(MESSAGES_DROPPED, telemetry.messagesDropped(), stamp);
        Telemetry.Drop[] ds = Telemetry.Drop.values();
        for (int i = 0; i < ds.length; i++) {
            emit(SAMPLES_DROPPED + i, telemetry.dropped(ds[i]), stamp);
        }
        ContextInfo c = registry.get(telemetryIds[CONTEXTS]);
        if (c != null) {
            packer.timestamped(c, true, Double.doubleToRawLongBits(registry.size()), stamp);
        }
        // packets and bytes last: they cover everything sent before this point of the flush
        packer.flush();
        emit(PACKETS, telemetry.packetsSent(), stamp);
        emit(BYTES, telemetry.bytesSent(), stamp);
        emit(SEND_WAIT, telemetry.waitedMillis(), stamp);
        Telemetry.SendError[] es = Telemetry.SendError.values();
        for (int i = 0; i < es.length; i++) {
            emit(PACKETS_DROPPED + i, telemetry.packetsDropped(es[i]), stamp);
        }
    }

    /**
     * Writes the point {@code total - reported} of a telemetry counter. It counts as reported only once
     * its datagram was sent ({@link #settleTelemetry}): a point lost with its datagram (the receiver was
     * away, which is exactly when the drop counters move) is carried into the next interval's point, so
     * the sum of what arrives is the agent's total.
     */
    private void emit(int slot, long total, long stamp) {
        ContextInfo c = registry.get(telemetryIds[slot]);
        long delta = total - reported[slot];
        if (c == null || delta == 0) {
            return;
        }
        // telemetry points bypass the recorder: they are not samples the application recorded
        if (packer.timestamped(c, false, delta, stamp)) {
            pendingTotal[slot] = total;
            pendingDatagram[slot] = packer.datagram();
        } else {
            reported[slot] = total; // can never be written: do not let it grow
        }
    }

    /** After the flush's last datagram: the points that went out are reported, the others carried over. */
    private void settleTelemetry() {
        for (int slot = 0; slot < SLOTS; slot++) {
            if (pendingDatagram[slot] >= 0) {
                if (packer.sent(pendingDatagram[slot])) {
                    reported[slot] = pendingTotal[slot];
                }
                pendingDatagram[slot] = -1;
            }
        }
    }
}
