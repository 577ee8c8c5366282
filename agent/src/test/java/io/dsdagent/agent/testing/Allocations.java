package io.dsdagent.agent.testing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Bytes the current thread allocates while running a piece of code, measured several times.
 *
 * <p>A single measurement can pick up a few bytes the JVM itself charges to the thread at an unlucky moment (a
 * constant-pool entry resolved after a deoptimization, a racy read of the TLAB's fill), which says nothing about the
 * code. Code that allocates per call allocates in every attempt, so the smallest of several attempts is the figure to
 * assert on; all attempts go into the failure message.
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long[] attempts;

    private Allocations(long[] attempts) {
        this.attempts = attempts;
    }

    /** Runs {@code work} {@code times} times, each after the thread's counter is read, and keeps each attempt's bytes. */
    public static Allocations measure(int times, Runnable work) {
        if (!THREADS.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM cannot count allocated bytes per thread");
        }
        long[] bytes = new long[times];
        long overhead = THREADS.getCurrentThreadAllocatedBytes();
        overhead = THREADS.getCurrentThreadAllocatedBytes() - overhead; // the probe's own cost, if any
        for (int i = 0; i < times; i++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            work.run();
            bytes[i] = THREADS.getCurrentThreadAllocatedBytes() - before - overhead;
        }
        return new Allocations(bytes);
    }

    /** The smallest attempt's bytes. */
    public long fewest() {
        long min = Long.MAX_VALUE;
        for (long b : attempts) {
            min = Math.min(min, b);
        }
        return min;
    }

    @Override
    public String toString() {
        return "bytes per attempt " + Arrays.toString(attempts);
    }
}
