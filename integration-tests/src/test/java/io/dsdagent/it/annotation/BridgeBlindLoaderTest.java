package io.dsdagent.it.annotation;

import io.dsdagent.it.support.Awaits;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guarded weaving with the real agent: annotated methods loaded by a class loader that refuses
 * {@code io.dsdagent.agent.*} (so woven code there gets {@code NoClassDefFoundError} from the bridge
 * call, as under JBoss Modules or OSGi without the bridge exported) return and throw exactly what they
 * do without the agent, while the same class on the class path is measured exactly. The class-loader
 * shortcut that lets such loaders see the bridge ({@code DSD_AGENT_INSTRUMENTATION_CLASSLOADER_ENABLED},
 * tested in {@code LoaderFrameworksTest}) is switched off here, so the guard at the call site is what
 * keeps the application whole.
 */
class BridgeBlindLoaderTest {
    private static final int ROUNDS = 200;
    private static final String SHAPES = "class:io.dsdagent.it.apps.BridgeBlindApp$Shapes";

    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void methodsOfALoaderThatCannotSeeTheBridgeRunAsWithoutTheAgent(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm plain = new ForkedJvm(jdk).withoutAgent().main("io.dsdagent.it.apps.BridgeBlindApp", "" + ROUNDS);
             ForkedJvm agent = new ForkedJvm(jdk).env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_MAX_SAMPLES_PER_CONTEXT", "100000")
                     .env("DSD_AGENT_INSTRUMENTATION_CLASSLOADER_ENABLED", "false")
                     .main("io.dsdagent.it.apps.BridgeBlindApp", "" + ROUNDS)) {
            plain.start();
            agent.start();
            assertEquals(0, plain.waitFor(60), plain.stderr());
            assertEquals(0, agent.waitFor(60), agent.stderr());
            String without = plain.stdout();
            String with = agent.stdout();
            int at = firstDifference(without, with);
            assertEquals(-1, at, () -> "what the calls returned or threw differs at " + at + ": without the agent '"
                    + around(without, at) + "', with it '" + around(with, at) + "'");
            assertTrue(agent.stdout().contains("threw java.lang.IllegalStateException: own 199 199 future s199? box "
                    + ROUNDS + " finally " + ROUNDS + "\nseeing "), agent.stdout());
            assertFalse(agent.stderr().contains("NoClassDefFoundError"), agent.stderr());

            // only the class path's copy reaches the agent: one value per call, no more
            LongSupplier ints = () -> Lines.valueCount(rx.lines(), "blind.int", "ms", SHAPES, "method:i", "exception:none");
            Awaits.until(Duration.ofSeconds(15), () -> ints.getAsLong() >= ROUNDS,
                    () -> "blind.int values " + ints.getAsLong() + "; stderr: " + agent.stderr());
            List<String> lines = rx.lines();
            assertEquals(ROUNDS, ints.getAsLong());
            assertEquals(ROUNDS, Lines.valueCount(lines, "blind.throws", "ms", SHAPES, "method:fail",
                    "exception:IllegalStateException"));
            assertEquals(ROUNDS, Lines.valueCount(lines, "blind.stage", "ms", SHAPES, "method:stage", "exception:none"));
            assertEquals(ROUNDS, Lines.valueCount(lines, "blind.void", "ms", SHAPES, "method:v", "exception:none"));
        }
    }

    private static int firstDifference(String a, String b) {
        for (int i = 0; i < Math.min(a.length(), b.length()); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return a.length() == b.length() ? -1 : Math.min(a.length(), b.length());
    }

    private static String around(String s, int i) {
        return s.substring(Math.max(0, i - 80), Math.min(s.length(), i + 80));
    }
}
