package io.dsdagent.agent.config;

import io.dsdagent.agent.log.Log;

/** A metric name prefix setting: letters, digits, '_' and '.', starting with a letter; ends with '.'. */
final class MetricPrefix {
    private MetricPrefix() {
    }

    /** {@code s}'s value as a prefix ending with '.'; its default, with one line, when it is not one. */
    static String of(Config config, Setting s) {
        String v = config.raw(s);
        if (v == null) {
            return s.defaultValue();
        }
        boolean ok = Character.isLetter(v.charAt(0)) && v.charAt(0) < 128 && v.length() <= 100;
        for (int i = 0; ok && i < v.length(); i++) {
            char c = v.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
        }
        if (!ok) {
            Log.warn(s.env() + "='" + v + "' is not a metric name prefix (letters, digits, _ and ., starting with"
                    + " a letter); using " + s.defaultValue());
            return s.defaultValue();
        }
        return v.endsWith(".") ? v : v + ".";
    }
}
