package io.dsdagent.bench.record;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What java-dogstatsd-client counts about itself (its {@code Telemetry} object, which it only exposes
 * as metrics it sends); read reflectively for the benchmark report. The counters reset whenever the
 * client sends its telemetry (every 10 s), so they cover the last telemetry interval only.
 */
public final class ClientTelemetry {
    private ClientTelemetry() {
    }

    public static Map<String, Long> of(Object client) {
        Map<String, Long> m = new LinkedHashMap<>();
        try {
            Field f = client.getClass().getDeclaredField("telemetry");
            f.setAccessible(true);
            Object t = f.get(client);
            for (String name : new String[] {"metricsSent", "packetsSent", "bytesSent", "packetsDropped",
                    "bytesDropped", "packetsDroppedQueue"}) {
                Field c = t.getClass().getDeclaredField(name);
                c.setAccessible(true);
                m.put(name, (long) ((AtomicInteger) c.get(t)).get());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            m.put("unavailable: " + e, -1L);
        }
        return m;
    }
}
