package io.dsdagent.api;

/**
 * What every handle shares: the identity it was made with, kept so that it can register again, and the
 * id the agent gave it. The agent evicts a context that received nothing for a few flush intervals;
 * the handle's next use learns so from the {@code try*} stub ({@link Hooks#STALE}), renews its id once
 * and records. A handle refused while the agent's context cap was full renews the same way once there
 * is room. Recording through a live id is one stub call and allocates nothing.
 *
 * <p>With an agent older than the {@code try*} and {@code resolve} stubs, they stay no-ops: the handle
 * then uses the older stubs, whose ids that agent never evicts.
 */
abstract class Handle {
    private final int type;
    private final String name;
    private final String[] tags;
    /** Plain on purpose: a racing renewal writes an equally valid id, and a stale read costs one retry. */
    int id;

    Handle(int type, String name, String[] tags) {
        this.type = type;
        this.name = name;
        this.tags = tags == null ? null : tags.clone();
        renew();
    }

    /** Registers the identity again and returns the new id (-1 if refused). */
    final int renew() {
        int i = Hooks.resolve(type, name, tags);
        if (i == Hooks.NO_RESOLVE) {
            i = Hooks.register(type, name, tags);
        }
        id = i;
        return i;
    }
}
