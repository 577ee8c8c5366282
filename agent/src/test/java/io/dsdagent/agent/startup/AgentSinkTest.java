package io.dsdagent.agent.startup;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures inside instrumentation code: each counted, each kind and place named once on stderr. */
class AgentSinkTest {
    @Test
    void adviceFailuresAreCountedAndNamedOncePerKindAndPlace() {
        Telemetry telemetry = new Telemetry();
        Recorder recorder = new Recorder(new Registry(100, 1, List.of(), telemetry), telemetry, 1, 1024);
        AgentSink sink = new AgentSink(recorder, null, telemetry, new AtomicReference<>(new byte[0]));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log.setOut(new PrintStream(err, true));
        try {
            for (int i = 0; i < 5; i++) {
                sink.adviceError(failure());            // same kind, same place: one line
            }
            sink.adviceError(new IllegalArgumentException("other")); // another kind and place: a second line
            sink.adviceError(null);                     // nothing to name, still counted
        } finally {
            Log.setOut(System.err);
        }
        assertEquals(7, telemetry.adviceErrors());
        String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, err.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].startsWith("[dsd-agent] WARN instrumentation failed and was skipped (counted in "
                + "dsd_agent.advice.errors): java.lang.IllegalStateException: broken at io.dsdagent.agent.startup."
                + "AgentSinkTest.failure(AgentSinkTest.java:"), lines[0]);
        assertTrue(lines[1].contains("java.lang.IllegalArgumentException: other at io.dsdagent.agent.startup."
                + "AgentSinkTest.adviceFailuresAreCountedAndNamedOncePerKindAndPlace"), lines[1]);
        assertTrue(lines[2].endsWith("): null at ?"), lines[2]);
    }

    private static IllegalStateException failure() {
        return new IllegalStateException("broken");
    }
}
