package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;
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
 * <p>Runs on the class-loading thread, inside the transformer's re-entrancy guard: the agent's and
 * JDK classes it loads meanwhile pass through the transformer untouched. Other threads that bring a
 * candidate wait on this object until it is made. It is made once; a failure leaves it null with one
 * line, and nothing is woven.
 */
final class LazyWeaver {
    private final Instrumentation inst;
    private final List<InstrumentationModule> modules;
    private final Config config;
    private final AgentServices.Lazy services;
    private volatile Weaver weaver;
    /** Guarded by {@code this}. */
    private boolean made;

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
