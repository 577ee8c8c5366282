package io.dsdagent.it.apps;

import io.dsdagent.annotation.Timed;

import java.io.File;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * {@code LoadersApp <storage dir> <bundle jar> [<framework name> <framework jar> <calls>]...}: starts each
 * OSGi framework (Apache Felix, Eclipse Equinox) from its own jar in a class loader of its own, installs
 * and starts the test bundle in it (its activator calls a {@code @Timed} method {@code calls} times and
 * prints what it got), stops the framework. Then it runs a plugin in a loader that refuses the agent's
 * packages ({@link RefusingLoader}), and, as any application could, it tries what the agent must
 * not allow: {@code jdk.internal.misc.Unsafe.getUnsafe()} and replacing the bridge's sink. Everything it
 * prints must be the same with and without the agent, except the line about the bridge.
 */
public final class LoadersApp {
    private LoadersApp() {
    }

    public static void main(String[] args) throws Exception {
        File storage = new File(args[0]);
        File bundle = new File(args[1]);
        for (int i = 2; i + 2 < args.length; i += 3) {
            runFramework(args[i], new File(args[i + 1]), Integer.parseInt(args[i + 2]), bundle, storage);
        }
        System.out.println("plugin " + plugin(4));
        System.out.println("unsafe " + unsafe());
        System.out.println("bridge " + replaceSink());
        System.out.println("after " + afterIntruder(20));
    }

    @SuppressWarnings("unchecked")
    private static void runFramework(String name, File jar, int calls, File bundle, File storage) throws Exception {
        try (URLClassLoader fl = new URLClassLoader(new URL[] {jar.toURI().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<Object> factoryType = (Class<Object>) Class.forName("org.osgi.framework.launch.FrameworkFactory",
                    false, fl);
            Class<?> frameworkType = Class.forName("org.osgi.framework.launch.Framework", false, fl);
            Class<?> bundleType = Class.forName("org.osgi.framework.Bundle", false, fl);
            Class<?> contextType = Class.forName("org.osgi.framework.BundleContext", false, fl);
            Object factory = ServiceLoader.load(factoryType, fl).iterator().next();
            Map<String, String> config = new HashMap<>();
            config.put("org.osgi.framework.storage", new File(storage, name).getAbsolutePath());
            config.put("org.osgi.framework.storage.clean", "onFirstInit");
            config.put("dsd.it.framework", name);
            config.put("dsd.it.calls", Integer.toString(calls));
            Object framework = factoryType.getMethod("newFramework", Map.class).invoke(factory, config);
            frameworkType.getMethod("start").invoke(framework);
            try {
                Object context = bundleType.getMethod("getBundleContext").invoke(framework);
                Object b = contextType.getMethod("installBundle", String.class)
                        .invoke(context, bundle.toURI().toString());
                bundleType.getMethod("start").invoke(b);
            } finally { // a failed bundle must not leave the framework's threads keeping the JVM alive
                frameworkType.getMethod("stop").invoke(framework);
                frameworkType.getMethod("waitForStop", long.class).invoke(framework, 30_000L);
            }
        }
    }

    /**
     * A plugin loader as some hosts have: child-first for the plugin's own package, and it refuses the
     * agent's packages outright. The plugin's {@code @Timed} method runs {@code calls} times.
     */
    static final class RefusingLoader extends URLClassLoader {
        RefusingLoader(URL classes) {
            super(new URL[] {classes}, LoadersApp.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.dsdagent.agent.")) {
                throw new ClassNotFoundException(name + " is not for plugins");
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.startsWith("io.dsdagent.it.loaders.plugin.")) {
                    c = findClass(name);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }

    private static String plugin(int calls) throws Exception {
        try (RefusingLoader loader = new RefusingLoader(
                LoadersApp.class.getProtectionDomain().getCodeSource().getLocation())) {
            Class<?> work = Class.forName("io.dsdagent.it.loaders.plugin.PluginWork", true, loader);
            long sum = 0;
            for (int i = 0; i < calls; i++) {
                sum += (Integer) work.getMethod("run", int.class).invoke(null, i);
            }
            return work.getClassLoader().getClass().getSimpleName() + " sum " + sum;
        }
    }

    /** Without the agent: IllegalAccessException (java.base does not export jdk.internal.misc to us). */
    private static String unsafe() {
        try {
            Object u = Class.forName("jdk.internal.misc.Unsafe").getMethod("getUnsafe").invoke(null);
            return "reachable: " + u;
        } catch (Throwable t) {
            return t.getClass().getName();
        }
    }

    /** Installs a sink of our own into the agent's bridge, if there is one, and says whether it took. */
    private static String replaceSink() {
        Class<?> bridge;
        Class<?> sink;
        try {
            bridge = Class.forName("io.dsdagent.agent.bridge.Bridge", false, null);
            sink = Class.forName("io.dsdagent.agent.bridge.Sink", false, null);
        } catch (ClassNotFoundException e) {
            return "absent";
        }
        int[] calls = {0};
        Object intruder = Proxy.newProxyInstance(LoadersApp.class.getClassLoader(), new Class<?>[] {sink},
                (proxy, method, a) -> {
                    calls[0]++;
                    return method.getReturnType() == int.class ? 0 : null;
                });
        try {
            Object installed = bridge.getMethod("install", sink).invoke(null, intruder);
            afterIntruder(1);
            return "install returned " + installed + ", intruder called " + calls[0] + " times";
        } catch (ReflectiveOperationException e) {
            return "install failed: " + e;
        }
    }

    /** Timed: it is recorded by the agent's own sink, whatever an intruder installed. */
    @Timed("loaders.after.intruder")
    static int afterIntruder(int i) {
        return i * 3;
    }
}
