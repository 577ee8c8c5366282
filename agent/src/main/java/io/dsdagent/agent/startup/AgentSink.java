package io.dsdagent.agent.startup;

import io.dsdagent.agent.aggregate.Aggregator;
import io.dsdagent.agent.encode.EventEncoder;
import io.dsdagent.agent.instrument.MethodSink;
import io.dsdagent.agent.instrument.api.ApiRecorder;
import io.dsdagent.agent.instrument.servlet.HttpMetrics;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.bootstrap.Sink;

/** Connects the bridge to the recorder; every entry point swallows its own failures. */
final class AgentSink implements Sink {
    private final ApiRecorder api;
    private final Registry registry;
    private final Aggregator aggregator;
    private final Telemetry telemetry;
    private final String[] constantTags;
    private final java.util.concurrent.atomic.AtomicReference<byte[]> originSuffix;
    private volatile MethodSink methods;
    private volatile HttpMetrics http;

    AgentSink(Recorder recorder, Aggregator aggregator, Telemetry telemetry,
              java.util.concurrent.atomic.AtomicReference<byte[]> originSuffix) {
        this.api = new ApiRecorder(recorder, telemetry);
        this.registry = recorder.registry();
        this.aggregator = aggregator;
        this.telemetry = telemetry;
        this.constantTags = registry.constantTags();
        this.originSuffix = originSuffix;
    }

    void setMethods(MethodSink m) {
        methods = m;
    }

    void setHttp(HttpMetrics h) {
        http = h;
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
        return api.tryRecordNanos(id, nanos);
    }

    @Override
    public int tryRecord(int id, double value) {
        return api.tryRecord(id, value);
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
    public void event(final String title, final String text, final long timestampSeconds, final String hostname,
                      final String aggregationKey, final String priority, final String sourceType,
                      final String alertType, final String[] tags) {
        try {
            aggregator.offerRaw(new Aggregator.Outbound() {
                @Override
                public byte[] encode(int maxBytes) {
                    return EventEncoder.event(title, text, timestampSeconds, hostname, aggregationKey,
                            priority, sourceType, alertType, tags, constantTags, originSuffix.get(), maxBytes);
                }
            });
        } catch (Throwable t) {
            failed(t);
        }
    }

    @Override
    public void serviceCheck(final String name, final int status, final long timestampSeconds,
                             final String hostname, final String message, final String[] tags) {
        try {
            aggregator.offerRaw(new Aggregator.Outbound() {
                @Override
                public byte[] encode(int maxBytes) {
                    return EventEncoder.serviceCheck(name, status, timestampSeconds, hostname, message, tags,
                            constantTags, originSuffix.get(), maxBytes);
                }
            });
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
        HttpMetrics h = http;
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
            return io.dsdagent.agent.instrument.HookTable.enter(hook, a, b);
        } catch (Throwable t) {
            failed(t);
            return 0;
        }
    }

    @Override
    public void hookExit(int hook, int code, Object a, Object b, Object returned, Throwable thrown) {
        try {
            io.dsdagent.agent.instrument.HookTable.exit(hook, code, a, b, returned, thrown);
        } catch (Throwable t) {
            failed(t);
        }
    }
}
