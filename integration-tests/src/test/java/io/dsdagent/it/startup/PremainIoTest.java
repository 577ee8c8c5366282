package io.dsdagent.it.startup;

import io.dsdagent.it.support.Awaits;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code premain} returns before the agent's thread does any I/O: a probe agent listed before dsd-agent
 * ({@code io.dsdagent.it.apps.PremainProbe}) holds dsd-agent's {@code premain} after the agent thread has
 * started and finds that thread waiting, with no transport, packer, origin or sampler class loaded and
 * no socket open. Once {@code premain} has returned, the agent sends.
 */
class PremainIoTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agentThreadDoesNoIoUntilPremainReturns(String jdk, @TempDir Path dir) throws Exception {
        Path probe = dir.resolve("probe.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Premain-Class"), "io.dsdagent.it.apps.PremainProbe");
        try (OutputStream out = Files.newOutputStream(probe); JarOutputStream jar = new JarOutputStream(out, m)) {
            // the class itself comes from the application class path
        }
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = new ForkedJvm(jdk).withoutAgent()
                     .jvmArg("-javaagent:" + probe)
                     .jvmArg("-javaagent:" + ForkedJvm.agentJar())
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                     .main("io.dsdagent.it.apps.PremainProbe")) {
            jvm.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> jvm.stdout().contains("\n") || !jvm.process().isAlive());
            assertEquals("probe: agent thread waits for premain to return; I/O classes loaded []; sockets 0\n",
                    jvm.stdout(), jvm.stderr());
            Awaits.until(Duration.ofSeconds(15), () -> !rx.lines().isEmpty(),
                    () -> "the agent's first flush after premain; received " + rx.lines() + "; stderr " + jvm.stderr());
            assertTrue(jvm.stderr().contains("[dsd-agent] INFO dsd-agent "), jvm.stderr());
            jvm.process().getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            jvm.process().getOutputStream().flush();
            assertEquals(0, jvm.waitFor(30), jvm.stderr());
        }
    }
}
