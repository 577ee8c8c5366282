package io.dsdagent.it.foundation;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application's exit code and output are the same with the agent, whatever the destination or settings. */
class ApplicationUnaffectedTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    private static ForkedJvm hello(String jdk, String code) {
        return new ForkedJvm(jdk).main("io.dsdagent.it.apps.HelloApp", code);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void unreachableDestinationChangesNothing(String jdk) throws Exception {
        try (ForkedJvm plain = hello(jdk, "3").withoutAgent();
             ForkedJvm agent = hello(jdk, "3").env("DD_DOGSTATSD_URL", "udp://no-such-host.invalid:8125")) {
            plain.start();
            agent.start();
            assertEquals(3, plain.waitFor(60));
            assertEquals(3, agent.waitFor(60), agent.stderr());
            assertEquals(plain.stdout(), agent.stdout());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void invalidSettingsWarnOnceAndUseDefaults(String jdk) throws Exception {
        try (ForkedJvm agent = hello(jdk, "0")
                .env("DD_DOGSTATSD_PORT", "abc")
                .env("DSD_AGENT_FLUSH_INTERVAL", "soon")
                .env("DSD_AGENT_MAX_CONTEXTS", "-5")
                .env("DSD_AGENT_LOG_LEVEL", "loud")) {
            agent.start();
            assertEquals(0, agent.waitFor(60), agent.stderr());
            assertEquals("hello from the app\n", agent.stdout());
            String err = agent.stderr();
            assertTrue(err.contains("[dsd-agent] WARN DD_DOGSTATSD_PORT='abc' is not a port; using 8125"), err);
            assertTrue(err.contains("[dsd-agent] WARN DSD_AGENT_FLUSH_INTERVAL='soon' is not a duration"), err);
            assertTrue(err.contains("[dsd-agent] WARN DSD_AGENT_MAX_CONTEXTS='-5' is not a number; using 10000"), err);
            assertTrue(err.contains("[dsd-agent] WARN DSD_AGENT_LOG_LEVEL='loud'"), err);
            assertTrue(err.contains("sending to udp://127.0.0.1:8125"), err);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void disabledAgentSaysSoAndDoesNothing(String jdk) throws Exception {
        try (ForkedJvm agent = hello(jdk, "0").env("DSD_AGENT_ENABLED", "false")) {
            agent.start();
            assertEquals(0, agent.waitFor(60));
            assertEquals("hello from the app\n", agent.stdout());
            assertEquals("[dsd-agent] INFO disabled by DSD_AGENT_ENABLED=false; nothing is instrumented or sent\n",
                    agent.stderr());
        }
    }
}
