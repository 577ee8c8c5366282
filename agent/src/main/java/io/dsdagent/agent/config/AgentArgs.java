package io.dsdagent.agent.config;

import io.dsdagent.agent.log.Log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings carried as agent arguments: {@code -javaagent:dsd-agent.jar=DD_SERVICE=shop,DSD_AGENT_FLUSH_INTERVAL=2s},
 * or what {@code java -jar dsd-agent.jar attach <pid> SETTING=value ...} hands to {@code agentmain}. A
 * JVM that is already running cannot be given environment variables or {@code -D} properties, so this
 * is how late attach is configured; it wins over both.
 *
 * <p>Format: {@code NAME=value} entries separated by commas. {@code NAME} is the environment name
 * ({@code DD_SERVICE}) or the property name ({@code dd.service}); both mean the same setting. A comma or
 * backslash inside a value is written {@code \,} or {@code \\} ({@code DD_TAGS=team:a\,tier:web});
 * {@link #join} writes that form. An entry without {@code =}, or whose name is not a {@code DD_},
 * {@code DATADOG_} or {@code DSD_AGENT_} name, is ignored with one line.
 */
public final class AgentArgs {
    private AgentArgs() {
    }

    /** Environment name -> value, in the order given (a later entry for the same name wins); never null. */
    public static Map<String, String> parse(String args) {
        if (args == null || args.trim().isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> out = new LinkedHashMap<String, String>();
        StringBuilder entry = new StringBuilder();
        for (int i = 0; i <= args.length(); i++) {
            char c = i < args.length() ? args.charAt(i) : ',';
            if (c == '\\' && i + 1 < args.length()) {
                entry.append(args.charAt(++i));
            } else if (c == ',') {
                add(out, entry.toString());
                entry.setLength(0);
            } else {
                entry.append(c);
            }
        }
        return out;
    }

    private static void add(Map<String, String> out, String entry) {
        if (entry.trim().isEmpty()) {
            return;
        }
        int eq = entry.indexOf('=');
        String name = eq < 0 ? "" : envName(entry.substring(0, eq).trim());
        if (!name.startsWith("DD_") && !name.startsWith("DATADOG_") && !name.startsWith("DSD_AGENT_")) {
            Log.warn("agent argument '" + entry + "' is not SETTING=value (DD_*, DSD_AGENT_* or dd.*, dsd.agent.*); ignoring it");
            return;
        }
        out.put(name, entry.substring(eq + 1));
    }

    /** {@code dd.service} -> {@code DD_SERVICE}; an environment name stays as it is. */
    static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** {@code NAME=value} settings as one agent-argument string, commas and backslashes in values escaped. */
    public static String join(List<String> settings) {
        StringBuilder sb = new StringBuilder();
        for (String s : settings) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == ',' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
