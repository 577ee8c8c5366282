package io.dsdagent.it.apps;

import io.dsdagent.annotation.Timed;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code LoadersApp <storage dir> <bundle jar> <plugin calls> wait|go [<name> <framework jar> <calls>]...}: starts each OSGi framework (Apache Felix, Eclipse Equinox; {@link OsgiFramework}); with {@code wait}
 * prints {@code ready} and waits for a line on stdin (a test attaches the agent meanwhile); then installs
 * and starts the test bundle in each (its activator calls a {@code @Timed} method {@code calls} times and
 * prints what it got) and stops them. Then it runs a plugin in a loader that refuses the agent's
 * packages ({@link RefusingLoader}; skipped for 0 calls), and, as any application could, it tries what
 * the agent must not allow: {@code jdk.internal.misc.Unsafe.getUnsafe()} and replacing the bridge's sink. Everything it
 * prints must be the same with and without the agent, except the line about the bridge.
 */
public final class LoadersApp {
    private LoadersApp() {
    }

    public static void main(String[] args) throws Exception {
        File storage = new File(args[0]);
        File bundle = new File(args[1]);
        int pluginCalls = Integer.parseInt(args[2]);
        boolean wait = args[3].equals("wait");
        List<OsgiFramework> frameworks = new ArrayList<>();
        try {
            for (int i = 4; i + 2 < args.length; i += 3) {
                frameworks.add(new OsgiFramework(args[i], new File(args[i + 1]), Integer.parseInt(args[i + 2]),
                        storage));
            }
            if (wait) {
                System.out.println("ready");
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            for (OsgiFramework f : frameworks) {
                f.run(bundle);
            }
        } finally {
            for (OsgiFramework f : frameworks) {
                f.close();
            }
        }
        if (pluginCalls > 0) {
            System.out.println("plugin " + plugin(pluginCalls));
        }
        System.out.println("unsafe " + unsafe());
        System.out.println("bridge " + replaceSink());
        System.out.println("after " + afterIntruder(20));
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
