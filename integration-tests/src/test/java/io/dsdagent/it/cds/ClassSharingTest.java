package io.dsdagent.it.cds;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jars;
import io.dsdagent.it.support.Jdks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent keeps the JVM's class-data sharing: the application's classes still come from an AppCDS
 * archive (made without the agent, as HotSpot requires) and from a JDK 25 AOT cache (trained with the
 * agent), at least 95% of what the same archive serves without the agent; and no JVM or JDK warning.
 * The application is {@code StartupApp}: Jetty 12 with a servlet and an annotated method, so the
 * agent does instrument some of its classes.
 */
class ClassSharingTest {
    @TempDir
    Path dir;

    static List<String> jdks() {
        return Jdks.homes();
    }

    private String classpath() throws Exception {
        return Jars.jarsOnly(System.getProperty("it.app.classpath"), dir);
    }

    private ForkedJvm app(String jdk, String cp, boolean agent, String... jvmArgs) {
        ForkedJvm j = new ForkedJvm(jdk).classpath(cp).env("DD_DOGSTATSD_URL", "udp://127.0.0.1:9")
                .main("io.dsdagent.it.apps.StartupApp", "0", "once");
        if (!agent) {
            j.withoutAgent();
        }
        for (String a : jvmArgs) {
            j.jvmArg(a);
        }
        return j;
    }

    /** Runs to completion; returns stdout; asserts the app answered itself. */
    private static ForkedJvm run(ForkedJvm j) throws Exception {
        j.start();
        assertEquals(0, j.waitFor(120), j.stderr());
        assertTrue(j.stdout().contains("200 hello world"), j.stdout() + j.stderr());
        return j;
    }

    /** Application classes (not the JDK's, not the agent's) loaded from the archive, per -Xlog:class+load. */
    static long sharedAppClasses(String log, String source) {
        return log.lines().filter(l -> l.contains("[class,load]") && l.contains("source: " + source))
                .map(l -> l.substring(l.indexOf("] ", l.indexOf("[class,load]")) + 2).split(" ")[0])
                .filter(n -> !(n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.")
                        || n.startsWith("sun.") || n.startsWith("com.sun.") || n.startsWith("io.dsdagent.agent.")))
                .count();
    }

    private static void assertNoWarnings(ForkedJvm j) {
        for (String line : j.stderr().split("\n")) {
            assertFalse(line.toLowerCase(Locale.ROOT).contains("warning"), "stderr: " + j.stderr());
        }
        for (String line : j.stdout().split("\n")) {
            assertFalse(line.contains("[warning]") || line.toLowerCase(Locale.ROOT).contains("vm warning"), line);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void appCdsArchiveStillServesTheApplicationWithTheAgent(String jdk) throws Exception {
        String cp = classpath();
        Path jsa = dir.resolve("app.jsa");
        run(app(jdk, cp, false, "-XX:ArchiveClassesAtExit=" + jsa));
        assertTrue(Files.size(jsa) > 0);
        ForkedJvm plain = run(app(jdk, cp, false, "-XX:SharedArchiveFile=" + jsa, "-Xlog:class+load=info"));
        ForkedJvm agent = run(app(jdk, cp, true, "-XX:SharedArchiveFile=" + jsa, "-Xlog:class+load=info"));
        long without = sharedAppClasses(plain.stdout(), "shared objects file (top)");
        long with = sharedAppClasses(agent.stdout(), "shared objects file (top)");
        System.out.printf("[cds] JDK %d AppCDS: %d application classes shared without the agent, %d with it%n",
                Jdks.feature(jdk), without, with);
        assertTrue(without > 300, "the archive serves the application: " + without);
        assertTrue(with >= 0.95 * without, with + " of " + without + " application classes shared with the agent");
        assertNoWarnings(agent);
        assertTrue(agent.stderr().contains("[dsd-agent] INFO dsd-agent "), agent.stderr());
    }

    @Test
    void jdk25AotCacheTrainedWithTheAgentServesTheApplication() throws Exception {
        String jdk = Jdks.atLeast(25, "the AOT cache (-XX:AOTCacheOutput)");
        String cp = classpath();
        Path plainAot = dir.resolve("plain.aot");
        Path agentAot = dir.resolve("agent.aot");
        run(app(jdk, cp, false, "-XX:AOTCacheOutput=" + plainAot));
        run(app(jdk, cp, true, "-XX:AOTCacheOutput=" + agentAot));
        ForkedJvm plain = run(app(jdk, cp, false, "-XX:AOTCache=" + plainAot, "-Xlog:class+load=info"));
        ForkedJvm agent = run(app(jdk, cp, true, "-XX:AOTCache=" + agentAot, "-Xlog:class+load=info"));
        long without = sharedAppClasses(plain.stdout(), "shared objects file");
        long with = sharedAppClasses(agent.stdout(), "shared objects file");
        System.out.printf("[cds] JDK 25 AOT cache: %d application classes from the cache without the agent, %d with it%n",
                without, with);
        assertTrue(without > 300, "the cache serves the application: " + without);
        assertTrue(with >= 0.95 * without, with + " of " + without + " application classes from the cache with the agent");
        assertNoWarnings(agent);
    }
}
