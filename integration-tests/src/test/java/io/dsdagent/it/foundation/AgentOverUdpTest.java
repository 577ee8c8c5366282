package io.dsdagent.it.foundation;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JVM forked with the agent jar sends real DogStatsD over UDP; a short-lived program loses nothing on exit. */
class AgentOverUdpTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void shortLivedProgramDeliversEveryCountOnExit(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = new ForkedJvm(jdk)
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DD_ENV", "it")
                     .env("DD_SERVICE", "counting")
                     .main("io.dsdagent.it.apps.CountingApp", "1000")) {
            jvm.start();
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            assertEquals("counted 1000\n", jvm.stdout());
            await().atMost(Duration.ofSeconds(10)).until(() -> rx.countSum("app.calls") >= 1000);
            assertEquals(1000, rx.countSum("app.calls"));
            assertEquals(1000, rx.valueCount("app.latency"));
            String line = rx.metric("app.calls").get(0);
            assertTrue(line.matches("app\\.calls:1000\\|c\\|#env:it,kind:test,service:counting\\|T\\d{10}"), line);
            for (String l : rx.metric("app.latency")) {
                assertTrue(l.matches("app\\.latency(:\\d+(\\.\\d+)?)+\\|ms\\|#env:it,kind:test,service:counting"), l);
            }
            for (byte[] d : rx.datagrams()) {
                assertTrue(d.length <= 1432, "datagram of " + d.length + " bytes");
            }
            assertTrue(jvm.stderr().contains("[dsd-agent] INFO dsd-agent "), jvm.stderr());
            assertTrue(!jvm.stderr().contains("WARNING"), jvm.stderr());
        }
    }
}
