package io.dsdagent.it.support;

import java.util.ArrayList;
import java.util.List;

/** Reads what receivers got: event titles and the agent's dsd_agent.* telemetry counts. */
public final class Messages {
    private Messages() {
    }

    /** Titles of the events among {@code lines} whose title starts with {@code prefix + "-"}. */
    public static List<String> eventTitles(List<String> lines, String prefix) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("_e{")) {
                int start = l.indexOf("}:") + 2;
                String title = l.substring(start, l.indexOf('|', start));
                if (title.startsWith(prefix + "-")) {
                    out.add(title);
                }
            }
        }
        return out;
    }

    /** Sum of the {@code name} count lines, only those carrying {@code tag} when it is not null. */
    public static long count(List<String> lines, String name, String tag) {
        long sum = 0;
        for (String l : lines) {
            if (l.startsWith(name + ":") && (tag == null || l.contains("#" + tag) || l.contains("," + tag))) {
                sum += Long.parseLong(l.substring(name.length() + 1, l.indexOf('|')));
            }
        }
        return sum;
    }
}
