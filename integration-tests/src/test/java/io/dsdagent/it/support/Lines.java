package io.dsdagent.it.support;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads received DogStatsD lines as the Datadog Agent would, for one name, type and exact tag set. */
public final class Lines {
    private Lines() {
    }

    /** Values the Datadog Agent would count (each weighted int(1/rate)) for that context. */
    public static long valueCount(List<String> lines, String name, String type, String... tags) {
        long n = 0;
        for (String l : lines) {
            String[] f = matching(l, name, type, tags);
            if (f != null) {
                long values = Arrays.stream(f[0].substring(name.length() + 1).split(":")).filter(x -> !x.isEmpty()).count();
                long weight = 1;
                for (String field : f) {
                    if (field.startsWith("@")) {
                        weight = (long) (1.0 / Double.parseDouble(field.substring(1)));
                    }
                }
                n += values * weight;
            }
        }
        return n;
    }

    /** Sum of the count lines of that context. */
    public static long countSum(List<String> lines, String name, String... tags) {
        long n = 0;
        for (String l : lines) {
            String[] f = matching(l, name, "c", tags);
            if (f != null) {
                n += Long.parseLong(f[0].substring(name.length() + 1));
            }
        }
        return n;
    }

    /**
     * The agent's own report of what it lost, for failure messages: every non-zero
     * {@code dsd_agent.samples.dropped} and {@code dsd_agent.packets.dropped} line, or "none".
     */
    public static String agentLosses(List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            if ((l.startsWith("dsd_agent.samples.dropped:") || l.startsWith("dsd_agent.packets.dropped:"))
                    && !l.substring(l.indexOf(':') + 1).startsWith("0|")) {
                b.append(b.length() == 0 ? "" : ", ").append(l);
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /** Whether any line has that name (any type or tags). */
    public static boolean any(List<String> lines, String name) {
        return lines.stream().anyMatch(l -> l.startsWith(name + ":"));
    }

    private static String[] matching(String line, String name, String type, String[] tags) {
        if (!line.startsWith(name + ":")) {
            return null;
        }
        String[] f = line.split("\\|");
        if (f.length < 2 || !f[1].equals(type)) {
            return null;
        }
        Set<String> got = new HashSet<>();
        for (String field : f) {
            if (field.startsWith("#")) {
                got.addAll(Arrays.asList(field.substring(1).split(",")));
            }
        }
        return got.equals(new HashSet<>(Arrays.asList(tags))) ? f : null;
    }
}
