package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The recorder's counters and gauges: a count is added straight into its context's cells on the caller's
 * stripe, so it is exact under any load and never queued: a call of 1 is one atomic increment of its
 * calls cell, which is also its value ({@link CounterCalls}), any other delta adds {@code delta - 1} to
 * the sum cell first; a gauge is a last-value cell per context. No allocation, no lock, never waits.
 *
 * <p>What must hold: each call is counted once, as a call the aggregator later takes ({@link #takeCount},
 * gauge calls per stripe) or as dropped under one reason ({@code context_cap} for the id -1 of a refused
 * registration, {@code unknown_context}, {@code nan_or_infinite}, {@code shutdown} once closed). A count
 * that slips in between its context's last take and the close's check is picked up after the final flush
 * by {@link #takeLateCalls} and counted as {@code shutdown}. Only the aggregator thread takes.
 */
final class CountsAndGauges {
    private static final int PAD = 16; // longs between stripe cells: no false sharing
    private final Registry registry;
    private final Telemetry telemetry;
    private final int stripes;
    private final CounterCalls calls;
    /** Gauge calls per stripe (counter calls are per context, in {@link CounterCalls}). */
    private final AtomicLongArray gaugeCalls;
    private volatile boolean closed;

    CountsAndGauges(Registry registry, Telemetry telemetry, int stripes) {
        this.registry = registry;
        this.telemetry = telemetry;
        this.stripes = stripes;
        this.calls = new CounterCalls(registry.segments.length(), stripes);
        this.gaugeCalls = new AtomicLongArray(stripes * PAD);
    }

    /** The registry segment of a non-negative id, or null if there is none. */
    private Registry.Segment segment(int id) {
        int s = id >>> Registry.SHIFT;
        return s < registry.segments.length() ? registry.segments.get(s) : null;
    }

    void close() {
        closed = true;
    }

    void count(int id, long delta, int stripe) {
        if (id < 0) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP); // the handle's registration was refused
            return;
        }
        AtomicLongArray callCells = calls.cells(id);
        Registry.Segment seg = callCells == null ? null : segment(id);
        if (seg == null) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
            return;
        }
        if (closed) {
            telemetry.drop(Telemetry.Drop.SHUTDOWN);
            return;
        }
        if (delta != 1) { // the call's own unit goes into its calls cell (CounterCalls)
            long rest = delta - 1;
            long before = seg.counts.getAndAdd(stripe * Registry.SEGMENT + (id & Registry.MASK), rest);
            calls.carries(callCells, id, before, rest);
        }
        calls.called(callCells, id, stripe);
    }

    void gauge(int id, double value, int stripe) {
        if (id < 0) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
            return;
        }
        Registry.Segment seg = segment(id);
        if (seg == null) {
            telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
            return;
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            telemetry.drop(Telemetry.Drop.NAN);
            return;
        }
        if (closed) {
            telemetry.drop(Telemetry.Drop.SHUTDOWN);
            return;
        }
        seg.gauges.set(id & Registry.MASK, Double.doubleToRawLongBits(value));
        gaugeCalls.getAndIncrement(stripe * PAD);
    }

    /**
     * Puts a counter's interval into {@code into} (cleared first): the sum of its stripes, exact beyond
     * the long range, and its calls, resetting them. The calls count as recorded unless
     * {@code recorded} is false.
     */
    void takeCount(int id, CountTake into, boolean recorded) {
        into.clear();
        Registry.Segment seg = segment(id);
        if (seg == null) {
            return;
        }
        int base = id & Registry.MASK;
        for (int s = 0; s < stripes; s++) {
            int i = s * Registry.SEGMENT + base;
            if (seg.counts.get(i) != 0) {
                into.add(seg.counts.getAndSet(i, 0));
            }
        }
        calls.take(id, into, recorded);
    }

    /** The calls a counter received since its last take, not counted as recorded (see the class comment). */
    long takeLateCalls(int id, CountTake scratch) {
        takeCount(id, scratch, false);
        return scratch.calls;
    }

    /** The gauge's last value bits since the last call, or {@link Recorder#GAUGE_UNSET}. */
    long takeGauge(int id) {
        Registry.Segment seg = segment(id);
        int i = id & Registry.MASK;
        if (seg == null || seg.gauges.get(i) == Recorder.GAUGE_UNSET) {
            return Recorder.GAUGE_UNSET;
        }
        return seg.gauges.getAndSet(i, Recorder.GAUGE_UNSET);
    }

    /** Gauge calls so far and counter calls taken so far. */
    long recorded() {
        long sum = 0;
        for (int i = 0; i < stripes; i++) {
            sum += gaugeCalls.get(i * PAD);
        }
        return sum + calls.taken();
    }
}
