package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;

import java.lang.instrument.Instrumentation;

/**
 * Makes the bridge package visible to class loaders that would not hand it to the boot loader: one
 * framework that isolates packages (JBoss Modules, OSGi), or every other loader's {@code loadClass}
 * (package {@code classloader}). Woven code calls the bridge in the boot loader, so a class whose loader
 * refuses that package could not link. Each lives in its own package, is listed once in
 * {@link Instrumenter#LOADERS} and has its own switch, {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED}.
 * Where visibility cannot be arranged, the support marks the framework's loaders with
 * {@link LoaderVisibility#blind} instead, so their classes are not woven.
 */
public interface LoaderSupport {
    /** Lower-case name used in {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED}. */
    String name();

    /** Arranges visibility, before any class is woven; {@code enabled}: its switch is on. */
    void install(Instrumentation inst, Config config, boolean enabled, boolean lateAttach);

    /**
     * Called before {@link #install} with the weaving transformer that follows this support's in the
     * chain: a support that walks every class's constant pool may answer its prefilter in the same walk
     * ({@link WeavingTransformer#mentionsSharing}).
     */
    default void shareScan(WeavingTransformer weaving) {
    }
}
