package io.dsdagent.it.api;

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
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An application compiled against an older API jar, whose handles hold a fixed id and cannot register
 * again (the handle classes and {@code Hooks} of 0.1.0 as of commit 0d1faca, kept under
 * {@code src/test/resources/older-api}). The agent pins the contexts of such handles: they are never
 * evicted, so the handles keep working after idle flushes. Runs with a 1 s flush interval and eviction
 * after 1 idle flush (the default cap): the handles record, stay idle for 3 flushes, and record again;
 * every call arrives exactly, and nothing was evicted.
 */
class OlderApiJarTest {
    private static final int N = 300;
    private static final String KIND = "kind:older";

    @TempDir
    static Path dir;
    private static Path olderJarClasses;
    private static Path appClasses;

    private static final String APP_SOURCE = """
            package oldapi;

            import io.dsdagent.api.Counter;
            import io.dsdagent.api.DsdMetrics;
            import io.dsdagent.api.Gauge;
            import io.dsdagent.api.Timer;
            import java.io.BufferedReader;
            import java.io.InputStreamReader;

            public final class OldApiApp {
                public static void main(String[] args) throws Exception {
                    int n = Integer.parseInt(args[0]);
                    Counter calls = DsdMetrics.counter("oldapi.calls", "kind:older");
                    Timer latency = DsdMetrics.timer("oldapi.latency", "kind:older");
                    Gauge round = DsdMetrics.gauge("oldapi.round", "kind:older");
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
                    System.out.println("ready");
                    int rounds = 0;
                    for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
                        rounds++;
                        for (int i = 0; i < n; i++) {
                            calls.increment();
                            latency.record(1_000_000L + i);
                            DsdMetrics.count("oldapi.conv", 1, "kind:older");
                        }
                        round.set(rounds);
                        System.out.println("ok " + line);
                    }
                }
            }
            """;

    static List<String> jdks() {
        return Jdks.homes();
    }

    @BeforeAll
    static void makeOlderJarAndApp() throws Exception {
        Path base = Path.of(System.getProperty("basedir", "."));
        Path current = base.resolve("../bootstrap/src/main/java").normalize();
        Path older = base.resolve("src/test/resources/older-api");
        Path src = dir.resolve("older-src");
        for (String pkg : List.of("io/dsdagent/api", "io/dsdagent/annotation")) {
            Files.createDirectories(src.resolve(pkg));
            try (Stream<Path> files = Files.list(current.resolve(pkg))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!f.getFileName().toString().equals("Handle.java")) { // the older jar has no Handle
                        Files.copy(f, src.resolve(pkg).resolve(f.getFileName()));
                    }
                }
            }
        }
        try (Stream<Path> files = Files.list(older.resolve("io/dsdagent/api"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, src.resolve("io/dsdagent/api").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        olderJarClasses = dir.resolve("older-classes");
        compile(src, olderJarClasses, null);
        Path appSrc = dir.resolve("app-src/oldapi");
        Files.createDirectories(appSrc);
        Files.writeString(appSrc.resolve("OldApiApp.java"), APP_SOURCE);
        appClasses = dir.resolve("app-classes");
        compile(appSrc, appClasses, olderJarClasses.toString());
    }

    private static void compile(Path src, Path out, String classpath) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("--release", "8", "-Xlint:-options", "-d", out.toString()));
        if (classpath != null) {
            args.addAll(List.of("-cp", classpath));
        }
        try (Stream<Path> files = Files.walk(src)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(new String[0]));
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void handlesOfAnOlderApiJarKeepWorkingAfterIdleFlushes(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = new ForkedJvm(jdk)
                     .classpath(olderJarClasses + File.pathSeparator + appClasses)
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                     .env("DSD_AGENT_CONTEXT_IDLE_FLUSHES", "1")
                     .env("DSD_AGENT_MAX_SAMPLES_PER_CONTEXT", "100000")
                     .env("DSD_AGENT_RUNTIME_METRICS_ENABLED", "false")
                     .env("DSD_AGENT_SOCKSTAT_ENABLED", "false")
                     .main("oldapi.OldApiApp", "" + N)) {
            jvm.start();
            OutputStream stdin = jvm.process().getOutputStream();
            command(jvm, stdin, rx, "first");
            until(jvm, rx, () -> Lines.countSum(rx.lines(), "oldapi.calls", KIND) == N);
            int flushes = flushes(rx.lines());
            until(jvm, rx, () -> flushes(rx.lines()) >= flushes + 3); // idle for three flushes
            command(jvm, stdin, rx, "second");
            until(jvm, rx, () -> Lines.countSum(rx.lines(), "oldapi.calls", KIND) == 2L * N
                    && Lines.valueCount(rx.lines(), "oldapi.latency", "ms", KIND) == 2L * N
                    && Lines.countSum(rx.lines(), "oldapi.conv", KIND) == 2L * N
                    && rx.metric("oldapi.round").stream().anyMatch(l -> l.startsWith("oldapi.round:2|")));
            stdin.write("exit\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            assertEquals(0, jvm.waitFor(30), jvm.stderr());
            List<String> lines = rx.lines();
            assertEquals(2L * N, Lines.countSum(lines, "oldapi.calls", KIND));
            assertEquals(2L * N, Lines.valueCount(lines, "oldapi.latency", "ms", KIND));
            assertEquals(2L * N, Lines.countSum(lines, "oldapi.conv", KIND));
            assertEquals(0, Samples.sum(lines, "dsd_agent.contexts.evicted", null), "pinned: never evicted");
            assertEquals(0, Samples.sum(lines, "dsd_agent.samples.dropped", null), Lines.agentLosses(lines));
            assertEquals(0, Samples.sum(lines, "dsd_agent.advice.errors", null), "advice errors");
            assertFalse(jvm.stderr().contains("WARN"), jvm.stderr());
        }
    }

    /** Flushes seen so far: the agent's own contexts gauge is sent on every one. */
    private static int flushes(List<String> lines) {
        return (int) lines.stream().filter(l -> l.startsWith("dsd_agent.contexts:") && l.contains("source:agent")).count();
    }

    private static void command(ForkedJvm jvm, OutputStream stdin, UdpReceiver rx, String cmd) throws Exception {
        until(jvm, rx, () -> jvm.stdout().startsWith("ready\n"));
        stdin.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        until(jvm, rx, () -> jvm.stdout().contains("ok " + cmd + "\n"));
    }

    private static void until(ForkedJvm jvm, UdpReceiver rx, Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out; received:\n" + String.join("\n", rx.lines()) + "\nstdout:\n"
                    + jvm.stdout() + "\nstderr:\n" + jvm.stderr(), e);
        }
    }
}
