package io.dsdagent.agent.instrument.classloader;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up runs ASM's whole rewrite path on its sample, on a daemon thread that ends by itself. */
class AsmWarmupTest {
    @Test
    void theSampleLoaderGoesThroughAsmsWholeRewrite() throws Exception {
        assertTrue(AsmWarmup.warm(), "the sample declares loadClass, so ASM rewrote it");
    }

    @Test
    void theWarmupThreadIsADaemonThatEnds() throws Exception {
        Thread t = AsmWarmup.start(null);
        assertTrue(t.isDaemon(), "a JVM that exits first must not wait for it");
        assertEquals(AsmWarmup.THREAD_NAME, t.getName());
        t.join(30_000);
        assertTrue(!t.isAlive(), "it ends by itself");
    }
}
