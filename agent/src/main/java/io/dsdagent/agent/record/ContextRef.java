package io.dsdagent.agent.record;

/**
 * A context identity kept by the agent's instrumentation (an annotated method's outcome, an HTTP tag
 * combination) together with the id it has now. {@link #slot} is one generation compare while the
 * context is live; after the context was evicted (idle) it registers again, paying one lookup on that
 * call only; while its source has no room under the cap it costs a flag read and the caller drops the
 * sample (counted as {@code context_cap}), and it registers again once there is room.
 *
 * <p>Holds only strings: never an application class or loader.
 */
public final class ContextRef {
    private final Registry registry;
    private final Source source;
    private final int type;
    private final String name;
    private final String[] tags;
    /** Written by whichever thread re-registers; racing writers store equally valid ids. */
    private volatile int id;

    public ContextRef(Registry registry, Source source, int type, String name, String... tags) {
        this.registry = registry;
        this.source = source;
        this.type = type;
        this.name = name;
        this.tags = tags.clone();
        this.id = registry.register(source, type, name, this.tags);
    }

    /** The slot to record into, or -1 when the cap refuses the context (the caller counts the drop). */
    public int slot() {
        int s = registry.live(id);
        return s >= 0 ? s : renew();
    }

    /** The id as last resolved: the slot plus its generation, or -1 if refused. */
    public int id() {
        return id;
    }

    private int renew() {
        if (id < 0 && !registry.hasRoom(source)) {
            return -1;
        }
        int fresh = registry.register(source, type, name, tags);
        id = fresh;
        return registry.live(fresh);
    }
}
