package io.dsdagent.it.apps;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * One OSGi framework (Apache Felix, Eclipse Equinox) started from its own jar, in a class loader of its
 * own whose parent is the platform loader, and driven through the standard launch API by reflection, so
 * two frameworks with their own copies of the OSGi API share one JVM. The framework properties
 * {@code dsd.it.framework} and {@code dsd.it.calls} tell the test bundle's activator what to do.
 */
final class OsgiFramework implements AutoCloseable {
    private final URLClassLoader loader;
    private final Object framework;
    private final Class<?> frameworkType;
    private final Class<?> bundleType;
    private final Class<?> contextType;

    @SuppressWarnings("unchecked")
    OsgiFramework(String name, File jar, int calls, File storage) throws Exception {
        loader = new URLClassLoader(new URL[] {jar.toURI().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<Object> factoryType = (Class<Object>) Class.forName("org.osgi.framework.launch.FrameworkFactory",
                false, loader);
        frameworkType = Class.forName("org.osgi.framework.launch.Framework", false, loader);
        bundleType = Class.forName("org.osgi.framework.Bundle", false, loader);
        contextType = Class.forName("org.osgi.framework.BundleContext", false, loader);
        Map<String, String> config = new HashMap<>();
        config.put("org.osgi.framework.storage", new File(storage, name).getAbsolutePath());
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
        config.put("dsd.it.framework", name);
        config.put("dsd.it.calls", Integer.toString(calls));
        Object factory = ServiceLoader.load(factoryType, loader).iterator().next();
        framework = factoryType.getMethod("newFramework", Map.class).invoke(factory, config);
        frameworkType.getMethod("start").invoke(framework);
    }

    /** Installs and starts {@code bundle}: its activator runs now. */
    void run(File bundle) throws Exception {
        Object context = bundleType.getMethod("getBundleContext").invoke(framework);
        Object b = contextType.getMethod("installBundle", String.class).invoke(context, bundle.toURI().toString());
        bundleType.getMethod("start").invoke(b);
    }

    /** Stops the framework, so that its threads never keep the JVM alive (a failed bundle included). */
    @Override
    public void close() throws Exception {
        try {
            frameworkType.getMethod("stop").invoke(framework);
            frameworkType.getMethod("waitForStop", long.class).invoke(framework, 30_000L);
        } finally {
            loader.close();
        }
    }
}
