package io.dsdagent.agent.sample;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses {@code /proc/net/sockstat} and {@code /proc/net/sockstat6} text straight from a byte buffer,
 * without allocating. Each line is {@code KEY: name value name value ...}; fields are found by key and
 * name, never by position, so unknown keys and names are ignored, missing lines leave their fields
 * absent, and a line that does not parse (no colon, a name without a number, a cut-off last line) is
 * skipped as a whole and counted.
 */
public final class Sockstat {
    /** Value of a field the file did not contain. */
    public static final long ABSENT = Long.MIN_VALUE;

    public static final int SOCKETS_USED = 0;
    public static final int TCP4_INUSE = 1;
    public static final int TCP_ORPHAN = 2;
    public static final int TCP_TW = 3;
    public static final int TCP_ALLOC = 4;
    public static final int TCP_MEM_PAGES = 5;
    public static final int UDP4_INUSE = 6;
    public static final int UDP_MEM_PAGES = 7;
    public static final int UDPLITE4_INUSE = 8;
    public static final int RAW4_INUSE = 9;
    public static final int FRAG4_INUSE = 10;
    public static final int FRAG4_MEMORY = 11;
    public static final int TCP6_INUSE = 12;
    public static final int UDP6_INUSE = 13;
    public static final int UDPLITE6_INUSE = 14;
    public static final int RAW6_INUSE = 15;
    public static final int FRAG6_INUSE = 16;
    public static final int FRAG6_MEMORY = 17;
    public static final int FIELDS = 18;

    private static final int MAX_PAIRS = 16;
    private static final byte[][] KEYS;
    private static final byte[][] NAMES;
    private static final int[] FIELD;

    static {
        String[][] table = {
            {"sockets", "used"},
            {"TCP", "inuse"}, {"TCP", "orphan"}, {"TCP", "tw"}, {"TCP", "alloc"}, {"TCP", "mem"},
            {"UDP", "inuse"}, {"UDP", "mem"},
            {"UDPLITE", "inuse"}, {"RAW", "inuse"},
            {"FRAG", "inuse"}, {"FRAG", "memory"},
            {"TCP6", "inuse"}, {"UDP6", "inuse"}, {"UDPLITE6", "inuse"}, {"RAW6", "inuse"},
            {"FRAG6", "inuse"}, {"FRAG6", "memory"},
        };
        KEYS = new byte[table.length][];
        NAMES = new byte[table.length][];
        FIELD = new int[table.length];
        for (int i = 0; i < table.length; i++) {
            KEYS[i] = table[i][0].getBytes(StandardCharsets.US_ASCII);
            NAMES[i] = table[i][1].getBytes(StandardCharsets.US_ASCII);
            FIELD[i] = i; // the table is in field order
        }
    }

    private final int[] pendingField = new int[MAX_PAIRS];
    private final long[] pendingValue = new long[MAX_PAIRS];

    /** Sets every field of {@code out} (length {@link #FIELDS}) to {@link #ABSENT}. */
    public static void clear(long[] out) {
        Arrays.fill(out, ABSENT);
    }

    /**
     * Parses {@code len} bytes of one file into {@code out}, leaving fields the text does not name as
     * they were. Returns the number of lines skipped because they did not parse.
     */
    public int parse(byte[] buf, int len, long[] out) {
        int bad = 0;
        int pos = 0;
        while (pos < len) {
            int eol = pos;
            while (eol < len && buf[eol] != '\n') {
                eol++;
            }
            boolean complete = eol < len; // a last line without its newline was cut off
            if (eol > pos && !parseLine(buf, pos, eol, complete, out)) {
                bad++;
            }
            pos = eol + 1;
        }
        return bad;
    }

    private boolean parseLine(byte[] b, int from, int to, boolean complete, long[] out) {
        if (!complete) {
            return false;
        }
        int colon = from;
        while (colon < to && b[colon] != ':') {
            colon++;
        }
        if (colon == to || colon == from) {
            return false;
        }
        int pairs = 0;
        int p = colon + 1;
        while (true) {
            while (p < to && b[p] == ' ') {
                p++;
            }
            if (p == to) {
                break;
            }
            int nameStart = p;
            while (p < to && b[p] != ' ') {
                p++;
            }
            int nameEnd = p;
            while (p < to && b[p] == ' ') {
                p++;
            }
            int numStart = p;
            boolean neg = p < to && b[p] == '-';
            if (neg) {
                p++;
            }
            long v = 0;
            int digits = 0;
            while (p < to && b[p] >= '0' && b[p] <= '9') {
                if (++digits > 18) {
                    return false;
                }
                v = v * 10 + (b[p] - '0');
                p++;
            }
            if (digits == 0 || (p < to && b[p] != ' ') || numStart == to) {
                return false;
            }
            int field = find(b, from, colon, nameStart, nameEnd);
            if (field >= 0 && pairs < MAX_PAIRS) {
                pendingField[pairs] = field;
                pendingValue[pairs] = neg ? -v : v;
                pairs++;
            }
        }
        for (int i = 0; i < pairs; i++) {
            out[pendingField[i]] = pendingValue[i];
        }
        return true;
    }

    private static int find(byte[] b, int keyFrom, int keyTo, int nameFrom, int nameTo) {
        for (int i = 0; i < KEYS.length; i++) {
            if (equal(KEYS[i], b, keyFrom, keyTo) && equal(NAMES[i], b, nameFrom, nameTo)) {
                return FIELD[i];
            }
        }
        return -1;
    }

    private static boolean equal(byte[] want, byte[] b, int from, int to) {
        if (to - from != want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (b[from + i] != want[i]) {
                return false;
            }
        }
        return true;
    }
}
