package io.dsdagent.agent.instrument;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Sink;

import java.lang.reflect.Field;

/**
 * Sets the bridge's sink for unit tests, which install one per test and remove it after.
 * {@link Bridge#install} takes only the first sink in a JVM (so no application can replace the agent's),
 * so tests set the field directly.
 */
public final class TestBridge {
    private TestBridge() {
    }

    public static void set(Sink sink) {
        try {
            Field f = Bridge.class.getDeclaredField("sink");
            f.setAccessible(true);
            f.set(null, sink);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
