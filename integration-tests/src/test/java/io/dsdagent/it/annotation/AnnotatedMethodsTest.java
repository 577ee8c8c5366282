package io.dsdagent.it.annotation;

import io.dsdagent.it.support.Awaits;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Annotated methods in forked JVMs with {@code -javaagent}: exact counts on a real UDP receiver under
 * concurrency, Micrometer's annotations without Micrometer, an application bundling its own ByteBuddy
 * and JCTools, and late attach.
 */
class AnnotatedMethodsTest {
    private static final String INV = "class:io.dsdagent.it.apps.AnnotatedApp$Inventory";

    static List<String> jdks() {
        return Jdks.homes();
    }

    private static ForkedJvm app(String jdk, UdpReceiver rx) {
        return new ForkedJvm(jdk)
                .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                // every value is sent (no sampling): the counts below are exact
                .env("DSD_AGENT_MAX_SAMPLES_PER_CONTEXT", "100000");
    }

    /** What a wait that timed out saw: values arrived, what the agent and the kernel say they lost, stderr. */
    private static String seen(String metric, long arrived, long expected, UdpReceiver rx, ForkedJvm jvm) {
        return metric + " values " + arrived + " of " + expected + "; agent losses: " + Lines.agentLosses(rx.lines())
                + "; kernel UDP receive drops: " + rx.kernelDrops() + "; stderr: " + jvm.stderr();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void annotatedServiceCalledConcurrentlyGivesExactCounts(String jdk) throws Exception {
        int threads = 8;
        int calls = 1000;
        int total = threads * calls;
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = app(jdk, rx).main("io.dsdagent.it.apps.AnnotatedApp", "" + threads, "" + calls)) {
            jvm.start();
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            long perThread = 0;
            for (int i = 0; i < calls; i++) {
                perThread += (i % 10 == 0 ? -1 : i) + (i + 1) + (i % 4 == 0 ? -2 : 0);
            }
            assertEquals("sum " + perThread * threads + "\n", jvm.stdout(), "the application's own result");
            String[] ok = {INV, "method:reserve", "kind:it", "exception:none"};
            String[] ko = {INV, "method:reserve", "kind:it", "exception:IllegalStateException"};
            LongSupplier reserved = () -> Lines.valueCount(rx.lines(), "inventory.reserve", "ms", ok)
                    + Lines.valueCount(rx.lines(), "inventory.reserve", "ms", ko);
            Awaits.until(Duration.ofSeconds(15), () -> reserved.getAsLong() >= total,
                    () -> seen("inventory.reserve", reserved.getAsLong(), total, rx, jvm));
            List<String> lines = rx.lines();
            assertEquals(total * 9 / 10, Lines.valueCount(lines, "inventory.reserve", "ms", ok));
            assertEquals(total / 10, Lines.valueCount(lines, "inventory.reserve", "ms", ko));
            assertEquals(total * 9 / 10, Lines.countSum(lines, "inventory.reserve.calls", INV, "method:reserve",
                    "result:success", "exception:none"));
            assertEquals(total / 10, Lines.countSum(lines, "inventory.reserve.calls", INV, "method:reserve",
                    "result:failure", "exception:IllegalStateException"));
            // Micrometer's annotations, honoured by name although Micrometer is not on the class path
            assertEquals(total, Lines.valueCount(lines, "inventory.mm", "ms", INV, "method:mm", "src:micrometer",
                    "exception:none"));
            assertEquals(total / 4, Lines.countSum(lines, "inventory.mm.failures", INV, "method:mmFail",
                    "result:failure", "exception:IllegalArgumentException"));
            assertFalse(lines.stream().anyMatch(l -> l.startsWith("inventory.mm.failures:") && l.contains("result:success")));
            for (String l : rx.metric("inventory.reserve")) {
                assertTrue(l.matches("inventory\\.reserve(:\\d+(\\.\\d{1,6})?)+\\|ms\\|#.*"), l);
            }
            assertEquals(0, Lines.countSum(lines, "dsd_agent.advice.errors"), "advice errors");
            assertFalse(jvm.stderr().contains("WARN"), jvm.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void applicationBundlingItsOwnByteBuddyAndJctoolsRunsUnchangedAndIsMeasured(String jdk) throws Exception {
        String bundled = System.getProperty("it.bundled.dir");
        StringBuilder cp = new StringBuilder(System.getProperty("it.app.classpath"));
        for (File f : new File(bundled).listFiles()) {
            cp.insert(0, f.getAbsolutePath() + File.pathSeparator);
        }
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm plain = new ForkedJvm(jdk).withoutAgent().classpath(cp.toString())
                     .main("io.dsdagent.it.apps.BundlingApp", "500");
             ForkedJvm agent = app(jdk, rx).classpath(cp.toString()).main("io.dsdagent.it.apps.BundlingApp", "500")) {
            plain.start();
            agent.start();
            assertEquals(0, plain.waitFor(60), plain.stderr());
            assertEquals(0, agent.waitFor(60), agent.stderr());
            assertEquals(plain.stdout(), agent.stdout());
            assertTrue(agent.stdout().contains("generated by the app's ByteBuddy\nbytebuddy byte-buddy-1.14.18.jar\n"
                    + "jctools jctools-core-3.3.0.jar\n"), agent.stdout());
            String[] tags = {"class:io.dsdagent.it.apps.BundlingApp", "method:work", "exception:none"};
            LongSupplier worked = () -> Lines.valueCount(rx.lines(), "bundling.work", "ms", tags);
            Awaits.until(Duration.ofSeconds(15), () -> worked.getAsLong() >= 500,
                    () -> seen("bundling.work", worked.getAsLong(), 500, rx, agent));
            assertEquals(500, Lines.valueCount(rx.lines(), "bundling.work", "ms", tags));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void lateAttachRetransformsLoadedClasses(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = app(jdk, rx).withoutAgent().main("io.dsdagent.it.apps.LateAttachApp", "300")) {
            jvm.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> jvm.stdout().contains("ready\n"));
            com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(
                    String.valueOf(jvm.process().pid()));
            try {
                vm.loadAgent(ForkedJvm.agentJar(), "");
            } finally {
                vm.detach();
            }
            jvm.process().getOutputStream().write("go\n".getBytes());
            jvm.process().getOutputStream().flush();
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            assertTrue(jvm.stderr().contains("late attach"), jvm.stderr());
            String[] tags = {"class:io.dsdagent.it.apps.LateAttachApp$Worker", "method:work", "exception:none"};
            LongSupplier worked = () -> Lines.valueCount(rx.lines(), "late.work", "ms", tags);
            Awaits.until(Duration.ofSeconds(15), () -> worked.getAsLong() >= 300,
                    () -> seen("late.work", worked.getAsLong(), 300, rx, jvm));
            assertEquals(300, Lines.valueCount(rx.lines(), "late.work", "ms", tags), "calls after the attach only");
        }
    }
}
