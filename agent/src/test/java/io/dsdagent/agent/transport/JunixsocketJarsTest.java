package io.dsdagent.agent.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The content-named junixsocket directory under contention: eight extractions released at once (as
 * eight JVMs starting together would be) all get the same complete directory, and no half-written
 * copy is left. The forked-JVM side is {@code JunixsocketExtractionTest}.
 */
class JunixsocketJarsTest {
    @TempDir
    Path tmp;

    @Test
    void extractionsReleasedAtOnceShareOneCompleteDirectory() throws Exception {
        int n = 8;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<File>> dirs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                dirs.add(pool.submit(() -> {
                    start.await();
                    return JunixsocketJars.directory(tmp, JunixsocketLoader.RESOURCES, JunixsocketLoader.JARS);
                }));
            }
            Set<File> distinct = new HashSet<>();
            for (Future<File> f : dirs) {
                distinct.add(f.get());
            }
            assertEquals(1, distinct.size(), "one directory for all: " + distinct);
            File dir = distinct.iterator().next();
            assertEquals(List.of(dir.getName()), Arrays.asList(tmp.toFile().list()), "no .part copy left");
            for (String jar : JunixsocketLoader.JARS) {
                try (InputStream in = JunixsocketJars.class.getResourceAsStream(JunixsocketLoader.RESOURCES + jar)) {
                    assertArrayEquals(in.readAllBytes(), Files.readAllBytes(dir.toPath().resolve(jar)), jar + " complete");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDirectoryWhoseJarsATmpCleanerRemovedIsExtractedAgain() throws Exception {
        File dir = JunixsocketJars.directory(tmp, JunixsocketLoader.RESOURCES, JunixsocketLoader.JARS);
        Files.delete(dir.toPath().resolve(JunixsocketLoader.JARS[0]));
        File again = JunixsocketJars.directory(tmp, JunixsocketLoader.RESOURCES, JunixsocketLoader.JARS);
        assertEquals(dir, again);
        for (String jar : JunixsocketLoader.JARS) {
            try (InputStream in = JunixsocketJars.class.getResourceAsStream(JunixsocketLoader.RESOURCES + jar)) {
                assertArrayEquals(in.readAllBytes(), Files.readAllBytes(again.toPath().resolve(jar)), jar);
            }
        }
    }
}
