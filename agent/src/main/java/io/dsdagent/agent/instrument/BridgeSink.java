package io.dsdagent.agent.instrument;

import io.dsdagent.agent.instrument.api.ApiRecorder;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Sink;

/**
 * The agent's side of the bridge: every call woven code or the API facade makes lands here and goes one
 * way down, to the runtime side its instrumentation wired ({@link #routeMethods}, {@link #routeHttp},
 * called from {@link InstrumentationModule#prepare}), or to the API recorder and the {@link EventSink}.
 * It knows no instrumentation, aggregator or encoder. A route not wired (its instrumentation is off)
 * drops the call silently: nothing was woven to make it. Every entry point swallows its own failures.
 */
public final class BridgeSink implements Sink {
    private final ApiRecorder api;
    /** The API's value path goes to it directly: one hop less to the registry and thread buffers. */
    private final Recorder recorder;
    private final EventSink events;
    private final Telemetry telemetry;
    private volatile MethodSink methods;
    private volatile HttpSink http;

    /**
     * The API's recording side is built here, not routed: the API entries are the bridge's own surface
     * (the {@code Sink} methods the facade's stubs call), the same whichever loader holds the stubs.
     */
    public BridgeSink(Recorder recorder, EventSink events, Telemetry telemetry) {
        this.api = new ApiRecorder(recorder, telemetry);
        this.recorder = recorder;
        this.events = events;
        this.telemetry = telemetry;
    }

    /**
     * Installs a new sink in the bridge, which must be defined in the boot loader by now, and returns
     * the services the modules wire onto it. Here rather than in the starter: checking that a
     * {@code BridgeSink} is a {@code Sink} loads {@code Sink}, and a class that did so before the bridge
     * was defined would load the jar's own copy in the application loader.
     */
    public static AgentServices install(Recorder recorder, EventSink events, Telemetry telemetry) {
        BridgeSink sink = new BridgeSink(recorder, events, telemetry);
        Bridge.install(sink);
        telemetry.bridgeInstalled();
        return new AgentServices(recorder, telemetry, sink);
    }

    /** Method timing's runtime side; set before any class is woven (late attach runs woven code at once). */
    public void routeMethods(MethodSink m) {
        methods = m;
    }

    /**
     * The {@code http.server.requests} runtime side; the first HTTP instrumentation to prepare sets it
     * and the others share it (one tag table, one context share). Returns the sink in use.
     */
    public synchronized HttpSink routeHttp(HttpSink h) {
        if (http == null) {
            http = h;
        }
        return http;
    }

    /** The HTTP sink in use, or null when no HTTP instrumentation is on. */
    public HttpSink http() {
        return http;
    }

    @Override
    public int resolve(int type, String name, String[] tags) {
        return api.resolve(type, name, tags);
    }

    @Override
    public int register(int type, String name, String[] tags) {
        return api.register(type, name, tags);
    }

    @Override
    public int tryCount(int id, long delta) {
        return api.tryCount(id, delta);
    }

    @Override
    public int tryGauge(int id, double value) {
        return api.tryGauge(id, value);
    }

    @Override
    public int tryRecordNanos(int id, long nanos) {
        return recorder.tryRecordNanos(id, nanos) ? TAKEN : api.notLive(id);
    }

    @Override
    public int tryRecord(int id, double value) {
        return recorder.tryRecord(id, value) ? TAKEN : api.notLive(id);
    }

    @Override
    public int trySetAdd(int id, String member) {
        return api.trySetAdd(id, member);
    }

    @Override
    public void count(int id, long delta) {
        api.count(id, delta);
    }

    @Override
    public void gauge(int id, double value) {
        api.gauge(id, value);
    }

    @Override
    public void recordNanos(int id, long nanos) {
        api.recordNanos(id, nanos);
    }

    @Override
    public void record(int id, double value) {
        api.record(id, value);
    }

    @Override
    public void setAdd(int id, String member) {
        api.setAdd(id, member);
    }

    @Override
    public void event(String title, String text, long timestampSeconds, String hostname, String aggregationKey,
                      String priority, String sourceType, String alertType, String[] tags) {
        try {
            events.event(title, text, timestampSeconds, hostname, aggregationKey, priority, sourceType, alertType,
                    tags);
        } catch (Throwable t) {
            failed(t);
        }
    }

    @Override
    public void serviceCheck(String name, int status, long timestampSeconds, String hostname, String message,
                             String[] tags) {
        try {
            events.serviceCheck(name, status, timestampSeconds, hostname, message, tags);
        } catch (Throwable t) {
            failed(t);
        }
    }

    @Override
    public void methodTimed(int methodId, long nanos, Throwable thrown) {
        MethodSink m = methods;
        if (m != null) {
            m.timed(methodId, nanos, thrown);
        }
    }

    @Override
    public void methodStage(int methodId, long startNanos, Object returned, Throwable thrown) {
        MethodSink m = methods;
        if (m != null) {
            m.stage(methodId, startNanos, returned, thrown);
        }
    }

    @Override
    public void httpRequest(long nanos, String method, int status, boolean committed, String route, Throwable thrown) {
        HttpSink h = http;
        if (h != null) {
            try {
                h.record(nanos, method, status, committed, route, thrown);
            } catch (Throwable t) {
                failed(t);
            }
        }
    }

    @Override
    public void adviceError(Throwable error) {
        failed(error);
    }

    /**
     * A failure inside instrumentation code: swallowed so the application carries on, counted in
     * {@code dsd_agent.advice.errors}, and named once per kind and place on stderr.
     */
    private void failed(Throwable t) {
        telemetry.adviceError();
        try {
            StackTraceElement[] st = t == null ? new StackTraceElement[0] : t.getStackTrace();
            String at = st.length == 0 ? "?" : st[0].toString();
            for (StackTraceElement e : st) { // the agent's own frame says more than the JDK's
                if (e.getClassName().startsWith("io.dsdagent.")) {
                    at = e.toString();
                    break;
                }
            }
            Log.warnOnce("advice " + (t == null ? null : t.getClass().getName()) + " " + at,
                    "instrumentation failed and was skipped (counted in dsd_agent.advice.errors): " + t + " at " + at);
        } catch (Throwable ignored) {
            // counted already
        }
    }

    @Override
    public int hookEnter(int hook, Object a, Object b) {
        try {
            return HookTable.enter(hook, a, b);
        } catch (Throwable t) {
            failed(t);
            return 0;
        }
    }

    @Override
    public void hookExit(int hook, int code, Object a, Object b, Object returned, Throwable thrown) {
        try {
            HookTable.exit(hook, code, a, b, returned, thrown);
        } catch (Throwable t) {
            failed(t);
        }
    }
}
