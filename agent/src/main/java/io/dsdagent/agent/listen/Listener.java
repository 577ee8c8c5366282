package io.dsdagent.agent.listen;

import io.dsdagent.agent.transport.FfmUnixDatagram;
import io.dsdagent.agent.transport.JunixsocketUnixDatagram;

import java.io.File;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar dsd-agent.jar listen}: a local DogStatsD receiver that prints every message it
 * gets, decoded, one per line, so anyone can see the agent work without a Datadog Agent. It listens on
 * UDP ({@code --udp PORT}, default 8125), a Unix datagram socket ({@code --unix PATH}, through the same
 * route the agent sends with: FFM on Java 22+, junixsocket below) or a Unix stream socket ({@code --unixstream PATH}, Java 16+).
 */
public final class Listener {
    static final String USAGE = "usage: java -jar dsd-agent.jar listen [--udp PORT | --unix PATH | --unixstream PATH]"
            + " [--seconds N] [--raw]";

    private Listener() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        int port = 8125;
        String unix = null;
        String unixStream = null;
        long seconds = 0;
        boolean raw = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--udp") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (a.equals("--unix") && i + 1 < args.length) {
                unix = args[++i];
            } else if (a.equals("--unixstream") && i + 1 < args.length) {
                unixStream = args[++i];
            } else if (a.equals("--seconds") && i + 1 < args.length) {
                seconds = Long.parseLong(args[++i]);
            } else if (a.equals("--raw")) {
                raw = true;
            } else {
                out.println(USAGE);
                return 2;
            }
        }
        long deadline = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
        String forSeconds = seconds > 0 ? " for " + seconds + " s" : "";
        if (unix != null) {
            return unixDatagram(unix, deadline, forSeconds, raw, out);
        }
        if (unixStream != null) {
            return StreamListener.run(unixStream, deadline, forSeconds, raw, out);
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            socket.setReceiveBufferSize(4 * 1024 * 1024);
            socket.setSoTimeout(200);
            out.println("[dsd-agent] listening on udp://" + socket.getLocalAddress().getHostAddress() + ":"
                    + socket.getLocalPort() + forSeconds);
            out.flush();
            receiveUntil(socket, deadline, raw, out);
        }
        return 0;
    }

    /** Prints every datagram {@code socket} (with a receive timeout set) gets until {@code deadline}. */
    private static void receiveUntil(DatagramSocket socket, long deadline, boolean raw, PrintStream out)
            throws java.io.IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (System.nanoTime() < deadline) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            print(new String(buf, 0, p.getLength(), StandardCharsets.UTF_8), raw, out);
        }
    }

    private static int unixDatagram(String path, long deadline, String forSeconds, boolean raw, PrintStream out)
            throws Exception {
        File file = new File(path);
        FfmUnixDatagram socket;
        try {
            socket = new FfmUnixDatagram(path);
        } catch (Throwable ffm) {
            file.delete(); // a stale socket file from an earlier run
            DatagramSocket jx;
            try {
                jx = JunixsocketUnixDatagram.bindReceiver(path, 200, 4 * 1024 * 1024);
            } catch (Throwable t) {
                out.println("[dsd-agent] listen --unix failed on Java " + System.getProperty("java.specification.version")
                        + ": FFM: " + ffm + "; junixsocket: " + t);
                return 2;
            }
            try {
                out.println("[dsd-agent] listening on unixgram://" + path + forSeconds);
                out.flush();
                receiveUntil(jx, deadline, raw, out);
            } finally {
                jx.close();
                file.delete();
            }
            return 0;
        }
        try {
            file.delete(); // a stale socket file from an earlier run
            socket.bindForReceive(200, 4 * 1024 * 1024);
            out.println("[dsd-agent] listening on unixgram://" + path + forSeconds);
            out.flush();
            byte[] buf = new byte[65536];
            while (System.nanoTime() < deadline) {
                int n = socket.receive(buf);
                if (n > 0) {
                    print(new String(buf, 0, n, StandardCharsets.UTF_8), raw, out);
                }
            }
        } finally {
            socket.close();
            file.delete();
        }
        return 0;
    }

    static void print(String payload, boolean raw, PrintStream out) {
        for (String line : payload.split("\n")) {
            if (!line.isEmpty()) {
                out.println(raw ? line : Decoder.decode(line));
            }
        }
        out.flush();
    }
}
