package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;
import io.dsdagent.agent.telemetry.Telemetry;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one aggregator thread: a duty cycle that drains the recorder's queues every tick, aggregates per
 * context ({@link ContextFlush}), and flushes every interval, then writes its own telemetry
 * ({@link SelfTelemetry}). It is the only writer of aggregation state and the only user of the packer
 * and transport; stop travels through the same loop, so the final flush never races a regular one. It
 * sets its parked flag before re-checking the queues, and writers hand over before reading the flag, so
 * a hand-off is never left waiting for a wake-up that does not come.
 *
 * <p>Flush times are aligned to wall-clock multiples of the interval plus a per-process random offset
 * (so a node's pods do not all send at the same instant); counts and gauges are stamped with the start
 * of the interval they close ({@code |T}), which is strictly increasing, so no context ever gets two
 * timestamped points in one second.
 */
public final class Aggregator implements Runnable {
    private static final long TICK_MILLIS = 100;

    private final Recorder recorder;
    private final Registry registry;
    private final PackerFactory packerFactory;
    private Packer packer;
    private final Telemetry telemetry;
    private final long intervalMillis;
    private final long offsetMillis;
    private final MpscAtomicArrayQueue<Outbound> rawMessages = new MpscAtomicArrayQueue<Outbound>(1024);
    private final Clock clock;
    private final java.util.List<Runnable> tickTasks = new java.util.concurrent.CopyOnWriteArrayList<Runnable>();

    private long intervalStart;
    private long lastStampSeconds;
    private volatile boolean stopping;
    /** Until when the final drain waits for writers caught mid-call: a quarter of the stop bound. */
    private volatile long finalDeadline;
    private volatile boolean stopped;
    private Thread thread;

    private final SelfTelemetry self;
    private final ContextFlush contexts;

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
        this.clock = clock;
        this.intervalStart = clock.millis() / intervalMillis * intervalMillis;
        this.self = telemetryEnabled ? new SelfTelemetry(registry, recorder, telemetry) : null;
        this.contexts = new ContextFlush(recorder, telemetry, self, maxSamplesPerContext);
    }

    /** Wall-clock time of the first flush of an aggregator made at {@code nowMillis}: interval end plus offset. */
    public static long firstFlushMillis(long nowMillis, long intervalMillis, long offsetMillis) {
        return nowMillis / intervalMillis * intervalMillis + intervalMillis + offsetMillis;
    }

    /**
     * Makes {@code t} the aggregator thread; {@code t} calls {@link #run()} itself (the agent's thread
     * {@code dsd-agent-aggregator}, started in {@code premain} before this aggregator existed). From here on
     * {@link #stop} waits for {@code t}'s final flush.
     */
    public synchronized void bind(Thread t) {
        thread = t;
        recorder.setConsumer(t);
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
        long nextFlush = firstFlushMillis(intervalStart, intervalMillis, offsetMillis);
        long nextTick = 0;
        try {
            packer = packerFactory.create();
            contexts.packer(packer);
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
                    // the scheduled tick drains the thread buffers too, a wake-up by a writer's hand-off only
                    // the shared queues (ValueBuffers.drainShared); a clock set back counts as due
                    boolean due = now >= nextTick || nextTick - now > TICK_MILLIS;
                    tick(due);
                    if (due) {
                        nextTick = now + TICK_MILLIS;
                    }
                    long waitNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(Math.min(nextTick, nextFlush) - now,
                            TICK_MILLIS));
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
        tick(true);
    }

    /** {@code threads}: the per-thread buffers too (the scheduled tick), else only the shared queues. */
    private void tick(boolean threads) {
        if (threads) {
            recorder.drainFull(contexts);
        } else {
            recorder.drainShared(contexts);
        }
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
     * shutdown hook: the thread that called {@code System.exit} waits here, at most that long.
     */
    public void stop(long timeoutMillis) {
        // a quarter of the bound for writers caught mid-call; the final send may wait up to half more
        // (SendWait's final budget), so drain + send end inside the bound with a quarter to spare
        finalDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) / 4;
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
        contexts.packer(packer);
    }

    /** Closes the current interval: everything recorded so far goes out stamped with its start. */
    public void flush() {
        recorder.drainFull(contexts);
        recorder.drainStripes(contexts);
        recorder.drainFull(contexts);
        flushDrained(false);
    }

    /**
     * The last flush, on stop: closes the recorder, drains every stripe, chunk and ring slot (waiting a
     * bounded time for writers caught mid-call), sends it all, then counts the counter calls that raced
     * the cutoff as {@code shutdown}, so what was recorded before exit is sent or counted, exactly.
     */
    public void finalFlush() {
        long deadline = finalDeadline != 0 ? finalDeadline : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        int held = recorder.closeAndDrain(contexts, deadline);
        if (held > 0) {
            Log.warn(held + " recording buffer(s) still held by threads that never ran again before exit;"
                    + " their values are not sent");
        }
        flushDrained(true);
    }

    private void flushDrained(boolean last) {
        packer.newFlush(last || stopping);
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
            boolean active; // live cap (issue 14.2): whether the context had data, for its eviction
            switch (ctx.type) {
                case Registry.COUNT:
                    active = contexts.count(ctx, stamp);
                    break;
                case Registry.GAUGE: {
                    long bits = recorder.takeGauge(id);
                    active = !Recorder.isUnset(bits);
                    if (active) {
                        packer.timestamped(ctx, true, bits, stamp);
                    }
                    break;
                }
                default:
                    active = contexts.values(ctx);
            }
            registry.flushed(id, active);
        }
        registry.endFlush(); // live cap: evicts idle contexts, frees the slots quarantined last flush
        if (last) {
            contexts.lateCalls(registry, n);
            recorder.countLateValues(); // values published after the final drain: shutdown, before telemetry
        }
        if (self != null) {
            self.emit(packer, stamp);
        }
        packer.flush();
        if (self != null) {
            self.settle(packer);
        }
    }
}
