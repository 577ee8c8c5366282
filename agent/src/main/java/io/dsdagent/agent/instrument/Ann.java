package io.dsdagent.agent.instrument;

import java.util.Collections;
import java.util.Map;

/**
 * One annotation as written in a class file: its type and the attributes given explicitly (strings,
 * booleans, numbers, string arrays). Defaults are not in the class file; readers treat a missing
 * attribute as its default. No annotation class is ever loaded.
 */
public final class Ann {
    /** The annotation type's binary name, dotted ({@code io.dsdagent.annotation.Timed}). */
    public final String type;
    private final Map<String, Object> values;

    public Ann(String type, Map<String, Object> values) {
        this.type = type;
        this.values = values;
    }

    /** An attribute given explicitly and of {@code cls}, else null. */
    public <T> T value(String name, Class<T> cls) {
        Object v = values.get(name);
        return cls.isInstance(v) ? cls.cast(v) : null;
    }

    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    @Override
    public String toString() {
        return "@" + type + values;
    }
}
