package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import io.dsdagent.bootstrap.Hook;

import java.util.HashSet;
import java.util.Set;

/**
 * The container hooks behind {@code Bridge.hookEnter}/{@code hookExit}. A hook is a small agent class
 * compiled against a container API (servlet, Jetty, Undertow) that extends the bridge's {@link Hook}
 * and overrides {@code enter(Object, Object)} and/or {@code exit(int, Object, Object, Object, Throwable)}.
 * It cannot live in the agent's loader (no container API there) nor be woven into application classes,
 * so it is defined, once per API copy, in a child loader of the loader of its <em>anchor</em>: an API
 * type the woven method's argument (or return value) is an instance of, so the hook links against
 * exactly the API the application uses.
 *
 * <p>Per call: one {@link ClassValue} lookup on the argument's class and one virtual call on the hook
 * (made once per API copy; not a method handle, which the JIT cannot inline when it is not a constant);
 * no allocation, no lock. Hook classes and their instances hang off the classes they serve
 * ({@link ClassValue}), so an undeployed webapp's loader is not kept alive by the agent.
 */
public final class HookTable {
    /** Where the anchor object comes from. */
    public static final int FROM_A = 0;
    public static final int FROM_B = 1;
    public static final int FROM_RETURN = 2;
    private static final int MAX = 64;
    private static final Def[] DEFS = new Def[MAX];
    private static volatile int size;

    private HookTable() {
    }

    /**
     * Registers hook class {@code hookClass} (binary name, in the agent jar) anchored on {@code anchorType}
     * taken from {@code from}; returns its id. The same pair always gets the same id.
     */
    public static synchronized int define(String hookClass, String anchorType, int from) {
        for (int i = 0; i < size; i++) {
            Def d = DEFS[i];
            if (d.hookClass.equals(hookClass) && d.anchorType.equals(anchorType) && d.from == from) {
                return i;
            }
        }
        if (size == MAX) {
            throw new IllegalStateException("more than " + MAX + " hook classes");
        }
        DEFS[size] = new Def(hookClass, anchorType, from);
        size = size + 1; // publishes the entry
        return size - 1;
    }

    /** {@code Bridge.hookEnter}: the hook's enter, or 0 when it has none or cannot be linked. */
    public static int enter(int id, Object a, Object b) throws Throwable {
        Def d = def(id);
        Object anchor = d == null ? null : d.from == FROM_A ? a : d.from == FROM_B ? b : null;
        if (anchor == null) {
            return 0;
        }
        return d.byClass.get(anchor.getClass()).enter(a, b);
    }

    /** {@code Bridge.hookExit}: the hook's exit, if it has one and can be linked. */
    public static void exit(int id, int code, Object a, Object b, Object returned, Throwable thrown) throws Throwable {
        Def d = def(id);
        Object anchor = d == null ? null : d.from == FROM_A ? a : d.from == FROM_B ? b : returned;
        if (anchor == null) {
            return;
        }
        d.byClass.get(anchor.getClass()).exit(code, a, b, returned, thrown);
    }

    private static Def def(int id) {
        return id >= 0 && id < size ? DEFS[id] : null;
    }

    /** What an anchor class gets when its hook cannot be linked: the defaults, which do nothing. */
    static final Hook NONE = new Hook() {
    };

    static final class Def {
        final String hookClass;
        final String anchorType;
        final int from;
        /** The hook by the anchor object's concrete class (what each call looks up). */
        final ClassValue<Hook> byClass = new ClassValue<Hook>() {
            @Override
            protected Hook computeValue(Class<?> c) {
                Class<?> anchor = find(c, anchorType, new HashSet<Class<?>>());
                return anchor == null ? NONE : byAnchor.get(anchor);
            }
        };
        /** The hook by anchor type: one hook class, and one instance of it, per API copy. */
        final ClassValue<Hook> byAnchor = new ClassValue<Hook>() {
            @Override
            protected Hook computeValue(Class<?> anchor) {
                try {
                    return link(anchor);
                } catch (Throwable t) {
                    Log.warnOnce("hook-" + hookClass + "-" + anchor.getClassLoader(), "cannot link " + hookClass
                            + " to " + anchor.getName() + " of " + anchor.getClassLoader() + ": " + t
                            + "; those calls are not measured");
                    return NONE;
                }
            }
        };

        Def(String hookClass, String anchorType, int from) {
            this.hookClass = hookClass;
            this.anchorType = anchorType;
            this.from = from;
        }

        private Hook link(Class<?> anchor) throws Exception {
            ClassLoader parent = anchor.getClassLoader();
            if (parent == null) { // a JDK API in the boot loader (JDK 8): the agent's loader sees it and the bridge
                parent = HookTable.class.getClassLoader();
            }
            Class<?> c = HookLoader.define(parent, hookClass);
            return c.asSubclass(Hook.class).getConstructor().newInstance();
        }

        /** {@code c} or its nearest super class or interface named {@code name}; null if none. */
        private static Class<?> find(Class<?> c, String name, Set<Class<?>> seen) {
            for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                if (k.getName().equals(name)) {
                    return k;
                }
                for (Class<?> i : k.getInterfaces()) {
                    if (seen.add(i)) {
                        Class<?> f = find(i, name, seen);
                        if (f != null) {
                            return f;
                        }
                    }
                }
            }
            return null;
        }
    }

    /**
     * Defines hook classes, from the agent jar, next to a container API. The API and the bridge resolve
     * through the parent; the hook's own package (the hook and helpers written against the same API) is
     * defined here, never found by the parent, which may see the agent jar but not the API.
     */
    public static final class HookLoader extends ClassLoader {
        private final String ownPackage;

        private HookLoader(ClassLoader parent, String ownPackage) {
            super(parent);
            this.ownPackage = ownPackage;
        }

        /** Agent class {@code name} (binary name) defined in a new loader whose parent is {@code parent}. */
        public static Class<?> define(ClassLoader parent, String name) throws ClassNotFoundException {
            return new HookLoader(parent, name.substring(0, name.lastIndexOf('.') + 1)).loadClass(name);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(ownPackage) || name.indexOf('.', ownPackage.length()) >= 0) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    byte[] b;
                    try {
                        b = Resources.agentClass(name);
                    } catch (java.io.IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                    c = defineClass(name, b, 0, b.length);
                }
                return c;
            }
        }
    }
}
