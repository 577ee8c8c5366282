package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.ClassInfo;
import io.dsdagent.agent.instrument.Hook;
import io.dsdagent.agent.instrument.MethodInfo;
import io.dsdagent.agent.instrument.InstrumentationModule;

/**
 * Times and counts methods: {@code io.dsdagent.annotation.Timed}/{@code Counted}, Micrometer's
 * {@code @Timed}/{@code @Counted} (by name), and {@code DSD_AGENT_TIMED_METHODS}. Switches:
 * {@code DSD_AGENT_INSTRUMENTATION_METHODS_ENABLED} (all of it), {@code ..._ANNOTATIONS_ENABLED} (ours),
 * {@code ..._MICROMETER_ENABLED} / {@code DSD_AGENT_MICROMETER_ANNOTATIONS} (Micrometer's).
 *
 * <p>Each planned method reads {@link System#nanoTime()} on entry and, on every return and throw, makes
 * one bridge call with primitives and its method id, a constant resolved at weave time; a method
 * returning a {@code CompletionStage} hands it over and is timed until it completes.
 */
public final class MethodsModule implements InstrumentationModule {
    @Override
    public String name() {
        return "methods";
    }

    @Override
    public String[] triggers(Config config) {
        java.util.List<String> t = new java.util.ArrayList<String>();
        if (config.instrumentationEnabled("annotations")) {
            t.add(MethodRules.descriptor(MethodRules.TIMED));
            t.add(MethodRules.descriptor(MethodRules.COUNTED));
        }
        if (config.micrometerAnnotations) {
            t.add(MethodRules.descriptor(MethodRules.MM_TIMED));
            t.add(MethodRules.descriptor(MethodRules.MM_COUNTED));
        }
        for (String type : config.timedMethods.keySet()) {
            t.add(CLASS + type.replace('.', '/'));
        }
        return t.toArray(new String[0]);
    }

    @Override
    public Matcher prepare(Config config, AgentServices agent) {
        MethodRules rules = MethodRules.from(config);
        if (!rules.active()) {
            return null;
        }
        MethodTable table = new MethodTable(agent.registry, agent.recorder, agent.telemetry);
        agent.routeMethods(table); // before any class is woven: late attach runs woven code at once
        return matcher(rules, table);
    }

    /** The matcher for {@code rules}, recording into {@code table}; used by tests too. */
    public static Matcher matcher(final MethodRules rules, final MethodTable table) {
        return new Matcher() {
            @Override
            public String[] annotations() {
                return rules.annotationDescriptors();
            }

            @Override
            public boolean examines(ClassInfo c) {
                return rules.examines(c);
            }

            @Override
            public Hook hook(ClassInfo c, MethodInfo m) {
                MethodPlan p = rules.plan(c, m);
                if (p == null) {
                    return null;
                }
                int id = table.idFor(p);
                return id < 0 ? null : Hook.timed(id, p.async);
            }
        };
    }
}
