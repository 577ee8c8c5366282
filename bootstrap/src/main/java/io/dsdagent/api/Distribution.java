package io.dsdagent.api;

/** A distribution handle (DogStatsD {@code d}): aggregated server-side into global percentiles. */
public final class Distribution extends Handle {
    Distribution(String name, String[] tags) {
        super(DsdMetrics.DISTRIBUTION, name, tags);
    }

    /** Records one value. NaN and infinities are dropped (and counted by the agent). */
    public void record(double value) {
        int r = Hooks.tryRecord(id, value);
        if (r != Hooks.TAKEN && (r != Hooks.STALE || Hooks.tryRecord(renew(), value) != Hooks.TAKEN)) {
            Hooks.record(id, value); // see Counter.increment
        }
    }
}
