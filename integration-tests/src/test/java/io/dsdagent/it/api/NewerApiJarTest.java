package io.dsdagent.it.api;

import io.dsdagent.agent.testing.Samples;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.Messages;
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
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application compiled against a newer copy of the API and annotations jar than the agent knows: a
 * new {@code DsdMetrics} method over a new {@code Hooks} stub, a new handle method over a stub that has
 * a known stub's name and arity but other parameter types, and a new {@code @Timed} attribute. The
 * newer jar is made here, at test time, from the bootstrap module's own sources.
 *
 * <p>Run with the agent on the plain class path (the agent's bootstrap jar absent), and in a child-first
 * loader whose parent, the system loader, has the older bootstrap jar: the program exits normally, the
 * new calls stay no-ops, and exactly the known calls arrive over UDP, nothing else.
 */
class NewerApiJarTest {
    private static final int N = 500;
    private static final String APP = "newapi.NewApiApp";
    private static final String KIND = "kind:newer";

    @TempDir
    static Path dir;
    private static Path newerJar;
    private static Path appClasses;

    static List<String> jdks() {
        return Jdks.homes();
    }

    /** The application, compiled against the newer jar: known calls and new ones in one loop. */
    private static final String APP_SOURCE = """
            package newapi;

            import io.dsdagent.annotation.Timed;
            import io.dsdagent.api.Counter;
            import io.dsdagent.api.Distribution;
            import io.dsdagent.api.DsdMetrics;
            import io.dsdagent.api.Gauge;
            import io.dsdagent.api.Histogram;
            import io.dsdagent.api.ServiceCheckStatus;
            import io.dsdagent.api.SetMetric;
            import io.dsdagent.api.Timer;

            public final class NewApiApp {
                @Timed(value = "newapi.work", tags = "kind:newer", description = "an attribute the agent's copy lacks")
                static int work(int i) {
                    return i + 1;
                }

                public static void main(String[] args) {
                    int n = Integer.parseInt(args[0]);
                    Counter calls = DsdMetrics.counter("newapi.calls", "kind:newer");
                    Timer latency = DsdMetrics.timer("newapi.latency", "kind:newer");
                    Gauge level = DsdMetrics.gauge("newapi.level", "kind:newer");
                    Histogram size = DsdMetrics.histogram("newapi.size", "kind:newer");
                    Distribution spread = DsdMetrics.distribution("newapi.spread", "kind:newer");
                    SetMetric members = DsdMetrics.set("newapi.members", "kind:newer");
                    long sum = 0;
                    int accepted = 0;
                    for (int i = 0; i < n; i++) {
                        calls.increment();
                        calls.add(0.5); // newer handle method
                        latency.record(1_000_000L + i);
                        size.record(i);
                        spread.record(i);
                        members.add("m" + (i % 7));
                        DsdMetrics.count("newapi.conv", 2, "kind:newer");
                        sum += work(i);
                        if (DsdMetrics.newFeature("newapi.unknown", i, "kind:newer")) { // newer static method
                            accepted++;
                        }
                    }
                    level.set(n);
                    DsdMetrics.gauge("newapi.convgauge", 7, "kind:newer");
                    DsdMetrics.event("newapi-done", "ran", "kind:newer");
                    DsdMetrics.serviceCheck("newapi.check", ServiceCheckStatus.OK, null, "kind:newer");
                    String p = DsdMetrics.class.getProtectionDomain().getCodeSource().getLocation().getPath();
                    System.out.println("app api " + p.substring(p.lastIndexOf('/') + 1)
                            + (DsdMetrics.class.getClassLoader() == NewApiApp.class.getClassLoader() ? " same loader" : " other loader"));
                    System.out.println("sum " + sum + " accepted " + accepted);
                }
            }
            """;

    @BeforeAll
    static void makeNewerJarAndApp() throws Exception {
        Path base = Path.of(System.getProperty("basedir", "."), "../bootstrap/src/main/java").normalize();
        Path src = dir.resolve("newer-src");
        for (String pkg : List.of("io/dsdagent/api", "io/dsdagent/annotation")) {
            Files.createDirectories(src.resolve(pkg));
            try (Stream<Path> files = Files.list(base.resolve(pkg))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, src.resolve(pkg).resolve(f.getFileName()));
                }
            }
        }
        addBeforeLastBrace(src.resolve("io/dsdagent/api/Hooks.java"), """
                    /** Newer API: a stub the agent does not know. */
                    static boolean newFeature(String name, long value, String[] tags) {
                        return false;
                    }

                    /** Newer API: a known stub's name and arity, other parameter types. */
                    static void count(int id, double delta) {
                    }
                """);
        addBeforeLastBrace(src.resolve("io/dsdagent/api/DsdMetrics.java"), """
                    /** Newer API: whether an agent took the value; false without one. */
                    public static boolean newFeature(String name, long value, String... tags) {
                        return Hooks.newFeature(name, value, tags);
                    }
                """);
        addBeforeLastBrace(src.resolve("io/dsdagent/api/Counter.java"), """
                    /** Newer API: adds a fractional amount. */
                    public void add(double delta) {
                        Hooks.count(id, delta);
                    }
                """);
        addBeforeLastBrace(src.resolve("io/dsdagent/annotation/Timed.java"), """
                    /** Newer API: a description. */
                    String description() default "";
                """);
        Path apiClasses = dir.resolve("newer-classes");
        compile(src, apiClasses, null);
        newerJar = dir.resolve("dsd-api-newer.jar");
        jar(apiClasses, newerJar);

        Path appSrc = dir.resolve("app-src");
        Files.createDirectories(appSrc.resolve("newapi"));
        Files.writeString(appSrc.resolve("newapi/NewApiApp.java"), APP_SOURCE);
        appClasses = dir.resolve("app-classes");
        compile(appSrc, appClasses, newerJar.toString());
    }

    private static void addBeforeLastBrace(Path file, String members) throws IOException {
        String s = Files.readString(file);
        int end = s.lastIndexOf('}');
        assertTrue(end > 0, file.toString());
        Files.writeString(file, s.substring(0, end) + "\n" + members + s.substring(end));
    }

    private static void compile(Path src, Path out, String classpath) throws IOException {
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

    private static void jar(Path classes, Path jar) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "99.0-newer");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, mf);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
    }

    private static ForkedJvm app(String jdk, UdpReceiver rx) {
        return new ForkedJvm(jdk)
                .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                .env("DSD_AGENT_MAX_SAMPLES_PER_CONTEXT", "100000")
                // only the application's metrics and the agent's own telemetry: anything else is unexpected
                .env("DSD_AGENT_RUNTIME_METRICS_ENABLED", "false")
                .env("DSD_AGENT_SOCKSTAT_ENABLED", "false");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void newerApiJarOnThePlainClassPathRunsAndKnownCallsArrive(String jdk) throws Exception {
        String cp = newerJar + File.pathSeparator + appClasses;
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = app(jdk, rx).classpath(cp).main(APP, "" + N)) {
            jvm.start();
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            assertEquals("app api dsd-api-newer.jar same loader\n" + appResult(), jvm.stdout());
            assertKnownCallsArriveAndNothingElse(rx, jvm);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void newerApiJarInAChildFirstLoaderOverTheOlderJarRunsAndKnownCallsArrive(String jdk) throws Exception {
        String systemCp = System.getProperty("it.app.classpath");
        assertTrue(systemCp.contains("bootstrap"), "the older bootstrap jar is on the system class path: " + systemCp);
        String childCp = newerJar + File.pathSeparator + appClasses;
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = app(jdk, rx).classpath(systemCp)
                     .main("io.dsdagent.it.apps.ChildFirstLauncher", childCp, APP, "" + N)) {
            jvm.start();
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            String[] out = jvm.stdout().split("\n", 3);
            assertTrue(out[0].matches("parent api (dsd-agent-bootstrap-[^ ]+\\.jar|classes/) older"), out[0]);
            assertEquals("child api dsd-api-newer.jar newer", out[1]);
            assertEquals("app api dsd-api-newer.jar same loader\n" + appResult(), out[2]);
            assertKnownCallsArriveAndNothingElse(rx, jvm);
        }
    }

    private static String appResult() {
        long sum = 0;
        for (int i = 0; i < N; i++) {
            sum += i + 1;
        }
        return "sum " + sum + " accepted 0\n";
    }

    private static void assertKnownCallsArriveAndNothingElse(UdpReceiver rx, ForkedJvm jvm) {
        String[] work = {"class:" + APP, "method:work", KIND, "exception:none"};
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                List<String> l = rx.lines();
                return Lines.countSum(l, "newapi.calls", KIND) >= N
                        && Lines.valueCount(l, "newapi.latency", "ms", KIND) >= N
                        && Lines.valueCount(l, "newapi.size", "h", KIND) >= N
                        && Lines.valueCount(l, "newapi.spread", "d", KIND) >= N
                        && Lines.countSum(l, "newapi.conv", KIND) >= 2L * N
                        && Lines.valueCount(l, "newapi.work", "ms", work) >= N
                        && Lines.any(l, "newapi.level") && Lines.any(l, "newapi.convgauge")
                        && l.stream().anyMatch(x -> x.startsWith("_sc|"))
                        && !Messages.eventTitles(l, "newapi").isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the known calls did not all arrive; received:\n"
                    + String.join("\n", rx.lines()) + "\nstderr:\n" + jvm.stderr(), e);
        }
        List<String> lines = rx.lines();
        // every stub the agent knows, exactly; Counter.add(double) (a stub it does not know) added nothing
        assertEquals(N, Lines.countSum(lines, "newapi.calls", KIND));
        assertEquals(N, Lines.valueCount(lines, "newapi.latency", "ms", KIND));
        assertEquals(N, Lines.valueCount(lines, "newapi.size", "h", KIND));
        assertEquals(N, Lines.valueCount(lines, "newapi.spread", "d", KIND));
        assertEquals(2L * N, Lines.countSum(lines, "newapi.conv", KIND));
        assertEquals(N, Lines.valueCount(lines, "newapi.work", "ms", work));
        assertEquals(List.of("newapi.level:" + N + "|g|#" + KIND), head(rx.metric("newapi.level"), 3));
        assertEquals(List.of("newapi.convgauge:7|g|#" + KIND), head(rx.metric("newapi.convgauge"), 3));
        // members are sent once per interval: a run that straddles a flush may send one twice
        assertEquals(Set.of("m0", "m1", "m2", "m3", "m4", "m5", "m6"), rx.metric("newapi.members").stream()
                .peek(l -> assertTrue(l.matches("newapi\\.members:m\\d\\|s\\|#" + KIND + "(\\|.*)?"), l))
                .map(l -> l.substring("newapi.members:".length(), l.indexOf('|'))).collect(Collectors.toSet()));
        assertEquals(List.of("newapi-done"), Messages.eventTitles(lines, "newapi"));
        assertEquals(List.of("_sc|newapi.check|0|#" + KIND), head(lines.stream().filter(l -> l.startsWith("_sc|"))
                .toList(), 4));
        // nothing else but the agent's own telemetry, which saw no advice error
        Set<String> known = Set.of("newapi.calls", "newapi.latency", "newapi.size", "newapi.spread", "newapi.members",
                "newapi.conv", "newapi.work", "newapi.level", "newapi.convgauge");
        for (String l : lines) {
            if (l.startsWith("_e{") || l.startsWith("_sc|")) {
                continue; // checked above
            }
            String name = l.substring(0, l.indexOf(':'));
            assertTrue(known.contains(name) || name.startsWith("dsd_agent."), "unexpected: " + l);
        }
        assertFalse(lines.stream().anyMatch(l -> l.contains("newapi.unknown")), lines.toString());
        assertEquals(0, Samples.sum(lines, "dsd_agent.advice.errors", null), "advice errors");
        String err = jvm.stderr();
        for (String bad : List.of("WARN", "ERROR", "Error", "Exception")) {
            assertFalse(err.contains(bad), err);
        }
    }

    /** Each line cut to its first {@code fields} |-separated fields (drops timestamps and origin fields). */
    private static List<String> head(List<String> lines, int fields) {
        return lines.stream().map(l -> String.join("|", List.of(l.split("\\|")).subList(0, fields))).toList();
    }
}
