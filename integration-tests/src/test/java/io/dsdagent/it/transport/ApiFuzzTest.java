package io.dsdagent.it.transport;

import io.dsdagent.agent.encode.WireChecker;
import io.dsdagent.agent.testing.UnixStreamReceiver;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100,000 hostile calls of the public API ({@code FuzzApp}, seeded) through the real agent in a forked
 * JVM, to a real receiver over UDP and Unix stream, on every JDK: every datagram and frame that arrives
 * passes {@link WireChecker} (every rule of {@code shared/protocol.md} §2-§4 and §7), the application
 * sees no exception, stderr stays under 20 lines, and the well-formed metrics mixed in arrive exact.
 * The context cap is {@value #CAP}: the hostile calls make far more contexts, so the cap is hit (one
 * line, counted) while the well-formed handles, registered first, keep working.
 */
class ApiFuzzTest {
    private static final int INPUTS = 100_000;
    private static final int CAP = 5000;
    private static final long SEED = 15;

    @TempDir
    Path dir;

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String jdk : Jdks.homes()) {
            cases.add(Arguments.of(Jdks.feature(jdk), jdk, "udp"));
            cases.add(Arguments.of(Jdks.feature(jdk), jdk, "unixstream"));
        }
        return cases;
    }

    @ParameterizedTest(name = "Java {0} {2}")
    @MethodSource("cases")
    void hostileInputsReachTheWireOnlyAsValidMessagesAndWellFormedOnesExactly(int feature, String jdk, String transport)
            throws Exception {
        Path sock = dir.resolve("dsd.sock");
        boolean udp = transport.equals("udp");
        try (UdpReceiver u = udp ? new UdpReceiver() : null;
             UnixStreamReceiver s = udp ? null : new UnixStreamReceiver(sock);
             ForkedJvm jvm = new ForkedJvm(jdk)
                     .env("DD_DOGSTATSD_URL", udp ? "udp://127.0.0.1:" + u.port() : "unixstream://" + sock)
                     .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                     .env("DSD_AGENT_MAX_CONTEXTS", String.valueOf(CAP))
                     .main("io.dsdagent.it.apps.FuzzApp", String.valueOf(SEED), String.valueOf(INPUTS))) {
            if (udp) { // what the kernel really gave: a flush of this test is well under it
                assertTrue(u.receiveBuffer() >= 4 << 20, "receive buffer " + u.receiveBuffer());
            }
            Supplier<List<byte[]>> payloads = udp ? u::datagrams : s::payloads;
            Supplier<List<String>> lines = udp ? u::lines : s::lines;
            jvm.start();
            assertEquals(0, jvm.waitFor(120), jvm.stderr());
            await().atMost(Duration.ofSeconds(30)).until(() -> Lines.any(lines.get(), "dsd_agent.packets.sent"));
            int messages = 0;
            for (byte[] p : payloads.get()) {
                messages += WireChecker.checkPacket(p, udp ? 1432 : 8192).size();
            }
            String out = jvm.stdout();
            String stderr = jvm.stderr();
            System.out.println("[fuzz-it] Java " + feature + " " + transport + ": " + payloads.get().size()
                    + " packets, " + messages + " messages, all valid; agent losses " + Lines.agentLosses(lines.get())
                    + "; stderr " + stderr.lines().count() + " lines");
            assertTrue(out.contains("exceptions 0\n"), out + stderr);
            assertTrue(stderr.lines().count() < 20, stderr);

            String[] ok = out.substring(out.indexOf("ok count ")).trim().split(" ");
            List<String> got = lines.get();
            assertEquals(Long.parseLong(ok[2]), Lines.countSum(got, "fuzz.ok.count", "kind:ok"), Lines.agentLosses(got));
            assertEquals(Long.parseLong(ok[4]), Lines.valueCount(got, "fuzz.ok.hist", "h", "kind:ok"));
            Set<String> members = new TreeSet<>();
            String lastGauge = null;
            for (String l : got) {
                if (l.startsWith("fuzz.ok.set:")) {
                    members.add(l.substring(12, l.indexOf('|')));
                } else if (l.startsWith("fuzz.ok.gauge:")) {
                    lastGauge = l.substring(14, l.indexOf('|'));
                }
            }
            assertEquals(Integer.parseInt(ok[6]), members.size(), members.toString());
            assertEquals(Double.parseDouble(ok[8]), Double.parseDouble(lastGauge));
            assertTrue(Lines.any(got, "dsd_agent.samples.dropped"), "the cap was hit and counted");
        }
    }
}
