package io.dsdagent.agent.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A real DogStatsD Unix stream receiver (JDK 16+ {@code UNIX} channels): reads frames of a 4-byte
 * little-endian length and the payload, keeps every message, and records any frame that breaks the
 * rules (empty, over 8192 bytes). {@link #pause()} stops reading, as a stuck Datadog Agent would. In the
 * agent's test jar: the forked-JVM tests and the agent's own stress test use the same receiver.
 */
public final class UnixStreamReceiver implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new CopyOnWriteArrayList<>();
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>()); // many adds: no copy-on-write
    private final List<String> badFrames = new CopyOnWriteArrayList<>();
    private final List<byte[]> payloads = Collections.synchronizedList(new ArrayList<>()); // many adds: no copy-on-write
    private volatile boolean paused;
    private volatile boolean closed;
    private volatile int frames;
    private final Duration settleQuiet;

    public UnixStreamReceiver(Path path) throws IOException {
        this(path, Duration.ofMillis(200));
    }

    /** {@code settleQuiet}: how long {@link #close} waits for no new line before it closes (see {@link Settle}). */
    public UnixStreamReceiver(Path path, Duration settleQuiet) throws IOException {
        this.path = path;
        this.settleQuiet = settleQuiet;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread t = new Thread(this::acceptLoop, "unix-stream-accept");
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel c = server.accept();
                connections.add(c);
                Thread t = new Thread(() -> readLoop(c), "unix-stream-read");
                t.setDaemon(true);
                readers.add(t);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void readLoop(SocketChannel c) {
        ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (!closed) {
                while (paused && !closed) {
                    LockSupport.parkNanos(10_000_000L); // a stuck reader: nothing is read while paused
                }
                header.clear();
                if (!readFully(c, header)) {
                    return;
                }
                int len = header.getInt(0);
                if (len <= 0 || len > 8192) {
                    badFrames.add("length " + len);
                    return;
                }
                ByteBuffer body = ByteBuffer.allocate(len);
                if (!readFully(c, body)) {
                    badFrames.add("torn frame of " + len);
                    return;
                }
                payloads.add(body.array());
                for (String l : new String(body.array(), StandardCharsets.UTF_8).split("\n")) {
                    if (!l.isEmpty()) {
                        lines.add(l);
                    }
                }
                frames++;
            }
        } catch (IOException e) {
            // connection closed
        }
    }

    private static boolean readFully(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }

    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Every frame's payload, as received. */
    public List<byte[]> payloads() {
        synchronized (payloads) {
            return new ArrayList<>(payloads);
        }
    }

    public List<String> badFrames() {
        return new ArrayList<>(badFrames);
    }

    public int frames() {
        return frames;
    }

    /**
     * Closes the socket and deletes its file, reads the open connections until the sender pauses (what the
     * kernel accepted is read, as a Datadog Agent stopping gracefully would), then closes them; returns
     * once the readers have ended, so {@link #lines()} then holds every frame they read.
     */
    @Override
    public void close() throws IOException {
        server.close(); // no new connection; the open ones are read until the sender pauses
        Files.deleteIfExists(path);
        if (!paused) {
            Settle.lines(lines::size, settleQuiet);
        }
        closed = true;
        for (SocketChannel c : connections) {
            c.close();
        }
        for (Thread t : readers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
