package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One instrumentation (api, annotations, servlet, ...): adds its type matchers and advice to the shared
 * {@link AgentBuilder}. Each lives in its own package and is listed once in {@link Instrumenter#MODULES};
 * {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED=false} turns it off.
 */
public interface Module {
    /** Lower-case name used in {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED}. */
    String name();

    /** Adds this module's transformations. {@code agent} gives access to the agent's shared services. */
    AgentBuilder extend(AgentBuilder builder, Config config, AgentServices agent);
}
