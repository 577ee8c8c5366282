package io.dsdagent.agent.instrument;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge is public in the boot loader: only the first sink installed counts. */
class BridgeInstallTest {
    @AfterEach
    void reset() {
        TestBridge.set(null);
    }

    private static Sink recording(String name, List<String> calls) {
        return (Sink) Proxy.newProxyInstance(Sink.class.getClassLoader(), new Class<?>[] {Sink.class},
                (proxy, method, args) -> {
                    calls.add(name + " " + method.getName());
                    return method.getReturnType() == int.class ? 7 : null;
                });
    }

    @Test
    void laterInstallsAreIgnoredAndTheFirstSinkKeepsReceiving() {
        List<String> calls = new ArrayList<>();
        TestBridge.set(null);
        assertTrue(Bridge.install(recording("agent", calls)));
        assertFalse(Bridge.install(recording("intruder", calls)));
        assertFalse(Bridge.install(null), "nor can the sink be removed");
        Bridge.count(1, 1);
        assertEquals(List.of("agent count"), calls);
    }
}
