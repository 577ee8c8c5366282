package io.dsdagent.agent.instrument;

import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** ASM is loaded ahead of the weaver only once an application has shown it loads classes of its own. */
class LazyWeaverTest {
    private static final Instrumentation INST = (Instrumentation) Proxy.newProxyInstance(
            LazyWeaverTest.class.getClassLoader(), new Class<?>[] {Instrumentation.class}, (p, m, a) -> null);

    @Test
    void aShortMainNeverStartsTheWarmup() {
        LazyWeaver w = new LazyWeaver(INST, Collections.<InstrumentationModule>emptyList(), null, null);
        for (int i = 1; i < LazyWeaver.WARM_AFTER; i++) {
            w.seen();
        }
        assertNull(w.warmup);
    }

    @Test
    void theWarmupStartsOnceAtTheThreshold() throws Exception {
        LazyWeaver w = new LazyWeaver(INST, Collections.<InstrumentationModule>emptyList(), null, () -> null);
        for (int i = 0; i < LazyWeaver.WARM_AFTER; i++) {
            w.seen();
        }
        Thread t = w.warmup;
        assertNotNull(t);
        for (int i = 0; i < 3 * LazyWeaver.WARM_AFTER; i++) {
            w.seen();
        }
        assertSame(t, w.warmup, "started once");
        t.join(30_000);
    }

    @Test
    void aWeaverThatExistsNeedsNoWarmup() {
        LazyWeaver w = new LazyWeaver(new Weaver(Collections.<InstrumentationModule.Matcher>emptyList()));
        for (int i = 0; i < 2 * LazyWeaver.WARM_AFTER; i++) {
            w.seen();
        }
        assertNull(w.warmup);
    }

    @Test
    void theWarmupThreadMakesTheWeaverSoTheFirstCandidateFindsItMade() throws Exception {
        java.util.List<String> madeOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        AgentServices.Lazy services = () -> {
            madeOn.add(Thread.currentThread().getName());
            return null; // an agent that could not start: no weaver, nothing woven
        };
        LazyWeaver w = new LazyWeaver(INST, Collections.<InstrumentationModule>emptyList(), null, services);
        for (int i = 0; i < LazyWeaver.WARM_AFTER; i++) {
            w.seen();
        }
        w.warmup.join(30_000);
        assertEquals(java.util.List.of(io.dsdagent.agent.instrument.classloader.AsmWarmup.THREAD_NAME), madeOn);
        assertNull(w.get());
        assertEquals(1, madeOn.size(), "made once: the first candidate takes what the warm-up made");
    }
}
