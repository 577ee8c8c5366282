package io.dsdagent.agent.listen;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code listen --summary}: instead of a line per message, a table of what arrived in the last interval, one row
 * per context ({@link ContextStats}, laid out by {@link SummaryTable}), drawn every {@code --interval}. On a
 * terminal each table replaces the previous one in place; otherwise (a pipe, a file) the tables follow each other.
 * A context that received nothing in an interval has no row in it, as the Datadog Agent sends nothing for it.
 *
 * <p>Memory is bounded per interval: at most {@link #MAX_CONTEXTS} contexts (messages for others are counted in
 * the title as not shown) and {@link ContextStats#MAX_VALUES} values per context.
 */
final class Summary implements Output {
    static final int MAX_CONTEXTS = 10_000;
    /** ANSI: cursor to the top left, clear the screen. */
    static final String CLEAR = "\033[H\033[2J";

    private final long intervalNanos;
    private final int width;
    private final boolean inPlace;
    private final PrintStream out;
    private final Map<String, ContextStats> contexts = new LinkedHashMap<String, ContextStats>();
    private long start;
    private long messages;
    private long malformed;
    private long notShown;
    private boolean drawn;

    Summary(long intervalMillis, int width, boolean inPlace, PrintStream out, long startNanos) {
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.width = width;
        this.inPlace = inPlace;
        this.out = out;
        this.start = startNanos;
    }

    /** The terminal's width: {@code COLUMNS} if it is a sensible number, else 120. */
    static int width(String columns) {
        try {
            int w = Integer.parseInt(columns == null ? "" : columns.trim());
            return w >= 20 && w <= 10_000 ? w : 120;
        } catch (NumberFormatException e) {
            return 120;
        }
    }

    @Override
    public void payload(String payload) {
        for (String line : payload.split("\n")) {
            if (!line.isEmpty()) {
                messages++;
                if (!add(line)) {
                    malformed++;
                }
            }
        }
    }

    @Override
    public void idle(long nanoTime) {
        if (nanoTime - start >= intervalNanos) {
            draw(nanoTime);
        }
    }

    @Override
    public void end(long nanoTime) {
        if (messages > 0 || !drawn) {
            draw(nanoTime);
        }
    }

    private void draw(long now) {
        double seconds = (now - start) / 1e9;
        String title = String.format(java.util.Locale.ROOT, "dsd-agent listen: %d contexts, %d messages in %.1f s",
                contexts.size(), messages, seconds)
                + (malformed > 0 ? ", " + malformed + " malformed" : "")
                + (notShown > 0 ? ", " + notShown + " not shown (more than " + MAX_CONTEXTS + " contexts)" : "");
        String table = SummaryTable.render(title, new ArrayList<ContextStats>(contexts.values()), seconds, width);
        out.print(inPlace ? CLEAR + table : table + "\n");
        out.flush();
        contexts.clear();
        messages = 0;
        malformed = 0;
        notShown = 0;
        start = now;
        drawn = true;
    }

    /** Adds one message; false if it does not parse. */
    private boolean add(String msg) {
        String[] f = msg.split("\\|", -1);
        try {
            if (msg.startsWith("_sc|")) {
                ContextStats s = context("service_check", f[1], tags(f, 3));
                if (s != null) {
                    s.point(Integer.parseInt(f[2]));
                }
                return true;
            }
            if (msg.startsWith("_e{")) {
                String title = Decoder.eventTitle(msg);
                ContextStats s = title == null ? null : context("event", title, "");
                if (s != null) {
                    s.point(Double.NaN);
                }
                return title != null;
            }
            return metric(msg, f);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean metric(String msg, String[] f) {
        int colon = f[0].indexOf(':');
        String type = f.length < 2 || colon <= 0 ? null : Decoder.kind(f[1]);
        if (type == null) {
            return false;
        }
        double rate = 1;
        for (int i = 2; i < f.length; i++) {
            if (f[i].startsWith("@")) {
                rate = Double.parseDouble(f[i].substring(1));
            }
        }
        String values = f[0].substring(colon + 1);
        if (type.equals("set")) {
            ContextStats s = context(type, f[0].substring(0, colon), tags(f, 2));
            if (s != null) {
                s.member(values);
            }
            return true;
        }
        String[] vs = values.split(":");
        double[] xs = new double[vs.length];
        int n = 0;
        for (String v : vs) {
            if (!v.isEmpty()) {
                xs[n++] = Double.parseDouble(v); // one bad value rejects the message, as the Agent does
            }
        }
        ContextStats s = n == 0 ? null : context(type, f[0].substring(0, colon), tags(f, 2));
        for (int i = 0; s != null && i < n; i++) {
            if (type.equals("count")) {
                s.count(xs[i], rate);
            } else if (type.equals("gauge")) {
                s.point(xs[i]);
            } else {
                s.value(xs[i], rate);
            }
        }
        return n > 0;
    }

    /** The sorted, de-duplicated tags of the last {@code #} field at or after {@code from}, comma-separated. */
    private static String tags(String[] f, int from) {
        String tags = "";
        for (int i = from; i < f.length; i++) {
            if (f[i].startsWith("#")) {
                tags = f[i].substring(1);
            }
        }
        return tags.isEmpty() ? "" : String.join(",", new TreeSet<String>(Arrays.asList(tags.split(","))));
    }

    private ContextStats context(String type, String name, String tags) {
        String key = type + '\u0000' + name + '\u0000' + tags;
        ContextStats s = contexts.get(key);
        if (s == null) {
            if (contexts.size() >= MAX_CONTEXTS) {
                notShown++;
                return null;
            }
            s = new ContextStats(type, name, tags);
            contexts.put(key, s);
        }
        return s;
    }
}
