package io.dsdagent.agent.record;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Test writers: threads that wait for a start signal, then record a timer's values 1..n. */
final class Writers {
    private Writers() {
    }

    /** Starts {@code writers} threads that wait for {@code go}, then record 1..{@code each} into {@code timer}. */
    static List<Thread> start(Recorder r, int timer, int writers, int each, CountDownLatch go) {
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 1; i <= each; i++) {
                    r.recordNanos(timer, i);
                }
            });
            threads.add(t);
            t.start();
        }
        return threads;
    }
}
