package io.dsdagent.it.support;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDKs forked test JVMs run on: the build JDK, and Temurin 25 ({@code it.jdk25.home}).
 *
 * <p>On a developer's machine without Temurin 25 the matrix shrinks to the build JDK and the tests that need a
 * newer JDK are skipped. Under {@code CI=true} (the environment variable CI services set) every machine has it,
 * so a missing JDK 25 fails the build instead: a green CI run must mean both halves of the matrix ran.
 */
public final class Jdks {
    private static final String JDK25_DEFAULT = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private Jdks() {
    }

    /** True under {@code CI=true}: an environment the tests need is then a failure, never a skip. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The build JDK, then Temurin 25 unless it is the build JDK; under {@code CI=true} fails without it. */
    public static List<String> homes() {
        List<String> homes = new ArrayList<>();
        homes.add(System.getProperty("java.home"));
        String jdk25 = System.getProperty("it.jdk25.home", JDK25_DEFAULT);
        boolean present = new File(jdk25, "bin/java").canExecute();
        if (!present && ci()) {
            throw new IllegalStateException("CI=true but there is no JDK at it.jdk25.home=" + jdk25
                    + " (no executable bin/java): the JDK 17 + 25 test matrix would silently lose its JDK 25 half."
                    + " Install Temurin 25 there or pass -Dit.jdk25.home=<its home>.");
        }
        if (present && !new File(jdk25).getAbsolutePath().equals(new File(homes.get(0)).getAbsolutePath())) {
            homes.add(jdk25);
        }
        return homes;
    }

    /**
     * The newest JDK of {@link #homes()} of at least {@code feature}. Without one the calling test is skipped
     * ({@code why} says what it needs), or fails under {@code CI=true}.
     */
    public static String atLeast(int feature, String why) {
        String found = null;
        for (String h : homes()) {
            if (feature(h) >= feature) {
                found = h;
            }
        }
        if (found == null) {
            String message = "no JDK " + feature + "+ among " + homes() + ": " + why;
            if (ci()) {
                throw new AssertionError("CI=true: " + message);
            }
            Assumptions.abort(message);
        }
        return found;
    }

    public static String java(String home) {
        return new File(home, "bin/java").getAbsolutePath();
    }

    /** Feature version of the JDK at {@code home}, read from its release file; fails if it has none. */
    public static int feature(String home) {
        File release = new File(home, "release");
        try {
            for (String line : Files.readAllLines(release.toPath())) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(14, line.length() - 1);
                    if (v.startsWith("1.")) {
                        return Integer.parseInt(v.substring(2, 3));
                    }
                    int dot = v.indexOf('.');
                    return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + release + ": " + e, e);
        }
        throw new IllegalStateException(release + " has no JAVA_VERSION line");
    }
}
