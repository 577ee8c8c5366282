package io.dsdagent.it.samplers;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forked JVM opens and closes real TCP and UDP sockets, IPv4 and IPv6; the agent's sockstat gauges
 * on a real receiver move by as many. The network namespace is shared with whatever else runs on the
 * machine, so each step allows a small margin for sockets other processes open or close meanwhile.
 */
class SamplersTest {
    private static final int N = 100;
    private static final int MARGIN = 15;

    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void sockstatGaugesFollowRealSocketsAndRuntimeMetricsArrive(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = new ForkedJvm(jdk)
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                     .env("DSD_AGENT_SOCKSTAT_INTERVAL", "1s")
                     .main("io.dsdagent.it.apps.SocketsApp")) {
            jvm.start();
            OutputStream stdin = jvm.process().getOutputStream();
            await().atMost(Duration.ofSeconds(30)).until(() -> rx.metric("sockstat.udp6.in_use").size() >= 2);
            for (String kind : new String[] {"tcp4", "tcp6", "udp4", "udp6"}) {
                String gauge = "sockstat." + kind + ".in_use";
                double before = latestAfterNextFlush(rx, gauge);
                command(stdin, jvm, "open " + kind + " " + N);
                await().atMost(Duration.ofSeconds(20)).until(() -> near(latest(rx, gauge), before + N));
                if (kind.startsWith("tcp")) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> latest(rx, "sockstat.tcp.in_use")
                            >= latest(rx, "sockstat.tcp4.in_use") + latest(rx, "sockstat.tcp6.in_use") - MARGIN);
                }
                command(stdin, jvm, "close");
                await().atMost(Duration.ofSeconds(20)).until(() -> near(latest(rx, gauge), before));
            }
            // runtime metrics: the gauges the application moves move by exactly as much
            await().atMost(Duration.ofSeconds(10)).until(() -> !rx.metric("jvm.gc.minor_collection_count").isEmpty());
            double threads = latestAfterNextFlush(rx, "jvm.thread_count");
            double daemons = latest(rx, "jvm.daemon_thread_count");
            command(stdin, jvm, "threads " + N);
            await().atMost(Duration.ofSeconds(20)).until(() -> latest(rx, "jvm.thread_count") == threads + N);
            assertEquals(daemons, latest(rx, "jvm.daemon_thread_count"), "the started threads are not daemons");
            command(stdin, jvm, "close");
            await().atMost(Duration.ofSeconds(20)).until(() -> latest(rx, "jvm.thread_count") == threads);
            int gcLines = rx.metric("jvm.gc.major_collection_count").size();
            command(stdin, jvm, "gc 3");
            // three full collections fall into one or two sample intervals: a positive per-second rate
            await().atMost(Duration.ofSeconds(20)).until(() -> rx.metric("jvm.gc.major_collection_count").stream()
                    .skip(gcLines).anyMatch(l -> value(l) > 0));
            assertTrue(latest(rx, "jvm.heap_memory") > 0);
            assertTrue(latest(rx, "jvm.heap_memory_committed") >= latest(rx, "jvm.heap_memory"));
            assertTrue(latest(rx, "jvm.heap_memory_max") >= latest(rx, "jvm.heap_memory_committed"));
            assertTrue(latest(rx, "jvm.non_heap_memory") > 1_000_000);
            assertTrue(latest(rx, "jvm.loaded_classes") > 500);
            assertTrue(latest(rx, "jvm.os.open_file_descriptors") > 3);
            assertTrue(latest(rx, "jvm.gc.metaspace_size") > 1_000_000);
            double cpu = latest(rx, "jvm.cpu_load.process");
            assertTrue(cpu >= 0 && cpu <= 100, "cpu " + cpu);
            assertTrue(latest(rx, "sockstat.tcp.mem.limit") > 0);
            for (String l : rx.lines()) {
                if (l.startsWith("sockstat.") || l.startsWith("jvm.")) {
                    assertTrue(l.matches("[a-z0-9_.]+:-?\\d+(\\.\\d+)?(E-?\\d+)?\\|g(\\|#[^|]+)?\\|T\\d{10}"), l);
                }
            }
            assertEquals(0, rx.countSum("dsd_agent.sockstat.unparsed_lines"));
            command(stdin, jvm, "exit");
            assertEquals(0, jvm.waitFor(30), jvm.stderr());
            assertFalse(jvm.stderr().contains("WARN"), jvm.stderr());
        }
    }

    @org.junit.jupiter.api.Test
    void runtimeMetricsStepAsideForDdJavaAgentAndSockstatCanBeTurnedOff(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // what dd-java-agent puts on the system class path: its premain class
        java.nio.file.Path marker = dir.resolve("datadog/trace/bootstrap/AgentBootstrap.class");
        java.nio.file.Files.createDirectories(marker.getParent());
        java.nio.file.Files.write(marker, new byte[] {(byte) 0xCA, (byte) 0xFE});
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = new ForkedJvm(Jdks.homes().get(0))
                     .classpath(System.getProperty("it.app.classpath") + java.io.File.pathSeparator + dir)
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                     .env("DSD_AGENT_SOCKSTAT_ENABLED", "false")
                     .main("io.dsdagent.it.apps.SocketsApp")) {
            jvm.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> rx.metric("dsd_agent.contexts").size() >= 2);
            OutputStream stdin = jvm.process().getOutputStream();
            command(stdin, jvm, "exit");
            assertEquals(0, jvm.waitFor(30), jvm.stderr());
            assertTrue(jvm.stderr().contains("dd-java-agent is attached and sends jvm.* runtime metrics itself; ours are off"),
                    jvm.stderr());
            for (String l : rx.lines()) {
                assertFalse(l.startsWith("jvm.") || l.startsWith("sockstat."), l);
            }
        }
    }

    private static void command(OutputStream stdin, ForkedJvm jvm, String cmd) throws Exception {
        int before = occurrences(jvm.stdout(), "ok " + cmd + "\n");
        stdin.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> occurrences(jvm.stdout(), "ok " + cmd + "\n") > before);
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static boolean near(double value, double want) {
        return Math.abs(value - want) <= MARGIN;
    }

    /** Waits for a sample taken after this moment, and returns it. */
    private static double latestAfterNextFlush(UdpReceiver rx, String gauge) {
        int seen = rx.metric(gauge).size();
        await().atMost(Duration.ofSeconds(10)).until(() -> rx.metric(gauge).size() >= seen + 2);
        return latest(rx, gauge);
    }

    /** The value of the newest line for a gauge; NaN before the first. */
    static double latest(UdpReceiver rx, String gauge) {
        List<String> lines = rx.metric(gauge);
        if (lines.isEmpty()) {
            return Double.NaN;
        }
        return value(lines.get(lines.size() - 1));
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.indexOf(':') + 1, line.indexOf('|')));
    }
}
