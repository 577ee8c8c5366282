package io.dsdagent.agent.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    private static Config config(Map<String, String> env, Properties props, boolean socketExists) {
        return new Config(env, props, path -> socketExists && path.equals(Destination.DEFAULT_SOCKET));
    }

    private static Config env(String... kv) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return config(env, new Properties(), false);
    }

    @Test
    void defaultsToLocalUdp() {
        Config c = env();
        assertEquals("udp://127.0.0.1:8125", c.destination.toString());
        assertEquals(1432, c.maxPacketSize);
        assertEquals(10_000, c.flushIntervalMillis);
    }

    @Test
    void defaultSocketWinsOverLocalUdpOnlyWhenNothingIsSet() {
        assertEquals("unixgram:///var/run/datadog/dsd.socket",
                config(new HashMap<>(), new Properties(), true).destination.toString());
        assertEquals(8192, config(new HashMap<>(), new Properties(), true).maxPacketSize);
        Map<String, String> e = new HashMap<>();
        e.put("DD_AGENT_HOST", "10.1.2.3");
        assertEquals("udp://10.1.2.3:8125", config(e, new Properties(), true).destination.toString());
    }

    @Test
    void urlFormsParse() {
        assertEquals("udp://agent:9000", Destination.parseUrl("udp://agent:9000").toString());
        assertEquals("udp://agent:8125", Destination.parseUrl("udp://agent").toString());
        assertEquals("udp://[::1]:8125", Destination.parseUrl("udp://[::1]:8125").toString());
        assertEquals("unixgram:///tmp/a.sock", Destination.parseUrl("unix:///tmp/a.sock").toString());
        assertEquals("unixgram:///tmp/a.sock", Destination.parseUrl("unixgram:///tmp/a.sock").toString());
        assertEquals("unixstream:///tmp/a.sock", Destination.parseUrl("unixstream:///tmp/a.sock").toString());
        assertNull(Destination.parseUrl("tcp://x:1"));
        assertNull(Destination.parseUrl("udp://x:99999"));
        assertNull(Destination.parseUrl("udp://:1"));
    }

    @Test
    void aBadPortOrUrlIsNamedAndTheNextRuleApplies() {
        assertEquals("udp://10.0.0.1:8125", env("DD_AGENT_HOST", "10.0.0.1", "DD_DOGSTATSD_PORT", "70000").destination.toString());
        assertEquals("DD_AGENT_HOST", env("DD_DOGSTATSD_URL", "tcp://x:1", "DD_AGENT_HOST", "10.0.0.1").destinationSource);
        assertEquals("udp://127.0.0.1:9125", env("DD_DOGSTATSD_PORT", "9125").destination.toString());
    }

    @Test
    void oneParserReadsValueTypesForSettingsAndAnnotations() {
        int nanos = io.dsdagent.agent.record.Registry.NANOS;
        assertEquals(io.dsdagent.agent.record.Registry.TIMER, MetricType.parse(" MS "));
        assertEquals(io.dsdagent.agent.record.Registry.HISTOGRAM, MetricType.parse("histogram"));
        assertEquals(io.dsdagent.agent.record.Registry.DISTRIBUTION, MetricType.parse("D"));
        assertEquals(-1, MetricType.parse("count"));
        assertEquals(io.dsdagent.agent.record.Registry.TIMER, MetricType.ofNanos("timer"));
        assertEquals(io.dsdagent.agent.record.Registry.HISTOGRAM | nanos, MetricType.ofNanos("h"));
        assertEquals(io.dsdagent.agent.record.Registry.DISTRIBUTION | nanos, env("DSD_AGENT_TIMER_TYPE", "d").timerType);
        assertEquals(io.dsdagent.agent.record.Registry.DISTRIBUTION, env("DSD_AGENT_HTTP_TYPE", "distribution").httpType);
        assertEquals(io.dsdagent.agent.record.Registry.HISTOGRAM, env("DSD_AGENT_HTTP_TYPE", "bogus").httpType);
        assertEquals(-1, MetricType.ofNanos("s"));
    }

    @Test
    void propertyWinsOverEnvironment() {
        Map<String, String> e = new HashMap<>();
        e.put("DD_ENV", "from-env");
        Properties p = new Properties();
        p.setProperty("dd.env", "from-prop");
        assertEquals("[env:from-prop]", config(e, p, false).constantTags.toString());
    }

    @Test
    void unifiedServiceTagsOverrideDdTagsAndDuplicatesGo() {
        Config c = env("DD_TAGS", "team:a, env:old service:old,team:b,solo", "DD_ENV", "prod", "DD_SERVICE", "web",
                "DD_VERSION", "1.2", "DD_ENTITY_ID", "pod-uid");
        assertEquals("[dd.internal.entity_id:pod-uid, env:prod, service:web, solo, team:b, version:1.2]",
                c.constantTags.toString());
    }

    @Test
    void dogstatsdTagsBelongToTheDatadogAgentAndAreNotRead() {
        Config c = env("DD_DOGSTATSD_TAGS", "agent:only", "DD_TAGS", "team:a,team:a", "DD_ENV", "prod");
        assertEquals("[env:prod, team:a]", c.constantTags.toString());
    }

    @Test
    void durationsAcceptSecondsAndUnits() {
        assertEquals(10_000, Durations.parseMillis("10"));
        assertEquals(10_000, Durations.parseMillis("10s"));
        assertEquals(500, Durations.parseMillis("500ms"));
        assertEquals(120_000, Durations.parseMillis("2m"));
        assertEquals(-1, Durations.parseMillis("soon"));
        assertEquals(-1, Durations.parseMillis("-5"));
        assertEquals(3_600_000, Durations.parseMillis(" 1H "));
        assertEquals(-1, Durations.parseMillis("ms"));
        assertEquals(-1, Durations.parseMillis("1.5s"));
    }

    @Test
    void sendWaitStaysWithinAQuarterOfTheFlushIntervalAndSaysSoOnlyWhenSetAboveIt() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        io.dsdagent.agent.log.Log.setOut(new java.io.PrintStream(err, true));
        try {
            assertEquals(1000, env().sendWaitMillis);
            assertEquals(250, env("DSD_AGENT_FLUSH_INTERVAL", "1s").sendWaitMillis);
            assertEquals("", err.toString(), "a default that shrinks with the interval says nothing");
            assertEquals(0, env("DSD_AGENT_SEND_WAIT", "0").sendWaitMillis);
            assertEquals(300, env("DSD_AGENT_SEND_WAIT", "300ms").sendWaitMillis);
            assertEquals(2500, env("DSD_AGENT_SEND_WAIT", "5s").sendWaitMillis);
            assertEquals(1, err.toString().split("\n").length, err.toString());
            assertTrue(err.toString().contains("DSD_AGENT_SEND_WAIT='5s' is more than a quarter of the flush interval"));
            assertEquals(1000, env("DSD_AGENT_SEND_WAIT", "11s").sendWaitMillis, "out of range: the default");
        } finally {
            io.dsdagent.agent.log.Log.setOut(System.err);
        }
    }

    @Test
    void badValuesFallBackToDefaults() {
        Config c = env("DD_DOGSTATSD_PORT", "abc", "DSD_AGENT_MAX_CONTEXTS", "x", "DSD_AGENT_FLUSH_INTERVAL", "0");
        assertEquals("udp://127.0.0.1:8125", c.destination.toString());
        assertEquals(10_000, c.maxContexts);
        assertEquals(10_000, c.flushIntervalMillis);
    }

    @Test
    void contextSharesAndIdleFlushesAreReadAndBounded() {
        Config set = env("DSD_AGENT_CONTEXT_FLOOR", "5", "DSD_AGENT_CONTEXT_IDLE_FLUSHES", "2");
        assertEquals(5, set.contextFloorPercent);
        assertEquals(2, set.contextIdleFlushes);
        Config defaults = env();
        assertEquals(10, defaults.contextFloorPercent);
        assertEquals(5, defaults.contextIdleFlushes, "at most five idle flushes by default");
        Config bad = env("DSD_AGENT_CONTEXT_FLOOR", "34", "DSD_AGENT_CONTEXT_IDLE_FLUSHES", "0");
        assertEquals(10, bad.contextFloorPercent, "three floors must fit in the cap");
        assertEquals(5, bad.contextIdleFlushes);
    }
}
