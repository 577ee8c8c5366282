package io.dsdagent.agent.instrument;

import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;

/** What instrumentation modules may use at transform time: the registry (to resolve metric ids) and friends. */
public final class AgentServices {
    public final Registry registry;
    public final Recorder recorder;
    public final Telemetry telemetry;
    private final java.util.function.Consumer<MethodSink> methodRoute;

    public AgentServices(Recorder recorder, Telemetry telemetry) {
        this(recorder, telemetry, null);
    }

    /** {@code methodRoute} connects a {@link MethodSink} to the bridge's sink (the starter passes it). */
    public AgentServices(Recorder recorder, Telemetry telemetry, java.util.function.Consumer<MethodSink> methodRoute) {
        this.registry = recorder.registry();
        this.recorder = recorder;
        this.telemetry = telemetry;
        this.methodRoute = methodRoute;
    }

    /** Routes the bridge's method-level calls ({@code methodTimed}, {@code methodStage}, ...) to {@code sink}. */
    public void routeMethods(MethodSink sink) {
        if (methodRoute != null) {
            methodRoute.accept(sink);
        }
    }
}
