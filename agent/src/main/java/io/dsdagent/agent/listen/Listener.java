package io.dsdagent.agent.listen;

import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar dsd-agent.jar listen}: a local DogStatsD receiver that prints every message it
 * gets, decoded, one per line, so anyone can see the agent work without a Datadog Agent.
 */
public final class Listener {
    private Listener() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        int port = 8125;
        long seconds = 0;
        boolean raw = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--udp") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (a.equals("--seconds") && i + 1 < args.length) {
                seconds = Long.parseLong(args[++i]);
            } else if (a.equals("--raw")) {
                raw = true;
            } else if (a.equals("--unix") || a.equals("--unixstream")) {
                out.println("[dsd-agent] listen " + a + " is not available in this build");
                return 2;
            } else {
                out.println("usage: java -jar dsd-agent.jar listen [--udp PORT] [--seconds N] [--raw]");
                return 2;
            }
        }
        long deadline = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            socket.setReceiveBufferSize(4 * 1024 * 1024);
            socket.setSoTimeout(200);
            out.println("[dsd-agent] listening on udp://" + socket.getLocalAddress().getHostAddress() + ":"
                    + socket.getLocalPort() + (seconds > 0 ? " for " + seconds + " s" : ""));
            out.flush();
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
