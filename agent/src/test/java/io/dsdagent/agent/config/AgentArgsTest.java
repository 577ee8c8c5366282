package io.dsdagent.agent.config;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AgentArgsTest {
    @Test
    void agentArgumentWinsOverPropertyWhichWinsOverEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("DD_ENV", "from-env");
        env.put("DD_SERVICE", "env-service");
        env.put("DD_VERSION", "env-version");
        Properties p = new Properties();
        p.setProperty("dd.env", "from-prop");
        p.setProperty("dd.service", "prop-service");
        Config c = new Config(env, p, AgentArgs.parse("DD_ENV=from-args"), path -> false);
        assertEquals("[env:from-args, service:prop-service, version:env-version]", c.constantTags.toString());
    }

    @Test
    void propertyNamesAndEnvironmentNamesMeanTheSameSetting() {
        assertEquals(Map.of("DD_SERVICE", "shop", "DSD_AGENT_FLUSH_INTERVAL", "2s"),
                AgentArgs.parse("dd.service=shop, DSD_AGENT_FLUSH_INTERVAL=2s"));
        Config c = new Config(Map.of(), new Properties(), AgentArgs.parse("dsd.agent.flush.interval=2s"), path -> false);
        assertEquals(2000, c.flushIntervalMillis);
    }

    @Test
    void escapedCommasAndBackslashesStayInTheValue() {
        Map<String, String> m = AgentArgs.parse("DD_TAGS=team:a\\,tier:web,DD_ENV=c:\\\\x,"
                + "DSD_AGENT_TIMED_METHODS=com.acme.Foo[a\\,b]");
        assertEquals("team:a,tier:web", m.get("DD_TAGS"));
        assertEquals("c:\\x", m.get("DD_ENV"));
        assertEquals("com.acme.Foo[a,b]", m.get("DSD_AGENT_TIMED_METHODS"));
        assertEquals(3, m.size());
    }

    @Test
    void joinEscapesWhatParseReadsBack() {
        String joined = AgentArgs.join(Arrays.asList("DD_TAGS=team:a,tier:web", "DD_ENV=back\\slash", "DD_SERVICE=x=y"));
        assertEquals("DD_TAGS=team:a\\,tier:web,DD_ENV=back\\\\slash,DD_SERVICE=x=y", joined);
        assertEquals(Map.of("DD_TAGS", "team:a,tier:web", "DD_ENV", "back\\slash", "DD_SERVICE", "x=y"),
                AgentArgs.parse(joined));
    }

    @Test
    void entriesThatAreNotSettingsAreIgnored() {
        assertEquals(Map.of("DD_ENV", "prod"), AgentArgs.parse("verbose,FOO=1,=x,,DD_ENV=prod"));
        assertEquals(Map.of(), AgentArgs.parse(null));
        assertEquals(Map.of(), AgentArgs.parse("  "));
    }
}
