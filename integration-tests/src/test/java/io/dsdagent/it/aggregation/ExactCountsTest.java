package io.dsdagent.it.aggregation;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counts are exact at any load, arithmetic never lies, and what was recorded before exit is sent or
 * counted: {@code ExactApp} in one forked JVM per JDK with the agent sending over UDP to a real receiver
 * on loopback (8 MiB receive buffer). Context cap 1,000; flush interval 10 s (the default), so the burst
 * and the exit reach the receiver in the final flush on exit and whatever interval flushes fall in
 * between; a queue of 1,024 samples, so a burst of 8 threads must overflow it.
 */
class ExactCountsTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    private static long sum(UdpReceiver rx, String name, String tag) {
        long n = 0;
        for (String l : rx.metric(name)) {
            if (tag == null || l.contains(tag)) {
                n += Long.parseLong(l.substring(name.length() + 1, l.indexOf('|')));
            }
        }
        return n;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void burstsBigCountsAndAnExitAtOnceAreCountedExactly(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm app = new ForkedJvm(jdk)
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_MAX_CONTEXTS", "1000")
                     .env("DSD_AGENT_FLUSH_INTERVAL", "10s")
                     .env("DSD_AGENT_QUEUE_SIZE", "1024")
                     .env("DSD_AGENT_SOCKSTAT_ENABLED", "false")
                     .env("DSD_AGENT_RUNTIME_METRICS_ENABLED", "false")
                     .main("io.dsdagent.it.apps.ExactApp")) {
            app.start();
            assertEquals(0, app.waitFor(120), app.stderr());
            assertEquals("burst 800000 exit 40000\n", app.stdout());
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.valueCount("exact.exit") >= 40_000
                    && !rx.metric("dsd_agent.packets.sent").isEmpty());
            String seen = "kernel drops " + rx.kernelDrops() + ", telemetry " + rx.metric("dsd_agent.values.not_kept")
                    + rx.metric("dsd_agent.samples.dropped");

            // 8 threads x 100,000 as fast as they can: every value counts, kept or not
            assertEquals(800_000, rx.countSum("exact.calls"), seen);
            assertEquals(800_000, rx.valueCount("exact.timer"), seen);
            assertEquals(800_000, rx.valueCount("exact.hist"), seen);
            assertEquals(800_000, rx.valueCount("exact.dist"), seen);
            long notKept = sum(rx, "dsd_agent.values.not_kept", "reason:queue_full");
            // the run (the burst, the exit and the racer) overflows the queue: the drop path was taken
            assertTrue(notKept > 0, "2,400,000 values as fast as 8 threads go must overflow a 1,024-sample queue: "
                    + seen);

            // Long.MAX_VALUE twice: the exact sum, in float64 form, never a wrapped -2
            assertEquals(List.of("exact.big:18446744073709552000|c"), rx.metric("exact.big").stream()
                    .map(l -> l.substring(0, l.indexOf("|T"))).toList());

            // set members: bounded to 256 UTF-8 bytes, long ones sharing a prefix still distinct
            List<String> members = rx.metric("exact.members").stream()
                    .map(l -> l.substring("exact.members:".length(), l.indexOf("|s"))).sorted().toList();
            assertEquals(3, members.size(), members.toString());
            assertEquals("short", members.get(0));
            String bounded = "x{247}~[0-9a-f]{8}"; // 247 + 9 = 256 bytes
            assertTrue(members.get(1).matches(bounded) && members.get(2).matches(bounded)
                    && !members.get(1).equals(members.get(2)), members.toString());

            // 4 threads x 10,000 and exit at once, and a thread racing the final flush's cutoff:
            // received + dropped = recorded, in calls (exact.big's 2 calls aside: its value is not its calls;
            // each set line is one add here)
            assertEquals(40_000, rx.valueCount("exact.exit"), seen);
            long recorded = sum(rx, "dsd_agent.samples.recorded", null);
            long dropped = sum(rx, "dsd_agent.samples.dropped", null);
            long shutdown = sum(rx, "dsd_agent.samples.dropped", "reason:shutdown");
            long raced = rx.valueCount("exact.race") + rx.countSum("exact.race.calls");
            long received = members.size() + rx.countSum("exact.calls") + rx.valueCount("exact.timer")
                    + rx.valueCount("exact.hist") + rx.valueCount("exact.dist") + rx.valueCount("exact.exit") + raced;
            assertEquals(recorded - 2, received + dropped, "received " + received + " + dropped " + dropped
                    + " = recorded " + recorded + " - 2; " + seen);
            assertEquals(4 * 800_000 + 2 + 3 + 40_000, recorded - raced - shutdown,
                    "every call since the agent started: " + seen);
            assertEquals(shutdown, dropped, "only the racer's calls after the cutoff are lost: " + seen);
            System.out.println("[exact] Java " + Jdks.feature(jdk) + ": values not kept (counted only) over the run "
                    + notKept + "; racer calls received " + raced + ", after the cutoff " + shutdown);
            for (String l : rx.lines()) {
                assertTrue(!l.startsWith("dsd_agent.") || !l.contains(":-"), "negative telemetry: " + l);
            }
        }
    }
}
