package io.dsdagent.it.soak;

import io.dsdagent.agent.testing.Samples;
import io.dsdagent.agent.testing.UnixStreamReceiver;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.UdpReceiver;
import io.dsdagent.it.support.UnixDatagramReceiver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Soak under faults: {@code SoakApp} (Jetty 12, an annotated service, API calls from three client
 * threads, about 270 requests/s) runs with the agent (flush every second) while its receiver fails: a UDP
 * receiver is stopped and restarted; a Unix socket's receiver is stopped, its file removed and re-created;
 * a Unix stream receiver stops reading for a while. At the end:
 * <ul>
 *   <li>the application saw no error and no stall (longest recording call, longest request);</li>
 *   <li>after each fault the application's data arrives again within 2 s of the receiver coming back
 *       (one flush interval, plus the flush's own wait);</li>
 *   <li>the heap after a full GC did not grow from start to end;</li>
 *   <li>every sample is accounted for. The application records exactly 6 + batch samples per request
 *       (counts of 1, or single values), so the samples it recorded are known. Over Unix sockets the
 *       kernel reports every failed send, so: received + {@code dsd_agent.samples.dropped} (all reasons)
 *       = {@code dsd_agent.samples.recorded} = what the application recorded, exactly, where a received
 *       count line stands for its value and a value line for its values. Over UDP a datagram the kernel
 *       took counts as sent: the agent sends to a tap that stays up and passes every datagram on to the
 *       receiver, so sent (what the tap got) + dropped = {@code dsd_agent.samples.recorded} = what the
 *       application recorded, exactly, and the tap got as many datagrams as {@code dsd_agent.packets.sent}
 *       says. Delivery is checked exactly while the receiver is up, on every transport: every request's
 *       {@code soak.seq} value arrives exactly once, except those of requests made between a mark taken
 *       2 s before a fault and one taken as the receiver came back.</li>
 * </ul>
 * Every case runs on JDK 17 and 25 (Unix datagram through junixsocket on 17, through FFM on 25).
 */
class SoakTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int THREADS = 3;
    /** Name prefixes of what the application records; everything else received is the agent's own. */
    private static final List<String> APP_METRICS = List.of("soak.", "http.server.requests");
    private static final long RECOVERY_LIMIT_MILLIS = 2000;
    private static final long RECORD_STALL_LIMIT_MICROS = 100_000;
    private static final long REQUEST_STALL_LIMIT_MICROS = 1_000_000;
    private static final long HEAP_GROWTH_LIMIT = 4L << 20;

    @TempDir
    Path dir;

    /**
     * Every transport on every JDK. {@code -Dsoak.transports=unixstream} (a comma-separated list) narrows a
     * local loop to some transports; ignored under {@code CI=true}, where every case runs.
     */
    static List<Arguments> cases() {
        String only = "true".equals(System.getenv("CI")) ? "" : System.getProperty("soak.transports", "");
        List<Arguments> cases = new ArrayList<>();
        for (String jdk : Jdks.homes()) {
            // unixgram: FFM on 22+, junixsocket below
            for (String transport : List.of("udp", "unixstream", "unixgram")) {
                if (only.isEmpty() || List.of(only.split(",")).contains(transport)) {
                    cases.add(Arguments.of(Jdks.feature(jdk), jdk, transport));
                }
            }
        }
        return cases;
    }

    /**
     * A receiver that can be stopped and started again at the same address; keeps every line it got. Over UDP the
     * agent sends to a tap that stays up and passes each datagram on to the receiver: the tap sees every datagram
     * the agent's kernel accepted (what counts as sent over UDP), the receiver what a Datadog Agent would have got.
     */
    private final class Receivers {
        private final String jdk;
        private final String transport;
        private final Path sock = dir.resolve("dsd.sock");
        private final List<String> past = new ArrayList<>();
        private final List<List<byte[]>> pastFrames = new ArrayList<>();
        private int udpPort;
        private UdpReceiver tap;
        private AutoCloseable current;

        Receivers(String jdk, String transport) {
            this.jdk = jdk;
            this.transport = transport;
        }

        String url() {
            return transport.equals("udp") ? "udp://127.0.0.1:" + tap.port() : transport + "://" + sock;
        }

        void start() throws IOException {
            switch (transport) {
                case "udp":
                    UdpReceiver u = new UdpReceiver(udpPort);
                    udpPort = u.port();
                    current = u;
                    if (tap == null) {
                        tap = new UdpReceiver();
                        tap.forwardTo(udpPort);
                    }
                    break;
                case "unixstream":
                    current = new UnixStreamReceiver(sock);
                    break;
                default:
                    current = new UnixDatagramReceiver(jdk, sock);
            }
        }

        /**
         * Stops the receiver (a Unix socket's file is removed with it), then keeps its lines: taken before the
         * close, a frame its reader was still handling would be lost to the count.
         */
        void stop() throws Exception {
            current.close();
            past.addAll(currentLines());
            if (current instanceof UnixStreamReceiver) {
                pastFrames.add(((UnixStreamReceiver) current).payloads());
            }
            current = null;
        }

        /** Over a Unix stream, every frame received, per receiver started (what a failed check leaves behind). */
        List<List<byte[]>> frames() {
            List<List<byte[]>> all = new ArrayList<>(pastFrames);
            if (current instanceof UnixStreamReceiver) {
                all.add(((UnixStreamReceiver) current).payloads());
            }
            return all;
        }

        UnixStreamReceiver stream() {
            return (UnixStreamReceiver) current;
        }

        List<String> currentLines() {
            if (current instanceof UdpReceiver) {
                return ((UdpReceiver) current).lines();
            }
            if (current instanceof UnixStreamReceiver) {
                return ((UnixStreamReceiver) current).lines();
            }
            return current == null ? List.of() : ((UnixDatagramReceiver) current).lines();
        }

        List<String> all() {
            List<String> all = new ArrayList<>(past);
            all.addAll(currentLines());
            return all;
        }

        /** Over UDP, every line the agent sent; the tap's own kernel drops, if any, in the failure message. */
        UdpReceiver tap() {
            return tap;
        }

        void close() throws Exception {
            if (current != null) {
                stop();
            }
            if (tap != null) {
                tap.close();
            }
        }
    }

    private record Window(String fault, long from, long to, long recoveryMillis) {
    }

    @ParameterizedTest(name = "Java {0} {2}")
    @MethodSource("cases")
    void everySampleIsReceivedOrCountedAndTheApplicationNeverNotices(int feature, String jdk, String transport)
            throws Exception {
        boolean stream = transport.equals("unixstream");
        // a stream receiver that stops reading must fill the socket buffers (~200 kB) within seconds
        int batch = stream ? 40 : 4;
        Receivers rx = new Receivers(jdk, transport);
        rx.start();
        ForkedJvm jvm = new ForkedJvm(jdk)
                .env("DD_DOGSTATSD_URL", rx.url())
                .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                .env("DSD_AGENT_RUNTIME_METRICS_ENABLED", "false") // their gauges are samples we do not track
                .env("DSD_AGENT_SOCKSTAT_ENABLED", "false")
                .env("DSD_AGENT_MAX_SAMPLES_PER_CONTEXT", "100000") // every soak.seq value is sent as is
                .main("io.dsdagent.it.apps.SoakApp", String.valueOf(THREADS), String.valueOf(batch));
        if (transport.equals("unixgram")) {
            jvm.jvmArg("--enable-native-access=ALL-UNNAMED");
        }
        List<Window> windows = new ArrayList<>();
        try (jvm) {
            jvm.start();
            await().atMost(WAIT).until(() -> jvm.stdout().contains("ready\n") || !jvm.process().isAlive());
            assertTrue(jvm.process().isAlive(), jvm.stderr());
            await().atMost(WAIT).until(() -> maxSeq(rx.currentLines()) > 0);
            hold(2);
            long heapStart = reply(jvm, "heap");

            long m1 = reply(jvm, "mark");
            hold(2);
            rx.stop();
            hold(3);
            rx.start();
            windows.add(recovered(jvm, rx, transport.equals("udp") ? "receiver restarted"
                    : "receiver restarted, socket file re-created", m1));

            if (stream) {
                hold(2);
                long m3 = reply(jvm, "mark");
                hold(2);
                rx.stream().pause();
                hold(4);
                rx.stream().resume();
                windows.add(recovered(jvm, rx, "receiver stopped reading for 4 s", m3));
            }

            hold(2);
            long heapEnd = reply(jvm, "heap");
            command(jvm, "stop");
            await().atMost(WAIT).until(() -> jvm.stdout().contains("totals "));
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            Map<String, Long> totals = totals(jvm.stdout());
            long requests = totals.get("requests");
            assertEquals(requests, totals.get("seq"), "every request reached the servlet once");
            // the final flush is sent before the JVM exits; wait for the receiver to have read all of it
            int[] last = {-1};
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                List<String> all = rx.all();
                boolean quiet = all.size() == last[0];
                last[0] = all.size();
                return quiet && maxSeq(all) == requests;
            });
            List<String> all = rx.all();
            rx.close();

            long recorded = (6 + batch) * requests;
            Map<String, Long> received = Samples.byMetric(all, APP_METRICS);
            long receivedTotal = received.values().stream().mapToLong(Long::longValue).sum();
            long telemetryRecorded = Samples.sum(all, "dsd_agent.samples.recorded", null);
            long dropped = Samples.sum(all, "dsd_agent.samples.dropped", null);
            BitSet seqs = seqs(all);
            long missingSeqs = requests - seqs.cardinality();
            System.out.println("[soak] Java " + feature + " " + transport + ": " + requests + " requests, samples recorded "
                    + recorded + " (telemetry " + telemetryRecorded + "), received " + receivedTotal + ", dropped "
                    + dropped + reasons(all) + "; soak.seq missing " + missingSeqs + "; " + windows
                    + "; heap after GC " + heapStart / 1024 + " kB -> " + heapEnd / 1024 + " kB; longest record call "
                    + totals.get("recordMaxMicros") + " us, longest request " + totals.get("requestMaxMicros") / 1000
                    + " ms; errors " + totals.get("errors"));

            // the application never noticed
            assertEquals(0, totals.get("errors"), jvm.stderr());
            assertTrue(totals.get("recordMaxMicros") < RECORD_STALL_LIMIT_MICROS, "a recording call stalled");
            assertTrue(totals.get("requestMaxMicros") < REQUEST_STALL_LIMIT_MICROS, "a request stalled");
            assertFalse(jvm.stderr().contains("Exception") || jvm.stderr().contains("ERROR"), jvm.stderr());
            assertFalse(jvm.stderr().contains("WARNING"), jvm.stderr());
            // the agent recovered within a flush interval after each fault
            for (Window w : windows) {
                assertTrue(w.recoveryMillis <= RECOVERY_LIMIT_MILLIS, w + "\n" + jvm.stderr());
            }
            // heap did not grow
            assertTrue(heapEnd - heapStart < HEAP_GROWTH_LIMIT, "heap grew from " + heapStart + " to " + heapEnd);
            // delivery is exact while the receiver is up, on every transport: each request's sequence
            // number exactly once (seqs() fails on a duplicate), missing ones only where a fault was
            for (int s = seqs.nextClearBit(1); s <= requests; s = seqs.nextClearBit(s + 1)) {
                int seq = s;
                assertTrue(windows.stream().anyMatch(w -> seq > w.from && seq <= w.to),
                        "soak.seq " + seq + " lost outside every fault window " + windows);
            }
            if (transport.equals("udp")) {
                // sent + dropped = recorded, from what the agent sent (the tap) and its own telemetry; the outage's
                // datagrams were sent and lost beyond the agent's sight, so received < sent
                UdpReceiver tap = rx.tap();
                List<String> sentLines = tap.lines();
                Map<String, Long> sent = Samples.byMetric(sentLines, APP_METRICS);
                long sentTotal = sent.values().stream().mapToLong(Long::longValue).sum();
                long sentDropped = Samples.sum(sentLines, "dsd_agent.samples.dropped", null);
                String tapState = "tap: " + tap.datagrams().size() + " datagrams, forward failures "
                        + tap.forwardFailures() + ", kernel receive-buffer drops on this machine " + tap.kernelDrops();
                System.out.println("[soak] Java " + feature + " udp: sent " + sentTotal + " + dropped " + sentDropped
                        + " = recorded " + recorded + "; " + tapState);
                assertEquals(recorded, Samples.sum(sentLines, "dsd_agent.samples.recorded", null),
                        "dsd_agent.samples.recorded = what the application recorded; " + tapState);
                assertEquals(recorded, sentTotal + sentDropped, "sent " + sentTotal + " + dropped " + sentDropped
                        + " = recorded; " + tapState);
                assertEquals(0, sentDropped, "the kernel took every datagram: " + reasons(sentLines));
                assertEquals(0, Samples.sum(sentLines, "dsd_agent.packets.dropped", null), reasons(sentLines));
                assertEquals(tap.datagrams().size(), Samples.sum(sentLines, "dsd_agent.packets.sent", null) + 1,
                        "every datagram the agent counts as sent reached the tap (the exit flush's last one is"
                                + " counted by no later point); " + tapState);
                for (Map.Entry<String, Long> e : sent.entrySet()) {
                    long expected = e.getKey().equals("soak.batch") ? batch * requests : requests;
                    assertEquals(expected, e.getValue(), "samples of " + e.getKey() + " sent");
                }
                assertEquals(0, tap.forwardFailures(), tapState);
                assertTrue(receivedTotal < sentTotal, "the receiver's outage cost samples: received " + receivedTotal
                        + " of " + sentTotal);
            } else {
                boolean exact = recorded == telemetryRecorded && recorded == receivedTotal + dropped;
                String what = "Java " + feature + " " + transport + ": received " + received + ", dropped "
                        + reasons(all) + (exact ? "" : "; evidence in " + evidence(feature, transport, rx, jvm));
                assertEquals(recorded, telemetryRecorded, "dsd_agent.samples.recorded; " + what);
                assertEquals(recorded, receivedTotal + dropped, "received " + receivedTotal + " + dropped " + dropped
                        + " = recorded; " + what);
                assertTrue(dropped > 0, "the faults must have cost samples");
                assertTrue(Samples.sum(all, "dsd_agent.packets.dropped", "reason:socket_not_found") + Samples.sum(all,
                        "dsd_agent.packets.dropped", "reason:connection_refused") > 0, all.toString());
                if (stream) {
                    assertTrue(Samples.sum(all, "dsd_agent.packets.dropped", "reason:would_block") > 0,
                            "the paused receiver's socket buffers never filled: " + reasons(all));
                }
            }
        } finally {
            rx.close();
        }
    }

    /**
     * Writes what a failed exactness check needs to be explained to {@code target/soak-evidence}: every line
     * received (per receiver), every frame of a stream receiver with its receiver and position, and the
     * agent's stderr. Returns the directory.
     */
    private static Path evidence(int feature, String transport, Receivers rx, ForkedJvm jvm) throws IOException {
        Path out = Path.of("target", "soak-evidence",
                "java" + feature + "-" + transport + "-" + System.currentTimeMillis());
        Files.createDirectories(out);
        Files.write(out.resolve("lines.txt"), rx.all(), StandardCharsets.UTF_8);
        StringBuilder frames = new StringBuilder();
        List<List<byte[]>> receivers = rx.frames();
        for (int r = 0; r < receivers.size(); r++) {
            int f = 0;
            for (byte[] payload : receivers.get(r)) {
                frames.append("=== receiver ").append(r).append(" frame ").append(f++).append(" bytes ")
                        .append(payload.length).append('\n').append(new String(payload, StandardCharsets.UTF_8));
            }
        }
        Files.writeString(out.resolve("frames.txt"), frames);
        Files.writeString(out.resolve("stderr.txt"), jvm.stderr());
        return out.toAbsolutePath();
    }

    /** After a fault ends: the mark, and how long until a request made since arrives. */
    private static Window recovered(ForkedJvm jvm, Receivers rx, String fault, long before) throws IOException {
        long back = System.nanoTime();
        long mark = reply(jvm, "mark");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> maxSeq(rx.currentLines()) > mark);
        return new Window(fault, before, mark, (System.nanoTime() - back) / 1_000_000);
    }

    /** Keeps the current state (load running, receiver up or down) for a while. */
    private static void hold(int seconds) {
        await().pollDelay(Duration.ofSeconds(seconds)).atMost(Duration.ofSeconds(seconds + 5)).until(() -> true);
    }

    private static void command(ForkedJvm jvm, String line) throws IOException {
        OutputStream in = jvm.process().getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Sends a command and returns the number in its reply line ({@code <command> <n>}). */
    private static long reply(ForkedJvm jvm, String command) throws IOException {
        int seen = count(jvm.stdout(), command + " ");
        command(jvm, command);
        await().atMost(WAIT).until(() -> count(jvm.stdout(), command + " ") > seen);
        String out = jvm.stdout();
        int at = out.lastIndexOf(command + " ") + command.length() + 1;
        return Long.parseLong(out.substring(at, out.indexOf('\n', at)).trim());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static Map<String, Long> totals(String stdout) {
        Map<String, Long> m = new TreeMap<>();
        Matcher x = Pattern.compile("(\\w+)=(\\d+)").matcher(stdout.substring(stdout.indexOf("totals ")));
        while (x.find()) {
            m.put(x.group(1), Long.parseLong(x.group(2)));
        }
        return m;
    }

    /** Sequence numbers received in {@code soak.seq}; fails on one received twice. */
    static BitSet seqs(List<String> lines) {
        BitSet seen = new BitSet();
        for (String l : lines) {
            if (l.startsWith("soak.seq:")) {
                assertFalse(l.contains("|@"), "soak.seq was sampled: " + l);
                for (String v : l.substring(9, l.indexOf('|')).split(":")) {
                    int s = Integer.parseInt(v);
                    assertFalse(seen.get(s), "soak.seq " + s + " received twice");
                    seen.set(s);
                }
            }
        }
        return seen;
    }

    private static long maxSeq(List<String> lines) {
        long max = 0;
        for (String l : lines) {
            if (l.startsWith("soak.seq:")) {
                for (String v : l.substring(9, l.indexOf('|')).split(":")) {
                    max = Math.max(max, Long.parseLong(v));
                }
            }
        }
        return max;
    }

    /** The drop figures by reason, for the build log. */
    private static String reasons(List<String> lines) {
        Map<String, Long> m = new TreeMap<>();
        for (String l : lines) {
            if (l.startsWith("dsd_agent.samples.dropped:") || l.startsWith("dsd_agent.packets.dropped:")
                    || l.startsWith("dsd_agent.messages.dropped:")) {
                String name = l.substring(10, l.indexOf(':'));
                int r = l.indexOf("reason:");
                String key = r < 0 ? name
                        : name + "{" + l.substring(r + 7, Math.min(indexOrEnd(l, '|', r), indexOrEnd(l, ',', r))) + "}";
                m.merge(key, Long.parseLong(l.substring(l.indexOf(':') + 1, l.indexOf('|'))), Long::sum);
            }
        }
        return " " + m;
    }

    private static int indexOrEnd(String s, char c, int from) {
        int i = s.indexOf(c, from);
        return i < 0 ? s.length() : i;
    }
}
