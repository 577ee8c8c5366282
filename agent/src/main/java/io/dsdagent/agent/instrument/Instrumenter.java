package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.annotation.MethodsModule;
import io.dsdagent.agent.instrument.api.ApiModule;
import io.dsdagent.agent.instrument.classloader.ClassLoaderSupport;
import io.dsdagent.agent.instrument.httpserver.HttpServerModule;
import io.dsdagent.agent.instrument.jboss.JBossModulesSupport;
import io.dsdagent.agent.instrument.osgi.OsgiSupport;
import io.dsdagent.agent.instrument.servlet.ServletModule;
import io.dsdagent.agent.log.Log;

import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Installs the agent's instrumentations: one {@link WeavingTransformer} for every enabled module. At
 * {@code premain} nothing the modules match is loaded yet, so nothing is retransformed; at late attach
 * the loaded classes that pass the same prefilter are retransformed (weaving adds no members, so that
 * is legal, and classes from a class-data-sharing archive that are not woven stay shared).
 */
public final class Instrumenter {
    private Instrumenter() {
    }

    /** Every instrumentation, in the order their hooks are tried. */
    static final InstrumentationModule[] MODULES = {
        new ApiModule(),
        new MethodsModule(),
        new ServletModule(),
        new HttpServerModule(),
    };

    /**
     * Class loaders that would refuse the bridge package (JBoss Modules, OSGi, then any other loader's
     * {@code loadClass}): each makes it visible, or marks its loaders blind, before anything is woven.
     */
    static final LoaderSupport[] LOADERS = {new JBossModulesSupport(), new OsgiSupport(), new ClassLoaderSupport()};

    /** The enabled instrumentations by name, comma-separated, or {@code nothing}. */
    public static String enabledNames(Config config) {
        StringBuilder sb = new StringBuilder();
        for (InstrumentationModule m : MODULES) {
            if (config.instrumentationEnabled(m.name())) {
                sb.append(sb.length() == 0 ? "" : ",").append(m.name());
            }
        }
        return sb.length() == 0 ? "nothing" : sb.toString();
    }

    /**
     * The lines printed after the start-up line, on the agent's thread: settings of an enabled module
     * that name what the agent never weaves (the modules themselves are prepared only when they weave).
     */
    public static void startLines(Config config) {
        if (config.instrumentationEnabled("methods")) {
            MethodsModule.warnAboutJdkClasses(config.timedMethods.keySet());
        }
    }

    /**
     * Installs the enabled modules' transformer; {@code lateAttach}: also weave the matching classes
     * already loaded. Only their triggers are read here: the modules are prepared, and {@code services}
     * built, when the first class passes the prefilter ({@link LazyWeaver}), so {@code premain} loads
     * neither the weaver, ASM, nor the agent's runtime side.
     */
    public static void install(Instrumentation inst, Config config, AgentServices.Lazy services, boolean lateAttach) {
        List<InstrumentationModule> enabled = new ArrayList<InstrumentationModule>();
        for (InstrumentationModule m : MODULES) {
            if (config.instrumentationEnabled(m.name())) {
                enabled.add(m);
            }
        }
        WeavingTransformer t = transformer(enabled, config, new LazyWeaver(inst, enabled, config, services));
        if (t == null) {
            return;
        }
        for (LoaderSupport l : LOADERS) {
            try {
                l.shareScan(t);
                l.install(inst, config, config.instrumentationEnabled(l.name()), lateAttach);
            } catch (Throwable e) {
                Log.warn("could not let " + l.name() + " class loaders see the agent's bridge: " + e);
            }
        }
        // debug: the same transformer, measured (MeasuredTransformer); otherwise nothing in between
        inst.addTransformer(Log.debugEnabled() ? new MeasuredTransformer(t) : t, true);
        if (lateAttach) {
            retransformLoaded(inst, t);
        }
    }

    /** The transformer for the triggers of {@code modules}, weaving with {@code weaver}; null when they have none. */
    static WeavingTransformer transformer(List<InstrumentationModule> modules, Config config, LazyWeaver weaver) {
        List<String> triggers = new ArrayList<String>();
        List<String> jdkPackages = new ArrayList<String>();
        for (InstrumentationModule m : modules) {
            for (String s : m.triggers(config)) {
                triggers.add(s);
            }
            for (String p : m.jdkPackages()) {
                jdkPackages.add(p);
            }
        }
        return triggers.isEmpty() ? null : transformer(triggers, weaver, jdkPackages);
    }

    /** A transformer that weaves with {@code weaver} the classes that match one of {@code triggers}. */
    public static WeavingTransformer transformer(List<String> triggers, Weaver weaver) {
        return transformer(triggers, weaver, new ArrayList<String>());
    }

    /** As above; {@code jdkPackages}: the JDK packages (internal-name prefixes) it may weave. */
    public static WeavingTransformer transformer(List<String> triggers, Weaver weaver, List<String> jdkPackages) {
        return transformer(triggers, new LazyWeaver(weaver), jdkPackages);
    }

    private static WeavingTransformer transformer(List<String> triggers, LazyWeaver weaver, List<String> jdkPackages) {
        List<byte[]> exact = new ArrayList<byte[]>();
        List<byte[]> prefixes = new ArrayList<byte[]>();
        Set<String> classNames = new HashSet<String>();
        for (String t : triggers) {
            if (t.startsWith(InstrumentationModule.CLASS)) {
                classNames.add(t.substring(InstrumentationModule.CLASS.length()));
            } else if (t.endsWith("*")) {
                prefixes.add(t.substring(0, t.length() - 1).getBytes(StandardCharsets.UTF_8));
            } else {
                exact.add(t.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new WeavingTransformer(classNames, exact.toArray(new byte[0][]), prefixes.toArray(new byte[0][]),
                weaver, jdkPackages.toArray(new String[0]));
    }

    /**
     * Late attach: retransforms the loaded classes whose class file (read through their loader) passes
     * the prefilter, in batches ({@link Retransformer}); the weaver decides the rest. One line per class
     * that cannot be retransformed.
     */
    public static void retransformLoaded(Instrumentation inst, WeavingTransformer t) {
        List<Class<?>> candidates = new ArrayList<Class<?>>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            try {
                if (c.isArray() || c.isPrimitive() || !inst.isModifiableClass(c)) {
                    continue;
                }
                String internal = c.getName().replace('.', '/');
                if (t.skipped(internal) || c.getName().indexOf('/') >= 0) {
                    continue; // JDK, agent, hidden and lambda classes
                }
                byte[] b = Resources.classFile(c.getClassLoader(), internal);
                if (b != null && t.candidate(internal, b)) {
                    candidates.add(c);
                }
            } catch (Throwable e) {
                // a class whose file cannot be read is not a candidate
            }
        }
        Retransformer.inBatches(inst, candidates, Retransformer.BATCH);
        if (Log.debugEnabled()) {
            Log.debug("late attach: " + candidates.size() + " loaded classes examined for instrumentation");
        }
    }
}
