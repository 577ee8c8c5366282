package io.dsdagent.agent.instrument;

import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;

/**
 * What an instrumentation gets in {@link InstrumentationModule#prepare}: the registry (to resolve metric
 * ids at transform time), the recorder and telemetry (to build its runtime side), and the one way to
 * connect that runtime side to the bridge ({@link #routeMethods}, {@link #routeHttp}, both onto the
 * {@link BridgeSink}). Nothing else wires an instrumentation: the starter knows none of them.
 */
public final class AgentServices {
    /**
     * The agent's services, built on first need: {@code premain} installs the transformer before they
     * exist, and the first class it weaves asks for them (null: the agent could not start; weave nothing).
     */
    public interface Lazy {
        AgentServices get();
    }

    public final Registry registry;
    public final Recorder recorder;
    public final Telemetry telemetry;
    private final BridgeSink sink;

    /** {@code sink}: the bridge's sink, or null (tests that weave without a bridge: routes go nowhere). */
    public AgentServices(Recorder recorder, Telemetry telemetry, BridgeSink sink) {
        this.registry = recorder.registry();
        this.recorder = recorder;
        this.telemetry = telemetry;
        this.sink = sink;
    }

    /** Routes the bridge's method timing ({@code methodTimed}, {@code methodStage}) to {@code methods}. */
    public void routeMethods(MethodSink methods) {
        if (sink != null) {
            sink.routeMethods(methods);
        }
    }

    /**
     * Routes {@code Bridge.httpRequest} to {@code http} unless another HTTP instrumentation already did;
     * returns the sink in use, which every HTTP instrumentation then shares.
     */
    public HttpSink routeHttp(HttpSink http) {
        return sink == null ? http : sink.routeHttp(http);
    }
}
