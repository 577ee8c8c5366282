package io.dsdagent.agent.sample;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one sampling tick costs. Asserts only allocation (deterministic); prints the time per sample for
 * the record (run: {@code mvn -pl agent test -Dtest=SamplerCostTest}), never asserting it.
 */
class SamplerCostTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void sockstatSampleAllocatesNothingOnceWarm() throws Exception {
        SockstatSampler s = new SockstatSampler("/proc");
        s.probe();
        for (int i = 0; i < 2000; i++) {
            s.sample();
        }
        int n = 2000;
        long tid = Thread.currentThread().getId();
        long b0 = THREADS.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            s.sample();
        }
        long t1 = System.nanoTime();
        long bytes = THREADS.getThreadAllocatedBytes(tid) - b0;
        System.out.printf("sockstat sample: %.1f us, %d B per sample%n", (t1 - t0) / 1e3 / n, bytes / n);
        assertEquals(0, bytes / n, "bytes allocated per sockstat sample");
    }

    @Test
    void runtimeSampleCost() {
        RuntimeSampler s = new RuntimeSampler();
        for (int i = 0; i < 2000; i++) {
            s.sample(System.nanoTime());
        }
        int n = 2000;
        long tid = Thread.currentThread().getId();
        long b0 = THREADS.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            s.sample(System.nanoTime());
        }
        long t1 = System.nanoTime();
        long bytes = THREADS.getThreadAllocatedBytes(tid) - b0;
        System.out.printf("runtime sample: %.1f us, %d B per sample (%d series)%n", (t1 - t0) / 1e3 / n, bytes / n,
                s.series().size());
    }
}
