package io.dsdagent.agent.sample;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the samplers are set up (issue 18): after the first flush, no sooner than a second after start,
 * once class loading has been quiet for {@link Samplers#QUIET_MILLIS}, and at the latest
 * {@link Samplers#SETUP_LIMIT_MILLIS} after start. Ticks are given their wall-clock time, 100 ms apart
 * as the aggregator's are; the class count is the test's.
 */
class SamplersSetUpTest {
    private static final long START = 1_700_000_000_000L;
    private final AtomicInteger classes = new AtomicInteger();

    private Samplers samplers(long firstFlush) {
        Config config = new Config(Map.of("DSD_AGENT_SOCKSTAT_ENABLED", "false", "DSD_AGENT_RUNTIME_METRICS_ENABLED", "false"),
                new Properties(), path -> false);
        Telemetry telemetry = new Telemetry();
        Recorder recorder = new Recorder(new Registry(100, 1, List.of(), telemetry), telemetry, 1, 4096);
        return new Samplers(config, recorder, 0, "/proc", START, firstFlush, classes::get);
    }

    /** Ticks every 100 ms from {@code from} (inclusive) to {@code to} (exclusive); classes load at each if {@code loading}. */
    private void tick(Samplers s, long from, long to, boolean loading) {
        for (long t = from; t < to; t += 100) {
            if (loading) {
                classes.addAndGet(37);
            }
            s.run(t);
        }
    }

    @Test
    void setUpAtTheFirstTickAfterTheFirstFlushWhenNoClassLoads() {
        Samplers s = samplers(START + 2_000);
        tick(s, START, START + 2_000, false);
        assertFalse(s.initialized(), "not before the first flush");
        s.run(START + 2_000);
        assertTrue(s.initialized());
    }

    @Test
    void neverSoonerThanTheSetUpDelayEvenIfTheFirstFlushComesFirst() {
        Samplers s = samplers(START + 100);
        tick(s, START, START + Samplers.SETUP_DELAY_MILLIS, false);
        assertFalse(s.initialized());
        s.run(START + Samplers.SETUP_DELAY_MILLIS);
        assertTrue(s.initialized());
    }

    @Test
    void waitWhileClassesLoadThenSetUpOnceLoadingHasBeenQuietForTheQuietTime() {
        Samplers s = samplers(START + 1_000);
        tick(s, START, START + 4_000, true); // a start-up that loads classes past the first flush; last at 3.9 s
        assertFalse(s.initialized(), "set up while the application still loads classes");
        long lastLoad = START + 3_900;
        tick(s, START + 4_000, lastLoad + Samplers.QUIET_MILLIS, false);
        assertFalse(s.initialized(), "set up before loading had been quiet for the quiet time");
        s.run(lastLoad + Samplers.QUIET_MILLIS);
        assertTrue(s.initialized());
    }

    @Test
    void aQuietSpellShorterThanTheQuietTimeDoesNotCount() {
        Samplers s = samplers(START + 1_000);
        tick(s, START, START + 2_000, true);
        tick(s, START + 2_000, START + 2_000 + Samplers.QUIET_MILLIS - 100, false);
        tick(s, START + 2_400, START + 3_000, true);
        assertFalse(s.initialized());
    }

    @Test
    void setUpByTheLimitEvenIfClassesNeverStopLoading() {
        Samplers s = samplers(START + 1_000);
        tick(s, START, START + Samplers.SETUP_LIMIT_MILLIS, true);
        assertFalse(s.initialized());
        classes.addAndGet(1);
        s.run(START + Samplers.SETUP_LIMIT_MILLIS);
        assertTrue(s.initialized());
    }

    @Test
    void aFirstFlushAfterTheLimitStillComesFirst() {
        Samplers s = samplers(START + Samplers.SETUP_LIMIT_MILLIS + 5_000);
        tick(s, START, START + Samplers.SETUP_LIMIT_MILLIS + 5_000, true);
        assertFalse(s.initialized());
        classes.addAndGet(1);
        s.run(START + Samplers.SETUP_LIMIT_MILLIS + 5_000);
        assertTrue(s.initialized());
    }
}
