package io.dsdagent.it.cap;

import io.dsdagent.agent.testing.Samples;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live context cap, the floor per source and redeploys, in one forked JVM per JDK
 * ({@link io.dsdagent.it.apps.ContextCapApp}) over a real UDP receiver. It runs with a cap of 1,000
 * contexts, a 5% floor per source (so the API alone may hold 1,000 - 2 x 50 = 900), eviction after 2
 * idle flushes, and a flush interval of 1 s; the samplers stay on, to show they are outside the cap.
 *
 * <ol>
 *   <li>900 API contexts arrive, go idle and are evicted; 900 new ones then all arrive.</li>
 *   <li>The old handles, used while the new contexts fill the API's share, are refused: each call is
 *       dropped and counted once as {@code context_cap}. Once the new ones are evicted, the same handles
 *       register again and their second increment arrives: each old context sums to exactly 2.</li>
 *   <li>A 5,000-context API flood is refused beyond the API's share; an annotated method loaded right
 *       after it, and a servlet container started after it, are still reported: the method's 100
 *       timings and the 100 requests all arrive.</li>
 *   <li>20 redeploys (a fresh loader each) of a class whose {@code @Timed} method throws its own
 *       exception type: every call is tagged with the exception's name, and every loader is collected.</li>
 * </ol>
 * Throughout, {@code dsd_agent.contexts} of the capped sources never sums above 1,000 in any flush.
 */
class ContextCapTest {
    private static final int CAP = 1_000;
    private static final int N = 900;
    private static final String CONTEXTS = "dsd_agent.contexts:";
    private static final String[] HELLO = {"exception:none", "method:GET", "outcome:SUCCESS", "route:/hello", "status:200"};

    @TempDir
    static Path dir;
    private static Path redeployClasses;

    static List<String> jdks() {
        return Jdks.homes();
    }

