package io.dsdagent.it.transport;

import io.dsdagent.agent.testing.Samples;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Messages;
import io.dsdagent.it.support.UnixDatagramReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * junixsocket's jars go on disk once per content: two JVMs starting at once in a temporary directory
 * that holds copies left by killed JVMs and by an older junixsocket both send over junixsocket, the
 * stale copies are gone, and exactly one content-named directory is left; a third JVM, killed, reuses
 * it and leaves nothing behind (no second copy, no native library: junixsocket deletes that itself).
 * Runs on the build JDK (17) only: from Java 22 the agent uses FFM and never extracts junixsocket.
 */
class JunixsocketExtractionTest {
    @TempDir
    Path dir;

    @Test
    void twoJvmsAtOnceShareOneContentNamedDirectoryAndStaleCopiesGo() throws Exception {
        String jdk = Jdks.homes().stream().filter(h -> Jdks.feature(h) < 22).findFirst()
                .orElseThrow(() -> new AssertionError("no JDK below 22 (the build JDK is 17): junixsocket is not the route"));
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        String user = System.getProperty("user.name");
        List<Path> stale = List.of(
                staleDir(tmp, "dsd-agent-junixsocket-" + user + "-00000000deadbeef"), // an older junixsocket
                staleDir(tmp, "dsd-agent-junixsocket4711"), // a killed JVM of the per-JVM copy era
                staleDir(tmp, "dsd-agent-junixsocket-" + user + "-00000000deadbeef.part42")); // killed mid-write
        // the receiver on Java 25 uses FFM: it extracts nothing into this directory
        String rxJdk = Jdks.homes().get(Jdks.homes().size() - 1);
        Path sock = dir.resolve("dsd.sock");
        try (UnixDatagramReceiver rx = new UnixDatagramReceiver(rxJdk, sock)) {
            List<ForkedJvm> jvms = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                jvms.add(app(jdk, tmp, sock).main("io.dsdagent.it.apps.CountingApp", "1000"));
            }
            try {
                for (ForkedJvm jvm : jvms) {
                    jvm.start();
                }
                for (ForkedJvm jvm : jvms) {
                    assertEquals(0, jvm.waitFor(60), jvm.stderr());
                    assertTrue(!jvm.stderr().contains("WARN"), jvm.stderr());
                }
            } finally {
                jvms.forEach(ForkedJvm::close);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Samples.sum(rx.lines(), "app.calls", null) >= 2000);
            assertEquals(2000, Samples.sum(rx.lines(), "app.calls", null), "both JVMs sent over junixsocket");
            for (Path p : stale) {
                assertTrue(!Files.exists(p), "stale copy removed: " + p);
            }
            TreeSet<String> left = names(tmp);
            assertEquals(1, left.size(), "one directory left: " + left);
            String shared = left.first();
            assertTrue(shared.matches("dsd-agent-junixsocket-" + user + "-[0-9a-f]{16}"), shared);
            assertEquals("[junixsocket-common.jar, junixsocket-native-common.jar]", names(tmp.resolve(shared)).toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve(shared))));

            Path witness = Files.createFile(tmp.resolve(shared).resolve("witness"));
            try (ForkedJvm killed = app(jdk, tmp, sock).main("io.dsdagent.it.apps.TransportApp")) {
                killed.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> killed.stdout().contains("ready\n"));
                killed.process().getOutputStream().write("events killed 1 10\n".getBytes());
                killed.process().getOutputStream().flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> killed.stdout().contains("sent killed 1\n"));
                // the event is sent at the next tick: once it arrives, junixsocket was loaded
                await().atMost(Duration.ofSeconds(30)).until(() -> Messages.eventTitles(rx.lines(), "killed").size() == 1);
                killed.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            assertTrue(Files.exists(witness), "the third JVM reused the directory");
            assertEquals("[" + shared + "]", names(tmp).toString(), "a killed JVM leaves nothing behind");
        }
    }

    private static ForkedJvm app(String jdk, Path tmp, Path sock) {
        return new ForkedJvm(jdk).jvmArg("-Djava.io.tmpdir=" + tmp)
                .env("DD_DOGSTATSD_URL", "unixgram://" + sock)
                .env("DSD_AGENT_RUNTIME_METRICS_ENABLED", "false")
                .env("DSD_AGENT_SOCKSTAT_ENABLED", "false");
    }

    /** A private directory with a file in it, last touched an hour ago. */
    private static Path staleDir(Path tmp, String name) throws Exception {
        Path d = Files.createDirectory(tmp.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.write(d.resolve("junixsocket-common.jar"), new byte[] {1, 2, 3});
        FileTime hourAgo = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        Files.setLastModifiedTime(d.resolve("junixsocket-common.jar"), hourAgo);
        Files.setLastModifiedTime(d, hourAgo);
        return d;
    }

    private static TreeSet<String> names(Path d) {
        TreeSet<String> s = new TreeSet<>();
        File[] files = d.toFile().listFiles();
        for (File f : files == null ? new File[0] : files) {
            s.add(f.getName());
        }
        return s;
    }
}
