package io.dsdagent.it.apps;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;

/**
 * Runs a program inside a child-first {@link URLClassLoader}, as a webapp container does:
 * {@code ChildFirstLauncher <class path> <main class> [args...]}. The parent is the system loader, so a
 * class found in both (say, an older API jar on the system class path) comes from the child.
 *
 * <p>Before it runs the program it prints, for {@code io.dsdagent.api.DsdMetrics}, which jar each
 * loader sees, so a test can tell the two copies apart.
 */
public final class ChildFirstLauncher {
    private static final String API = "io.dsdagent.api.DsdMetrics";

    /** Child first for everything but the JDK; the parent only for what the child's jars lack. */
    static final class ChildFirstLoader extends URLClassLoader {
        ChildFirstLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && !name.startsWith("java.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        // not in the child's jars: ask the parent
                    }
                }
                if (c == null) {
                    c = super.loadClass(name, false);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public URL getResource(String name) {
            URL u = findResource(name);
            return u != null ? u : super.getResource(name);
        }
    }

    public static void main(String[] args) throws Exception {
        String[] entries = args[0].split(File.pathSeparator);
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            urls[i] = new File(entries[i]).toURI().toURL();
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        ChildFirstLoader child = new ChildFirstLoader(urls, system);
        System.out.println("parent api " + describe(Class.forName(API, false, system)));
        System.out.println("child api " + describe(Class.forName(API, false, child)));
        Thread.currentThread().setContextClassLoader(child);
        Class<?> main = Class.forName(args[1], true, child);
        if (main.getClassLoader() != child) {
            throw new IllegalStateException(args[1] + " was not loaded by the child-first loader");
        }
        Method m = main.getMethod("main", String[].class);
        m.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }

    /** The jar a class comes from and whether it has the newer API's {@code newFeature}. */
    private static String describe(Class<?> c) {
        String p = c.getProtectionDomain().getCodeSource().getLocation().getPath();
        boolean newer = false;
        for (Method m : c.getMethods()) {
            newer |= m.getName().equals("newFeature");
        }
        return p.substring(p.lastIndexOf('/', p.length() - 2) + 1) + (newer ? " newer" : " older");
    }
}
