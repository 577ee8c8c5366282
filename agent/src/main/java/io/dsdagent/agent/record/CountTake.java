package io.dsdagent.agent.record;

/**
 * One counter's interval, taken by the aggregator: its exact sum as a 128-bit integer
 * ({@code low + high * 2^64}, so sums beyond the {@code long} range never wrap) and the number of calls
 * behind it. Reused: the aggregator owns one and {@link #clear}s it per context, no allocation.
 */
public final class CountTake {
    private long low;
    private long high;
    /** Calls that added to the sum (telemetry counts these, never the value). */
    public long calls;

    public void clear() {
        low = 0;
        high = 0;
        calls = 0;
    }

    /** Adds {@code v}, carrying into the high word when the low one leaves the long range. */
    void add(long v) {
        long r = low + v;
        if (((low ^ r) & (v ^ r)) < 0) {
            high += v < 0 ? -1 : 1;
        }
        low = r;
    }

    /** Adds {@code n * 2^64}: carries recorded by writers whose stripe cell overflowed. */
    void carry(long n) {
        high += n;
    }

    /** True when the sum is within the long range; then {@link #low} is the sum. */
    public boolean fitsLong() {
        return high == 0;
    }

    public long low() {
        return low;
    }

    /** The sum as the nearest double, for sums beyond the long range. */
    public double asDouble() {
        return high * 0x1p64 + low;
    }

    /** True when nothing was added (a sum of zero from calls still has calls). */
    public boolean isZero() {
        return low == 0 && high == 0;
    }
}
