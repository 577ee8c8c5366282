package io.dsdagent.agent.transport;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.telemetry.Telemetry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Non-blocking UDP. The host name is re-resolved every {@link #RESOLVE_EVERY_NANOS} (a DaemonSet
 * agent's pod IP changes); a failed resolution keeps the last address and is retried at the next send.
 */
public final class UdpTransport implements Transport {
    static final long RESOLVE_EVERY_NANOS = 30_000_000_000L;

    private final String host;
    private final int port;
    private final int maxPayload;
    private final Telemetry telemetry;
    private DatagramChannel channel;
    private InetSocketAddress address;
    private long resolvedAt;
    private byte[] wrapped;

    public UdpTransport(String host, int port, int maxPayload, Telemetry telemetry) {
        this.host = host;
        this.port = port;
        this.maxPayload = maxPayload;
        this.telemetry = telemetry;
    }

    @Override
    public boolean send(byte[] payload, int length) {
        try {
            if (channel == null) {
                channel = DatagramChannel.open();
                channel.configureBlocking(false);
            }
            long now = System.nanoTime();
            if (address == null || now - resolvedAt > RESOLVE_EVERY_NANOS) {
                resolve(now);
            }
            if (address == null) {
                telemetry.packetDropped(Telemetry.SendError.NOT_CONNECTED);
                return false;
            }
            ByteBuffer buf = buffer(payload, length);
            int sent = channel.send(buf, address);
            if (sent == 0) {
                Log.warnOnce(describe() + "-full", describe() + ": socket send buffer full; datagrams are dropped and"
                        + " counted as dsd_agent.packets.dropped reason:would_block");
                telemetry.packetDropped(Telemetry.SendError.WOULD_BLOCK);
                return false;
            }
            telemetry.packetSent(length);
            return true;
        } catch (IOException e) {
            Telemetry.SendError reason = reason(e);
            Log.warnOnce("udp-send-" + reason, "UDP send to " + describe() + " failed: " + e
                    + "; such datagrams are dropped and counted as dsd_agent.packets.dropped reason:" + reason.tag);
            telemetry.packetDropped(reason);
            closeChannel();
            return false;
        }
    }

    private ByteBuffer byteBuffer;

    /** The JDK reports these as plain IOExceptions carrying the C library's message. */
    static Telemetry.SendError reason(IOException e) {
        if (e instanceof java.net.PortUnreachableException) {
            return Telemetry.SendError.CONNECTION_REFUSED;
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("No buffer space")) {
            return Telemetry.SendError.NO_BUFFER;
        }
        if (m.contains("Message too long")) {
            return Telemetry.SendError.TOO_LARGE;
        }
        if (m.contains("temporarily unavailable")) {
            return Telemetry.SendError.WOULD_BLOCK;
        }
        return Telemetry.SendError.OTHER;
    }

    private ByteBuffer buffer(byte[] payload, int length) {
        if (wrapped != payload) {
            wrapped = payload;
            byteBuffer = ByteBuffer.wrap(payload);
        }
        byteBuffer.clear();
        byteBuffer.limit(length);
        return byteBuffer;
    }

    private void resolve(long now) {
        resolvedAt = now;
        try {
            InetAddress a = InetAddress.getByName(host);
            if (address == null || !address.getAddress().equals(a)) {
                address = new InetSocketAddress(a, port);
            }
        } catch (IOException e) {
            Log.warnOnce("udp-resolve-" + host, "cannot resolve DogStatsD host '" + host + "': " + e.getMessage()
                    + "; will retry");
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a datagram channel we no longer use
            }
            channel = null;
        }
    }

    @Override
    public int maxPayload() {
        return maxPayload;
    }

    @Override
    public String describe() {
        return "udp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public void close() {
        closeChannel();
    }
}
