package io.dsdagent.api;

/** A histogram handle (DogStatsD {@code h}): aggregated by the Datadog Agent into max, median, avg, count, p95. */
public final class Histogram extends Handle {
    Histogram(String name, String[] tags) {
        super(DsdMetrics.HISTOGRAM, name, tags);
    }

    /** Records one value. NaN and infinities are dropped (and counted by the agent). */
    public void record(double value) {
        int r = Hooks.tryRecord(id, value);
        if (r != Hooks.TAKEN && (r != Hooks.STALE || Hooks.tryRecord(renew(), value) != Hooks.TAKEN)) {
            Hooks.record(id, value); // see Counter.increment
        }
    }
}
