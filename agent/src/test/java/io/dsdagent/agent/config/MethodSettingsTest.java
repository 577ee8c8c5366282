package io.dsdagent.agent.config;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DSD_AGENT_TIMED_METHODS, DSD_AGENT_TIMER_TYPE and the Micrometer switch. */
class MethodSettingsTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Config config(Map<String, String> env) {
        Log.setOut(new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Config(env, new Properties(), path -> false);
    }

    @AfterEach
    void restore() {
        Log.setOut(System.err);
    }

    @Test
    void timedMethodsParsesClassesAndMethods() {
        Map<String, Set<String>> m = TimedMethodsSetting.parse(
                " com.acme.Foo[bar, baz] ; com.acme.Qux[*];com.acme.Foo[bar,quux];");
        assertEquals(Map.of("com.acme.Foo", Set.of("bar", "baz", "quux"), "com.acme.Qux", Set.of("*")), m);
        assertEquals(Map.of(), TimedMethodsSetting.parse(null));
    }

    @Test
    void invalidTimedMethodsEntriesAreSkippedWithOneLineEach() {
        Config c = config(Map.of("DSD_AGENT_TIMED_METHODS", "com.acme.Ok[a];NoBrackets;com.acme.Empty[];1bad[x];c.D[a b]"));
        assertEquals(Map.of("com.acme.Ok", Set.of("a")), c.timedMethods);
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[dsd-agent] WARN DSD_AGENT_TIMED_METHODS entry 'NoBrackets' is not Class[method,...] or Class[*]; skipping it"), out);
        assertEquals(4, out.lines().count(), out);
    }

    @Test
    void timerTypeDefaultsToTimerAndAcceptsHistogramAndDistribution() {
        assertEquals(Registry.TIMER, config(Map.of()).timerType);
        assertEquals(Registry.HISTOGRAM | Registry.NANOS, config(Map.of("DSD_AGENT_TIMER_TYPE", "h")).timerType);
        assertEquals(Registry.DISTRIBUTION | Registry.NANOS, config(Map.of("DSD_AGENT_TIMER_TYPE", "D")).timerType);
        assertEquals(Registry.TIMER, config(Map.of("DSD_AGENT_TIMER_TYPE", "gauge")).timerType);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "[dsd-agent] WARN DSD_AGENT_TIMER_TYPE='gauge' is not ms, h or d; using ms"));
    }

    @Test
    void micrometerIsOneSwitchFalseInEitherTurnsItOff() {
        assertTrue(config(Map.of()).micrometerAnnotations);
        assertFalse(config(Map.of("DSD_AGENT_MICROMETER_ANNOTATIONS", "false")).micrometerAnnotations);
        assertFalse(config(Map.of("DSD_AGENT_INSTRUMENTATION_MICROMETER_ENABLED", "false")).micrometerAnnotations);
        assertTrue(config(Map.of("DSD_AGENT_MICROMETER_ANNOTATIONS", "true",
                "DSD_AGENT_INSTRUMENTATION_MICROMETER_ENABLED", "true")).micrometerAnnotations);
    }
}
