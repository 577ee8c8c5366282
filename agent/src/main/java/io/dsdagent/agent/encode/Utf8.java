package io.dsdagent.agent.encode;

/**
 * UTF-8 written straight into a byte array, with the substitutions the wire needs done on the fly, so
 * nothing is allocated. In every mode a broken surrogate and every control byte (below 0x20, and 0x7F)
 * becomes {@code _}: the Datadog Agent rejects none of them and passes them on into what users see
 * ({@code shared/protocol.md} §7.11). The modes differ only in newlines, tab and {@code |}:
 * <ul>
 * <li>{@link #FIELD} (names, tags, hosts, set members): newline, tab and {@code |} become {@code _}.
 * <li>{@link #TITLE} (event title): CR, LF and CRLF become the two characters {@code \n}, which the Agent
 * turns back into a newline (a lone CR too: the Agent strips a CR at the end of a line, which would
 * shorten the text below its sent length); {@code |} is kept, since the lengths are sent; tab becomes
 * {@code _}.
 * <li>{@link #TEXT} (event text): as {@link #TITLE}, but tab is kept.
 * <li>{@link #MESSAGE} (service check message): newlines as in {@link #TITLE}, tab kept, {@code |}
 * becomes {@code _} (the Agent would cut the message there).
 * </ul>
 */
final class Utf8 {
    static final int FIELD = 0;
    static final int TEXT = 1;
    static final int MESSAGE = 2;
    static final int TITLE = 3;

    private Utf8() {
    }

    /** Bytes {@link #write} will produce for {@code s}. */
    static int length(CharSequence s, int mode) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int u = unit(s, i, mode);
            n += u & 0xff;
            i += u >>> 8;
        }
        return n;
    }

    /**
     * How many chars of {@code s} from the start {@link #write} can write in at most {@code maxBytes}
     * bytes, never ending inside a surrogate pair or a CRLF.
     */
    static int fitting(CharSequence s, int mode, int maxBytes) {
        int n = 0;
        int i = 0;
        while (i < s.length()) {
            int u = unit(s, i, mode);
            if (n + (u & 0xff) > maxBytes) {
                return i;
            }
            n += u & 0xff;
            i += u >>> 8;
        }
        return i;
    }

    /** The unit {@link #write} writes at {@code i}: its byte count, plus its char count shifted left by 8. */
    private static int unit(CharSequence s, int i, int mode) {
        char c = s.charAt(i);
        if (c < 0x80) {
            if ((c == '\n' || c == '\r') && mode != FIELD) {
                return c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 << 8 | 2 : 1 << 8 | 2;
            }
            return 1 << 8 | 1;
        }
        if (c < 0x800) {
            return 1 << 8 | 2;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            return 2 << 8 | 4;
        }
        return 1 << 8 | (Character.isSurrogate(c) ? 1 : 3);
    }

    /** Writes {@code s}; returns the position after the last byte. Callers made room for {@link #length}. */
    static int write(byte[] buf, int pos, CharSequence s, int mode) {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if ((c == '\n' || c == '\r') && mode != FIELD) {
                    if (c == '\r' && i + 1 < len && s.charAt(i + 1) == '\n') {
                        i++;
                    }
                    buf[pos++] = '\\';
                    buf[pos++] = 'n';
                } else if (c == '|' ? mode == FIELD || mode == MESSAGE
                        : (c < 0x20 || c == 0x7f) && (c != '\t' || mode == FIELD || mode == TITLE)) {
                    buf[pos++] = '_';
                } else {
                    buf[pos++] = (byte) c;
                }
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xc0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[pos++] = (byte) (0xf0 | (cp >> 18));
                buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[pos++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                buf[pos++] = '_';
            } else {
                buf[pos++] = (byte) (0xe0 | (c >> 12));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[pos++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return pos;
    }
}
