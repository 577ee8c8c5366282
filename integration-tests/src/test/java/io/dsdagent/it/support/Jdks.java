package io.dsdagent.it.support;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** The JDKs forked test JVMs run on: the build JDK, and Temurin 25 when it is installed. */
public final class Jdks {
    private Jdks() {
    }

    public static List<String> homes() {
        List<String> homes = new ArrayList<>();
        homes.add(System.getProperty("java.home"));
        String jdk25 = System.getProperty("it.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64");
        if (new File(jdk25, "bin/java").canExecute() && !new File(jdk25).getAbsolutePath()
                .equals(new File(homes.get(0)).getAbsolutePath())) {
            homes.add(jdk25);
        }
        return homes;
    }

    public static String java(String home) {
        return new File(home, "bin/java").getAbsolutePath();
    }

    /** Feature version of the JDK at {@code home}, read from its release file. */
    public static int feature(String home) {
        try {
            for (String line : java.nio.file.Files.readAllLines(new File(home, "release").toPath())) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(14, line.length() - 1);
                    if (v.startsWith("1.")) {
                        return Integer.parseInt(v.substring(2, 3));
                    }
                    int dot = v.indexOf('.');
                    return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
                }
            }
        } catch (Exception ignored) {
            // fall through
        }
        return Runtime.version().feature();
    }
}
