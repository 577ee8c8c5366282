package io.dsdagent.it.support;

import io.dsdagent.agent.testing.Settle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real DogStatsD Unix datagram receiver. The JDK has no Unix datagram socket, so this runs the agent's
 * own {@code java -jar dsd-agent.jar listen --unix PATH --raw} (through the FFM API on Java 22+, through
 * junixsocket below) and keeps every message it prints.
 */
public final class UnixDatagramReceiver implements AutoCloseable {
    private final Path path;
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>()); // many adds: no copy-on-write
    private final List<String> other = new CopyOnWriteArrayList<>();
    private final Thread reader;

    public UnixDatagramReceiver(String javaHome, Path path) throws IOException {
        this.path = path;
        process = new ProcessBuilder(Jdks.java(javaHome), "--enable-native-access=ALL-UNNAMED", "-jar",
                ForkedJvm.agentJar(), "listen", "--unix", path.toString(), "--raw")
                .redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    (l.startsWith("[dsd-agent]") || l.startsWith("WARNING") ? other : lines).add(l);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "unixgram-listener");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> !other.isEmpty() || !process.isAlive());
        if (other.stream().noneMatch(l -> l.startsWith("[dsd-agent] listening on unixgram://"))) {
            close();
            throw new IllegalStateException("listener did not start: " + other);
        }
    }

    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Everything the listener printed that is not a message (its own lines, JDK warnings). */
    public List<String> diagnostics() {
        return new ArrayList<>(other);
    }

    /**
     * Deletes the socket file and stops the listener once it has printed what it had received, as a
     * Datadog Agent stopping gracefully would; returns once every line it printed has been read, so
     * {@link #lines()} is then final.
     */
    @Override
    public void close() throws IOException {
        // first the socket file: from here every send fails (ENOENT) and the sender counts it; then the
        // listener prints what the kernel had already accepted for it, and only then is it stopped
        Files.deleteIfExists(path);
        if (process.isAlive()) {
            Settle.lines(lines::size);
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(path);
    }
}
