package io.dsdagent.agent.telemetry;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The agent's own counters: what was recorded, dropped (by reason), sent, and what failed. Application
 * threads only touch these on a drop or error path, so a plain atomic per counter is enough; the
 * aggregator reads and reports them as {@code dsd_agent.*} metrics every flush.
 */
public final class Telemetry {
    /**
     * Reasons a call (a sample) was lost, each counted once under one reason. Reasons marked
     * {@code beforeRecorded} lose a call before the aggregator took it, so the call also counts as
     * recorded ("recorded" = every call since the agent's sink was installed); the others lose a call the
     * aggregator already counted as recorded.
     */
    public enum Drop {
        /**
         * A set member with no room in the chunk pool or overflow ring (values keep their count instead),
         * or an event or service check with no room in its queue.
         */
        QUEUE_FULL("queue_full", true),
        NAN("nan_or_infinite", true),
        /** A call on a handle whose context was refused by the cap. */
        CONTEXT_CAP("context_cap", true),
        UNKNOWN_CONTEXT("unknown_context", true),
        /** A set member past {@code DSD_AGENT_MAX_SAMPLES_PER_CONTEXT} distinct members in one interval. */
        SET_CAP("set_cap", false),
        MESSAGE_TOO_LARGE("message_too_large", false),
        /** A call made after the final flush's cutoff. */
        SHUTDOWN("shutdown", true),
        /**
         * Calls in a datagram or frame that could not be sent: a value line's values (each weighted by
         * its sample rate), a count line's calls, a set line's adds; gauges carry none.
         */
        SEND_FAILED("send_failed", false);

        public final String tag;
        /** The call was lost before the aggregator counted it as recorded. */
        public final boolean beforeRecorded;

        Drop(String tag, boolean beforeRecorded) {
            this.tag = tag;
            this.beforeRecorded = beforeRecorded;
        }
    }

    /**
     * Why a transport could not send a whole datagram or stream frame; reported as
     * {@code dsd_agent.packets.dropped} tagged {@code reason:<tag>}. The transport counts the reason,
     * the packer counts the messages lost with it ({@link #messagesLost}).
     */
    public enum SendError {
        /** ENOENT: the socket file does not exist (Datadog Agent not started, or its socket deleted). */
        SOCKET_NOT_FOUND("socket_not_found"),
        /** ECONNREFUSED: the socket file exists but nothing is bound to it (a stale file). */
        CONNECTION_REFUSED("connection_refused"),
        /** EAGAIN/EWOULDBLOCK: the receiver's buffer is full, or a stream socket's send buffer is. */
        WOULD_BLOCK("would_block"),
        /** ENOBUFS: the kernel is out of socket buffer memory. */
        NO_BUFFER("no_buffer"),
        /** EMSGSIZE: the payload is larger than the socket takes. */
        TOO_LARGE("too_large"),
        /** A stream connection that broke (EPIPE/ECONNRESET) with this frame, or part of it, unsent. */
        CONNECTION_LOST("connection_lost"),
        /** Waiting out the reconnect back-off, or the UDP host name never resolved. */
        NOT_CONNECTED("not_connected"),
        /** Anything else; the first occurrence of each kind is logged once. */
        OTHER("other");

        public final String tag;

        SendError(String tag) {
            this.tag = tag;
        }
    }

    private final AtomicLongArray dropped = new AtomicLongArray(Drop.values().length * 16);
    private final AtomicLongArray sendErrors = new AtomicLongArray(SendError.values().length * 16);
    private final AtomicLongArray counters = new AtomicLongArray(8 * 16);

    private static final int PACKETS = 0;
    private static final int BYTES = 1;
    private static final int ADVICE_ERRORS = 2;
    private static final int MESSAGES_DROPPED = 3;
    private static final int SEND_ERRORS = 4;
    private static final int WAITED_NANOS = 5;

    /** Set once the bridge is defined in the boot loader and the agent's sink installed in it. */
    private volatile boolean bridgeInstalled;

    /** The bridge is defined and its sink installed: from now on the aggregator may read the bridge's counts. */
    public void bridgeInstalled() {
        bridgeInstalled = true;
    }

    /**
     * Whether the bridge is defined and installed. Until then no agent class may refer to the bridge: it
     * would resolve the agent jar's own copy in the application loader instead of the boot loader's.
     */
    public boolean isBridgeInstalled() {
        return bridgeInstalled;
    }

    public void drop(Drop reason) {
        dropped.incrementAndGet(reason.ordinal() * 16);
    }

    public void drop(Drop reason, long n) {
        dropped.addAndGet(reason.ordinal() * 16, n);
    }

    public long dropped(Drop reason) {
        return dropped.get(reason.ordinal() * 16);
    }

    public long totalDropped() {
        long sum = 0;
        for (Drop d : Drop.values()) {
            sum += dropped(d);
        }
        return sum;
    }

    /** A whole datagram or frame was not sent, for {@code reason}. Only the aggregator thread calls this. */
    public void packetDropped(SendError reason) {
        sendErrors.incrementAndGet(reason.ordinal() * 16);
    }

    public long packetsDropped(SendError reason) {
        return sendErrors.get(reason.ordinal() * 16);
    }

    public long totalPacketsDropped() {
        long sum = 0;
        for (SendError e : SendError.values()) {
            sum += packetsDropped(e);
        }
        return sum;
    }

    public void packetSent(int bytes) {
        counters.incrementAndGet(PACKETS * 16);
        counters.addAndGet(BYTES * 16, bytes);
    }

    public long packetsSent() {
        return counters.get(PACKETS * 16);
    }

    public long bytesSent() {
        return counters.get(BYTES * 16);
    }

    public void adviceError() {
        counters.incrementAndGet(ADVICE_ERRORS * 16);
    }

    public long adviceErrors() {
        return counters.get(ADVICE_ERRORS * 16);
    }

    /**
     * A whole datagram/frame could not be sent ({@code messages} lines in it are lost). The transport
     * has already counted the reason with {@link #drop(Drop)}.
     */
    public void messagesLost(int messages) {
        counters.incrementAndGet(SEND_ERRORS * 16);
        counters.addAndGet(MESSAGES_DROPPED * 16, messages);
    }

    public long sendErrors() {
        return counters.get(SEND_ERRORS * 16);
    }

    public long messagesDropped() {
        return counters.get(MESSAGES_DROPPED * 16);
    }

    /** The aggregator thread waited {@code nanos} for a full Unix socket to drain (see {@code SendWait}). */
    public void waited(long nanos) {
        counters.addAndGet(WAITED_NANOS * 16, nanos);
    }

    /** Total time spent waiting for full sockets, in whole milliseconds: {@code dsd_agent.send.wait_ms}. */
    public long waitedMillis() {
        return counters.get(WAITED_NANOS * 16) / 1_000_000L;
    }
}
