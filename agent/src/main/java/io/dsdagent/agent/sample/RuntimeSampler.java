package io.dsdagent.agent.sample;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JVM runtime metrics under the names Datadog's JVM dashboard reads (the ones dd-java-agent sends through
 * JMXFetch), from the {@code java.lang.management} MXBean getters only: never the platform MBean
 * server, never {@code java.util.logging}. GC counts and times, which JMXFetch reports as counters, are
 * sent as per-second rates over the time since the previous sample, as JMXFetch does. System CPU load
 * comes from {@link SystemCpu} where /proc/stat is readable.
 */
public final class RuntimeSampler {
    /** One output series: a gauge name and its tags. */
    public static final class Series {
        public final String name;
        public final String[] tags;

        Series(String name, String... tags) {
            this.name = name;
            this.tags = tags;
        }
    }

    private static final String[] NO_TAGS = new String[0];

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final List<MemoryPoolMXBean> pools = new ArrayList<MemoryPoolMXBean>();
    private final List<String> poolMetric = new ArrayList<String>();
    private final List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
    private final boolean[] gcMinor;
    private final List<BufferPoolMXBean> buffers = new ArrayList<BufferPoolMXBean>();
    private final long[] lastGcCount;
    private final long[] lastGcTime;
    private long lastNanos = -1;
    private final int processors = Runtime.getRuntime().availableProcessors();
    private long lastCpuNanos = -1;
    private final SystemCpu systemCpu;

    private final List<Series> series = new ArrayList<Series>();
    private final double[] values;
    private final int gcBase;
    private final int minorBase;
    private final int poolBase;
    private final int bufferBase;
    private final int cpuBase;

    public RuntimeSampler() {
        this("/proc/stat");
    }

