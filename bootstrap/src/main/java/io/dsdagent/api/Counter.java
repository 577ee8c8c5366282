package io.dsdagent.api;

/** A count handle: resolve once with {@link DsdMetrics#counter}, then {@link #increment} allocates nothing. */
public final class Counter extends Handle {
    Counter(String name, String[] tags) {
        super(DsdMetrics.COUNT, name, tags);
    }

    /** Adds one. */
    public void increment() {
        increment(1L);
    }

    /** Adds {@code delta} (may be negative). */
    public void increment(long delta) {
        int r = Hooks.tryCount(id, delta);
        if (r != Hooks.TAKEN && (r != Hooks.STALE || Hooks.tryCount(renew(), delta) != Hooks.TAKEN)) {
            Hooks.count(id, delta); // not wired: the older stub; still stale: the agent counts the drop
        }
    }
}
