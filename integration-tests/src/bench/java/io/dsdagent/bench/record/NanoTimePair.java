package io.dsdagent.bench.record;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Threads;

/** The floor: what timing anything costs before it is recorded, a pair of {@link System#nanoTime()} reads. */
public class NanoTimePair {
    @Benchmark
    @Threads(1)
    public long threads1() {
        long t0 = System.nanoTime();
        return System.nanoTime() - t0;
    }

    @Benchmark
    @Threads(2)
    public long threads2() {
        long t0 = System.nanoTime();
        return System.nanoTime() - t0;
    }
}
