package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.transport.Transport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver that goes away takes the telemetry of those intervals with it, and those are exactly the
 * intervals whose drop counters move. What arrives must still add up: each dsd_agent.* point lost with
 * its datagram is carried into the next one, and the samples of every unsent datagram are counted as
 * {@code send_failed}, so received + dropped = recorded.
 */
class TelemetryAcrossOutagesTest {
    /** Sends while {@code up}, else fails the way a missing Unix socket does. */
    static final class FlakyTransport implements Transport {
        final Telemetry telemetry;
        final List<String> lines = new ArrayList<>();
        boolean up = true;
        /** Fails only every other datagram while set: a stream receiver whose buffer is nearly full. */
        boolean alternate;
        private int n;

        FlakyTransport(Telemetry telemetry) {
            this.telemetry = telemetry;
        }

        @Override
        public boolean send(byte[] payload, int length) {
            if (!up || alternate && n++ % 2 == 0) {
                telemetry.packetDropped(Telemetry.SendError.SOCKET_NOT_FOUND);
                return false;
            }
            telemetry.packetSent(length);
            Collections.addAll(lines, new String(payload, 0, length, StandardCharsets.UTF_8).split("\n"));
            return true;
        }

        @Override
        public int maxPayload() {
            return 256; // small: each flush takes several datagrams, telemetry included
        }

        @Override
        public String describe() {
            return "flaky";
        }

        @Override
        public void close() {
        }

        long sum(String name) {
            long s = 0;
            for (String l : lines) {
                if (l.startsWith(name + ":")) {
                    s += Long.parseLong(l.substring(name.length() + 1, l.indexOf('|')));
                }
            }
            return s;
        }

        long values(String name) {
            long s = 0;
            for (String l : lines) {
                if (l.startsWith(name + ":")) {
                    s += l.substring(0, l.indexOf('|')).split(":").length - 1;
                }
            }
            return s;
        }
    }

    @Test
    void receivedPlusDroppedEqualsRecordedAfterOutagesAndPartialFailures() {
        Telemetry telemetry = new Telemetry();
        Registry registry = new Registry(100, 4, List.of(), telemetry);
        Recorder recorder = new Recorder(registry, telemetry, 4, 4096);
        FlakyTransport transport = new FlakyTransport(telemetry);
        long[] now = {1_700_000_000_000L};
        Aggregator agg = new Aggregator(recorder, () -> new Packer(transport, telemetry, null), telemetry, 1000, 0,
                1000, true, () -> now[0]);
        agg.startInline();
        int calls = registry.register(Registry.COUNT, "app.calls");
        int latency = registry.register(Registry.TIMER | Registry.NANOS, "app.latency");

        long increments = 0;
        long values = 0;
        for (int interval = 0; interval < 30; interval++) {
            transport.up = interval < 5 || interval >= 12;
            transport.alternate = interval >= 20 && interval < 25;
            for (int i = 0; i < 50 + interval; i++) {
                recorder.count(calls, 1);
                recorder.recordNanos(latency, 1_000_000L * (i + 1));
                increments++;
                values++;
            }
            now[0] += 1000;
            agg.flush();
        }
        agg.flush(); // as on exit, with the receiver up

        long recorded = transport.sum("dsd_agent.samples.recorded");
        long dropped = transport.sum("dsd_agent.samples.dropped");
        long received = transport.sum("app.calls") + transport.values("app.latency");
        assertEquals(increments + values, recorder.recorded());
        assertEquals(recorder.recorded(), recorded, "every samples.recorded point arrives, late or not");
        assertTrue(dropped > 0);
        assertEquals(recorded, received + dropped);
        assertEquals(telemetry.packetsDropped(Telemetry.SendError.SOCKET_NOT_FOUND),
                transport.sum("dsd_agent.packets.dropped"));
        assertEquals(telemetry.messagesDropped(), transport.sum("dsd_agent.messages.dropped"));
        assertEquals(telemetry.packetsSent(), transport.sum("dsd_agent.packets.sent")
                + 1, "all but the last flush's own trailing datagram");
    }
}
