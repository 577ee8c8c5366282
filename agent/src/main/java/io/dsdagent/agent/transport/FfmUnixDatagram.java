package io.dsdagent.agent.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A Unix datagram socket ({@code socket(AF_UNIX, SOCK_DGRAM)}) through the JDK 22+ Foreign Function and
 * Memory API, reached only by reflection and method handles so the agent stays Java 8 bytecode. The JDK
 * has no Unix datagram channel ({@code DatagramChannel.open(UNIX)} throws), and this route costs no jar
 * bytes and loads no JNI library. It stays one class over 300 lines because the reflective FFM lookups
 * (linker, layouts, downcall handles for socket, sendto, bind, recv, close and errno capture) are made
 * together and fail together in the constructor; a split would add classes whose only caller is this one.
 *
 * <p>Sending uses {@code sendto} with the path on every datagram ({@code MSG_DONTWAIT}, never blocks):
 * the kernel looks the path up each time, so a socket file deleted and re-created by a restarted
 * Datadog Agent is reached again on the very next datagram, with no reconnect state to get wrong.
 * Every failure comes back as an errno, so drops are counted exactly by reason.
 *
 * <p>On JDK 24+ the first downcall handle prints the JDK's "restricted method" warning unless the JVM
 * runs with {@code --enable-native-access=ALL-UNNAMED} (JEP 472; a {@code -javaagent} jar's manifest
 * cannot grant it). Not thread-safe: one owner thread.
 */
public final class FfmUnixDatagram implements UnixDatagramSocket {
    /** errno values the transport tells apart; the rest are reported as they are. */
    static final class Errno {
        final int enoent;
        final int eagain;
        final int econnrefused;
        final int enobufs;
        final int emsgsize;
        final int eintr;

        Errno(int enoent, int eagain, int econnrefused, int enobufs, int emsgsize, int eintr) {
            this.enoent = enoent;
            this.eagain = eagain;
            this.econnrefused = econnrefused;
            this.enobufs = enobufs;
            this.emsgsize = emsgsize;
            this.eintr = eintr;
        }
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    static final int MAX_DATAGRAM = 65536;

    private final boolean mac;
    final Errno errno;
    private final MethodHandle sendto;
    private final MethodHandle recv;
    private final MethodHandle bind;
    private final MethodHandle setsockopt;
    private final MethodHandle close;
    private final MethodHandle copyIn;
    private final MethodHandle copyOut;
    private final MethodHandle getInt;
    private final MethodHandle setLong;
    private final Object byteLayout;
    private final Object intLayout;
    private final long errnoOffset;
    private final Object state;
    private final Object buffer;
    private final Object address;
    private final int addressLength;
    private final int fd;

