package io.dsdagent.agent.listen;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * {@code listen --unixstream PATH}: accepts any number of connections on a Unix stream socket (JDK 16+,
 * reached by reflection) and hands each frame (4-byte little-endian length, then the payload) to the output.
 */
final class StreamListener {
    private StreamListener() {
    }

    /** Per-connection read state: the length prefix, then the body. */
    private static final class Conn {
        final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer body;
    }

    static int run(String path, long deadline, String forSeconds, Output output, PrintStream out) throws Exception {
        ServerSocketChannel server;
        SocketAddress address;
        try {
            address = (SocketAddress) Class.forName("java.net.UnixDomainSocketAddress").getMethod("of", String.class)
                    .invoke(null, path);
            server = (ServerSocketChannel) ServerSocketChannel.class.getMethod("open", ProtocolFamily.class)
                    .invoke(null, StandardProtocolFamily.valueOf("UNIX"));
        } catch (Exception e) {
            out.println("[dsd-agent] listen --unixstream needs Java 16+; this is Java "
                    + System.getProperty("java.specification.version"));
            return 2;
        }
        File file = new File(path);
        file.delete(); // a stale socket file from an earlier run
        try (Selector selector = Selector.open()) {
            server.bind(address);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            out.println("[dsd-agent] listening on unixstream://" + path + forSeconds);
            out.flush();
            long now;
            while ((now = System.nanoTime()) < deadline) {
                output.idle(now);
                selector.select(200);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (k.isAcceptable()) {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ, new Conn());
                        }
                    } else if (k.isReadable() && !read((SocketChannel) k.channel(), (Conn) k.attachment(), output, out)) {
                        k.cancel();
                        k.channel().close();
                    }
                }
            }
            output.end(now);
        } finally {
            server.close();
            file.delete();
        }
        return 0;
    }

    /** Reads what is available; false when the peer has closed or sent a bad frame. */
    private static boolean read(SocketChannel c, Conn conn, Output output, PrintStream out) throws IOException {
        for (;;) {
            ByteBuffer target = conn.body == null ? conn.header : conn.body;
            int n;
            try {
                n = c.read(target);
            } catch (IOException e) {
                return false;
            }
            if (n < 0) {
                return false;
            }
            if (target.hasRemaining()) {
                return true; // wait for more
            }
            if (conn.body == null) {
                int len = conn.header.getInt(0);
                if (len <= 0 || len > 65536) {
                    out.println("[dsd-agent] bad frame length " + len + "; closing the connection");
                    return false;
                }
                conn.body = ByteBuffer.allocate(len);
            } else {
                output.payload(new String(conn.body.array(), 0, conn.body.limit(), StandardCharsets.UTF_8));
                conn.body = null;
                conn.header.clear();
            }
        }
    }
}
