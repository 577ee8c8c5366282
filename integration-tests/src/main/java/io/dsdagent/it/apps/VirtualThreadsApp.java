package io.dsdagent.it.apps;

import io.dsdagent.api.DsdMetrics;
import io.dsdagent.api.Timer;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 100,000 virtual threads (JDK 21+ API, reached by reflection: this module compiles for 17), each
 * recording one value into {@code vt.timer} and ending; then main returns and the agent's final flush
 * sends them. Prints how many tasks ran on a virtual thread and the used heap after a full GC before and
 * after, so the test can bound what the agent keeps per thread: nothing.
 */
public final class VirtualThreadsApp {
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        Timer timer = DsdMetrics.timer("vt.timer");
        Method isVirtual = Thread.class.getMethod("isVirtual");
        ExecutorService warm = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        warm.submit(() -> { }).get(); // the virtual-thread scheduler's own set-up, before the baseline
        warm.shutdown();
        long before = usedAfterGc();
        AtomicInteger onVirtual = new AtomicInteger();
        ExecutorService pool = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        for (int i = 0; i < threads; i++) {
            long value = 1_000L + i;
            pool.execute(() -> {
                try {
                    if ((boolean) isVirtual.invoke(Thread.currentThread())) {
                        onVirtual.incrementAndGet();
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                timer.record(value);
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("virtual threads did not finish");
        }
        long after = usedAfterGc();
        System.out.println("virtual " + onVirtual.get() + " heapBefore " + before + " heapAfter " + after);
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