    /** Opens the socket; throws if FFM, the platform or the path is unsupported, or socket() fails. */
    public FfmUnixDatagram(String path) throws Throwable {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        mac = os.startsWith("mac");
        if (!mac && !os.startsWith("linux")) {
            throw new UnsupportedOperationException("Unix datagram through FFM is implemented for Linux and macOS, not " + os);
        }
        errno = mac ? new Errno(2, 35, 61, 55, 40, 4) : new Errno(2, 11, 111, 105, 90, 4);
        byte[] pathBytes = path.getBytes(StandardCharsets.UTF_8);
        int maxPath = mac ? 103 : 107;
        if (pathBytes.length > maxPath) {
            throw new IllegalArgumentException("socket path is longer than " + maxPath + " bytes: " + path);
        }

        Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
        Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> segC = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> pathC = Class.forName("java.lang.foreign.MemoryLayout$PathElement");
        Class<?> valueC = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> fdC = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> arenaC = Class.forName("java.lang.foreign.Arena");
        Class<?> allocC = Class.forName("java.lang.foreign.SegmentAllocator");

        Object linker = linkerC.getMethod("nativeLinker").invoke(null);
        Object lookup = linkerC.getMethod("defaultLookup").invoke(linker);
        Object jInt = valueC.getField("JAVA_INT").get(null);
        Object jLong = valueC.getField("JAVA_LONG").get(null);
        Object addr = valueC.getField("ADDRESS").get(null);
        byteLayout = valueC.getField("JAVA_BYTE").get(null);
        intLayout = jInt;

        Object[] noOptions = (Object[]) Array.newInstance(optionC, 0);
        Object[] captureErrno = (Object[]) Array.newInstance(optionC, 1);
        captureErrno[0] = optionC.getMethod("captureCallState", String[].class).invoke(null, (Object) new String[]{"errno"});
        Object stateLayout = optionC.getMethod("captureStateLayout").invoke(null);
        Object[] errnoPath = (Object[]) Array.newInstance(pathC, 1);
        errnoPath[0] = pathC.getMethod("groupElement", String.class).invoke(null, "errno");
        errnoOffset = (Long) layoutC.getMethod("byteOffset", errnoPath.getClass()).invoke(stateLayout, (Object) errnoPath);

        Method fdOf = fdC.getMethod("of", layoutC, Array.newInstance(layoutC, 0).getClass());
        Method find = lookupC.getMethod("find", String.class);
        Method downcall = linkerC.getMethod("downcallHandle", segC, fdC, noOptions.getClass());

        Object sizeT = jLong; // size_t / ssize_t on the 64-bit platforms we run on
        MethodHandle socket = handle(downcall, linker, find, lookup, "socket", captureErrno,
                fdOf.invoke(null, jInt, layouts(layoutC, jInt, jInt, jInt)));
        sendto = handle(downcall, linker, find, lookup, "sendto", captureErrno,
                fdOf.invoke(null, sizeT, layouts(layoutC, jInt, addr, sizeT, jInt, addr, jInt)))
                .asType(MethodType.methodType(long.class, Object.class, int.class, Object.class, long.class, int.class,
                        Object.class, int.class));
        recv = handle(downcall, linker, find, lookup, "recv", captureErrno,
                fdOf.invoke(null, sizeT, layouts(layoutC, jInt, addr, sizeT, jInt)))
                .asType(MethodType.methodType(long.class, Object.class, int.class, Object.class, long.class, int.class));
        bind = handle(downcall, linker, find, lookup, "bind", captureErrno,
                fdOf.invoke(null, jInt, layouts(layoutC, jInt, addr, jInt)))
                .asType(MethodType.methodType(int.class, Object.class, int.class, Object.class, int.class));
        setsockopt = handle(downcall, linker, find, lookup, "setsockopt", captureErrno,
                fdOf.invoke(null, jInt, layouts(layoutC, jInt, jInt, jInt, addr, jInt)))
                .asType(MethodType.methodType(int.class, Object.class, int.class, int.class, int.class, Object.class, int.class));
        close = handle(downcall, linker, find, lookup, "close", noOptions,
                fdOf.invoke(null, jInt, layouts(layoutC, jInt)))
                .asType(MethodType.methodType(int.class, int.class));

        MethodHandles.Lookup l = MethodHandles.publicLookup();
        copyIn = l.unreflect(segC.getMethod("copy", Object.class, int.class, segC, valueC, long.class, int.class))
                .asType(MethodType.methodType(void.class, Object.class, int.class, Object.class, Object.class, long.class, int.class));
        copyOut = l.unreflect(segC.getMethod("copy", segC, valueC, long.class, Object.class, int.class, int.class))
                .asType(MethodType.methodType(void.class, Object.class, Object.class, long.class, Object.class, int.class, int.class));
        getInt = l.unreflect(segC.getMethod("get", Class.forName("java.lang.foreign.ValueLayout$OfInt"), long.class))
                .asType(MethodType.methodType(int.class, Object.class, Object.class, long.class));
        setLong = l.unreflect(segC.getMethod("set", Class.forName("java.lang.foreign.ValueLayout$OfLong"), long.class, long.class))
                .asType(MethodType.methodType(void.class, Object.class, Object.class, long.class, long.class));
        MethodHandle setByte = l.unreflect(segC.getMethod("set", Class.forName("java.lang.foreign.ValueLayout$OfByte"), long.class, byte.class))
                .asType(MethodType.methodType(void.class, Object.class, Object.class, long.class, byte.class));
        this.jLongLayout = jLong;

        // GC-managed memory: freed when this object is gone, and usable from the shutdown hook's thread
        Object arena = arenaC.getMethod("ofAuto").invoke(null);
        Method allocate = allocC.getMethod("allocate", long.class);
        state = allocate.invoke(arena, (Long) layoutC.getMethod("byteSize").invoke(stateLayout));
        buffer = allocate.invoke(arena, (long) MAX_DATAGRAM);
        address = allocate.invoke(arena, 110L);
        int off;
        if (mac) {
            setByte.invoke(address, byteLayout, 0L, (byte) (2 + pathBytes.length + 1)); // sun_len
            setByte.invoke(address, byteLayout, 1L, (byte) AF_UNIX);
            off = 2;
        } else {
            // sun_family is a native-order u16; AF_UNIX fits in its low byte, which comes first on little-endian
            boolean little = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
            setByte.invoke(address, byteLayout, little ? 0L : 1L, (byte) AF_UNIX);
            off = 2;
        }
        for (int i = 0; i < pathBytes.length; i++) {
            setByte.invoke(address, byteLayout, (long) (off + i), pathBytes[i]);
        }
        addressLength = off + pathBytes.length + 1;

        int type = mac ? SOCK_DGRAM : SOCK_DGRAM | 0x80000; // SOCK_CLOEXEC on Linux
        int s = (int) socket.asType(MethodType.methodType(int.class, Object.class, int.class, int.class, int.class))
                .invokeExact(state, AF_UNIX, type, 0);
        if (s < 0) {
            throw new java.io.IOException("socket(AF_UNIX, SOCK_DGRAM) failed, errno " + lastErrno());
        }
        fd = s;
    }

