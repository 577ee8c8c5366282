package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.annotation.MethodsModule;
import io.dsdagent.agent.instrument.annotation.StandInPool;
import io.dsdagent.agent.instrument.api.ApiModule;
import io.dsdagent.agent.instrument.servlet.ServletModule;
import io.dsdagent.agent.log.Log;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

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
        new MethodsModule(),
        new ServletModule(),
    };

    /** The enabled instrumentations by name, comma-separated, or {@code nothing}. */
    public static String enabledNames(Config config) {
        StringBuilder sb = new StringBuilder();
        for (Module m : MODULES) {
            if (config.instrumentationEnabled(m.name())) {
                sb.append(sb.length() == 0 ? "" : ",").append(m.name());
            }
        }
        return sb.length() == 0 ? "nothing" : sb.toString();
    }

    /**
     * Installs the enabled modules. At {@code premain}, when every module can name its triggers, only a
     * prefilter is installed and ByteBuddy is built on a background thread (see {@link LazyTransformer});
     * nothing loaded before premain needs transforming. At late attach, ByteBuddy is built at once and
     * retransforms what is already loaded.
     */
    public static void install(final Instrumentation inst, final Config config, final AgentServices agent,
                               boolean lateAttach) {
        final List<Module> enabled = new ArrayList<Module>();
        List<String> triggers = new ArrayList<String>();
        boolean allTriggered = true;
        for (Module m : MODULES) {
            if (config.instrumentationEnabled(m.name())) {
                enabled.add(m);
                String[] t = m.triggers(config);
                if (t == null) {
                    allTriggered = false;
                } else {
                    triggers.addAll(Arrays.asList(t));
                }
            }
        }
        if (enabled.isEmpty()) {
            return;
        }
        if (lateAttach || !allTriggered) {
            build(enabled, config, agent, lateAttach).installOn(inst);
            return;
        }
        if (triggers.isEmpty()) {
            return; // every module is on but has nothing to look for
        }
        List<byte[]> exact = new ArrayList<byte[]>();
        List<byte[]> prefixes = new ArrayList<byte[]>();
        java.util.Set<String> classNames = new java.util.HashSet<String>();
        for (String t : triggers) {
            if (t.startsWith(Module.CLASS)) {
                classNames.add(t.substring(Module.CLASS.length()));
            } else if (t.endsWith("*")) {
                prefixes.add(t.substring(0, t.length() - 1).getBytes(StandardCharsets.UTF_8));
            } else {
                exact.add(t.getBytes(StandardCharsets.UTF_8));
            }
        }
        LazyTransformer lazy = new LazyTransformer(classNames, exact.toArray(new byte[0][]), prefixes.toArray(new byte[0][]),
                new Callable<ClassFileTransformer>() {
            @Override
            public ClassFileTransformer call() {
                return build(enabled, config, agent, false).makeRaw();
            }
        });
        inst.addTransformer(lazy, true);
        lazy.prepareInBackground();
    }

    private static AgentBuilder build(List<Module> modules, Config config, AgentServices agent, boolean lateAttach) {
        // at premain nothing the modules match is loaded yet: skip walking every loaded class
        AgentBuilder builder = newBuilder(lateAttach);
        for (Module m : modules) {
            builder = m.extend(builder, config, agent);
        }
        return builder;
    }

    /** The agent's {@link AgentBuilder} with its settings and ignores, before any module; tests use it too. */
    public static AgentBuilder newBuilder() {
        return newBuilder(true);
    }

    /** As {@link #newBuilder()}; {@code retransformLoaded=false} leaves classes loaded before install alone. */
    static AgentBuilder newBuilder(boolean retransformLoaded) {
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
                .with(retransformLoaded ? AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.SinglePass.INSTANCE
                        : new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit())
                // Nexus-free: advice is inlined, nothing is loaded at type initialization
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                // describe types from class files, never by loading them; annotations honoured by name
                // are described by stand-ins when their class is missing (Micrometer's, without Micrometer)
                .with(new StandInPool.Strategy())
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new FailureListener())
                // cheap rejection first: JDK, our own and shaded packages are never examined
                .ignore(nameStartsWith("java.").or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
                        .or(nameStartsWith("com.sun.")).or(nameStartsWith("io.dsdagent.agent."))
                        .or(nameStartsWith("net.bytebuddy.")).or(nameStartsWith("org.jctools.")));
        return builder;
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