    /** The redeployed application: compiled here, outside the forked JVM's class path. */
    @BeforeAll
    static void compileRedeployedClasses() throws Exception {
        Path src = dir.resolve("src/redeploy");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Service.java"), """
                package redeploy;

                public class Service {
                    @io.dsdagent.annotation.Timed("cap.redeploy")
                    public void run() {
                        throw new ServiceFailure("deployed once more");
                    }
                }
                """);
        Files.writeString(src.resolve("ServiceFailure.java"), """
                package redeploy;

                public class ServiceFailure extends RuntimeException {
                    public ServiceFailure(String message) {
                        super(message);
                    }
                }
                """);
        redeployClasses = dir.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "--release", "8", "-Xlint:-options",
                "-cp", System.getProperty("it.app.classpath"), "-d", redeployClasses.toString(),
                src.resolve("Service.java").toString(), src.resolve("ServiceFailure.java").toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void liveCapFloorsAndRedeploysHoldTheirPromises(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = new ForkedJvm(jdk)
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                     .env("DSD_AGENT_MAX_CONTEXTS", "" + CAP)
                     .env("DSD_AGENT_CONTEXT_FLOOR", "5")
                     .env("DSD_AGENT_CONTEXT_IDLE_FLUSHES", "2")
                     .main("io.dsdagent.it.apps.ContextCapApp")) {
            jvm.start();
            OutputStream stdin = jvm.process().getOutputStream();
            Scenario s = new Scenario(rx, jvm, stdin);

            s.command("old");
            s.until("900 cap.old contexts arrive once", () -> sums(rx.lines(), "cap.old").size() == N);
            s.until("the API's contexts are evicted", () -> latestContexts(rx.lines(), "api") == 0);
            s.command("new");
            s.until("900 new contexts arrive", () -> sums(rx.lines(), "cap.new").size() == N);

            s.command("again"); // the share is full of cap.new: refused, each call dropped once
            s.until("900 refused calls counted", () -> contextCap(rx.lines()) == N);
            s.until("the new contexts are evicted", () -> latestContexts(rx.lines(), "api") == 0);
            s.command("again"); // room again: the kept handles register again
            s.until("each old context arrives twice", () -> sums(rx.lines(), "cap.old").values().stream()
                    .allMatch(v -> v == 2));

            s.command("flood");
            String[] work = {"class:io.dsdagent.it.apps.ContextCapApp$Work", "method:work", "exception:none"};
            s.until("100 timings of the annotated method", () -> Lines.valueCount(rx.lines(), "cap.work", "ms", work) == 100);
            s.until("100 HTTP requests", () -> Lines.valueCount(rx.lines(), "http.server.requests", "h", HELLO) == 100);
            s.until("every flood call arrived or was counted as context_cap", () ->
                    sums(rx.lines(), "cap.flood").size() + contextCap(rx.lines()) - N == 5_000);

            s.command("redeploy " + redeployClasses);
            String[] failed = {"class:redeploy.Service", "method:run", "exception:ServiceFailure"};
            s.until("20 redeployed calls tagged ServiceFailure",
                    () -> Lines.valueCount(rx.lines(), "cap.redeploy", "ms", failed) == 20);
            s.until("every redeployed loader is collected", () -> s.gc() == 0);
            s.command("exit");
            assertEquals(0, jvm.waitFor(30), jvm.stderr());

            List<String> lines = rx.lines();
            assertEquals(N, sums(lines, "cap.new").size());
            assertTrue(sums(lines, "cap.new").values().stream().allMatch(v -> v == 1), "each new context once");
            assertEquals(N, sums(lines, "cap.old").size());
            assertTrue(sums(lines, "cap.flood").size() <= N, "the flood stays inside the API's share");
            assertEquals(100, Lines.valueCount(lines, "cap.work", "ms", work));
            assertEquals(100, Lines.valueCount(lines, "http.server.requests", "h", HELLO));
            assertTrue(jvm.stdout().contains("requests 100\n"), jvm.stdout());
            assertEquals(20, Lines.valueCount(lines, "cap.redeploy", "ms", failed));
            assertFalse(lines.stream().anyMatch(l -> l.startsWith("cap.redeploy:") && !l.contains("exception:ServiceFailure")),
                    "no other exception tag");
            assertEquals(20, jvm.stdout().split("thrown redeploy.ServiceFailure\n", -1).length - 1);
            assertEquals(0, Samples.sum(lines, "dsd_agent.advice.errors", null), "advice errors");
            assertTrue(Samples.sum(lines, "dsd_agent.contexts.evicted", null) >= 2L * N);
            assertCapNeverExceeded(lines);
        }
    }

    /** In every flush, the capped sources' live contexts sum to at most the cap, and the API's to 900. */
    private static void assertCapNeverExceeded(List<String> lines) {
        Map<String, Map<String, Long>> byStamp = new TreeMap<>();
        for (String l : lines) {
            if (l.startsWith(CONTEXTS)) {
                String stamp = l.substring(l.indexOf("|T") + 2).split("\\|")[0];
                byStamp.computeIfAbsent(stamp, k -> new TreeMap<>()).put(source(l), value(l));
            }
        }
        assertTrue(byStamp.size() >= 5, "a gauge per flush: " + byStamp.size());
        long maxApi = 0;
        for (Map.Entry<String, Map<String, Long>> e : byStamp.entrySet()) {
            Map<String, Long> m = e.getValue();
            long capped = m.getOrDefault("api", 0L) + m.getOrDefault("methods", 0L) + m.getOrDefault("http", 0L);
            assertTrue(capped <= CAP, "flush " + e.getKey() + ": " + m);
            assertTrue(m.getOrDefault("api", 0L) <= N, "flush " + e.getKey() + ": " + m);
            assertTrue(m.getOrDefault("agent", 0L) > 0, "the agent's own contexts are reported apart: " + m);
            maxApi = Math.max(maxApi, m.getOrDefault("api", 0L));
        }
        assertEquals(N, maxApi, "the API reached its whole share");
    }

    /** Count sums per tag set of a counter name. */
    private static Map<String, Long> sums(List<String> lines, String name) {
        Map<String, Long> out = new TreeMap<>();
        for (String l : lines) {
            if (l.startsWith(name + ":") && l.contains("|c|")) {
                String tags = l.substring(l.indexOf("|#") + 2).split("\\|")[0];
                out.merge(tags, value(l), Long::sum);
            }
        }
        return out;
    }

    private static long contextCap(List<String> lines) {
        return Samples.sum(lines, "dsd_agent.samples.dropped", "reason:context_cap");
    }

    /** The newest {@code dsd_agent.contexts} of a source, -1 before the first. */
    private static long latestContexts(List<String> lines, String source) {
        long v = -1;
        for (String l : lines) {
            if (l.startsWith(CONTEXTS) && source.equals(source(l))) {
                v = value(l);
            }
        }
        return v;
    }

    private static String source(String line) {
        int i = line.indexOf("source:");
        return line.substring(i + 7).split("[|,]")[0];
    }

    private static long value(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1, line.indexOf('|')));
    }

    /** Commands over stdin and waits that say what they saw when they time out. */
    private record Scenario(UdpReceiver rx, ForkedJvm jvm, OutputStream stdin) {
        void command(String cmd) throws Exception {
            String ok = "ok " + cmd + "\n";
            int before = jvm.stdout().split(ok, -1).length;
            stdin.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            until("'" + cmd + "' done", () -> jvm.stdout().split(ok, -1).length > before);
        }

        long gc() throws Exception {
            int before = jvm.stdout().split("ok gc\n", -1).length;
            stdin.write("gc\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> jvm.stdout().split("ok gc\n", -1).length > before);
            String out = jvm.stdout();
            int at = out.lastIndexOf("alive ");
            return Long.parseLong(out.substring(at + 6, out.indexOf('\n', at)));
        }

        void until(String what, Callable<Boolean> condition) {
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(condition);
            } catch (ConditionTimeoutException e) {
                List<String> lines = rx.lines();
                throw new AssertionError("timed out waiting: " + what + "; contexts gauges: "
                        + lines.stream().filter(l -> l.startsWith(CONTEXTS)).toList() + "; losses: "
                        + Lines.agentLosses(lines) + "; stdout: " + jvm.stdout() + "; stderr: " + jvm.stderr(), e);
            }
        }
    }
}
