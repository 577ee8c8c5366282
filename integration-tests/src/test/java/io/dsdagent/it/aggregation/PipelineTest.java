package io.dsdagent.it.aggregation;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregation pipeline end to end: a forked JVM with the agent records through the public API, a
 * real UDP receiver on loopback (8 MiB receive buffer) takes what it sends.
 */
class PipelineTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    private static ForkedJvm jvm(String jdk, UdpReceiver rx, String... args) {
        return new ForkedJvm(jdk)
                .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                .env("DSD_AGENT_SOCKSTAT_ENABLED", "false")
                .env("DSD_AGENT_RUNTIME_METRICS_ENABLED", "false")
                .main("io.dsdagent.it.apps.LoadApp", args);
    }

    private static long dropped(UdpReceiver rx, String reason) {
        long n = 0;
        for (String l : rx.metric("dsd_agent.samples.dropped")) {
            if (l.contains("reason:" + reason)) {
                n += Long.parseLong(l.substring("dsd_agent.samples.dropped:".length(), l.indexOf('|')));
            }
        }
        return n;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void eightThreadsOfAMillionAreCountedExactlyAndEveryTimingIsAccountedFor(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver(); ForkedJvm app = jvm(jdk, rx, "exact", "8", "1000000")) {
            app.start();
            assertEquals(0, app.waitFor(120), app.stderr());
            assertEquals("done 8000000\n", app.stdout());
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.countSum("load.calls") >= 8_000_000
                    && !rx.metric("dsd_agent.packets.sent").isEmpty());
            assertEquals(8_000_000, rx.countSum("load.calls"));
            // every timing counts, its value kept or not: the weights sum to the count, per context too
            assertEquals(8_000_000, rx.valueCount("load.latency"), "not kept " + rx.metric("dsd_agent.values.not_kept"));
            assertEquals(0, dropped(rx, "queue_full"));
            for (int i = 0; i < 100; i++) {
                assertEquals(80_000, contextValueCount(rx, "load.latency", "ctx:" + i));
            }
            // the gauge keeps the last value set
            List<String> last = rx.metric("load.last");
            assertTrue(last.get(last.size() - 1).startsWith("load.last:1000|g|"), last.toString());
            for (byte[] d : rx.datagrams()) {
                assertTrue(d.length <= 1432, "datagram of " + d.length + " bytes");
                assertEquals('\n', d[d.length - 1]);
            }
            for (String l : rx.metric("load.latency")) {
                assertTrue(l.matches("load\\.latency(:\\d+(\\.\\d+)?)+\\|ms(\\|@[0-9.]+)?\\|#ctx:\\d+"), l);
            }
            assertNoTwoPointsPerContextAndSecond(rx);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void countsAndGaugesGetOneTimestampedPointPerContextAndFlush(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm app = jvm(jdk, rx, "seconds", "4").env("DSD_AGENT_FLUSH_INTERVAL", "1s")) {
            app.start();
            assertEquals(0, app.waitFor(60), app.stderr());
            long ticks = Long.parseLong(app.stdout().trim().substring("ticks ".length()));
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.countSum("load.tick") >= ticks);
            assertEquals(ticks, rx.countSum("load.tick"));
            assertTrue(rx.metric("load.tick").size() >= 3, rx.metric("load.tick").toString());
            List<String> g = rx.metric("load.gauge");
            assertTrue(g.get(g.size() - 1).startsWith("load.gauge:" + ticks + "|g|T"), g.toString());
            assertNoTwoPointsPerContextAndSecond(rx);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aFloodDropsAndCountsWithBoundedHeap(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm app = jvm(jdk, rx, "flood", "2", "3")
                     .env("DSD_AGENT_QUEUE_SIZE", "1024")
                     .jvmArg("-Xmx256m")) {
            app.start();
            assertEquals(0, app.waitFor(120), app.stderr());
            Matcher m = Pattern.compile("recorded (\\d+) heapBefore (\\d+) heapAfter (\\d+)").matcher(app.stdout());
            assertTrue(m.find(), app.stdout());
            long recorded = Long.parseLong(m.group(1));
            long heapGrowth = Long.parseLong(m.group(3)) - Long.parseLong(m.group(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.valueCount("load.flood") >= recorded);
            long arrived = rx.valueCount("load.flood");
            long notKept = 0;
            for (String l : rx.metric("dsd_agent.values.not_kept")) {
                if (l.contains("reason:queue_full")) {
                    notKept += Long.parseLong(l.substring("dsd_agent.values.not_kept:".length(), l.indexOf('|')));
                }
            }
            assertTrue(notKept > 0, "a flood of " + recorded + " must overflow a 1024-sample queue");
            assertEquals(recorded, arrived, "every value counts, kept (" + (recorded - notKept) + ") or not");
            assertEquals(0, dropped(rx, "queue_full"));
            assertTrue(heapGrowth < 16L * 1024 * 1024, "heap grew by " + heapGrowth + " bytes during the flood");
        }
    }

    @Test
    void aHundredThousandVirtualThreadsAreCountedExactly() throws Exception {
        String jdk25 = Jdks.atLeast(21, "virtual threads");
        try (UdpReceiver rx = new UdpReceiver(); ForkedJvm app = jvm(jdk25, rx, "virtual", "100000")) {
            app.start();
            assertEquals(0, app.waitFor(120), app.stderr());
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.countSum("load.vcalls") >= 100_000
                    && !rx.metric("dsd_agent.packets.sent").isEmpty());
            assertEquals(100_000, rx.countSum("load.vcalls"));
            assertEquals(100_000, rx.valueCount("load.vlatency"));
            assertEquals(0, dropped(rx, "queue_full"));
        }
    }

    private static long contextValueCount(UdpReceiver rx, String name, String tag) {
        long n = 0;
        for (String l : rx.metric(name)) {
            if (!l.contains("#" + tag + "|") && !l.endsWith("#" + tag)) {
                continue;
            }
            String[] f = l.split("\\|");
            long values = f[0].split(":").length - 1;
            long weight = 1;
            for (String field : f) {
                if (field.startsWith("@")) {
                    weight = (long) (1.0 / Double.parseDouble(field.substring(1)));
                }
            }
            n += values * weight;
        }
        return n;
    }

    /** Counts and gauges: never two timestamped points for one context in one second. */
    private static void assertNoTwoPointsPerContextAndSecond(UdpReceiver rx) {
        Map<String, Set<String>> seen = new HashMap<>();
        int stamped = 0;
        for (String l : rx.lines()) {
            int t = l.indexOf("|T");
            if (t < 0) {
                continue;
            }
            stamped++;
            String type = l.substring(l.indexOf('|') + 1, l.indexOf('|') + 2);
            assertTrue(type.equals("c") || type.equals("g"), l);
            assertTrue(!l.contains("|@"), "no sample rate on a timestamped line: " + l);
            String context = l.substring(0, l.indexOf(':')) + l.substring(l.indexOf('|'), t);
            String second = l.substring(t + 2).split("\\|")[0];
            assertTrue(seen.computeIfAbsent(context, k -> new HashSet<>()).add(second),
                    "two points for " + context + " at " + second);
        }
        assertTrue(stamped > 0);
    }
}
