package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import io.dsdagent.fixture.measure.Targets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The debug-only measuring transformer: it returns exactly what the transformer it wraps returns, and
 * its report sorts every class by outcome (skipped by name, rejected by the prefilter, parsed, woven).
 */
class MeasuredTransformerTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private int level;

    @BeforeEach
    void captureLog() {
        level = Log.level();
        Log.setLevel(Log.DEBUG);
        Log.setOut(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOut(System.err);
        Log.setLevel(level);
    }

    private static String internal(Class<?> c) {
        return c.getName().replace('.', '/');
    }

    private static byte[] classFile(Class<?> c) {
        return Resources.classFile(c.getClassLoader(), internal(c));
    }

    @Test
    void sortsEachClassByOutcomeAndReturnsWhatTheWovenTransformerReturns() {
        InstrumentationModule.Matcher runHook = new InstrumentationModule.Matcher() {
            @Override
            public String[] annotations() {
                return new String[0];
            }

            @Override
            public boolean examines(ClassInfo c) {
                return true;
            }

            @Override
            public Advice advice(ClassInfo c, MethodInfo m) {
                return m.name.equals("run") ? Advice.bridgeOnEntry("httpHandedOff") : null;
            }
        };
        WeavingTransformer inner = Instrumenter.transformer(List.of(InstrumentationModule.CLASS + internal(Targets.Hooked.class),
                InstrumentationModule.CLASS + internal(Targets.Unhooked.class)), new Weaver(List.of(runHook)));
        MeasuredTransformer t = new MeasuredTransformer(inner);
        ClassLoader loader = Targets.class.getClassLoader();

        assertNull(t.transform(loader, "java/lang/Thing", null, null, classFile(Targets.class)));
        assertNull(t.transform(loader, internal(Targets.class), null, null, classFile(Targets.class)));
        assertNull(t.transform(loader, internal(Targets.Unhooked.class), null, null, classFile(Targets.Unhooked.class)));
        assertNotNull(t.transform(loader, internal(Targets.Hooked.class), null, null, classFile(Targets.Hooked.class)));
        t.report("now");

        String log = err.toString(StandardCharsets.UTF_8);
        List<String> lines = log.lines().filter(l -> l.contains("transformer CPU time")).toList();
        assertEquals(1, lines.size(), log);
        String line = lines.get(0);
        assertTrue(line.startsWith("[dsd-agent] DEBUG transformer CPU time now:"), line);
        assertTrue(line.contains("skipped by name (JDK, agent) 1 classes"), line);
        assertTrue(line.contains("rejected by the prefilter 1 classes"), line);
        assertTrue(line.contains("parsed, left unchanged 1 classes"), line);
        assertTrue(line.contains("woven 1 classes"), line);
        assertTrue(line.contains("of which the first parsed class (loads the weaver) 1 classes"), line);
    }
}
