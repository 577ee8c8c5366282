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

    // telemetry baselines
    private long lastRecorded;
    private final long[] lastDropped = new long[Telemetry.Drop.values().length];
    private long lastPackets;
    private long lastBytes;
    private long lastAdviceErrors;
    private long lastMessagesDropped;
    private int[] telemetryIds;
    private int[] packetDropIds;
    private final long[] lastPacketDrops = new long[Telemetry.SendError.values().length];

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
                    if (v != 0) {
                        packer.timestamped(ctx, false, v, stamp);
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
        Telemetry.Drop[] ds = Telemetry.Drop.values();
        telemetryIds = new int[6 + ds.length];
        telemetryIds[0] = registry.register(Registry.COUNT, "dsd_agent.samples.recorded");
        telemetryIds[1] = registry.register(Registry.COUNT, "dsd_agent.packets.sent");
        telemetryIds[2] = registry.register(Registry.COUNT, "dsd_agent.bytes.sent");
        telemetryIds[3] = registry.register(Registry.COUNT, "dsd_agent.advice.errors");
        telemetryIds[4] = registry.register(Registry.COUNT, "dsd_agent.messages.dropped");
        telemetryIds[5] = registry.register(Registry.GAUGE, "dsd_agent.contexts");
        for (int i = 0; i < ds.length; i++) {
            telemetryIds[6 + i] = registry.register(Registry.COUNT, "dsd_agent.samples.dropped", DROP_REASONS[i]);
        }
        Telemetry.SendError[] es = Telemetry.SendError.values();
        packetDropIds = new int[es.length];
        for (int i = 0; i < es.length; i++) {
            packetDropIds[i] = registry.register(Registry.COUNT, "dsd_agent.packets.dropped", "reason:" + es[i].tag);
        }
    }

    private void emitTelemetry(long stamp) {
        long recorded = recorder.recorded();
        emitDelta(0, recorded - lastRecorded, stamp);
        lastRecorded = recorded;
        long adv = telemetry.adviceErrors();
        emitDelta(3, adv - lastAdviceErrors, stamp);
        lastAdviceErrors = adv;
        long md = telemetry.messagesDropped();
        emitDelta(4, md - lastMessagesDropped, stamp);
        lastMessagesDropped = md;
        Telemetry.Drop[] ds = Telemetry.Drop.values();
        for (int i = 0; i < ds.length; i++) {
            long d = telemetry.dropped(ds[i]);
            emitDelta(6 + i, d - lastDropped[i], stamp);
            lastDropped[i] = d;
        }
        ContextInfo c = registry.get(telemetryIds[5]);
        if (c != null) {
            packer.timestamped(c, true, Double.doubleToRawLongBits(registry.size()), stamp);
        }
        // packets and bytes last: they cover everything sent before this point of the flush
        packer.flush();
        long p = telemetry.packetsSent();
        long b = telemetry.bytesSent();
        emitDelta(1, p - lastPackets, stamp);
        emitDelta(2, b - lastBytes, stamp);
        lastPackets = p;
        lastBytes = b;
        Telemetry.SendError[] es = Telemetry.SendError.values();
        for (int i = 0; i < es.length; i++) {
            long d = telemetry.packetsDropped(es[i]);
            ContextInfo pc = registry.get(packetDropIds[i]);
            if (pc != null && d != lastPacketDrops[i]) {
                packer.timestamped(pc, false, d - lastPacketDrops[i], stamp);
            }
            lastPacketDrops[i] = d;
        }
    }

    private void emitDelta(int idx, long delta, long stamp) {
        ContextInfo c = registry.get(telemetryIds[idx]);
        if (c != null && delta != 0) {
            // telemetry points bypass the recorder: they are not samples the application recorded
            packer.timestamped(c, false, delta, stamp);
        }
    }
}
