package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures inside instrumentation code: each counted, each kind and place named once on stderr. */
class BridgeSinkTest {
    @Test
    void adviceFailuresAreCountedAndNamedOncePerKindAndPlace() {
        Telemetry telemetry = new Telemetry();
        Recorder recorder = new Recorder(new Registry(100, 1, List.of(), telemetry), telemetry, 1, 1024);
        BridgeSink sink = new BridgeSink(recorder, null, telemetry);
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
                + "dsd_agent.advice.errors): java.lang.IllegalStateException: broken at io.dsdagent.agent.instrument."
                + "BridgeSinkTest.failure(BridgeSinkTest.java:"), lines[0]);
        assertTrue(lines[1].contains("java.lang.IllegalArgumentException: other at io.dsdagent.agent.instrument."
                + "BridgeSinkTest.adviceFailuresAreCountedAndNamedOncePerKindAndPlace"), lines[1]);
        assertTrue(lines[2].endsWith("): null at ?"), lines[2]);
    }

    @Test
    void eachCallGoesOneWayDownToTheRuntimeSideItsInstrumentationRouted() {
        Telemetry telemetry = new Telemetry();
        Recorder recorder = new Recorder(new Registry(100, 1, List.of(), telemetry), telemetry, 1, 1024);
        List<String> seen = new ArrayList<>();
        BridgeSink sink = new BridgeSink(recorder, new EventSink() {
            @Override
            public void event(String title, String text, long ts, String host, String key, String priority,
                              String source, String alert, String[] tags) {
                seen.add("event " + title);
            }

            @Override
            public void serviceCheck(String name, int status, long ts, String host, String message, String[] tags) {
                seen.add("check " + name + " " + status);
            }
        }, telemetry);
        sink.methodTimed(7, 5, null);               // nothing routed yet: dropped, not failed
        sink.httpRequest(5, "GET", 200, false, null, null);
        assertEquals(null, sink.http());
        sink.routeMethods(new MethodSink() {
            @Override
            public void timed(int methodId, long nanos, Throwable thrown) {
                seen.add("timed " + methodId + " " + nanos);
            }

            @Override
            public void stage(int methodId, long startNanos, Object returned, Throwable thrown) {
                seen.add("stage " + methodId + " " + returned);
            }
        });
        HttpSink first = (nanos, method, status, committed, route, thrown) ->
                seen.add("http " + method + " " + status + " " + route);
        HttpSink second = (nanos, method, status, committed, route, thrown) -> seen.add("second");
        assertSame(first, sink.routeHttp(first));
        assertSame(first, sink.routeHttp(second)); // a second HTTP instrumentation shares the first's side
        sink.methodTimed(7, 5, null);
        sink.methodStage(8, 0, "x", null);
        sink.httpRequest(5, "POST", 404, false, "/r", null);
        sink.event("t", "x", 0, null, null, null, null, null, null);
        sink.serviceCheck("c", 2, 0, null, null, null);
        assertEquals(List.of("timed 7 5", "stage 8 x", "http POST 404 /r", "event t", "check c 2"), seen);
        assertEquals(0, telemetry.adviceErrors());
    }

    private static IllegalStateException failure() {
        return new IllegalStateException("broken");
    }
}
