package io.dsdagent.agent.startup;

import java.io.InputStream;
import java.util.Properties;

/** The agent's version, from the filtered {@code version.properties} in the jar. */
public final class Version {
    private static volatile String version;

    private Version() {
    }

    public static String get() {
        String v = version;
        if (v == null) {
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
