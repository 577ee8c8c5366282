package io.dsdagent.api;

/** A set handle (DogStatsD {@code s}): counts distinct members per flush interval. */
public final class SetMetric {
    final int id;

    SetMetric(int id) {
        this.id = id;
    }

    /** Adds a member; members are compared as strings. */
    public void add(String member) {
        Hooks.setAdd(id, member);
    }

    /** Adds a numeric member. */
    public void add(long member) {
        Hooks.setAdd(id, Long.toString(member));
    }
}
