package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Class loaders that cannot resolve the bridge package, so their classes are not woven: woven code
 * there would fail to link. A loader framework's support ({@link LoaderSupport}) names its loader class
 * here when it cannot arrange visibility (turned off, too late after a late attach, its own transform
 * failed); {@link WeavingTransformer} then leaves that loader's classes as they are and says so in one
 * line. Visibility is never tested by loading a class from inside a transformer (that risks a
 * {@code ClassCircularityError}); the decision is by the loader's class name and its superclasses.
 */
public final class LoaderVisibility {
    /**
     * The package the agent defines in the boot loader. A class name in a string, which the agent jar's
     * relocation rewrites as it rewrites class literals (to {@code io.dsdagent.agent.bridge.Bridge}), but which,
     * unlike the literal, loads nothing: the bridge is defined only when the first class is woven, and an
     * agent class that resolved it earlier would get the jar's own copy in the application loader.
     */
    public static final String BRIDGE_PACKAGE = packageOf("io.dsdagent.bootstrap.Bridge");
    /** Loader class name -> the one line that says why its classes are not woven. */
    private static final Map<String, String> BLIND = new ConcurrentHashMap<String, String>();

    private LoaderVisibility() {
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Classes defined by {@code loaderClass} (or a subclass of it) are no longer woven; {@code why} is logged once. */
    public static void blind(String loaderClass, String why) {
        BLIND.put(loaderClass, why);
    }

    /** True when {@code loader} is one that cannot see the bridge; the first time for a kind, one warning. */
    static boolean cannotSee(ClassLoader loader) {
        if (loader == null || BLIND.isEmpty()) {
            return false;
        }
        for (Class<?> c = loader.getClass(); c != null && c != ClassLoader.class; c = c.getSuperclass()) {
            String why = BLIND.get(c.getName());
            if (why != null) {
                Log.warnOnce("blind-" + c.getName(), why);
                return true;
            }
        }
        return false;
    }
}
