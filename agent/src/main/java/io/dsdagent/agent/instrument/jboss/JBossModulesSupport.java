package io.dsdagent.agent.instrument.jboss;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.LoaderSupport;
import io.dsdagent.agent.instrument.LoaderVisibility;

import java.lang.instrument.Instrumentation;

/**
 * JBoss Modules (WildFly, JBoss EAP, Keycloak): a module's class loader hands the application class
 * loader only {@code java.*} and the packages listed in the system property
 * {@value #SYSTEM_PACKAGES}, which JBoss Modules reads once, when its {@code Module} class initializes.
 * {@code premain} runs before that, so the agent appends the bridge package to the property there (a
 * value the user or the server's launch script set is extended, never replaced), as the Datadog and
 * OpenTelemetry agents do. The user configures nothing.
 *
 * <p>After a late attach into a running server, JBoss Modules has read the property already; its module
 * loaders then find the bridge through the class-loader support's {@code loadClass} shortcut, which the
 * late attach retransforms into them. With that switched off too, module classes are not woven (one line
 * says so), and neither are they when this support is switched off.
 */
public final class JBossModulesSupport implements LoaderSupport {
    static final String SYSTEM_PACKAGES = "jboss.modules.system.pkgs";
    private static final String MODULE_CLASS = "org.jboss.modules.Module";
    private static final String LOADER_CLASS = "org.jboss.modules.ModuleClassLoader";
    /** The support ({@code instrument.classloader}) that makes every loader's {@code loadClass} find the bridge. */
    private static final String CLASSLOADER = "classloader";

    @Override
    public String name() {
        return "jboss";
    }

    @Override
    public void install(Instrumentation inst, Config config, boolean enabled, boolean lateAttach) {
        String current = System.getProperty(SYSTEM_PACKAGES);
        if (lists(current, LoaderVisibility.BRIDGE_PACKAGE)) {
            return; // set on the command line, or by an earlier attach
        }
        if (!enabled) {
            LoaderVisibility.blind(LOADER_CLASS, "classes of JBoss Modules are not woven:"
                    + " DSD_AGENT_INSTRUMENTATION_JBOSS_ENABLED=false");
            return;
        }
        if (lateAttach && loaded(inst, MODULE_CLASS)) {
            if (!config.instrumentationEnabled(CLASSLOADER)) {
                LoaderVisibility.blind(LOADER_CLASS, "classes of JBoss Modules are not woven: it started before the"
                        + " agent attached and DSD_AGENT_INSTRUMENTATION_CLASSLOADER_ENABLED=false; start the JVM"
                        + " with -javaagent, or add -D" + SYSTEM_PACKAGES + "=" + LoaderVisibility.BRIDGE_PACKAGE);
            }
            return; // else the classloader support's loadClass shortcut reaches its loaders when retransformed
        }
        System.setProperty(SYSTEM_PACKAGES, current == null || current.trim().isEmpty()
                ? LoaderVisibility.BRIDGE_PACKAGE : current + "," + LoaderVisibility.BRIDGE_PACKAGE);
    }

    /** Whether the comma-separated {@code list} has {@code pkg} or a package above it (JBoss Modules matches prefixes). */
    static boolean lists(String list, String pkg) {
        if (list == null) {
            return false;
        }
        for (String s : list.split(",", -1)) {
            String p = s.trim();
            if (!p.isEmpty() && (pkg.equals(p) || pkg.startsWith(p.endsWith(".") ? p : p + "."))) {
                return true;
            }
        }
        return false;
    }

    private static boolean loaded(Instrumentation inst, String name) {
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
