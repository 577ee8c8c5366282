package io.dsdagent.agent.transport;

import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.telemetry.Telemetry.SendError;
import io.dsdagent.agent.testing.UdpLoopback;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link UdpTransport} on real loopback sockets: what arrives, what is counted, and what a failure costs. */
class UdpTransportTest {
    private final Telemetry telemetry = new Telemetry();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The next datagram on {@code socket} (whose timeout bounds the wait), as ASCII. */
    private static String receive(DatagramSocket socket) throws IOException {
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[64], 64);
        socket.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void sendsTheFirstLengthBytesOfThePayloadAsOneDatagram() throws Exception {
        try (UdpLoopback rx = new UdpLoopback()) {
            UdpTransport t = new UdpTransport("127.0.0.1", rx.port(), 1432, telemetry);
            byte[] buf = Arrays.copyOf(ascii("a.b:1|c\nx.y:2.5|g\n"), 1432); // the packer's reused buffer
            assertTrue(t.send(buf, 18));
            assertArrayEquals(ascii("a.b:1|c\nx.y:2.5|g\n"), rx.receive());
            byte[] again = ascii("c:3|c\n");
            System.arraycopy(again, 0, buf, 0, again.length);
            assertTrue(t.send(buf, again.length));
            assertArrayEquals(again, rx.receive(), "the same buffer, reused with a shorter payload");
            assertEquals(2, telemetry.packetsSent());
            assertEquals(18 + 6, telemetry.bytesSent());
            assertEquals(0, telemetry.totalPacketsDropped());
            t.close();
        }
    }

    /**
     * The socket is not connected, so a receiver that is gone is invisible: the kernel takes the datagram and
     * it counts as sent (the UDP half of the accounting rule), and the next receiver on that port gets the next one.
     */
    @Test
    void aDatagramTheKernelTakesCountsAsSentEvenWithNoReceiver() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        UdpTransport t = new UdpTransport("127.0.0.1", port, 1432, telemetry);
        for (int i = 0; i < 3; i++) {
            assertTrue(t.send(ascii("lost:1|c\n"), 9), "send " + i + " to a closed port");
        }
        assertEquals(3, telemetry.packetsSent());
        assertEquals(0, telemetry.totalPacketsDropped());
        try (DatagramSocket reopened = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            reopened.setSoTimeout(5000);
            assertTrue(t.send(ascii("back:1|c\n"), 9));
            assertEquals("back:1|c\n", receive(reopened));
        }
        t.close();
    }

    @Test
    void aPayloadLargerThanAUdpDatagramIsDroppedAsTooLargeAndTheNextOneArrives() throws Exception {
        try (UdpLoopback rx = new UdpLoopback()) {
            UdpTransport t = new UdpTransport("127.0.0.1", rx.port(), 70_000, telemetry);
            byte[] huge = new byte[70_000];
            Arrays.fill(huge, (byte) 'x');
            assertFalse(t.send(huge, huge.length));
            assertEquals(1, telemetry.packetsDropped(SendError.TOO_LARGE));
            assertEquals(0, telemetry.packetsSent());
            assertTrue(t.send(ascii("ok:1|c\n"), 7), "the channel is replaced after a failure");
            assertArrayEquals(ascii("ok:1|c\n"), rx.receive());
            assertTrue(rx.isEmpty(), "nothing of the oversized payload arrived");
            t.close();
        }
    }

    @Test
    void aHostThatDoesNotResolveDropsEachDatagramAsNotConnected() {
        UdpTransport t = new UdpTransport("no-such-host.invalid", 8125, 1432, telemetry);
        assertFalse(t.send(ascii("a:1|c\n"), 6));
        assertFalse(t.send(ascii("a:1|c\n"), 6));
        assertEquals(2, telemetry.packetsDropped(SendError.NOT_CONNECTED));
        assertEquals(0, telemetry.packetsSent());
        t.close();
    }

    @Test
    void sendsToIpv6LoopbackAndNamesItInBrackets() throws Exception {
        try (DatagramSocket rx = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            rx.setSoTimeout(5000);
            UdpTransport t = new UdpTransport("::1", rx.getLocalPort(), 1432, telemetry);
            assertEquals("udp://[::1]:" + rx.getLocalPort(), t.describe());
            assertEquals(1432, t.maxPayload());
            assertTrue(t.send(ascii("v6:1|c\n"), 7));
            assertEquals("v6:1|c\n", receive(rx));
            t.close();
        }
    }

    @Test
    void failuresMapToTheirReasonsFromTheJdksMessages() {
        assertEquals(SendError.CONNECTION_REFUSED, UdpTransport.reason(new PortUnreachableException()));
        assertEquals(SendError.NO_BUFFER, UdpTransport.reason(new IOException("No buffer space available")));
        assertEquals(SendError.TOO_LARGE, UdpTransport.reason(new IOException("Message too long")));
        assertEquals(SendError.WOULD_BLOCK, UdpTransport.reason(new IOException("Resource temporarily unavailable")));
        assertEquals(SendError.OTHER, UdpTransport.reason(new IOException("Network is unreachable")));
        assertEquals(SendError.OTHER, UdpTransport.reason(new IOException((String) null)));
        assertEquals("udp://agent.local:8125", new UdpTransport("agent.local", 8125, 1432, telemetry).describe());
    }
}
