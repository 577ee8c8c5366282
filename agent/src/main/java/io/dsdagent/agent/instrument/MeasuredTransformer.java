package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.ProtectionDomain;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where the transformer's time goes, for {@code DSD_AGENT_LOG_LEVEL=debug} only: installed in place of
 * the {@link WeavingTransformer} it wraps, so the normal path has no clock read, branch or counter.
 *
 * <p>Every call is sorted by outcome (skipped by name as JDK or agent class, rejected by the constant-pool
 * prefilter, parsed but left unchanged, woven) and charged the class-loading thread's CPU time
 * ({@link ThreadMXBean#getCurrentThreadCpuTime}), which a busy machine does not inflate as it inflates
 * wall time. The first class handed to the weaver is reported on its own: it pays for loading the
 * weaver's and ASM's classes. Class-file reads for supertypes ({@link Resources#classFile}) are counted
 * inside the weaver's share. One {@code DEBUG} line per 1,000 classes, and one at exit.
 *
 * <p>It takes the {@link ThreadMXBean} in {@code premain}, before any class it measures: a plain
 * {@code java.lang.management} getter, which creates no MBean server and touches no
 * {@code java.util.logging}; taking it later, inside a transform, would load classes into the very
 * transformer being measured.
 */
final class MeasuredTransformer implements ClassFileTransformer {
    private static final int SKIPPED = 0;
    private static final int REJECTED = 1;
    private static final int PARSED = 2;
    private static final int WOVEN = 3;
    private static final int FIRST = 4;
    private static final String[] NAMES = {"skipped by name (JDK, agent)", "rejected by the prefilter",
        "parsed, left unchanged", "woven", "of which the first parsed class (loads the weaver)"};

    private final WeavingTransformer inner;
    private final ThreadMXBean threads;
    /** Per outcome: classes, CPU nanoseconds. */
    private final AtomicLongArray count = new AtomicLongArray(NAMES.length);
    private final AtomicLongArray cpu = new AtomicLongArray(NAMES.length);

    MeasuredTransformer(WeavingTransformer inner) {
        this.inner = inner;
        this.threads = ManagementFactory.getThreadMXBean();
        Resources.measureReads();
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                report("at exit");
            }
        }, "dsd-agent-transform-stats"));
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        long t0 = threads.getCurrentThreadCpuTime();
        byte[] out = inner.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        long spent = threads.getCurrentThreadCpuTime() - t0;
        int outcome;
        if (classfileBuffer == null || className == null || inner.skipped(className)) {
            outcome = SKIPPED;
        } else if (!inner.candidate(className, classfileBuffer)) { // again, outside the measured time
            outcome = REJECTED;
        } else {
            outcome = out == null ? PARSED : WOVEN;
            if (count.get(PARSED) + count.get(WOVEN) == 0 && count.compareAndSet(FIRST, 0, 1)) {
                cpu.addAndGet(FIRST, spent);
            }
        }
        count.incrementAndGet(outcome);
        cpu.addAndGet(outcome, spent);
        long seen = count.get(SKIPPED) + count.get(REJECTED) + count.get(PARSED) + count.get(WOVEN);
        if (seen % 1000 == 0) {
            report("so far");
        }
        return out;
    }

    /** Logs one DEBUG line: classes and CPU time per outcome so far. */
    void report(String when) {
        StringBuilder sb = new StringBuilder("transformer CPU time " + when + ":");
        long total = 0;
        for (int i = 0; i < NAMES.length; i++) {
            long n = count.get(i);
            long ns = cpu.get(i);
            if (i != FIRST) {
                total += ns;
            }
            sb.append(String.format(Locale.ROOT, " %s %,d classes %.1f ms (%.1f us each);", NAMES[i], n, ns / 1e6,
                    n == 0 ? 0.0 : ns / 1e3 / n));
        }
        sb.append(String.format(Locale.ROOT, " class-file reads for supertypes %,d, %.1f ms; total %.1f ms",
                Resources.reads(), Resources.readNanos() / 1e6, total / 1e6));
        Log.debug(sb.toString());
    }
}
