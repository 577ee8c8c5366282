package io.dsdagent.agent;

import java.io.File;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Defines the bridge package ({@value #BRIDGE_DIR}) directly in the boot loader, so advice in any
 * class loader links to it, <em>without</em> appending to the boot class path: an append makes HotSpot
 * print a sharing warning and (JDK 25) stops an AppCDS archive from serving application classes. There
 * is no fallback to such an append: if this fails, the caller turns instrumentation off.
 *
 * <p>Nothing is widened for application code. The one class that touches {@code Unsafe}
 * ({@link BootDefineCall}) is defined in a throwaway class loader of its own, whose unnamed module is
 * the only one {@code jdk.internal.misc} is exported to (JDK 9+, {@code Instrumentation.redefineModule}).
 * Exporting it to the agent's own module instead would export it to the system loader's unnamed module,
 * which every class-path class shares, and hand any application {@code Unsafe.getUnsafe()}. Once the
 * bridge is defined nothing refers to that loader any more.
 */
public final class BootDefiner {
    static final String BRIDGE_DIR = "io/dsdagent/agent/bridge/";
    /**
     * The classes of the bridge package, every one of them (the bootstrap module's, relocated; the shade
     * takes them all): {@code BootDefinerTest} holds this list to that package.
     */
    static final String[] BRIDGE_CLASSES = {"Bridge", "Hook", "HttpNesting", "HttpState", "Sink"};
    /** Named, not linked: the trampoline must not fail to link if the jar lacks it. */
    private static final String CALL = "io.dsdagent.agent.BootDefineCall";

    private BootDefiner() {
    }

    /** Defines the bridge in the boot loader, or throws: the caller disables instrumentation with one line. */
    public static void defineBridge(Instrumentation inst, Class<?> anchor) throws Exception {
        File jar = new File(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<String>();
        List<byte[]> classes = new ArrayList<byte[]>();
        byte[] call = null;
        String callEntry = CALL.replace('.', '/') + ".class";
        try (JarFile jf = new JarFile(jar, false)) {
            // by name: a walk of the jar's ~700 entries cost ~2 ms of the agent's start (issue 18)
            for (String simple : BRIDGE_CLASSES) {
                byte[] b = read(jf, BRIDGE_DIR + simple + ".class");
                if (b != null) {
                    names.add((BRIDGE_DIR + simple).replace('/', '.'));
                    classes.add(b);
                }
            }
            call = read(jf, callEntry);
        }
        if (names.size() != BRIDGE_CLASSES.length || call == null) {
            throw new IllegalStateException(jar + " lacks the bridge classes or their definer");
        }
        if (alreadyDefined(names.get(0))) {
            return; // a second attach in the same JVM
        }
        Class<?> definer = new OneShotLoader().define(CALL, call);
        if (isJava9OrLater()) {
            exportUnsafeTo(inst, definer);
        }
        Method define = definer.getMethod("define", String[].class, byte[][].class);
        try {
            define.invoke(null, names.toArray(new String[0]), classes.toArray(new byte[0][]));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private static byte[] read(JarFile jf, String name) throws java.io.IOException {
        JarEntry e = jf.getJarEntry(name);
        if (e == null) {
            return null;
        }
        try (InputStream in = jf.getInputStream(e)) {
            return io.dsdagent.agent.instrument.Resources.readAll(in);
        }
    }

    /** JDK 9+: exports {@code jdk.internal.misc} to {@code definer}'s module, which nothing else is in. */
    private static void exportUnsafeTo(Instrumentation inst, Class<?> definer) throws Exception {
        Class<?> moduleClass = Class.forName("java.lang.Module");
        Method getModule = Class.class.getMethod("getModule");
        Object javaBase = getModule.invoke(Object.class);
        Object own = getModule.invoke(definer);
        Method redefine = Instrumentation.class.getMethod("redefineModule", moduleClass, Set.class, Map.class,
                Map.class, Set.class, Map.class);
        redefine.invoke(inst, javaBase, Collections.emptySet(),
                Collections.singletonMap("jdk.internal.misc", Collections.singleton(own)),
                Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
    }

    private static boolean alreadyDefined(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean isJava9OrLater() {
        String v = System.getProperty("java.specification.version", "1.8");
        return !v.startsWith("1.");
    }

    /** Parent: the boot loader, so {@link BootDefineCall} sees only the JDK. Unreachable once used. */
    private static final class OneShotLoader extends ClassLoader {
        OneShotLoader() {
            super(null);
        }

        Class<?> define(String name, byte[] b) {
            return defineClass(name, b, 0, b.length);
        }
    }
}
