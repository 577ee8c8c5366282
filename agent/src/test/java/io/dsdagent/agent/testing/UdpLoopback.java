package io.dsdagent.agent.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A real UDP socket on loopback that hands over each datagram it receives byte for byte. A receive that
 * gets nothing within five seconds fails the test with what was expected, so a missing datagram never hangs.
 */
public final class UdpLoopback implements AutoCloseable {
    private final DatagramSocket socket;

    public UdpLoopback() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setReceiveBufferSize(4 << 20);
        socket.setSoTimeout(5000);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The next datagram's bytes; fails if none arrives within five seconds. */
    public byte[] receive() throws IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no datagram arrived on 127.0.0.1:" + port() + " within 5 s", e);
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    /** True if no datagram is waiting (checked without waiting). */
    public boolean isEmpty() throws IOException {
        socket.setSoTimeout(1);
        try {
            socket.receive(new DatagramPacket(new byte[65536], 65536));
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(5000);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
