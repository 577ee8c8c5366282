package io.dsdagent.agent.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a receiver's lines stand for, counted as the Datadog Agent counts them: a count line stands for its
 * value (the tests' counters only add 1), a value line for its values, each weighted {@code int(1/rate)}.
 * In the agent's test jar: the soak (forked JVM) and the agent's stress test check the same accounting.
 */
public final class Samples {
    private Samples() {
    }

    /** Samples per metric name, of the lines whose name starts with one of {@code prefixes}. */
    public static Map<String, Long> byMetric(List<String> lines, List<String> prefixes) {
        Map<String, Long> m = new TreeMap<>();
        for (String l : lines) {
            if (prefixes.stream().noneMatch(l::startsWith)) {
                continue;
            }
            String[] f = l.split("\\|");
            String name = f[0].substring(0, f[0].indexOf(':'));
            String[] values = f[0].substring(name.length() + 1).split(":");
            long n;
            if (f[1].equals("c")) {
                n = Long.parseLong(values[0]);
            } else {
                long weight = 1;
                for (String field : f) {
                    if (field.startsWith("@")) {
                        weight = (long) (1.0 / Double.parseDouble(field.substring(1)));
                    }
                }
                n = values.length * weight;
            }
            m.merge(name, n, Long::sum);
        }
        return m;
    }

    /** The total of {@link #byMetric}. */
    public static long total(List<String> lines, List<String> prefixes) {
        return byMetric(lines, prefixes).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Sum of the {@code name} count lines, only those carrying {@code tag} when it is not null. */
    public static long sum(List<String> lines, String name, String tag) {
        long sum = 0;
        for (String l : lines) {
            if (l.startsWith(name + ":") && (tag == null || l.contains("#" + tag) || l.contains("," + tag))) {
                sum += Long.parseLong(l.substring(name.length() + 1, l.indexOf('|')));
            }
        }
        return sum;
    }
}
