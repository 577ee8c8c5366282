package io.dsdagent.agent.sample;

import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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

    /**
     * Heap and non-heap as the memory bean reports them, in the relations the JVM guarantees. The sample is
     * taken between two reads of the bean's figures that agree, so no allocation between them moves a value.
     */
    @Test
    void heapAndNonHeapAreTheMemoryBeansFigures() {
        RuntimeSampler s = new RuntimeSampler();
        MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
        Map<String, Double> m = byName(s);
        long committed = -1;
        for (int attempt = 0; attempt < 20; attempt++) {
            long before = bean.getHeapMemoryUsage().getCommitted();
            s.sample(System.nanoTime());
            committed = bean.getHeapMemoryUsage().getCommitted();
            m = byName(s);
            if (before == committed) {
                break;
            }
        }
        MemoryUsage heap = bean.getHeapMemoryUsage();
        assertEquals((double) heap.getMax(), m.get("jvm.heap_memory_max"));
        assertEquals((double) heap.getInit(), m.get("jvm.heap_memory_init"));
        assertEquals((double) committed, m.get("jvm.heap_memory_committed"));
        assertTrue(m.get("jvm.heap_memory") > 0 && m.get("jvm.heap_memory") <= committed, m.toString());
        assertTrue(committed <= heap.getMax(), m.toString());
        double nonHeap = m.get("jvm.non_heap_memory");
        assertTrue(nonHeap > 1_000_000 && nonHeap <= m.get("jvm.non_heap_memory_committed"), m.toString());
        assertTrue(m.get("jvm.gc.metaspace_size") > 1_000_000 && m.get("jvm.gc.metaspace_size") < nonHeap, m.toString());
        assertTrue(Double.isNaN(m.get("jvm.non_heap_memory_max")) || m.get("jvm.non_heap_memory_max") >= nonHeap,
                m.toString());
    }

    /** Threads the test starts and ends move the thread gauges by exactly as many; the same for loaded classes. */
    @Test
    void threadCountsFollowStartedThreadsExactly() throws Exception {
        RuntimeSampler s = new RuntimeSampler();
        s.sample(System.nanoTime());
        Map<String, Double> before = byName(s);
        int n = 25;
        CountDownLatch started = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sampled-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        started.await();
        s.sample(System.nanoTime());
        Map<String, Double> during = byName(s);
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(before.get("jvm.thread_count") + n, during.get("jvm.thread_count"), "threads while " + n + " run");
        assertEquals(before.get("jvm.daemon_thread_count") + n, during.get("jvm.daemon_thread_count"));
        // a joined thread may still be leaving the JVM's thread list for a moment
        await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
            s.sample(System.nanoTime());
            return byName(s).get("jvm.thread_count").equals(before.get("jvm.thread_count"));
        });
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        s.sample(System.nanoTime());
        long loaded = classes.getLoadedClassCount();
        assertEquals((double) loaded, byName(s).get("jvm.loaded_classes"), "classes loaded");
    }

    /**
     * GC counts and times are per-second rates over the sample times given: three full collections between samples
     * two seconds apart are 1.5 major collections per second, and each collector's own series is its bean's delta.
     */
    @Test
    void collectionsBetweenSamplesAreRatesOverTheGivenTime() {
        RuntimeSampler s = new RuntimeSampler();
        long t0 = System.nanoTime();
        s.sample(t0);
        Map<String, Double> first = byName(s);
        assertTrue(Double.isNaN(first.get("jvm.gc.minor_collection_count")), "no rate without a previous sample");
        assertTrue(Double.isNaN(first.get("jvm.gc.major_collection_count")), "no rate without a previous sample");
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        long[] counts = new long[gcs.size()];
        long[] times = new long[gcs.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = gcs.get(i).getCollectionCount();
            times[i] = gcs.get(i).getCollectionTime();
        }
        System.gc();
        System.gc();
        System.gc();
        s.sample(t0 + 2_000_000_000L);
        Map<String, Double> m = byName(s);
        double minor = 0;
        double majorMillis = 0;
        for (int i = 0; i < counts.length; i++) {
            GarbageCollectorMXBean gc = gcs.get(i);
            double rate = (gc.getCollectionCount() - counts[i]) / 2.0;
            assertEquals(rate, m.get("jvm.gc.cms.count#name:" + gc.getName().replace(' ', '_')), gc.getName());
            if (RuntimeSampler.isMinor(gc.getName())) {
                minor += rate;
            } else {
                majorMillis += gc.getCollectionTime() - times[i];
            }
        }
        assertEquals(1.5, m.get("jvm.gc.major_collection_count"), "System.gc() three times in two seconds: " + m);
        assertEquals(minor, m.get("jvm.gc.minor_collection_count"));
        assertEquals(majorMillis / 2.0, m.get("jvm.gc.major_collection_time"),
                "milliseconds of major collection per second of the two: " + m);
        assertTrue(m.get("jvm.cpu_load.process") >= 0 && m.get("jvm.cpu_load.process") <= 100, m.toString());
        assertTrue(m.get("jvm.cpu_load.system") >= 0 && m.get("jvm.cpu_load.system") <= 100, m.toString());
    }

    /**
     * Direct buffers and open files the test holds move the buffer-pool and descriptor gauges exactly. Other
     * threads of this JVM (earlier tests' transports and aggregators winding down) may open or close a
     * descriptor between the two samples, so the descriptor count is tried up to five times and must be
     * exact in one of them; a sampler that miscounts fails all five.
     */
    @Test
    void directBuffersAndOpenFilesAreCountedExactly() throws Exception {
        RuntimeSampler s = new RuntimeSampler();
        List<ByteBuffer> buffers = new ArrayList<>();
        List<String> deltas = new ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            s.sample(System.nanoTime());
            Map<String, Double> before = byName(s);
            List<FileInputStream> files = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    buffers.add(ByteBuffer.allocateDirect(4096));
                    files.add(new FileInputStream("/proc/self/stat"));
                }
                s.sample(System.nanoTime());
                Map<String, Double> m = byName(s);
                assertEquals(before.get("jvm.buffer_pool.direct.count") + 10, m.get("jvm.buffer_pool.direct.count"));
                assertEquals(before.get("jvm.buffer_pool.direct.capacity") + 10 * 4096,
                        m.get("jvm.buffer_pool.direct.capacity"));
                assertFalse(m.containsKey("jvm.buffer_pool.mapped - 'non-volatile memory'.used"));
                double delta = m.get("jvm.os.open_file_descriptors") - before.get("jvm.os.open_file_descriptors");
                if (delta == 10) {
                    return;
                }
                deltas.add(String.valueOf(delta));
            } finally {
                for (FileInputStream f : files) {
                    f.close();
                }
            }
        }
        fail("10 files opened, but the descriptor gauge moved by " + deltas);
    }

    @Test
    void systemCpuFromProcStat() {
        long[] out = new long[2];
        byte[] line = "cpu  100 5 50 800 40 3 2 0 7 0\ncpu0 1 2 3 4\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(SystemCpu.parseCpuLine(line, line.length, out));
        assertEquals(100 + 5 + 50 + 3 + 2, out[0]);
        assertEquals(100 + 5 + 50 + 800 + 40 + 3 + 2, out[1]);
        byte[] bad = "intr 1 2 3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertFalse(SystemCpu.parseCpuLine(bad, bad.length, out));
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
