package io.dsdagent.it.apps;

import io.dsdagent.api.Counter;
import io.dsdagent.api.Distribution;
import io.dsdagent.api.DsdMetrics;
import io.dsdagent.api.Histogram;
import io.dsdagent.api.SetMetric;
import io.dsdagent.api.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The exactness scenarios of one forked JVM, in order:
 * <ol>
 * <li>{@code exact.big} incremented by {@code Long.MAX_VALUE} twice; set {@code exact.members} given two
 * 300-character members that differ only in their last character, and {@code short};</li>
 * <li>a burst: 8 threads, started together, each record 100,000 values as fast as they can into one
 * timer ({@code exact.timer}), one histogram ({@code exact.hist}) and one distribution
 * ({@code exact.dist}), and count each round once ({@code exact.calls});</li>
 * <li>an exit at once: 4 threads each record 10,000 timings ({@code exact.exit}) and main returns without
 * waiting for them or for a flush, so the JVM exits the moment they end;</li>
 * <li>all the while, a daemon thread records into {@code exact.race} (a timer) and {@code exact.race.calls}
 * (a counter) without pause, through the exit and the agent's final flush: its calls race the cutoff.</li>
 * </ol>
 */
public final class ExactApp {
    public static void main(String[] args) throws InterruptedException {
        // before the burst: a set member that finds the queue full is dropped (counted), not counted-only,
        // and right after the burst a 1,024-sample queue may still be full on a loaded machine
        Counter big = DsdMetrics.counter("exact.big");
        big.increment(Long.MAX_VALUE);
        big.increment(Long.MAX_VALUE);
        SetMetric members = DsdMetrics.set("exact.members");
        members.add("x".repeat(299) + "a");
        members.add("x".repeat(299) + "b");
        members.add("short");
        burst(8, 100_000);
        Timer race = DsdMetrics.timer("exact.race");
        Counter raceCalls = DsdMetrics.counter("exact.race.calls");
        Thread racer = new Thread(() -> {
            for (long i = 0; ; i++) {
                race.record(1_000_000L + (i & 1023));
                raceCalls.increment();
            }
        }, "racer");
        racer.setDaemon(true);
        racer.start();
        Timer exit = DsdMetrics.timer("exact.exit");
        for (int t = 0; t < 4; t++) {
            new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    exit.record(1_000_000L + i);
                }
            }, "exit-" + t).start();
        }
        System.out.println("burst 800000 exit 40000");
    }

    private static void burst(int threads, int each) throws InterruptedException {
        Timer timer = DsdMetrics.timer("exact.timer");
        Histogram hist = DsdMetrics.histogram("exact.hist");
        Distribution dist = DsdMetrics.distribution("exact.dist");
        Counter calls = DsdMetrics.counter("exact.calls");
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    timer.record(1_000L + i);
                    hist.record(i);
                    dist.record(i & 1023);
                    calls.increment();
                }
            });
            ts.add(th);
            th.start();
        }
        go.countDown();
        for (Thread th : ts) {
            th.join();
        }
    }
}
