package io.dsdagent.it.transport;

import io.dsdagent.agent.testing.Samples;
import io.dsdagent.agent.testing.UnixStreamReceiver;
import io.dsdagent.it.apps.ContextsApp;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import io.dsdagent.it.support.UnixDatagramReceiver;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's "done when": with a receiver that reads as fast as it can, 20,000 counter contexts, each
 * with a 100-character tag and incremented twice 5 s apart (about 2.6 MB a flush, thirteen times a Unix
 * stream socket's buffer and thirty times a Unix datagram receiver's queue of ten), all arrive exactly, nothing
 * dropped: the agent waits on its own thread for the socket to drain ({@code DSD_AGENT_SEND_WAIT}).
 * Over UDP, which gives no back-pressure, with a receive buffer the test checks it really got. And a
 * stream receiver that accepts but never reads stalls no application call and delays the exit by at
 * most one wait budget beyond the shutdown bound.
 */
class WireDeliveryTest {
    private static final int CONTEXTS = 20_000;
    /** Flush every 4 s: the 5 s pause always spans a regular flush, so both flushes carry 20,000 lines. */
    private static final String FLUSH = "4s";
    private static final long SEND_WAIT_MILLIS = 1000;
    private static final long SHUTDOWN_BOUND_MILLIS = 2000;

    @TempDir
    Path dir;

    static List<String> jdks() {
        return Jdks.homes();
    }

    private static ForkedJvm app(String jdk, String url, int rounds, long pauseMillis) {
        ForkedJvm jvm = new ForkedJvm(jdk)
                .env("DD_DOGSTATSD_URL", url)
                .env("DSD_AGENT_FLUSH_INTERVAL", FLUSH)
                .env("DSD_AGENT_SEND_WAIT", SEND_WAIT_MILLIS + "ms")
                .env("DSD_AGENT_MAX_CONTEXTS", "25000") // the cap stays above the 20,000 contexts
                .main("io.dsdagent.it.apps.ContextsApp", String.valueOf(CONTEXTS), String.valueOf(rounds),
                        String.valueOf(pauseMillis));
        return Jdks.feature(jdk) >= 22 ? jvm.jvmArg("--enable-native-access=ALL-UNNAMED") : jvm;
    }

