package io.dsdagent.agent.record;

/**
 * One metric context (type + name + sorted, de-duplicated tags), encoded once when it is created: the
 * flush only copies these bytes. Immutable.
 */
public final class ContextInfo {
    /** The slot: the dense index the recorder and aggregator address the context by (reused after eviction). */
    public final int id;
    /** The id handed to callers: the slot plus its generation (see {@link Registry#live}). */
    public final int handle;
    public final Source source;
    /** The registry's lookup key (type, name, tags). */
    final String key;
    public final int type;
    /** Values are nanoseconds, sent as milliseconds. */
    public final boolean nanos;
    public final String name;
    public final String[] tags;
    /** UTF-8 of the sanitized name. */
    public final byte[] nameBytes;
    /** UTF-8 of {@code |<type>}. */
    public final byte[] typeBytes;
    /** UTF-8 of {@code |#tag1,tag2,...} including constant tags, or empty. */
    public final byte[] tagBytes;

    ContextInfo(int id, int handle, Source source, String key, int type, boolean nanos, String name, String[] tags,
                byte[] nameBytes, byte[] typeBytes, byte[] tagBytes) {
        this.id = id;
        this.handle = handle;
        this.source = source;
        this.key = key;
        this.type = type;
        this.nanos = nanos;
        this.name = name;
        this.tags = tags;
        this.nameBytes = nameBytes;
        this.typeBytes = typeBytes;
        this.tagBytes = tagBytes;
    }
}
