package io.dsdagent.agent.startup;

import java.io.InputStream;
import java.util.Properties;

/**
 * The agent's version: the jar manifest's {@code Implementation-Version}, which the class loader has already
 * read (reading a resource instead costs the start-up ~10 ms: the JDK opens its module image and a jar URL
 * connection for it); the filtered {@code version.properties} when the classes do not come from the jar.
 */
public final class Version {
    private static volatile String version;

    private Version() {
    }

    public static String get() {
        String v = version;
        if (v == null) {
            Package pkg = Version.class.getPackage();
            v = pkg == null ? null : pkg.getImplementationVersion();
            if (v != null) {
                version = v;
                return v;
            }
            v = "unknown";
            try (InputStream in = Version.class.getResourceAsStream("/io/dsdagent/agent/version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    v = p.getProperty("version", v);
                }
            } catch (Exception ignored) {
                // version stays "unknown"
            }
            version = v;
        }
        return v;
    }
}
