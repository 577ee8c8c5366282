package io.dsdagent.agent.encode;

/**
 * UTF-8 written straight into a byte array, with the substitutions the wire needs done on the fly, so
 * nothing is allocated: a broken surrogate and (in {@link #FIELD} mode) anything that would end a field
 * become {@code _}; in {@link #TEXT} mode newlines become the two characters {@code \n} (what the Datadog
 * Agent turns back into a newline in event titles and texts) and {@code |} is kept.
 */
final class Utf8 {
    /** Field mode: {@code |} and control characters become {@code _}. */
    static final int FIELD = 0;
    /**
     * Event title/text mode: CR, LF and CRLF become {@code \n} (a lone CR too: the Agent strips a CR at
     * the end of a line, which would shorten the text below its sent length); {@code |} and other control
     * characters are fine, since the lengths are sent.
     */
    static final int TEXT = 1;
    /** Service check message mode: newlines as in TEXT, and {@code |} becomes {@code _} (it would cut it). */
    static final int MESSAGE = 2;

    private Utf8() {
    }

    /** Bytes {@link #write} will produce for {@code s}. */
    static int length(CharSequence s, int mode) {
        int n = 0;
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if ((c == '\n' || c == '\r') && mode != FIELD) {
                    if (c == '\r' && i + 1 < len && s.charAt(i + 1) == '\n') {
                        i++;
                    }
                    n += 2;
                } else {
                    n++;
                }
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
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
                } else if (c == '|' ? mode != TEXT : mode == FIELD && (c < 0x20 || c == 0x7f)) {
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
