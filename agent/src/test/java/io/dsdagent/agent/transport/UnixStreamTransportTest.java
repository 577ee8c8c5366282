package io.dsdagent.agent.transport;

import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.telemetry.Telemetry.SendError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames on a real Unix stream socket: exact bytes, no torn frames, every failed frame counted by reason. */
class UnixStreamTransportTest {
    @TempDir
    Path dir;

    private final Telemetry telemetry = new Telemetry();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readFrame(SocketChannel c) throws Exception {
        ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining()) {
            if (c.read(header) < 0) {
                return null;
            }
        }
        ByteBuffer body = ByteBuffer.allocate(header.getInt(0));
        while (body.hasRemaining()) {
            c.read(body);
        }
        return body.array();
    }

    @Test
    void writesLittleEndianLengthThenPayload() throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            UnixStreamTransport t = new UnixStreamTransport(sock.toString(), 8192, telemetry);
            byte[] payload = bytes("a.b:1|c\nc.d:2|g\n");
            assertTrue(t.send(Arrays.copyOf(payload, 100), payload.length));
            try (SocketChannel c = server.accept()) {
                ByteBuffer raw = ByteBuffer.allocate(4 + payload.length);
                while (raw.hasRemaining()) {
                    c.read(raw);
                }
                byte[] expected = new byte[4 + payload.length];
                expected[0] = (byte) payload.length; // little-endian: low byte first
                System.arraycopy(payload, 0, expected, 4, payload.length);
                assertArrayEquals(expected, raw.array());
            }
            assertEquals(1, telemetry.packetsSent());
            assertEquals(payload.length, telemetry.bytesSent());
            t.close();
        }
    }

    @Test
    void neverWritesAnEmptyOrOversizedFrame() throws Exception {
        UnixStreamTransport t = new UnixStreamTransport(dir.resolve("none.sock").toString(), 65000, telemetry);
        assertEquals(8192, t.maxPayload());
        assertTrue(t.send(new byte[10], 0));
        assertFalse(t.send(new byte[9000], 8193));
        assertEquals(1, telemetry.packetsDropped(SendError.TOO_LARGE));
        assertEquals(0, telemetry.packetsSent());
    }

    @Test
    void missingSocketFileIsCountedAsSocketNotFound() throws Exception {
        UnixStreamTransport t = new UnixStreamTransport(dir.resolve("none.sock").toString(), 8192, telemetry);
        assertFalse(t.send(bytes("x:1|c\n"), 6));
        assertFalse(t.send(bytes("x:1|c\n"), 6)); // within the back-off, or a retry that fails the same way
        assertEquals(2, telemetry.packetsDropped(SendError.SOCKET_NOT_FOUND));
        assertEquals(2, telemetry.totalPacketsDropped());
    }

    @Test
    void staleSocketFileIsCountedAsConnectionRefused() throws Exception {
        Path sock = dir.resolve("stale.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        server.close(); // the file stays, nobody listens
        UnixStreamTransport t = new UnixStreamTransport(sock.toString(), 8192, telemetry);
        assertFalse(t.send(bytes("x:1|c\n"), 6));
        assertEquals(1, telemetry.packetsDropped(SendError.CONNECTION_REFUSED));
    }

    @Test
    void aReceiverThatStopsReadingCostsDropsNeverATornFrame() throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            UnixStreamTransport t = new UnixStreamTransport(sock.toString(), 8192, telemetry);
            byte[] payload = new byte[8000];
            Arrays.fill(payload, (byte) 'x');
            payload[7999] = '\n';
            int attempts = 0;
            int accepted = 0;
            while (telemetry.packetsDropped(SendError.WOULD_BLOCK) < 3) { // nobody reads: the buffers fill up
                attempts++;
                if (t.send(payload, payload.length)) {
                    accepted++;
                }
            }
            try (SocketChannel c = server.accept()) {
                // drain: every frame is whole and exact; the last torn one is finished by the next send
                int frames = 0;
                c.configureBlocking(true);
                t.close(); // one last try to finish a torn frame; if it cannot, it is counted as lost
                byte[] f;
                while ((f = readFrame(c)) != null) {
                    assertArrayEquals(payload, f);
                    frames++;
                }
                assertEquals(telemetry.packetsSent(), frames);
                assertEquals(attempts, telemetry.packetsSent() + telemetry.totalPacketsDropped());
                assertTrue(accepted >= frames);
            }
        }
    }

    @Test
    void aClosedPeerIsCountedAsConnectionLostAndReconnected() throws Exception {
        Path sock = dir.resolve("s.sock");
        UnixStreamTransport t;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            t = new UnixStreamTransport(sock.toString(), 8192, telemetry);
            assertTrue(t.send(bytes("x:1|c\n"), 6));
            server.accept().close();
        }
        java.nio.file.Files.delete(sock);
        assertFalse(t.send(bytes("x:2|c\n"), 6));
        assertEquals(1, telemetry.packetsDropped(SendError.CONNECTION_LOST));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock)); // the Datadog Agent is back
            assertTrue(t.send(bytes("x:3|c\n"), 6)); // reconnects at once after a lost connection
            try (SocketChannel c = server.accept()) {
                assertArrayEquals(bytes("x:3|c\n"), readFrame(c));
            }
        }
        t.close();
    }

    @Test
    void aReceiverReadingAsFastAsItCanGetsEveryFrameWhileTheAgentWaits() throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            // a budget no loaded machine can exhaust: this is about losing nothing, not about time
            UnixStreamTransport t = new UnixStreamTransport(sock.toString(), 8192, telemetry, 5000,
                    new SendWait(10_000, telemetry));
            byte[] payload = new byte[8000];
            Arrays.fill(payload, (byte) 'x');
            payload[7999] = '\n';
            assertTrue(t.send(payload, payload.length)); // connects
            int frames = 500; // 4 MB: twenty times the socket's buffer
            int[] read = {0};
            try (SocketChannel c = server.accept()) {
                c.configureBlocking(true);
                Thread reader = new Thread(() -> {
                    try {
                        byte[] f;
                        while (read[0] < frames && (f = readFrame(c)) != null && Arrays.equals(payload, f)) {
                            read[0]++;
                        }
                    } catch (Exception ignored) {
                        // counted below
                    }
                });
                reader.start();
                for (int i = 1; i < frames; i++) {
                    assertTrue(t.send(payload, payload.length), "frame " + i);
                }
                reader.join(60_000);
            }
            assertEquals(frames, read[0]);
            assertEquals(frames, telemetry.packetsSent());
            assertEquals(0, telemetry.totalPacketsDropped());
            t.close();
        }
    }

    @Test
    void aReceiverThatNeverReadsCostsOneBudgetPerFlushAfterWhichEachFrameIsOneTry() throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            UnixStreamTransport t = new UnixStreamTransport(sock.toString(), 8192, telemetry, 5000,
                    new SendWait(100, telemetry));
            byte[] payload = new byte[8000];
            payload[7999] = '\n';
            int sent = 0;
            while (t.send(payload, payload.length)) { // nobody reads: the buffers fill up, then the budget goes
                assertTrue(++sent < 100_000, "the socket never filled");
            }
            assertTrue(telemetry.waitedMillis() >= 99, "waited " + telemetry.waitedMillis() + " ms");
            long waited = telemetry.waitedMillis();
            for (int i = 0; i < 10; i++) {
                assertFalse(t.send(payload, payload.length));
            }
            assertEquals(waited, telemetry.waitedMillis(), "the budget of this flush is spent: no more waiting");
            assertEquals(11, telemetry.packetsDropped(SendError.WOULD_BLOCK));
            t.newFlush(false);
            assertFalse(t.send(payload, payload.length));
            assertTrue(telemetry.waitedMillis() >= waited + 99, "a new flush waits once more");
            t.close();
        }
    }
}
