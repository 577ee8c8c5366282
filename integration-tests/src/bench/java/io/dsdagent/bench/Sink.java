package io.dsdagent.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real UDP DogStatsD receiver on loopback for the benchmarks: one thread drains a
 * {@link DatagramChannel} and counts datagrams, bytes, and the values of one metric (a packed line
 * {@code name:v1:v2|ms|@rate} counts as its values, each weighed {@code int(1/rate)} as the Datadog Agent
 * does). It also sums the dsd-agent's own telemetry ({@code dsd_agent.samples.recorded} and
 * {@code .dropped}) so a benchmark can tell the agent was active and how many samples took the drop path.
 *
 * <p>The receive loop allocates nothing per datagram (it parses bytes in place): inside a JMH fork its
 * allocation would otherwise show up in {@code gc.alloc.rate.norm}, which JMH sums over all threads.
 */
public final class Sink implements AutoCloseable {
    /** The largest UDP payload the DogStatsD clients fill a datagram to by default. */
    public static final int MAX_PAYLOAD = 1432;

    private static final byte[] RECORDED = ascii("dsd_agent.samples.recorded:");
    private static final byte[] DROPPED = ascii("dsd_agent.samples.dropped:");
    private static final byte[] CONTEXTS = ascii("dsd_agent.contexts:");
    private static final byte[] AGENT_SOURCE = ascii("source:agent");
    private static final byte[] REASON = ascii("#reason:");
    private static final double[] POW10 = new double[23]; // 10^k, exact in a double up to 10^22

    static {
        POW10[0] = 1;
        for (int k = 1; k < POW10.length; k++) {
            POW10[k] = POW10[k - 1] * 10;
        }
    }

    private final DatagramChannel channel;
    private final byte[] metric; // "name:" whose values are counted
    private final Thread thread;
    private volatile boolean running = true;

    // written by the receiver thread under the monitor, read by snapshot()
    private long datagrams;
    private long bytes;
    private long metricDatagrams;
    private long metricBytes;
    private long metricLines;
    private long metricValues;
    private long metricWeighted;
    private long agentRecorded;
    private long agentDropped;
    private long agentFlushes;
    private final Map<String, Long> agentDroppedByReason = new TreeMap<>();
    private volatile long lastReceiveNanos = System.nanoTime();

