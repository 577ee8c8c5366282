package io.dsdagent.agent.record;

import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A count line stands for the calls behind it (a lost line is counted as that many calls), and a receiver
 * counts a unit counter's calls by its value: so every take of a counter that only adds 1 must have as
 * many calls as its value, however it interleaves with writers. With one atomic for the sum and another
 * for the calls, a take between a writer's two gave 6% of takes a value one off from its calls in this
 * loop, and a soak run over a Unix stream one sample too many (received + dropped) when such a line
 * arrived and the next was lost.
 */
class CountTakeRaceTest {
    @Test
    void everyTakeOfAUnitCounterHasAsManyCallsAsItsValueWhileTwoThreadsAdd() throws Exception {
        Telemetry telemetry = new Telemetry();
        Recorder r = new Recorder(new Registry(100, 4, List.of(), telemetry), telemetry, 4, 65536);
        int id = r.registry().register(Registry.COUNT, "c");
        AtomicBoolean run = new AtomicBoolean(true);
        AtomicLong made = new AtomicLong();
        Thread[] writers = new Thread[2];
        for (int w = 0; w < writers.length; w++) {
            writers[w] = new Thread(() -> {
                long n = 0;
                while (run.get()) {
                    r.count(id, 1);
                    n++;
                }
                made.addAndGet(n);
            });
            writers[w].start();
        }
        CountTake t = new CountTake();
        long takes = 0;
        long busy = 0;
        long mismatches = 0;
        long value = 0;
        long calls = 0;
        while (busy < 200_000) { // takes that found calls, each a chance to fall between a writer's steps
            r.takeCount(id, t);
            takes++;
            if (t.calls > 0) {
                busy++;
            }
            if (t.low() != t.calls) {
                mismatches++;
            }
            value += t.low();
            calls += t.calls;
        }
        run.set(false);
        for (Thread w : writers) {
            w.join();
        }
        r.takeCount(id, t);
        value += t.low();
        calls += t.calls;
        assertEquals(0, mismatches, "takes whose value differs from their calls, of " + takes);
        assertEquals(made.get(), calls, "every call taken once");
        assertEquals(made.get(), value, "every unit taken once");
        assertTrue(made.get() > busy, "the writers ran during the takes");
    }

    @Test
    void otherDeltasStayExactInTotalAcrossTheLongRange() {
        Telemetry telemetry = new Telemetry();
        Recorder r = new Recorder(new Registry(100, 4, List.of(), telemetry), telemetry, 4, 65536);
        int id = r.registry().register(Registry.COUNT, "c");
        CountTake t = new CountTake();
        r.count(id, Long.MIN_VALUE);
        r.count(id, Long.MIN_VALUE);
        r.takeCount(id, t);
        assertEquals(2, t.calls);
        assertTrue(!t.fitsLong() && t.low() == 0 && t.asDouble() == -0x1p64, "2 Long.MIN_VALUE: -2^64 exactly");
        r.count(id, Long.MAX_VALUE);
        r.count(id, Long.MAX_VALUE);
        r.count(id, 1);
        r.count(id, 1);
        r.takeCount(id, t);
        assertEquals(4, t.calls);
        assertTrue(!t.fitsLong() && t.low() == 0 && t.asDouble() == 0x1p64, "2 (2^63 - 1) + 2: 2^64 exactly");
        r.count(id, 0);
        r.count(id, 1);
        r.count(id, -7);
        r.count(id, 40);
        r.takeCount(id, t);
        assertEquals(4, t.calls);
        assertTrue(t.fitsLong() && t.low() == 34, "0 + 1 - 7 + 40");
        r.count(id, 0);
        r.takeCount(id, t);
        assertEquals(1, t.calls);
        assertTrue(t.fitsLong() && t.low() == 0 && t.isZero(), "a call of 0 is a zero value with its call");
    }
}
