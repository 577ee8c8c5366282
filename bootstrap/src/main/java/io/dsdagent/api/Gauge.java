package io.dsdagent.api;

/** A gauge handle: the last value set in a flush interval is sent. */
public final class Gauge extends Handle {
    Gauge(String name, String[] tags) {
        super(DsdMetrics.GAUGE, name, tags);
    }

    /** Sets the gauge. NaN and infinities are dropped (and counted by the agent). */
    public void set(double value) {
        int r = Hooks.tryGauge(id, value);
        if (r != Hooks.TAKEN && (r != Hooks.STALE || Hooks.tryGauge(renew(), value) != Hooks.TAKEN)) {
            Hooks.gauge(id, value); // see Counter.increment
        }
    }
}
