package io.dsdagent.agent.config;

import java.util.Locale;

/**
 * The one duration parser of settings and commands: seconds unless a unit is given ({@code 10},
 * {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}), as DECISIONS.md fixes for every setting.
 */
public final class Durations {
    private Durations() {
    }

    /** Milliseconds; -1 if {@code v} is not a duration (negative, fractional, over 12 digits, unknown unit). */
    public static long parseMillis(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long mult = 1000;
        int unit = 0;
        if (s.endsWith("ms")) {
            mult = 1;
            unit = 2;
        } else if (s.endsWith("s")) {
            unit = 1;
        } else if (s.endsWith("m")) {
            mult = 60_000;
            unit = 1;
        } else if (s.endsWith("h")) {
            mult = 3_600_000;
            unit = 1;
        }
        s = s.substring(0, s.length() - unit).trim();
        if (s.isEmpty() || s.length() > 12) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(s) * mult;
    }
}
