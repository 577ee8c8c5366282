package io.dsdagent.agent.encode;

/**
 * ASCII numbers written in place into a byte array: no String, no boxing, no locale.
 * Each writer returns the position after the last byte written; callers guarantee room
 * ({@link #MAX_LEN} bytes is always enough).
 */
public final class Numbers {
    /** Longest number any writer here produces. */
    public static final int MAX_LEN = 32;

    private Numbers() {
    }

    public static int writeLong(byte[] buf, int pos, long v) {
        if (v == 0) {
            buf[pos] = '0';
            return pos + 1;
        }
        if (v == Long.MIN_VALUE) {
            byte[] min = {'-', '9', '2', '2', '3', '3', '7', '2', '0', '3', '6', '8', '5', '4', '7', '7', '5', '8', '0', '8'};
            System.arraycopy(min, 0, buf, pos, min.length);
            return pos + min.length;
        }
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        int digits = digits(v);
        int end = pos + digits;
        for (int i = end - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        return end;
    }

    static int digits(long v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    /** Nanoseconds as milliseconds, exact: {@code 1500000 -> 1.5}, {@code 42 -> 0.000042}. */
    public static int writeNanosAsMillis(byte[] buf, int pos, long nanos) {
        if (nanos < 0) {
            buf[pos++] = '-';
            nanos = nanos == Long.MIN_VALUE ? Long.MAX_VALUE : -nanos;
        }
        long whole = nanos / 1_000_000L;
        int frac = (int) (nanos % 1_000_000L);
        pos = writeLong(buf, pos, whole);
        if (frac != 0) {
            buf[pos++] = '.';
            int div = 100_000;
            while (frac != 0) {
                int d = frac / div;
                buf[pos++] = (byte) ('0' + d);
                frac -= d * div;
                div /= 10;
            }
        }
        return pos;
    }

    /**
     * A finite double as the agent's Go parser reads it back exactly: integers without {@code .0};
     * others in the shortest round-trip form. Callers never pass NaN or infinities (dropped earlier).
     */
    public static int writeDouble(byte[] buf, int pos, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            if (v == 0 && 1 / v < 0) {
                return writeLong(buf, pos, 0);
            }
            return writeLong(buf, pos, (long) v);
        }
        return DoubleWriter.write(buf, pos, v);
    }
}
