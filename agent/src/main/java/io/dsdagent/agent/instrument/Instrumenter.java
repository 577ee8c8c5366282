package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.api.ApiModule;
import io.dsdagent.agent.instrument.servlet.ServletModule;
import io.dsdagent.agent.log.Log;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/**
 * Installs the agent's instrumentations with one ByteBuddy {@link AgentBuilder}. Every non-default
 * setting says why.
 */
public final class Instrumenter {
    private Instrumenter() {
    }

    /** Every instrumentation, in the order its transformations are added. */
    static final Module[] MODULES = {
        new ApiModule(),
        new ServletModule(),
    };

    public static void install(Instrumentation inst, Config config, AgentServices agent) {
        // ByteBuddy's default initialization strategy injects a "Nexus" class through sun.misc.Unsafe,
        // which JDK 24+ warns about on stderr; inline Advice needs no Nexus. Must be set before
        // ByteBuddy's classes initialize; the shaded copy reads the relocated property name, which
        // shading rewrites in this literal too.
        System.setProperty("net.bytebuddy.nexus.disabled", "true");
        AgentBuilder builder = new AgentBuilder.Default()
                // retransform classes loaded before the agent (late attach) and keep shared classes intact:
                // no new members, so retransformation is legal and CDS-archived classes stay usable
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                // Nexus-free: advice is inlined, nothing is loaded at type initialization
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                // describe types from class files, never by loading them
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new FailureListener())
                // cheap rejection first: JDK, our own and shaded packages are never examined
                .ignore(nameStartsWith("java.").or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
                        .or(nameStartsWith("com.sun.")).or(nameStartsWith("io.dsdagent.agent."))
                        .or(nameStartsWith("net.bytebuddy.")).or(nameStartsWith("org.jctools.")));
        for (Module m : MODULES) {
            if (config.instrumentationEnabled(m.name())) {
                builder = m.extend(builder, config, agent);
            }
        }
        builder.installOn(inst);
    }

    /** Logs a class that failed to transform once; it is left as it was. */
    static final class FailureListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            Log.warnOnce("transform-" + typeName, "could not instrument " + typeName + ": " + throwable
                    + "; left unchanged");
        }

        @Override
        public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                                     boolean loaded, DynamicType dynamicType) {
            if (Log.debugEnabled()) {
                Log.debug("instrumented " + typeDescription.getName());
            }
        }
    }

}
