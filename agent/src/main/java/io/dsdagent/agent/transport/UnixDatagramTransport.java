package io.dsdagent.agent.transport;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.telemetry.Telemetry.SendError;

/**
 * {@code unix://} and {@code unixgram://}: one Unix datagram per payload, sent with {@code sendto} to
 * the path and {@code MSG_DONTWAIT}. A full receiver (EAGAIN, or ENOBUFS) is waited for within the
 * flush's {@link SendWait} budget, retrying the send, since the receiver's queue holds only ten
 * datagrams ({@code net.unix.max_dgram_qlen}) and a Datadog Agent reading as fast as it can must lose
 * nothing; once the budget is spent the datagram is dropped and counted. There is no connection to
 * lose: a missing socket file (ENOENT) or a stale one (ECONNREFUSED) drops that datagram at once,
 * counted by reason, and the next datagram tries the path afresh, so the Datadog Agent coming back (its
 * socket re-created) is picked up at once. The kernel reports every failed datagram, so for this
 * transport received + dropped = sent exactly.
 */
final class UnixDatagramTransport implements Transport {
    private final String path;
    private final int maxPayload;
    private final Telemetry telemetry;
    private final UnixDatagramSocket socket;
    private final SendWait wait;
    private boolean outage;

    /** Never waits: a full receiver drops at once (tests of the drop path). */
    UnixDatagramTransport(String path, int maxPayload, Telemetry telemetry, UnixDatagramSocket socket) {
        this(path, maxPayload, telemetry, socket, SendWait.none(telemetry));
    }

    UnixDatagramTransport(String path, int maxPayload, Telemetry telemetry, UnixDatagramSocket socket, SendWait wait) {
        this.path = path;
        this.maxPayload = Math.min(maxPayload, socket.maxDatagram());
        this.telemetry = telemetry;
        this.socket = socket;
        this.wait = wait;
    }

    @Override
    public void newFlush(boolean last) {
        wait.newFlush(last);
    }

    @Override
    public boolean send(byte[] payload, int length) {
        SendError reason;
        try {
            reason = socket.trySend(payload, length);
            if (reason == SendError.WOULD_BLOCK || reason == SendError.NO_BUFFER) {
                wait.begin();
                while ((reason == SendError.WOULD_BLOCK || reason == SendError.NO_BUFFER) && wait.pause()) {
                    reason = socket.trySend(payload, length);
                }
            }
        } catch (RuntimeException ex) {
            Log.warnOnce("unixgram-native", describe() + ": native send failed: " + ex.getCause());
            telemetry.packetDropped(SendError.OTHER);
            return false;
        }
        if (reason == null) {
            if (outage) {
                outage = false;
                Log.info(describe() + ": sending again");
            }
            telemetry.packetSent(length);
            return true;
        }
        String line = describe() + ": " + explain(reason, socket.failure()) + "; datagrams are dropped and counted as"
                + " dsd_agent.packets.dropped reason:" + reason.tag;
        if (reason == SendError.SOCKET_NOT_FOUND || reason == SendError.CONNECTION_REFUSED) {
            if (!outage) { // one line per outage of the Datadog Agent, one when it is back
                outage = true;
                Log.warn(line + " until it is back");
            }
        } else {
            Log.warnOnce(describe() + reason, line);
        }
        telemetry.packetDropped(reason);
        return false;
    }

    static SendError reason(FfmUnixDatagram.Errno n, int e) {
        if (e == n.enoent) {
            return SendError.SOCKET_NOT_FOUND;
        }
        if (e == n.econnrefused) {
            return SendError.CONNECTION_REFUSED;
        }
        if (e == n.eagain) {
            return SendError.WOULD_BLOCK;
        }
        if (e == n.enobufs) {
            return SendError.NO_BUFFER;
        }
        if (e == n.emsgsize) {
            return SendError.TOO_LARGE;
        }
        return SendError.OTHER;
    }

    private static String explain(SendError reason, String failure) {
        switch (reason) {
            case SOCKET_NOT_FOUND:
                return "socket file not found (is the Datadog Agent running with DogStatsD on this socket?)";
            case CONNECTION_REFUSED:
                return "connection refused (the socket file exists but nothing listens on it)";
            case WOULD_BLOCK:
                return "receiver's buffer stayed full for this flush's DSD_AGENT_SEND_WAIT";
            case NO_BUFFER:
                return "kernel out of socket buffer space";
            case TOO_LARGE:
                return "datagram too large for the socket (lower DSD_AGENT_MAX_PACKET_SIZE)";
            default:
                return "send failed: " + failure;
        }
    }

    @Override
    public int maxPayload() {
        return maxPayload;
    }

    @Override
    public String describe() {
        return "unixgram://" + path;
    }

    @Override
    public void close() {
        socket.close();
    }
}
