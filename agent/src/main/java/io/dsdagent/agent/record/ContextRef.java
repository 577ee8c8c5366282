package io.dsdagent.agent.record;

/**
 * A context identity kept by the agent's instrumentation (an annotated method's outcome, an HTTP tag
 * combination) together with the id it has now. {@link #slot} is one compare while no context was
 * evicted since it last checked its id (the registry's eviction count, read once per call, against
 * the count it saw then: a slot and that count in one word), else the generation check; after the
 * context was evicted (idle) it registers again, paying one lookup on that call only; while its source
 * has no room under the cap it costs a flag read and the caller drops the sample (counted as
 * {@code context_cap}), and it registers again once there is room.
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
    /**
     * The slot last found live (low half) and the registry's eviction count read before that check (high
     * half): while the count is unchanged no context was evicted, so the slot still holds this context.
     * Racing writers store equally valid pairs.
     */
    private volatile long checked;

    public ContextRef(Registry registry, Source source, int type, String name, String... tags) {
        this.registry = registry;
        this.source = source;
        this.type = type;
        this.name = name;
        this.tags = tags.clone();
        this.checked = (long) (registry.evictionCount() - 1) << 32; // matches no count until it wraps
        this.id = registry.register(source, type, name, this.tags);
    }

    /** The slot to record into, or -1 when the cap refuses the context (the caller counts the drop). */
    public int slot() {
        long c = checked;
        return (int) (c >>> 32) == registry.evictionCount() ? (int) c : check();
    }

    private int check() {
        int evicted = registry.evictionCount(); // before the generation check: an eviction after it changes the count
        int s = registry.live(id);
        if (s < 0) {
            s = renew();
        }
        if (s >= 0) {
            checked = (long) evicted << 32 | s;
        }
        return s;
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
