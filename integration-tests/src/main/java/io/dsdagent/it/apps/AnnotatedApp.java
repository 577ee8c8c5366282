package io.dsdagent.it.apps;

import io.dsdagent.annotation.Counted;
import io.dsdagent.annotation.Timed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * An annotated service called by {@code args[0]} threads, {@code args[1]} times each, then the program
 * exits. Micrometer's annotations are compiled in, but Micrometer is not on the class path at run time.
 */
public final class AnnotatedApp {
    /** Our annotations and Micrometer's, side by side. */
    public static class Inventory {
        @Timed(value = "inventory.reserve", tags = "kind:it")
        @Counted("inventory.reserve.calls")
        public int reserve(int i) {
            if (i % 10 == 0) {
                throw new IllegalStateException("sold out");
            }
            return i;
        }

        @io.micrometer.core.annotation.Timed(value = "inventory.mm", extraTags = {"src", "micrometer"})
        public int mm(int i) {
            return i + 1;
        }

        @io.micrometer.core.annotation.Counted(value = "inventory.mm.failures", recordFailuresOnly = true)
        public void mmFail(int i) {
            if (i % 4 == 0) {
                throw new IllegalArgumentException("every fourth");
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        Inventory inv = new Inventory();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        long[] sums = new long[threads];
        for (int t = 0; t < threads; t++) {
            int slot = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long sum = 0;
                for (int i = 0; i < calls; i++) {
                    try {
                        sum += inv.reserve(i);
                    } catch (IllegalStateException e) {
                        sum -= 1;
                    }
                    sum += inv.mm(i);
                    try {
                        inv.mmFail(i);
                    } catch (IllegalArgumentException e) {
                        sum -= 2;
                    }
                }
                sums[slot] = sum;
            });
            ts.add(th);
            th.start();
        }
        start.countDown();
        long total = 0;
        for (int t = 0; t < threads; t++) {
            ts.get(t).join();
            total += sums[t];
        }
        System.out.println("sum " + total);
    }
}
