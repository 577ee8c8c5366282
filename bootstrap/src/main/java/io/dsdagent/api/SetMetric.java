package io.dsdagent.api;

/** A set handle (DogStatsD {@code s}): counts distinct members per flush interval. */
public final class SetMetric extends Handle {
    SetMetric(String name, String[] tags) {
        super(DsdMetrics.SET, name, tags);
    }

    /** Adds a member; members are compared as strings. */
    public void add(String member) {
        int r = Hooks.trySetAdd(id, member);
        if (r != Hooks.TAKEN && (r != Hooks.STALE || Hooks.trySetAdd(renew(), member) != Hooks.TAKEN)) {
            Hooks.setAdd(id, member); // see Counter.increment
        }
    }

    /** Adds a numeric member. */
    public void add(long member) {
        add(Long.toString(member));
    }
}
