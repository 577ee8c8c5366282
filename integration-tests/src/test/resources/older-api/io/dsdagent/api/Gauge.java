package io.dsdagent.api;

/** A gauge handle: the last value set in a flush interval is sent. */
public final class Gauge {
    final int id;

    Gauge(int id) {
        this.id = id;
    }

    /** Sets the gauge. NaN and infinities are dropped (and counted by the agent). */
    public void set(double value) {
        Hooks.gauge(id, value);
    }
}
