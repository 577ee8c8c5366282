package io.dsdagent.agent.transport;

import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.telemetry.Telemetry.SendError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The junixsocket route (Java 8-21) on real Unix datagram sockets, with junixsocket loaded from the agent's
 * nested jars in its isolated class loader; the receiver is a junixsocket channel from that same loader.
 */
class JunixsocketUnixDatagramTest {
    @TempDir
    Path dir;

    private final Telemetry telemetry = new Telemetry();
    private DatagramChannel receiver;

    @AfterEach
    void closeReceiver() throws IOException {
        if (receiver != null) {
            receiver.close();
        }
    }

    private static SocketAddress address(Path p) throws Exception {
        Class<?> c = Class.forName("org.newsclub.net.unix.AFUNIXSocketAddress", true, JunixsocketLoader.classLoader());
        return (SocketAddress) c.getMethod("of", File.class).invoke(null, p.toFile());
    }

    /** Binds a non-blocking junixsocket receiver at {@code p}, with a small buffer so that it fills. */
    private DatagramChannel bind(Path p) throws Exception {
        Class<?> c = Class.forName("org.newsclub.net.unix.AFUNIXDatagramChannel", true, JunixsocketLoader.classLoader());
        DatagramChannel ch = (DatagramChannel) c.getMethod("open").invoke(null);
        ch.bind(address(p));
        ch.configureBlocking(false);
        receiver = ch;
        return ch;
    }

