package io.dsdagent.agent.encode;

import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every example datagram of {@code shared/seeds/dogstatsd-datagram-format.txt}, byte for byte. */
class SeedExamplesTest {
    private final Telemetry telemetry = new Telemetry();
    private final Registry registry = new Registry(1000, 1, Collections.<String>emptyList(), telemetry);
    private final CapturingTransport transport = new CapturingTransport(1432);

    private ContextInfo ctx(int type, String name, String... tags) {
        return registry.get(registry.register(type, name, tags));
    }

    private String sent(Packer p) {
        p.flush();
        return transport.all();
    }

    private static long[] doubles(double... v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    @Test
    void metricsOfTheProtocol() {
        Packer p = new Packer(transport, telemetry, null);
        p.timestamped(ctx(Registry.COUNT, "page.views"), false, 1, 0);
        p.timestamped(ctx(Registry.GAUGE, "fuel.level"), true, Double.doubleToRawLongBits(0.5), 0);
        p.packed(ctx(Registry.HISTOGRAM, "song.length"), doubles(240), 0, 1, Packer.DOUBLE_BITS, 0.5);
        p.setMember(ctx(Registry.SET, "users.uniques"), "1234");
        p.timestamped(ctx(Registry.COUNT, "users.online", "country:china"), false, 1, 0);
        assertEquals("page.views:1|c\n"
                + "fuel.level:0.5|g\n"
                + "song.length:240|h|@0.5\n"
                + "users.uniques:1234|s\n"
                + "users.online:1|c|#country:china\n", sent(p));
    }

    @Test
    void sampleRateComesBeforeTags() {
        Packer p = new Packer(transport, telemetry, null);
        p.packed(ctx(Registry.DISTRIBUTION, "users.online", "country:china"), doubles(1), 0, 1, Packer.DOUBLE_BITS, 0.5);
        assertEquals("users.online:1|d|@0.5|#country:china\n", sent(p));
    }

    @Test
    void v11PackedValues() {
        Packer p = new Packer(transport, telemetry, null);
        p.packed(ctx(Registry.DISTRIBUTION, "page.views"), doubles(1, 2, 32), 0, 3, Packer.DOUBLE_BITS, 1);
        p.packed(ctx(Registry.HISTOGRAM, "song.length"), doubles(240, 234), 0, 2, Packer.DOUBLE_BITS, 0.5);
        assertEquals("page.views:1:2:32|d\nsong.length:240:234|h|@0.5\n", sent(p));
    }

    @Test
    void v12ContainerField() {
        String id = "83c0a99c0a54c0c187f461c7980e9b57f3f6a8b0c918c8d93df19a9de6f3fe1d";
        Packer p = new Packer(transport, telemetry, ("|c:" + id).getBytes(StandardCharsets.US_ASCII));
        p.timestamped(ctx(Registry.GAUGE, "page.views", "env:dev"), true, Double.doubleToRawLongBits(1), 0);
        assertEquals("page.views:1|g|#env:dev|c:" + id + "\n", sent(p));
    }

    @Test
    void v13Timestamp() {
        Packer p = new Packer(transport, telemetry, null);
        p.timestamped(ctx(Registry.COUNT, "page.views", "env:dev"), false, 15, 1656581400L);
        assertEquals("page.views:15|c|#env:dev|T1656581400\n", sent(p));
    }

    @Test
    void eventWithAlertTypeAndTags() {
        byte[] e = EventEncoder.event("An exception occurred", "Cannot parse CSV file from 10.0.0.17", 0, null,
                null, null, null, "warning", new String[] {"err_type:bad_file"}, null, null, 8191);
        assertEquals("_e{21,36}:An exception occurred|Cannot parse CSV file from 10.0.0.17|t:warning|#err_type:bad_file",
                new String(e, StandardCharsets.UTF_8));
    }

    /** The seed's 42 only adds up with the three characters backslash, backslash, n: sent as given. */
    @Test
    void eventOfTheSeedWithItsBackslashes() {
        byte[] e = EventEncoder.event("An exception occurred", "Cannot parse JSON request:\\\\n{\"foo: \"bar\"}", 0,
                null, null, "low", null, null, new String[] {"err_type:bad_request"}, null, null, 8191);
        assertEquals("_e{21,42}:An exception occurred|Cannot parse JSON request:\\\\n{\"foo: \"bar\"}|p:low|#err_type:bad_request",
                new String(e, StandardCharsets.UTF_8));
    }

    @Test
    void eventWithARealNewlineSendsBackslashN() {
        byte[] e = EventEncoder.event("An exception occurred", "Cannot parse JSON request:\n{\"foo: \"bar\"}", 0,
                null, null, "low", null, null, new String[] {"err_type:bad_request"}, null, null, 8191);
        assertEquals("_e{21,41}:An exception occurred|Cannot parse JSON request:\\n{\"foo: \"bar\"}|p:low|#err_type:bad_request",
                new String(e, StandardCharsets.UTF_8));
    }

    @Test
    void shellEvent() {
        byte[] e = EventEncoder.event("Event from the shell", "This was sent from Bash!", 0, null, null, null, null,
                null, new String[] {"shell", "bash"}, null, null, 8191);
        assertEquals("_e{20,24}:Event from the shell|This was sent from Bash!|#shell,bash",
                new String(e, StandardCharsets.UTF_8));
    }

    @Test
    void serviceCheck() {
        byte[] sc = EventEncoder.serviceCheck("Redis connection", 2, 0, null, "Redis connection timed out after 10s",
                new String[] {"env:dev"}, null, null, 8191);
        assertEquals("_sc|Redis connection|2|#env:dev|m:Redis connection timed out after 10s",
                new String(sc, StandardCharsets.UTF_8));
    }

    @Test
    void shellGauge() {
        Packer p = new Packer(transport, telemetry, null);
        p.timestamped(ctx(Registry.GAUGE, "custom_metric", "shell"), true, Double.doubleToRawLongBits(60), 0);
        p.timestamped(ctx(Registry.COUNT, "custom.metric.name"), false, 1, 0);
        List<String> m = transport.messages();
        assertEquals(0, m.size());
        assertEquals("custom_metric:60|g|#shell\ncustom.metric.name:1|c\n", sent(p));
    }
}
