package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.ClassInfo;
import io.dsdagent.agent.instrument.Advice;
import io.dsdagent.agent.instrument.MethodInfo;
import io.dsdagent.agent.instrument.InstrumentationModule;
import io.dsdagent.agent.log.Log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

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
        List<String> t = new ArrayList<String>();
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

    /**
     * One line at start (with the start-up line, {@link io.dsdagent.agent.instrument.Instrumenter#startLines})
     * when {@code DSD_AGENT_TIMED_METHODS} names JDK classes: the agent never weaves
     * {@code java.}, {@code jdk.}, {@code sun.} or {@code com.sun.} classes (they load before it, from
     * modules that cannot see the bridge), so those entries would otherwise be ignored in silence.
     * Returns the classes named.
     */
    public static List<String> warnAboutJdkClasses(Collection<String> classes) {
        List<String> jdk = new ArrayList<String>();
        for (String c : classes) {
            if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("com.sun.")) {
                jdk.add(c);
            }
        }
        if (!jdk.isEmpty()) {
            Collections.sort(jdk);
            Log.warn("DSD_AGENT_TIMED_METHODS names JDK classes, which the agent does not instrument: " + jdk
                    + "; they are ignored");
        }
        return jdk;
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
            public Advice advice(ClassInfo c, MethodInfo m) {
                MethodPlan p = rules.plan(c, m);
                if (p == null) {
                    return null;
                }
                int id = table.idFor(p);
                return id < 0 ? null : Advice.timed(id, p.async);
            }
        };
    }
}
