package io.dsdagent.agent.instrument;

import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;

/** What instrumentation modules may use at transform time: the registry (to resolve metric ids) and friends. */
public final class AgentServices {
    public final Registry registry;
    public final Recorder recorder;
    public final Telemetry telemetry;

    public AgentServices(Recorder recorder, Telemetry telemetry) {
        this.registry = recorder.registry();
        this.recorder = recorder;
        this.telemetry = telemetry;
    }
}
