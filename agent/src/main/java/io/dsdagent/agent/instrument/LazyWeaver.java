package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.classloader.AsmWarmup;
import io.dsdagent.agent.log.Log;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Weaver}, made when the first class passes the prefilter: only then are the agent's services
 * built (if its thread has not built them yet), the modules prepared (each wires its runtime side onto
 * the bridge's sink before anything is woven) and a JDK module a module weaves given its read edge to
 * the bridge. So {@code premain} loads neither ASM, the weaver nor the modules' runtime side, and an
 * application none of whose classes concern a module never loads them (issue 18).
 *
 * <p>Made by the warm-up thread ({@link #seen}), or else by the first class-loading thread that brings a
 * candidate, inside the transformer's re-entrancy guard. Either way the agent's and JDK classes it
 * loads meanwhile pass through the transformer untouched (skipped by name; a candidate loaded by the
 * making thread itself finds the monitor held by that thread and no weaver yet, and is left as it
 * is, as the guard would leave it). Other threads that bring a candidate wait on this object until it
 * is made. It is made once; a failure leaves it null with one line, and nothing is woven.
 */
final class LazyWeaver {
    /** Classes examined before ASM is loaded ahead of the weaver ({@link #seen}). */
    static final int WARM_AFTER = 50;
    private final Instrumentation inst;
    private final List<InstrumentationModule> modules;
    private final Config config;
    private final AgentServices.Lazy services;
    private volatile Weaver weaver;
    /** Guarded by {@code this}. */
    private boolean made;
    /** Classes the transformer examined; racy: a lost count only delays the warm-up a little. */
    private int seen;
    private volatile boolean warming;
    /** The warm-up thread once started (tests); guarded by {@code this}. */
    Thread warmup;

    /** A weaver that exists already (tests, and transformers built from prepared modules). */
    LazyWeaver(Weaver weaver) {
        this(null, null, null, null);
        this.weaver = weaver;
        this.made = true;
    }

    LazyWeaver(Instrumentation inst, List<InstrumentationModule> modules, Config config, AgentServices.Lazy services) {
        this.inst = inst;
        this.modules = modules;
        this.config = config;
        this.services = services;
    }

    /**
     * Called for every class the transformer examines (JDK and agent classes are not): the
     * {@value #WARM_AFTER}th starts loading ASM on a thread of its own ({@link AsmWarmup}), which then
     * makes the weaver, so the first class the weaver parses does neither on the application's thread.
     * An application that loads fewer classes (a short {@code main}) never pays for it; a Spring Boot
     * jar reaches that count with its launcher's classes, a few hundred milliseconds before the first
     * class is woven.
     */
    void seen() {
        if (!warming && ++seen >= WARM_AFTER) {
            startWarmup();
        }
    }

    private synchronized void startWarmup() {
        if (!warming && !made && inst != null) {
            // then the weaver itself (the modules prepared, the agent's services built), so the first
            // class that passes the prefilter finds it made: ~6 ms off the application's thread on a
            // Spring Boot jar, whose first candidate comes a few hundred ms after the 50th class
            warmup = AsmWarmup.start(new Runnable() {
                @Override
                public void run() {
                    Weaver w = get();
                    if (w != null) {
                        try {
                            w.rehearse(); // the weaving path's classes loaded and run here, not on the first woven class's thread
                        } catch (Throwable t) {
                            // nothing is lost but the head start: the first woven class loads them
                        }
                    }
                }
            });
        }
        warming = true;
    }

    /** The weaver; null when there is nothing to weave (no module prepared, or the agent could not start). */
    Weaver get() {
        Weaver w = weaver;
        return w != null ? w : make();
    }

    private synchronized Weaver make() {
        if (made) {
            return weaver;
        }
        made = true;
        try {
            AgentServices agent = services.get();
            if (agent == null) {
                return null; // the agent could not start: one line said so
            }
            List<InstrumentationModule.Matcher> matchers = new ArrayList<InstrumentationModule.Matcher>();
            for (InstrumentationModule m : modules) {
                // a module weaving a named JDK module needs its read edge to the bridge first
                if (m.jdkModule() == null || JdkModules.readBridge(inst, m.jdkModule())) {
                    InstrumentationModule.Matcher matcher = m.prepare(config, agent);
                    if (matcher != null) {
                        matchers.add(matcher);
                    }
                }
            }
            weaver = matchers.isEmpty() ? null : new Weaver(matchers);
        } catch (Throwable t) {
            Log.error("instrumentation disabled: " + t + " (the API, counts and samplers still work)");
        }
        return weaver;
    }
}