    RuntimeSampler(String procStatPath) {
        systemCpu = SystemCpu.open(procStatPath);
        add("jvm.heap_memory");
        add("jvm.heap_memory_committed");
        add("jvm.heap_memory_init");
        add("jvm.heap_memory_max");
        add("jvm.non_heap_memory");
        add("jvm.non_heap_memory_committed");
        add("jvm.non_heap_memory_init");
        add("jvm.non_heap_memory_max");
        add("jvm.thread_count");
        add("jvm.daemon_thread_count");
        add("jvm.loaded_classes");
        poolBase = series.size();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            String m = poolMetric(p.getName());
            if (m != null && !poolMetric.contains(m)) {
                pools.add(p);
                poolMetric.add(m);
                add(m);
            }
        }
        gcBase = series.size();
        gcMinor = new boolean[gcs.size()];
        lastGcCount = new long[gcs.size()];
        lastGcTime = new long[gcs.size()];
        for (int i = 0; i < gcs.size(); i++) {
            String gcName = gcs.get(i).getName();
            gcMinor[i] = isMinor(gcName);
            String tag = "name:" + gcName.replace(' ', '_');
            add("jvm.gc.cms.count", tag);
            add("jvm.gc.parnew.time", tag);
        }
        minorBase = series.size();
        add("jvm.gc.minor_collection_count");
        add("jvm.gc.minor_collection_time");
        add("jvm.gc.major_collection_count");
        add("jvm.gc.major_collection_time");
        bufferBase = series.size();
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct") || b.getName().equals("mapped")) {
                buffers.add(b);
                add("jvm.buffer_pool." + b.getName() + ".used");
                add("jvm.buffer_pool." + b.getName() + ".count");
                add("jvm.buffer_pool." + b.getName() + ".capacity");
            }
        }
        cpuBase = series.size();
        add("jvm.cpu_load.process");
        add("jvm.cpu_load.system");
        add("jvm.os.open_file_descriptors");
        values = new double[series.size()];
    }

    private void add(String name, String... tags) {
        series.add(new Series(name, tags.length == 0 ? NO_TAGS : tags));
    }

    /** The series this JVM has, in the order of {@link #values()}. */
    public List<Series> series() {
        return series;
    }

    public double[] values() {
        return values;
    }

    /** Which memory pool feeds which dashboard gauge; null for pools the dashboard does not show. */
    static String poolMetric(String pool) {
        String p = pool.toLowerCase(Locale.ROOT);
        if (p.contains("eden") || p.equals("zgc young generation")) {
            return "jvm.gc.eden_size";
        }
        if (p.contains("survivor")) {
            return "jvm.gc.survivor_size";
        }
        if (p.contains("old gen") || p.contains("tenured") || p.equals("zgc old generation") || p.equals("zheap")
                || p.equals("shenandoah")) {
            return "jvm.gc.old_gen_size";
        }
        if (p.equals("metaspace")) {
            return "jvm.gc.metaspace_size";
        }
        return null;
    }

    /** Young-generation collectors (minor); everything else is major. */
    static boolean isMinor(String gc) {
        String g = gc.toLowerCase(Locale.ROOT);
        return g.contains("young") || g.contains("scavenge") || g.equals("copy") || g.equals("parnew")
                || g.contains("minor");
    }

    /** Takes one sample into {@link #values()}; GC rates are NaN on the first sample. */
    public void sample(long nanoTime) {
        int i = 0;
        MemoryUsage heap = memory.getHeapMemoryUsage();
        values[i++] = heap.getUsed();
        values[i++] = heap.getCommitted();
        values[i++] = nonNegative(heap.getInit());
        values[i++] = nonNegative(heap.getMax());
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        values[i++] = nonHeap.getUsed();
        values[i++] = nonHeap.getCommitted();
        values[i++] = nonNegative(nonHeap.getInit());
        values[i++] = nonNegative(nonHeap.getMax());
        values[i++] = threads.getThreadCount();
        values[i++] = threads.getDaemonThreadCount();
        values[i++] = classes.getLoadedClassCount();
        for (int p = 0; p < pools.size(); p++) {
            MemoryUsage u = pools.get(p).getUsage();
            values[poolBase + p] = u == null ? Double.NaN : u.getUsed();
        }
        double seconds = lastNanos < 0 ? Double.NaN : (nanoTime - lastNanos) / 1e9;
        double minorCount = 0, minorTime = 0, majorCount = 0, majorTime = 0;
        for (int g = 0; g < gcs.size(); g++) {
            long count = gcs.get(g).getCollectionCount();
            long time = gcs.get(g).getCollectionTime();
            double countRate = rate(count, lastGcCount[g], seconds);
            double timeRate = rate(time, lastGcTime[g], seconds);
            lastGcCount[g] = count;
            lastGcTime[g] = time;
            values[gcBase + 2 * g] = countRate;
            values[gcBase + 2 * g + 1] = timeRate;
            if (gcMinor[g]) {
                minorCount += countRate;
                minorTime += timeRate;
            } else {
                majorCount += countRate;
                majorTime += timeRate;
            }
        }
        values[minorBase] = minorCount;
        values[minorBase + 1] = minorTime;
        values[minorBase + 2] = majorCount;
        values[minorBase + 3] = majorTime;
        lastNanos = nanoTime;
        for (int b = 0; b < buffers.size(); b++) {
            BufferPoolMXBean bp = buffers.get(b);
            values[bufferBase + 3 * b] = bp.getMemoryUsed();
            values[bufferBase + 3 * b + 1] = bp.getCount();
            values[bufferBase + 3 * b + 2] = bp.getTotalCapacity();
        }
        values[cpuBase] = Double.NaN;
        values[cpuBase + 1] = Double.NaN;
        values[cpuBase + 2] = Double.NaN;
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            // the OS bean's getProcessCpuLoad/getSystemCpuLoad allocate ~100 KB a call in a container (cgroup
            // files): process load is the CPU-time delta over wall time and processors instead, system load
            // the busy share of /proc/stat's first line
            com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
            long cpu = sun.getProcessCpuTime();
            if (cpu >= 0 && lastCpuNanos >= 0 && seconds > 0) {
                values[cpuBase] = Math.min(100, Math.max(0, (cpu - lastCpuNanos) / (seconds * 1e9 * processors) * 100));
            }
            lastCpuNanos = cpu;
            values[cpuBase + 1] = systemCpu == null ? percent(sun.getSystemCpuLoad()) : systemCpu.load();
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            values[cpuBase + 2] = nonNegative(((com.sun.management.UnixOperatingSystemMXBean) os).getOpenFileDescriptorCount());
        }
    }

    /** Per-second rate of a counter; NaN without a previous sample or if the counter is unsupported. */
    private static double rate(long now, long before, double seconds) {
        if (now < 0 || before < 0 || !(seconds > 0)) {
            return Double.NaN;
        }
        return Math.max(0, now - before) / seconds;
    }

    /** JMXFetch reports the OS bean's loads, 0..1, as percent. */
    private static double percent(double load) {
        return load < 0 ? Double.NaN : load * 100;
    }

    private static double nonNegative(long v) {
        return v < 0 ? Double.NaN : v;
    }
}
