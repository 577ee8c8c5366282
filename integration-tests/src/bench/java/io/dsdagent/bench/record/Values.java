package io.dsdagent.bench.record;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;

/**
 * Precomputed timings, per benchmark thread: "recording cost" excludes the clock, so every subject is
 * handed a value (whole milliseconds from 1 to 1000, as nanoseconds or milliseconds, whichever the
 * subject takes). Cycling through 1024 of them keeps the JIT from folding a constant into the call.
 */
@State(Scope.Thread)
public class Values {
    private static final int N = 1024; // a power of two
    private final long[] nanos = new long[N];
    private final long[] millis = new long[N];
    private int i;

    @Setup
    public void fill() {
        SplittableRandom r = new SplittableRandom(Thread.currentThread().getId());
        for (int k = 0; k < N; k++) {
            millis[k] = 1 + r.nextInt(1000);
            nanos[k] = millis[k] * 1_000_000L;
        }
    }

    public long nanos() {
        return nanos[i++ & (N - 1)];
    }

    public long millis() {
        return millis[i++ & (N - 1)];
    }
}
