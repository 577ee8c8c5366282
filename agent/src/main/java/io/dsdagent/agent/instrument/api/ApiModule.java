package io.dsdagent.agent.instrument.api;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.ClassInfo;
import io.dsdagent.agent.instrument.ClassMatcher;
import io.dsdagent.agent.instrument.Advice;
import io.dsdagent.agent.instrument.MethodInfo;
import io.dsdagent.agent.instrument.InstrumentationModule;
import io.dsdagent.bootstrap.Bridge;
import org.objectweb.asm.Type;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

/**
 * Wires the API facade: {@code io.dsdagent.api.Hooks} in whatever class loader the application has it
 * (matched by name, so a webapp's own copy is wired too). Each known stub's body becomes a call to the
 * bridge method of the same name and exact descriptor. Stubs the agent does not know (a newer API jar,
 * or a stub that shares a known one's name with other parameter types) stay no-ops.
 */
public final class ApiModule implements InstrumentationModule {
    static final String HOOKS = "io/dsdagent/api/Hooks";
    /** The stubs wired, as name + descriptor; each must exist on the bridge with that descriptor. */
    static final String[] STUBS = {
        "resolve(ILjava/lang/String;[Ljava/lang/String;)I",
        "tryCount(IJ)I",
        "tryGauge(ID)I",
        "tryRecordNanos(IJ)I",
        "tryRecord(ID)I",
        "trySetAdd(ILjava/lang/String;)I",
        // the stubs of API jars whose handles cannot renew their ids (and this jar's fallback)
        "register(ILjava/lang/String;[Ljava/lang/String;)I",
        "count(IJ)V",
        "gauge(ID)V",
        "recordNanos(IJ)V",
        "record(ID)V",
        "setAdd(ILjava/lang/String;)V",
        "event(Ljava/lang/String;Ljava/lang/String;JLjava/lang/String;Ljava/lang/String;Ljava/lang/String;"
                + "Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;)V",
        "serviceCheck(Ljava/lang/String;IJLjava/lang/String;Ljava/lang/String;[Ljava/lang/String;)V",
    };

    @Override
    public String name() {
        return "api";
    }

    @Override
    public String[] triggers(Config config) {
        return new String[] {CLASS + HOOKS};
    }

    @Override
    public Matcher prepare(Config config, AgentServices agent) {
        final Set<String> wired = new HashSet<String>();
        Set<String> bridge = bridgeMethods();
        for (String s : STUBS) {
            if (bridge.contains(s)) {
                wired.add(s);
            }
        }
        return new ClassMatcher(HOOKS) {
            @Override
            public Advice advice(ClassInfo c, MethodInfo m) {
                return m.is(java.lang.reflect.Modifier.STATIC) && m.hasCode() && wired.contains(m.name + m.desc)
                        ? Advice.replace() : null;
            }
        };
    }

    /** The bridge's public static methods as name + descriptor. */
    static Set<String> bridgeMethods() {
        Set<String> out = new HashSet<String>();
        for (Method m : Bridge.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                out.add(m.getName() + Type.getMethodDescriptor(m));
            }
        }
        return out;
    }
}