    private final Object jLongLayout;

    private static Object layouts(Class<?> layoutC, Object... ls) {
        Object arr = Array.newInstance(layoutC, ls.length);
        for (int i = 0; i < ls.length; i++) {
            Array.set(arr, i, ls[i]);
        }
        return arr;
    }

    private static MethodHandle handle(Method downcall, Object linker, Method find, Object lookup, String name,
                                       Object[] options, Object descriptor) throws Exception {
        Optional<?> symbol = (Optional<?>) find.invoke(lookup, name);
        if (!symbol.isPresent()) {
            throw new UnsupportedOperationException("libc has no " + name);
        }
        return (MethodHandle) downcall.invoke(linker, symbol.get(), descriptor, options);
    }

    private int lastErrno() throws Throwable {
        return (int) getInt.invokeExact(state, intLayout, errnoOffset);
    }

    private int lastErrno;

    @Override
    public io.dsdagent.agent.telemetry.Telemetry.SendError trySend(byte[] payload, int length) {
        int e = send(payload, length);
        if (e == 0) {
            return null;
        }
        lastErrno = e;
        return UnixDatagramTransport.reason(errno, e);
    }

    @Override
    public String failure() {
        return "errno " + lastErrno;
    }

    @Override
    public int maxDatagram() {
        return MAX_DATAGRAM;
    }

    /** Sends one datagram without blocking; 0 on success, else the errno. */
    int send(byte[] payload, int length) {
        try {
            copyIn.invokeExact((Object) payload, 0, buffer, byteLayout, 0L, length);
            int flags = mac ? 0x80 : 0x40; // MSG_DONTWAIT
            for (;;) {
                long r = (long) sendto.invokeExact(state, fd, buffer, (long) length, flags, address, addressLength);
                if (r >= 0) {
                    return 0;
                }
                int e = lastErrno();
                if (e != errno.eintr) {
                    return e;
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("native sendto failed", t);
        }
    }

    /** Binds this socket to its path (the file must not exist) and sets a receive timeout and buffer. */
    public void bindForReceive(int timeoutMillis, int receiveBuffer) throws java.io.IOException {
        try {
            if ((int) bind.invokeExact(state, fd, address, addressLength) != 0) {
                throw new java.io.IOException("bind failed, errno " + lastErrno());
            }
            int solSocket = mac ? 0xffff : 1;
            int soRcvbuf = mac ? 0x1002 : 8;
            int soRcvtimeo = mac ? 0x1006 : 20;
            setLong.invokeExact(buffer, jLongLayout, 0L, (long) receiveBuffer);
            int r1 = (int) setsockopt.invokeExact(state, fd, solSocket, soRcvbuf, buffer, 4);
            // struct timeval {seconds; microseconds}: two longs on 64-bit Linux; long + int (padded) on macOS
            setLong.invokeExact(buffer, jLongLayout, 0L, (long) (timeoutMillis / 1000));
            setLong.invokeExact(buffer, jLongLayout, 8L, (long) (timeoutMillis % 1000) * 1000);
            int r2 = (int) setsockopt.invokeExact(state, fd, solSocket, soRcvtimeo, buffer, 16);
            if (r1 != 0 || r2 != 0) {
                throw new java.io.IOException("setsockopt failed, errno " + lastErrno());
            }
        } catch (java.io.IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native bind failed", t);
        }
    }

    /** Receives one datagram into {@code into}; its length, or -1 on timeout. */
    public int receive(byte[] into) throws java.io.IOException {
        try {
            for (;;) {
                long r = (long) recv.invokeExact(state, fd, buffer, (long) Math.min(into.length, MAX_DATAGRAM), 0);
                if (r >= 0) {
                    copyOut.invokeExact(buffer, byteLayout, 0L, (Object) into, 0, (int) r);
                    return (int) r;
                }
                int e = lastErrno();
                if (e == errno.eagain) {
                    return -1;
                }
                if (e != errno.eintr) {
                    throw new java.io.IOException("recv failed, errno " + e);
                }
            }
        } catch (java.io.IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native recv failed", t);
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) close.invokeExact(fd);
        } catch (Throwable ignored) {
            // closing a socket we no longer use
        }
    }
}
