package io.dsdagent.agent.instrument;

import org.objectweb.asm.ClassReader;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Type questions answered from class files read as resources through the instrumented class's loader,
 * never by loading a class (a class being defined must not load its own supertypes from inside a
 * transformer). Headers are cached per loader (held weakly), at most {@link #MAX_PER_LOADER} each.
 */
final class Types {
    static final int MAX_PER_LOADER = 4096;
    private static final String[] MISSING = new String[0];
    private static final Object BOOT = new Object();
    private static final Map<Object, Map<String, String[]>> HEADERS = new WeakHashMap<Object, Map<String, String[]>>();
    private static final Map<Object, Map<String, Boolean>> SEEN = new WeakHashMap<Object, Map<String, Boolean>>();

    private Types() {
    }

    /** A class with this super class and these interfaces is or extends or implements {@code target}. */
    static boolean isSubtype(ClassLoader loader, String superName, String[] interfaces, String target) {
        return reaches(loader, superName, interfaces, target, 0);
    }

    /** {@code type} (internal name) is, extends or implements {@code target}. */
    static boolean isSubtype(ClassLoader loader, String type, String target) {
        if (type.equals(target)) {
            return true;
        }
        String[] h = header(loader, type);
        return h != MISSING && reaches(loader, h[0], rest(h), target, 0);
    }

    private static boolean reaches(ClassLoader loader, String superName, String[] interfaces, String target, int depth) {
        if (depth > 40) {
            return false;
        }
        if (interfaces != null) {
            for (String i : interfaces) {
                if (i.equals(target) || climbs(loader, i, target, depth)) {
                    return true;
                }
            }
        }
        return superName != null && (superName.equals(target) || climbs(loader, superName, target, depth));
    }

    private static boolean climbs(ClassLoader loader, String type, String target, int depth) {
        if (type.equals("java/lang/Object")) {
            return false;
        }
        String[] h = header(loader, type);
        return h != MISSING && reaches(loader, h[0], rest(h), target, depth + 1);
    }

    private static String[] rest(String[] h) {
        String[] r = new String[h.length - 1];
        System.arraycopy(h, 1, r, 0, r.length);
        return r;
    }

    /** {super, interfaces...} of {@code type} as its class file says, or {@link #MISSING}. */
    private static String[] header(ClassLoader loader, String type) {
        Object key = loader == null ? BOOT : loader;
        synchronized (HEADERS) {
            Map<String, String[]> m = HEADERS.get(key);
            String[] h = m == null ? null : m.get(type);
            if (h != null) {
                return h;
            }
        }
        String[] h = MISSING;
        byte[] b = Resources.classFile(loader, type);
        if (b != null) {
            try {
                ClassReader r = new ClassReader(b);
                String[] ifs = r.getInterfaces();
                h = new String[ifs.length + 1];
                h[0] = r.getSuperName();
                System.arraycopy(ifs, 0, h, 1, ifs.length);
            } catch (RuntimeException e) {
                h = MISSING; // not a class file we can read
            }
        }
        synchronized (HEADERS) {
            Map<String, String[]> m = HEADERS.get(key);
            if (m == null) {
                m = new HashMap<String, String[]>();
                HEADERS.put(key, m);
            }
            if (m.size() < MAX_PER_LOADER) {
                m.put(type, h);
            }
        }
        return h;
    }

    /** The loader (null: the boot loader) can see {@code resource}; cached. */
    static boolean sees(ClassLoader loader, String resource) {
        Object key = loader == null ? BOOT : loader;
        synchronized (SEEN) {
            Map<String, Boolean> m = SEEN.get(key);
            Boolean b = m == null ? null : m.get(resource);
            if (b != null) {
                return b;
            }
        }
        boolean found = loader == null ? Object.class.getResource("/" + resource) != null
                : loader.getResource(resource) != null;
        synchronized (SEEN) {
            Map<String, Boolean> m = SEEN.get(key);
            if (m == null) {
                m = new HashMap<String, Boolean>();
                SEEN.put(key, m);
            }
            if (m.size() < MAX_PER_LOADER) {
                m.put(resource, found);
            }
        }
        return found;
    }
}
