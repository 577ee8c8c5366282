package io.dsdagent.agent.transport;

import io.dsdagent.agent.telemetry.Telemetry.SendError;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A Unix datagram socket on Java 8-21 through junixsocket's {@code AFUNIXDatagramChannel}, loaded in an
 * isolated class loader by {@link JunixsocketLoader}. The channel is a {@link DatagramChannel}, so after
 * one reflective {@code open()} every send is a plain non-blocking {@code send(buffer, path)}: a
 * {@code sendto} to the path each time, as the FFM route does, so a re-created socket is reached at once.
 *
 * <p>junixsocket reports errno as exceptions: ECONNREFUSED as its {@code ConnectionRefusedSocketException},
 * the others as {@code SocketException}s carrying the C library's message; a full receiver (EAGAIN)
 * makes a non-blocking send return 0. After ECONNREFUSED junixsocket has closed the socket underneath
 * the channel, so after any failure but ENOENT the channel is replaced on the next send.
 * Not thread-safe: one owner thread.
 */
public final class JunixsocketUnixDatagram implements UnixDatagramSocket {
    /** junixsocket's own limit for one datagram payload is the kernel's; this is the agent's cap. */
    static final int MAX_DATAGRAM = 65536;

    private final Method open;
    private final SocketAddress target;
    private final ByteBuffer buffer;
    private DatagramChannel channel;
    private String failure = "";

    /** Loads junixsocket and opens a channel; throws if either cannot be done here. */
    JunixsocketUnixDatagram(String path, int maxPayload) throws Exception {
        ClassLoader loader = JunixsocketLoader.classLoader();
        Class<?> channelClass = Class.forName("org.newsclub.net.unix.AFUNIXDatagramChannel", true, loader);
        Class<?> addressClass = Class.forName("org.newsclub.net.unix.AFUNIXSocketAddress", true, loader);
        open = channelClass.getMethod("open");
        try {
            target = (SocketAddress) addressClass.getMethod("of", File.class).invoke(null, new File(path));
            channel = open();
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
        buffer = ByteBuffer.allocateDirect(Math.min(maxPayload, MAX_DATAGRAM));
    }

    /**
     * A junixsocket datagram socket bound to {@code path} (which must not exist), for
     * {@code listen --unix} below Java 22: blocking receives that time out after {@code timeoutMillis}.
     */
    public static java.net.DatagramSocket bindReceiver(String path, int timeoutMillis, int receiveBuffer) throws Exception {
        ClassLoader loader = JunixsocketLoader.classLoader();
        Class<?> socketClass = Class.forName("org.newsclub.net.unix.AFUNIXDatagramSocket", true, loader);
        Class<?> addressClass = Class.forName("org.newsclub.net.unix.AFUNIXSocketAddress", true, loader);
        java.net.DatagramSocket s = (java.net.DatagramSocket) socketClass.getMethod("newInstance").invoke(null);
        s.bind((SocketAddress) addressClass.getMethod("of", File.class).invoke(null, new File(path)));
        s.setReceiveBufferSize(receiveBuffer);
        s.setSoTimeout(timeoutMillis);
        return s;
    }

    private DatagramChannel open() throws Exception {
        DatagramChannel c = (DatagramChannel) open.invoke(null);
        c.configureBlocking(false);
        return c;
    }

    @Override
    public SendError trySend(byte[] payload, int length) {
        if (length > buffer.capacity()) {
            failure = "payload of " + length + " bytes";
            return SendError.TOO_LARGE;
        }
        try {
            if (channel == null) {
                channel = open();
            }
            buffer.clear();
            buffer.put(payload, 0, length);
            buffer.flip();
            if (channel.send(buffer, target) == 0) {
                failure = "EAGAIN";
                return SendError.WOULD_BLOCK;
            }
            return null;
        } catch (Exception e) {
            Throwable t = e instanceof InvocationTargetException ? e.getCause() : e;
            failure = String.valueOf(t);
            SendError reason = t instanceof IOException ? reason((IOException) t) : SendError.OTHER;
            if (reason != SendError.SOCKET_NOT_FOUND) {
                discard();
            }
            return reason;
        }
    }

    /** junixsocket's exception for an errno: by class name (its classes are in another loader) or message. */
    static SendError reason(IOException e) {
        String type = e.getClass().getName();
        if (e instanceof ConnectException || e instanceof PortUnreachableException
                || type.endsWith(".ConnectionRefusedSocketException")) {
            return SendError.CONNECTION_REFUSED;
        }
        if (e instanceof java.io.FileNotFoundException) {
            return SendError.SOCKET_NOT_FOUND;
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("No such file or directory")) {
            return SendError.SOCKET_NOT_FOUND;
        }
        if (m.contains("Connection refused")) {
            return SendError.CONNECTION_REFUSED;
        }
        if (m.contains("temporarily unavailable") || m.contains("would block")) {
            return SendError.WOULD_BLOCK;
        }
        if (m.contains("No buffer space")) {
            return SendError.NO_BUFFER;
        }
        if (m.contains("Message too long")) {
            return SendError.TOO_LARGE;
        }
        return SendError.OTHER;
    }

    private void discard() {
        DatagramChannel c = channel;
        channel = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // a socket we no longer use
            }
        }
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public int maxDatagram() {
        return buffer.capacity();
    }

    @Override
    public void close() {
        discard();
    }
}
