package io.dsdagent.agent.instrument.classloader;

import io.dsdagent.agent.log.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.ProtectionDomain;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where the loadClass shortcut's time goes, for {@code DSD_AGENT_LOG_LEVEL=debug} only, as
 * {@code MeasuredTransformer} does for the weaving transformer: installed in its place, so the normal
 * path reads no clock. Every class is charged the loading thread's CPU time, sorted into classes passed
 * over (the constant-pool checks) and classes rewritten, the first rewrite on its own. One line at exit.
 * The {@link ThreadMXBean} is taken in {@code premain}, before any class it measures.
 */
final class MeasuredShortcut implements ClassFileTransformer {
    private static final int PASSED = 0;
    private static final int REWRITTEN = 1;
    private static final int FIRST = 2;
    private static final String[] NAMES = {"passed over", "rewritten", "of which the first rewritten"};

    private final ClassFileTransformer inner;
    private final ThreadMXBean threads;
    private final AtomicLongArray count = new AtomicLongArray(NAMES.length);
    private final AtomicLongArray cpu = new AtomicLongArray(NAMES.length);

    MeasuredShortcut(ClassFileTransformer inner) {
        this.inner = inner;
        this.threads = ManagementFactory.getThreadMXBean();
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                report();
            }
        }, "dsd-agent-shortcut-stats"));
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd,
                            byte[] classFile) throws java.lang.instrument.IllegalClassFormatException {
        long t0 = threads.getCurrentThreadCpuTime();
        byte[] out = inner.transform(loader, className, redefined, pd, classFile);
        long spent = threads.getCurrentThreadCpuTime() - t0;
        int outcome = out == null ? PASSED : REWRITTEN;
        if (outcome == REWRITTEN && count.compareAndSet(FIRST, 0, 1)) {
            cpu.addAndGet(FIRST, spent);
        }
        count.incrementAndGet(outcome);
        cpu.addAndGet(outcome, spent);
        return out;
    }

    void report() {
        StringBuilder sb = new StringBuilder("loadClass shortcut CPU time at exit:");
        for (int i = 0; i < NAMES.length; i++) {
            long n = count.get(i);
            sb.append(String.format(Locale.ROOT, " %s %,d classes %.1f ms;", NAMES[i], n, cpu.get(i) / 1e6));
        }
        sb.append(String.format(Locale.ROOT, " total %.1f ms", (cpu.get(PASSED) + cpu.get(REWRITTEN)) / 1e6));
        Log.debug(sb.toString());
    }
}
