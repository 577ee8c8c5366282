package io.dsdagent.agent.sample;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeSamplerTest {
    private static Map<String, Double> byName(RuntimeSampler s) {
        Map<String, Double> m = new HashMap<>();
        List<RuntimeSampler.Series> series = s.series();
        for (int i = 0; i < series.size(); i++) {
            RuntimeSampler.Series x = series.get(i);
            m.put(x.name + (x.tags.length == 0 ? "" : "#" + String.join(",", x.tags)), s.values()[i]);
        }
        return m;
    }

    @Test
    void dashboardNamesWithPlausibleValues() {
        RuntimeSampler s = new RuntimeSampler();
        s.sample(System.nanoTime());
        Map<String, Double> first = byName(s);
        assertTrue(Double.isNaN(first.get("jvm.gc.minor_collection_count")), "no rate without a previous sample");
        System.gc();
        s.sample(System.nanoTime());
        Map<String, Double> m = byName(s);
        long heapMax = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        assertEquals((double) heapMax, m.get("jvm.heap_memory_max"));
        assertTrue(m.get("jvm.heap_memory") > 0);
        assertTrue(m.get("jvm.non_heap_memory") > 0);
        assertTrue(m.get("jvm.thread_count") >= 1);
        assertTrue(m.get("jvm.loaded_classes") > 100);
        assertTrue(m.get("jvm.gc.metaspace_size") > 0);
        assertTrue(m.get("jvm.gc.eden_size") >= 0);
        double gcs = m.get("jvm.gc.minor_collection_count") + m.get("jvm.gc.major_collection_count");
        assertTrue(gcs > 0, "System.gc() between the samples is at least one collection per second of the gap: " + gcs);
        assertTrue(m.get("jvm.os.open_file_descriptors") > 0);
        assertTrue(m.get("jvm.buffer_pool.direct.count") >= 0);
        assertFalse(m.containsKey("jvm.buffer_pool.mapped - 'non-volatile memory'.used"));
    }

    @Test
    void systemCpuFromProcStat() {
        long[] out = new long[2];
        byte[] line = "cpu  100 5 50 800 40 3 2 0 7 0\ncpu0 1 2 3 4\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(RuntimeSampler.parseCpuLine(line, line.length, out));
        assertEquals(100 + 5 + 50 + 3 + 2, out[0]);
        assertEquals(100 + 5 + 50 + 800 + 40 + 3 + 2, out[1]);
        byte[] bad = "intr 1 2 3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertFalse(RuntimeSampler.parseCpuLine(bad, bad.length, out));
    }

    @Test
    void poolAndCollectorNamesMapToTheDashboard() {
        assertEquals("jvm.gc.eden_size", RuntimeSampler.poolMetric("G1 Eden Space"));
        assertEquals("jvm.gc.eden_size", RuntimeSampler.poolMetric("PS Eden Space"));
        assertEquals("jvm.gc.survivor_size", RuntimeSampler.poolMetric("G1 Survivor Space"));
        assertEquals("jvm.gc.old_gen_size", RuntimeSampler.poolMetric("G1 Old Gen"));
        assertEquals("jvm.gc.old_gen_size", RuntimeSampler.poolMetric("Tenured Gen"));
        assertEquals("jvm.gc.old_gen_size", RuntimeSampler.poolMetric("ZGC Old Generation"));
        assertEquals("jvm.gc.eden_size", RuntimeSampler.poolMetric("ZGC Young Generation"));
        assertEquals("jvm.gc.metaspace_size", RuntimeSampler.poolMetric("Metaspace"));
        assertNull(RuntimeSampler.poolMetric("CodeHeap 'non-nmethods'"));
        assertNull(RuntimeSampler.poolMetric("Compressed Class Space"));
        assertTrue(RuntimeSampler.isMinor("G1 Young Generation"));
        assertTrue(RuntimeSampler.isMinor("PS Scavenge"));
        assertTrue(RuntimeSampler.isMinor("Copy"));
        assertTrue(RuntimeSampler.isMinor("ZGC Minor Cycles"));
        assertFalse(RuntimeSampler.isMinor("G1 Old Generation"));
        assertFalse(RuntimeSampler.isMinor("G1 Concurrent GC"));
        assertFalse(RuntimeSampler.isMinor("MarkSweepCompact"));
        assertFalse(RuntimeSampler.isMinor("ZGC Major Cycles"));
    }
}
