package io.dsdagent.agent.config;

import io.dsdagent.agent.log.Log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code DSD_AGENT_TIMED_METHODS}: {@code com.acme.Foo[bar,baz];com.acme.Qux[*]}, the form
 * Datadog's tracer uses for {@code dd.trace.methods}. Spaces around names are ignored; an entry that is
 * not {@code Class[method,...]} is skipped with one warning and the others still apply.
 */
public final class TimedMethodsSetting {
    /** Stands for every method the class declares. */
    public static final String ALL = "*";

    private TimedMethodsSetting() {
    }

    /** Class name -> method names (or {@link #ALL}); empty for null or blank input. Never throws. */
    public static Map<String, Set<String>> parse(String value) {
        if (value == null) {
            return Collections.emptyMap();
        }
        Map<String, Set<String>> out = new LinkedHashMap<String, Set<String>>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            int end = value.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            String entry = value.substring(i, end).trim();
            i = end + 1;
            if (!entry.isEmpty() && !add(entry, out)) {
                Log.warn(Setting.DSD_AGENT_TIMED_METHODS.env() + " entry '" + entry
                        + "' is not Class[method,...] or Class[*]; skipping it");
            }
        }
        for (Map.Entry<String, Set<String>> e : out.entrySet()) {
            e.setValue(Collections.unmodifiableSet(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static boolean add(String entry, Map<String, Set<String>> out) {
        int open = entry.indexOf('[');
        if (open <= 0 || !entry.endsWith("]")) {
            return false;
        }
        String cls = entry.substring(0, open).trim();
        if (!isName(cls, true)) {
            return false;
        }
        Set<String> methods = new LinkedHashSet<String>();
        String list = entry.substring(open + 1, entry.length() - 1);
        int i = 0;
        while (i <= list.length()) {
            int comma = list.indexOf(',', i);
            if (comma < 0) {
                comma = list.length();
            }
            String m = list.substring(i, comma).trim();
            i = comma + 1;
            if (m.equals(ALL) || isName(m, false)) {
                methods.add(m);
            } else if (!m.isEmpty()) {
                return false;
            }
        }
        if (methods.isEmpty()) {
            return false;
        }
        Set<String> existing = out.get(cls);
        if (existing == null) {
            out.put(cls, methods);
        } else {
            existing.addAll(methods);
        }
        return true;
    }

    private static boolean isName(String s, boolean dotted) {
        if (s.isEmpty()) {
            return false;
        }
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (dotted && c == '.') {
                if (start) {
                    return false;
                }
                start = true;
                continue;
            }
            if (start ? !Character.isJavaIdentifierStart(c) : !Character.isJavaIdentifierPart(c)) {
                return false;
            }
            start = false;
        }
        return !start;
    }
}
