package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;

/**
 * One instrumentation (api, methods, servlet): says which classes may concern it (cheaply, from the
 * class file's bytes) and, for each method of such a class, which {@link Advice} the {@link Weaver}
 * inserts. Each lives in its own package and is listed once in {@link Instrumenter#MODULES};
 * {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED=false} turns it off.
 */
public interface InstrumentationModule {
    /** Prefix of a trigger that is the internal name of the class itself (matched by name, not in the constant pool). */
    String CLASS = "class:";

    /** Lower-case name used in {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED}. */
    String name();

    /**
     * Strings every class this module transforms has among its constant-pool UTF-8 entries (internal
     * names such as {@code io/dsdagent/api/Hooks}, descriptors such as {@code Lio/dsdagent/annotation/Timed;});
     * a string ending in {@code *} matches entries that start with the rest (a method descriptor's
     * parameters); {@link #CLASS}{@code name} matches only the class of that internal name itself (not
     * the classes that refer to it). Classes matching none of them are never parsed. A method descriptor
     * (a string starting with {@code (}) counts only for a class that declares a method with code of that
     * descriptor: one that calls such a method, or declares it abstract, is not parsed for it.
     */
    String[] triggers(Config config);

    /**
     * Internal-name prefixes of JDK packages this module weaves ({@code sun/net/httpserver/}); the
     * transformer skips every other JDK class. Empty for instrumentations of application code.
     */
    default String[] jdkPackages() {
        return new String[0];
    }

    /**
     * The named JDK module ({@code jdk.httpserver}) that holds {@link #jdkPackages}, or null: on JDK 9+ it
     * is given a read edge to the bridge's module before anything is woven, since a named module reads
     * only what it declares (HotSpot adds the edge too when it loads a transformed class; see
     * {@link JdkModules}).
     */
    default String jdkModule() {
        return null;
    }

    /**
     * Readies the module for weaving and wires its runtime side onto the bridge's sink
     * ({@link AgentServices#routeMethods}, {@link AgentServices#routeHttp}); null when it has nothing to
     * instrument. Runs at most once.
     */
    Matcher prepare(Config config, AgentServices agent);

    /** Decides, class by class and method by method, what a module weaves. Called at transform time. */
    interface Matcher {
        /** Descriptors ({@code Lio/dsdagent/annotation/Timed;}) of the annotations whose values it reads. */
        String[] annotations();

        /** Cheap class-level check: false when no method of {@code c} can get a hook. */
        boolean examines(ClassInfo c);

        /** The hook for {@code m} of {@code c}, or null. */
        Advice advice(ClassInfo c, MethodInfo m);
    }
}
