package io.dsdagent.agent;

import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Defines the bridge package ({@value #BRIDGE_DIR}) directly in the boot loader, so advice in any
 * class loader links to it, <em>without</em> appending to the boot class path: an append makes HotSpot
 * print a sharing warning and (JDK 25) stops an AppCDS archive from serving application classes.
 *
 * <p>JDK 9+: open {@code jdk.internal.misc} of {@code java.base} to the agent's module with
 * {@code Instrumentation.redefineModule} and call {@code jdk.internal.misc.Unsafe.defineClass} with a
 * null loader. JDK 8: {@code sun.misc.Unsafe.defineClass}. If either fails: one line, then the old
 * route (a temporary jar appended to the boot class path).
 */
final class BootDefiner {
    static final String BRIDGE_DIR = "io/dsdagent/agent/bridge/";

    private BootDefiner() {
    }

    static void defineBridge(Instrumentation inst, Class<?> anchor) throws Exception {
        File jar = new File(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<String>();
        List<byte[]> classes = new ArrayList<byte[]>();
        try (JarFile jf = new JarFile(jar, false)) {
            Enumeration<JarEntry> en = jf.entries();
            while (en.hasMoreElements()) {
                JarEntry e = en.nextElement();
                String n = e.getName();
                if (n.startsWith(BRIDGE_DIR) && n.endsWith(".class")) {
                    names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                    try (InputStream in = jf.getInputStream(e)) {
                        classes.add(io.dsdagent.agent.instrument.Resources.readAll(in));
                    }
                }
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no bridge classes in " + jar);
        }
        if (alreadyDefined(names.get(0))) {
            return; // a second attach in the same JVM
        }
        try {
            defineInBootLoader(inst, anchor, names, classes);
        } catch (Throwable t) {
            System.err.println("[dsd-agent] WARN could not define the bridge in the boot loader (" + t
                    + "); appending it to the boot class path instead (class-data sharing is reduced)");
            appendToBootPath(inst, names, classes);
        }
    }

    private static boolean alreadyDefined(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void defineInBootLoader(Instrumentation inst, Class<?> anchor, List<String> names,
                                           List<byte[]> classes) throws Exception {
        Method define;
        Object unsafe;
        if (isJava9OrLater()) {
            Class<?> moduleClass = Class.forName("java.lang.Module");
            Method getModule = Class.class.getMethod("getModule");
            Object javaBase = getModule.invoke(Object.class);
            Object ours = getModule.invoke(anchor);
            Method redefine = Instrumentation.class.getMethod("redefineModule", moduleClass, Set.class, Map.class,
                    Map.class, Set.class, Map.class);
            redefine.invoke(inst, javaBase, Collections.emptySet(),
                    Collections.singletonMap("jdk.internal.misc", Collections.singleton(ours)),
                    Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
            Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
            unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
            define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                    ClassLoader.class, ProtectionDomain.class);
        } else {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                    ClassLoader.class, ProtectionDomain.class);
        }
        // interfaces and supertypes first: retry what failed until nothing is left or nothing progresses
        List<Integer> pending = new ArrayList<Integer>();
        for (int i = 0; i < names.size(); i++) {
            pending.add(i);
        }
        Throwable last = null;
        while (!pending.isEmpty()) {
            List<Integer> next = new ArrayList<Integer>();
            for (int i : pending) {
                byte[] b = classes.get(i);
                try {
                    define.invoke(unsafe, names.get(i), b, 0, b.length, null, null);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    if (e.getCause() instanceof LinkageError && alreadyDefined(names.get(i))) {
                        continue;
                    }
                    last = e.getCause();
                    next.add(i);
                }
            }
            if (next.size() == pending.size()) {
                throw new IllegalStateException("cannot define " + names.get(next.get(0)), last);
            }
            pending = next;
        }
    }

    private static void appendToBootPath(Instrumentation inst, List<String> names, List<byte[]> classes)
            throws Exception {
        File tmp = File.createTempFile("dsd-agent-bridge", ".jar");
        tmp.deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(tmp))) {
            for (int i = 0; i < names.size(); i++) {
                out.putNextEntry(new JarEntry(names.get(i).replace('.', '/') + ".class"));
                out.write(classes.get(i));
                out.closeEntry();
            }
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(tmp));
    }

    private static boolean isJava9OrLater() {
        String v = System.getProperty("java.specification.version", "1.8");
        return !v.startsWith("1.");
    }

}