    /** Binds {@code 127.0.0.1:port} (0: any free port) and starts draining. */
    public Sink(int port, String metricName) throws IOException {
        this.metric = ascii(metricName + ":");
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 * 1024 * 1024);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        thread = new Thread(this::loop, "bench-udp-sink");
        thread.setDaemon(true);
        thread.start();
    }

    /** A port that was free a moment ago (for a JVM that must be told its destination before it starts). */
    public static int freePort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    public int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        byte[] a = buf.array();
        while (running) {
            try {
                buf.clear();
                channel.receive(buf);
                lastReceiveNanos = System.nanoTime();
                datagram(a, buf.position());
            } catch (IOException e) {
                return;
            }
        }
    }

    private synchronized void datagram(byte[] a, int len) {
        datagrams++;
        bytes += len;
        boolean ofMetric = false;
        int s = 0;
        while (s < len) {
            int e = s;
            while (e < len && a[e] != '\n') {
                e++;
            }
            ofMetric |= line(a, s, e);
            s = e + 1;
        }
        if (ofMetric) {
            metricDatagrams++;
            metricBytes += len;
        }
    }

    /** Returns whether the line is of the counted metric. */
    private boolean line(byte[] a, int s, int e) {
        if (startsWith(a, s, e, metric)) {
            int p = s + metric.length;
            int n = 1;
            while (p < e && a[p] != '|') {
                if (a[p] == ':') {
                    n++;
                }
                p++;
            }
            long weight = 1;
            int at = indexOf(a, p, e, '@');
            if (at > 0 && a[at - 1] == '|') {
                weight = (long) (1.0 / parseDecimal(a, at + 1, e));
            }
            metricLines++;
            metricValues += n;
            metricWeighted += n * weight;
            return true;
        }
        if (startsWith(a, s, e, RECORDED)) {
            agentRecorded += parseLong(a, s + RECORDED.length, e);
        } else if (startsWith(a, s, e, DROPPED)) {
            long n = parseLong(a, s + DROPPED.length, e);
            agentDropped += n;
            int r = find(a, s, e, REASON);
            if (r >= 0) {
                int rs = r + REASON.length;
                int re = rs;
                while (re < e && a[re] != '|' && a[re] != ',') {
                    re++;
                }
                String reason = new String(a, rs, re - rs, StandardCharsets.US_ASCII); // rare: drops only
                agentDroppedByReason.merge(reason, n, Long::sum);
            }
        } else if (startsWith(a, s, e, CONTEXTS) && find(a, s, e, AGENT_SOURCE) >= 0) {
            agentFlushes++; // sent on every flush, once per source: counted for one
        }
        return false;
    }

    /** Counters at this moment. */
    public synchronized Stats snapshot() {
        return new Stats(datagrams, bytes, metricDatagrams, metricBytes, metricLines, metricValues, metricWeighted,
                agentRecorded, agentDropped, agentFlushes, new TreeMap<>(agentDroppedByReason));
    }

    /** Nanoseconds since the last datagram arrived. */
    public long quietNanos() {
        return System.nanoTime() - lastReceiveNanos;
    }

    @Override
    public void close() throws IOException {
        running = false;
        channel.close();
    }

    /** What the sink has received. */
    public record Stats(long datagrams, long bytes, long metricDatagrams, long metricBytes, long metricLines,
                        long metricValues, long metricWeighted, long agentRecorded, long agentDropped,
                        long agentFlushes, Map<String, Long> agentDroppedByReason) {
        /** Average payload of the datagrams carrying the metric, as a fraction of {@link #MAX_PAYLOAD}. */
        public double fill() {
            return metricDatagrams == 0 ? 0 : (double) metricBytes / metricDatagrams / MAX_PAYLOAD;
        }
    }

    // ---- byte helpers ------------------------------------------------------------------------------

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] a, int s, int e, byte[] prefix) {
        if (e - s < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[s + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, int s, int e, char c) {
        for (int i = s; i < e; i++) {
            if (a[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int find(byte[] a, int s, int e, byte[] what) {
        for (int i = s; i + what.length <= e; i++) {
            if (startsWith(a, i, e, what)) {
                return i;
            }
        }
        return -1;
    }

    private static long parseLong(byte[] a, int s, int e) {
        long v = 0;
        for (int i = s; i < e && a[i] >= '0' && a[i] <= '9'; i++) {
            v = v * 10 + (a[i] - '0');
        }
        return v;
    }

    /**
     * A plain decimal ({@code 0.0123}) as the nearest double, without allocating: mantissa and power of ten
     * are both exact doubles for rates of up to 15 significant digits, so one division rounds correctly, as
     * {@link Double#parseDouble} does.
     */
    static double parseDecimal(byte[] a, int s, int e) {
        long mant = 0;
        int scale = 0;
        boolean frac = false;
        int i = s;
        for (; i < e; i++) {
            byte b = a[i];
            if (b == '.') {
                frac = true;
            } else if (b >= '0' && b <= '9') {
                mant = mant * 10 + (b - '0');
                if (frac) {
                    scale++;
                }
            } else {
                break;
            }
        }
        if (i - s > 17 || scale >= POW10.length || (i < e && (a[i] == 'e' || a[i] == 'E'))) { // not a short plain decimal: slow path
            int j = i;
            while (j < e && a[j] != '|') {
                j++;
            }
            return Double.parseDouble(new String(a, s, j - s, StandardCharsets.US_ASCII));
        }
        return mant / POW10[scale];
    }
}
