package io.dsdagent.agent.sample;

import java.io.IOException;

/**
 * Reads {@code /proc/net/sockstat}, {@code /proc/net/sockstat6} and the TCP limits into reused buffers
 * and turns them into the {@code sockstat.*} gauges: counts of sockets, and memory in bytes (the kernel
 * reports TCP and UDP memory in pages). A sample allocates nothing once the files are open.
 */
public final class SockstatSampler {
    /** Gauge names, without the prefix, in the order of {@link #values()}. */
    public static final String[] NAMES = {
        "sockets.used",
        "tcp4.in_use", "tcp6.in_use", "tcp.in_use",
        "tcp.orphan", "tcp.time_wait", "tcp.alloc", "tcp.mem",
        "udp4.in_use", "udp6.in_use", "udp.mem",
        "udplite4.in_use", "udplite6.in_use", "raw4.in_use", "raw6.in_use",
        "frag4.in_use", "frag4.memory", "frag6.in_use", "frag6.memory",
        "tcp.mem.limit", "tcp.orphan.limit",
    };
    private static final int[] DIRECT = {
        Sockstat.SOCKETS_USED,
        Sockstat.TCP4_INUSE, Sockstat.TCP6_INUSE, -1,
        Sockstat.TCP_ORPHAN, Sockstat.TCP_TW, Sockstat.TCP_ALLOC, -1,
        Sockstat.UDP4_INUSE, Sockstat.UDP6_INUSE, -1,
        Sockstat.UDPLITE4_INUSE, Sockstat.UDPLITE6_INUSE, Sockstat.RAW4_INUSE, Sockstat.RAW6_INUSE,
        Sockstat.FRAG4_INUSE, Sockstat.FRAG4_MEMORY, Sockstat.FRAG6_INUSE, Sockstat.FRAG6_MEMORY,
        -1, -1,
    };
    private static final int TCP_IN_USE = 3;
    private static final int TCP_MEM = 7;
    private static final int UDP_MEM = 10;
    private static final int TCP_MEM_LIMIT = 19;
    private static final int TCP_ORPHAN_LIMIT = 20;

    private final ProcFile sockstat;
    private final ProcFile sockstat6;
    private final ProcFile tcpMem;
    private final ProcFile maxOrphans;
    private final long pageSize;
    private final byte[] buf = new byte[8192];
    private final long[] fields = new long[Sockstat.FIELDS];
    private final double[] values = new double[NAMES.length];
    private final Sockstat parser = new Sockstat();

    /** Reads from a procfs mounted at {@code procRoot} (normally {@code /proc}). */
    public SockstatSampler(String procRoot) {
        this(procRoot, PageSize.read(procRoot + "/self/auxv", procRoot + "/self/smaps"));
    }

    SockstatSampler(String procRoot, long pageSize) {
        this.sockstat = new ProcFile(procRoot + "/net/sockstat");
        this.sockstat6 = new ProcFile(procRoot + "/net/sockstat6");
        this.tcpMem = new ProcFile(procRoot + "/sys/net/ipv4/tcp_mem");
        this.maxOrphans = new ProcFile(procRoot + "/sys/net/ipv4/tcp_max_orphans");
        this.pageSize = pageSize;
    }

    public long pageSize() {
        return pageSize;
    }

    /** Checks that the main file can be read at all (the sampler is off if not). */
    public void probe() throws IOException {
        if (sockstat.read(buf) < 0) {
            throw new IOException(sockstat.path() + " is larger than " + buf.length + " bytes");
        }
    }

    /**
     * Takes one sample into {@link #values()} (NaN where the kernel gave nothing). Returns the number of
     * lines that did not parse; throws if {@code sockstat} itself cannot be read.
     */
    public int sample() throws IOException {
        Sockstat.clear(fields);
        int bad = 0;
        int len = sockstat.read(buf);
        if (len < 0) {
            throw new IOException(sockstat.path() + " is larger than " + buf.length + " bytes");
        }
        bad += parser.parse(buf, len, fields);
        try {
            len = sockstat6.read(buf);
            if (len > 0) {
                bad += parser.parse(buf, len, fields);
            }
        } catch (IOException e) {
            // no IPv6 in this kernel or namespace: the *6 gauges stay absent
        }
        for (int i = 0; i < NAMES.length; i++) {
            int f = DIRECT[i];
            values[i] = f < 0 || fields[f] == Sockstat.ABSENT ? Double.NaN : (double) fields[f];
        }
        long tcp4 = fields[Sockstat.TCP4_INUSE];
        long tcp6 = fields[Sockstat.TCP6_INUSE];
        values[TCP_IN_USE] = tcp4 == Sockstat.ABSENT && tcp6 == Sockstat.ABSENT ? Double.NaN
                : (double) ((tcp4 == Sockstat.ABSENT ? 0 : tcp4) + (tcp6 == Sockstat.ABSENT ? 0 : tcp6));
        values[TCP_MEM] = pages(fields[Sockstat.TCP_MEM_PAGES]);
        values[UDP_MEM] = pages(fields[Sockstat.UDP_MEM_PAGES]);
        values[TCP_MEM_LIMIT] = pages(readNumber(tcpMem, 2));
        values[TCP_ORPHAN_LIMIT] = positive(readNumber(maxOrphans, 0));
        return bad;
    }

    /** The last sample, by index of {@link #NAMES}; NaN where absent. */
    public double[] values() {
        return values;
    }

    public void close() {
        sockstat.close();
        sockstat6.close();
        tcpMem.close();
        maxOrphans.close();
    }

    private double pages(long p) {
        return p == Sockstat.ABSENT || p < 0 ? Double.NaN : (double) p * pageSize;
    }

    private static double positive(long v) {
        return v < 0 ? Double.NaN : (double) v;
    }

    private long readNumber(ProcFile f, int index) {
        try {
            int len = f.read(buf);
            return len < 0 ? -1 : ProcFile.number(buf, len, index);
        } catch (IOException e) {
            return -1;
        }
    }
}
