package io.dsdagent.api;

/** A count handle: resolve once with {@link DsdMetrics#counter}, then {@link #increment} allocates nothing. */
public final class Counter {
    final int id;

    Counter(int id) {
        this.id = id;
    }

    /** Adds one. */
    public void increment() {
        Hooks.count(id, 1L);
    }

    /** Adds {@code delta} (may be negative). */
    public void increment(long delta) {
        Hooks.count(id, delta);
    }
}