    /**
     * Runs the app to its end; returns the milliseconds from {@code main} returning to the JVM's exit
     * (the final flush, plus JVM teardown and this test's polling).
     */
    private static long runToExit(ForkedJvm jvm) throws Exception {
        jvm.start();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> jvm.stdout().contains("returned\n") || !jvm.process().isAlive());
        long returned = System.nanoTime();
        assertEquals(0, jvm.waitFor(60), jvm.stderr());
        return (System.nanoTime() - returned) / 1_000_000;
    }

    /** Every context arrived with exactly 2, nothing else of {@code wire.ctx}, nothing dropped. */
    private static void assertAllArrivedExactly(String what, List<String> lines, String stderr) {
        Map<String, Long> sums = new HashMap<>();
        for (String l : lines) {
            if (l.startsWith("wire.ctx:")) {
                String[] f = l.split("\\|");
                String tags = "";
                for (String field : f) {
                    if (field.startsWith("#")) {
                        tags = field.substring(1);
                    }
                }
                sums.merge(tags, Long.parseLong(f[0].substring("wire.ctx:".length())), Long::sum);
            }
        }
        String losses = what + ": agent losses " + Lines.agentLosses(lines) + "\n" + stderr;
        assertEquals(CONTEXTS, sums.size(), losses);
        for (int i = 0; i < CONTEXTS; i++) {
            assertEquals(Long.valueOf(2), sums.get("id:" + ContextsApp.tag(i)), "context " + i + "; " + losses);
        }
        assertFalse(Lines.any(lines, "dsd_agent.packets.dropped"), losses);
        assertFalse(Lines.any(lines, "dsd_agent.samples.dropped"), losses);
    }

    private static void report(String what, long exitMillis, List<String> lines) {
        System.out.println("[wire-it] " + what + ": main returned -> JVM exit " + exitMillis + " ms, waited "
                + Samples.sum(lines, "dsd_agent.send.wait_ms", null) + " ms for full sockets, packets sent "
                + Samples.sum(lines, "dsd_agent.packets.sent", null) + ", dropped "
                + Samples.sum(lines, "dsd_agent.packets.dropped", null));
    }

    /** Waits for everything to arrive; on time-out the assertions that follow say what is missing. */
    private static void awaitTelemetry(Supplier<List<String>> lines) {
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Lines.any(lines.get(), "dsd_agent.packets.sent")
                    && Samples.sum(lines.get(), "wire.ctx", null) >= 2L * CONTEXTS);
        } catch (ConditionTimeoutException e) {
            // reported below, context by context
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void everyContextArrivesExactlyOverUnixStream(String jdk) throws Exception {
        Path sock = dir.resolve("dsd.sock");
        try (UnixStreamReceiver rx = new UnixStreamReceiver(sock);
             ForkedJvm jvm = app(jdk, "unixstream://" + sock, 2, 5000)) {
            long exit = runToExit(jvm);
            awaitTelemetry(rx::lines);
            report("Java " + Jdks.feature(jdk) + " unixstream, healthy receiver", exit, rx.lines());
            assertAllArrivedExactly("unixstream", rx.lines(), jvm.stderr());
            assertEquals(List.of(), rx.badFrames());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void everyContextArrivesExactlyOverUnixDatagram(String jdk) throws Exception {
        // the application's JDK picks the route (FFM on 22+, junixsocket below); so does the listener's
        Path sock = dir.resolve("dsd.sock");
        try (UnixDatagramReceiver rx = new UnixDatagramReceiver(jdk, sock);
             ForkedJvm jvm = app(jdk, "unixgram://" + sock, 2, 5000)) {
            long exit = runToExit(jvm);
            awaitTelemetry(rx::lines);
            report("Java " + Jdks.feature(jdk) + " unixgram, healthy receiver", exit, rx.lines());
            assertAllArrivedExactly("unixgram", rx.lines(), jvm.stderr());
        }
    }

    @Test
    void everyContextArrivesExactlyOverUdpWithABufferThatHoldsAFlush() throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = app(System.getProperty("java.home"), "udp://127.0.0.1:" + rx.port(), 2, 5000)) {
            // what the kernel really gave (net.core.rmem_max): 4 MB holds about 3,600 datagrams of 1432 bytes
            // unread (measured), twice one flush of this test (about 1,820), even if the receiver stalls
            assertTrue(rx.receiveBuffer() >= 4 << 20, "receive buffer " + rx.receiveBuffer()
                    + " bytes (net.core.rmem_max too low?): UDP would lose a flush the receiver cannot keep up with");
            long exit = runToExit(jvm);
            awaitTelemetry(rx::lines);
            report("UDP, healthy receiver, receive buffer " + rx.receiveBuffer(), exit, rx.lines());
            assertAllArrivedExactly("udp (kernel drops " + rx.kernelDrops() + ")", rx.lines(), jvm.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aStreamReceiverThatNeverReadsStallsNoCallAndDelaysExitByOneBudgetAtMost(String jdk) throws Exception {
        Path sock = dir.resolve("dsd.sock");
        try (UnixStreamReceiver rx = new UnixStreamReceiver(sock);
             ForkedJvm jvm = app(jdk, "unixstream://" + sock, 10, 1000)) { // 200,000 increments over 9 s
            rx.pause(); // accepts, never reads
            long exit = runToExit(jvm);
            long longest = Long.parseLong(jvm.stdout().replaceAll("(?s).*longest call (\\d+) us.*", "$1"));
            System.out.println("[wire-it] Java " + Jdks.feature(jdk) + " unixstream, receiver never reads: longest"
                    + " call " + longest + " us, main returned -> JVM exit " + exit + " ms");
            assertTrue(longest <= 100_000, "an increment took " + longest + " us");
            assertTrue(exit <= SHUTDOWN_BOUND_MILLIS + SEND_WAIT_MILLIS, "exit took " + exit + " ms\n" + jvm.stderr());
            assertTrue(jvm.stderr().contains("not reading fast enough"), jvm.stderr());
        }
    }
}
