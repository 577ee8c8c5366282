package io.dsdagent.agent.transport;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.telemetry.Telemetry.SendError;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * {@code unixstream://}: the JDK 16+ {@code SocketChannel} with a {@code UnixDomainSocketAddress}
 * (JEP 380), reached by reflection so the agent stays Java 8 bytecode. Each payload is one frame: a
 * 4-byte little-endian length, then the payload (never empty, never over {@link #MAX_FRAME} bytes).
 *
 * <p>The channel is non-blocking. When the socket's buffer is full the aggregator thread waits for it
 * to drain, retrying the write, within the flush's {@link SendWait} budget, so a Datadog Agent that
 * reads as fast as it can receives every frame; once the budget is spent, a frame not begun is dropped
 * and counted ({@code would_block}), so one that stopped reading costs at most one budget per flush.
 * A frame the kernel took only in part is finished before any other frame (a torn frame would corrupt
 * the stream); it is counted as sent when its last byte is written, or as lost with its messages if
 * the connection breaks first. A failed connect (socket file missing, nothing listening) is retried with exponential back-off
 * ({@value #MIN_BACKOFF_MILLIS} ms doubling to {@value #MAX_BACKOFF_MILLIS} ms); a broken connection
 * (the Agent restarted) is reconnected at the next send. Only the aggregator thread uses it.
 */
final class UnixStreamTransport implements Transport {
    static final int MAX_FRAME = 8192;
    static final long MIN_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5000;

    private static final Method OPEN;
    private static final Method ADDRESS_OF;
    private static final ProtocolFamily UNIX;

    static {
        Method open = null;
        Method of = null;
        ProtocolFamily unix = null;
        try {
            of = Class.forName("java.net.UnixDomainSocketAddress").getMethod("of", String.class);
            unix = StandardProtocolFamily.valueOf("UNIX");
            open = SocketChannel.class.getMethod("open", ProtocolFamily.class);
        } catch (Exception | LinkageError e) {
            open = null; // JDK 8-15
        }
        OPEN = open;
        ADDRESS_OF = of;
        UNIX = unix;
    }

    private final String path;
    private final int maxPayload;
    private final Telemetry telemetry;
    private final ByteBuffer frame;
    private final SocketAddress address;
    private SocketChannel channel;
    private boolean outage;
    private long nextConnectNanos;
    private long backoffMillis = MIN_BACKOFF_MILLIS;
    private final long maxBackoffMillis;
    private final SendWait wait;
    private SendError lastFailure = SendError.NOT_CONNECTED;
    /** Payload length and message count of the frame in {@link #frame} while part of it is unsent. */
    private int pendingLength;
    private int pendingMessages;
    private long pendingSamples;

    /** True on JDK 16+, where {@code SocketChannel} speaks Unix domain sockets. */
    static boolean available() {
        return OPEN != null;
    }

    /** Never waits for a full socket: a frame is dropped at once (tests of the drop path). */
    UnixStreamTransport(String path, int maxPayload, Telemetry telemetry) throws Exception {
        this(path, maxPayload, telemetry, MAX_BACKOFF_MILLIS, SendWait.none(telemetry));
    }

    /** {@code maxBackoffMillis}: the longest wait between connect attempts (half the flush interval, at most 5 s). */
    UnixStreamTransport(String path, int maxPayload, Telemetry telemetry, long maxBackoffMillis, SendWait wait)
            throws Exception {
        this.wait = wait;
        this.maxBackoffMillis = Math.max(MIN_BACKOFF_MILLIS, Math.min(MAX_BACKOFF_MILLIS, maxBackoffMillis));
        this.path = path;
        this.maxPayload = Math.min(maxPayload, MAX_FRAME);
        this.telemetry = telemetry;
        this.address = (SocketAddress) ADDRESS_OF.invoke(null, path);
        this.frame = ByteBuffer.allocateDirect(4 + this.maxPayload).order(ByteOrder.LITTLE_ENDIAN);
        frame.limit(0);
    }

    @Override
    public void newFlush(boolean last) {
        wait.newFlush(last);
    }

    @Override
    public boolean send(byte[] payload, int length) {
        return send(payload, length, 0);
    }

    @Override
    public boolean send(byte[] payload, int length, long samples) {
        if (length <= 0) {
            return true; // never a zero-length frame
        }
        if (length > maxPayload) {
            telemetry.packetDropped(SendError.TOO_LARGE);
            return false;
        }
        if (frame.hasRemaining() && !finishPending()) {
            telemetry.packetDropped(SendError.WOULD_BLOCK); // still busy with the previous frame
            return false;
        }
        if (channel == null && !connect()) {
            telemetry.packetDropped(lastFailure);
            return false;
        }
        frame.clear();
        frame.putInt(length);
        frame.put(payload, 0, length);
        frame.flip();
        try {
            writeWaiting();
        } catch (IOException e) {
            frame.limit(0);
            lost(e);
            telemetry.packetDropped(SendError.CONNECTION_LOST);
            return false;
        }
        if (!frame.hasRemaining()) {
            telemetry.packetSent(length);
            return true;
        }
        if (frame.position() == 0) {
            frame.limit(0);
            Log.warnOnce(describe() + "-full", describe() + ": the receiver is not reading fast enough (its socket"
                    + " stayed full for this flush's DSD_AGENT_SEND_WAIT); frames are dropped and counted as"
                    + " dsd_agent.packets.dropped reason:would_block");
            telemetry.packetDropped(SendError.WOULD_BLOCK);
            return false;
        }
        pendingLength = length;
        pendingMessages = newlines(payload, length);
        pendingSamples = samples;
        return true; // the rest goes out before the next frame; counted when it does (or is lost)
    }

    /** Writes {@link #frame}, waiting for room within the flush's budget; the rest stays in it. */
    private void writeWaiting() throws IOException {
        channel.write(frame);
        if (frame.hasRemaining()) {
            wait.begin();
            while (frame.hasRemaining() && wait.pause()) {
                channel.write(frame);
            }
        }
    }

    /** Writes what is left of a torn frame; true when nothing is left. */
    private boolean finishPending() {
        if (channel != null) {
            try {
                writeWaiting();
            } catch (IOException e) {
                lost(e);
            }
        }
        if (channel == null) {
            abandonPending(SendError.CONNECTION_LOST);
            return true;
        }
        if (frame.hasRemaining()) {
            return false;
        }
        telemetry.packetSent(pendingLength);
        return true;
    }

    private void abandonPending(SendError reason) {
        if (frame.hasRemaining()) {
            frame.limit(0);
            telemetry.packetDropped(reason);
            telemetry.messagesLost(pendingMessages);
            telemetry.drop(Telemetry.Drop.SEND_FAILED, pendingSamples);
        }
    }

    private static int newlines(byte[] b, int len) {
        int n = 0;
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    private boolean connect() {
        long now = System.nanoTime();
        if (now - nextConnectNanos < 0) {
            return false;
        }
        SocketChannel ch = null;
        try {
            ch = (SocketChannel) OPEN.invoke(null, UNIX);
            ch.configureBlocking(false);
            if (!ch.connect(address) && !ch.finishConnect()) {
                throw new IOException("connect did not complete");
            }
            channel = ch;
            backoffMillis = MIN_BACKOFF_MILLIS;
            if (outage) {
                Log.info(describe() + ": connected");
            }
            outage = false;
            return true;
        } catch (Exception e) {
            closeQuietly(ch);
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            lastFailure = !new File(path).exists() ? SendError.SOCKET_NOT_FOUND
                    : cause instanceof ConnectException ? SendError.CONNECTION_REFUSED : SendError.NOT_CONNECTED;
            if (!outage) { // one line per outage, one when reconnected
                outage = true;
                Log.warn(describe() + ": cannot connect (" + cause.getMessage() + "); retrying with back-off up to "
                        + MAX_BACKOFF_MILLIS + " ms, frames meanwhile are dropped and counted as"
                        + " dsd_agent.packets.dropped reason:" + lastFailure.tag);
            }
            nextConnectNanos = now + backoffMillis * 1_000_000L;
            backoffMillis = Math.min(backoffMillis * 2, maxBackoffMillis);
            return false;
        }
    }

    /** The connection broke: close it; the next send reconnects at once. */
    private void lost(IOException e) {
        Log.warn(describe() + ": connection lost (" + e.getMessage() + "); reconnecting");
        closeQuietly(channel);
        channel = null;
        nextConnectNanos = System.nanoTime();
        lastFailure = SendError.NOT_CONNECTED;
        outage = true; // this line stands for the outage; "connected" follows when it is over
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
    }

    @Override
    public int maxPayload() {
        return maxPayload;
    }

    @Override
    public String describe() {
        return "unixstream://" + path;
    }

    @Override
    public void close() {
        if (frame.hasRemaining()) {
            finishPending();
            abandonPending(SendError.WOULD_BLOCK);
        }
        closeQuietly(channel);
        channel = null;
    }
}
