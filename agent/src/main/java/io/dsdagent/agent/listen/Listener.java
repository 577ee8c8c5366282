package io.dsdagent.agent.listen;

import io.dsdagent.agent.config.Durations;
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
 * With {@code --summary} it draws a table of what arrived instead, every {@code --interval} ({@link Summary}).
 */
public final class Listener {
    static final String USAGE = "usage: java -jar dsd-agent.jar listen [--udp PORT | --unix PATH | --unixstream PATH]"
            + " [--seconds N] [--raw | --summary [--interval 10s]]";

    private Listener() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        int port = 8125;
        String unix = null;
        String unixStream = null;
        long seconds = 0;
        boolean raw = false;
        boolean summary = false;
        long intervalMillis = 10_000;
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
            } else if (a.equals("--summary")) {
                summary = true;
            } else if (a.equals("--interval") && i + 1 < args.length) {
                intervalMillis = Durations.parseMillis(args[++i]);
            } else {
                out.println(USAGE);
                return 2;
            }
        }
        if (summary && raw || intervalMillis < 100) {
            out.println(USAGE);
            return 2;
        }
        long now = System.nanoTime();
        long deadline = seconds > 0 ? now + seconds * 1_000_000_000L : Long.MAX_VALUE;
        String forSeconds = seconds > 0 ? " for " + seconds + " s" : "";
        Output output = summary
                ? new Summary(intervalMillis, Summary.width(System.getenv("COLUMNS")), System.console() != null, out, now)
                : new Lines(raw, out);
        if (unix != null) {
            return unixDatagram(unix, deadline, forSeconds, output, out);
        }
        if (unixStream != null) {
            return StreamListener.run(unixStream, deadline, forSeconds, output, out);
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            socket.setReceiveBufferSize(4 * 1024 * 1024);
            socket.setSoTimeout(200);
            out.println("[dsd-agent] listening on udp://" + socket.getLocalAddress().getHostAddress() + ":"
                    + socket.getLocalPort() + forSeconds);
            out.flush();
            receiveUntil(socket, deadline, output);
        }
        return 0;
    }

    /** Hands every datagram {@code socket} (with a receive timeout set) gets until {@code deadline} to {@code output}. */
    private static void receiveUntil(DatagramSocket socket, long deadline, Output output) throws java.io.IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        long now;
        while ((now = System.nanoTime()) < deadline) {
            output.idle(now);
            try {
                p.setLength(buf.length);
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            output.payload(new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
        }
        output.end(now);
    }

    private static int unixDatagram(String path, long deadline, String forSeconds, Output output, PrintStream out)
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
                receiveUntil(jx, deadline, output);
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
            long now;
            while ((now = System.nanoTime()) < deadline) {
                output.idle(now);
                int n = socket.receive(buf);
                if (n > 0) {
                    output.payload(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            }
            output.end(now);
        } finally {
            socket.close();
            file.delete();
        }
        return 0;
    }
}
