package io.dsdagent.agent.config;

import io.dsdagent.agent.record.Registry;

import java.util.Locale;

/**
 * The one parser of value metric types in settings and annotations ({@code DSD_AGENT_TIMER_TYPE},
 * {@code DSD_AGENT_HTTP_TYPE}, {@code @Timed(type = ..)}): {@code ms}/{@code timer},
 * {@code h}/{@code histogram}, {@code d}/{@code distribution}, in any case, around blanks.
 */
public final class MetricType {
    private MetricType() {
    }

    /** The {@link Registry} type ({@code TIMER}, {@code HISTOGRAM} or {@code DISTRIBUTION}); -1 for anything else. */
    public static int parse(String v) {
        String l = v.trim().toLowerCase(Locale.ROOT);
        if (l.equals("ms") || l.equals("timer")) {
            return Registry.TIMER;
        }
        if (l.equals("h") || l.equals("histogram")) {
            return Registry.HISTOGRAM;
        }
        if (l.equals("d") || l.equals("distribution")) {
            return Registry.DISTRIBUTION;
        }
        return -1;
    }

    /**
     * As {@link #parse}, for values recorded in nanoseconds and sent in milliseconds (timed methods):
     * a histogram or distribution carries {@link Registry#NANOS}; a timer is in nanoseconds already.
     */
    public static int ofNanos(String v) {
        int t = parse(v);
        return t == Registry.HISTOGRAM || t == Registry.DISTRIBUTION ? t | Registry.NANOS : t;
    }
}
