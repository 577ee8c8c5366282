package io.dsdagent.api;

import java.util.concurrent.TimeUnit;

/** A timer handle (DogStatsD {@code ms}): durations are sent in milliseconds with sub-millisecond decimals. */
public final class Timer extends Handle {
    Timer(String name, String[] tags) {
        super(DsdMetrics.TIMER, name, tags);
    }

    /** Records a duration in nanoseconds, e.g. the difference of two {@link System#nanoTime()} readings. */
    public void record(long nanos) {
        int r = Hooks.tryRecordNanos(id, nanos);
        if (r != Hooks.TAKEN && (r != Hooks.STALE || Hooks.tryRecordNanos(renew(), nanos) != Hooks.TAKEN)) {
            Hooks.recordNanos(id, nanos); // see Counter.increment
        }
    }

    /** Records a duration in the given unit. */
    public void record(long amount, TimeUnit unit) {
        record(unit.toNanos(amount));
    }
}
