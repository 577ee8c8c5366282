package io.dsdagent.it.apps;

import io.dsdagent.api.Counter;
import io.dsdagent.api.DsdMetrics;
import io.dsdagent.api.Gauge;
import io.dsdagent.api.Timer;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load shapes for the aggregation tests, through the public API:
 * <ul>
 * <li>{@code exact T N}: T threads each increment {@code load.calls} N times and record N timings over
 * 100 contexts of {@code load.latency}; the main thread then sets gauge {@code load.last} to 1..1000.</li>
 * <li>{@code flood T SECONDS}: T threads record timings as fast as they can; prints recorded count and
 * heap used after GC before and after.</li>
 * <li>{@code virtual N}: N virtual threads (JDK 21+) each increment {@code load.vcalls} and record one
 * {@code load.vlatency}.</li>
 * <li>{@code seconds S}: increments {@code load.tick} and sets {@code load.gauge} every 10 ms for S seconds.</li>
 * </ul>
 */
public final class LoadApp {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "exact":
                exact(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                break;
            case "flood":
                flood(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                break;
            case "virtual":
                virtual(Integer.parseInt(args[1]));
                break;
            case "seconds":
                seconds(Integer.parseInt(args[1]));
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    private static void exact(int threads, int perThread) throws InterruptedException {
        Counter calls = DsdMetrics.counter("load.calls");
        Timer[] latency = new Timer[100];
        for (int i = 0; i < latency.length; i++) {
            latency[i] = DsdMetrics.timer("load.latency", "ctx:" + i);
        }
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    calls.increment();
                    latency[i % 100].record(1_000L + i);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        Gauge last = DsdMetrics.gauge("load.last");
        for (int i = 1; i <= 1000; i++) {
            last.set(i);
        }
        System.out.println("done " + (long) threads * perThread);
    }

    private static void flood(int threads, int seconds) throws InterruptedException {
        long heapBefore = heapAfterGc();
        AtomicLong recorded = new AtomicLong();
        Timer[] timers = new Timer[16];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = DsdMetrics.timer("load.flood", "ctx:" + i);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 1024; i++) {
                        timers[i & 15].record(i);
                    }
                    n += 1024;
                }
                recorded.addAndGet(n);
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        long heapAfter = heapAfterGc();
        System.out.println("recorded " + recorded.get() + " heapBefore " + heapBefore + " heapAfter " + heapAfter);
    }

    private static void virtual(int n) throws Exception {
        Counter calls = DsdMetrics.counter("load.vcalls");
        Timer latency = DsdMetrics.timer("load.vlatency");
        ExecutorService ex = (ExecutorService) java.util.concurrent.Executors.class
                .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        for (int i = 0; i < n; i++) {
            final long v = i;
            ex.submit(() -> {
                calls.increment();
                latency.record(1_000 + v);
            });
        }
        ex.shutdown();
        if (!ex.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("virtual threads did not finish");
        }
        System.out.println("virtual " + n);
    }

    private static void seconds(int s) throws InterruptedException {
        Counter tick = DsdMetrics.counter("load.tick");
        Gauge g = DsdMetrics.gauge("load.gauge");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
        long n = 0;
        while (System.nanoTime() < end) {
            tick.increment();
            g.set(++n);
            Thread.sleep(10);
        }
        System.out.println("ticks " + n);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
