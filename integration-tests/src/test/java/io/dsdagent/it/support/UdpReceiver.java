package io.dsdagent.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A real UDP DogStatsD receiver on loopback that keeps every datagram it gets, and can pass each one on to
 * another loopback port ({@link #forwardTo}): a tap that sees everything a sender's kernel accepted, whether or
 * not the receiver behind it is up.
 */
public final class UdpReceiver implements AutoCloseable {
    private final DatagramChannel channel;
    private final List<byte[]> datagrams = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile InetSocketAddress forward;
    private volatile int forwardFailures;
    private final long rcvbufErrorsAtOpen;

    public UdpReceiver() throws IOException {
        this(0);
    }

    public UdpReceiver(int port) throws IOException {
        rcvbufErrorsAtOpen = rcvbufErrors();
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 * 1024 * 1024);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        thread = new Thread(this::loop, "udp-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The receive buffer the kernel really gave this socket (Linux reports twice what it accounts). */
    public int receiveBuffer() throws IOException {
        return channel.getOption(StandardSocketOptions.SO_RCVBUF);
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (running) {
            try {
                buf.clear();
                channel.receive(buf);
                buf.flip();
                byte[] b = new byte[buf.remaining()];
                buf.get(b);
                synchronized (datagrams) {
                    datagrams.add(b);
                }
            } catch (IOException e) {
                return;
            }
            InetSocketAddress to = forward;
            if (to != null) {
                buf.flip();
                try {
                    channel.send(buf, to); // unconnected: a closed port there loses it silently, as the sender's would
                } catch (IOException e) {
                    forwardFailures++;
                }
            }
        }
    }

    /** From now on, sends a copy of each datagram received to {@code port} on loopback. */
    public void forwardTo(int port) {
        forward = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Copies {@link #forwardTo} could not send (the kernel refused them). */
    public int forwardFailures() {
        return forwardFailures;
    }

    public List<byte[]> datagrams() {
        synchronized (datagrams) {
            return new ArrayList<>(datagrams);
        }
    }

    /** Every message received so far, in order. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (byte[] d : datagrams()) {
            for (String l : new String(d, StandardCharsets.UTF_8).split("\n")) {
                if (!l.isEmpty()) {
                    lines.add(l);
                }
            }
        }
        return lines;
    }

    /** Messages whose metric name is {@code name}. */
    public List<String> metric(String name) {
        List<String> out = new ArrayList<>();
        for (String l : lines()) {
            if (l.startsWith(name + ":")) {
                out.add(l);
            }
        }
        return out;
    }

    /** Sum of the values of every {@code name} count line (unweighted: counts carry no rate). */
    public long countSum(String name) {
        long sum = 0;
        for (String l : metric(name)) {
            String v = l.substring(name.length() + 1, l.indexOf('|'));
            for (String x : v.split(":")) {
                if (!x.isEmpty()) {
                    sum += Long.parseLong(x);
                }
            }
        }
        return sum;
    }

    /** Number of values the Datadog Agent would count for a packed {@code name} line set (weights int(1/rate)). */
    public long valueCount(String name) {
        long n = 0;
        for (String l : metric(name)) {
            String[] f = l.split("\\|");
            long values = 0;
            for (String x : f[0].substring(name.length() + 1).split(":")) {
                if (!x.isEmpty()) {
                    values++;
                }
            }
            long weight = 1;
            for (String field : f) {
                if (field.startsWith("@")) {
                    weight = (long) (1.0 / Double.parseDouble(field.substring(1)));
                }
            }
            n += values * weight;
        }
        return n;
    }

    /**
     * For failure messages: the whole machine's UDP datagrams dropped for a full receive buffer since this
     * receiver opened (Linux {@code /proc/net/snmp} RcvbufErrors; other receivers count too).
     */
    public String kernelDrops() {
        long now = rcvbufErrors();
        return now < 0 ? "unknown" : String.valueOf(now - rcvbufErrorsAtOpen);
    }

    private static long rcvbufErrors() {
        try {
            List<String> snmp = java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/net/snmp"));
            for (int i = 0; i + 1 < snmp.size(); i++) {
                if (snmp.get(i).startsWith("Udp:") && snmp.get(i + 1).startsWith("Udp:")) {
                    List<String> keys = java.util.Arrays.asList(snmp.get(i).split(" +"));
                    return Long.parseLong(snmp.get(i + 1).split(" +")[keys.indexOf("RcvbufErrors")]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Stops receiving; returns once the receiving thread has ended, so {@link #lines()} is final. */
    @Override
    public void close() throws IOException {
        running = false;
        channel.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
