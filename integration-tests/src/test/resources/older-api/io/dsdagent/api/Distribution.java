package io.dsdagent.api;

/** A distribution handle (DogStatsD {@code d}): aggregated server-side into global percentiles. */
public final class Distribution {
    final int id;

    Distribution(int id) {
        this.id = id;
    }

    /** Records one value. NaN and infinities are dropped (and counted by the agent). */
    public void record(double value) {
        Hooks.record(id, value);
    }
}
