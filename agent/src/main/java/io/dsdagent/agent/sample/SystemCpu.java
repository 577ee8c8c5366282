package io.dsdagent.agent.sample;

/**
 * The host's CPU load, in percent, from the first line of {@code /proc/stat}: the busy share of the
 * jiffies spent since the previous read. It stands in for the OS bean's {@code getSystemCpuLoad}, which
 * allocates about 100 KB a call in a container (it reads cgroup files); this reads one small file head into
 * a buffer it keeps, so a sample allocates nothing. One sampler thread owns it.
 */
final class SystemCpu {
    private final ProcFile procStat;
    private final byte[] buf = new byte[512];
    private final long[] now = new long[2];
    private long lastBusy = -1;
    private long lastTotal = -1;

    private SystemCpu(ProcFile procStat) {
        this.procStat = procStat;
    }

    /** The reader of {@code path}, or null if the file cannot be read (not Linux): use the OS bean then. */
    static SystemCpu open(String path) {
        return new java.io.File(path).canRead() ? new SystemCpu(new ProcFile(path)) : null;
    }

    /** Percent busy since the previous call; NaN on the first call, if no time passed, or if the read failed. */
    double load() {
        int len;
        try {
            len = procStat.readHead(buf);
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
        if (!parseCpuLine(buf, len, now)) {
            return Double.NaN;
        }
        long busy = now[0];
        long total = now[1];
        double load = lastTotal >= 0 && total > lastTotal
                ? Math.max(0, busy - lastBusy) * 100.0 / (total - lastTotal) : Double.NaN;
        lastBusy = busy;
        lastTotal = total;
        return load;
    }

    /**
     * Parses {@code cpu  user nice system idle iowait irq softirq steal ...} into {@code out}: busy = all of
     * the first eight but idle and iowait (guest time is already in user), then the total.
     */
    static boolean parseCpuLine(byte[] b, int len, long[] out) {
        if (len < 4 || b[0] != 'c' || b[1] != 'p' || b[2] != 'u' || b[3] != ' ') {
            return false;
        }
        int p = 4;
        long total = 0;
        long idle = 0;
        int field = 0;
        while (p < len && b[p] != '\n' && field < 8) {
            while (p < len && b[p] == ' ') {
                p++;
            }
            long v = 0;
            int digits = 0;
            while (p < len && b[p] >= '0' && b[p] <= '9') {
                v = v * 10 + (b[p++] - '0');
                digits++;
            }
            if (digits == 0) {
                break;
            }
            total += v;
            if (field == 3 || field == 4) {
                idle += v;
            }
            field++;
        }
        if (field < 4) {
            return false;
        }
        out[0] = total - idle;
        out[1] = total;
        return true;
    }
}
