package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import io.dsdagent.bootstrap.Bridge;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lets a named JDK module read the bridge's module (the boot loader's unnamed module), so calls woven
 * into its classes link. A named module reads only what it requires; {@code Instrumentation.redefineModule}
 * is the agent's documented way to add a read edge. HotSpot also adds this edge by itself when it
 * defines a class an agent transformed ({@code jdk.internal.module.Modules.transformedByAgent}), so on
 * JDK 17 and 25 the woven calls link either way (JdkHttpServerTest passes with this step removed); the
 * explicit edge keeps the instrumentation independent of that VM detail. Reading gives the JDK module
 * access to the bridge, and nobody access to the JDK module: nothing is exported or opened. By
 * reflection, as the shipped code is Java 8; on JDK 8 there are no modules and nothing to do.
 */
final class JdkModules {
    private JdkModules() {
    }

    /** Adds the read edge from JDK module {@code name} to the bridge; true when woven calls from it can link. */
    static boolean readBridge(Instrumentation inst, String name) {
        Class<?> moduleType;
        try {
            moduleType = Class.forName("java.lang.Module");
        } catch (ClassNotFoundException e) {
            return true; // JDK 8: every JDK class is in the boot loader, which defines the bridge
        }
        try {
            Class<?> layerType = Class.forName("java.lang.ModuleLayer");
            Object boot = layerType.getMethod("boot").invoke(null);
            Optional<?> module = (Optional<?>) layerType.getMethod("findModule", String.class).invoke(boot, name);
            if (!module.isPresent()) {
                return false; // a runtime image without it: nothing of it to weave
            }
            Object bridge = Class.class.getMethod("getModule").invoke(Bridge.class);
            Method redefine = Instrumentation.class.getMethod("redefineModule", moduleType, Set.class, Map.class,
                    Map.class, Set.class, Map.class);
            redefine.invoke(inst, module.get(), Collections.singleton(bridge), Collections.emptyMap(),
                    Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
            return true;
        } catch (Throwable t) {
            Log.warn("could not let JDK module " + name + " read the agent's bridge (" + t
                    + "); its classes are not instrumented");
            return false;
        }
    }
}
