package io.dsdagent.it.transport;

import io.dsdagent.agent.testing.Samples;
import io.dsdagent.agent.testing.UnixStreamReceiver;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Messages;
import io.dsdagent.it.support.UdpReceiver;
import io.dsdagent.it.support.UnixDatagramReceiver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent in a forked JVM sends to real UDP, Unix datagram and Unix stream receivers that come and go.
 * Every event the application sends is one message with a unique title; the agent's flush interval is an
 * hour, so the telemetry normally comes only with the final flush on exit, sent once the receiver is healthy
 * (a regular flush lands inside a test about once in a hundred runs, and breaks the count only if it falls
 * in the few seconds a receiver is away). On Unix
 * sockets the kernel reports every failed send, so events received + {@code dsd_agent.messages.dropped}
 * = events sent, exactly (plus, for a receiver that stops reading, the events the agent's queue could
 * not take while it waited for the socket, counted as {@code dsd_agent.samples.dropped reason:queue_full}).
 */
class TransportsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static List<String> jdks() {
        return Jdks.homes();
    }

    private static ForkedJvm app(String jdk, String url) {
        return new ForkedJvm(jdk)
                .env("DD_DOGSTATSD_URL", url)
                .env("DSD_AGENT_FLUSH_INTERVAL", "60m") // the longest: telemetry comes with the final flush
                .main("io.dsdagent.it.apps.TransportApp");
    }

    private static void start(ForkedJvm jvm) throws IOException {
        jvm.start();
        await().atMost(WAIT).until(() -> jvm.stdout().contains("ready\n") || !jvm.process().isAlive());
        assertTrue(jvm.process().isAlive(), jvm.stderr());
        assertFalse(jvm.stderr().contains("DSD_AGENT_FLUSH_INTERVAL"), jvm.stderr());
    }

    /** Sends {@code n} events titled {@code prefix-i} and waits until the application has made every call. */
    private static void events(ForkedJvm jvm, String prefix, int n, int textBytes) throws IOException {
        command(jvm, "events " + prefix + " " + n + " " + textBytes);
        await().atMost(Duration.ofSeconds(120)).until(() -> jvm.stdout().contains("sent " + prefix + " " + n + "\n"));
    }

    private static void command(ForkedJvm jvm, String line) throws IOException {
        OutputStream in = jvm.process().getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Ends the application and waits for its final flush to reach {@code lines}. */
    private static void exit(ForkedJvm jvm, Supplier<List<String>> lines) throws Exception {
        command(jvm, "exit");
        assertEquals(0, jvm.waitFor(60), jvm.stderr());
        await().atMost(WAIT).until(() -> Samples.sum(lines.get(), "dsd_agent.packets.sent", null) > 0);
    }

    private static void assertNoDuplicates(List<String> titles) {
        assertEquals(titles.size(), new HashSet<>(titles).size(), "an event arrived twice");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void unixStreamReceiverAbsentAtStartThenDeletedAndRecreated(String jdk) throws Exception {
        Path sock = dir.resolve("dsd.sock");
        List<String> all = new ArrayList<>();
        try (ForkedJvm jvm = app(jdk, "unixstream://" + sock)) {
            start(jvm);
            events(jvm, "a", 300, 200); // nothing listens yet
            await().atMost(WAIT).until(() -> jvm.stderr().contains("cannot connect"));
            int[] probes = {0}; // the agent reconnects when it has something to send: give it something
            try (UnixStreamReceiver rx1 = new UnixStreamReceiver(sock)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                    events(jvm, "p" + probes[0]++, 1, 10);
                    return occurrences(jvm.stderr(), ": connected") == 1;
                });
                events(jvm, "b", 300, 200);
                await().atMost(WAIT).until(() -> Messages.eventTitles(rx1.lines(), "b").size() == 300);
                all.addAll(rx1.lines());
                assertEquals(List.of(), rx1.badFrames());
            } // the Datadog Agent goes away: socket closed, file deleted
            events(jvm, "c", 300, 200);
            await().atMost(WAIT).until(() -> jvm.stderr().contains("connection lost"));
            try (UnixStreamReceiver rx2 = new UnixStreamReceiver(sock)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                    events(jvm, "p" + probes[0]++, 1, 10);
                    return occurrences(jvm.stderr(), ": connected") == 2;
                });
                events(jvm, "d", 300, 200);
                await().atMost(WAIT).until(() -> Messages.eventTitles(rx2.lines(), "d").size() == 300);
                exit(jvm, rx2::lines);
                all.addAll(rx2.lines());
                assertEquals(List.of(), rx2.badFrames());
            }
            long received = probesReceived(all, probes[0]);
            for (String p : List.of("a", "b", "c", "d")) {
                List<String> titles = Messages.eventTitles(all, p);
                assertNoDuplicates(titles);
                received += titles.size();
            }
            long dropped = Samples.sum(all, "dsd_agent.messages.dropped", null);
            report(jdk, all, received, dropped);
            assertEquals(1200 + probes[0], received + dropped, "received " + received + ", dropped " + dropped
                    + "\n" + jvm.stderr());
            assertTrue(dropped > 0, "events sent while nothing listened must be counted as dropped");
            assertEquals(0, Samples.sum(all, "dsd_agent.samples.dropped", null));
            assertTrue(Samples.sum(all, "dsd_agent.packets.dropped", "reason:socket_not_found") > 0, all.toString());
            assertFalse(jvm.stderr().contains("WARNING"), jvm.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void unixStreamReceiverThatStopsReadingNeverBlocksTheApplication(String jdk) throws Exception {
        Path sock = dir.resolve("dsd.sock");
        try (UnixStreamReceiver rx = new UnixStreamReceiver(sock);
             ForkedJvm jvm = app(jdk, "unixstream://" + sock)) {
            start(jvm);
            events(jvm, "w", 100, 200);
            await().atMost(WAIT).until(() -> Messages.eventTitles(rx.lines(), "w").size() == 100);
            rx.pause();
            // 3 MB of events against about 200 kB of socket buffers: the application must finish regardless
            events(jvm, "s", 3000, 1000);
            await().atMost(WAIT).until(() -> jvm.stderr().contains("not reading fast enough"));
            rx.resume();
            int[] probes = {0};
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                events(jvm, "p" + probes[0]++, 1, 10);
                return probesReceived(rx.lines(), probes[0]) > 0;
            });
            exit(jvm, rx::lines);
            List<String> all = rx.lines();
            long received = 0;
            for (String p : List.of("w", "s")) {
                List<String> titles = Messages.eventTitles(all, p);
                assertNoDuplicates(titles);
                received += titles.size();
            }
            received += probesReceived(all, probes[0]);
            // while the agent waits for the stuck socket (DSD_AGENT_SEND_WAIT) it does not take events from
            // its queue of 1024: events offered meanwhile beyond that are dropped there, and counted
            long queueFull = Samples.sum(all, "dsd_agent.samples.dropped", "reason:queue_full");
            long dropped = Samples.sum(all, "dsd_agent.messages.dropped", null) + queueFull;
            report(jdk, all, received, dropped);
            assertEquals(3100 + probes[0], received + dropped, "received " + received + ", dropped " + dropped);
            assertTrue(Messages.eventTitles(all, "s").size() < 3000, "a stuck receiver cannot have taken everything");
            assertTrue(Samples.sum(all, "dsd_agent.packets.dropped", "reason:would_block") > 0, all.toString());
            assertEquals(queueFull, Samples.sum(all, "dsd_agent.samples.dropped", null));
            assertEquals(List.of(), rx.badFrames());
        }
    }

    /** The figures of a run, for the build log. */
    private static void report(String jdk, List<String> lines, long received, long dropped) {
        StringBuilder reasons = new StringBuilder();
        for (String l : lines) {
            if (l.startsWith("dsd_agent.packets.dropped:")) {
                reasons.append(' ').append(l, 0, l.indexOf("|T"));
            }
        }
        System.out.println("[transport-it] Java " + Jdks.feature(jdk) + " " + StackWalker.getInstance().walk(
                f -> f.skip(1).findFirst().get().getMethodName()) + ": events received " + received
                + ", messages dropped " + dropped + ";" + reasons);
    }

    /** Probe events are titled p0-0, p1-0, ...: one per command. */
    private static int probesReceived(List<String> lines, int probes) {
        int n = 0;
        for (int k = 0; k < probes; k++) {
            n += Messages.eventTitles(lines, "p" + k).size();
        }
        return n;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void unixDatagramReceiverAbsentAtStartThenDeletedAndRecreated(String jdk) throws Exception {
        // the application's JDK picks the route (FFM on 22+, junixsocket below); the receiver needs FFM
        String rxJdk = Jdks.atLeast(22, "the Unix datagram receiver uses the FFM API");
        Path sock = dir.resolve("dsd.sock");
        List<String> all = new ArrayList<>();
        ForkedJvm app = app(jdk, "unixgram://" + sock);
        try (ForkedJvm jvm = Jdks.feature(jdk) >= 22 ? app.jvmArg("--enable-native-access=ALL-UNNAMED") : app) {
            start(jvm);
            events(jvm, "a", 300, 200);
            await().atMost(WAIT).until(() -> jvm.stderr().contains("socket file not found"));
            try (UnixDatagramReceiver rx1 = new UnixDatagramReceiver(rxJdk, sock)) {
                events(jvm, "b", 300, 200);
                await().atMost(WAIT).until(() -> Messages.eventTitles(rx1.lines(), "b").size() == 300);
                all.addAll(rx1.lines());
            } // the Datadog Agent goes away: process ended, socket file deleted
            events(jvm, "c", 300, 200);
            await().atMost(WAIT).until(() -> occurrences(jvm.stderr(), "until it is back") == 2);
            try (UnixDatagramReceiver rx2 = new UnixDatagramReceiver(rxJdk, sock)) {
                events(jvm, "d", 300, 200);
                await().atMost(WAIT).until(() -> Messages.eventTitles(rx2.lines(), "d").size() == 300);
                exit(jvm, rx2::lines);
                all.addAll(rx2.lines());
                assertFalse(String.join("\n", rx2.diagnostics()).contains("WARNING"), rx2.diagnostics().toString());
            }
            long received = 0;
            for (String p : List.of("a", "b", "c", "d")) {
                List<String> titles = Messages.eventTitles(all, p);
                assertNoDuplicates(titles);
                received += titles.size();
            }
            long dropped = Samples.sum(all, "dsd_agent.messages.dropped", null);
            report(jdk, all, received, dropped);
            assertEquals(1200, received + dropped, "received " + received + ", dropped " + dropped + "\n" + jvm.stderr());
            assertTrue(dropped > 0);
            assertTrue(Samples.sum(all, "dsd_agent.packets.dropped", "reason:socket_not_found") > 0, all.toString());
            assertEquals(0, Samples.sum(all, "dsd_agent.samples.dropped", null));
            assertFalse(jvm.stderr().contains("WARNING"), jvm.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void unixDatagramListenerAndApplicationOnTheSameJdk(String jdk) throws Exception {
        // Java 17: junixsocket on both sides (listen --unix and the agent); Java 25: FFM on both sides
        Path sock = dir.resolve("dsd.sock");
        try (UnixDatagramReceiver rx = new UnixDatagramReceiver(jdk, sock)) {
            ForkedJvm app = new ForkedJvm(jdk)
                    .env("DD_DOGSTATSD_URL", "unixgram://" + sock)
                    .main("io.dsdagent.it.apps.CountingApp", "1000");
            try (ForkedJvm jvm = Jdks.feature(jdk) >= 22 ? app.jvmArg("--enable-native-access=ALL-UNNAMED") : app) {
                jvm.start();
                assertEquals(0, jvm.waitFor(60), jvm.stderr());
                await().atMost(WAIT).until(() -> Samples.sum(rx.lines(), "app.calls", null) >= 1000);
                assertEquals(1000, Samples.sum(rx.lines(), "app.calls", null));
                assertEquals(0, Samples.sum(rx.lines(), "dsd_agent.packets.dropped", null));
                assertEquals(0, occurrences(jvm.stderr(), "[dsd-agent] WARN "), jvm.stderr());
                assertFalse(jvm.stderr().contains("WARNING"), jvm.stderr());
                assertFalse(String.join("\n", rx.diagnostics()).contains("WARNING"), rx.diagnostics().toString());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void applicationWithItsOwnJunixsocketRunsBesideTheAgentsCopy(String jdk) throws Exception {
        StringBuilder cp = new StringBuilder(System.getProperty("it.app.classpath"));
        for (File f : new File(System.getProperty("it.bundled.junixsocket.dir")).listFiles()) {
            cp.append(File.pathSeparator).append(f.getAbsolutePath());
        }
        Path sock = dir.resolve("dsd.sock");
        try (UnixDatagramReceiver rx = new UnixDatagramReceiver(jdk, sock)) {
            ForkedJvm app = new ForkedJvm(jdk).classpath(cp.toString())
                    .env("DD_DOGSTATSD_URL", "unixgram://" + sock)
                    .main("io.dsdagent.it.apps.OwnJunixsocketApp", dir.resolve("own.sock").toString(), "1000");
            try (ForkedJvm jvm = Jdks.feature(jdk) >= 22 ? app.jvmArg("--enable-native-access=ALL-UNNAMED") : app) {
                jvm.start();
                assertEquals(0, jvm.waitFor(60), jvm.stderr());
                assertEquals("junixsocket loader system\nreceived 1000\n", jvm.stdout(), jvm.stderr());
                await().atMost(WAIT).until(() -> Samples.sum(rx.lines(), "app.calls", null) >= 1000);
                assertEquals(1000, Samples.sum(rx.lines(), "app.calls", null));
                assertEquals(0, occurrences(jvm.stderr(), "[dsd-agent] WARN "), jvm.stderr());
                assertFalse(jvm.stderr().contains("WARNING"), jvm.stderr());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void unixDatagramThatCannotOpenFallsBackToUdpWithOneLine(String jdk) throws Exception {
        // a socket path longer than sockaddr_un takes (108 bytes on Linux): neither FFM nor junixsocket can send
        Path sock = dir.resolve("d".repeat(120) + ".sock");
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = new ForkedJvm(jdk)
                     .env("DD_DOGSTATSD_URL", "unixgram://" + sock)
                     .env("DD_DOGSTATSD_PORT", String.valueOf(rx.port()))
                     .main("io.dsdagent.it.apps.CountingApp", "1000")) {
            jvm.start();
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            await().atMost(WAIT).until(() -> rx.countSum("app.calls") >= 1000);
            assertEquals(1000, rx.countSum("app.calls"));
            assertEquals(1, occurrences(jvm.stderr(), "[dsd-agent] WARN "), jvm.stderr());
            assertTrue(jvm.stderr().contains("Unix datagram") && jvm.stderr().contains(
                    "falling back to udp://127.0.0.1:" + rx.port()), jvm.stderr());
            for (byte[] d : rx.datagrams()) {
                assertTrue(d.length <= 1432, "datagram of " + d.length + " bytes");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void udpReceiverAbsentAtStartThenAppearing(String jdk) throws Exception {
        int port;
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        try (ForkedJvm jvm = app(jdk, "udp://127.0.0.1:" + port)) {
            start(jvm);
            events(jvm, "a", 100, 200); // to a port nobody has bound: UDP cannot know
            try (UdpReceiver rx = new UdpReceiver(port)) {
                events(jvm, "b", 300, 200);
                await().atMost(WAIT).until(() -> Messages.eventTitles(rx.lines(), "b").size() == 300);
                exit(jvm, rx::lines);
                List<String> all = rx.lines();
                assertNoDuplicates(Messages.eventTitles(all, "b"));
                assertTrue(Messages.eventTitles(all, "a").size() <= 100);
                assertEquals(0, Samples.sum(all, "dsd_agent.packets.dropped", null));
                assertEquals(0, Samples.sum(all, "dsd_agent.messages.dropped", null));
                for (byte[] d : rx.datagrams()) {
                    assertTrue(d.length <= 1432, "datagram of " + d.length + " bytes");
                }
            }
        }
    }
}
