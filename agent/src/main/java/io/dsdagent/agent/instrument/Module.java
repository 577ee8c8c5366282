package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One instrumentation (api, annotations, servlet, ...): adds its type matchers and advice to the shared
 * {@link AgentBuilder}. Each lives in its own package and is listed once in {@link Instrumenter#MODULES};
 * {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED=false} turns it off.
 */
public interface Module {
    /** Prefix of a trigger that is the internal name of the class itself (matched by name, not in the constant pool). */
    String CLASS = "class:";

    /** Lower-case name used in {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED}. */
    String name();

    /**
     * Strings every class this module transforms has among its constant-pool UTF-8 entries (internal
     * names such as {@code io/dsdagent/api/Hooks}, descriptors such as {@code Lio/dsdagent/annotation/Timed;});
     * a string ending in {@code *} matches entries that start with the rest (a method descriptor's
     * parameters); {@link #CLASS}{@code name} matches only the class of that internal name itself (not
     * the classes that refer to it); classes matching none of them are never handed to ByteBuddy. Null if the module cannot tell (then
     * every class is examined and ByteBuddy is built in premain). Must not touch ByteBuddy.
     */
    String[] triggers(Config config);

    /** Adds this module's transformations. {@code agent} gives access to the agent's shared services. */
    AgentBuilder extend(AgentBuilder builder, Config config, AgentServices agent);
}
