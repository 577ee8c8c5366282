package io.dsdagent.agent.sample;

import io.dsdagent.agent.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one sampling tick allocates on the aggregator thread, per sample (the bound is on the attempt's total, so
 * one byte more per sample fails). Time per sample is a speed figure and belongs to the benchmarks, not here.
 */
class SamplerCostTest {
    private static final int SAMPLES = 500;

    @Test
    void sockstatSampleAllocatesNothingOnceWarm() throws Exception {
        SockstatSampler s = new SockstatSampler("/proc");
        s.probe();
        Runnable samples = () -> {
            for (int i = 0; i < SAMPLES; i++) {
                try {
                    s.sample();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        samples.run();
        samples.run(); // warm: the JIT has compiled the parser
        Allocations a = Allocations.measure(5, samples);
        assertEquals(0, a.fewest(), "bytes allocated by " + SAMPLES + " sockstat samples, " + a);
    }

    /**
     * The JDK's getters return a fresh {@code MemoryUsage} (48 bytes with compressed oops) for the heap, the
     * non-heap and each memory pool the dashboard shows; everything else the sampler reads is a primitive or a
     * reused buffer. So a sample allocates at most one {@code MemoryUsage} per such call (measured on JDK 17 with
     * G1: exactly that, 288 bytes for 6), and nothing that grows with the number of samples.
     */
    @Test
    void runtimeSampleAllocatesOnlyTheJdksMemoryUsageObjects() {
        RuntimeSampler s = new RuntimeSampler();
        long[] t = {System.nanoTime()};
        Runnable samples = () -> {
            for (int i = 0; i < SAMPLES; i++) {
                t[0] += 1_000_000_000L;
                s.sample(t[0]);
            }
        };
        samples.run();
        samples.run();
        int memoryUsages = 2 + pools(s);
        long budget = (long) SAMPLES * memoryUsages * 48;
        Allocations a = Allocations.measure(5, samples);
        assertTrue(a.fewest() <= budget, "bytes allocated by " + SAMPLES + " runtime samples: " + a.fewest() + " > "
                + budget + " (" + memoryUsages + " MemoryUsage objects of 48 bytes per sample), " + a);
    }

    /** Memory pools that feed a dashboard gauge: one {@code getUsage()} each per sample. */
    private static int pools(RuntimeSampler s) {
        int n = 0;
        for (RuntimeSampler.Series x : s.series()) {
            if (x.name.startsWith("jvm.gc.") && x.name.endsWith("_size")) {
                n++;
            }
        }
        assertEquals(n, (int) ManagementFactory.getMemoryPoolMXBeans().stream()
                .map(p -> RuntimeSampler.poolMetric(p.getName())).filter(m -> m != null).distinct().count());
        return n;
    }
}
