package io.dsdagent.agent.transport;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.config.Destination;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.testing.UdpLoopback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which transport a destination gets, and where it falls back to: each choice is checked by what it is and by a
 * payload that really arrives on a socket of that kind.
 */
class TransportsTest {
    private static final byte[] PAYLOAD = "t:1|c\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final Telemetry telemetry = new Telemetry();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOut(new PrintStream(log, true));
    }

    @AfterEach
    void restoreLog() {
        Log.setOut(System.err);
    }

    private static Config config(String... kv) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return new Config(env, new Properties(), path -> false);
    }

    private String log() {
        return log.toString();
    }

    @Test
    void udpUrlSendsToThatHostAndPort() throws Exception {
        try (UdpLoopback rx = new UdpLoopback()) {
            assertLocalUdpWithUdpsPayload(Transports.create(config("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port()),
                    telemetry), rx);
        }
        assertEquals("", log(), "a working destination logs nothing");
    }

    @Test
    void agentHostAndPortWithoutUrlAreUdp() throws Exception {
        try (UdpLoopback rx = new UdpLoopback()) {
            Transport t = Transports.create(config("DD_AGENT_HOST", "127.0.0.1", "DD_DOGSTATSD_PORT",
                    String.valueOf(rx.port()), "DSD_AGENT_MAX_PACKET_SIZE", "4000"), telemetry);
            assertEquals("udp://127.0.0.1:" + rx.port(), t.describe());
            assertEquals(4000, t.maxPayload());
            assertTrue(t.send(PAYLOAD, PAYLOAD.length));
            assertArrayEquals(PAYLOAD, rx.receive());
            t.close();
        }
    }

    /** Below Java 22 through junixsocket, from 22 through FFM: either way the datagram reaches a real socket. */
    @Test
    void unixgramUrlSendsDatagramsToTheSocketFile() throws Exception {
        Path sock = dir.resolve("dsd.sock");
        try (DatagramSocket rx = JunixsocketUnixDatagram.bindReceiver(sock.toString(), 5000, 1 << 20)) {
            Transport t = Transports.create(config("DD_DOGSTATSD_URL", "unixgram://" + sock), telemetry);
            assertInstanceOf(UnixDatagramTransport.class, t);
            assertEquals("unixgram://" + sock, t.describe());
            assertEquals(8192, t.maxPayload());
            assertTrue(t.send(PAYLOAD, PAYLOAD.length));
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            rx.receive(p);
            assertEquals("t:1|c\n", new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            assertEquals(1, telemetry.packetsSent());
            t.close();
        }
    }

    @Test
    void unixstreamUrlGetsTheStreamTransport() {
        Path sock = dir.resolve("stream.sock");
        Transport t = Transports.create(config("DD_DOGSTATSD_URL", "unixstream://" + sock), telemetry);
        assertInstanceOf(UnixStreamTransport.class, t);
        assertEquals("unixstream://" + sock, t.describe());
        assertEquals(8192, t.maxPayload());
        t.close();
    }

    /**
     * A socket path longer than a Unix socket address can hold (108 bytes on Linux) has no route: one line names
     * the problem and the UDP destination used instead, {@code DD_DOGSTATSD_PORT} on 127.0.0.1, with UDP's
     * 1432-byte payload rather than the 8192 a Unix socket would have had.
     */
    @Test
    void aUnixPathNoRouteCanTakeFallsBackToUdpOnTheConfiguredPort() throws Exception {
        StringBuilder longPath = new StringBuilder(dir.toString());
        while (longPath.length() < 200) {
            longPath.append("/very-long-directory-name");
        }
        longPath.append("/dsd.sock");
        int port;
        try (UdpLoopback rx = new UdpLoopback()) {
            port = rx.port();
            Config c = config("DD_DOGSTATSD_URL", "unixgram://" + longPath, "DD_DOGSTATSD_PORT", String.valueOf(port));
            assertEquals(Destination.Kind.UNIX_DATAGRAM, c.destination.kind);
            assertLocalUdpWithUdpsPayload(Transports.create(c, telemetry), rx);
        }
        String[] lines = log().split("\n");
        assertEquals(1, lines.length, log());
        assertTrue(lines[0].startsWith("[dsd-agent]") && lines[0].contains("unixgram://" + longPath)
                && lines[0].endsWith("; falling back to udp://127.0.0.1:" + port), lines[0]);
    }

    @Test
    void theFallbackWithoutHostOrPortIsTheLocalDefault() {
        StringBuilder longPath = new StringBuilder("/");
        while (longPath.length() < 200) {
            longPath.append("x");
        }
        Transport t = Transports.create(config("DD_DOGSTATSD_URL", "unixgram://" + longPath,
                "DSD_AGENT_MAX_PACKET_SIZE", "2000"), telemetry);
        assertEquals("udp://127.0.0.1:8125", t.describe());
        assertEquals(2000, t.maxPayload(), "an explicit packet size is kept");
        t.close();
    }

    /** UDP to {@code rx}'s port on 127.0.0.1 with the 1432-byte payload, and a payload really arrives there. */
    private static void assertLocalUdpWithUdpsPayload(Transport t, UdpLoopback rx) throws Exception {
        assertInstanceOf(UdpTransport.class, t);
        assertEquals("udp://127.0.0.1:" + rx.port(), t.describe());
        assertEquals(1432, t.maxPayload());
        assertTrue(t.send(PAYLOAD, PAYLOAD.length));
        assertArrayEquals(PAYLOAD, rx.receive());
        t.close();
    }
}
