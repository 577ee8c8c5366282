package io.dsdagent.api;

import java.util.concurrent.TimeUnit;

/** A timer handle (DogStatsD {@code ms}): durations are sent in milliseconds with sub-millisecond decimals. */
public final class Timer {
    final int id;

    Timer(int id) {
        this.id = id;
    }

    /** Records a duration in nanoseconds, e.g. the difference of two {@link System#nanoTime()} readings. */
    public void record(long nanos) {
        Hooks.recordNanos(id, nanos);
    }

    /** Records a duration in the given unit. */
    public void record(long amount, TimeUnit unit) {
        Hooks.recordNanos(id, unit.toNanos(amount));
    }
}
