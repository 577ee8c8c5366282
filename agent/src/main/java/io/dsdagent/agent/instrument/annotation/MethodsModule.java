package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.Module;
import io.dsdagent.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.security.ProtectionDomain;

import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Times and counts methods: {@code io.dsdagent.annotation.Timed}/{@code Counted}, Micrometer's
 * {@code @Timed}/{@code @Counted} (by name), and {@code DSD_AGENT_TIMED_METHODS}. Switches:
 * {@code DSD_AGENT_INSTRUMENTATION_METHODS_ENABLED} (all of it), {@code ..._ANNOTATIONS_ENABLED} (ours),
 * {@code ..._MICROMETER_ENABLED} / {@code DSD_AGENT_MICROMETER_ANNOTATIONS} (Micrometer's).
 */
public final class MethodsModule implements Module {
    @Override
    public String name() {
        return "methods";
    }

    @Override
    public String[] triggers(Config config) {
        java.util.List<String> t = new java.util.ArrayList<String>();
        if (config.instrumentationEnabled("annotations")) {
            t.add(descriptor(MethodRules.TIMED));
            t.add(descriptor(MethodRules.COUNTED));
        }
        if (config.micrometerAnnotations) {
            t.add(descriptor(MethodRules.MM_TIMED));
            t.add(descriptor(MethodRules.MM_COUNTED));
        }
        for (String type : config.timedMethods.keySet()) {
            t.add(CLASS + type.replace('.', '/'));
        }
        return t.toArray(new String[0]);
    }

    private static String descriptor(String annotation) {
        return "L" + annotation.replace('.', '/') + ";";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, Config config, AgentServices agent) {
        MethodRules rules = MethodRules.from(config);
        if (!rules.active()) {
            return builder;
        }
        MethodTable table = new MethodTable(agent.registry, agent.recorder, agent.telemetry);
        agent.routeMethods(table); // before any class is transformed: late attach runs advice at once
        return extend(builder, rules, table);
    }

    /** Adds the transformation for {@code rules}, recording into {@code table}; used by tests too. */
    public static AgentBuilder extend(AgentBuilder builder, MethodRules rules, MethodTable table) {
        // boot-loader classes are never the user's; skipping them avoids describing the JDK at all
        return builder.type(rules.types(), not(isBootstrapClassLoader())).transform(new Transformer(rules, table));
    }

    /** Adds the sync or stage advice to each planned method; both carry the method id as a constant. */
    static final class Transformer implements AgentBuilder.Transformer {
        private final MethodRules rules;
        private final Advice sync;
        private final Advice stage;

        Transformer(MethodRules rules, MethodTable table) {
            this.rules = rules;
            Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(new MethodIdMapping(rules, table));
            // advice failures are swallowed and counted through the bridge, never thrown into the app
            Advice.ExceptionHandler counted = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(
                    new MethodDescription.ForLoadedMethod(adviceError())));
            // the advice classes are read from the agent's own class loader
            this.sync = mapping.to(MethodAdvice.Sync.class).withExceptionHandler(counted);
            this.stage = mapping.to(MethodAdvice.Stage.class).withExceptionHandler(counted);
        }

        private static java.lang.reflect.Method adviceError() {
            try {
                return Bridge.class.getMethod("adviceError", Throwable.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                ClassLoader loader, JavaModule module, ProtectionDomain domain) {
            return builder.visit(sync.on(new Planned(rules, type, false)))
                    .visit(stage.on(new Planned(rules, type, true)));
        }
    }

    /** Methods of one type that have a plan, sync or async. */
    static final class Planned extends ElementMatcher.Junction.AbstractBase<MethodDescription> {
        private final MethodRules rules;
        private final TypeDescription type;
        private final boolean async;

        Planned(MethodRules rules, TypeDescription type, boolean async) {
            this.rules = rules;
            this.type = type;
            this.async = async;
        }

        @Override
        public boolean matches(MethodDescription m) {
            MethodPlan p = rules.plan(type, m);
            return p != null && p.async == async;
        }
    }
}