    /** A datagram already queued at the receiver (local Unix datagrams are queued by sendto itself). */
    private static byte[] receive(DatagramChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        ch.receive(b); // the sender is unbound, so the source address is null either way
        if (b.position() == 0) {
            return null;
        }
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void loadsJunixsocketInALoaderTheApplicationCannotSee() throws Exception {
        ClassLoader loader = JunixsocketLoader.classLoader();
        assertSame(loader, JunixsocketLoader.classLoader());
        assertSame(ClassLoader.getPlatformClassLoader(), loader.getParent());
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.newsclub.net.unix.AFUNIXDatagramChannel"));
        assertSame(loader, Class.forName("org.newsclub.net.unix.AFUNIXDatagramChannel", false, loader).getClassLoader());
    }

    @Test
    void sendsEachPayloadAsOneByteExactDatagram() throws Exception {
        Path sock = dir.resolve("dsd.sock");
        DatagramChannel rx = bind(sock);
        UnixDatagramTransport t = new UnixDatagramTransport(sock.toString(), 8192, telemetry,
                new JunixsocketUnixDatagram(sock.toString(), 8192));
        byte[] payload = bytes("a.b:1|c\nc.d:2.5|g|#k:v\n");
        assertTrue(t.send(Arrays.copyOf(payload, 200), payload.length));
        assertArrayEquals(payload, receive(rx));
        assertEquals(8192, t.maxPayload());
        assertEquals(1, telemetry.packetsSent());
        t.close();
    }

    @Test
    void countsMissingSocketAndStaleFileThenReachesTheReCreatedSocketAtOnce() throws Exception {
        Path sock = dir.resolve("dsd.sock");
        UnixDatagramTransport t = new UnixDatagramTransport(sock.toString(), 8192, telemetry,
                new JunixsocketUnixDatagram(sock.toString(), 8192));
        byte[] payload = bytes("x:1|c\n");
        assertFalse(t.send(payload, payload.length));
        assertFalse(t.send(payload, payload.length));
        assertEquals(2, telemetry.packetsDropped(SendError.SOCKET_NOT_FOUND));
        Files.createFile(sock); // a file nothing listens on: ECONNREFUSED, and junixsocket closes the socket
        assertFalse(t.send(payload, payload.length));
        assertFalse(t.send(payload, payload.length));
        assertEquals(2, telemetry.packetsDropped(SendError.CONNECTION_REFUSED));
        Files.delete(sock);
        DatagramChannel rx = bind(sock);
        assertTrue(t.send(payload, payload.length));
        assertArrayEquals(payload, receive(rx));
        rx.close();
        Files.delete(sock); // the Datadog Agent goes away and comes back
        assertFalse(t.send(payload, payload.length));
        assertEquals(3, telemetry.packetsDropped(SendError.SOCKET_NOT_FOUND));
        DatagramChannel rx2 = bind(sock);
        assertTrue(t.send(payload, payload.length));
        assertArrayEquals(payload, receive(rx2));
        assertEquals(2, telemetry.packetsSent());
        assertEquals(0, telemetry.packetsDropped(SendError.OTHER));
        t.close();
    }

    @Test
    void aFullReceiverIsCountedAsWouldBlockWithoutBlocking() throws Exception {
        Path sock = dir.resolve("dsd.sock");
        DatagramChannel rx = bind(sock);
        UnixDatagramTransport t = new UnixDatagramTransport(sock.toString(), 8192, telemetry,
                new JunixsocketUnixDatagram(sock.toString(), 8192));
        byte[] payload = new byte[8000];
        Arrays.fill(payload, (byte) 'a');
        int sent = 0;
        while (t.send(payload, payload.length)) {
            sent++;
            assertTrue(sent < 100_000, "the receiver never filled");
        }
        assertEquals(1, telemetry.packetsDropped(SendError.WOULD_BLOCK));
        int received = 0;
        while (receive(rx) != null) {
            received++;
        }
        assertEquals(sent, received);
        assertTrue(t.send(payload, payload.length), "sends again once the receiver has read");
        assertEquals(payload.length, receive(rx).length);
        t.close();
    }

    @Test
    void mapsJunixsocketErrorsToReasons() {
        assertEquals(SendError.SOCKET_NOT_FOUND, JunixsocketUnixDatagram.reason(new SocketException("No such file or directory")));
        assertEquals(SendError.CONNECTION_REFUSED, JunixsocketUnixDatagram.reason(new SocketException("Connection refused")));
        assertEquals(SendError.CONNECTION_REFUSED, JunixsocketUnixDatagram.reason(new java.net.ConnectException("x")));
        assertEquals(SendError.WOULD_BLOCK, JunixsocketUnixDatagram.reason(new SocketException("Resource temporarily unavailable")));
        assertEquals(SendError.NO_BUFFER, JunixsocketUnixDatagram.reason(new SocketException("No buffer space available")));
        assertEquals(SendError.TOO_LARGE, JunixsocketUnixDatagram.reason(new SocketException("Message too long")));
        assertEquals(SendError.OTHER, JunixsocketUnixDatagram.reason(new SocketException("Bad file descriptor")));
        assertEquals(SendError.OTHER, JunixsocketUnixDatagram.reason(new IOException((String) null)));
    }

    @Test
    void aPayloadOverTheLimitIsCountedTooLarge() throws Exception {
        Path sock = dir.resolve("dsd.sock");
        bind(sock);
        JunixsocketUnixDatagram s = new JunixsocketUnixDatagram(sock.toString(), 100);
        assertEquals(SendError.TOO_LARGE, s.trySend(new byte[101], 101));
        assertNull(s.trySend(new byte[100], 100));
        s.close();
    }

    @Test
    void aReceiverReadingAsFastAsItCanGetsEveryDatagramWhileTheAgentWaits() throws Exception {
        Path sock = dir.resolve("dsd.sock");
        DatagramChannel rx = bind(sock);
        rx.configureBlocking(true);
        // a budget no loaded machine can exhaust: this is about losing nothing, not about time
        UnixDatagramTransport t = new UnixDatagramTransport(sock.toString(), 8192, telemetry,
                new JunixsocketUnixDatagram(sock.toString(), 8192), new SendWait(10_000, telemetry));
        byte[] payload = new byte[8000];
        Arrays.fill(payload, (byte) 'd');
        int datagrams = 2000; // 200 times the receiver's queue (net.unix.max_dgram_qlen = 10)
        int[] read = {0};
        Thread reader = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocate(65536);
            try {
                while (read[0] < datagrams) {
                    b.clear();
                    rx.receive(b);
                    if (b.position() == payload.length) {
                        read[0]++;
                    }
                }
            } catch (IOException ignored) {
                // counted below
            }
        });
        reader.start();
        for (int i = 0; i < datagrams; i++) {
            assertTrue(t.send(payload, payload.length), "datagram " + i);
        }
        reader.join(60_000);
        assertEquals(datagrams, read[0]);
        assertEquals(datagrams, telemetry.packetsSent());
        assertEquals(0, telemetry.totalPacketsDropped());
        t.close();
    }

    @Test
    void aFullReceiverCostsOneBudgetPerFlushAfterWhichEachDatagramIsOneTry() throws Exception {
        Path sock = dir.resolve("dsd.sock");
        DatagramChannel rx = bind(sock);
        UnixDatagramTransport t = new UnixDatagramTransport(sock.toString(), 8192, telemetry,
                new JunixsocketUnixDatagram(sock.toString(), 8192), new SendWait(100, telemetry));
        byte[] payload = new byte[8000];
        int sent = 0;
        while (t.send(payload, payload.length)) {
            assertTrue(++sent < 100_000, "the receiver never filled");
        }
        assertTrue(telemetry.waitedMillis() >= 99, "waited " + telemetry.waitedMillis() + " ms");
        long waited = telemetry.waitedMillis();
        assertFalse(t.send(payload, payload.length));
        assertEquals(waited, telemetry.waitedMillis(), "the budget of this flush is spent: no more waiting");
        assertEquals(2, telemetry.packetsDropped(SendError.WOULD_BLOCK));
        t.newFlush(false);
        assertFalse(t.send(payload, payload.length));
        assertTrue(telemetry.waitedMillis() >= waited + 99, "a new flush waits once more");
        int received = 0;
        while (receive(rx) != null) {
            received++;
        }
        assertEquals(sent, received);
        t.close();
    }
}
