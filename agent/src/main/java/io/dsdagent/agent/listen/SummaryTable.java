package io.dsdagent.agent.listen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Lays out one interval of {@code listen --summary} as a text table no line of which is wider than the terminal:
 * one row per context, sorted by metric name, then tags, then type. Tags every row carries (the constant
 * {@code env}, {@code service}, ...) are said once in the title, so the tags column shows what tells rows apart.
 * Where the natural widths do not fit, the tags column gives way first (showing tag values without their
 * keys once {@code key:value} no longer fits), then the metric column down to
 * {@value #METRIC_MIN} characters (cut cells end in {@code ...}), then whole columns in the order of
 * {@link #DROP_ORDER}, so that the metric name stays readable on an 80-column terminal; a terminal narrower
 * than even that gets every line cut at its width.
 */
final class SummaryTable {
    static final String[] HEADERS = {"TYPE", "METRIC", "TAGS", "COUNT", "RATE/S", "LAST", "P50", "P95", "P99", "MAX"};
    private static final int TAGS = 2;
    private static final int METRIC = 1;
    private static final int FIRST_NUMBER = 3;
    private static final int METRIC_MIN = 24;
    /** Columns left out, one by one, while the table is still too wide: P50, P95, rate, tags, last value. */
    private static final int[] DROP_ORDER = {6, 7, 4, TAGS, 5};
    private static final String[] STATUSES = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

    private SummaryTable() {
    }

    static String render(String title, List<ContextStats> contexts, double seconds, int width) {
        List<ContextStats> sorted = new ArrayList<ContextStats>(contexts);
        Collections.sort(sorted, (a, b) -> {
            int c = a.name.compareTo(b.name);
            c = c != 0 ? c : a.tags.compareTo(b.tags);
            return c != 0 ? c : a.type.compareTo(b.type);
        });
        Set<String> common = common(sorted);
        List<String[]> rows = new ArrayList<String[]>();
        rows.add(HEADERS);
        for (ContextStats s : sorted) {
            String[] r = cells(s, seconds);
            r[TAGS] = without(s.tags, common);
            rows.add(r);
        }
        int[] w = fit(rows, width);
        if (w[TAGS] >= 0 && w[TAGS] < widest(rows, TAGS)) {
            // too narrow for key:value: the values alone (GET,200,/orders) still tell the rows apart
            for (int i = 1; i < rows.size(); i++) {
                rows.get(i)[TAGS] = valuesOnly(rows.get(i)[TAGS]);
            }
            w = fit(rows, width);
        }
        StringBuilder sb = new StringBuilder();
        boolean allTagged = true;
        for (ContextStats s : sorted) {
            allTagged &= !s.tags.isEmpty();
        }
        line(sb, common.isEmpty() ? title
                : title + (allTagged ? "; on every row: " : "; on every tagged row: ") + String.join(",", common), width);
        for (String[] row : rows) {
            StringBuilder l = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                if (w[c] < 0) {
                    continue; // left out: the terminal is too narrow
                }
                String cell = cut(row[c], w[c]);
                if (c > 0) { // TYPE, column 0, is never left out
                    l.append("  ");
                }
                if (c >= FIRST_NUMBER) {
                    pad(l, w[c] - cell.length());
                    l.append(cell);
                } else {
                    l.append(cell);
                    pad(l, w[c] - cell.length());
                }
            }
            line(sb, l.toString(), width);
        }
        return sb.toString();
    }

    /**
     * The tags every tagged row carries (at least two tagged rows), in order; rows without any tag (events,
     * service checks, untagged metrics) do not keep the constant {@code env}/{@code service} tags in the column.
     */
    private static Set<String> common(List<ContextStats> rows) {
        Set<String> common = null;
        int tagged = 0;
        for (ContextStats s : rows) {
            if (s.tags.isEmpty()) {
                continue;
            }
            tagged++;
            if (common == null) {
                common = new TreeSet<String>(Arrays.asList(s.tags.split(",")));
            } else {
                common.retainAll(Arrays.asList(s.tags.split(",")));
            }
        }
        if (common == null || tagged < 2) {
            return new TreeSet<String>();
        }
        common.remove("");
        return common;
    }

    private static String without(String tags, Set<String> common) {
        if (common.isEmpty()) {
            return tags;
        }
        StringBuilder sb = new StringBuilder();
        for (String t : tags.split(",")) {
            if (!common.contains(t)) {
                sb.append(sb.length() == 0 ? "" : ",").append(t);
            }
        }
        return sb.toString();
    }

    private static int widest(List<String[]> rows, int column) {
        int w = 0;
        for (String[] row : rows) {
            w = Math.max(w, row[column].length());
        }
        return w;
    }

    /** {@code method:GET,status:200} as {@code GET,200}. */
    private static String valuesOnly(String tags) {
        if (tags.isEmpty()) {
            return tags;
        }
        StringBuilder sb = new StringBuilder();
        for (String t : tags.split(",")) {
            int colon = t.indexOf(':');
            sb.append(sb.length() == 0 ? "" : ",").append(colon < 0 ? t : t.substring(colon + 1));
        }
        return sb.toString();
    }

    private static String[] cells(ContextStats s, double seconds) {
        String[] r = new String[HEADERS.length];
        r[0] = s.type;
        r[1] = s.name;
        r[2] = s.tags;
        r[3] = number(s.count);
        r[4] = number(seconds > 0 ? s.count / seconds : Double.NaN);
        r[5] = s.type.equals("service_check") && s.last >= 0 && s.last < 4 ? STATUSES[(int) s.last] : number(s.last);
        double[] p = s.hasValues() ? s.percentiles() : new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        for (int i = 0; i < 4; i++) {
            r[6 + i] = number(p[i]);
        }
        return r;
    }

    /** Column widths: the widest cell of each, then the tags and metric columns narrowed to fit {@code width}. */
    private static int[] fit(List<String[]> rows, int width) {
        int[] w = new int[HEADERS.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                w[c] = Math.max(w[c], row[c].length());
            }
        }
        int total = 2 * (w.length - 1);
        for (int x : w) {
            total += x;
        }
        int over = total - width;
        for (int c : new int[] {TAGS, METRIC}) {
            int give = Math.min(over, w[c] - Math.max(HEADERS[c].length(), c == METRIC ? METRIC_MIN : 8));
            if (give > 0) {
                w[c] -= give;
                over -= give;
            }
        }
        for (int i = 0; i < DROP_ORDER.length && over > 0; i++) {
            int c = DROP_ORDER[i];
            over -= w[c] + 2;
            w[c] = -1;
        }
        return w;
    }

    private static String cut(String cell, int width) {
        if (cell.length() <= width) {
            return cell;
        }
        return width > 3 ? cell.substring(0, width - 3) + "..." : cell.substring(0, width);
    }

    private static void pad(StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) {
            sb.append(' ');
        }
    }

    private static void line(StringBuilder sb, String line, int width) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        sb.append(line, 0, Math.min(end, width)).append('\n');
    }

    /** Whole numbers as such, others with two decimals (trailing zeros dropped), very large or small ones as 1.23e+09. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 0.01 && a < 1e9) {
            String s = String.format(Locale.ROOT, "%.2f", v);
            s = s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
            return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }
}
