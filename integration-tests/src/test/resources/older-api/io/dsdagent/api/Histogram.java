package io.dsdagent.api;

/** A histogram handle (DogStatsD {@code h}): aggregated by the Datadog Agent into max, median, avg, count, p95. */
public final class Histogram {
    final int id;

    Histogram(int id) {
        this.id = id;
    }

    /** Records one value. NaN and infinities are dropped (and counted by the agent). */
    public void record(double value) {
        Hooks.record(id, value);
    }
}
