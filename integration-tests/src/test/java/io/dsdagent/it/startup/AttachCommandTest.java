package io.dsdagent.it.startup;

import io.dsdagent.it.support.Awaits;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar dsd-agent.jar attach <pid> SETTING=value ...} against a JVM started without the agent
 * and without any DD_ or DSD_AGENT_ variable: every setting reaches the target only as an agent argument,
 * including the destination, so a metric on the receiver proves the arguments were read.
 */
class AttachCommandTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachCommandLoadsTheAgentWithItsSettingsIntoARunningJvm(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm app = new ForkedJvm(jdk).withoutAgent().main("io.dsdagent.it.apps.LateAttachApp", "300")) {
            app.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdout().contains("ready\n"));

            Process cli = new ProcessBuilder(Jdks.java(jdk), "-jar", ForkedJvm.agentJar(), "attach",
                    String.valueOf(app.process().pid()),
                    "DD_DOGSTATSD_URL=udp://127.0.0.1:" + rx.port(),
                    "DD_SERVICE=shop",
                    "DD_TAGS=team:a,tier:web", // a comma inside a value
                    "dsd.agent.flush.interval=1s", // a property name works too
                    "DSD_AGENT_MAX_SAMPLES_PER_CONTEXT=100000")
                    .redirectErrorStream(true).start();
            assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "attach command finished");
            String cliOut = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, cli.exitValue(), cliOut);
            assertTrue(cliOut.contains("dsd-agent attached to JVM " + app.process().pid()), cliOut);

            app.process().getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            app.process().getOutputStream().flush();
            assertEquals(0, app.waitFor(60), app.stderr());
            String err = app.stderr();
            assertTrue(err.contains("sending to udp://127.0.0.1:" + rx.port() + " (DD_DOGSTATSD_URL), flush every 1000 ms"
                    + ", tags service:shop,team:a,tier:web"), err);
            assertTrue(err.contains("; late attach;"), err);
            if (Jdks.feature(jdk) >= 21) {
                assertTrue(err.contains("WARNING: A Java agent has been loaded dynamically"),
                        "the JDK's own notice, documented in the README: " + err);
            }
            String[] tags = {"class:io.dsdagent.it.apps.LateAttachApp$Worker", "method:work", "exception:none",
                    "service:shop", "team:a", "tier:web"};
            LongSupplier worked = () -> Lines.valueCount(rx.lines(), "late.work", "ms", tags);
            Awaits.until(Duration.ofSeconds(15), () -> worked.getAsLong() >= 300,
                    () -> "late.work values " + worked.getAsLong() + " of 300; received " + rx.lines() + "; stderr " + err);
            assertEquals(300, worked.getAsLong(), "calls after the attach, tagged with the attach's settings");
        }
    }

    @Test
    void attachCommandRejectsWhatIsNotAPidOrASettingAndSaysWhyAnAttachFailed() throws Exception {
        String jdk = System.getProperty("java.home");
        for (List<String> args : List.of(List.of("attach"), List.of("attach", "notapid"), List.of("attach", "1", "DD_SERVICE"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of(Jdks.java(jdk), "-jar", ForkedJvm.agentJar()));
            cmd.addAll(args);
            Process cli = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, cli.exitValue(), args + ": " + out);
            assertTrue(out.contains("attach <pid> [SETTING=value ...]") || out.contains("is not SETTING=value"), out);
        }
        Process gone = new ProcessBuilder(Jdks.java(jdk), "-version").start();
        gone.waitFor(60, TimeUnit.SECONDS);
        Process cli = new ProcessBuilder(Jdks.java(jdk), "-jar", ForkedJvm.agentJar(), "attach", String.valueOf(gone.pid()))
                .redirectErrorStream(true).start();
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, cli.exitValue(), out);
        assertTrue(out.startsWith("[dsd-agent] could not attach to JVM " + gone.pid() + ": "), out);
    }
}
