package io.dsdagent.agent.instrument;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Weaves every method with code of a real jar, cycling through every hook kind, for {@link WeaveCorpusTest};
 * {@link #main} redefines one jar's worth in a JVM of another JDK (the JVM's own verifier is the judge).
 */
public final class CorpusWeaving {
    /** Hooked methods, all kinds together. */
    int methods;

    /** Every method with code except initializers: a kind chosen by the method's name, so all kinds occur. */
    Weaver weaver() {
        return new Weaver(List.of(new InstrumentationModule.Matcher() {
            @Override public String[] annotations() { return new String[0]; }
            @Override public boolean examines(ClassInfo c) { return true; }
            @Override public Advice advice(ClassInfo c, MethodInfo m) {
                if (!m.hasCode() || m.isInitializer()) {
                    return null;
                }
                methods++;
                switch (Math.floorMod((m.name + m.desc).hashCode(), 5)) {
                    case 0: return Advice.timed(1, false);
                    case 1: return Advice.timed(2, true);
                    case 2: return Advice.call(3, true, true, true, 0, Advice.THIS);
                    case 3: return Advice.call(4, true, false, false, 1, -1);
                    default: return m.is(java.lang.reflect.Modifier.STATIC) ? Advice.replace() : Advice.bridgeOnEntry("httpHandedOff");
                }
            }
        }));
    }

    /** The class files of {@code jar} by binary name (multi-release and module-info entries left out). */
    static Map<String, byte[]> classFiles(Path jar) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                String n = entry.getName();
                if (n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")) {
                    try (InputStream in = j.getInputStream(entry)) {
                        out.put(n.substring(0, n.length() - 6).replace('/', '.'), in.readAllBytes());
                    }
                }
            }
        }
        return out;
    }

    /**
     * Loads every class of {@code jar} (not initialized) in a loader of its own and redefines each with its
     * woven form; returns the failures the weaver caused (a class whose own bytes cannot be redefined
     * either is not counted) and, last, a summary line.
     */
    static List<String> redefine(Instrumentation inst, Path jar) throws Exception {
        Map<String, byte[]> files = classFiles(jar);
        List<String> failures = new ArrayList<>();
        int redefined = 0;
        int unloadable = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Weaver weaver = new CorpusWeaving().weaver();
            List<ClassDefinition> batch = new ArrayList<>();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Class<?> c;
                try {
                    c = Class.forName(f.getKey(), false, loader);
                } catch (Throwable t) {
                    unloadable++; // needs a library that is not here
                    continue;
                }
                byte[] woven = weaver.weave(loader, f.getValue());
                if (woven != null) {
                    batch.add(new ClassDefinition(c, woven));
                }
            }
            for (int i = 0; i < batch.size(); i += 200) {
                List<ClassDefinition> part = batch.subList(i, Math.min(batch.size(), i + 200));
                try {
                    inst.redefineClasses(part.toArray(new ClassDefinition[0]));
                    redefined += part.size();
                } catch (Throwable t) {
                    for (ClassDefinition d : part) {
                        try {
                            inst.redefineClasses(d);
                            redefined++;
                        } catch (Throwable e) {
                            if (ownBytesRedefine(inst, d.getDefinitionClass(), files)) {
                                failures.add(d.getDefinitionClass().getName() + ": " + e);
                            } else {
                                unloadable++;
                            }
                        }
                    }
                }
            }
        }
        failures.add("redefined " + redefined + " woven classes of " + files.size() + " in " + jar.getFileName()
                + " on Java " + Runtime.version().feature() + " (" + unloadable + " not loadable here)");
        return failures;
    }

    private static boolean ownBytesRedefine(Instrumentation inst, Class<?> c, Map<String, byte[]> files) {
        try {
            inst.redefineClasses(new ClassDefinition(c, files.get(c.getName())));
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** {@code java ... CorpusWeaving <jar>...}: prints the failures and a summary per jar; exit 1 on a failure. */
    public static void main(String[] args) throws Exception {
        Instrumentation inst = ByteBuddyAgent.install();
        int failures = 0;
        for (String jar : args) {
            List<String> out = redefine(inst, Path.of(jar));
            out.forEach(System.out::println);
            failures += out.size() - 1;
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
