package io.dsdagent.agent.instrument.osgi;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.LoaderSupport;
import io.dsdagent.agent.instrument.LoaderVisibility;
import io.dsdagent.agent.log.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * OSGi (Apache Felix, Eclipse Equinox: Karaf, AEM, Liferay, Eclipse). A bundle's class loader hands
 * the boot loader only {@code java.*} and the packages of {@code org.osgi.framework.bootdelegation}, so
 * woven bundle code could not link to the bridge. Felix reads that property only from the configuration
 * map its launcher passes (a system property set by the agent never reaches it), so the agent rewrites
 * each framework's own boot-delegation decision ({@link BootDelegationVisitor}) when the framework class
 * loads, or at late attach by retransforming it. The user configures nothing.
 *
 * <p>Where that cannot be done (switched off, the decision method not found in this framework version,
 * the rewrite failed), the framework's bundle loaders are marked blind: their classes are not woven.
 */
public final class OsgiSupport implements LoaderSupport {
    /** Per framework: a name for the log, the class deciding boot delegation, its method, the bundle loader class. */
    private static final String[][] FRAMEWORKS = {
        {"Apache Felix", "org/apache/felix/framework/BundleWiringImpl", "shouldBootDelegate",
            "org.apache.felix.framework.BundleWiringImpl$BundleClassLoader"},
        {"Eclipse Equinox", "org/eclipse/osgi/internal/framework/EquinoxContainer", "isBootDelegationPackage",
            "org.eclipse.osgi.internal.loader.EquinoxClassLoader"},
    };

    @Override
    public String name() {
        return "osgi";
    }

    @Override
    public void install(Instrumentation inst, Config config, boolean enabled, boolean lateAttach) {
        if (!enabled) {
            for (String[] f : FRAMEWORKS) {
                LoaderVisibility.blind(f[3], "classes of " + f[0] + " bundles are not woven:"
                        + " DSD_AGENT_INSTRUMENTATION_OSGI_ENABLED=false");
            }
            return;
        }
        inst.addTransformer(new DecisionTransformer(), true);
        if (lateAttach) {
            for (Class<?> c : inst.getAllLoadedClasses()) {
                String[] f = framework(c.getName().replace('.', '/'));
                if (f != null) {
                    try {
                        inst.retransformClasses(c);
                    } catch (Throwable t) {
                        blind(f, "its boot delegation could not be changed after a late attach (" + t + ")");
                    }
                }
            }
        }
    }

    static String[] framework(String internalName) { // not private: read per class by the nested transformer, no accessor
        for (String[] f : FRAMEWORKS) {
            if (f[1].equals(internalName)) {
                return f;
            }
        }
        return null;
    }

    private static void blind(String[] f, String why) {
        LoaderVisibility.blind(f[3], "classes of " + f[0] + " bundles are not woven: " + why);
    }

    /** Rewrites the decision method of the framework classes above; every other class is left alone at once. */
    static final class DecisionTransformer implements ClassFileTransformer {
        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd,
                                byte[] classFile) {
            String[] f = className == null ? null : framework(className);
            if (f == null) {
                return null;
            }
            try {
                byte[] out = rewrite(classFile, f[2]);
                if (out == null) {
                    blind(f, "this version has no " + className.replace('/', '.') + "." + f[2] + "(String)");
                } else if (Log.debugEnabled()) {
                    Log.debug(f[0] + ": the bridge package is boot-delegated to bundles");
                }
                return out;
            } catch (Throwable t) {
                blind(f, "its boot delegation could not be changed (" + t + ")");
                return null;
            }
        }
    }

    /** {@code classFile} with {@code method} answering true for the bridge package; null if it has no such method. */
    static byte[] rewrite(byte[] classFile, String method) {
        return BootDelegationVisitor.rewrite(classFile, method); // ASM is loaded only when a class needs it
    }
}
