package io.dsdagent.it.support;

import java.util.ArrayList;
import java.util.List;

/** Reads what receivers got: event titles (count sums: {@link io.dsdagent.agent.testing.Samples#sum}). */
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
}
